/**
 * `--view pairs` as text: each mirrored request as the walkthroughs show it with tcpdump -A,
 * the primary's and the shadow's messages one under the other, then what differs.
 *
 *   03:04:39.383123 GET httpbin:8000 /status/{id} differ id b00e28fe5a23 primary 200 0.512 ms shadow 503 0.601 ms (+0.089 ms)
 *   primary 03:04:39.383123 IP 10.233.75.12.60200 > 10.233.75.11.80: HTTP: GET /status/200 HTTP/1.1 (127 bytes)
 *   	GET /status/200 HTTP/1.1
 *   	Host: httpbin:8000
 *   ...
 *   differs: status 200 | 503
 *
 * Every piece of wire text goes through printable(): nothing from the capture reaches the terminal raw.
 */
import type { Endpoint } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { BodyCapture, Exchange, HeaderList } from '../http/types.js';
import type { PairReport, ReportedDifference } from '../shadow/verdict.js';
import { latencyMicros } from '../http/latency.js';
import { formatMillis } from './exchange-text.js';
import { printable } from './printable.js';
import { hexAsciiDump } from './tcpdump/dump.js';
import { tcpdumpEndpoint } from './endpoint-text.js';
import type { AddressNames, PayloadDump } from './tcpdump/options.js';

export interface PairTextOptions {
  /** The timestamp as the packet view prints it (with its trailing space, or '' with -t). */
  readonly stamp: (at: Micros) => string;
  /** 'none' (-q): message lines only; 'ascii' (default): heads and body text; 'hex-ascii' (-X): body as hex. */
  readonly payload: PayloadDump;
  /** Body lines shown per message; the rest is counted. Default 12. */
  readonly bodyLines?: number;
  /** Body bytes shown per message. Default 2048. */
  readonly bodyBytes?: number;
  /**
   * The tcpdump lines of the packets that carried a message (see PacketLineRecorder). Without
   * them, or when none were kept, each message gets one line in the same style, marked by its size.
   */
  readonly packetLines?: (from: Endpoint, to: Endpoint, start: Micros, end: Micros) => string[];
  /** Pod names for addresses (--pods). */
  readonly addressNames?: AddressNames;
}

const DEFAULT_BODY_LINES = 12;
const DEFAULT_BODY_BYTES = 2048;

export function pairLines(report: PairReport, options: PairTextOptions): string[] {
  const out = [headerLine(report, options)];
  const { pair } = report;
  const legs: Array<[string, Exchange]> = [];
  if (pair.primary !== null) legs.push(['primary', pair.primary]);
  if (pair.shadow !== null) legs.push(['shadow', pair.shadow]);
  for (const e of pair.candidates) legs.push(['candidate', e]);
  for (const [label, e] of legs) out.push(...legLines(label, e, options));
  for (const d of report.differences) out.push(differenceLine(d));
  if (report.hint !== null) out.push(`note: ${printable(report.hint)}`);
  for (const e of pair.retries) out.push(`retry ${summaryOf(e, options)}`);
  for (const e of pair.related) out.push(`related ${summaryOf(e, options)}`);
  return out;
}

function headerLine(report: PairReport, options: PairTextOptions): string {
  const { pair, route, verdict } = report;
  const first = pair.primary ?? pair.shadow ?? pair.candidates[0] ?? pair.related[0];
  const sides = [side('primary', pair.primary), side('shadow', pair.shadow)].filter((s) => s !== '');
  const p = pair.primary === null ? null : latencyMicros(pair.primary);
  const s = pair.shadow === null ? null : latencyMicros(pair.shadow);
  const slower = p !== null && s !== null ? ` (${s >= p ? '+' : '-'}${formatMillis(Math.abs(s - p))})` : '';
  const head = `${options.stamp(first.timing.requestStart)}${printable(route.method)} ${printable(route.host ?? '-')} ${printable(route.template)}`;
  return `${head} ${verdict} id ${printable(pair.id)}${sides.length > 0 ? ` ${sides.join(' ')}` : ''}${slower}`;
}

function side(name: string, e: Exchange | null): string {
  if (e === null) return '';
  const latency = latencyMicros(e);
  return `${name} ${e.response === null ? 'no-response' : e.response.status}${latency === null ? '' : ` ${formatMillis(latency)}`}`;
}

/** One leg: a tcpdump-style line per message (request, then response), each with its payload. */
function legLines(label: string, e: Exchange, options: PairTextOptions): string[] {
  const out: string[] = [];
  const req = e.request;
  const requestLine = `${req.method} ${req.target} HTTP/${req.version}`;
  out.push(...messageLines(label, [e.timing.requestStart, e.timing.requestEnd], e.client, e.server, requestLine, e.requestBytes, options));
  if (options.payload !== 'none') out.push(...payloadLines(requestLine, req.headers, req.body, options));
  const res = e.response;
  if (res === null || e.timing.responseStart === null) {
    out.push(`${label} (no response${e.anomalies.length > 0 ? `: ${e.anomalies.map(printable).join(', ')}` : ''})`);
    return out;
  }
  const statusLine = `HTTP/${res.version} ${res.status} ${res.reason}`;
  for (const interim of res.interim) out.push(...messageLines(label, [interim.at, interim.at], e.server, e.client, `HTTP/${res.version} ${interim.status}`, null, options));
  const responseSpan: [Micros, Micros] = [e.timing.responseStart, e.timing.responseEnd ?? e.timing.responseStart];
  out.push(...messageLines(label, responseSpan, e.server, e.client, statusLine, e.responseBytes, options));
  if (options.payload !== 'none') out.push(...payloadLines(statusLine, res.headers, res.body, options));
  if (!e.complete) out.push(`${label} [incomplete: ${e.anomalies.map(printable).join(', ')}]`);
  return out;
}

/** The packets that carried a message, as tcpdump printed them; or one line for the whole message. */
function messageLines(label: string, [start, end]: [Micros, Micros], from: Endpoint, to: Endpoint, first: string, bytes: number | null, options: PairTextOptions): string[] {
  const packets = options.packetLines?.(from, to, start, end) ?? [];
  if (packets.length > 0) return packets.map((line) => `${label} ${line}`);
  return [messageLine(label, start, from, to, first, bytes, options)];
}

function messageLine(label: string, at: Micros, from: Endpoint, to: Endpoint, first: string, bytes: number | null, options: PairTextOptions): string {
  const family = from.ip.includes(':') ? 'IP6' : 'IP';
  const size = bytes === null ? '' : ` (${bytes} bytes)`;
  return `${label} ${options.stamp(at)}${family} ${tcpdumpEndpoint(from, options.addressNames)} > ${tcpdumpEndpoint(to, options.addressNames)}: HTTP: ${printable(first)}${size}`;
}

const indent = (line: string): string => `\t${line}`;

function payloadLines(first: string, headers: HeaderList, body: BodyCapture, options: PairTextOptions): string[] {
  const out = [indent(printable(first))];
  for (const [name, value] of headers) out.push(indent(`${printable(name)}: ${printable(value)}`));
  if (body.wireBytes === 0) return out;
  out.push('\t');
  const bytes = body.decoded ?? body.data;
  const limit = options.bodyBytes ?? DEFAULT_BODY_BYTES;
  const shown = bytes.subarray(0, limit);
  const lines = options.payload === 'hex-ascii' ? hexAsciiDump(shown, '\n').split('\n').slice(1) : textLines(shown);
  const maxLines = options.bodyLines ?? DEFAULT_BODY_LINES;
  out.push(...lines.slice(0, maxLines).map(indent));
  const notes: string[] = [];
  if (body.decoded !== null) notes.push(`${body.contentEncoding ?? 'content'}-decoded from ${body.wireBytes} bytes`);
  if (body.decodeProblem !== null) notes.push(`not decoded: ${body.decodeProblem}`);
  const hidden = bytes.length - shown.length;
  if (lines.length > maxLines || hidden > 0) notes.push(`${lines.length > maxLines ? `${lines.length - maxLines} more lines` : ''}${lines.length > maxLines && hidden > 0 ? ', ' : ''}${hidden > 0 ? `${hidden} more bytes` : ''}`);
  if (body.truncated) notes.push(`capture kept ${body.data.length} of ${body.wireBytes} bytes`);
  if (notes.length > 0) out.push(indent(`[${notes.map(printable).join('; ')}]`));
  return out;
}

/** Body text split at newlines; every byte outside printable ASCII is escaped. */
function textLines(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const lines = text.split('\n').map((l) => printable(l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function differenceLine(d: ReportedDifference): string {
  const value = (v: string | null): string => (v === null ? '(absent)' : printable(v));
  const path = d.path === '...' ? 'more' : d.path;
  return `differs: ${printable(path)} ${value(d.primary)} | ${value(d.shadow)}${d.noise ? ' (probable noise)' : ''}`;
}

/** A retry or related leg in one line. */
function summaryOf(e: Exchange, options: PairTextOptions): string {
  const latency = latencyMicros(e);
  const answer = e.response === null ? 'no response' : `${e.response.status}${latency === null ? '' : ` ${formatMillis(latency)}`}`;
  return `${options.stamp(e.timing.requestStart)}${tcpdumpEndpoint(e.client, options.addressNames)} > ${tcpdumpEndpoint(e.server, options.addressNames)}: ${printable(e.request.method)} ${printable(e.request.host ?? '-')} ${printable(e.request.target)} -> ${answer}`;
}
