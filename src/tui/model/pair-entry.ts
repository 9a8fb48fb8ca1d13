/**
 * A pair as the TUI keeps it: the report, what the list shows of it (made printable and
 * formatted once, when the pair arrives, so drawing a row costs nothing), the packets that
 * carried each message (looked up while the recorder still has them), and a rough weight in
 * bytes, so that the store can bound its memory as well as its count.
 */
import type { Endpoint } from '../../core/flow.js';
import type { Micros } from '../../core/time.js';
import { latencyMicros } from '../../http/latency.js';
import type { Exchange, HeaderList } from '../../http/types.js';
import type { RecordedPacket } from '../../render/packet-lines.js';
import { printable } from '../../render/printable.js';
import { formatDuration } from '../../render/summary-text.js';
import type { PairReport, Verdict } from '../../shadow/verdict.js';

/** The packets of one message; `omitted` counts those beyond the per-message bound. */
export interface MessagePackets {
  readonly packets: readonly RecordedPacket[];
  readonly omitted: number;
}

export type LegRole = 'primary' | 'shadow' | 'candidate' | 'retry';

export interface LegPackets {
  readonly role: LegRole;
  readonly exchange: Exchange;
  readonly request: MessagePackets;
  /** Null without a response. */
  readonly response: MessagePackets | null;
}

export interface PairEntry {
  /** Arrival order in the run, from 0: the store's key. */
  readonly seq: number;
  readonly report: PairReport;
  readonly verdict: Verdict;
  /** Request start of the first leg. */
  readonly at: Micros;
  /** `03:04:39.383516`: the packet view's local time of `at`. */
  readonly time: string;
  // Printable text of the request, for the list and the filter.
  readonly method: string;
  readonly host: string;
  readonly target: string;
  readonly template: string;
  /** `host template method`: what the route sort compares (made once: sorting compares it n log n times). */
  readonly routeOrder: string;
  readonly id: string;
  /** Null: no such leg, or no response. */
  readonly primaryStatus: number | null;
  readonly shadowStatus: number | null;
  /** What each server took (latencyMicros, never below 0); null without a response. */
  readonly primaryLatency: Micros | null;
  readonly shadowLatency: Micros | null;
  readonly primaryLatencyText: string;
  readonly shadowLatencyText: string;
  /** Shadow minus primary latency; null unless both answered. */
  readonly slowerBy: Micros | null;
  /** `!` a leg was cut or reset, `R` the primary was retried, `+` related legs were seen. */
  readonly marks: string;
  /** Anomaly names of all legs (printable), for the filter. */
  readonly anomalies: readonly string[];
  readonly legs: readonly LegPackets[];
  /** Approximate bytes this entry holds (bodies, heads, packet copies). */
  readonly weight: number;
}

/** Finds the recorded packets of one message (see PacketLineRecorder.packetsBetween). */
export type PacketLookup = (from: Endpoint, to: Endpoint, start: Micros, end: Micros) => readonly RecordedPacket[];

export interface EntryOptions {
  /** The time column text of a request start. */
  readonly time: (at: Micros) => string;
  /** Packets kept per message; the rest are counted. Default 64. */
  readonly packetsPerMessage?: number;
}

const DEFAULT_PACKETS_PER_MESSAGE = 64;
// The weight is calibrated against what V8 measured for real lab pairs (heap + buffers): the
// objects around the bytes cost about as much as the bytes themselves.
/** The entry, its row strings, the report and pair objects. */
const ENTRY_OVERHEAD = 2048;
/** An exchange's objects: request, response, timing, bodies, anomalies. */
const EXCHANGE_OVERHEAD = 1024;
/** A header's array and two strings. */
const HEADER_OVERHEAD = 96;
/** A body's capture object and Buffer object. */
const BODY_OVERHEAD = 160;
/** A kept packet's object, its line and its Buffer object. */
const PACKET_OVERHEAD = 160;

const latencyOf = (e: Exchange | null): Micros | null => {
  const micros = e === null || e.response === null ? null : latencyMicros(e);
  return micros === null ? null : Math.max(0, micros);
};

export function pairEntry(seq: number, report: PairReport, packetsOf: PacketLookup, options: EntryOptions): PairEntry {
  const { pair, route } = report;
  const first = pair.primary ?? pair.shadow ?? pair.candidates[0] ?? pair.related[0];
  const primaryLatency = latencyOf(pair.primary);
  const shadowLatency = latencyOf(pair.shadow);
  const limit = options.packetsPerMessage ?? DEFAULT_PACKETS_PER_MESSAGE;
  const legs = legsOf(report).map(([role, e]) => legPackets(role, e, packetsOf, limit));
  const all = [...legsOf(report).map(([, e]) => e), ...pair.related];
  const anomalies = [...new Set(all.flatMap((e) => e.anomalies))].map(printable);
  const cut = all.some((e) => !e.complete || e.anomalies.length > 0);
  const marks = `${cut ? '!' : ''}${pair.retries.length > 0 ? 'R' : ''}${pair.related.length > 0 ? '+' : ''}`;
  return {
    seq,
    report,
    verdict: report.verdict,
    at: first.timing.requestStart,
    time: options.time(first.timing.requestStart),
    method: printable(route.method),
    host: printable(route.host ?? '-'),
    target: printable((pair.primary ?? first).request.target),
    template: printable(route.template),
    routeOrder: `${printable(route.host ?? '-')} ${printable(route.template)} ${printable(route.method)}`,
    id: printable(pair.id),
    primaryStatus: pair.primary?.response?.status ?? null,
    shadowStatus: pair.shadow?.response?.status ?? null,
    primaryLatency,
    shadowLatency,
    primaryLatencyText: formatDuration(primaryLatency),
    shadowLatencyText: formatDuration(shadowLatency),
    slowerBy: primaryLatency !== null && shadowLatency !== null ? shadowLatency - primaryLatency : null,
    marks,
    anomalies,
    legs,
    weight: ENTRY_OVERHEAD + all.reduce((sum, e) => sum + exchangeWeight(e), 0) + legs.reduce((sum, l) => sum + legWeight(l), 0),
  };
}

/** The legs the detail shows, in the order it shows them. */
export function legsOf(report: PairReport): Array<[LegRole, Exchange]> {
  const { pair } = report;
  const legs: Array<[LegRole, Exchange]> = [];
  if (pair.primary !== null) legs.push(['primary', pair.primary]);
  if (pair.shadow !== null) legs.push(['shadow', pair.shadow]);
  for (const e of pair.candidates) legs.push(['candidate', e]);
  for (const e of pair.retries) legs.push(['retry', e]);
  return legs;
}

function legPackets(role: LegRole, e: Exchange, packetsOf: PacketLookup, limit: number): LegPackets {
  const t = e.timing;
  const request = bounded(packetsOf(e.client, e.server, t.requestStart, t.requestEnd), limit);
  if (e.response === null || t.responseStart === null) return { role, exchange: e, request, response: null };
  // Interim 1xx answers come before the final one: the response's packets start with them.
  const start = Math.min(t.responseStart, ...e.response.interim.map((i) => i.at));
  const response = bounded(packetsOf(e.server, e.client, start, t.responseEnd ?? t.responseStart), limit);
  return { role, exchange: e, request, response };
}

function bounded(packets: readonly RecordedPacket[], limit: number): MessagePackets {
  return packets.length <= limit ? { packets, omitted: 0 } : { packets: packets.slice(0, limit), omitted: packets.length - limit };
}

function headWeight(headers: HeaderList): number {
  let n = 0;
  for (const [name, value] of headers) n += name.length + value.length + HEADER_OVERHEAD;
  return n;
}

function exchangeWeight(e: Exchange): number {
  // Decoded bodies are made on demand (and bounded by the HTTP limits): counted by their wire size.
  const response = e.response === null ? 0 : headWeight(e.response.headers) + e.response.body.data.length + BODY_OVERHEAD;
  return EXCHANGE_OVERHEAD + headWeight(e.request.headers) + e.request.body.data.length + BODY_OVERHEAD + response;
}

function legWeight(leg: LegPackets): number {
  const message = (m: MessagePackets | null): number => (m === null ? 0 : m.packets.reduce((sum, p) => sum + p.line.length + (p.dump?.length ?? 0) + PACKET_OVERHEAD, 0));
  return message(leg.request) + message(leg.response);
}
