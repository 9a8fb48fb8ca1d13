/** The TUI's whole state: plain data, changed only by the reducer. */
import type { FilterError } from '../filter/filter-language.js';
import type { PairPredicate } from '../filter/filter-predicate.js';
import type { DumpStyle } from '../format/packets-document.js';
import type { FlowRow, UnpairedRow } from '../model/other-rows.js';
import type { PairEntry } from '../model/pair-entry.js';
import type { RoutesSnapshot, RunStats } from '../model/run-stats.js';
import type { Effect } from './events.js';
import type { TerminalSize } from './layout.js';
import { EMPTY_STORE, DEFAULT_STORE_LIMITS, type PairStore, type StoreLimits } from './pair-store.js';
import type { SortKey } from './pair-rows.js';
import { START, type ListScroll } from './scroll.js';
import type { TextField } from './text-field.js';
import { VERDICTS, type Verdict } from '../../shadow/verdict.js';

export type Screen = 'pairs' | 'routes' | 'others';
export const SCREENS: readonly Screen[] = ['pairs', 'routes', 'others'];

export interface ActiveFilter {
  readonly text: string;
  readonly predicate: PairPredicate;
}

export interface PairsState {
  readonly rows: readonly PairEntry[];
  readonly scroll: ListScroll;
  readonly sort: SortKey;
  readonly filter: ActiveFilter | null;
  /** Keep the cursor on the newest pair as pairs arrive. */
  readonly follow: boolean;
}

export type DetailTab = 'messages' | 'packets';

export interface DetailState {
  readonly entry: PairEntry;
  readonly tab: DetailTab;
  readonly diffOnly: boolean;
  /** First line shown. */
  readonly offset: number;
  /** First column shown. */
  readonly column: number;
}

export interface FilterBarState {
  readonly field: TextField;
  /** The filter to go back to on Esc. */
  readonly previous: ActiveFilter | null;
  /** Why the text does not parse (the list keeps the last filter that did). */
  readonly error: FilterError | null;
}

export type WriteScope = 'shown' | 'selected';

export interface WritePromptState {
  readonly field: TextField;
  readonly scope: WriteScope;
}

export interface OthersState {
  readonly unpaired: readonly UnpairedRow[];
  readonly flows: readonly FlowRow[];
  readonly droppedUnpaired: number;
  readonly droppedFlows: number;
  readonly offset: number;
}

export interface Message {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface TuiState {
  readonly size: TerminalSize;
  readonly limits: StoreLimits;
  /** Unpaired exchanges and flows kept (each). */
  readonly maxOthers: number;
  readonly store: PairStore;
  readonly pairs: PairsState;
  readonly screen: Screen;
  readonly detail: DetailState | null;
  /** The help overlay's first line, when it is open. */
  readonly help: { readonly offset: number } | null;
  readonly filterBar: FilterBarState | null;
  readonly writePrompt: WritePromptState | null;
  readonly dump: DumpStyle;
  readonly routes: { readonly snapshot: RoutesSnapshot | null; readonly scroll: ListScroll };
  readonly others: OthersState;
  readonly stats: RunStats;
  readonly ended: boolean;
  /** Why reading stopped early. */
  readonly failure: string | null;
  /** A one-off note in the bottom bar (what was written, why a key did nothing). */
  readonly message: Message | null;
  /** The side effect waiting to be run (one at a time). */
  readonly effect: Effect | null;
  readonly nextEffectId: number;
  readonly defaultWritePath: string;
  readonly quit: boolean;
}

export interface StateOptions {
  readonly size: TerminalSize;
  readonly source: string;
  readonly limits?: StoreLimits;
  readonly maxOthers?: number;
  readonly dump?: DumpStyle;
  readonly defaultWritePath?: string;
}

export function zeroVerdicts(): Record<Verdict, number> {
  const counts = {} as Record<Verdict, number>;
  for (const v of VERDICTS) counts[v] = 0;
  return counts;
}

export function initialState(options: StateOptions): TuiState {
  return {
    size: options.size,
    limits: options.limits ?? DEFAULT_STORE_LIMITS,
    maxOthers: options.maxOthers ?? 10_000,
    store: EMPTY_STORE,
    pairs: { rows: [], scroll: START, sort: 'time', filter: null, follow: false },
    screen: 'pairs',
    detail: null,
    help: null,
    filterBar: null,
    writePrompt: null,
    dump: options.dump ?? 'ascii',
    routes: { snapshot: null, scroll: START },
    others: { unpaired: [], flows: [], droppedUnpaired: 0, droppedFlows: 0, offset: 0 },
    stats: { source: options.source, packets: 0, exchanges: 0, pairs: 0, verdicts: zeroVerdicts(), mirrorRate: null, anomalies: 0 },
    ended: false,
    failure: null,
    message: null,
    effect: null,
    nextEffectId: 1,
    defaultWritePath: options.defaultWritePath ?? 'shadowdump-pairs.har',
    quit: false,
  };
}

/** The pair under the cursor of the list, if any. */
export function selectedPair(state: TuiState): PairEntry | null {
  return state.pairs.rows[state.pairs.scroll.cursor] ?? null;
}
