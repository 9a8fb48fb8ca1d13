/**
 * Cursor and scroll arithmetic shared by every list and document: a list has a cursor row and
 * the first visible row; a document has only the first visible line. Pure; always clamped.
 */
import type { Command } from '../keys/key-bindings.js';

export interface ListScroll {
  /** Selected row (0 when the list is empty). */
  readonly cursor: number;
  /** First row on screen. */
  readonly top: number;
}

export const START: ListScroll = { cursor: 0, top: 0 };

const clamp = (n: number, min: number, max: number): number => Math.max(min, Math.min(max, n));

/** The cursor on row `index` (clamped), scrolled as little as needed to show it. */
export function scrollTo(s: ListScroll, index: number, count: number, height: number): ListScroll {
  if (count === 0) return START;
  const rows = Math.max(1, height);
  const cursor = clamp(index, 0, count - 1);
  let top = clamp(s.top, 0, Math.max(0, count - rows));
  if (cursor < top) top = cursor;
  else if (cursor >= top + rows) top = cursor - rows + 1;
  return cursor === s.cursor && top === s.top ? s : { cursor, top };
}

/** Where a movement command takes the cursor; null for other commands. */
export function moveList(s: ListScroll, command: Command, count: number, height: number): ListScroll | null {
  const page = Math.max(1, height - 1);
  switch (command) {
    case 'up':
      return scrollTo(s, s.cursor - 1, count, height);
    case 'down':
      return scrollTo(s, s.cursor + 1, count, height);
    case 'page-up':
      return scrollTo({ cursor: s.cursor, top: s.top - page }, s.cursor - page, count, height);
    case 'page-down':
      return scrollTo({ cursor: s.cursor, top: s.top + page }, s.cursor + page, count, height);
    case 'top':
      return scrollTo(s, 0, count, height);
    case 'bottom':
      return scrollTo(s, count - 1, count, height);
    default:
      return null;
  }
}

/** The first visible line of a document after a movement command; null for other commands. */
export function moveDocument(offset: number, command: Command, lines: number, height: number): number | null {
  const last = Math.max(0, lines - Math.max(1, height));
  const page = Math.max(1, height - 1);
  switch (command) {
    case 'up':
      return clamp(offset - 1, 0, last);
    case 'down':
      return clamp(offset + 1, 0, last);
    case 'page-up':
      return clamp(offset - page, 0, last);
    case 'page-down':
      return clamp(offset + page, 0, last);
    case 'top':
      return 0;
    case 'bottom':
      return last;
    default:
      return null;
  }
}

/** An offset still valid after the document or the screen changed size. */
export function clampOffset(offset: number, lines: number, height: number): number {
  return clamp(offset, 0, Math.max(0, lines - Math.max(1, height)));
}
