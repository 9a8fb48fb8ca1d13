import { describe, expect, it } from 'vitest';
import { exchange, SECOND, T0, type ExchangeSpec } from '../../test/helpers/exchange-builder.js';
import type { Exchange } from '../http/types.js';
import { PairAnalyzer, type PairAnalyzerOptions } from './pair-analyzer.js';
import { routeKey, type PairReport } from './verdict.js';

function run(options: PairAnalyzerOptions = {}): { a: PairAnalyzer; reports: PairReport[]; others: Exchange[] } {
  const reports: PairReport[] = [];
  const others: Exchange[] = [];
  const a = new PairAnalyzer((r) => reports.push(r), options, (e) => others.push(e));
  return { a, reports, others };
}

const primary = (o: ExchangeSpec = {}): Exchange => exchange({ at: 1, ...o });
const shadow = (o: ExchangeSpec = {}): Exchange => exchange({ at: 1.2, client: '10.1.0.5:40002', host: 'httpbin-shadow:8000', server: '10.1.0.30:8000', ...o });

/** Request `n` (id r<n>, n ms after T0) to `target`, mirrored; each side answers the JSON given (null: not mirrored). */
function mirror(a: PairAnalyzer, n: number, target: string, p: object, s: object | null): void {
  const common = { id: `r${n}`, at: n, target };
  a.add(primary({ ...common, responseBody: JSON.stringify(p) }));
  if (s !== null) a.add(shadow({ ...common, at: n + 0.2, responseBody: JSON.stringify(s) }));
}

/** The noise flag of `path` in a report; undefined when the path did not differ. */
const noiseOf = (r: PairReport, path: string): boolean | undefined => r.differences.find((d) => d.path === path)?.noise;

describe('PairAnalyzer: legs in, reports out', () => {
  it('one report per mirrored request when packet time has moved on, with its route templated', () => {
    const { a, reports, others } = run();
    const p = primary({ target: '/users/42/orders?page=2' });
    const s = shadow({ target: '/users/42/orders?page=2' });
    a.add(p);
    a.add(s);
    expect(reports).toHaveLength(0); // the correlator waits for related legs and retries
    a.advance(T0 + 2 * SECOND);
    expect(reports).toHaveLength(1);
    const [r] = reports;
    expect(r).toMatchObject({ route: { method: 'GET', host: 'httpbin:8000', template: '/users/{id}/orders' }, verdict: 'match', differences: [], hint: null });
    expect(r.pair.primary).toBe(p);
    expect(r.pair.shadow).toBe(s);
    expect(a.exchanges).toBe(2);
    expect(a.others).toBe(0);
    expect(others).toEqual([]);
    expect(a.correlation).toMatchObject({ pairs: 1, shadowMissing: 0, primaryMissing: 0, ambiguous: 0 });
  });

  it('an answer cut by a gap is not compared: incomplete, without differences the services never made', () => {
    const { a, reports } = run();
    a.add(primary({ responseBody: '{"a":1,"b":2}' }));
    a.add(shadow({ responseBody: '{"a":1,"b', complete: false, anomalies: ['gap-in-response-body'] }));
    a.finish();
    expect(reports.map((r) => [r.verdict, r.differences, r.hint])).toEqual([['incomplete', [], 'shadow: gap-in-response-body']]);
  });

  it('every verdict of a request lands on one route: the shadow suffix is stripped from the Host', () => {
    const { a, reports } = run();
    a.add(primary({ id: 'both', target: '/users/1' }));
    a.add(shadow({ id: 'both', target: '/users/1' }));
    a.add(primary({ id: 'no-shadow', target: '/users/2', at: 5 }));
    a.add(shadow({ id: 'no-primary', target: '/users/3', at: 6 }));
    a.finish();
    expect(reports.map((r) => [r.pair.id, r.verdict, routeKey(r.route)])).toEqual([
      ['both', 'match', 'GET httpbin:8000 /users/{id}'],
      ['no-shadow', 'shadow-missing', 'GET httpbin:8000 /users/{id}'],
      ['no-primary', 'primary-missing', 'GET httpbin:8000 /users/{id}'],
    ]);
    expect(a.correlation).toMatchObject({ pairs: 1, shadowMissing: 1, primaryMissing: 1 });
  });

  it('a configured shadow suffix is stripped too', () => {
    const { a, reports } = run({ correlation: { shadowSuffix: '-mirror' } });
    a.add(shadow({ host: 'api-mirror:80', server: '10.1.0.30:80', method: 'POST', target: '/v1/orders/9f86d081884c7d65' }));
    a.finish();
    expect(reports).toHaveLength(1);
    expect(reports[0].verdict).toBe('primary-missing');
    expect(reports[0].route).toEqual({ method: 'POST', host: 'api:80', template: '/v1/orders/{id}' });
  });

  it('an ambiguous pair is routed by its first candidate and says how to resolve it', () => {
    const { a, reports } = run();
    a.add(primary({ target: '/a/1' }));
    a.add(primary({ target: '/a/1', server: '10.1.0.30:8000', at: 1.2 }));
    a.finish();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ verdict: 'ambiguous', differences: [], route: { method: 'GET', host: 'httpbin:8000', template: '/a/{id}' } });
    expect(reports[0].hint).toMatch(/--shadow-dst/);
    expect(a.correlation.ambiguous).toBe(1);
  });
});

describe('PairAnalyzer: differences', () => {
  it('both answered: the answers are compared, each difference not (yet) noise', () => {
    const { a, reports } = run();
    mirror(a, 1, '/get', { a: 1, same: 'x' }, { a: 2, same: 'x' });
    a.finish();
    expect(reports[0].verdict).toBe('differ');
    expect(reports[0].differences).toEqual([{ kind: 'body', path: '$.a', primary: '1', shadow: '2', noise: false }]);
  });

  it('a failing shadow that answered is compared; one that did not answer is not', () => {
    const { a, reports } = run();
    a.add(primary({ id: 'five-hundred' }));
    a.add(shadow({ id: 'five-hundred', status: 503, responseBody: '{"error":"down"}' }));
    a.add(primary({ id: 'reset', at: 10 }));
    a.add(shadow({ id: 'reset', at: 10.2, status: null, anomalies: ['connection-reset'] }));
    a.finish();
    const [answered, reset] = reports;
    expect(answered.verdict).toBe('shadow-error');
    expect(answered.differences.map((d) => d.path)).toEqual(['status', '$.ok', '$.error']);
    expect(answered.differences[0]).toEqual({ kind: 'status', path: 'status', primary: '200', shadow: '503', noise: false });
    expect(reset).toMatchObject({ verdict: 'shadow-error', differences: [], hint: 'the shadow reset the connection before answering' });
  });

  it('a missing side has nothing to compare', () => {
    const { a, reports } = run();
    a.add(primary({ id: 'p' }));
    a.add(shadow({ id: 's', at: 5 }));
    a.finish();
    expect(reports.map((r) => [r.verdict, r.differences])).toEqual([
      ['shadow-missing', []],
      ['primary-missing', []],
    ]);
  });

  it('compare options reach the comparison', () => {
    const { a, reports } = run({ compare: { ignoreJsonPaths: ['$.meta'] } });
    mirror(a, 1, '/get', { meta: { time: 1 }, v: 1 }, { meta: { time: 2 }, v: 1 });
    a.finish();
    expect(reports[0]).toMatchObject({ verdict: 'match', differences: [] });
  });
});

describe('PairAnalyzer: probable noise', () => {
  it('a path that differs in every pair of a route is noise once the route has 10 pairs; the verdict stays differ', () => {
    const { a, reports } = run();
    for (let n = 1; n <= 12; n++) {
      // $.time differs every time; $.v in pairs 1-3 and 11 only.
      const v = n <= 3 || n === 11 ? 2 : 1;
      mirror(a, n, `/users/${n}`, { time: n, v: 1 }, { time: n + 1000, v });
    }
    a.finish();
    expect(reports).toHaveLength(12);
    expect(new Set(reports.map((r) => routeKey(r.route)))).toEqual(new Set(['GET httpbin:8000 /users/{id}']));
    expect(reports.map((r) => noiseOf(r, '$.time'))).toEqual([false, false, false, false, false, false, false, false, false, true, true, true]);
    expect(noiseOf(reports[10], '$.v')).toBe(false); // 4 of 11
    expect(reports.every((r) => r.verdict === 'differ')).toBe(true);
  });

  it('90% of the pairs is enough, less is not', () => {
    const { a, reports } = run();
    for (let n = 1; n <= 10; n++) {
      // $.x differs in pairs 2-10 (9 of 10), $.y in pairs 3-10 (8 of 10).
      mirror(a, n, '/items', { x: 0, y: 0 }, { x: n >= 2 ? 1 : 0, y: n >= 3 ? 1 : 0 });
    }
    a.finish();
    expect(noiseOf(reports[8], '$.x')).toBe(false); // 8 of 9, but fewer than 10 pairs
    expect(noiseOf(reports[9], '$.x')).toBe(true);
    expect(noiseOf(reports[9], '$.y')).toBe(false);
  });

  it('is learned per route', () => {
    const { a, reports } = run();
    for (let n = 1; n <= 10; n++) mirror(a, n, '/users/1', { time: n }, { time: -n });
    mirror(a, 11, '/items', { time: 11 }, { time: -11 });
    mirror(a, 12, '/users/1', { time: 12 }, { time: -12 });
    a.finish();
    expect(noiseOf(reports[9], '$.time')).toBe(true);
    expect(noiseOf(reports[10], '$.time')).toBe(false); // /items has one pair
    expect(noiseOf(reports[11], '$.time')).toBe(true);
  });

  it('uncompared pairs do not count toward the ratio; compared pairs without differences do', () => {
    const uncompared = run();
    for (let n = 1; n <= 9; n++) mirror(uncompared.a, n, '/get', { t: n }, { t: -n });
    for (let n = 10; n < 15; n++) mirror(uncompared.a, n, '/get', { t: n }, null); // shadow-missing
    for (let n = 15; n < 20; n++) {
      uncompared.a.add(primary({ id: `r${n}`, at: n }));
      uncompared.a.add(shadow({ id: `r${n}`, at: n + 0.2, status: null, anomalies: ['connection-reset'] }));
    }
    mirror(uncompared.a, 20, '/get', { t: 20 }, { t: -20 });
    uncompared.a.finish();
    expect(uncompared.reports.map((r) => r.verdict).filter((v) => v !== 'differ')).toEqual([...Array(5).fill('shadow-missing'), ...Array(5).fill('shadow-error')]);
    expect(noiseOf(uncompared.reports.at(-1) as PairReport, '$.t')).toBe(true); // 10 of 10 compared pairs

    const matching = run();
    for (let n = 1; n <= 9; n++) mirror(matching.a, n, '/get', { t: n }, { t: -n });
    for (let n = 10; n <= 11; n++) mirror(matching.a, n, '/get', { t: n }, { t: n }); // match
    mirror(matching.a, 12, '/get', { t: 12 }, { t: -12 });
    matching.a.finish();
    expect(matching.reports.map((r) => r.verdict).slice(8)).toEqual(['differ', 'match', 'match', 'differ']);
    expect(noiseOf(matching.reports[11], '$.t')).toBe(false); // 10 of 12
  });

  it('minPairs and ratio can be set', () => {
    const { a, reports } = run({ noise: { minPairs: 2, ratio: 1 } });
    mirror(a, 1, '/get', { t: 1, u: 1 }, { t: 2, u: 2 });
    mirror(a, 2, '/get', { t: 1, u: 1 }, { t: 2, u: 1 });
    mirror(a, 3, '/get', { t: 1, u: 1 }, { t: 2, u: 2 });
    a.finish();
    expect(reports.map((r) => noiseOf(r, '$.t'))).toEqual([false, true, true]);
    expect(noiseOf(reports[2], '$.u')).toBe(false); // 2 of 3 is below 100%
  });
});

describe('PairAnalyzer: exchanges that join no pair', () => {
  it('exchanges without the id are counted in others and handed to onOther', () => {
    const { a, reports, others } = run();
    const anonymous = primary({ id: null, at: 5 });
    for (const e of [primary(), anonymous, shadow()]) a.add(e);
    a.finish();
    expect(reports).toHaveLength(1);
    expect(others).toEqual([anonymous]);
    expect(a.others).toBe(1);
    expect(a.exchanges).toBe(3);
    expect(a.correlation.unkeyed).toBe(1);
  });

  it('a leg arriving after its pair was reported is an other, not a new report', () => {
    const { a, reports, others } = run();
    a.add(primary());
    a.add(shadow());
    a.advance(T0 + 2 * SECOND);
    expect(reports).toHaveLength(1);
    const lateRetry = primary({ attempt: 2, at: 1500, server: '10.1.0.21:8000' });
    a.add(lateRetry);
    a.advance(T0 + 20 * SECOND);
    a.finish();
    expect(reports).toHaveLength(1);
    expect(reports[0].pair.retries).toEqual([]);
    expect(others).toEqual([lateRetry]);
    expect(a.others).toBe(1);
    expect(a.exchanges).toBe(3);
    expect(a.correlation.late).toBe(1);
  });
});
