/** A one-line text being edited (the filter bar, the write prompt): pure editing operations. */
import type { Command } from '../keys/key-bindings.js';

export interface TextField {
  readonly text: string;
  /** Insertion point, 0..text.length. */
  readonly cursor: number;
}

/** Longest text a field takes: a filter or a file name, not a document. */
export const MAX_FIELD_LENGTH = 1000;

export function textField(text: string): TextField {
  return { text, cursor: text.length };
}

export function insert(f: TextField, typed: string): TextField {
  const room = MAX_FIELD_LENGTH - f.text.length;
  if (room <= 0 || typed === '') return f;
  const add = typed.slice(0, room);
  return { text: f.text.slice(0, f.cursor) + add + f.text.slice(f.cursor), cursor: f.cursor + add.length };
}

/** The field after an editing command; null for commands that do not edit. */
export function edit(f: TextField, command: Command): TextField | null {
  switch (command) {
    case 'erase-back':
      return f.cursor === 0 ? f : { text: f.text.slice(0, f.cursor - 1) + f.text.slice(f.cursor), cursor: f.cursor - 1 };
    case 'erase-word': {
      const before = f.text.slice(0, f.cursor).replace(/\S*\s*$/, '');
      return { text: before + f.text.slice(f.cursor), cursor: before.length };
    }
    case 'erase-line':
      return { text: '', cursor: 0 };
    case 'cursor-left':
      return { text: f.text, cursor: Math.max(0, f.cursor - 1) };
    case 'cursor-right':
      return { text: f.text, cursor: Math.min(f.text.length, f.cursor + 1) };
    case 'line-start':
      return { text: f.text, cursor: 0 };
    case 'line-end':
      return { text: f.text, cursor: f.text.length };
    default:
      return null;
  }
}
