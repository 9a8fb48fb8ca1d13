/**
 * The shadow stage: exchanges in, one PairReport per mirrored request out. Correlates legs by
 * id (correlate.ts), compares the two answers (compare.ts), learns per-route noise (noise.ts)
 * and decides the verdict (verdict.ts). Synchronous and pure: packet time comes in by advance().
 */
import type { AnomalyCounter } from '../core/anomalies.js';
import type { Micros } from '../core/time.js';
import type { BodyCapture, Exchange } from '../http/types.js';
import { DEFAULT_SHADOW_SUFFIX } from './classify.js';
import { ResponseComparer, sameWireBody, type CompareOptions, type Difference } from './compare.js';
import { Correlator, type CorrelatorOptions, type CorrelatorStats, type Pair } from './correlate.js';
import { NoiseDetector } from './noise.js';
import { routeOf } from './route-template.js';
import { routeKey, verdictOf, type PairReport, type ReportedDifference } from './verdict.js';

export interface PairAnalyzerOptions {
  readonly correlation?: Omit<CorrelatorOptions, 'onOther'>;
  readonly compare?: CompareOptions;
  /** A path is probable noise once it differed in `ratio` of at least `minPairs` pairs of its route. */
  readonly noise?: { readonly minPairs?: number; readonly ratio?: number };
  /** Where bounds hit while comparing are counted (`http.decode-limit`: a body decoded only in part). */
  readonly anomalies?: AnomalyCounter;
}

export class PairAnalyzer {
  /** Exchanges handed in. */
  exchanges = 0;
  /** Exchanges that joined no pair (no id, or after their pair was reported). */
  others = 0;

  private readonly correlator: Correlator;
  private readonly comparer: ResponseComparer;
  private readonly noise = new NoiseDetector();
  private readonly suffix: string;

  constructor(
    private readonly onReport: (report: PairReport) => void,
    private readonly options: PairAnalyzerOptions = {},
    onOther: (e: Exchange) => void = () => {},
  ) {
    this.suffix = options.correlation?.shadowSuffix ?? DEFAULT_SHADOW_SUFFIX;
    this.comparer = new ResponseComparer(options.compare);
    this.correlator = new Correlator((p) => this.onReport(this.report(p)), {
      ...options.correlation,
      onOther: (e) => {
        this.others++;
        onOther(e);
      },
    });
  }

  add(e: Exchange): void {
    this.exchanges++;
    this.correlator.add(e);
  }

  /** Packet time has reached `now`: reports the pairs that are settled or timed out. */
  advance(now: Micros): void {
    this.correlator.advance(now);
  }

  /** End of input: reports every pending pair. */
  finish(): void {
    this.correlator.finish();
  }

  get correlation(): CorrelatorStats {
    return this.correlator.stats();
  }

  private report(pair: Pair): PairReport {
    const leg = pair.primary ?? pair.shadow ?? pair.candidates[0] ?? pair.related[0];
    const route = routeOf(leg, this.suffix);
    const { primary, shadow } = pair;
    // Only whole answers are compared: a gap would show up as a difference the services never made.
    const compared = primary !== null && shadow !== null && primary.response !== null && shadow.response !== null && primary.complete && shadow.complete;
    const found = compared ? this.comparer.exchanges(primary, shadow).differences : [];
    if (compared) this.countDecodeLimits(primary.response.body, shadow.response.body);
    // Only compared pairs teach the noise detector what usually differs on this route.
    const differences = compared ? this.markNoise(routeKey(route), found) : [];
    const { verdict, hint } = verdictOf(pair, found);
    return { pair, route, differences, verdict, hint };
  }

  /** Bodies are decoded lazily, by the comparison: this is where a decompression bomb meets its bound. */
  private countDecodeLimits(primary: BodyCapture, shadow: BodyCapture): void {
    const primaryCut = primary.decodeProblem === 'limit';
    // A body sent as the primary's decodes as the primary's did: not decoded again just to count.
    const shadowCut = sameWireBody(primary, shadow) ? primaryCut : shadow.decodeProblem === 'limit';
    if (primaryCut) this.options.anomalies?.add('http.decode-limit');
    if (shadowCut) this.options.anomalies?.add('http.decode-limit');
  }

  /** Records the differences under their route and flags the ones that differ in nearly every pair. */
  private markNoise(route: string, found: readonly Difference[]): ReportedDifference[] {
    this.noise.observe(route, found);
    if (found.length === 0) return [];
    const { minPairs, ratio } = this.options.noise ?? {};
    return found.map((d) => ({ ...d, noise: this.noise.isProbableNoise(route, d.path, minPairs, ratio) }));
  }
}
