import type { ConnectionState } from './connection-state.js';
import type { FlowKeyReader } from './flow-key.js';

/**
 * Tracked connections by key: a Map from the key's small-integer hash to a chain of states
 * (linked through ConnectionState.hashNext), each checked against the packet's raw key.
 */
export class ConnectionTable {
  private readonly buckets = new Map<number, ConnectionState>();
  size = 0;

  /** The state whose key is the one `reader` read last. */
  find(reader: FlowKeyReader): ConnectionState | undefined {
    for (let s = this.buckets.get(reader.hash); s !== undefined; s = s.hashNext ?? undefined) {
      if (reader.matches(s.key)) return s;
    }
    return undefined;
  }

  add(state: ConnectionState): void {
    const hash = state.key.hash;
    state.hashNext = this.buckets.get(hash) ?? null;
    this.buckets.set(hash, state);
    this.size++;
  }

  delete(state: ConnectionState): void {
    const hash = state.key.hash;
    let s = this.buckets.get(hash);
    if (s === state) {
      if (state.hashNext === null) this.buckets.delete(hash);
      else this.buckets.set(hash, state.hashNext);
    } else {
      while (s !== undefined && s.hashNext !== state) s = s.hashNext ?? undefined;
      if (s === undefined) return;
      s.hashNext = state.hashNext;
    }
    state.hashNext = null;
    this.size--;
  }

  /** Every state (in no particular order). */
  *values(): IterableIterator<ConnectionState> {
    for (const head of this.buckets.values()) {
      for (let s: ConnectionState | null = head; s !== null; s = s.hashNext) yield s;
    }
  }
}
