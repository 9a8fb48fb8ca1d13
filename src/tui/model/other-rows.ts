/**
 * What did not become a pair, for the "others" screen: exchanges that joined no pair, and TCP
 * connections on which no HTTP message ever started. Built when they happen, as printable text.
 */
import { formatEndpoint } from '../../core/flow.js';
import type { Micros } from '../../core/time.js';
import type { Exchange } from '../../http/types.js';
import { printable } from '../../render/printable.js';

export interface UnpairedRow {
  readonly at: Micros;
  readonly time: string;
  /** `10.0.0.1:40000 > 10.0.0.2:80` */
  readonly flow: string;
  /** `GET httpbin:8000 /get` */
  readonly request: string;
  /** `200`, or `-` without a response. */
  readonly status: string;
  /** Why it joined no pair. */
  readonly reason: string;
}

export interface FlowRow {
  readonly at: Micros;
  readonly time: string;
  readonly flow: string;
  readonly clientBytes: number;
  readonly serverBytes: number;
  readonly gaps: number;
  /** How it ended: fin, rst, idle, end-of-capture, evicted. */
  readonly end: string;
  /** The first bytes each side sent, printable (`\x16\x03\x01...` for TLS, say). */
  readonly clientPreview: string;
  readonly serverPreview: string;
}

function hasHeader(e: Exchange, name: string): boolean {
  const lower = name.toLowerCase();
  return e.request.headers.some(([n]) => n.toLowerCase() === lower);
}

export function unpairedRow(e: Exchange, keyHeader: string, time: (at: Micros) => string): UnpairedRow {
  return {
    at: e.timing.requestStart,
    time: time(e.timing.requestStart),
    flow: `${formatEndpoint(e.client)} > ${formatEndpoint(e.server)}`,
    request: `${printable(e.request.method)} ${printable(e.request.host ?? '-')} ${printable(e.request.target)}`,
    status: e.response === null ? '-' : String(e.response.status),
    // The correlator passes on exchanges without the key, and legs that came after their pair was reported.
    reason: hasHeader(e, keyHeader) ? 'late leg: its pair was already reported' : `no ${printable(keyHeader)} header`,
  };
}
