/** The routes table (per-route statistics of the whole run) as aligned text. */
import type { LatencySummary, RouteSummary } from '../../shadow/route-stats.js';
import { formatDuration } from '../../render/summary-text.js';
import { printable } from '../../render/printable.js';
import { fit, fitRight } from './text.js';

interface Column {
  readonly title: string;
  readonly width: number;
  readonly value: (r: RouteSummary) => string;
}

const percent = (n: number, total: number): string => (total === 0 ? '-' : `${((n / total) * 100).toFixed(1)}%`);
const p50 = (l: LatencySummary | null): string => (l === null ? '-' : formatDuration(l.p50));
const p50to99 = (l: LatencySummary | null): string => (l === null ? '-' : `${formatDuration(l.p50)}/${formatDuration(l.p95)}/${formatDuration(l.p99)}`);
const delta = (micros: number | null): string => (micros === null ? '-' : `${micros >= 0.5 ? '+' : ''}${formatDuration(micros)}`);

function columns(width: number): Column[] {
  const wide = width >= 130;
  return [
    { title: 'PAIRS', width: 6, value: (r) => String(r.pairs) },
    { title: 'MATCH', width: 6, value: (r) => percent(r.verdicts.match, r.pairs) },
    { title: 'DIFFER', width: 6, value: (r) => percent(r.verdicts.differ, r.pairs) },
    { title: 'S-ERR', width: 5, value: (r) => String(r.verdicts['shadow-error']) },
    { title: 'S-MISS', width: 6, value: (r) => String(r.verdicts['shadow-missing']) },
    wide
      ? { title: 'PRIMARY p50/p95/p99', width: 20, value: (r) => p50to99(r.primaryLatency) }
      : { title: 'PRI p50', width: 7, value: (r) => p50(r.primaryLatency) },
    wide
      ? { title: 'SHADOW p50/p95/p99', width: 20, value: (r) => p50to99(r.shadowLatency) }
      : { title: 'SHD p50', width: 7, value: (r) => p50(r.shadowLatency) },
    { title: 'DELTA', width: 8, value: (r) => delta(r.medianDeltaMicros) },
  ];
}

function routeWidth(width: number, cols: readonly Column[]): number {
  return Math.max(10, width - 1 - cols.reduce((sum, c) => sum + c.width + 1, 0));
}

export function routesHeader(width: number): string {
  const cols = columns(width);
  return ` ${fit('ROUTE', routeWidth(width, cols))}${cols.map((c) => ` ${fitRight(c.title, c.width)}`).join('')}`;
}

/** `GET /users/{id}  httpbin:8000`: the host last, so a narrow column clips it first. */
function routeText(r: RouteSummary): string {
  if (r.route === null) return printable(r.key);
  return `${printable(r.route.method)} ${printable(r.route.template)}  ${printable(r.route.host ?? '-')}`;
}

export function routeRow(r: RouteSummary, width: number, selected: boolean): string {
  const cols = columns(width);
  return `${selected ? '>' : ' '}${fit(routeText(r), routeWidth(width, cols))}${cols.map((c) => ` ${fitRight(c.value(r), c.width)}`).join('')}`;
}

/** The panel under the table: what differs most on the selected route, and its verdicts. */
export function routePanel(r: RouteSummary): string[] {
  const of = r.answered > 0 ? r.answered : r.pairs;
  const verdicts = Object.entries(r.verdicts)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
  const lines = [`${printable(r.key)}: ${verdicts}`];
  if (r.differing.length === 0) lines.push('  nothing differed on this route');
  for (const d of r.differing) lines.push(`  differs: ${printable(d.path)} in ${d.count}/${of} pairs${d.noise ? ' (probable noise)' : ''}`);
  if (r.droppedPaths > 0) lines.push(`  and ${r.droppedPaths} more paths not tracked`);
  return lines;
}
