import type { Micros } from '../core/time.js';
import type { Exchange } from '../http/types.js';

export interface StartOrderLimits {
  /** How long (packet time) an exchange waits for earlier-started ones still in flight. */
  readonly window: Micros;
  /** Most exchanges held at once; past it the earliest go out regardless. */
  readonly maxHeld: number;
}

export const DEFAULT_START_ORDER: StartOrderLimits = { window: 1_000_000, maxHeld: 2_000 };

const byStart = (a: Exchange, b: Exchange): number => a.timing.requestStart - b.timing.requestStart || a.connectionId - b.connectionId || a.index - b.index;

/**
 * Exchanges complete in the order their responses end (a fast shadow before a slow primary),
 * but people read them in the order the requests began, as in tcpdump. This holds completed
 * exchanges for a short window of packet time and releases them sorted by request start.
 * Bounded: an exchange slower than the window, or a flood past maxHeld, comes out late rather
 * than growing memory.
 */
export class StartOrder {
  private held: Exchange[] = [];

  constructor(private readonly limits: StartOrderLimits = DEFAULT_START_ORDER) {}

  add(exchanges: readonly Exchange[]): void {
    for (const e of exchanges) this.held.push(e);
  }

  /** Exchanges that started before `now - window`, plus the earliest beyond maxHeld, in start order. */
  release(now: Micros): Exchange[] {
    if (this.held.length === 0) return [];
    this.held.sort(byStart);
    let n = 0;
    const horizon = now - this.limits.window;
    while (n < this.held.length && (this.held[n].timing.requestStart <= horizon || this.held.length - n > this.limits.maxHeld)) n++;
    if (n === 0) return [];
    const out = this.held.slice(0, n);
    this.held = this.held.slice(n);
    return out;
  }

  /** Everything still held, in start order (end of capture). */
  drain(): Exchange[] {
    const out = this.held.sort(byStart);
    this.held = [];
    return out;
  }
}
