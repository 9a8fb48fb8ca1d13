import type { Direction } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { Connection, EndReason, StreamSink } from '../tcp/types.js';
import { TransferBuffer } from '../core/transfer-buffer.js';

/**
 * Reassembled streams as bytes, to hand them to another thread: StreamEventWriter is a
 * StreamSink that appends each call to a buffer, and replayStreamEvents makes the same calls,
 * in the same order, on a sink in the thread that receives the buffer. Packet time goes with
 * them as `tick` events (the receiver's clock), and `end` closes the stream of events.
 *
 * One liberty, for the HTTP layer, which makes its state on a connection's first byte: a
 * connection is announced (onOpen) just before its first bytes or gap, and one that ends
 * without any is not sent at all. A SYN flood then costs the other thread nothing.
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
  private readonly out = new TransferBuffer(INITIAL_BYTES);
  /** Connections opened and not announced yet (no bytes or gap so far). */
  private readonly quiet = new Map<number, Connection>();

  /** Bytes written since the last take(). */
  get length(): number {
    return this.out.at;
  }

  onOpen(conn: Connection): void {
    this.quiet.set(conn.id, conn);
  }

  private announce(conn: Connection): void {
    this.quiet.delete(conn.id);
    const json = Buffer.from(JSON.stringify(conn), 'latin1');
    const out = this.head(OPEN, conn.id, 4 + json.length);
    out.view.setUint32(out.at, json.length, true);
    out.bytes.set(json, out.at + 4);
    out.at += 4 + json.length;
  }

  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    if (this.quiet.has(conn.id)) this.announce(conn);
    const n = bytes.length;
    const out = this.head(DATA, conn.id, 21 + n);
    const { view, at } = out;
    view.setUint8(at, dir === 'request' ? 0 : 1);
    view.setFloat64(at + 1, first, true);
    view.setFloat64(at + 9, last, true);
    view.setUint32(at + 17, n, true);
    out.bytes.set(bytes, at + 21);
    out.at = at + 21 + n;
  }

  onGap(conn: Connection, dir: Direction, length: number, at: Micros): void {
    if (this.quiet.has(conn.id)) this.announce(conn);
    const out = this.head(GAP, conn.id, 17);
    out.view.setUint8(out.at, dir === 'request' ? 0 : 1);
    out.view.setFloat64(out.at + 1, length, true);
    out.view.setFloat64(out.at + 9, at, true);
    out.at += 17;
  }

  onClose(conn: Connection, reason: EndReason, at: Micros): void {
    if (this.quiet.delete(conn.id)) return;
    const out = this.head(CLOSE, conn.id, 9);
    out.view.setUint8(out.at, REASON_CODES.get(reason) ?? 0);
    out.view.setFloat64(out.at + 1, at, true);
    out.at += 9;
  }

  /** Packet time has reached `now`. */
  tick(now: Micros): void {
    const out = this.out;
    out.room(9);
    out.view.setUint8(out.at, TICK);
    out.view.setFloat64(out.at + 1, now, true);
    out.at += 9;
  }

  /** No more events. */
  end(): void {
    const out = this.out;
    out.room(1);
    out.view.setUint8(out.at++, END);
  }

  /** The events written so far, as memory of their own (to transfer); see TransferBuffer. */
  take(): Uint8Array {
    return this.out.take();
  }

  /** Memory of taken events, given back once replayed. */
  recycle(memory: ArrayBuffer): void {
    this.out.recycle(memory);
  }

  /** Writes an event's kind and connection, with room for `n` more bytes after them. */
  private head(kind: number, id: number, n: number): TransferBuffer {
    const out = this.out;
    out.room(5 + n);
    out.view.setUint8(out.at, kind);
    out.view.setUint32(out.at + 1, id, true);
    out.at += 5;
    return out;
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
