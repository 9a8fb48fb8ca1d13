/**
 * TCP sequence arithmetic, in one place. Sequence numbers are unsigned 32-bit and wrap; the
 * rest of src/tcp works on stream offsets instead: byte positions counted from the first data
 * byte of a direction (the byte after the ISN, or the first byte seen for a mid-stream start).
 * Offsets are plain numbers, exact up to 2^53, so a stream may be longer than 4 GiB and never
 * wraps (Zeek's TCP_Reassembler does the same with 64-bit integers).
 *
 * A 32-bit number only names a position within 2^31 bytes either side of a reference point.
 * Conversions therefore measure the signed distance from a nearby known position: the next
 * byte to deliver, which SeqTracker keeps as both an offset and a sequence number.
 */

/**
 * A 32-bit TCP sequence or acknowledgement number. Packets carry them unsigned; what this module
 * returns and stores is the same value as a signed 32-bit integer (a V8 small integer, stored
 * without a heap box, which keeps per-connection state small). Both forms mean the same
 * number modulo 2^32: compare them with seqDiff, never with ===.
 */
export type Seq = number;

/** `a + n` modulo 2^32, for any integer n (negative, or beyond 2^32). */
export function seqAdd(a: Seq, n: number): Seq {
  return (a + n) | 0; // ToInt32 is exact modulo 2^32 for every integer below 2^53
}

/** The unsigned form of a sequence number (as packets and tcpdump show it). */
export function seqUnsigned(a: Seq): number {
  return a >>> 0;
}

/** Signed distance from `b` to `a` (a - b) modulo 2^32, in [-2^31, 2^31); either form of each. */
export function seqDiff(a: Seq, b: Seq): number {
  return (a - b) | 0;
}

export function seqLt(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLe(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGe(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) >= 0;
}

/**
 * One direction's mapping between 32-bit sequence numbers and stream offsets. Offset 0 is the
 * sequence number `base` (ISN + 1 after a SYN); `next` is the offset of the next byte to deliver
 * and `nextSeq` its sequence number, so converting a sequence number is one subtraction.
 */
export class SeqTracker {
  /** False until the first SYN or data segment of this direction fixed `base`. */
  started = false;
  /** Sequence number of offset 0. */
  base: Seq = 0;
  /** Offset of the next byte to deliver (everything before it is delivered or reported as a gap). */
  next = 0;
  /** Sequence number of `next`. */
  nextSeq: Seq = 0;

  /** Makes `seq` offset 0. */
  startAt(seq: Seq): void {
    this.started = true;
    this.base = seq | 0;
    this.next = 0;
    this.nextSeq = seq | 0;
  }

  /** Offset of `seq`, taken as the position nearest to `next`; negative before the stream start. */
  offsetOf(seq: Seq): number {
    return this.next + seqDiff(seq, this.nextSeq);
  }

  /** Sequence number of an offset. */
  seqAt(offset: number): Seq {
    return seqAdd(this.nextSeq, offset - this.next);
  }

  /** Moves `next` forward to `offset`. */
  advanceTo(offset: number): void {
    this.nextSeq = seqAdd(this.nextSeq, offset - this.next);
    this.next = offset;
  }
}
