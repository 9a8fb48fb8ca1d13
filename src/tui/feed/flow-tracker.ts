/**
 * A stream sink beside the HTTP layer that notices TCP connections on which no HTTP/1 message
 * ever started (TLS, HTTP/2, databases, a capture that began mid-body), for the "others"
 * screen. It looks only at the first bytes of each direction: a request line (`GET /x ...`)
 * or a status line (`HTTP/1.1 ...`) makes a connection HTTP. Bounded: at most `maxOpen`
 * connections are watched at once (later ones are counted, not watched), and a connection is
 * forgotten as soon as it is known to be HTTP or has ended.
 */
import type { Direction } from '../../core/flow.js';
import { formatEndpoint } from '../../core/flow.js';
import type { Micros } from '../../core/time.js';
import { printable } from '../../render/printable.js';
import type { Connection, EndReason, StreamSink } from '../../tcp/types.js';
import type { FlowRow } from '../model/other-rows.js';

const PREVIEW_BYTES = 32;
const REQUEST_START = /^[A-Z][A-Z_-]{0,19} [\x21-\x7e]/;
const RESPONSE_START = /^HTTP\/1\.[0-9] /;
/** The HTTP/2 connection preface looks like a request line; the HTTP layer reads only HTTP/1. */
const HTTP2_PREFACE = /^PRI \* HTTP\/2/;

interface Watched {
  readonly conn: Connection;
  readonly bytes: Record<Direction, number>;
  readonly head: Record<Direction, Buffer>;
  gaps: number;
}

export interface FlowTrackerOptions {
  readonly onFlow: (row: FlowRow) => void;
  readonly time: (at: Micros) => string;
  /** Connections watched at once. Default 100 000. */
  readonly maxOpen?: number;
}

export class FlowTracker implements StreamSink {
  /** Connections not watched because `maxOpen` were. */
  unwatched = 0;
  private readonly watched = new Map<number, Watched>();

  constructor(private readonly options: FlowTrackerOptions) {}

  onOpen(conn: Connection): void {
    if (this.watched.size >= (this.options.maxOpen ?? 100_000)) {
      this.unwatched++;
      return;
    }
    this.watched.set(conn.id, { conn, bytes: { request: 0, response: 0 }, head: { request: Buffer.alloc(0), response: Buffer.alloc(0) }, gaps: 0 });
  }

  onData(conn: Connection, dir: Direction, bytes: Buffer): void {
    const w = this.watched.get(conn.id);
    if (w === undefined) return;
    w.bytes[dir] += bytes.length;
    if (w.head[dir].length < PREVIEW_BYTES) {
      // A copy: `bytes` may be a view into packet memory.
      w.head[dir] = Buffer.concat([w.head[dir], bytes.subarray(0, PREVIEW_BYTES - w.head[dir].length)]);
      if (startsHttp(w)) this.watched.delete(conn.id);
    }
  }

  onGap(conn: Connection, dir: Direction, length: number): void {
    const w = this.watched.get(conn.id);
    if (w === undefined) return;
    w.gaps++;
    w.bytes[dir] += length;
  }

  onClose(conn: Connection, reason: EndReason): void {
    const w = this.watched.get(conn.id);
    if (w === undefined) return;
    this.watched.delete(conn.id);
    if (w.bytes.request + w.bytes.response === 0) return; // a handshake, a scan: nothing was said
    this.options.onFlow({
      at: conn.firstSeen,
      time: this.options.time(conn.firstSeen),
      flow: `${formatEndpoint(conn.client)} > ${formatEndpoint(conn.server)}`,
      clientBytes: w.bytes.request,
      serverBytes: w.bytes.response,
      gaps: w.gaps,
      end: reason,
      clientPreview: printable(w.head.request.toString('latin1')),
      serverPreview: printable(w.head.response.toString('latin1')),
    });
  }
}

function startsHttp(w: Watched): boolean {
  const request = w.head.request.toString('latin1');
  // Long enough to tell a request line from the HTTP/2 preface.
  const decidable = request.length >= 14 || request.includes('\n');
  return (decidable && REQUEST_START.test(request) && !HTTP2_PREFACE.test(request)) || RESPONSE_START.test(w.head.response.toString('latin1'));
}
