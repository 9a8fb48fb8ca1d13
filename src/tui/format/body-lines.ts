/**
 * A message body as lines for the side-by-side detail: JSON pretty-printed with the path of
 * every line (so a difference such as `$.user.score` lands on its line), other text line by
 * line (numbered as the comparison numbers them), anything binary as a hex dump. Every line
 * is printable; the number of lines is bounded.
 */
import { isUtf8 } from 'node:buffer';
import type { BodyCapture } from '../../http/types.js';
import { printable } from '../../render/printable.js';
import { hexAsciiDump } from '../../render/tcpdump/dump.js';
import { formatPath, type JsonValue, type PathSegment } from '../../shadow/json-diff.js';

export interface BodyLine {
  readonly text: string;
  /** What lines are aligned on between the two sides. */
  readonly key: string;
  /** The JSON path of the value on this line (as compare.ts names differences), or null. */
  readonly path: string | null;
  /** For text bodies: the 1-based line number (`body:line N`), else null. */
  readonly lineNumber: number | null;
}

export type BodyFormat = 'json' | 'text' | 'binary' | 'none';

export interface BodyLines {
  readonly format: BodyFormat;
  readonly lines: readonly BodyLine[];
  /** `[gzip-decoded from 120 bytes; 40 more lines]`, or null. */
  readonly note: string | null;
}

export const MAX_BODY_LINES = 1000;
const MAX_BINARY_BYTES = 1024;
const INDENT = '  ';

export function bodyLines(body: BodyCapture, maxLines = MAX_BODY_LINES): BodyLines {
  if (body.wireBytes === 0 && body.data.length === 0) return { format: 'none', lines: [], note: null };
  const bytes = body.decoded ?? body.data;
  const notes: string[] = [];
  if (body.decoded !== null) notes.push(`${printable(body.contentEncoding ?? 'content')}-decoded from ${body.wireBytes} bytes`);
  if (body.decodeProblem !== null) notes.push(`not decoded: ${printable(body.decodeProblem)}`);
  if (body.truncated) notes.push(`capture kept ${body.data.length} of ${body.wireBytes} bytes`);

  let format: BodyFormat;
  let lines: BodyLine[];
  const text = isUtf8(bytes) && !bytes.includes(0) ? bytes.toString('utf8') : null;
  const json = text === null ? undefined : parseJson(text);
  if (json !== undefined) {
    format = 'json';
    lines = jsonLines(json, maxLines + 1);
  } else if (text !== null || mostlyText(bytes)) {
    format = 'text';
    lines = textLines(text ?? bytes.toString('latin1'), maxLines + 1);
  } else {
    format = 'binary';
    const shown = bytes.subarray(0, MAX_BINARY_BYTES);
    lines = hexAsciiDump(shown, '\n')
      .split('\n')
      .slice(1)
      .map((l, i) => ({ text: l, key: `hex:${i}`, path: null, lineNumber: null }));
    if (bytes.length > shown.length) notes.push(`${bytes.length - shown.length} more bytes`);
  }
  if (lines.length > maxLines) {
    lines = lines.slice(0, maxLines);
    notes.push('more lines not shown');
  }
  return { format, lines, note: notes.length > 0 ? `[${notes.join('; ')}]` : null };
}

function parseJson(text: string): JsonValue | undefined {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Text with at most a few control bytes (a latin-1 page, say) is shown as text, escaped. */
function mostlyText(bytes: Buffer): boolean {
  let odd = 0;
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) odd++;
  }
  return odd * 20 < n;
}

function textLines(text: string, max: number): BodyLine[] {
  const raw = text.split('\n');
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  return raw.slice(0, max).map((l, i) => ({ text: printable(l.endsWith('\r') ? l.slice(0, -1) : l), key: `line:${i}`, path: null, lineNumber: i + 1 }));
}

/** Pretty-printed JSON, two spaces an indent, each line with its path; stops after `max` lines. */
export function jsonLines(value: JsonValue, max = MAX_BODY_LINES): BodyLine[] {
  const out: BodyLine[] = [];
  const segments: PathSegment[] = [];
  const emit = (text: string, path: string, end: boolean): void => {
    if (out.length < max) out.push({ text: printable(text), key: end ? `${path}#end` : path, path, lineNumber: null });
  };
  const walk = (v: JsonValue, depth: number, prefix: string, suffix: string): void => {
    if (out.length >= max) return;
    const indent = INDENT.repeat(depth);
    const path = formatPath(segments);
    if (Array.isArray(v)) {
      if (v.length === 0) return emit(`${indent}${prefix}[]${suffix}`, path, false);
      emit(`${indent}${prefix}[`, path, false);
      v.forEach((item, i) => {
        segments.push(i);
        walk(item, depth + 1, '', i < v.length - 1 ? ',' : '');
        segments.pop();
      });
      return emit(`${indent}]${suffix}`, path, true);
    }
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0) return emit(`${indent}${prefix}{}${suffix}`, path, false);
      emit(`${indent}${prefix}{`, path, false);
      keys.forEach((k, i) => {
        segments.push(k);
        walk(v[k], depth + 1, `${JSON.stringify(k)}: `, i < keys.length - 1 ? ',' : '');
        segments.pop();
      });
      return emit(`${indent}}${suffix}`, path, true);
    }
    emit(`${indent}${prefix}${JSON.stringify(v)}${suffix}`, path, false);
  };
  walk(value, 0, '', '');
  return out;
}

/** Whether a line with JSON path `path` shows (part of) the difference at `differing`. */
export function pathShowsDifference(path: string, differing: string): boolean {
  if (path === differing || differing === `${path}.length`) return true;
  return path.startsWith(differing) && (path[differing.length] === '.' || path[differing.length] === '[');
}
