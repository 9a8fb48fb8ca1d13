/**
 * Builds the HTTP exchanges that shadow and render tests feed in, and the pairs and reports made
 * of them. One realistic default leg (GET /get from 10.1.0.5:40000 to httpbin:8000 at
 * 10.1.0.20:8000, with an x-request-id, answered 200 with a small JSON body), changed only where a
 * test cares: `exchange({ host: 'httpbin-shadow:8000', status: 503 })`.
 */
import { STATUS_CODES } from 'node:http';
import type { Endpoint } from '../../src/core/flow.js';
import type { Micros } from '../../src/core/time.js';
import type { BodyCapture, Exchange, HeaderList, HttpResponse } from '../../src/http/types.js';
import type { Pair } from '../../src/shadow/correlate.js';
import type { PairReport, ReportedDifference, Route, Verdict } from '../../src/shadow/verdict.js';

/** The epoch every `at` counts from: 2027-01-15T08:00:00Z, in microseconds. */
export const T0: Micros = 1_800_000_000_000_000;
export const MS: Micros = 1000;
export const SECOND: Micros = 1_000_000;

/** `10.1.0.5:40000` or `[fd00::5]:40000` as an Endpoint. */
export function endpoint(text: string): Endpoint {
  const colon = text.lastIndexOf(':');
  const ip = text.slice(0, colon);
  const port = Number(text.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) throw new Error(`endpoint: expected ip:port or [v6]:port, got ${JSON.stringify(text)}`);
  return { ip: ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip, port };
}

export interface BodySpec {
  /** The body bytes the capture kept (strings as UTF-8); default none. */
  readonly data?: string | Buffer;
  /** Body bytes on the wire; default the length of `data`. */
  readonly wireBytes?: number;
  /** Whether the capture limit cut the body; default: `wireBytes` is more than `data` holds. */
  readonly truncated?: boolean;
  /** Default 'gzip' when `decoded` is given, otherwise null. */
  readonly contentEncoding?: string | null;
  /** The content-decoded body (strings as UTF-8). */
  readonly decoded?: string | Buffer | null;
  readonly decodeProblem?: string | null;
}

/** A body: its bytes alone (string as UTF-8, or a Buffer), or a BodySpec. */
export type BodyInput = string | Buffer | BodySpec;

const bytes = (b: string | Buffer): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);

export function bodyCapture(input: BodyInput = ''): BodyCapture {
  const spec: BodySpec = typeof input === 'string' || Buffer.isBuffer(input) ? { data: input } : input;
  const data = bytes(spec.data ?? '');
  const wireBytes = spec.wireBytes ?? data.length;
  const decoded = spec.decoded === undefined || spec.decoded === null ? null : bytes(spec.decoded);
  return {
    wireBytes,
    data,
    truncated: spec.truncated ?? wireBytes > data.length,
    contentEncoding: spec.contentEncoding !== undefined ? spec.contentEncoding : decoded === null ? null : 'gzip',
    decoded,
    decodeProblem: spec.decodeProblem ?? null,
  };
}

/** Bytes of a message head as it goes on the wire: start line, headers, blank line. */
export function headBytes(startLine: string, headers: HeaderList): number {
  return Buffer.byteLength(`${startLine}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'latin1');
}

export interface ExchangeSpec {
  /** `ip:port` or `[v6]:port`; default 10.1.0.5:40000. */
  readonly client?: string;
  /** Default 10.1.0.20:8000. */
  readonly server?: string;
  /** The Host header and request.host; default httpbin:8000; null: no Host. */
  readonly host?: string | null;
  /** x-request-id; default req-1; null: none. */
  readonly id?: string | null;
  /** x-envoy-attempt-count. */
  readonly attempt?: number;
  /** More request headers, after Host, x-request-id and x-envoy-attempt-count. */
  readonly headers?: HeaderList;
  /** Default GET. */
  readonly method?: string;
  /** Default /get. */
  readonly target?: string;
  /** Request body; default empty. */
  readonly body?: BodyInput;
  /** Milliseconds after T0 at which the request starts; it takes 0.1 ms to send. Default 0. */
  readonly at?: number;
  /** Milliseconds from the last request byte to the first response byte; default 1.9. The response takes 1.25 ms. */
  readonly latency?: number;
  /** Default 200; null: no response seen. */
  readonly status?: number | null;
  /** Default the standard reason phrase of `status`. */
  readonly reason?: string;
  /** Default Content-Type: application/json. */
  readonly responseHeaders?: HeaderList;
  /** Default `{"ok":true}`. */
  readonly responseBody?: BodyInput;
  /** Default a new id for each exchange. */
  readonly connectionId?: number;
  /** Default: a response was seen. */
  readonly complete?: boolean;
  /** Default none. */
  readonly anomalies?: readonly string[];
}

let nextConnectionId = 1;

const micros = (ms: number): Micros => Math.round(ms * MS);

export function exchange(spec: ExchangeSpec = {}): Exchange {
  const method = spec.method ?? 'GET';
  const target = spec.target ?? '/get';
  const host = spec.host === undefined ? 'httpbin:8000' : spec.host;
  const id = spec.id === undefined ? 'req-1' : spec.id;
  const headers: Array<readonly [string, string]> = [];
  if (host !== null) headers.push(['Host', host]);
  if (id !== null) headers.push(['x-request-id', id]);
  if (spec.attempt !== undefined) headers.push(['x-envoy-attempt-count', String(spec.attempt)]);
  headers.push(...(spec.headers ?? []));
  const body = bodyCapture(spec.body);

  const status = spec.status === undefined ? 200 : spec.status;
  let response: HttpResponse | null = null;
  if (status !== null) {
    const reason = spec.reason ?? STATUS_CODES[status] ?? '';
    const responseHeaders = spec.responseHeaders ?? [['Content-Type', 'application/json']];
    response = { status, reason, version: '1.1', headers: responseHeaders, body: bodyCapture(spec.responseBody ?? '{"ok":true}'), interim: [] };
  }

  const requestStart = T0 + micros(spec.at ?? 0);
  const requestEnd = requestStart + micros(0.1);
  const responseStart = response === null ? null : requestEnd + micros(spec.latency ?? 1.9);
  return {
    connectionId: spec.connectionId ?? nextConnectionId++,
    index: 0,
    client: endpoint(spec.client ?? '10.1.0.5:40000'),
    server: endpoint(spec.server ?? '10.1.0.20:8000'),
    request: { method, target, version: '1.1', host, headers, body },
    response,
    timing: { requestStart, requestEnd, responseStart, responseEnd: responseStart === null ? null : responseStart + micros(1.25) },
    requestBytes: headBytes(`${method} ${target} HTTP/1.1`, headers) + body.wireBytes,
    responseBytes: response === null ? 0 : headBytes(`HTTP/1.1 ${response.status} ${response.reason}`, response.headers) + response.body.wireBytes,
    complete: spec.complete ?? response !== null,
    anomalies: [...(spec.anomalies ?? [])],
  };
}

export interface PairSpec {
  /** Default req-1. */
  readonly id?: string;
  readonly primary?: Exchange | null;
  readonly shadow?: Exchange | null;
  readonly related?: readonly Exchange[];
  readonly retries?: readonly Exchange[];
  /** Given: the pair is ambiguous (no-shadow-marker) and has neither primary nor shadow. */
  readonly candidates?: readonly Exchange[];
}

/** A pair as the Correlator emits it, its state following from the legs given. */
export function pair(spec: PairSpec = {}): Pair {
  const primary = spec.primary ?? null;
  const shadow = spec.shadow ?? null;
  const candidates = [...(spec.candidates ?? [])];
  const ambiguous = candidates.length > 0;
  return {
    id: spec.id ?? 'req-1',
    primary,
    shadow,
    related: [...(spec.related ?? [])],
    retries: [...(spec.retries ?? [])],
    candidates,
    ambiguity: ambiguous ? 'no-shadow-marker' : null,
    state: ambiguous || (primary !== null && shadow !== null) ? 'paired' : primary === null ? 'primary-missing' : 'shadow-missing',
  };
}

export interface PairReportSpec extends PairSpec {
  /** Default: differ when there are differences, otherwise match. */
  readonly verdict?: Verdict;
  readonly differences?: readonly ReportedDifference[];
  readonly hint?: string | null;
  /** Default the first leg's method, httpbin:8000 and /get. */
  readonly route?: Partial<Route>;
}

/** A PairReport as PairAnalyzer makes it, for the views and statistics that read reports. */
export function pairReport(spec: PairReportSpec = {}): PairReport {
  const p = pair(spec);
  const differences = [...(spec.differences ?? [])];
  const method = (p.primary ?? p.shadow ?? p.candidates[0])?.request.method ?? 'GET';
  return {
    pair: p,
    route: { method, host: 'httpbin:8000', template: '/get', ...spec.route },
    verdict: spec.verdict ?? (differences.length > 0 ? 'differ' : 'match'),
    differences,
    hint: spec.hint ?? null,
  };
}
