import { ShadowdumpError } from '../core/errors.js';
import { loadCap, type CapAddress, type CapDevice } from './cap-binding.js';

/** PCAP_IF_* (pcap/pcap.h). */
const IF_LOOPBACK = 0x1;
const IF_UP = 0x2;
const IF_RUNNING = 0x4;
const IF_WIRELESS = 0x8;
const IF_CONNECTION_STATUS = 0x30;
const CONNECTED = 0x10;
const DISCONNECTED = 0x20;

/** The bracket tcpdump 4.99 prints after a device in -D ("[Up, Running, Connected]"), or ''. */
function statusText(flags: number): string {
  if (flags === 0) return '';
  const names = [
    [IF_UP, 'Up'],
    [IF_RUNNING, 'Running'],
    [IF_LOOPBACK, 'Loopback'],
    [IF_WIRELESS, 'Wireless'],
  ] as const;
  const set = names.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
  let text = set.length > 0 ? set.join(', ') : 'none';
  const status = flags & IF_CONNECTION_STATUS;
  if ((flags & IF_WIRELESS) !== 0) text += status === CONNECTED ? ', Associated' : status === DISCONNECTED ? ', Not associated' : status === 0 ? ', Association status unknown' : '';
  else text += status === CONNECTED ? ', Connected' : status === DISCONNECTED ? ', Disconnected' : status === 0 ? ', Connection status unknown' : '';
  return ` [${text}]`;
}

/** Prefix length of a netmask (255.255.255.0 -> 24, ffff:ffff:: -> 32), or null if it is not one. */
export function prefixLength(netmask: string): number | null {
  let bits = 0;
  if (netmask.includes('.')) {
    for (const part of netmask.split('.')) bits += countOnes(Number(part), 8);
  } else {
    const [head, tail = ''] = netmask.split('::');
    for (const part of [...head.split(':'), ...tail.split(':')]) if (part !== '') bits += countOnes(parseInt(part, 16), 16);
  }
  return Number.isNaN(bits) ? null : bits;
}

function countOnes(value: number, width: number): number {
  let n = 0;
  for (let bit = width - 1; bit >= 0 && (value >> bit) & 1; bit--) n++;
  return n;
}

function addressText(a: CapAddress): string | null {
  if (a.addr === undefined) return null;
  const prefix = a.netmask === undefined ? null : prefixLength(a.netmask);
  return prefix === null ? a.addr : `${a.addr}/${prefix}`;
}

/**
 * `-D`: tcpdump's lines ("1.eth0 [Up, Running, Connected]", in libpcap's order and words),
 * each followed by the interface's addresses, so a pod's veth can be found by its IP.
 */
export function interfaceLines(devices: readonly CapDevice[]): string[] {
  return devices.map((d, i) => {
    const description = d.description === undefined ? '' : ` (${d.description})`;
    const addresses = d.addresses.map(addressText).filter((a) => a !== null);
    return `${i + 1}.${d.name}${description}${statusText(d.ifFlags)}${addresses.length > 0 ? ` ${addresses.join(' ')}` : ''}`;
  });
}

export function listInterfaces(): string[] {
  const devices = loadCap().Cap.deviceList();
  if (devices.length === 0) {
    throw new ShadowdumpError('capture-permission', 'no interfaces found to capture on (libpcap lists none without the rights to open them): run with sudo');
  }
  return interfaceLines(devices);
}
