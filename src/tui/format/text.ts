/**
 * The last gate before the terminal. Wire text is made printable where it is read (printable()
 * in src/render), but every string the TUI draws also passes through here, so that one missed
 * call cannot let a captured escape sequence reach the terminal: control characters (C0, DEL,
 * C1) and the invisible Unicode controls that reorder or hide text become visible escapes, tabs
 * become spaces, and each line is clipped to its width on purpose (ending in `~`) instead of
 * being wrapped by the terminal, which would break the frame's line count.
 *
 * The TUI's own text is ASCII too: ink measures every line of every frame with string-width,
 * which takes ~2 us for an ASCII line and ~200 us for one with a single `…` or `│` in it.
 */

/** Characters that must never reach the terminal as they are. */
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const TAB_WIDTH = 8;

/** Marks a clipped line (ASCII: see above). */
export const CLIP_MARK = '~';

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x1b) return '\\e';
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** Tabs expanded to 8-column stops (tcpdump -A keeps tab bytes). */
export function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  for (const c of text) out += c === '\t' ? ' '.repeat(TAB_WIDTH - (out.length % TAB_WIDTH)) : c;
  return out;
}

/** Text safe to draw on one line: tabs expanded, every control character made visible. */
export function screenSafe(text: string): string {
  const expanded = expandTabs(text);
  return UNSAFE.test(expanded) ? expanded.replace(UNSAFE_ALL, escapeChar) : expanded;
}

/** Exactly `width` columns: safe text, clipped with a mark or padded with spaces. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const safe = screenSafe(text);
  if (safe.length > width) return safe.slice(0, width - 1) + CLIP_MARK;
  return safe.length === width ? safe : safe.padEnd(width);
}

/** Like fit, but right-aligned (numbers). */
export function fitRight(text: string, width: number): string {
  if (width <= 0) return '';
  const safe = screenSafe(text);
  if (safe.length > width) return safe.slice(0, width - 1) + CLIP_MARK;
  return safe.padStart(width);
}

/** The part of a line from column `offset` on (horizontal scrolling), marked when cut on the left. */
export function fromColumn(text: string, offset: number): string {
  if (offset <= 0) return text;
  const safe = screenSafe(text);
  return safe.length <= offset ? '' : CLIP_MARK + safe.slice(offset + 1);
}
