/**
 * Everything that changes the TUI's state: what the pipeline reports (pairs, others, counters,
 * the end of the input), what the user does (keys, resizing), and the outcome of the one kind
 * of side effect the state asks for (writing pairs to a file).
 */
import type { Keypress } from '../keys/keypress.js';
import type { FlowRow, UnpairedRow } from '../model/other-rows.js';
import type { PairEntry } from '../model/pair-entry.js';
import type { RoutesSnapshot, RunStats } from '../model/run-stats.js';
import type { TerminalSize } from './layout.js';

export type TuiEvent =
  /** New pairs, in arrival order; `droppedBefore` pairs were let go before they could be shown. */
  | { readonly kind: 'pairs'; readonly entries: readonly PairEntry[]; readonly droppedBefore: number }
  | { readonly kind: 'unpaired'; readonly rows: readonly UnpairedRow[]; readonly droppedBefore: number }
  | { readonly kind: 'flows'; readonly rows: readonly FlowRow[]; readonly droppedBefore: number }
  | { readonly kind: 'stats'; readonly stats: RunStats }
  | { readonly kind: 'routes'; readonly routes: RoutesSnapshot }
  /** The input is over; `failure` says why it ended early, if it did. */
  | { readonly kind: 'end'; readonly failure: string | null }
  | { readonly kind: 'key'; readonly key: Keypress }
  | { readonly kind: 'resize'; readonly size: TerminalSize }
  | { readonly kind: 'effect-done'; readonly id: number; readonly ok: boolean; readonly message: string }
  /** Several events at once: one frame's worth from the feed. */
  | { readonly kind: 'batch'; readonly events: readonly TuiEvent[] };

/** What the state asks the app to do outside the reducer. */
export type Effect = {
  readonly kind: 'write';
  readonly id: number;
  readonly path: string;
  readonly format: 'har' | 'pcap';
  readonly entries: readonly PairEntry[];
};
