import { AnomalyCounter } from '../../src/core/anomalies.js';
import type { Direction } from '../../src/core/flow.js';
import type { Micros } from '../../src/core/time.js';
import { HttpExchangeBuilder } from '../../src/http/exchange-builder.js';
import type { HttpLimits } from '../../src/http/limits.js';
import type { Exchange } from '../../src/http/types.js';
import type { Connection, EndReason } from '../../src/tcp/types.js';

/** Synthetic streams for the HTTP stage: events as the reassembler would deliver them. */
export type StreamEvent =
  | { readonly kind: 'data'; readonly dir: Direction; readonly bytes: Buffer; readonly t: Micros }
  | { readonly kind: 'gap'; readonly dir: Direction; readonly length: number; readonly t: Micros }
  | { readonly kind: 'close'; readonly reason: EndReason; readonly t: Micros };

export function makeConnection(id = 1, rolesFromHandshake = true): Connection {
  return {
    id,
    client: { ip: '10.0.0.1', port: 40000 + id },
    server: { ip: '10.0.0.2', port: 80 },
    rolesFromHandshake,
    vlans: [],
    reuse: 0,
    firstSeen: 0,
  };
}

export const req = (text: string | Buffer, t: Micros): StreamEvent => ({ kind: 'data', dir: 'request', bytes: toBuf(text), t });
export const res = (text: string | Buffer, t: Micros): StreamEvent => ({ kind: 'data', dir: 'response', bytes: toBuf(text), t });
export const gap = (dir: Direction, length: number, t: Micros): StreamEvent => ({ kind: 'gap', dir, length, t });
export const close = (reason: EndReason, t: Micros): StreamEvent => ({ kind: 'close', reason, t });

function toBuf(x: string | Buffer): Buffer {
  return typeof x === 'string' ? Buffer.from(x, 'latin1') : x;
}

export interface RunResult {
  readonly exchanges: Exchange[];
  readonly anomalies: AnomalyCounter;
  readonly builder: HttpExchangeBuilder;
}

export function run(events: readonly StreamEvent[], options?: { limits?: Partial<HttpLimits>; conn?: Connection }): RunResult {
  const exchanges: Exchange[] = [];
  const anomalies = new AnomalyCounter();
  const builder = new HttpExchangeBuilder((e) => exchanges.push(e), options?.limits, anomalies);
  const conn = options?.conn ?? makeConnection();
  builder.onOpen(conn);
  for (const e of events) {
    if (e.kind === 'data') builder.onData(conn, e.dir, e.bytes, e.t, e.t);
    else if (e.kind === 'gap') builder.onGap(conn, e.dir, e.length, e.t);
    else builder.onClose(conn, e.reason, e.t);
  }
  return { exchanges, anomalies, builder };
}

/** Every way to cut the data event at `index` in two (same time on both halves). */
export function splitsOf(events: readonly StreamEvent[], index: number): StreamEvent[][] {
  const e = events[index];
  if (e.kind !== 'data') throw new Error('not data');
  const out: StreamEvent[][] = [];
  for (let cut = 1; cut < e.bytes.length; cut++) {
    const a: StreamEvent = { ...e, bytes: e.bytes.subarray(0, cut) };
    const b: StreamEvent = { ...e, bytes: e.bytes.subarray(cut) };
    out.push([...events.slice(0, index), a, b, ...events.slice(index + 1)]);
  }
  return out;
}

/** The same events with every data event cut into single bytes. */
export function byteByByte(events: readonly StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const e of events) {
    if (e.kind !== 'data') out.push(e);
    else for (let i = 0; i < e.bytes.length; i++) out.push({ ...e, bytes: e.bytes.subarray(i, i + 1) });
  }
  return out;
}

/** A comparable digest of an exchange (bodies as text, decoding forced). */
export function digest(e: Exchange): Record<string, unknown> {
  return {
    index: e.index,
    client: `${e.client.ip}:${e.client.port}`,
    method: e.request.method,
    target: e.request.target,
    host: e.request.host,
    reqHeaders: e.request.headers,
    reqBody: e.request.body.data.toString('latin1'),
    reqWire: e.request.body.wireBytes,
    reqTrailers: e.request.trailers,
    status: e.response?.status ?? null,
    reason: e.response?.reason ?? null,
    respHeaders: e.response?.headers ?? null,
    respBody: e.response?.body.data.toString('latin1') ?? null,
    respWire: e.response?.body.wireBytes ?? null,
    respTrailers: e.response?.trailers,
    interim: e.response?.interim ?? null,
    decoded: e.response?.body.decoded?.toString('latin1') ?? null,
    decodeProblem: e.response?.body.decodeProblem ?? null,
    timing: e.timing,
    requestBytes: e.requestBytes,
    responseBytes: e.responseBytes,
    complete: e.complete,
    anomalies: e.anomalies,
  };
}
