import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimestampScale } from './pcapng-timestamp.js';

/** The obvious BigInt computation the fast path must agree with. */
function reference(tsresol: number, offset: number, high: number, low: number): [number, number] {
  const ts = (BigInt(high) << 32n) | BigInt(low);
  const units = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  return [Number(ts / units) + offset, Number(((ts % units) * 1_000_000_000n) / units)];
}

describe('TimestampScale', () => {
  const u32 = fc.nat({ max: 0xffffffff });
  const decimal = fc.integer({ min: 0, max: 15 });
  const binary = fc.integer({ min: 0, max: 40 }).map((e) => 0x80 | e);

  it('splits any 64-bit timestamp exactly, for any resolution (fast and BigInt paths)', () => {
    fc.assert(
      fc.property(fc.oneof(decimal, binary), fc.integer({ min: -1000, max: 1000 }), u32, u32, (tsresol, offset, high, low) => {
        const scale = new TimestampScale(tsresol, offset);
        scale.split(high, low);
        const [sec, nsec] = reference(tsresol, offset, high, low);
        // Seconds beyond 2^53 cannot be exact in a number, whichever way they are computed.
        if (Math.abs(sec) > Number.MAX_SAFE_INTEGER) return;
        expect([scale.sec, scale.nsec]).toEqual([sec, nsec]);
        expect(scale.nsec).toBeGreaterThanOrEqual(0);
        expect(scale.nsec).toBeLessThan(1e9);
      }),
      { numRuns: 20000 },
    );
  });

  it('handles the edges of the µs and ns fast paths', () => {
    for (const tsresol of [6, 9, 0x80 | 23, 0x80 | 20, 0]) {
      for (const [high, low] of [
        [0, 0],
        [0xffffffff, 0xffffffff],
        [0, 0xffffffff],
        [0xffffffff, 0],
        [0x5f5e0ff, 0xffff],
      ]) {
        const scale = new TimestampScale(tsresol);
        scale.split(high, low);
        const [sec, nsec] = reference(tsresol, 0, high, low);
        if (sec > Number.MAX_SAFE_INTEGER) continue;
        expect([tsresol, high, low, scale.sec, scale.nsec]).toEqual([tsresol, high, low, sec, nsec]);
      }
    }
  });

  it('defaults to microseconds', () => {
    const scale = new TimestampScale();
    scale.split(0x00060a9c, 0x1b2c3d4e); // 1_700_000_000_123_456-ish
    const [sec, nsec] = reference(6, 0, 0x00060a9c, 0x1b2c3d4e);
    expect([scale.sec, scale.nsec]).toEqual([sec, nsec]);
    expect(scale.unitsPerSecond).toBe('1000000');
  });
});
