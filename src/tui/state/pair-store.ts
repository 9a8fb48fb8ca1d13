/**
 * The pairs the TUI keeps: oldest first, bounded by count and by approximate bytes. When a bound
 * is passed the oldest pairs go, and how many went is counted for the status bar (DESIGN.md:
 * every collection has a bound, and hitting it is visible).
 */
import type { PairEntry } from '../model/pair-entry.js';

export interface StoreLimits {
  /** Pairs kept at most. */
  readonly maxPairs: number;
  /** Approximate bytes kept at most (PairEntry.weight). */
  readonly maxBytes: number;
}

/** The count cap (--max-pairs) and the most memory ever; the CLI lowers maxBytes to half its heap limit. */
export const DEFAULT_STORE_LIMITS: StoreLimits = { maxPairs: 50_000, maxBytes: 1024 * 1024 * 1024 };

export interface PairStore {
  /** In arrival order; seqs are consecutive. */
  readonly entries: readonly PairEntry[];
  readonly bytes: number;
  /** Pairs let go by the bounds (or never kept because the feed was already over them). */
  readonly dropped: number;
}

export const EMPTY_STORE: PairStore = { entries: [], bytes: 0, dropped: 0 };

/** The store with `added` appended and the oldest let go while a bound is passed (the newest always stays). */
export function addToStore(store: PairStore, added: readonly PairEntry[], limits: StoreLimits, droppedBefore = 0): PairStore {
  if (added.length === 0 && droppedBefore === 0) return store;
  const all = store.entries.concat(added);
  let bytes = store.bytes;
  for (const e of added) bytes += e.weight;
  let drop = Math.max(0, all.length - Math.max(1, limits.maxPairs));
  for (let i = 0; i < drop; i++) bytes -= all[i].weight;
  while (bytes > limits.maxBytes && all.length - drop > 1) bytes -= all[drop++].weight;
  return { entries: drop === 0 ? all : all.slice(drop), bytes, dropped: store.dropped + drop + droppedBefore };
}

/** Seq of the oldest pair kept (Infinity when none). */
export function firstKept(store: PairStore): number {
  return store.entries.length === 0 ? Infinity : store.entries[0].seq;
}
