/**
 * Pair entries for the TUI's tests, made from the shared exchange builder's reports: the same
 * `pairEntry` the CLI uses, with packet lines made up per message (the recorder is tested on
 * its own).
 */
import type { Endpoint } from '../../../src/core/flow.js';
import type { Micros } from '../../../src/core/time.js';
import type { RecordedPacket } from '../../../src/render/packet-lines.js';
import type { PairReport } from '../../../src/shadow/verdict.js';
import { pairEntry, type PairEntry } from '../../../src/tui/model/pair-entry.js';
import { exchange, pairReport, type ExchangeSpec, type PairReportSpec } from '../../helpers/exchange-builder.js';

/** `HH:MM:SS.ffffff` in UTC: tests must not depend on the machine's time zone. */
export function utcTime(at: Micros): string {
  const d = new Date(Math.floor(at / 1000));
  return `${d.toISOString().slice(11, 19)}.${String(at % 1_000_000).padStart(6, '0')}`;
}

/** One made-up packet per message, carrying its first bytes, as the recorder would keep it. */
export function fakePackets(from: Endpoint, to: Endpoint, start: Micros): RecordedPacket[] {
  const line = `${utcTime(start)} IP ${from.ip}.${from.port} > ${to.ip}.${to.port}: Flags [P.], length 10`;
  return [{ at: start, line, dump: Buffer.from('E\x00\x00\x28GET / HTTP/1.1\r\n'), ipStart: 0, wireLength: 20 }];
}

export function entryOf(seq: number, report: PairReport): PairEntry {
  return pairEntry(seq, report, fakePackets, { time: utcTime });
}

export const primary = (spec: ExchangeSpec = {}) => exchange({ server: '10.1.0.20:8000', ...spec });
export const shadow = (spec: ExchangeSpec = {}) => exchange({ host: 'httpbin-shadow:8000', server: '10.1.0.30:8000', at: (spec.at ?? 0) + 0.2, ...spec });

export interface EntrySpec {
  /** Milliseconds after T0. */
  readonly at?: number;
  readonly id?: string;
  readonly method?: string;
  readonly target?: string;
  readonly template?: string;
  readonly host?: string;
  readonly status?: number | null;
  /** null: no shadow leg. */
  readonly shadowStatus?: number | null | 'none';
  readonly latency?: number;
  readonly shadowLatency?: number;
  readonly body?: string;
  readonly shadowBody?: string;
  readonly report?: Partial<PairReportSpec>;
}

/** A pair entry from a few facts: primary 200 and shadow 200 with the same body unless told. */
export function entry(seq: number, spec: EntrySpec = {}): PairEntry {
  const at = spec.at ?? seq;
  const id = spec.id ?? `req-${seq}`;
  const host = spec.host ?? 'httpbin:8000';
  const shadowHost = `${host.split(':')[0]}-shadow${host.includes(':') ? `:${host.split(':')[1]}` : ''}`;
  const common = { id, method: spec.method, target: spec.target, at };
  const p = primary({ ...common, host, status: spec.status, latency: spec.latency, responseBody: spec.body });
  const s =
    spec.shadowStatus === 'none'
      ? null
      : shadow({ ...common, host: shadowHost, status: spec.shadowStatus === undefined ? spec.status : spec.shadowStatus, latency: spec.shadowLatency, responseBody: spec.shadowBody ?? spec.body });
  const report = pairReport({
    id,
    primary: p,
    shadow: s,
    verdict: s === null ? 'shadow-missing' : undefined,
    route: { method: spec.method ?? 'GET', host, template: spec.template ?? spec.target ?? '/get' },
    ...spec.report,
  });
  return entryOf(seq, report);
}
