/**
 * Latency distributions in bounded memory: one histogram per route and side must stay small
 * however many pairs a long capture has. Values are whole microseconds. Buckets are HdrHistogram
 * style: exact below 128, then each power of two split into 64 equal sub-buckets, so a bucket is
 * at most 1/64 of its lower bound wide and its midpoint is within 1/128 (0.8 %) of any value in
 * it. Each power of two (256 bytes of counts) is allocated when first used: 31 at most (8 KB),
 * and latencies spanning 100 us to 10 s use 18 of them; min and max are kept exactly.
 */

const SUB_BITS = 6;
const SUB = 1 << SUB_BITS; // sub-buckets per power of two
/** Values at or above this (2^36 us, about 19 hours) share the top bucket; max stays exact. */
export const MAX_BUCKETED = 2 ** 36;
const GROUPS = 36 - SUB_BITS + 1;
const MAX_U32 = 0xffffffff;

type Counts = Uint32Array | Float64Array;

/** Group and sub-bucket of a value in [0, MAX_BUCKETED). */
function locate(v: number): { group: number; sub: number } {
  if (v < SUB) return { group: 0, sub: v };
  let exp = v < 2 ** 31 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
  if (2 ** exp > v) exp--; // log2 can round up just below a power of two
  const shift = exp - SUB_BITS;
  return { group: shift + 1, sub: Math.floor(v / 2 ** shift) - SUB };
}

/** Midpoint of a bucket: the value reported for any sample in it. */
function midpoint(group: number, sub: number): number {
  if (group <= 1) return group * SUB + sub;
  const width = 2 ** (group - 1);
  return (SUB + sub) * width + (width - 1) / 2;
}

export class LatencyHistogram {
  private readonly groups: Array<Counts | undefined> = new Array<Counts | undefined>(GROUPS);
  private n = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  get count(): number {
    return this.n;
  }

  /** Smallest value recorded; NaN when empty. */
  get min(): number {
    return this.n === 0 ? Number.NaN : this.lo;
  }

  /** Largest value recorded; NaN when empty. */
  get max(): number {
    return this.n === 0 ? Number.NaN : this.hi;
  }

  /**
   * Records one latency. Negative values count as 0 (a server may answer before the request
   * ends, e.g. a 413 mid-upload); fractions are rounded; NaN and infinities are not latencies
   * and are ignored.
   */
  record(micros: number): void {
    if (!Number.isFinite(micros)) return;
    const v = micros <= 0 ? 0 : Math.round(micros);
    this.n++;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    const { group, sub } = locate(Math.min(v, MAX_BUCKETED - 1));
    this.add(group, sub, 1);
  }

  /**
   * The value of nearest rank `rank` (1-based, as in a sorted list of the samples), within 0.8 %
   * (exact for the first and last rank); NaN when empty.
   */
  valueAtRank(rank: number): number {
    if (this.n === 0) return Number.NaN;
    const r = Math.min(Math.max(Math.ceil(rank), 1), this.n);
    if (r === 1) return this.lo;
    if (r === this.n) return this.hi;
    let seen = 0;
    for (let g = 0; g < GROUPS; g++) {
      const counts = this.groups[g];
      if (counts === undefined) continue;
      for (let s = 0; s < SUB; s++) {
        seen += counts[s];
        if (seen >= r) return Math.min(Math.max(midpoint(g, s), this.lo), this.hi);
      }
    }
    return this.hi; // not reached: the counts add up to n
  }

  /** The q-quantile (0..1) by nearest rank: q=0 is the min, q=1 the max; NaN when empty. */
  quantile(q: number): number {
    return this.valueAtRank(Math.ceil(Math.min(Math.max(q, 0), 1) * this.n));
  }

  /** Adds the samples of `other` to this histogram. */
  merge(other: LatencyHistogram): void {
    if (other.n === 0) return;
    for (let g = 0; g < GROUPS; g++) {
      const counts = other.groups[g];
      if (counts === undefined) continue;
      for (let s = 0; s < SUB; s++) if (counts[s] > 0) this.add(g, s, counts[s]);
    }
    this.n += other.n;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  private add(group: number, sub: number, k: number): void {
    let counts = this.groups[group];
    if (counts === undefined) counts = this.groups[group] = new Uint32Array(SUB);
    // 32-bit counts keep the histogram small; a group that would overflow turns 64-bit.
    if (counts instanceof Uint32Array && counts[sub] + k > MAX_U32) counts = this.groups[group] = Float64Array.from(counts);
    counts[sub] += k;
  }
}

/**
 * Signed differences (shadow minus primary latency): negative values in one histogram by
 * magnitude, the rest in another, with ranks mapped across the two.
 */
export class DeltaHistogram {
  private readonly negative = new LatencyHistogram();
  private readonly positive = new LatencyHistogram();

  get count(): number {
    return this.negative.count + this.positive.count;
  }

  record(micros: number): void {
    if (!Number.isFinite(micros)) return;
    const v = Math.round(micros);
    if (v < 0) this.negative.record(-v);
    else this.positive.record(v);
  }

  /** The q-quantile (0..1) by nearest rank, within 0.8 %; NaN when empty. */
  quantile(q: number): number {
    const n = this.count;
    if (n === 0) return Number.NaN;
    const rank = Math.min(Math.max(Math.ceil(Math.min(Math.max(q, 0), 1) * n), 1), n);
    const neg = this.negative.count;
    // The r-th smallest signed value is the (neg - r + 1)-th smallest magnitude among negatives.
    if (rank <= neg) return -this.negative.valueAtRank(neg - rank + 1);
    return this.positive.valueAtRank(rank - neg);
  }

  merge(other: DeltaHistogram): void {
    this.negative.merge(other.negative);
    this.positive.merge(other.positive);
  }
}
