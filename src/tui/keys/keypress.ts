/**
 * One key press in the form the key table speaks: a name (`j`, `G`, `?`, `down`, `pagedown`,
 * `enter`, `escape`, `tab`, `shift+tab`, `backspace`, `ctrl+c`, `space`) and the text it would
 * type, if any. Made from ink's (input, key) pair here, so the rest of the TUI never sees ink.
 */
import type { Key } from 'ink';

export interface Keypress {
  /** The table's name for the key. */
  readonly name: string;
  /** The printable character it types, else ''. */
  readonly text: string;
}

const PRINTABLE = /^[\x20-\x7e]+$/;

/** A key by its table name, for tests and for the reducer's own use. */
export function keypress(name: string): Keypress {
  if (name === 'space') return { name, text: ' ' };
  return { name, text: name.length === 1 && PRINTABLE.test(name) ? name : '' };
}

/** One typed character (nothing, if it is not printable ASCII). */
export function typed(char: string): Keypress {
  if (!PRINTABLE.test(char) || char.length !== 1) return { name: '', text: '' };
  return { name: char === ' ' ? 'space' : char, text: char };
}

/**
 * The key presses in one input from ink. Keys typed faster than they are read (or sent by tmux
 * send-keys) arrive as one string, like a paste: each character is then its own key press, so
 * `jjj` moves three rows, and in a bar the text is typed character by character all the same.
 */
export function fromInk(input: string, key: Key): Keypress[] {
  const named = namedKey(key);
  if (named !== null) return [{ name: named, text: '' }];
  if (key.ctrl && input.length > 0) return [{ name: `ctrl+${input.toLowerCase()}`, text: '' }];
  if (key.meta && input.length > 0) return [{ name: `meta+${input}`, text: '' }];
  return [...input].map(character).filter((k) => k.name !== '');
}

/** One character of a multi-character input: Enter, Tab, Backspace and Ctrl+letter arrive as their control bytes. */
function character(c: string): Keypress {
  const code = c.charCodeAt(0);
  if (c === '\r' || c === '\n') return { name: 'enter', text: '' };
  if (c === '\t') return { name: 'tab', text: '' };
  if (code === 0x7f || code === 0x08) return { name: 'backspace', text: '' };
  if (code >= 0x01 && code <= 0x1a) return { name: `ctrl+${String.fromCharCode(code + 0x60)}`, text: '' };
  return typed(c);
}

function namedKey(key: Key): string | null {
  const names: Array<[boolean, string]> = [
    [key.upArrow, 'up'],
    [key.downArrow, 'down'],
    [key.leftArrow, 'left'],
    [key.rightArrow, 'right'],
    [key.pageUp, 'pageup'],
    [key.pageDown, 'pagedown'],
    [key.home, 'home'],
    [key.end, 'end'],
    [key.return, 'enter'],
    [key.escape, 'escape'],
    // ink reports the DEL byte most terminals send for Backspace as `delete`.
    [key.backspace || key.delete, 'backspace'],
  ];
  for (const [pressed, name] of names) if (pressed) return name;
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  return null;
}
