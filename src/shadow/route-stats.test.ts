import { describe, expect, it } from 'vitest';
import { exchange, MS, pairReport } from '../../test/helpers/exchange-builder.js';
import type { Exchange } from '../http/types.js';
import { OTHER_ROUTES, RouteStats, type RouteSummary } from './route-stats.js';
import { VERDICTS, type PairReport, type Route, type Verdict } from './verdict.js';

const route = (template: string, host: string | null = 'httpbin:8000', method = 'GET'): Route => ({ method, host, template });

/** A leg whose server took `latency` microseconds; null: it did not answer; 'absent': no leg. */
function leg(latency: number | null | 'absent', host: string): Exchange | null {
  if (latency === 'absent') return null;
  return exchange(latency === null ? { host, status: null } : { host, latency: latency / MS });
}

interface Spec {
  route?: Route;
  verdict?: Verdict;
  primary?: number | null | 'absent';
  shadow?: number | null | 'absent';
  differences?: Array<[string, boolean]>;
}

function report(s: Spec = {}): PairReport {
  return pairReport({
    id: 'req',
    primary: leg(s.primary === undefined ? 1000 : s.primary, 'httpbin:8000'),
    shadow: leg(s.shadow === undefined ? 1200 : s.shadow, 'httpbin-shadow:8000'),
    route: s.route ?? route('/get'),
    verdict: s.verdict,
    differences: (s.differences ?? []).map(([path, noise]) => ({ kind: 'body', path, primary: '1', shadow: '2', noise })),
  });
}

function only(stats: RouteStats): RouteSummary {
  const routes = stats.summary().routes;
  expect(routes).toHaveLength(1);
  return routes[0];
}

describe('RouteStats', () => {
  it('is empty: zero totals, every verdict present, no mirror rate', () => {
    const s = new RouteStats().summary();
    expect(s).toEqual({ pairs: 0, verdicts: Object.fromEntries(VERDICTS.map((v) => [v, 0])), mirrorRate: null, routes: [], foldedPairs: 0 });
  });

  it('counts verdicts per route and in total, zeros included', () => {
    const stats = new RouteStats();
    stats.add(report());
    stats.add(report());
    stats.add(report({ verdict: 'differ', differences: [['$.a', false]] }));
    stats.add(report({ verdict: 'shadow-missing', shadow: 'absent' }));
    stats.add(report({ route: route('/users/{id}'), verdict: 'shadow-error' }));
    const s = stats.summary();
    expect(s.pairs).toBe(5);
    expect(s.verdicts).toEqual({ match: 2, differ: 1, 'shadow-error': 1, 'shadow-missing': 1, 'primary-missing': 0, incomplete: 0, ambiguous: 0 });
    expect(s.routes.map((r) => [r.key, r.pairs])).toEqual([
      ['GET httpbin:8000 /get', 4],
      ['GET httpbin:8000 /users/{id}', 1],
    ]);
    expect(s.routes[1].verdicts).toEqual({ match: 0, differ: 0, 'shadow-error': 1, 'shadow-missing': 0, 'primary-missing': 0, incomplete: 0, ambiguous: 0 });
    expect(s.routes[0].route).toEqual(route('/get'));
  });

  it('mirror rate: mirrored (both legs, or ambiguous: two legs) / (those + shadow-missing), ignoring primary-missing', () => {
    const stats = new RouteStats();
    for (let i = 0; i < 3; i++) stats.add(report());
    stats.add(report({ verdict: 'incomplete', shadow: null })); // mirrored, the shadow did not answer
    stats.add(report({ verdict: 'shadow-missing', shadow: 'absent' }));
    stats.add(report({ verdict: 'primary-missing', primary: 'absent' }));
    stats.add(report({ verdict: 'ambiguous', primary: 'absent', shadow: 'absent' }));
    expect(stats.summary().mirrorRate).toBeCloseTo(5 / 6, 12);
    const onlyMissing = new RouteStats();
    onlyMissing.add(report({ verdict: 'primary-missing', primary: 'absent' }));
    expect(onlyMissing.summary().mirrorRate).toBeNull();
  });

  it('latency percentiles per side, and the median of shadow minus primary', () => {
    const stats = new RouteStats();
    for (let i = 1; i <= 100; i++) stats.add(report({ primary: i * 1000, shadow: i * 1000 + 500 }));
    stats.add(report({ primary: 7000, shadow: null, verdict: 'incomplete' })); // no shadow answer
    stats.add(report({ primary: 'absent', shadow: 3000, verdict: 'primary-missing' }));
    const r = only(stats);
    expect(r.answered).toBe(100);
    const p = r.primaryLatency;
    const s = r.shadowLatency;
    expect(p?.count).toBe(101);
    expect(s?.count).toBe(101);
    expect(p?.max).toBe(100_000);
    expect(s?.max).toBe(100_500);
    // Nearest rank over 101 samples (1..100 ms and an extra 7 ms): p50 is the 51st, 50 ms.
    expect(Math.abs((p?.p50 ?? 0) - 50_000)).toBeLessThanOrEqual(500);
    expect(Math.abs((p?.p95 ?? 0) - 95_000)).toBeLessThanOrEqual(950);
    expect(Math.abs((p?.p99 ?? 0) - 99_000)).toBeLessThanOrEqual(990);
    expect(r.medianDeltaMicros).toBe(500);
  });

  it('no latency when no side answered; a negative delta when the shadow is faster', () => {
    const stats = new RouteStats();
    stats.add(report({ primary: null, shadow: null, verdict: 'incomplete' }));
    let r = only(stats);
    expect(r.primaryLatency).toBeNull();
    expect(r.shadowLatency).toBeNull();
    expect(r.medianDeltaMicros).toBeNull();
    stats.add(report({ primary: 5000, shadow: 2000 }));
    r = only(stats);
    expect(r.medianDeltaMicros).toBe(-3000);
  });

  it('top differing paths by count, once per pair, with the latest noise flag', () => {
    const stats = new RouteStats({ topPaths: 3 });
    for (let i = 0; i < 12; i++) {
      const diffs: Array<[string, boolean]> = [['header:x-version', i >= 9]];
      if (i % 2 === 0) diffs.push(['$.items[0].price', false], ['$.items[0].price', false]);
      if (i % 3 === 0) diffs.push(['status', false]);
      if (i === 0) diffs.push(['body:sha256', false], ['...', false]);
      stats.add(report({ differences: diffs }));
    }
    const r = only(stats);
    expect(r.differing).toEqual([
      { path: 'header:x-version', count: 12, noise: true },
      { path: '$.items[0].price', count: 6, noise: false },
      { path: 'status', count: 4, noise: false },
    ]);
    expect(r.droppedPaths).toBe(0);
  });

  it('bounds paths per route: further paths are counted, known ones still counted', () => {
    const stats = new RouteStats({ maxPathsPerRoute: 2 });
    stats.add(report({ differences: [['$.a', false], ['$.b', false], ['$.c', false]] }));
    stats.add(report({ differences: [['$.a', false], ['$.d', false]] }));
    const r = only(stats);
    expect(r.differing).toEqual([
      { path: '$.a', count: 2, noise: false },
      { path: '$.b', count: 1, noise: false },
    ]);
    expect(r.droppedPaths).toBe(2);
  });

  it('folds routes beyond maxRoutes into one (other routes) entry, listed last', () => {
    const stats = new RouteStats({ maxRoutes: 2 });
    stats.add(report({ route: route('/a') }));
    stats.add(report({ route: route('/b') }));
    stats.add(report({ route: route('/b') }));
    for (let i = 0; i < 5; i++) stats.add(report({ route: route(`/extra${i}`), verdict: 'shadow-error', primary: 1000, shadow: 4000 }));
    stats.add(report({ route: route('/a') })); // a known route still counts as itself
    const s = stats.summary();
    expect(s.pairs).toBe(9);
    expect(s.foldedPairs).toBe(5);
    expect(s.routes.map((r) => [r.key, r.pairs])).toEqual([
      ['GET httpbin:8000 /a', 2],
      ['GET httpbin:8000 /b', 2],
      [OTHER_ROUTES, 5],
    ]);
    const other = s.routes[2];
    expect(other.route).toBeNull();
    expect(other.verdicts['shadow-error']).toBe(5);
    expect(other.medianDeltaMicros).toBe(3000);
  });

  it('sorts by pairs descending, then key', () => {
    const stats = new RouteStats();
    for (const t of ['/c', '/a', '/b', '/b', '/z', '/z', '/z']) stats.add(report({ route: route(t) }));
    stats.add(report({ route: route('/a', null, 'POST') }));
    expect(stats.summary().routes.map((r) => r.key)).toEqual([
      'GET httpbin:8000 /z',
      'GET httpbin:8000 /b',
      'GET httpbin:8000 /a',
      'GET httpbin:8000 /c',
      'POST - /a',
    ]);
  });

  it('summaries are snapshots: later reports do not change them', () => {
    const stats = new RouteStats();
    stats.add(report());
    const before = stats.summary();
    stats.add(report({ verdict: 'differ', differences: [['$.x', false]] }));
    expect(before.pairs).toBe(1);
    expect(before.verdicts.differ).toBe(0);
    expect(before.routes[0].verdicts.differ).toBe(0);
  });
});
