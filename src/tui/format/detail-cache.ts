/**
 * The lines of a pair's detail, made once per pair and mode: the reducer needs their count on
 * every key press in the detail (to clamp scrolling) and the component needs the lines to draw.
 * A WeakMap keyed by the entry, so a pair the store lets go takes its lines with it.
 */
import type { PairEntry } from '../model/pair-entry.js';
import type { DetailTab } from '../state/state.js';
import { messagesDocument, type DetailLine } from './detail-document.js';
import { packetsDocument, type DumpStyle } from './packets-document.js';

const cache = new WeakMap<PairEntry, Map<string, readonly DetailLine[]>>();

export function detailLines(entry: PairEntry, tab: DetailTab, diffOnly: boolean, dump: DumpStyle): readonly DetailLine[] {
  const mode = tab === 'packets' ? `packets:${dump}` : `messages:${diffOnly}`;
  let byMode = cache.get(entry);
  if (byMode === undefined) {
    byMode = new Map();
    cache.set(entry, byMode);
  }
  let lines = byMode.get(mode);
  if (lines === undefined) {
    lines = tab === 'packets' ? packetsDocument(entry, dump) : messagesDocument(entry, diffOnly);
    byMode.set(mode, lines);
  }
  return lines;
}
