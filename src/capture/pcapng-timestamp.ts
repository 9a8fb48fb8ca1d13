/**
 * Splits a pcapng 64-bit timestamp (two 32-bit halves, in units of if_tsresol) into whole
 * seconds and nanoseconds, exactly.
 *
 * A double holds 2^53 exactly, a 64-bit count of microseconds does not. For divisors up to
 * 2^30 (10^0..10^9, 2^0..2^23) long division in base 2^16 keeps every intermediate value
 * below 2^46, so plain double arithmetic is exact and no BigInt is made per packet. Other
 * resolutions (finer than a nanosecond, or 2^-24 and beyond) take the BigInt path.
 */
export class TimestampScale {
  /** Results of the last split(): read right after calling it (no object per packet). */
  sec = 0;
  nsec = 0;
  private readonly divisor: number;
  /** 10^(9-k) for decimal resolutions: nanoseconds per unit. 0 for binary ones. */
  private readonly nsecPerUnit: number;
  private readonly exact: boolean;
  private readonly bigDivisor: bigint;
  private readonly offsetSec: number;

  /**
   * @param tsresol the if_tsresol byte: 10^-n when the top bit is clear, 2^-n when set.
   * @param offsetSec if_tsoffset, seconds added to every timestamp.
   */
  constructor(
    readonly tsresol = 6,
    offsetSec = 0,
  ) {
    const binary = (tsresol & 0x80) !== 0;
    const exponent = tsresol & 0x7f;
    this.offsetSec = offsetSec;
    this.bigDivisor = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
    this.exact = binary ? exponent <= 23 : exponent <= 9;
    this.divisor = this.exact ? Number(this.bigDivisor) : 0;
    this.nsecPerUnit = !binary && this.exact ? 10 ** (9 - exponent) : 0;
  }

  /** Units per second as a string, for messages ("1000000"). */
  get unitsPerSecond(): string {
    return this.bigDivisor.toString();
  }

  split(high: number, low: number): void {
    if (!this.exact) {
      this.splitBig(high, low);
      return;
    }
    const d = this.divisor;
    // (high * 2^32 + low) / d, one 16-bit digit at a time; remainders stay below d < 2^30.
    const qHigh = Math.floor(high / d);
    const x = (high - qHigh * d) * 65536 + (low >>> 16);
    const q1 = Math.floor(x / d);
    const y = (x - q1 * d) * 65536 + (low & 0xffff);
    const q2 = Math.floor(y / d);
    const rem = y - q2 * d;
    this.sec = qHigh * 4294967296 + q1 * 65536 + q2 + this.offsetSec;
    // Binary units: rem < 2^23, so rem * 1e9 < 2^53 and the division by a power of two is exact.
    this.nsec = this.nsecPerUnit !== 0 ? rem * this.nsecPerUnit : Math.floor((rem * 1e9) / d);
  }

  private splitBig(high: number, low: number): void {
    const ts = (BigInt(high) << 32n) | BigInt(low);
    const d = this.bigDivisor;
    this.sec = Number(ts / d) + this.offsetSec;
    this.nsec = Number(((ts % d) * 1_000_000_000n) / d);
  }
}
