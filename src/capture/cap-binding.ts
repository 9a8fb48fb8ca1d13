import { createRequire } from 'node:module';
import { ShadowdumpError } from '../core/errors.js';

/**
 * The npm `cap` addon as patched by patches/cap-timestamps-stats.patch (applied at install by
 * scripts/patch-cap.mjs), typed. Only what shadowdump uses.
 */

/** pcap_stats: packets the filter accepted, dropped for lack of ring space, dropped by the NIC/driver. */
export interface PcapStats {
  readonly recv: number;
  readonly drop: number;
  readonly ifdrop: number;
}

export interface CapOpenOptions {
  readonly snaplen: number;
  /** DLT to select after activation (pcap_set_datalink). */
  readonly linkType?: number;
  /** Packets as pcap records in the buffer, one 'records' event per buffer. */
  readonly records: boolean;
  /** Immediate mode (TPACKET_V2 on Linux); off, libpcap uses the TPACKET_V3 ring as tcpdump does. */
  readonly immediate: boolean;
  /** Milliseconds after which the kernel hands over a partly filled ring block. */
  readonly timeout: number;
}

export interface CapHandle {
  /** Returns cap's own link type name; the numbers are in `linkType` and `snaplen` afterwards. */
  open(device: string, filter: string, bufferBytes: number, buffer: Buffer, options: CapOpenOptions): string;
  close(): boolean;
  stats(): PcapStats;
  /** Reads what is waiting now; the number of packets read. */
  drain(): number;
  on(event: 'records', listener: (bytes: number) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  readonly linkType: number;
  readonly snaplen: number;
  /** pcap_statustostr of an activation warning (e.g. promiscuous mode not supported). */
  readonly warning?: string;
}

/** What open() throws: where it failed and libpcap's status code (PCAP_ERROR_*). */
export interface CapOpenError extends Error {
  readonly stage?: 'create' | 'activate' | 'datalink' | 'filter';
  readonly status?: number;
}

export interface CapAddress {
  readonly addr?: string;
  readonly netmask?: string;
}

export interface CapDevice {
  readonly name: string;
  readonly description?: string;
  readonly addresses: readonly CapAddress[];
  /** PCAP_IF_* flags. */
  readonly ifFlags: number;
}

export interface CapModule {
  readonly Cap: { new (): CapHandle; deviceList(): CapDevice[] };
}

let loaded: CapModule | null = null;

/**
 * Loads the patched addon. A missing build, a missing libpcap or an unpatched build is a
 * one-line error saying how to fix it.
 */
export function loadCap(): CapModule {
  if (loaded !== null) return loaded;
  let mod: CapModule;
  try {
    mod = createRequire(import.meta.url)('cap') as CapModule;
  } catch (err) {
    const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new ShadowdumpError(
      'libpcap-missing',
      `live capture needs libpcap and the cap addon, which did not load (${detail}): install libpcap (apt-get install libpcap0.8, or run scripts/install-system-deps.sh), then npm ci`,
    );
  }
  if (typeof mod.Cap?.prototype?.stats !== 'function' || typeof mod.Cap.prototype.drain !== 'function') {
    throw new ShadowdumpError(
      'libpcap-missing',
      "the cap addon lacks shadowdump's patch (kernel timestamps and drop counts): run npm ci, or node scripts/patch-cap.mjs",
    );
  }
  loaded = mod;
  return mod;
}
