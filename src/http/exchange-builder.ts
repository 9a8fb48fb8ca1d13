import { AnomalyCounter } from '../core/anomalies.js';
import type { Direction } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { Connection, EndReason, StreamSink } from '../tcp/types.js';
import { BodyBudget } from './body-capture.js';
import { HttpConnection } from './http-connection.js';
import { resolveLimits, type HttpLimits } from './limits.js';
import type { Exchange } from './types.js';

/**
 * The HTTP stage: receives reassembled TCP streams (StreamSink) and emits one Exchange per
 * request, in order per connection, as soon as its response is over (at close for the rest).
 *
 * Synchronous and pure: no I/O, no timers; every time comes from packets. Anomalies (gaps,
 * parse errors, limits, responses without requests, tunnels) are counted in `anomalies` under
 * "http.*" names and named on the exchanges they touch; nothing is thrown.
 *
 * Timing: a message's start is the `first` time of the onData chunk carrying its first byte,
 * its end the `last` time of the chunk carrying its last byte. When the reassembler delivers a
 * packet per call these are packet times; when it coalesces packets, a message starting or
 * ending inside a chunk gets the chunk's times (the best we have).
 */
export class HttpExchangeBuilder implements StreamSink {
  readonly limits: HttpLimits;
  readonly anomalies: AnomalyCounter;
  private readonly connections = new Map<number, HttpConnection>();
  private readonly budget: BodyBudget;

  constructor(
    private readonly onExchange: (e: Exchange) => void,
    options?: Partial<HttpLimits>,
    anomalies?: AnomalyCounter,
  ) {
    this.limits = resolveLimits(options);
    this.anomalies = anomalies ?? new AnomalyCounter();
    this.budget = new BodyBudget(this.limits.maxBufferedBodyBytes);
  }

  /** Connections currently tracked. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Body bytes held in exchanges not emitted yet. */
  get bufferedBodyBytes(): number {
    return this.budget.inUse;
  }

  /** HTTP state is made on the first byte, not the handshake: a SYN flood costs only TCP state. */
  onOpen(_conn: Connection): void {}

  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    if (bytes.length === 0) return;
    this.track(conn).data(dir, bytes, first, last);
  }

  onGap(conn: Connection, dir: Direction, length: number, at: Micros): void {
    if (length <= 0) return;
    this.anomalies.add('http.gap');
    this.track(conn).gap(dir, length, at);
  }

  onClose(conn: Connection, reason: EndReason, _at: Micros): void {
    const c = this.connections.get(conn.id);
    if (!c) return;
    this.connections.delete(conn.id);
    c.close(reason);
  }

  private track(conn: Connection): HttpConnection {
    let c = this.connections.get(conn.id);
    if (c) return c;
    if (this.connections.size >= Math.max(1, this.limits.maxConnections)) {
      // Safety net (the reassembler bounds connections first): close the oldest.
      const [oldestId, oldest] = this.connections.entries().next().value as [number, HttpConnection];
      this.connections.delete(oldestId);
      this.anomalies.add('http.connection-limit');
      oldest.close('evicted');
    }
    c = new HttpConnection(conn, this.limits, this.anomalies, this.budget, this.onExchange);
    this.connections.set(conn.id, c);
    return c;
  }
}
