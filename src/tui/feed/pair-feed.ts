/**
 * Where the pipeline leaves what it found for the TUI, and where the TUI picks it up once a
 * frame: the pipeline adds pairs, others and counters as they come (synchronously, no React),
 * the app drains them about 30 times a second into one batch event. So a capture read at full
 * speed costs one state update per frame, not one per pair. Bounded: between two frames at most
 * `maxPairs` pairs of at most `maxBytes` (and `maxOthers` others) wait; older ones are dropped
 * and counted, as the store would drop them anyway.
 */
import type { FlowRow, UnpairedRow } from '../model/other-rows.js';
import type { PairEntry } from '../model/pair-entry.js';
import type { RoutesSnapshot, RunStats } from '../model/run-stats.js';
import type { TuiEvent } from '../state/events.js';

/** What the app polls. */
export interface EventSource {
  /** Everything since the last call as one event, or null when nothing happened. */
  drain(): TuiEvent | null;
  /** The end of the input has been drained: nothing more will come. */
  readonly finished: boolean;
}

/** At most `max` items and `maxWeight` of weight; the oldest go first. */
class BoundedQueue<T> {
  items: T[] = [];
  dropped = 0;
  private weight = 0;

  constructor(
    private readonly max: number,
    private readonly maxWeight = Infinity,
    private readonly weightOf: (item: T) => number = () => 0,
  ) {}

  push(item: T): void {
    this.items.push(item);
    this.weight += this.weightOf(item);
    // Trimmed in steps, so that a long burst costs a copy per `max` items, not per item.
    if (this.items.length >= 2 * this.max || this.weight > this.maxWeight) this.trim();
  }

  take(): { items: T[]; dropped: number } {
    this.trim();
    const taken = { items: this.items, dropped: this.dropped };
    this.items = [];
    this.dropped = 0;
    this.weight = 0;
    return taken;
  }

  private trim(): void {
    let excess = Math.max(0, this.items.length - this.max);
    for (let i = 0; i < excess; i++) this.weight -= this.weightOf(this.items[i]);
    while (this.weight > this.maxWeight && excess < this.items.length - 1) this.weight -= this.weightOf(this.items[excess++]);
    if (excess === 0) return;
    this.items = this.items.slice(excess);
    this.dropped += excess;
  }
}

export class PairFeed implements EventSource {
  private readonly pairs: BoundedQueue<PairEntry>;
  private readonly unpaired: BoundedQueue<UnpairedRow>;
  private readonly flows: BoundedQueue<FlowRow>;
  private stats: RunStats | null = null;
  private routes: RoutesSnapshot | null = null;
  private end: { failure: string | null } | null = null;
  private done = false;

  constructor(limits: { readonly maxPairs: number; readonly maxBytes?: number; readonly maxOthers: number }) {
    this.pairs = new BoundedQueue(Math.max(1, limits.maxPairs), limits.maxBytes ?? Infinity, (e: PairEntry) => e.weight);
    this.unpaired = new BoundedQueue(Math.max(1, limits.maxOthers));
    this.flows = new BoundedQueue(Math.max(1, limits.maxOthers));
  }

  addPair(entry: PairEntry): void {
    this.pairs.push(entry);
  }

  addUnpaired(row: UnpairedRow): void {
    this.unpaired.push(row);
  }

  addFlow(row: FlowRow): void {
    this.flows.push(row);
  }

  setStats(stats: RunStats): void {
    this.stats = stats;
  }

  setRoutes(routes: RoutesSnapshot): void {
    this.routes = routes;
  }

  /** The input is over (`failure`: why it stopped early). */
  finish(failure: string | null = null): void {
    this.end ??= { failure };
  }

  get finished(): boolean {
    return this.done;
  }

  drain(): TuiEvent | null {
    const events: TuiEvent[] = [];
    const pairs = this.pairs.take();
    if (pairs.items.length > 0 || pairs.dropped > 0) events.push({ kind: 'pairs', entries: pairs.items, droppedBefore: pairs.dropped });
    const unpaired = this.unpaired.take();
    if (unpaired.items.length > 0 || unpaired.dropped > 0) events.push({ kind: 'unpaired', rows: unpaired.items, droppedBefore: unpaired.dropped });
    const flows = this.flows.take();
    if (flows.items.length > 0 || flows.dropped > 0) events.push({ kind: 'flows', rows: flows.items, droppedBefore: flows.dropped });
    if (this.stats !== null) events.push({ kind: 'stats', stats: this.stats });
    if (this.routes !== null) events.push({ kind: 'routes', routes: this.routes });
    this.stats = null;
    this.routes = null;
    if (this.end !== null && !this.done) {
      events.push({ kind: 'end', failure: this.end.failure });
      this.done = true;
    }
    return events.length === 0 ? null : { kind: 'batch', events };
  }
}
