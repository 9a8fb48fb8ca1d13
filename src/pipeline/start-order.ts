import type { Micros } from '../core/time.js';
import type { Exchange } from '../http/types.js';
import { keptBodyBytes } from '../http/kept-bytes.js';

export interface StartOrderLimits {
  /** How long (packet time) an exchange waits for earlier-started ones still in flight. */
  readonly window: Micros;
  /** Most items held at once; past it the earliest go out regardless. */
  readonly maxHeld: number;
  /** Most bytes held at once (StartOrdering.weight); past it the earliest go out regardless. */
  readonly maxHeldBytes: number;
}

export const DEFAULT_START_ORDER: StartOrderLimits = { window: 1_000_000, maxHeld: 2_000, maxHeldBytes: 32 * 1024 * 1024 };

/** How held items sort: by request start, then connection and position (a total order). */
export interface StartOrdering<T> {
  /** Negative when `a` comes first; never 0 for two different items. */
  compare(a: T, b: T): number;
  /** When the item's request began (packet time). */
  start(item: T): Micros;
  /** Bytes the item keeps outside V8's heap (bodies), which the heap cap does not bound; default none. */
  weight?(item: T): number;
}

/** Exchanges by request start, then connection and position (no two exchanges share the last two). */
/** Request-start order of two exchanges given by (start, connection, position): time first, then the tie-breaks that make it total. */
export function compareStarts(aStart: Micros, aConnection: number, aIndex: number, bStart: Micros, bConnection: number, bIndex: number): number {
  return aStart - bStart || aConnection - bConnection || aIndex - bIndex;
}

export const EXCHANGE_STARTS: StartOrdering<Exchange> = {
  compare: (a, b) => compareStarts(a.timing.requestStart, a.connectionId, a.index, b.timing.requestStart, b.connectionId, b.index),
  start: (e) => e.timing.requestStart,
  weight: keptBodyBytes,
};

/**
 * Exchanges complete in the order their responses end (a fast shadow before a slow primary),
 * but people read them in the order the requests began, as in tcpdump. This holds completed
 * exchanges (or what a view made of them: see StartOrdering) for a short window of packet time
 * and releases them sorted by request start. Bounded: an exchange slower than the window, or a
 * flood past maxHeld, comes out late rather than growing memory.
 *
 * The held items stay sorted: each release sorts only what came since the last one (a batch
 * is nearly in order already) and merges it in, instead of sorting everything held again.
 */
export class StartOrder<T> {
  /**
   * Held items, sorted, from `first` on. The slots before it are emptied at release (a released
   * exchange may keep a megabyte of body) and dropped from the array lazily.
   */
  private held: Array<T | undefined> = [];
  private first = 0;
  /** Added since the last release, in arrival order. */
  private incoming: T[] = [];

  constructor(
    private readonly ordering: StartOrdering<T>,
    private readonly limits: StartOrderLimits = DEFAULT_START_ORDER,
  ) {}

  /** Bytes of the items held and incoming (StartOrdering.weight). */
  private heldBytes = 0;

  add(item: T): void {
    this.incoming.push(item);
    if (this.ordering.weight !== undefined) this.heldBytes += this.ordering.weight(item);
  }

  /** At packet time `now`, items that started before this have been released (bar the ones slower than the window). */
  horizon(now: Micros): Micros {
    return now - this.limits.window;
  }

  /** Items that started before `now - window`, plus the earliest beyond maxHeld, in start order. */
  release(now: Micros): T[] {
    this.merge();
    const held = this.held;
    const count = held.length - this.first;
    if (count === 0) return [];
    const horizon = this.horizon(now);
    const { maxHeld, maxHeldBytes } = this.limits;
    const { start, weight } = this.ordering;
    let n = 0;
    while (n < count) {
      const item = held[this.first + n] as T;
      if (!(start(item) <= horizon || count - n > maxHeld || this.heldBytes > maxHeldBytes)) break;
      if (weight !== undefined) this.heldBytes -= weight(item);
      n++;
    }
    if (n === 0) return [];
    const out = held.slice(this.first, this.first + n) as T[];
    held.fill(undefined, this.first, this.first + n);
    this.first += n;
    if (this.first === held.length) {
      this.held = [];
      this.first = 0;
    } else if (this.first >= 1024 && this.first * 2 >= held.length) {
      this.held = held.slice(this.first);
      this.first = 0;
    }
    return out;
  }

  /** Everything still held, in start order (end of capture). */
  drain(): T[] {
    this.merge();
    const out = (this.first === 0 ? this.held : this.held.slice(this.first)) as T[];
    this.held = [];
    this.first = 0;
    this.heldBytes = 0;
    return out;
  }

  /** Sorts what came in and merges it into the held exchanges. */
  private merge(): void {
    const incoming = this.incoming;
    if (incoming.length === 0) return;
    this.incoming = [];
    const compare = this.ordering.compare;
    incoming.sort(compare);
    const held = this.held;
    const first = this.first;
    if (held.length === first) {
      this.held = incoming;
      this.first = 0;
      return;
    }
    if (compare(held[held.length - 1] as T, incoming[0]) < 0) {
      // Everything new starts after everything held (the usual case).
      for (const e of incoming) held.push(e);
      return;
    }
    const merged: T[] = new Array<T>(held.length - first + incoming.length);
    let i = first;
    let j = 0;
    let k = 0;
    while (i < held.length && j < incoming.length) merged[k++] = compare(held[i] as T, incoming[j]) <= 0 ? (held[i++] as T) : incoming[j++];
    while (i < held.length) merged[k++] = held[i++] as T;
    while (j < incoming.length) merged[k++] = incoming[j++];
    this.held = merged;
    this.first = 0;
  }
}
