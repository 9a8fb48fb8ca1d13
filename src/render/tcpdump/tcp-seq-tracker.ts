/**
 * tcpdump prints sequence numbers relative to the first ones it saw on a connection. It keys
 * connections by an address/port order that is the same for both directions, records the
 * initial numbers on the first ACK-carrying segment (or a new SYN), and never forgets them.
 * The numbers are kept here exactly as it does, quirks included, so the lines match.
 */
export interface RelativeNumbers {
  seq: number;
  ack: number;
  /** Bases used for SACK blocks. */
  baseSeq: number;
  baseAck: number;
  /** True when this segment travels from the side that sorts second. */
  reversed: boolean;
}

/** Addresses as numbers (IPv4) or hex strings (IPv6): both compare like tcpdump's memcmp. */
export type AddressKey = number | string;

interface Entry {
  readonly lo: AddressKey;
  readonly hi: AddressKey;
  readonly ports: number;
  seq: number;
  ack: number;
}

const u32 = (n: number): number => n >>> 0;

export class TcpSeqTracker {
  /** Buckets by a cheap hash; entries compared in full. */
  private readonly table = new Map<number | string, Entry[]>();
  /** Reused result: callers read it before the next call. */
  private readonly result: RelativeNumbers = { seq: 0, ack: 0, baseSeq: 0, baseAck: 0, reversed: false };

  /** Relative numbers for an ACK-carrying segment. */
  relative(src: AddressKey, dst: AddressKey, srcPort: number, dstPort: number, seq: number, ack: number, isSyn: boolean): RelativeNumbers {
    const reversed = srcPort > dstPort || (srcPort === dstPort && src > dst);
    const lo = reversed ? dst : src;
    const hi = reversed ? src : dst;
    const ports = reversed ? dstPort * 65536 + srcPort : srcPort * 65536 + dstPort;
    const hash = typeof lo === 'number' ? (lo ^ (hi as number) ^ ports) >>> 0 : `${lo}${hi}${ports}`;
    let bucket = this.table.get(hash);
    if (bucket === undefined) {
      bucket = [];
      this.table.set(hash, bucket);
    }
    const entry = bucket.find((e) => e.lo === lo && e.hi === hi && e.ports === ports);
    const r = this.result;
    r.reversed = reversed;
    if (entry === undefined || isSyn) {
      const baseSeq = reversed ? u32(ack - 1) : seq;
      const baseAck = reversed ? seq : u32(ack - 1);
      if (entry === undefined) bucket.push({ lo, hi, ports, seq: baseSeq, ack: baseAck });
      else {
        entry.seq = baseSeq;
        entry.ack = baseAck;
      }
      r.seq = seq;
      r.ack = ack;
      r.baseSeq = baseSeq;
      r.baseAck = baseAck;
      return r;
    }
    r.seq = u32(seq - (reversed ? entry.ack : entry.seq));
    r.ack = u32(ack - (reversed ? entry.seq : entry.ack));
    r.baseSeq = entry.seq;
    r.baseAck = entry.ack;
    return r;
  }
}
