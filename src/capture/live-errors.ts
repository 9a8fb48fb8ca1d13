import { ShadowdumpError } from '../core/errors.js';
import { oneLine } from './messages.js';

/** libpcap's status codes for pcap_activate (pcap/pcap.h). */
const PCAP_ERROR_NO_SUCH_DEVICE = -5;
const PCAP_ERROR_PERM_DENIED = -8;
const PCAP_ERROR_IFACE_NOT_UP = -9;
const PCAP_ERROR_PROMISC_PERM_DENIED = -11;

/** Where the patched cap's open() failed, and what libpcap said. */
export interface OpenFailure {
  readonly stage?: string;
  readonly status?: number;
  readonly message: string;
}

export const PERMISSION_HINT = 'needs root or CAP_NET_RAW and CAP_NET_ADMIN: run with sudo';

/**
 * The one-line error for a device that could not be opened: not permitted, no such interface,
 * interface down, a filter libpcap rejects (a usage error, exit 2), or libpcap's own words.
 */
export function openError(device: string, filter: string, failure: OpenFailure): ShadowdumpError {
  const said = oneLine(failure.message);
  if (failure.stage === 'filter') {
    const problem = said.replace(/^can't parse filter expression: /, '');
    return new ShadowdumpError('bad-filter', `bad filter expression: ${problem} in "${oneLine(filter)}" (see man 7 pcap-filter)`);
  }
  const name = oneLine(device);
  switch (failure.status) {
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return new ShadowdumpError('capture-permission', `capture on ${name} ${PERMISSION_HINT} (${said})`);
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return new ShadowdumpError('no-such-interface', `no such interface ${name}: list the interfaces with shadowdump -D`);
    case PCAP_ERROR_IFACE_NOT_UP:
      return new ShadowdumpError('no-such-interface', `interface ${name} is down: bring it up (ip link set ${name} up) or pick another with shadowdump -D`);
    default:
      return new ShadowdumpError('capture-failed', `cannot capture on ${name}: ${said}`);
  }
}

/** A capture that stopped on its own (the interface went down or away): tcpdump's "pcap_loop: ...". */
export function readError(device: string, message: string): ShadowdumpError {
  return new ShadowdumpError('capture-failed', `capture on ${oneLine(device)} stopped: ${oneLine(message)} (was the interface removed or taken down?)`);
}
