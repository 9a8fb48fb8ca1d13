/**
 * The run summary (`--summary`, `--view summary`): a totals block and one row per route, in plain
 * aligned ASCII that reads at a glance (as `ss -s` and `kubectl top` do), and the same numbers as
 * the NDJSON `{"type":"summary"}` record. Pure formatting over numbers gathered elsewhere
 * (shadow/route-stats.ts, the correlator, the pipeline's counters).
 */
import type { CaptureCounts } from '../core/capture-stats.js';
import type { CorrelatorStats } from '../shadow/correlate.js';
import type { LatencySummary, RouteStatsSummary, RouteSummary } from '../shadow/route-stats.js';
import { VERDICTS } from '../shadow/verdict.js';
import { printable } from './printable.js';

export interface RunSummary extends RouteStatsSummary {
  readonly correlation: CorrelatorStats;
  readonly exchanges: number;
  readonly packets: number;
  /** Anomaly names with their counts (AnomalyCounter.entries()). */
  readonly anomalies: ReadonlyArray<readonly [string, number]>;
  /** What the readers could not read and why (a file cut mid-packet, unknown blocks); empty when all was read. */
  readonly skipped?: readonly string[];
  /** Live capture only: the kernel's counters and shadowdump's own drops. */
  readonly capture?: CaptureCounts;
}

export interface SummaryTextOptions {
  /** Route column width; longer routes are clipped with `...`. Default 60. */
  readonly routeWidth?: number;
  /** Anomaly names listed; the rest are counted. Default 10. */
  readonly maxAnomalies?: number;
}

/** Compact duration: `850us`, `1.2ms`, `123ms`, `4.5s`, `120s`, `2.5h`; `-` when unknown. */
export function formatDuration(micros: number | null): string {
  if (micros === null || !Number.isFinite(micros)) return '-';
  const sign = micros <= -0.5 ? '-' : '';
  const us = Math.abs(micros);
  if (us < 999.5) return `${sign}${Math.round(us)}us`;
  const ms = us / 1000;
  if (ms < 99.95) return `${sign}${ms.toFixed(1)}ms`;
  if (ms < 999.5) return `${sign}${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 99.95) return `${sign}${s.toFixed(1)}s`;
  if (s < 5999.5) return `${sign}${Math.round(s)}s`;
  return `${sign}${(s / 3600).toFixed(1)}h`;
}

/** A difference with its sign always shown: `+1.2ms`, `-850us`, `0us`. */
function formatDelta(micros: number | null): string {
  const text = formatDuration(micros);
  return micros !== null && micros >= 0.5 ? `+${text}` : text;
}

function percent(n: number, total: number): string {
  return total === 0 ? '-' : `${((n / total) * 100).toFixed(1)}%`;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 3))}...`;
}

function percentiles(l: LatencySummary | null): string {
  return l === null ? '-' : `${formatDuration(l.p50)}/${formatDuration(l.p95)}/${formatDuration(l.p99)}`;
}

/** Rows of cells as columns two spaces apart; `right` says which columns are numbers. */
function table(rows: readonly string[][], right: readonly boolean[]): string[] {
  const widths = right.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

function totalsLines(s: RunSummary, maxAnomalies: number): string[] {
  const c = s.correlation;
  const rows: string[][] = [
    ['Packets:', String(s.packets), ''],
    ['Exchanges:', String(s.exchanges), ''],
    ['Pairs:', String(s.pairs), ''],
    ...VERDICTS.map((v) => [`  ${v}`, String(s.verdicts[v]), percent(s.verdicts[v], s.pairs)]),
    ['Mirror rate:', s.mirrorRate === null || !Number.isFinite(s.mirrorRate) ? '-' : percent(s.mirrorRate, 1), ''],
  ];
  const lines = table(rows, [false, true, true]);
  lines.push(
    `Correlation: ${c.unkeyed} exchanges without the key, ${c.duplicatesDropped} duplicates dropped, ${c.late} late legs, ` +
      `${c.ambiguous} ambiguous, ${c.evicted} evicted early` +
      (c.fullGroups > 0 ? `, ${c.fullGroups} cut at the leg limit (one id on too many requests)` : ''),
  );
  if (s.anomalies.length > 0) {
    const shown = s.anomalies.slice(0, maxAnomalies).map(([name, n]) => `${printable(name)} ${n}`);
    const rest = s.anomalies.length - shown.length;
    lines.push(`Anomalies: ${shown.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}`);
  }
  for (const why of s.skipped ?? []) lines.push(`Skipped: ${printable(why)}`);
  const live = s.capture;
  if (live !== undefined) {
    lines.push(
      `Capture: ${live.captured} captured, ${live.receivedByFilter} received by filter, ${live.droppedByKernel} dropped by kernel` +
        (live.droppedByInterface > 0 ? `, ${live.droppedByInterface} dropped by interface` : '') +
        (live.droppedByAnalysis > 0 ? `, ${live.droppedByAnalysis} not analysed (the analysis fell behind)` : ''),
    );
  }
  if (s.foldedPairs > 0) lines.push(`Routes: ${s.foldedPairs} pairs of routes beyond the route limit are under (other routes)`);
  return lines;
}

function differsLines(r: RouteSummary): string[] {
  const of = r.answered > 0 ? r.answered : r.pairs;
  const lines = r.differing.map((d) => `  differs: ${clip(printable(d.path), 100)} ${d.count}/${of}${d.noise ? ' (probable noise)' : ''}`);
  if (r.droppedPaths > 0) lines.push(`  differs: ${r.droppedPaths} more paths not tracked (per-route limit)`);
  return lines;
}

/** The summary as text lines: totals, then one row per route with its differing fields below. */
export function summaryLines(summary: RunSummary, options: SummaryTextOptions = {}): string[] {
  const width = Math.max(8, options.routeWidth ?? 60);
  const lines = totalsLines(summary, Math.max(0, options.maxAnomalies ?? 10));
  lines.push('');
  if (summary.routes.length === 0) {
    lines.push('No pairs: no request id was seen on two legs.');
    return lines;
  }
  const header = ['ROUTE', 'PAIRS', 'MATCH', 'DIFFER', 'SHADOW-ERROR', 'SHADOW-MISSING', 'PRIMARY p50/p95/p99', 'SHADOW p50/p95/p99', 'DELTA p50'];
  const right = [false, true, true, true, true, true, true, true, true];
  const rows = summary.routes.map((r) => [
    clip(printable(r.key), width),
    String(r.pairs),
    percent(r.verdicts.match, r.pairs),
    percent(r.verdicts.differ, r.pairs),
    String(r.verdicts['shadow-error']),
    String(r.verdicts['shadow-missing']),
    percentiles(r.primaryLatency),
    percentiles(r.shadowLatency),
    formatDelta(r.medianDeltaMicros),
  ]);
  const aligned = table([header, ...rows], right);
  lines.push(aligned[0]);
  summary.routes.forEach((r, i) => lines.push(aligned[i + 1], ...differsLines(r)));
  return lines;
}

/** Microseconds as milliseconds with 3 decimals; null for unknown or not a number. */
function millis(micros: number | null): number | null {
  return micros === null || !Number.isFinite(micros) ? null : Math.round(micros) / 1000;
}

function latencyRecord(l: LatencySummary | null): Record<string, number | null> | null {
  return l === null ? null : { count: l.count, p50: millis(l.p50), p95: millis(l.p95), p99: millis(l.p99), max: millis(l.max) };
}

/** The NDJSON `{"type":"summary"}` record: wire text as it is (the NDJSON writer escapes it). */
export function summaryRecord(summary: RunSummary): Record<string, unknown> {
  const anomalies: Record<string, number> = {};
  for (const [name, n] of summary.anomalies) {
    // defineProperty: a name such as `__proto__` must stay an ordinary key.
    Object.defineProperty(anomalies, name, { value: (Object.hasOwn(anomalies, name) ? anomalies[name] : 0) + n, enumerable: true, writable: true, configurable: true });
  }
  return {
    type: 'summary',
    packets: summary.packets,
    exchanges: summary.exchanges,
    pairs: summary.pairs,
    verdicts: { ...summary.verdicts },
    mirrorRate: summary.mirrorRate === null || !Number.isFinite(summary.mirrorRate) ? null : summary.mirrorRate,
    correlation: { ...summary.correlation },
    anomalies,
    skipped: summary.skipped ?? [],
    ...(summary.capture === undefined ? {} : { capture: { ...summary.capture } }),
    foldedPairs: summary.foldedPairs,
    routes: summary.routes.map((r) => ({
      route: r.key,
      method: r.route?.method ?? null,
      host: r.route?.host ?? null,
      template: r.route?.template ?? null,
      pairs: r.pairs,
      verdicts: { ...r.verdicts },
      answered: r.answered,
      primaryLatencyMs: latencyRecord(r.primaryLatency),
      shadowLatencyMs: latencyRecord(r.shadowLatency),
      medianDeltaMs: millis(r.medianDeltaMicros),
      differing: r.differing.map((d) => ({ path: d.path, count: d.count, noise: d.noise })),
      droppedPaths: r.droppedPaths,
    })),
  };
}
