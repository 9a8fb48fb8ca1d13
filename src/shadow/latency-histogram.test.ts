import { describe, expect, it } from 'vitest';
import { DeltaHistogram, LatencyHistogram, MAX_BUCKETED } from './latency-histogram.js';

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The exact nearest-rank quantile of sorted values. */
function exact(sorted: readonly number[], q: number): number {
  return sorted[Math.min(Math.max(Math.ceil(q * sorted.length), 1), sorted.length) - 1];
}

const QUANTILES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function expectClose(actual: number, expected: number, relative = 0.01): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);
}

describe('LatencyHistogram', () => {
  const distributions: Array<[string, (r: () => number) => number]> = [
    // log-uniform from 1 us to about 2 hours: every bucket group
    ['log-uniform 1 us .. 2 h', (r) => Math.floor(Math.exp(r() * Math.log(7.2e9)))],
    // a typical service: 2 ms median with a long tail
    ['log-normal around 2 ms', (r) => Math.round(2000 * Math.exp(0.8 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())))],
    ['uniform small values (exact range)', (r) => Math.floor(r() * 200)],
  ];

  it.each(distributions)('quantiles within 1%% of the exact ones: %s', (_name, draw) => {
    const r = rng(0x5eed);
    const h = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = draw(r);
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    expect(h.count).toBe(values.length);
    for (const q of QUANTILES) expectClose(h.quantile(q), exact(values, q));
    expect(h.min).toBe(values[0]);
    expect(h.max).toBe(values[values.length - 1]);
    expect(h.quantile(0)).toBe(values[0]);
    expect(h.quantile(1)).toBe(values[values.length - 1]);
  });

  it('is exact below 128 us', () => {
    const h = new LatencyHistogram();
    for (let v = 0; v < 128; v++) h.record(v);
    for (let v = 1; v <= 128; v++) expect(h.valueAtRank(v)).toBe(v - 1);
  });

  it('is empty: count 0, NaN quantiles', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.quantile(0.5)).toBeNaN();
    expect(h.min).toBeNaN();
    expect(h.max).toBeNaN();
  });

  it('counts negatives as 0, rounds fractions, ignores NaN and infinities', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    h.record(2.6);
    h.record(Number.NaN);
    h.record(Number.POSITIVE_INFINITY);
    expect(h.count).toBe(2);
    expect(h.min).toBe(0);
    expect(h.max).toBe(3);
  });

  it('keeps values beyond the bucketed range: exact max, the rest in the top bucket', () => {
    const h = new LatencyHistogram();
    h.record(10);
    h.record(MAX_BUCKETED * 4);
    h.record(MAX_BUCKETED * 8);
    expect(h.max).toBe(MAX_BUCKETED * 8);
    expect(h.quantile(0.5)).toBeGreaterThan(MAX_BUCKETED * 0.99);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(MAX_BUCKETED * 8);
  });

  it('handles values at powers of two and just below them', () => {
    for (let e = 7; e < 36; e++) {
      for (const v of [2 ** e - 1, 2 ** e, 2 ** e + 1]) {
        const h = new LatencyHistogram();
        h.record(0);
        h.record(v);
        h.record(v + 10 ** 12); // keeps v away from the exact min and max
        expectClose(h.quantile(0.5), v);
      }
    }
  });

  it('merges: the same quantiles as one histogram over all the samples', () => {
    const r = rng(42);
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 0; i < 20_000; i++) {
      const v = Math.floor(Math.exp(r() * 18));
      (i % 3 === 0 ? a : b).record(v);
      all.record(v);
    }
    a.merge(b);
    a.merge(new LatencyHistogram());
    expect(a.count).toBe(all.count);
    expect(a.min).toBe(all.min);
    expect(a.max).toBe(all.max);
    for (const q of QUANTILES) expect(a.quantile(q)).toBe(all.quantile(q));
  });

  it('does not overflow a bucket past 2^32 samples (merged counts)', () => {
    const big = new LatencyHistogram();
    big.record(1000);
    for (let i = 0; i < 33; i++) big.merge(big); // 2^33 samples of 1000
    big.record(5);
    expect(big.count).toBe(2 ** 33 + 1);
    expect(big.quantile(0.5)).toBeCloseTo(1000, -1);
    expect(big.min).toBe(5);
  });

  it('uses memory that does not grow with the samples', () => {
    const r = rng(7);
    const h = new LatencyHistogram();
    const groupsUsed = (): number => (h as unknown as { groups: Array<unknown> }).groups.filter((g) => g !== undefined).length;
    for (let e = 0; e < 45; e++) h.record(2 ** e); // every group, and past the bucketed range
    expect(groupsUsed()).toBe(31); // 31 x 64 counts x 4 bytes: 8 KB at most
    for (let i = 0; i < 200_000; i++) h.record(Math.floor(Math.exp(r() * 40)));
    expect(groupsUsed()).toBe(31);
  });
});

describe('DeltaHistogram', () => {
  it('median of signed differences within 1% of the exact one', () => {
    for (const [seed, bias] of [
      [1, -0.5],
      [2, 0],
      [3, 0.3],
    ]) {
      const r = rng(seed);
      const h = new DeltaHistogram();
      const values: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const v = Math.round((r() + bias) * 10_000 * (r() < 0.1 ? 10 : 1));
        values.push(v);
        h.record(v);
      }
      values.sort((a, b) => a - b);
      for (const q of QUANTILES) expectClose(h.quantile(q), exact(values, q));
    }
  });

  it('is empty: NaN; merges both signs', () => {
    const a = new DeltaHistogram();
    expect(a.quantile(0.5)).toBeNaN();
    const b = new DeltaHistogram();
    a.record(-300);
    a.record(-100);
    b.record(0);
    b.record(200);
    b.record(400);
    a.merge(b);
    expect(a.count).toBe(5);
    expect(a.quantile(0)).toBe(-300);
    expect(a.quantile(0.3)).toBe(-100);
    expect(a.quantile(0.5)).toBe(0);
    expect(a.quantile(1)).toBe(400);
  });
});
