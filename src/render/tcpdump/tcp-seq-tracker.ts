/**
 * tcpdump prints sequence numbers relative to the first ones it saw on a connection. It keys
 * connections by an address/port order that is the same for both directions, records the
 * initial numbers on the first ACK-carrying segment (or a new SYN), and never forgets them.
 * The numbers are kept here exactly as it does, quirks included, so the lines match.
 */
export interface SeqBase {
  /** Initial sequence number of the side that sorts first, and of the other side. */
  seq: number;
  ack: number;
}

export interface RelativeNumbers {
  readonly seq: number;
  readonly ack: number;
  /** Bases used for SACK blocks. */
  readonly baseSeq: number;
  readonly baseAck: number;
  /** True when this segment travels from the side that sorts second. */
  readonly reversed: boolean;
}

const u32 = (n: number): number => n >>> 0;

export class TcpSeqTracker {
  private readonly table = new Map<string, SeqBase>();

  /**
   * Relative numbers for an ACK-carrying segment. `srcKey`/`dstKey` are the addresses in a form
   * that compares like their bytes (tcpdump compares raw addresses when the ports are equal).
   */
  relative(srcKey: string, dstKey: string, srcPort: number, dstPort: number, seq: number, ack: number, isSyn: boolean): RelativeNumbers {
    const reversed = srcPort > dstPort || (srcPort === dstPort && srcKey > dstKey);
    const key = reversed ? `${dstKey}|${srcKey}|${dstPort}|${srcPort}` : `${srcKey}|${dstKey}|${srcPort}|${dstPort}`;
    let base = this.table.get(key);
    if (base === undefined || isSyn) {
      base = reversed ? { seq: u32(ack - 1), ack: seq } : { seq, ack: u32(ack - 1) };
      this.table.set(key, base);
      return { seq, ack, baseSeq: base.seq, baseAck: base.ack, reversed };
    }
    return reversed
      ? { seq: u32(seq - base.ack), ack: u32(ack - base.seq), baseSeq: base.seq, baseAck: base.ack, reversed }
      : { seq: u32(seq - base.seq), ack: u32(ack - base.ack), baseSeq: base.seq, baseAck: base.ack, reversed };
  }
}
