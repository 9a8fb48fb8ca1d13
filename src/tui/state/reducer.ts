/**
 * The TUI's one reducer: (state, event) -> state, pure and synchronous, so every behaviour of
 * the interface can be tested without drawing it. Keys are turned into commands through the key
 * table for the context they arrive in (a bar being edited, the help, the detail, a screen).
 */
import { printable } from '../../render/printable.js';
import { OTHER_ROUTES, type RouteSummary } from '../../shadow/route-stats.js';
import { parseFilter } from '../filter/filter-language.js';
import { pairPredicate } from '../filter/filter-predicate.js';
import { detailLines } from '../format/detail-cache.js';
import { helpDocument } from '../format/help-document.js';
import { othersDocument } from '../format/others-document.js';
import { commandFor, type Command } from '../keys/key-bindings.js';
import type { Keypress } from '../keys/keypress.js';
import type { PairEntry } from '../model/pair-entry.js';
import type { TuiEvent } from './events.js';
import { geometry, type TerminalSize } from './layout.js';
import { addToStore, firstKept } from './pair-store.js';
import { buildRows, dropEvicted, mergeRows, rowIndex, SORT_KEYS, SORT_LABELS, type SortKey } from './pair-rows.js';
import { clampOffset, moveDocument, moveList, scrollTo, START, type ListScroll } from './scroll.js';
import { SCREENS, selectedPair, type ActiveFilter, type DetailState, type OthersState, type PairsState, type Screen, type TuiState } from './state.js';
import { edit, insert, textField, type TextField } from './text-field.js';

/** Columns a left/right key scrolls the detail by. */
const COLUMN_STEP = 8;
const MAX_COLUMN = 4096;

export function reduce(state: TuiState, event: TuiEvent): TuiState {
  switch (event.kind) {
    case 'batch':
      return event.events.reduce(reduce, state);
    case 'pairs':
      return receivePairs(state, event.entries, event.droppedBefore);
    case 'unpaired':
      return { ...state, others: appendOthers(state.others, 'unpaired', event.rows, event.droppedBefore, state.maxOthers) };
    case 'flows':
      return { ...state, others: appendOthers(state.others, 'flows', event.rows, event.droppedBefore, state.maxOthers) };
    case 'stats':
      return { ...state, stats: event.stats };
    case 'routes': {
      const count = event.routes.routes.length;
      return { ...state, routes: { snapshot: event.routes, scroll: scrollTo(state.routes.scroll, state.routes.scroll.cursor, count, geometry(state.size).routeRows) } };
    }
    case 'end':
      return { ...state, ended: true, failure: event.failure };
    case 'resize':
      return resized(state, event.size);
    case 'effect-done':
      if (state.effect?.id !== event.id) return state;
      return { ...state, effect: null, message: { text: event.message, tone: event.ok ? 'info' : 'error' } };
    case 'key':
      return onKey(state.message === null ? state : { ...state, message: null }, event.key);
  }
}

// ---------------------------------------------------------------------------------------------
// Pipeline events

function receivePairs(state: TuiState, entries: readonly PairEntry[], droppedBefore: number): TuiState {
  const store = addToStore(state.store, entries, state.limits, droppedBefore);
  const { pairs } = state;
  const merged = mergeRows(pairs.rows, entries, pairs.sort, pairs.filter?.predicate ?? null);
  const rows = dropEvicted(merged, firstKept(store));
  return { ...state, store, pairs: { ...pairs, rows, scroll: keepSelection(pairs, rows, geometry(state.size).listRows) } };
}

/**
 * The scroll position after the rows changed: on the newest row when following, otherwise on
 * the same pair at the same place on screen (or where it was, if it is gone).
 */
function keepSelection(before: PairsState, rows: readonly PairEntry[], height: number): ListScroll {
  if (before.follow) return scrollTo(before.scroll, rows.length - 1, rows.length, height);
  const selected = before.rows[before.scroll.cursor];
  if (selected === undefined) return scrollTo(START, 0, rows.length, height);
  const found = rowIndex(rows, selected, before.sort);
  const index = found >= 0 ? found : Math.min(before.scroll.cursor, rows.length - 1);
  const onScreen = before.scroll.cursor - before.scroll.top;
  return scrollTo({ cursor: index, top: index - onScreen }, index, rows.length, height);
}

function appendOthers<K extends 'unpaired' | 'flows'>(others: OthersState, key: K, rows: OthersState[K], droppedBefore: number, max: number): OthersState {
  const all = others[key].concat(rows);
  const excess = Math.max(0, all.length - max);
  const droppedKey = key === 'unpaired' ? 'droppedUnpaired' : 'droppedFlows';
  return { ...others, [key]: excess > 0 ? all.slice(excess) : all, [droppedKey]: others[droppedKey] + excess + droppedBefore };
}

function resized(state: TuiState, size: TerminalSize): TuiState {
  const g = geometry(size);
  const s: TuiState = { ...state, size };
  const detail = s.detail === null ? null : { ...s.detail, offset: clampOffset(s.detail.offset, detailLineCount(s, s.detail), g.detailRows) };
  return {
    ...s,
    pairs: { ...s.pairs, scroll: scrollTo(s.pairs.scroll, s.pairs.scroll.cursor, s.pairs.rows.length, g.listRows) },
    routes: { ...s.routes, scroll: scrollTo(s.routes.scroll, s.routes.scroll.cursor, routeRows(s).length, g.routeRows) },
    others: { ...s.others, offset: clampOffset(s.others.offset, othersDocument(s.others).length, g.documentRows) },
    help: s.help === null ? null : { offset: clampOffset(s.help.offset, helpDocument().length, g.documentRows) },
    detail,
  };
}

const routeRows = (state: TuiState): readonly RouteSummary[] => state.routes.snapshot?.routes ?? [];
const detailLineCount = (state: TuiState, d: DetailState): number => detailLines(d.entry, d.tab, d.diffOnly, state.dump).length;

// ---------------------------------------------------------------------------------------------
// Keys

function onKey(state: TuiState, key: Keypress): TuiState {
  if (state.filterBar !== null) return filterBarKey(state, key);
  if (state.writePrompt !== null) return writePromptKey(state, key);
  if (state.help !== null) return helpKey(state, key);
  if (geometry(state.size).tooSmall) return commandFor(key, ['app']) === 'quit' ? { ...state, quit: true } : state;
  if (state.detail !== null) return detailKey(state, state.detail, key);
  switch (state.screen) {
    case 'pairs':
      return pairsKey(state, key);
    case 'routes':
      return routesKey(state, key);
    case 'others':
      return othersKey(state, key);
  }
}

/** Commands that mean the same on every screen; null when `command` is not one of them. */
function appCommand(state: TuiState, command: Command): TuiState | null {
  switch (command) {
    case 'quit':
      return { ...state, quit: true };
    case 'help':
      return { ...state, help: { offset: 0 } };
    case 'filter':
      return { ...state, filterBar: { field: textField(state.pairs.filter?.text ?? ''), previous: state.pairs.filter, error: null } };
    case 'write':
      if (state.effect !== null) return { ...state, message: { text: 'a write is still running', tone: 'error' } };
      return { ...state, writePrompt: { field: textField(state.defaultWritePath), scope: state.detail !== null ? 'selected' : 'shown' } };
    case 'show-pairs':
      return showScreen(state, 'pairs');
    case 'show-routes':
      return showScreen(state, 'routes');
    case 'show-others':
      return showScreen(state, 'others');
    case 'next-pane':
    case 'previous-pane': {
      const step = command === 'next-pane' ? 1 : SCREENS.length - 1;
      return showScreen(state, SCREENS[(SCREENS.indexOf(state.screen) + step) % SCREENS.length]);
    }
    default:
      return null;
  }
}

function showScreen(state: TuiState, screen: Screen): TuiState {
  return { ...state, screen, detail: null };
}

function pairsKey(state: TuiState, key: Keypress): TuiState {
  const command = commandFor(key, ['move', 'app', 'list']);
  if (command === null) return state;
  const { pairs } = state;
  const moved = moveList(pairs.scroll, command, pairs.rows.length, geometry(state.size).listRows);
  if (moved !== null) {
    // Moving away from the newest pair stops following, as `less +F` does.
    const follow = pairs.follow && command === 'bottom';
    return { ...state, pairs: { ...pairs, scroll: moved, follow } };
  }
  switch (command) {
    case 'open': {
      const entry = selectedPair(state);
      if (entry === null) return state;
      return { ...state, detail: { entry, tab: 'messages', diffOnly: false, offset: 0, column: 0 } };
    }
    case 'back':
      return pairs.filter === null ? state : applyFilter(state, null);
    case 'follow': {
      if (pairs.follow) return { ...state, pairs: { ...pairs, follow: false } };
      // The newest pairs are last only in time order.
      const sorted = pairs.sort === 'time' ? state : resort(state, 'time');
      const rows = sorted.pairs.rows;
      return { ...sorted, pairs: { ...sorted.pairs, follow: true, scroll: scrollTo(sorted.pairs.scroll, rows.length - 1, rows.length, geometry(state.size).listRows) } };
    }
    case 'sort': {
      const next = SORT_KEYS[(SORT_KEYS.indexOf(pairs.sort) + 1) % SORT_KEYS.length];
      const sorted = resort(state, next);
      return { ...sorted, pairs: { ...sorted.pairs, follow: false }, message: { text: `sorted by ${SORT_LABELS[next]}`, tone: 'info' } };
    }
    default:
      return appCommand(state, command) ?? state;
  }
}

/** Rows rebuilt in another order, the cursor staying on the pair it was on. */
function resort(state: TuiState, sort: SortKey): TuiState {
  const { pairs } = state;
  const rows = buildRows(pairs.rows, sort, null);
  return { ...state, pairs: { ...pairs, sort, rows, scroll: relocate(pairs, rows, sort, geometry(state.size).listRows) } };
}

function relocate(before: PairsState, rows: readonly PairEntry[], sort: SortKey, height: number): ListScroll {
  const selected = before.rows[before.scroll.cursor];
  const index = selected === undefined ? 0 : rowIndex(rows, selected, sort);
  return scrollTo(START, index < 0 ? 0 : index, rows.length, height);
}

function applyFilter(state: TuiState, filter: ActiveFilter | null): TuiState {
  const { pairs } = state;
  const rows = buildRows(state.store.entries, pairs.sort, filter?.predicate ?? null);
  return { ...state, pairs: { ...pairs, filter, rows, scroll: relocate(pairs, rows, pairs.sort, geometry(state.size).listRows) } };
}

function detailKey(state: TuiState, detail: DetailState, key: Keypress): TuiState {
  const command = commandFor(key, ['move', 'app', 'detail']);
  if (command === null) return state;
  const g = geometry(state.size);
  const offset = moveDocument(detail.offset, command, detailLineCount(state, detail), g.detailRows);
  if (offset !== null) return { ...state, detail: { ...detail, offset } };
  const withDetail = (d: DetailState, dump = state.dump): TuiState => {
    const s = { ...state, dump };
    return { ...s, detail: { ...d, offset: clampOffset(d.offset, detailLineCount(s, d), g.detailRows) } };
  };
  switch (command) {
    case 'back':
      return { ...state, detail: null };
    case 'next-pane':
    case 'previous-pane':
      return withDetail({ ...detail, tab: detail.tab === 'messages' ? 'packets' : 'messages', offset: 0, column: 0 });
    case 'diff-only':
      return withDetail({ ...detail, tab: 'messages', diffOnly: detail.tab === 'messages' ? !detail.diffOnly : true, offset: 0 });
    case 'dump-style':
      return withDetail({ ...detail, tab: 'packets', offset: detail.tab === 'packets' ? detail.offset : 0 }, detail.tab === 'packets' ? (state.dump === 'ascii' ? 'hex' : 'ascii') : state.dump);
    case 'scroll-left':
      return withDetail({ ...detail, column: Math.max(0, detail.column - COLUMN_STEP) });
    case 'scroll-right':
      return withDetail({ ...detail, column: Math.min(MAX_COLUMN, detail.column + COLUMN_STEP) });
    case 'next-pair':
    case 'previous-pair': {
      const { pairs } = state;
      const scroll = scrollTo(pairs.scroll, pairs.scroll.cursor + (command === 'next-pair' ? 1 : -1), pairs.rows.length, g.listRows);
      const entry = pairs.rows[scroll.cursor];
      if (entry === undefined || entry === detail.entry) return state;
      return { ...state, pairs: { ...pairs, scroll, follow: false }, detail: { ...detail, entry, offset: 0, column: 0 } };
    }
    default:
      return appCommand(state, command) ?? state;
  }
}

function routesKey(state: TuiState, key: Keypress): TuiState {
  const command = commandFor(key, ['move', 'app', 'list']);
  if (command === null) return state;
  const routes = routeRows(state);
  const moved = moveList(state.routes.scroll, command, routes.length, geometry(state.size).routeRows);
  if (moved !== null) return { ...state, routes: { ...state.routes, scroll: moved } };
  switch (command) {
    case 'open': {
      const route = routes[state.routes.scroll.cursor];
      if (route === undefined) return state;
      const text = routeFilterText(route);
      if (text === null) return { ...state, message: { text: `${OTHER_ROUTES} gathers the routes beyond the route limit: it cannot be filtered on`, tone: 'error' } };
      const parsed = parseFilter(text);
      if (!parsed.ok || parsed.expr === null) return { ...state, message: { text: `cannot filter on this route: ${parsed.ok ? 'empty' : parsed.error.message}`, tone: 'error' } };
      return showScreen(applyFilter(state, { text, predicate: pairPredicate(parsed.expr) }), 'pairs');
    }
    case 'back':
      return showScreen(state, 'pairs');
    default:
      return appCommand(state, command) ?? state;
  }
}

/** The filter that shows exactly one route's pairs, or null for the folded routes' entry. */
export function routeFilterText(route: RouteSummary): string | null {
  if (route.route === null) return null;
  // Entries hold printable text, and the filter compares with that.
  const values = [route.route.method, route.route.host ?? '-', route.route.template].map((v) => quotedValue(printable(v)));
  if (values.some((v) => v === null)) return null;
  return `method=${values[0]} and host=${values[1]} and route=${values[2]}`;
}

/** A filter value as it must be written: bare, or quoted with a quote it does not contain. */
function quotedValue(text: string): string | null {
  if (/^[^\s()"']+$/.test(text)) return text;
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes("'")) return `'${text}'`;
  return null;
}

function othersKey(state: TuiState, key: Keypress): TuiState {
  const command = commandFor(key, ['move', 'app']);
  if (command === null) return state;
  const offset = moveDocument(state.others.offset, command, othersDocument(state.others).length, geometry(state.size).documentRows);
  if (offset !== null) return { ...state, others: { ...state.others, offset } };
  if (command === 'back') return showScreen(state, 'pairs');
  return appCommand(state, command) ?? state;
}

function helpKey(state: TuiState, key: Keypress): TuiState {
  const command = commandFor(key, ['move', 'app']);
  if (command === null || state.help === null) return state;
  const offset = moveDocument(state.help.offset, command, helpDocument().length, geometry(state.size).documentRows);
  if (offset !== null) return { ...state, help: { offset } };
  if (command === 'back' || command === 'help') return { ...state, help: null };
  if (command === 'quit') return { ...state, quit: true };
  return state;
}

// ---------------------------------------------------------------------------------------------
// Bars

/** The field after typing or an editing command; null when the key is neither. */
function editField(field: TextField, command: Command | null, key: Keypress): TextField | null {
  if (command !== null) return edit(field, command);
  return key.text === '' ? null : insert(field, key.text);
}

function filterBarKey(state: TuiState, key: Keypress): TuiState {
  const bar = state.filterBar;
  if (bar === null) return state;
  const command = commandFor(key, ['edit']);
  if (command === 'cancel') return { ...applyFilter(state, bar.previous), filterBar: null };
  if (command === 'submit') {
    if (bar.error !== null) return state; // the bar stays open, showing why
    return { ...state, filterBar: null, screen: 'pairs', detail: null };
  }
  const field = editField(bar.field, command, key);
  if (field === null || field === bar.field) return state;
  // Applied as typed: the list follows each valid prefix; an invalid one leaves the list as it was.
  const parsed = parseFilter(field.text);
  if (!parsed.ok) return { ...state, filterBar: { ...bar, field, error: parsed.error } };
  const filter = parsed.expr === null ? null : { text: field.text.trim(), predicate: pairPredicate(parsed.expr) };
  return { ...applyFilter(state, filter), filterBar: { ...bar, field, error: null } };
}

function writePromptKey(state: TuiState, key: Keypress): TuiState {
  const prompt = state.writePrompt;
  if (prompt === null) return state;
  const command = commandFor(key, ['edit']);
  if (command === 'cancel') return { ...state, writePrompt: null };
  if (command === 'toggle-scope') return { ...state, writePrompt: { ...prompt, scope: prompt.scope === 'shown' ? 'selected' : 'shown' } };
  if (command === 'submit') {
    const path = prompt.field.text.trim();
    if (path === '') return { ...state, message: { text: 'give a file name ending in .har or .pcap', tone: 'error' } };
    const selected = state.detail?.entry ?? selectedPair(state);
    const entries = prompt.scope === 'shown' ? state.pairs.rows : selected === null ? [] : [selected];
    if (entries.length === 0) return { ...state, writePrompt: null, message: { text: 'no pairs to write', tone: 'error' } };
    const format = /\.pcap$/i.test(path) ? 'pcap' : 'har';
    const id = state.nextEffectId;
    return {
      ...state,
      writePrompt: null,
      defaultWritePath: path,
      effect: { kind: 'write', id, path, format, entries },
      nextEffectId: id + 1,
      message: { text: `writing ${entries.length} pairs to ${path}...`, tone: 'info' },
    };
  }
  const field = editField(prompt.field, command, key);
  return field === null || field === prompt.field ? state : { ...state, writePrompt: { ...prompt, field } };
}
