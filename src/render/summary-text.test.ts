import { describe, expect, it } from 'vitest';
import type { CorrelatorStats } from '../shadow/correlate.js';
import { OTHER_ROUTES, type RouteSummary } from '../shadow/route-stats.js';
import { VERDICTS, type Verdict } from '../shadow/verdict.js';
import { ndjsonLine } from './exchange-json.js';
import { formatDuration, summaryLines, summaryRecord, type RunSummary } from './summary-text.js';

const correlation: CorrelatorStats = { pairs: 90, shadowMissing: 8, primaryMissing: 1, ambiguous: 1, duplicatesDropped: 4, evicted: 0, fullGroups: 0, unkeyed: 12, late: 2 };

function verdicts(counts: Partial<Record<Verdict, number>>): Record<Verdict, number> {
  return Object.fromEntries(VERDICTS.map((v) => [v, counts[v] ?? 0])) as Record<Verdict, number>;
}

const users: RouteSummary = {
  key: 'GET httpbin:8000 /users/{id}',
  route: { method: 'GET', host: 'httpbin:8000', template: '/users/{id}' },
  pairs: 80,
  verdicts: verdicts({ match: 60, differ: 12, 'shadow-error': 2, 'shadow-missing': 6 }),
  answered: 74,
  primaryLatency: { count: 74, p50: 1234, p95: 4500, p99: 9870, max: 12_000 },
  shadowLatency: { count: 74, p50: 1500.5, p95: 150_000, p99: 2_500_000, max: 3_000_000 },
  medianDeltaMicros: 266,
  differing: [
    { path: 'header:x-version', count: 12, noise: true },
    { path: '$.items[0].price', count: 3, noise: false },
  ],
  droppedPaths: 0,
};

const evil: RouteSummary = {
  key: 'POST api:80 /\x1b[2Jowned',
  route: { method: 'POST', host: 'api:80', template: '/\x1b[2Jowned' },
  pairs: 5,
  verdicts: verdicts({ match: 5 }),
  answered: 5,
  primaryLatency: { count: 5, p50: 800, p95: 900, p99: 950, max: 990 },
  shadowLatency: { count: 5, p50: 700, p95: 800, p99: 850, max: 870 },
  medianDeltaMicros: -100,
  differing: [],
  droppedPaths: 0,
};

const other: RouteSummary = {
  key: OTHER_ROUTES,
  route: null,
  pairs: 15,
  verdicts: verdicts({ 'shadow-missing': 2, 'primary-missing': 1, ambiguous: 1, match: 11 }),
  answered: 0,
  primaryLatency: null,
  shadowLatency: null,
  medianDeltaMicros: null,
  differing: [{ path: 'header:\x1bx', count: 1, noise: false }],
  droppedPaths: 3,
};

const summary: RunSummary = {
  packets: 123_456,
  exchanges: 2345,
  pairs: 100,
  verdicts: verdicts({ match: 76, differ: 12, 'shadow-error': 2, 'shadow-missing': 8, 'primary-missing': 1, ambiguous: 1 }),
  mirrorRate: 90 / 98,
  routes: [users, evil, other],
  foldedPairs: 15,
  correlation,
  anomalies: [
    ['gap-in-response-body', 3],
    ['parse-error: bad \x07', 1],
  ],
};

describe('formatDuration', () => {
  it.each([
    [0, '0us'],
    [850, '850us'],
    [999.4, '999us'],
    [999.6, '1.0ms'],
    [1234, '1.2ms'],
    [99_940, '99.9ms'],
    [99_960, '100ms'],
    [123_456, '123ms'],
    [999_600, '1.0s'],
    [4_500_000, '4.5s'],
    [120_000_000, '120s'],
    [9_000_000_000, '2.5h'],
    [-2500, '-2.5ms'],
    [null, '-'],
    [Number.NaN, '-'],
  ])('%s us -> %s', (micros, text) => {
    expect(formatDuration(micros)).toBe(text);
  });
});

describe('summaryLines', () => {
  const lines = summaryLines(summary);

  it('prints only printable ASCII, without trailing blanks', () => {
    for (const line of lines) {
      expect(line).toMatch(/^[\x20-\x7e]*$/);
      expect(line).toBe(line.trimEnd());
    }
  });

  it('leads with the totals: counts, verdicts with percentages, mirror rate, correlation', () => {
    const head = lines.slice(0, lines.indexOf(''));
    expect(head).toEqual([
      'Packets:           123456',
      'Exchanges:           2345',
      'Pairs:                100',
      '  match                76  76.0%',
      '  differ               12  12.0%',
      '  shadow-error          2   2.0%',
      '  shadow-missing        8   8.0%',
      '  primary-missing       1   1.0%',
      '  incomplete            0   0.0%',
      '  ambiguous             1   1.0%',
      'Mirror rate:        91.8%',
      'Correlation: 12 exchanges without the key, 4 duplicates dropped, 2 late legs, 1 ambiguous, 0 evicted early',
      'Anomalies: gap-in-response-body 3, parse-error: bad \\x07 1',
      'Routes: 15 pairs of routes beyond the route limit are under (other routes)',
    ]);
  });

  it('then one aligned row per route, with its differing fields below', () => {
    const table = lines.slice(lines.indexOf('') + 1);
    expect(table).toEqual([
      'ROUTE                         PAIRS   MATCH  DIFFER  SHADOW-ERROR  SHADOW-MISSING  PRIMARY p50/p95/p99  SHADOW p50/p95/p99  DELTA p50',
      'GET httpbin:8000 /users/{id}     80   75.0%   15.0%             2               6    1.2ms/4.5ms/9.9ms    1.5ms/150ms/2.5s     +266us',
      '  differs: header:x-version 12/74 (probable noise)',
      '  differs: $.items[0].price 3/74',
      'POST api:80 /\\e[2Jowned           5  100.0%    0.0%             0               0    800us/900us/950us   700us/800us/850us     -100us',
      '(other routes)                   15   73.3%    0.0%             0               2                    -                   -          -',
      '  differs: header:\\ex 1/15',
      '  differs: 3 more paths not tracked (per-route limit)',
    ]);
  });

  it('clips long routes to the route width', () => {
    const long: RouteSummary = { ...users, key: `GET h /${'a'.repeat(200)}` };
    const row = summaryLines({ ...summary, routes: [long] }, { routeWidth: 30 }).find((l) => l.startsWith('GET h'));
    expect(row?.startsWith(`GET h /${'a'.repeat(20)}...  `)).toBe(true);
  });

  it('says so when there are no pairs, and shows an unknown mirror rate as -', () => {
    const empty: RunSummary = { ...summary, pairs: 0, verdicts: verdicts({}), mirrorRate: null, routes: [], foldedPairs: 0, anomalies: [] };
    const out = summaryLines(empty);
    expect(out).toContain('Mirror rate:            -');
    expect(out.at(-1)).toBe('No pairs: no request id was seen on two legs.');
    expect(out.some((l) => l.startsWith('Anomalies') || l.startsWith('Routes'))).toBe(false);
    expect(out.find((l) => l.startsWith('  match'))).toBe('  match                 0  -');
  });

  it('lists at most maxAnomalies anomaly names', () => {
    const many: RunSummary = { ...summary, anomalies: [['a', 1], ['b', 2], ['c', 3]] };
    expect(summaryLines(many, { maxAnomalies: 2 })).toContain('Anomalies: a 1, b 2, and 1 more');
  });
});

describe('summaryRecord', () => {
  const record = summaryRecord(summary);

  it('is the NDJSON summary record: totals, correlation, anomalies by name', () => {
    expect(record).toMatchObject({
      type: 'summary',
      packets: 123_456,
      exchanges: 2345,
      pairs: 100,
      verdicts: summary.verdicts,
      correlation,
      anomalies: { 'gap-in-response-body': 3, 'parse-error: bad \x07': 1 },
      foldedPairs: 15,
    });
    expect(record.mirrorRate).toBeCloseTo(0.918367, 6);
  });

  it('gives routes with latencies in ms (3 decimals), wire text as it is, null for unknowns', () => {
    const routes = record.routes as Array<Record<string, unknown>>;
    expect(routes[0]).toEqual({
      route: 'GET httpbin:8000 /users/{id}',
      method: 'GET',
      host: 'httpbin:8000',
      template: '/users/{id}',
      pairs: 80,
      verdicts: users.verdicts,
      answered: 74,
      primaryLatencyMs: { count: 74, p50: 1.234, p95: 4.5, p99: 9.87, max: 12 },
      shadowLatencyMs: { count: 74, p50: 1.501, p95: 150, p99: 2500, max: 3000 },
      medianDeltaMs: 0.266,
      differing: [
        { path: 'header:x-version', count: 12, noise: true },
        { path: '$.items[0].price', count: 3, noise: false },
      ],
      droppedPaths: 0,
    });
    expect(routes[1].template).toBe('/\x1b[2Jowned');
    expect(routes[2]).toMatchObject({ route: OTHER_ROUTES, method: null, host: null, template: null, primaryLatencyMs: null, medianDeltaMs: null });
  });

  it('writes NaN as null and keeps odd anomaly names as plain keys', () => {
    const odd = summaryRecord({ ...summary, mirrorRate: Number.NaN, anomalies: [['__proto__', 2], ['x', 1], ['x', 4]] });
    expect(odd.mirrorRate).toBeNull();
    const parsed = JSON.parse(ndjsonLine(odd)) as { anomalies: Record<string, number> };
    expect(Object.entries(parsed.anomalies)).toEqual([
      ['__proto__', 2],
      ['x', 5],
    ]);
    expect(ndjsonLine(record)).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('live capture counters', () => {
  it('one Capture line, and the counters in the record', () => {
    const capture = { captured: 1000, receivedByFilter: 1010, droppedByKernel: 10, droppedByInterface: 0, droppedByAnalysis: 5 };
    const s: RunSummary = { ...summary, capture };
    expect(summaryLines(s)).toContain('Capture: 1000 captured, 1010 received by filter, 10 dropped by kernel, 5 not analysed (the analysis fell behind)');
    expect(summaryRecord(s).capture).toEqual(capture);
    expect(summaryLines(summary).some((l) => l.startsWith('Capture:'))).toBe(false);
  });
});
