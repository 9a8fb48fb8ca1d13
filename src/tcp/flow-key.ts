import type { DecodedPacket } from '../decode/types.js';

/**
 * Connection identity without strings: the raw address words and ports of a packet, put in a
 * canonical order (endpoint A is the one whose address, then port, sorts first) so both
 * directions give the same key, plus the VLAN ids when they are part of the identity.
 *
 * Building a string per packet ("10.0.0.1 40000 10.0.0.2 80") and hashing it cost more than
 * the rest of reassembly; reading three or nine 32-bit words from the packet and hashing them to
 * a small integer costs a few nanoseconds and allocates nothing (FlowKeyReader is reused).
 */
export interface StoredKey {
  /** IPv4: A's address, B's address, ports (A << 16 | B), as signed 32-bit values. IPv6: the ports; addresses in `v6`. */
  readonly k0: number;
  readonly k1: number;
  readonly k2: number;
  /** IPv6 only: A's then B's address as 8 words. */
  readonly v6: Int32Array | null;
  /** VLAN ids in the identity (empty when VLANs are not keyed). */
  readonly vlans: readonly number[];
  readonly hash: number;
}

const NO_VLANS: readonly number[] = [];

/** Reads the key of one packet at a time into its fields. */
export class FlowKeyReader {
  k0 = 0;
  k1 = 0;
  k2 = 0;
  isV6 = false;
  /** True when the packet's source is endpoint A (the one that sorts first). */
  srcIsA = false;
  hash = 0;
  vlans: readonly number[] = NO_VLANS;
  private readonly words = new Int32Array(8);

  constructor(private readonly keyByVlan: boolean) {}

  /** Reads a packet with an IP and a TCP header. */
  read(p: DecodedPacket): void {
    const ip = p.ip!;
    const tcp = p.tcp!;
    const data = p.frame.data;
    const sport = tcp.srcPort;
    const dport = tcp.dstPort;
    let h: number;
    if (ip.version === 4) {
      // IPv4 header: source address at byte 12, destination at 16.
      const s = word(data, ip.offset + 12);
      const d = word(data, ip.offset + 16);
      const srcIsA = s < d || (s === d && sport <= dport);
      this.srcIsA = srcIsA;
      this.isV6 = false;
      this.k0 = srcIsA ? s : d;
      this.k1 = srcIsA ? d : s;
      this.k2 = srcIsA ? (sport << 16) | dport : (dport << 16) | sport;
      h = mix(mix(mix(0x2545f491, this.k0), this.k1), this.k2);
    } else {
      // IPv6 header: source address at byte 8, destination at 24.
      const w = this.words;
      const at = ip.offset + 8;
      let order = 0; // < 0: source sorts first
      for (let i = 0; i < 4; i++) {
        const s = word(data, at + 4 * i);
        const d = word(data, at + 16 + 4 * i);
        w[i] = s;
        w[4 + i] = d;
        if (order === 0 && s !== d) order = s < d ? -1 : 1;
      }
      const srcIsA = order < 0 || (order === 0 && sport <= dport);
      this.srcIsA = srcIsA;
      this.isV6 = true;
      if (!srcIsA) {
        for (let i = 0; i < 4; i++) {
          const t = w[i];
          w[i] = w[4 + i];
          w[4 + i] = t;
        }
      }
      this.k0 = 0;
      this.k1 = 0;
      this.k2 = srcIsA ? (sport << 16) | dport : (dport << 16) | sport;
      h = 0x6c8e9cf5;
      for (let i = 0; i < 8; i++) h = mix(h, w[i]);
      h = mix(h, this.k2);
    }
    if (this.keyByVlan && p.vlans.length > 0) {
      this.vlans = p.vlans;
      for (const v of p.vlans) h = mix(h, v + 1);
    } else {
      this.vlans = NO_VLANS;
    }
    this.hash = finish(h);
  }

  /** Is `key` the key of the packet read last? */
  matches(key: StoredKey): boolean {
    if (key.hash !== this.hash || key.k0 !== this.k0 || key.k1 !== this.k1 || key.k2 !== this.k2) return false;
    const v6 = key.v6;
    if ((v6 !== null) !== this.isV6) return false;
    if (v6 !== null) {
      const w = this.words;
      for (let i = 0; i < 8; i++) if (v6[i] !== w[i]) return false;
    }
    const vlans = this.vlans;
    if (key.vlans.length !== vlans.length) return false;
    for (let i = 0; i < vlans.length; i++) if (key.vlans[i] !== vlans[i]) return false;
    return true;
  }

  /** A copy of the key read last, to keep in the table. */
  store(): StoredKey {
    return { k0: this.k0, k1: this.k1, k2: this.k2, v6: this.isV6 ? this.words.slice() : null, vlans: this.vlans, hash: this.hash };
  }
}

/**
 * Four bytes as a signed 32-bit integer: a V8 small integer, stored without a heap box (and
 * read without Buffer's argument checks). Signed order is as good as unsigned for a canonical order.
 */
function word(data: Buffer, at: number): number {
  return (data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3];
}

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** A non-negative small integer (a V8 Smi), the cheapest Map key. */
function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}
