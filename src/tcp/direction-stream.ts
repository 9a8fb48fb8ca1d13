import type { AnomalyCounter } from '../core/anomalies.js';
import type { Direction } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { ReassemblyLimits } from './limits.js';
import { SegmentBuffer, STORED_CONFLICT, STORED_DUPLICATE, STORED_NEW, type BufferBudget } from './segment-buffer.js';
import { seqAdd, seqDiff, SeqTracker, type Seq } from './seq.js';
import type { Connection, StreamSink } from './types.js';

/** What every direction stream of one reassembler shares. */
export interface StreamContext {
  readonly sink: StreamSink;
  readonly anomalies: AnomalyCounter;
  readonly limits: ReassemblyLimits;
  readonly budget: BufferBudget;
  /** Directions holding out-of-order data, oldest first (for the total buffer limit). */
  readonly buffering: Set<DirectionStream>;
}

/** How a SYN relates to what a direction already knows. */
export type SynKind = 'first' | 'duplicate' | 'late' | 'other-isn';

/**
 * A SYN that arrives after a mid-stream start is taken as the late (reordered) SYN of the same
 * connection when the stream it announces starts at most this far before the first byte seen.
 */
const LATE_SYN_BYTES = 1 << 24;

/**
 * The largest TCP window (65535 << 14, RFC 7323): a segment starting further than this beyond
 * everything seen so far cannot be in the receiver's window. Taken as garbage (a corrupted or
 * forged sequence number), so that it does not turn into a giant gap.
 */
const MAX_WINDOW = 1 << 30;

/**
 * One direction of a connection: turns segments into in-order bytes and gaps for the sink.
 * In-order data goes out at once as a view of the packet (no copy); data after a hole waits in
 * a SegmentBuffer until the hole fills, until the receiver shows it moved on (it ACKed past the
 * hole), until a limit forces it out, or until the connection ends.
 */
export class DirectionStream extends SeqTracker {
  /** True once this direction's SYN was seen; `isn` is its sequence number. */
  hasIsn = false;
  isn: Seq = 0;
  /** Offset where the FIN put the end of the stream, or -1. */
  fin = -1;
  /** True once every byte up to the FIN was delivered or reported missing. */
  done = false;
  /** True once any data (or a gap) was seen in this direction. */
  hasData = false;
  /** Highest offset the other side acknowledged (capped at maxEnd). */
  private ackLimit = 0;
  /** Packet time since which out-of-order data has been waiting for the hole in front of it. */
  waitingSince: Micros = 0;
  /** Highest offset any segment of this direction reached. */
  private maxEnd = 0;
  private buf: SegmentBuffer | null = null;

  constructor(
    private readonly ctx: StreamContext,
    private readonly conn: Connection,
    readonly dir: Direction,
  ) {
    super();
  }

  get bufferedBytes(): number {
    return this.buf === null ? 0 : this.buf.bytes;
  }

  /** Classifies a SYN sent in this direction (sequence number `seq`, the ISN it announces). */
  synKind(seq: Seq): SynKind {
    if (!this.started) return 'first';
    if (this.hasIsn) return seqDiff(seq, this.isn) === 0 ? 'duplicate' : 'other-isn';
    const d = seqDiff(seqAdd(seq, 1), this.base);
    return d <= 0 && d >= -LATE_SYN_BYTES ? 'late' : 'other-isn';
  }

  /** A SYN: the first data byte is ISN + 1 (unless a mid-stream start already fixed offset 0). */
  syn(seq: Seq): void {
    if (!this.started) this.startAt(seqAdd(seq, 1));
    if (!this.hasIsn) {
      this.hasIsn = true;
      this.isn = seq | 0;
    }
  }

  /**
   * Would data at `seq` belong to this (closed) direction's old stream: a retransmission or a
   * stray segment near its end? Far away, it is a new connection on the same 4-tuple.
   */
  isNear(seq: Seq): boolean {
    if (!this.started) return false;
    const off = this.offsetOf(seq);
    return off >= -LATE_SYN_BYTES && off <= this.maxEnd + LATE_SYN_BYTES;
  }

  /** Segment data: `payload` holds the captured part of `length` bytes starting at `seq`. */
  segment(seq: Seq, payload: Buffer, length: number, t: Micros): void {
    const { anomalies } = this.ctx;
    if (!this.started) this.startAt(seq);
    const start = this.offsetOf(seq);
    let end = start + length;
    if (payload.length < length) {
      anomalies.add('tcp.truncated-segment');
      anomalies.add('tcp.truncated-bytes', length - payload.length);
    }
    if (start > (this.maxEnd > this.next ? this.maxEnd : this.next) + MAX_WINDOW) {
      anomalies.add('tcp.out-of-window');
      return;
    }
    if (end > this.maxEnd) this.maxEnd = end;
    if (this.fin >= 0 && end > this.fin) {
      anomalies.add('tcp.data-after-fin');
      if (start >= this.fin) return;
      end = this.fin;
    }
    const next = this.next;
    if (start > next) {
      this.hasData = true;
      anomalies.add('tcp.out-of-order');
      this.store(start, end, payload, start, t);
      if (start <= this.ackLimit) this.skipUpTo(this.ackLimit, t);
      this.enforceLimits(t);
      return;
    }
    if (end <= next) {
      anomalies.add(end <= 0 && !this.hasIsn ? 'tcp.before-stream-start' : 'tcp.retransmission');
      return;
    }
    if (start < next) anomalies.add('tcp.retransmission');
    this.hasData = true;
    const buf = this.buf;
    if (buf === null || buf.isEmpty) {
      this.emit(payload, start, end, t, t);
      return;
    }
    // A hole is being filled: deliver up to the buffered data, let the buffer judge the overlap.
    const firstStart = buf.first.start;
    if (end <= firstStart) {
      this.emit(payload, start, end, t, t);
    } else {
      this.emit(payload, start, firstStart, t, t);
      this.store(firstStart, end, payload, start, t);
    }
    this.drain(t);
  }

  /** The other side acknowledged everything before `ack`: holes below it will never fill. */
  ack(ack: Seq, t: Micros): void {
    if (!this.started || this.done) return;
    let off = this.offsetOf(ack);
    if (off > this.maxEnd) off = this.maxEnd; // nothing beyond what was sent can be waiting here
    if (off <= this.ackLimit) return;
    this.ackLimit = off;
    if (off > this.next) this.skipUpTo(off, t);
  }

  /** A FIN at `seq` after `length` bytes of data in the same segment. */
  finAt(seq: Seq, length: number, t: Micros): void {
    if (!this.started) this.startAt(seq);
    let off = this.offsetOf(seq) + length;
    if (off > (this.maxEnd > this.next ? this.maxEnd : this.next) + MAX_WINDOW) {
      this.ctx.anomalies.add('tcp.out-of-window');
      return;
    }
    if (this.fin >= 0) {
      if (off !== this.fin) this.ctx.anomalies.add('tcp.fin-mismatch');
      return;
    }
    if (off < this.next) {
      this.ctx.anomalies.add('tcp.fin-mismatch');
      off = this.next;
    }
    this.fin = off;
    if (off + 1 > this.maxEnd) this.maxEnd = off + 1; // the FIN takes a sequence number
    const buf = this.buf;
    if (buf !== null && buf.dropFrom(off) > 0) {
      this.ctx.anomalies.add('tcp.data-after-fin');
      if (buf.isEmpty) this.ctx.buffering.delete(this);
    }
    if (this.ackLimit >= off) this.skipUpTo(off, t);
    else this.checkDone();
  }

  /**
   * Delivers everything buffered, reporting the holes as gaps, up to the FIN if one was seen
   * (the connection is ending, or a limit forces the data out).
   */
  flush(t: Micros): void {
    const buf = this.buf;
    while (buf !== null && !buf.isEmpty) this.skipToFirst(t);
    if (this.fin > this.next) this.gapTo(this.fin, t);
    this.checkDone();
  }

  /**
   * The hole in front of the buffered data waited too long (holeTimeout): report it as a gap and
   * deliver what follows. Data behind a further hole starts waiting anew.
   */
  giveUpHole(t: Micros): void {
    if (this.buf === null || this.buf.isEmpty) return;
    this.ctx.anomalies.add('tcp.hole-timeout');
    this.skipToFirst(t);
    if (!this.buf.isEmpty) {
      this.ctx.buffering.delete(this);
      this.waitingSince = t;
      this.ctx.buffering.add(this);
    }
  }

  /** Frees buffered data without delivering it (after the connection closed). */
  release(): void {
    if (this.buf !== null) {
      this.buf.clear();
      this.ctx.buffering.delete(this);
      this.buf = null;
    }
  }

  private store(from: number, end: number, payload: Buffer, payloadAt: number, t: Micros): void {
    let buf = this.buf;
    if (buf === null) buf = this.buf = new SegmentBuffer(this.ctx.budget);
    if (buf.isEmpty) {
      this.waitingSince = t;
      this.ctx.buffering.add(this);
    }
    const r = buf.insert(from, end, payload, payloadAt, t);
    if (r & STORED_CONFLICT) this.ctx.anomalies.add('tcp.overlap-conflict');
    else if (r & STORED_DUPLICATE) this.ctx.anomalies.add('tcp.retransmission');
    if (!(r & STORED_NEW) && buf.isEmpty) this.ctx.buffering.delete(this);
  }

  /** Gives up holes below `limit`: gap to each buffered run that starts there, deliver it. */
  private skipUpTo(limit: number, t: Micros): void {
    const buf = this.buf;
    while (buf !== null && !buf.isEmpty && buf.first.start <= limit) this.skipToFirst(t);
    if (this.fin >= 0 && limit >= this.fin && this.next < this.fin) this.gapTo(this.fin, t);
    this.checkDone();
  }

  private skipToFirst(t: Micros): void {
    const start = this.buf!.first.start;
    if (start > this.next) this.gapTo(start, t);
    this.drain(t);
  }

  private gapTo(offset: number, t: Micros): void {
    const length = offset - this.next;
    this.advanceTo(offset);
    this.hasData = true;
    this.ctx.anomalies.add('tcp.gap');
    this.ctx.anomalies.add('tcp.gap-bytes', length);
    this.ctx.sink.onGap(this.conn, this.dir, length, t);
  }

  /** Delivers buffered segments that are now in order. */
  private drain(t: Micros): void {
    const buf = this.buf;
    if (buf !== null) {
      while (!buf.isEmpty && buf.first.start <= this.next) {
        const s = buf.shift();
        const end = this.fin >= 0 && s.end > this.fin ? this.fin : s.end;
        if (end > this.next) this.emit(s.data, s.start, end, s.first, s.first, t);
      }
      if (buf.isEmpty) this.ctx.buffering.delete(this);
    }
    this.checkDone();
  }

  /**
   * Delivers [next, end) of a segment whose captured bytes `data` start at offset `dataAt`:
   * the captured part as data, the rest (cut by the capture's snaplen) as a gap.
   */
  private emit(data: Buffer, dataAt: number, end: number, first: Micros, last: Micros, at: Micros = last): void {
    const next = this.next;
    const capEnd = dataAt + data.length;
    this.advanceTo(end);
    const { sink } = this.ctx;
    if (capEnd > next) {
      const from = next - dataAt;
      const to = (end < capEnd ? end : capEnd) - dataAt;
      sink.onData(this.conn, this.dir, from === 0 && to === data.length ? data : data.subarray(from, to), first, last);
    }
    const covered = capEnd > next ? capEnd : next;
    if (end > covered) sink.onGap(this.conn, this.dir, end - covered, at);
    if (this.fin >= 0 && end >= this.fin) this.done = true;
  }

  private enforceLimits(t: Micros): void {
    const { limits, anomalies, budget } = this.ctx;
    const buf = this.buf!;
    if (buf.bytes > limits.maxBufferedBytesPerDirection) {
      anomalies.add('tcp.limit-direction-buffer');
      while (buf.bytes > limits.maxBufferedBytesPerDirection && !buf.isEmpty) this.skipToFirst(t);
    }
    if (budget.bytes > limits.maxBufferedBytesTotal) {
      anomalies.add('tcp.limit-total-buffer');
      this.flush(t);
      for (const s of this.ctx.buffering) {
        if (budget.bytes <= limits.maxBufferedBytesTotal) break;
        s.flush(t);
      }
    }
  }

  private checkDone(): void {
    if (this.fin >= 0 && this.next >= this.fin) this.done = true;
  }
}
