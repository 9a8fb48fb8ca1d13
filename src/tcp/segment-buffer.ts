import type { Micros } from '../core/time.js';

/**
 * Out-of-order data of one direction: segments that arrived before the bytes in front of them,
 * kept sorted by offset and never overlapping, until the hole fills or is given up.
 *
 * Data is copied in. Frame bytes are views into the capture reader's 1 MiB read chunks, so a
 * kept view would pin a whole chunk per segment (for as long as a hole stays open), and memory
 * could not be bounded by what is buffered. A copy costs what it holds, which the limits count.
 */
export interface Segment {
  /** Stream offset of the first byte. */
  readonly start: number;
  /** Stream offset past the last byte on the wire. */
  readonly end: number;
  /** Captured bytes from `start` on; shorter than end - start when the capture cut the packet. */
  readonly data: Buffer;
  /** Time of the packet that brought these bytes first. */
  readonly first: Micros;
}

/** What a segment costs beyond its bytes (object, array slot): counted so tiny segments cannot flood memory. */
export const SEGMENT_OVERHEAD_BYTES = 128;

/** Counter shared by every buffer of a reassembler: bytes buffered over all connections. */
export interface BufferBudget {
  bytes: number;
}

/** insert() result bits. */
export const STORED_NEW = 1;
export const STORED_DUPLICATE = 2;
export const STORED_CONFLICT = 4;

const EMPTY = Buffer.alloc(0);

export class SegmentBuffer {
  /** Live segments are segs[head..]; the front is consumed by moving `head`. */
  private segs: Segment[] = [];
  private head = 0;
  /** Bytes this buffer accounts for: captured bytes plus SEGMENT_OVERHEAD_BYTES per segment. */
  bytes = 0;

  constructor(private readonly budget: BufferBudget) {}

  get isEmpty(): boolean {
    return this.head === this.segs.length;
  }

  /** The lowest segment; only valid when not empty. */
  get first(): Segment {
    return this.segs[this.head];
  }

  get size(): number {
    return this.segs.length - this.head;
  }

  /** Removes and returns the lowest segment; only valid when not empty. */
  shift(): Segment {
    const s = this.segs[this.head++];
    this.account(-cost(s));
    if (this.head === this.segs.length) {
      this.segs.length = 0;
      this.head = 0;
    } else if (this.head >= 32 && this.head * 2 >= this.segs.length) {
      this.segs.splice(0, this.head);
      this.head = 0;
    }
    return s;
  }

  /** Drops the segments that start at `offset` or later (past a FIN); returns how many. */
  dropFrom(offset: number): number {
    let n = 0;
    while (this.segs.length > this.head && this.segs[this.segs.length - 1].start >= offset) {
      this.account(-cost(this.segs.pop()!));
      n++;
    }
    if (this.head === this.segs.length) {
      this.segs.length = 0;
      this.head = 0;
    }
    return n;
  }

  /** Drops everything. */
  clear(): void {
    this.account(-this.bytes);
    this.segs = [];
    this.head = 0;
  }

  /**
   * Stores the bytes [from, end) of a segment whose captured bytes `payload` start at offset
   * `payloadAt`. Bytes already buffered are kept as they are (the first copy wins); the
   * overlapping part is compared and reported as STORED_DUPLICATE or STORED_CONFLICT; bytes not
   * yet buffered are copied in (STORED_NEW). The search runs from the end, where new data lands.
   */
  insert(from: number, end: number, payload: Buffer, payloadAt: number, first: Micros): number {
    const segs = this.segs;
    let k = segs.length;
    while (k > this.head && segs[k - 1].end > from) k--;
    // segs[k..] end after `from`; those that also start before `end` overlap.
    if (k === segs.length || segs[k].start >= end) {
      const piece = this.piece(from, end, payload, payloadAt, first);
      if (k === segs.length) segs.push(piece);
      else segs.splice(k, 0, piece);
      return STORED_NEW;
    }
    let result = 0;
    const capEnd = payloadAt + payload.length;
    const merged: Segment[] = [];
    let cursor = from;
    let i = k;
    for (; i < segs.length && segs[i].start < end; i++) {
      const s = segs[i];
      if (s.start > cursor) {
        merged.push(this.piece(cursor, s.start, payload, payloadAt, first));
        result |= STORED_NEW;
      }
      const o0 = Math.max(from, s.start);
      const c1 = Math.min(end, s.end, capEnd, s.start + s.data.length);
      if (c1 > o0 && payload.compare(s.data, o0 - s.start, c1 - s.start, o0 - payloadAt, c1 - payloadAt) !== 0) result |= STORED_CONFLICT;
      else result |= STORED_DUPLICATE;
      merged.push(s);
      if (s.end > cursor) cursor = s.end;
    }
    if (cursor < end) {
      merged.push(this.piece(cursor, end, payload, payloadAt, first));
      result |= STORED_NEW;
    }
    if (result & STORED_NEW) segs.splice(k, i - k, ...merged);
    return result;
  }

  private piece(from: number, end: number, payload: Buffer, payloadAt: number, first: Micros): Segment {
    const capEnd = payloadAt + payload.length;
    const capturedEnd = Math.min(end, capEnd);
    let data = EMPTY;
    if (capturedEnd > from) {
      // Unpooled: a pooled slice would keep its whole 8 KiB pool slab alive.
      data = Buffer.allocUnsafeSlow(capturedEnd - from);
      payload.copy(data, 0, from - payloadAt, capturedEnd - payloadAt);
    }
    const s: Segment = { start: from, end, data, first };
    this.account(cost(s));
    return s;
  }

  private account(n: number): void {
    this.bytes += n;
    this.budget.bytes += n;
  }
}

function cost(s: Segment): number {
  return s.data.length + SEGMENT_OVERHEAD_BYTES;
}
