/**
 * The verdict on one correlated pair: did the shadow answer as the primary did? Pure; the
 * comparison itself is compare.ts, this decides what it means.
 */
import type { Exchange } from '../http/types.js';
import type { Difference } from './compare.js';
import type { Pair } from './correlate.js';

/**
 * DESIGN.md's six verdicts, plus `ambiguous`: two legs share an id and nothing says which one is
 * the shadow (no suffix, no `--shadow-dst`). Saying so is better than guessing.
 */
export type Verdict = 'match' | 'differ' | 'shadow-error' | 'shadow-missing' | 'primary-missing' | 'incomplete' | 'ambiguous';

export const VERDICTS: readonly Verdict[] = ['match', 'differ', 'shadow-error', 'shadow-missing', 'primary-missing', 'incomplete', 'ambiguous'];

/** A difference, marked when the route's history says it is probably noise (see noise.ts). */
export interface ReportedDifference extends Difference {
  readonly noise: boolean;
}

/** What the request was: method, Host without the shadow suffix, and the path as a template. */
export interface Route {
  readonly method: string;
  readonly host: string | null;
  /** `/users/{id}`: the path with ids replaced and the query left out (route-template.ts). */
  readonly template: string;
}

/** One pair as every view sees it. */
export interface PairReport {
  readonly pair: Pair;
  readonly route: Route;
  readonly verdict: Verdict;
  /** Empty unless both answers were compared. */
  readonly differences: readonly ReportedDifference[];
  /** Why the verdict is what it is, when that is not obvious (what to do about it). */
  readonly hint: string | null;
}

/** `GET httpbin:8000 /users/{id}`: the key per-route statistics are kept under. */
export function routeKey(route: Route): string {
  return `${route.method} ${route.host ?? '-'} ${route.template}`;
}

const isServerError = (e: Exchange): boolean => e.response !== null && e.response.status >= 500;
const wasReset = (e: Exchange): boolean => e.anomalies.includes('connection-reset') || e.anomalies.includes('response-truncated: rst');
const isCut = (e: Exchange): boolean => !e.complete || e.response === null;
const succeeded = (e: Exchange): boolean => e.response !== null && e.response.status < 500 && !wasReset(e);

/**
 * The verdict of a pair whose legs were resolved (differences only matter when both answered
 * whole). Order: a missing side first, then a failing shadow beside a working primary (that is
 * news even when a gap cut something), then gaps, then the comparison.
 */
export function verdictOf(pair: Pair, differences: readonly Difference[]): { verdict: Verdict; hint: string | null } {
  if (pair.ambiguity !== null) {
    return { verdict: 'ambiguous', hint: 'two legs share the id and neither is marked as the shadow: name it with --shadow-dst (host, IP, IP:port or CIDR)' };
  }
  const { primary, shadow } = pair;
  if (primary === null) return { verdict: 'primary-missing', hint: null };
  if (shadow === null) return { verdict: 'shadow-missing', hint: null };
  if (succeeded(primary) && (isServerError(shadow) || wasReset(shadow))) {
    return { verdict: 'shadow-error', hint: shadow.response === null ? 'the shadow reset the connection before answering' : null };
  }
  if (isCut(primary) || isCut(shadow)) {
    const cut = (['primary', 'shadow'] as const).filter((side) => isCut(pair[side] as Exchange));
    return { verdict: 'incomplete', hint: cut.map((side) => `${side}: ${(pair[side] as Exchange).anomalies.join(', ') || 'no response seen'}`).join('; ') };
  }
  return { verdict: differences.length === 0 ? 'match' : 'differ', hint: null };
}
