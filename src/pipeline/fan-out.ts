import type { Direction } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { Connection, EndReason, StreamSink } from '../tcp/types.js';

/** One reassembly feeding several consumers (the HTTP stage and the --flows writer). */
export class FanOutSink implements StreamSink {
  constructor(private readonly sinks: readonly StreamSink[]) {}

  onOpen(conn: Connection): void {
    for (const s of this.sinks) s.onOpen(conn);
  }
  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    for (const s of this.sinks) s.onData(conn, dir, bytes, first, last);
  }
  onGap(conn: Connection, dir: Direction, length: number, at: Micros): void {
    for (const s of this.sinks) s.onGap(conn, dir, length, at);
  }
  onClose(conn: Connection, reason: EndReason, at: Micros): void {
    for (const s of this.sinks) s.onClose(conn, reason, at);
  }
}

/** Sends each connection's streams to one of two sinks, chosen when it opens (`toSecond`). */
export class SplitSink implements StreamSink {
  constructor(
    private readonly first: StreamSink,
    private readonly second: StreamSink,
    private readonly toSecond: (conn: Connection) => boolean,
  ) {}

  onOpen(conn: Connection): void {
    this.pick(conn).onOpen(conn);
  }
  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    this.pick(conn).onData(conn, dir, bytes, first, last);
  }
  onGap(conn: Connection, dir: Direction, length: number, at: Micros): void {
    this.pick(conn).onGap(conn, dir, length, at);
  }
  onClose(conn: Connection, reason: EndReason, at: Micros): void {
    this.pick(conn).onClose(conn, reason, at);
  }

  private pick(conn: Connection): StreamSink {
    return this.toSecond(conn) ? this.second : this.first;
  }
}
