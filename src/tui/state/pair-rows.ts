/**
 * The pair list's rows: the kept pairs that pass the filter, in the chosen order. Rebuilt when
 * the filter or the sort changes; when pairs arrive, only the new ones are filtered and sorted
 * and then merged in (linear), so a live capture with 100,000 pairs kept costs little per frame.
 */
import type { Verdict } from '../../shadow/verdict.js';
import type { PairPredicate } from '../filter/filter-predicate.js';
import type { PairEntry } from '../model/pair-entry.js';

export type SortKey = 'time' | 'verdict' | 'slower' | 'latency' | 'route';

/** The `s` key's cycle. */
export const SORT_KEYS: readonly SortKey[] = ['time', 'verdict', 'slower', 'latency', 'route'];

export const SORT_LABELS: Readonly<Record<SortKey, string>> = {
  time: 'time',
  verdict: 'verdict',
  slower: 'shadow slower',
  latency: 'latency',
  route: 'route',
};

/** Most worrying first. */
const SEVERITY: Readonly<Record<Verdict, number>> = {
  'shadow-error': 0,
  differ: 1,
  incomplete: 2,
  ambiguous: 3,
  'primary-missing': 4,
  'shadow-missing': 5,
  match: 6,
};

type Compare = (a: PairEntry, b: PairEntry) => number;

const byTime: Compare = (a, b) => a.at - b.at || a.seq - b.seq;
/** Unknowns last, larger first. */
const descending = (value: (e: PairEntry) => number | null): Compare => (a, b) => {
  const x = value(a);
  const y = value(b);
  if (x === null || y === null) return x === y ? byTime(a, b) : x === null ? 1 : -1;
  return y - x || byTime(a, b);
};
const maxLatency = (e: PairEntry): number | null =>
  e.primaryLatency === null ? e.shadowLatency : e.shadowLatency === null ? e.primaryLatency : Math.max(e.primaryLatency, e.shadowLatency);

export const COMPARE: Readonly<Record<SortKey, Compare>> = {
  time: byTime,
  verdict: (a, b) => SEVERITY[a.verdict] - SEVERITY[b.verdict] || byTime(a, b),
  slower: descending((e) => e.slowerBy),
  latency: descending(maxLatency),
  route: (a, b) => (a.routeOrder < b.routeOrder ? -1 : a.routeOrder > b.routeOrder ? 1 : byTime(a, b)),
};

export function buildRows(entries: readonly PairEntry[], sort: SortKey, predicate: PairPredicate | null): PairEntry[] {
  const rows = predicate === null ? entries.slice() : entries.filter(predicate);
  // Entries arrive nearly in time order: sorting by time is close to linear.
  return rows.sort(COMPARE[sort]);
}

/** `rows` (sorted) with the passing ones of `added` merged in. */
export function mergeRows(rows: readonly PairEntry[], added: readonly PairEntry[], sort: SortKey, predicate: PairPredicate | null): readonly PairEntry[] {
  const incoming = buildRows(added, sort, predicate);
  if (incoming.length === 0) return rows;
  const compare = COMPARE[sort];
  // The common live case: everything new sorts after what is there.
  if (rows.length === 0 || compare(rows[rows.length - 1], incoming[0]) <= 0) return rows.concat(incoming);
  const out: PairEntry[] = new Array<PairEntry>(rows.length + incoming.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < rows.length && j < incoming.length) out[k++] = compare(rows[i], incoming[j]) <= 0 ? rows[i++] : incoming[j++];
  while (i < rows.length) out[k++] = rows[i++];
  while (j < incoming.length) out[k++] = incoming[j++];
  return out;
}

/** The rows without the pairs the store let go (every seq below `firstKept`). */
export function dropEvicted(rows: readonly PairEntry[], firstKept: number): readonly PairEntry[] {
  return rows.some((e) => e.seq < firstKept) ? rows.filter((e) => e.seq >= firstKept) : rows;
}

/** Where `entry` is in `rows` (binary search by the sort's order), or -1. */
export function rowIndex(rows: readonly PairEntry[], entry: PairEntry, sort: SortKey): number {
  const compare = COMPARE[sort];
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(rows[mid], entry);
    if (c === 0) return rows[mid] === entry ? mid : -1;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
