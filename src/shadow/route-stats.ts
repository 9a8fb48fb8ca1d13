/**
 * Per-route statistics over the pair reports of a run, for `--summary` and `--view summary`:
 * verdict counts, latency percentiles of each side, how much slower the shadow is, and which
 * fields differ most. Bounded like noise.ts: routes beyond `maxRoutes` are folded into one
 * "(other routes)" entry, paths beyond `maxPathsPerRoute` are counted, not stored.
 */
import type { Exchange } from '../http/types.js';
import { latencyMicros } from '../http/latency.js';
import { DeltaHistogram, LatencyHistogram } from './latency-histogram.js';
import { countsPath } from './noise.js';
import { routeKey, VERDICTS, type PairReport, type Route, type Verdict } from './verdict.js';

export const OTHER_ROUTES = '(other routes)';

export interface RouteStatsOptions {
  /** Routes tracked; reports of further routes go to the OTHER_ROUTES entry. Default 1000. */
  readonly maxRoutes?: number;
  /** Differing paths tracked per route; further paths are counted in `droppedPaths`. Default 200. */
  readonly maxPathsPerRoute?: number;
  /** Differing paths listed per route in the summary. Default 5. */
  readonly topPaths?: number;
}

/** Percentiles of one side's latency, in microseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface DifferingField {
  /** A Difference path: `status`, `header:x-version`, `$.items[0].price`, `body:sha256`, ... */
  readonly path: string;
  /** Pairs of the route in which it differed. */
  readonly count: number;
  /** Whether the latest report that had it flagged it as probable noise (noise.ts learns as it goes). */
  readonly noise: boolean;
}

export interface RouteSummary {
  /** routeKey(route), or OTHER_ROUTES. */
  readonly key: string;
  /** Null for the OTHER_ROUTES entry. */
  readonly route: Route | null;
  readonly pairs: number;
  /** Every verdict of VERDICTS, zeros included. */
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** Pairs in which both sides answered: the ones whose answers could be compared. */
  readonly answered: number;
  readonly primaryLatency: LatencySummary | null;
  readonly shadowLatency: LatencySummary | null;
  /** Median of shadow minus primary latency over pairs with both, in microseconds. */
  readonly medianDeltaMicros: number | null;
  /** The most frequent differing paths, by count then path. */
  readonly differing: readonly DifferingField[];
  /** Differing paths not tracked because the route already had `maxPathsPerRoute`. */
  readonly droppedPaths: number;
}

export interface RouteStatsSummary {
  /** Reports seen. */
  readonly pairs: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** Reports with both a primary and a shadow, or ambiguous (two legs) / (those + shadow-missing); null when neither. */
  readonly mirrorRate: number | null;
  /** By pairs descending, then key; the OTHER_ROUTES entry, when there is one, last. */
  readonly routes: readonly RouteSummary[];
  /** Reports folded into the OTHER_ROUTES entry because `maxRoutes` routes were tracked. */
  readonly foldedPairs: number;
}

interface PathCount {
  count: number;
  noise: boolean;
}

interface Entry {
  readonly route: Route | null;
  pairs: number;
  answered: number;
  readonly verdicts: Record<Verdict, number>;
  readonly primary: LatencyHistogram;
  readonly shadow: LatencyHistogram;
  readonly delta: DeltaHistogram;
  readonly paths: Map<string, PathCount>;
  droppedPaths: number;
}

export function zeroVerdicts(): Record<Verdict, number> {
  const counts = {} as Record<Verdict, number>;
  for (const v of VERDICTS) counts[v] = 0;
  return counts;
}

/** What the server took (see latencyMicros); an answer that began before the request ended took none. */
function latency(e: Exchange | null): number | null {
  const micros = e === null || e.response === null ? null : latencyMicros(e);
  return micros === null ? null : Math.max(0, micros);
}

function latencySummary(h: LatencyHistogram): LatencySummary | null {
  if (h.count === 0) return null;
  return { count: h.count, p50: h.quantile(0.5), p95: h.quantile(0.95), p99: h.quantile(0.99), max: h.max };
}

export class RouteStats {
  private readonly routes = new Map<string, Entry>();
  private other: Entry | null = null;
  private readonly maxRoutes: number;
  private readonly maxPaths: number;
  private readonly topPaths: number;
  private pairs = 0;
  private readonly verdicts = zeroVerdicts();
  private mirrored = 0;
  private unmirrored = 0;
  private folded = 0;

  constructor(options: RouteStatsOptions = {}) {
    this.maxRoutes = Math.max(0, options.maxRoutes ?? 1000);
    this.maxPaths = Math.max(0, options.maxPathsPerRoute ?? 200);
    this.topPaths = Math.max(0, options.topPaths ?? 5);
  }

  add(report: PairReport): void {
    const { pair, verdict } = report;
    this.pairs++;
    this.verdicts[verdict]++;
    // An ambiguous pair was mirrored too: two legs left, only which one is the shadow is unknown.
    if ((pair.primary !== null && pair.shadow !== null) || verdict === 'ambiguous') this.mirrored++;
    else if (verdict === 'shadow-missing') this.unmirrored++;

    const entry = this.entryFor(report.route);
    entry.pairs++;
    entry.verdicts[verdict]++;
    const p = latency(pair.primary);
    const s = latency(pair.shadow);
    if (p !== null) entry.primary.record(p);
    if (s !== null) entry.shadow.record(s);
    if (p !== null && s !== null) {
      entry.answered++;
      entry.delta.record(s - p);
    }

    // Once per pair per path, as noise.ts counts.
    const differences = report.differences;
    for (let i = 0; i < differences.length; i++) {
      if (!countsPath(differences, i)) continue;
      const d = differences[i];
      const known = entry.paths.get(d.path);
      if (known !== undefined) {
        known.count++;
        known.noise = d.noise;
      } else if (entry.paths.size < this.maxPaths) entry.paths.set(d.path, { count: 1, noise: d.noise });
      else entry.droppedPaths++;
    }
  }

  summary(): RouteStatsSummary {
    const routes = [...this.routes.entries()]
      .map(([key, e]) => this.routeSummary(key, e))
      .sort((a, b) => b.pairs - a.pairs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (this.other !== null) routes.push(this.routeSummary(OTHER_ROUTES, this.other));
    const denominator = this.mirrored + this.unmirrored;
    return {
      pairs: this.pairs,
      verdicts: { ...this.verdicts },
      mirrorRate: denominator === 0 ? null : this.mirrored / denominator,
      routes,
      foldedPairs: this.folded,
    };
  }

  private entryFor(route: Route): Entry {
    const key = routeKey(route);
    let entry = this.routes.get(key);
    if (entry !== undefined) return entry;
    if (this.routes.size < this.maxRoutes) {
      entry = newEntry(route);
      this.routes.set(key, entry);
      return entry;
    }
    this.folded++;
    this.other ??= newEntry(null);
    return this.other;
  }

  private routeSummary(key: string, e: Entry): RouteSummary {
    const differing = [...e.paths.entries()]
      .sort(([pa, a], [pb, b]) => b.count - a.count || (pa < pb ? -1 : pa > pb ? 1 : 0))
      .slice(0, this.topPaths)
      .map(([path, c]) => ({ path, count: c.count, noise: c.noise }));
    return {
      key,
      route: e.route,
      pairs: e.pairs,
      verdicts: { ...e.verdicts },
      answered: e.answered,
      primaryLatency: latencySummary(e.primary),
      shadowLatency: latencySummary(e.shadow),
      medianDeltaMicros: e.delta.count === 0 ? null : e.delta.quantile(0.5),
      differing,
      droppedPaths: e.droppedPaths,
    };
  }
}

function newEntry(route: Route | null): Entry {
  return {
    route,
    pairs: 0,
    answered: 0,
    verdicts: zeroVerdicts(),
    primary: new LatencyHistogram(),
    shadow: new LatencyHistogram(),
    delta: new DeltaHistogram(),
    paths: new Map(),
    droppedPaths: 0,
  };
}
