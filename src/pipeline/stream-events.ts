import type { Direction } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { Connection, EndReason, StreamSink } from '../tcp/types.js';

/**
 * Reassembled streams as bytes, to hand them to another thread: StreamEventWriter is a
 * StreamSink that appends each call to a buffer, and replayStreamEvents makes the same calls,
 * in the same order, on a sink in the thread that receives the buffer. Packet time goes with
 * them as `tick` events (the receiver's clock), and `end` closes the stream of events.
 *
 * Layout: one byte of kind, then the connection id (u32) for the connection events; numbers
 * little-endian; times as f64 (microseconds). A connection is described in full once, with
 * its open event (as JSON: it is rare and small).
 */

const OPEN = 1;
const DATA = 2;
const GAP = 3;
const CLOSE = 4;
const TICK = 5;
const END = 6;

const DIRECTIONS: readonly Direction[] = ['request', 'response'];
const REASONS: readonly EndReason[] = ['fin', 'rst', 'idle', 'end-of-capture', 'evicted'];
const REASON_CODES = new Map(REASONS.map((r, i) => [r, i]));

const INITIAL_BYTES = 256 * 1024;

export class StreamEventWriter implements StreamSink {
  private bytes = new Uint8Array(INITIAL_BYTES);
  private view = new DataView(this.bytes.buffer);
  private at = 0;

  /** Bytes written since the last take(). */
  get length(): number {
    return this.at;
  }

  onOpen(conn: Connection): void {
    const json = Buffer.from(JSON.stringify(conn), 'latin1');
    this.room(9 + json.length);
    this.head(OPEN, conn.id);
    this.view.setUint32(this.at, json.length, true);
    this.bytes.set(json, this.at + 4);
    this.at += 4 + json.length;
  }

  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    const n = bytes.length;
    this.room(26 + n);
    this.head(DATA, conn.id);
    const view = this.view;
    const at = this.at;
    view.setUint8(at, dir === 'request' ? 0 : 1);
    view.setFloat64(at + 1, first, true);
    view.setFloat64(at + 9, last, true);
    view.setUint32(at + 17, n, true);
    this.bytes.set(bytes, at + 21);
    this.at = at + 21 + n;
  }

  onGap(conn: Connection, dir: Direction, length: number, at: Micros): void {
    this.room(22);
    this.head(GAP, conn.id);
    this.view.setUint8(this.at, dir === 'request' ? 0 : 1);
    this.view.setFloat64(this.at + 1, length, true);
    this.view.setFloat64(this.at + 9, at, true);
    this.at += 17;
  }

  onClose(conn: Connection, reason: EndReason, at: Micros): void {
    this.room(14);
    this.head(CLOSE, conn.id);
    this.view.setUint8(this.at, REASON_CODES.get(reason) ?? 0);
    this.view.setFloat64(this.at + 1, at, true);
    this.at += 9;
  }

  /** Packet time has reached `now`. */
  tick(now: Micros): void {
    this.room(9);
    this.view.setUint8(this.at, TICK);
    this.view.setFloat64(this.at + 1, now, true);
    this.at += 9;
  }

  /** No more events. */
  end(): void {
    this.room(1);
    this.view.setUint8(this.at++, END);
  }

  /** The events written so far, as memory of their own (to transfer); the writer starts afresh. */
  take(): Uint8Array {
    const taken = this.bytes.subarray(0, this.at);
    this.bytes = new Uint8Array(Math.max(INITIAL_BYTES, this.bytes.length >>> 1));
    this.view = new DataView(this.bytes.buffer);
    this.at = 0;
    return taken;
  }

  private head(kind: number, id: number): void {
    this.view.setUint8(this.at, kind);
    this.view.setUint32(this.at + 1, id, true);
    this.at += 5;
  }

  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    bigger.set(this.bytes.subarray(0, this.at));
    this.bytes = bigger;
    this.view = new DataView(bigger.buffer);
  }
}

export interface StreamEventTarget extends StreamSink {
  tick(now: Micros): void;
  end(): void;
}

/**
 * Makes the calls a StreamEventWriter recorded, on `target`. `connections` carries the open
 * connections from one buffer to the next (a connection opens in one and closes in a later one).
 */
export function replayStreamEvents(events: Uint8Array, target: StreamEventTarget, connections: Map<number, Connection>): void {
  const view = new DataView(events.buffer, events.byteOffset, events.byteLength);
  const data = Buffer.from(events.buffer, events.byteOffset, events.byteLength);
  let at = 0;
  while (at < events.length) {
    const kind = view.getUint8(at);
    if (kind === TICK) {
      target.tick(view.getFloat64(at + 1, true));
      at += 9;
      continue;
    }
    if (kind === END) {
      target.end();
      at += 1;
      continue;
    }
    const id = view.getUint32(at + 1, true);
    at += 5;
    if (kind === OPEN) {
      const length = view.getUint32(at, true);
      const conn = JSON.parse(data.toString('latin1', at + 4, at + 4 + length)) as Connection;
      connections.set(id, conn);
      target.onOpen(conn);
      at += 4 + length;
      continue;
    }
    const conn = connections.get(id);
    if (conn === undefined) throw new Error(`stream event for connection ${id}, which was never opened`);
    if (kind === DATA) {
      const n = view.getUint32(at + 17, true);
      target.onData(conn, DIRECTIONS[view.getUint8(at)], data.subarray(at + 21, at + 21 + n), view.getFloat64(at + 1, true), view.getFloat64(at + 9, true));
      at += 21 + n;
    } else if (kind === GAP) {
      target.onGap(conn, DIRECTIONS[view.getUint8(at)], view.getFloat64(at + 1, true), view.getFloat64(at + 9, true));
      at += 17;
    } else if (kind === CLOSE) {
      connections.delete(id);
      target.onClose(conn, REASONS[view.getUint8(at)], view.getFloat64(at + 1, true));
      at += 9;
    } else {
      throw new Error(`unknown stream event ${kind} at byte ${at - 5}`);
    }
  }
}
