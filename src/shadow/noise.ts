/**
 * Learns which differences are noise: a path that differs in nearly every pair of a route
 * (a timestamp, a generated id, a hostname) says nothing about the new version. Bounded in
 * routes and in paths per route; what did not fit is counted, not stored.
 */
import type { CompareOptions, Difference } from './compare.js';

export interface NoiseLimits {
  /** Routes tracked; pairs of further routes are counted in `droppedRoutes`. Default 1000. */
  readonly maxRoutes?: number;
  /** Paths tracked per route; further paths are counted in `droppedPaths`. Default 200. */
  readonly maxPathsPerRoute?: number;
}

/**
 * Whether differences[i] counts toward its path: a pair counts once per path, and `...` is a
 * count of left-out differences, not a path. (A scan of the few before it: no set per pair.)
 */
export function countsPath(differences: readonly Pick<Difference, 'path'>[], i: number): boolean {
  const path = differences[i].path;
  if (path === '...') return false;
  for (let j = 0; j < i; j++) if (differences[j].path === path) return false;
  return true;
}

interface RouteStats {
  pairs: number;
  readonly counts: Map<string, number>;
}

export class NoiseDetector {
  private readonly routes = new Map<string, RouteStats>();
  private readonly maxRoutes: number;
  private readonly maxPaths: number;
  /** Observations of routes that did not fit under `maxRoutes`. */
  droppedRoutes = 0;
  /** Paths not tracked because their route already had `maxPathsPerRoute`. */
  droppedPaths = 0;

  constructor(limits: NoiseLimits = {}) {
    this.maxRoutes = limits.maxRoutes ?? 1000;
    this.maxPaths = limits.maxPathsPerRoute ?? 200;
  }

  /** Records one compared pair of `route` and the differences it had. */
  observe(route: string, differences: readonly Difference[]): void {
    let stats = this.routes.get(route);
    if (stats === undefined) {
      if (this.routes.size >= this.maxRoutes) {
        this.droppedRoutes++;
        return;
      }
      stats = { pairs: 0, counts: new Map() };
      this.routes.set(route, stats);
    }
    stats.pairs++;
    for (let i = 0; i < differences.length; i++) {
      if (!countsPath(differences, i)) continue;
      const d = differences[i];
      const n = stats.counts.get(d.path);
      if (n !== undefined) stats.counts.set(d.path, n + 1);
      else if (stats.counts.size < this.maxPaths) stats.counts.set(d.path, 1);
      else this.droppedPaths++;
    }
  }

  /** Pairs seen for `route`. */
  pairs(route: string): number {
    return this.routes.get(route)?.pairs ?? 0;
  }

  /** Paths that differed in at least `ratio` of the pairs of `route`, once it has `minPairs`; sorted. */
  probableNoise(route: string, minPairs = 10, ratio = 0.9): string[] {
    const stats = this.routes.get(route);
    if (stats === undefined || stats.pairs < minPairs || stats.pairs === 0) return [];
    const out: string[] = [];
    for (const [path, n] of stats.counts) if (n / stats.pairs >= ratio) out.push(path);
    return out.sort();
  }

  /** Whether `path` is one of probableNoise(route, minPairs, ratio), without listing them. */
  isProbableNoise(route: string, path: string, minPairs = 10, ratio = 0.9): boolean {
    const stats = this.routes.get(route);
    if (stats === undefined || stats.pairs < minPairs || stats.pairs === 0) return false;
    const n = stats.counts.get(path);
    return n !== undefined && n / stats.pairs >= ratio;
  }

  /** Compare options that leave out the probable noise of `route` (headers and JSON paths). */
  ignoreOptions(route: string, minPairs = 10, ratio = 0.9): Pick<CompareOptions, 'ignoreHeaders' | 'ignoreJsonPaths'> {
    const paths = this.probableNoise(route, minPairs, ratio);
    return {
      ignoreHeaders: paths.filter((p) => p.startsWith('header:')).map((p) => p.slice('header:'.length)),
      ignoreJsonPaths: paths.filter((p) => p.startsWith('$')),
    };
  }
}
