/**
 * Text from the wire is never printed raw: a captured header could hold escape sequences that
 * repaint or hijack the user's terminal. Every byte outside printable ASCII becomes a visible
 * escape (\r, \n, \t, \e, \xNN), and a backslash is doubled, so the text stays unambiguous.
 */
const NAMED: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x1b: '\\e', 0x5c: '\\\\' };

export function printable(text: string): string {
  // Fast path: nothing to escape (the common case).
  if (/^[\x20-\x5b\x5d-\x7e]*$/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) out += text[i];
    else out += NAMED[c] ?? (c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u{${c.toString(16)}}`);
  }
  return out;
}
