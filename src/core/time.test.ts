import { describe, expect, it } from 'vitest';
import { isoMicros } from './time.js';

describe('isoMicros', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000000Z'],
    [1_795_316_279_848_451, '2026-11-22T02:57:59.848451Z'],
    [1_795_316_279_000_001, '2026-11-22T02:57:59.000001Z'],
    [1_795_316_280_999_999, '2026-11-22T02:58:00.999999Z'],
  ])('%d -> %s', (t, iso) => {
    expect(isoMicros(t)).toBe(iso);
  });

  it('agrees with Date for every second it caches', () => {
    for (let t = 1_700_000_000_000_000; t < 1_700_000_000_000_000 + 5_000_000; t += 333_333) {
      expect(isoMicros(t).slice(0, 23)).toBe(new Date(Math.floor(t / 1000)).toISOString().slice(0, 23));
    }
  });
});

describe('isoMicros beyond the range of a Date', () => {
  it('falls back to seconds since the epoch instead of throwing', () => {
    expect(isoMicros(9e18)).toMatch(/^9000000000000\.\d{6}$/);
    expect(() => isoMicros(Number.MAX_SAFE_INTEGER * 1000)).not.toThrow();
    expect(isoMicros(1_800_000_000_123_456)).toBe('2027-01-15T08:00:00.123456Z');
  });
});
