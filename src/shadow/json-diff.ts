/**
 * Structural comparison of two parsed JSON documents, with JSONPath-like paths (`$.a.b`,
 * `$.list[3]`, `$["odd key"]`). Synchronous, bounded (nesting depth, reported differences,
 * length of reported values) and never throws.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** A differing value pair, values as JSON text (null: absent on that side). */
export interface JsonDifference {
  readonly path: string;
  readonly primary: string | null;
  readonly shadow: string | null;
}

/** Receives differences; `full` lets the walker skip formatting values nobody will keep. */
export interface DifferenceSink {
  readonly full: boolean;
  add(path: string, primary: string | null, shadow: string | null): void;
  /** Counts a difference without its values (called instead of `add` when `full`). */
  skip(): void;
}

export interface JsonDiffOptions {
  /** Paths to leave out, with their subtrees: exact (`$.meta.time`) or with `*` (`$.items[*].id`). */
  readonly ignorePaths?: readonly string[];
  /** Deeper subtrees are compared as a whole (by their JSON text). Default 64. */
  readonly maxDepth?: number;
  /** Reported values longer than this are cut, ending in `…`. Default 200. */
  readonly maxValueLength?: number;
}

export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_VALUE_LENGTH = 200;

type PatternSegment = { readonly kind: 'key'; readonly name: string } | { readonly kind: 'index'; readonly index: number } | { readonly kind: 'any' };

/** A parsed ignore pattern, or the raw text when it does not parse (then matched literally). */
type Pattern = { readonly kind: 'segments'; readonly segments: readonly PatternSegment[] } | { readonly kind: 'literal'; readonly text: string };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$` followed by `.key` or `["key"]` and `[3]` steps. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) out += appendSegment(s);
  return out;
}

function appendSegment(s: PathSegment): string {
  if (typeof s === 'number') return `[${s}]`;
  return IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
}

/** Parses `$.a.b[*].c["x y"][2]`; null when the text is not in that form. */
export function parsePathPattern(text: string): PatternSegment[] | null {
  if (!text.startsWith('$')) return null;
  const segments: PatternSegment[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      const m = /^(\*|[A-Za-z_$][A-Za-z0-9_$]*)/.exec(text.slice(i + 1));
      if (m === null) return null;
      segments.push(m[1] === '*' ? { kind: 'any' } : { kind: 'key', name: m[1] });
      i += 1 + m[1].length;
    } else if (c === '[') {
      const close = findClose(text, i);
      if (close < 0) return null;
      const inner = text.slice(i + 1, close);
      if (inner === '*') segments.push({ kind: 'any' });
      else if (/^\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else {
        const name = parseQuoted(inner);
        if (name === null) return null;
        segments.push({ kind: 'key', name });
      }
      i = close + 1;
    } else {
      return null;
    }
  }
  return segments;
}

function findClose(text: string, open: number): number {
  const q = text[open + 1];
  if (q === '"' || q === "'") {
    for (let j = open + 2; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === q) return text[j + 1] === ']' ? j + 1 : -1;
    }
    return -1;
  }
  return text.indexOf(']', open);
}

function parseQuoted(inner: string): string | null {
  if (inner.length < 2) return null;
  const q = inner[0];
  if ((q !== '"' && q !== "'") || inner[inner.length - 1] !== q) return null;
  if (q === '"') {
    try {
      const v: unknown = JSON.parse(inner);
      return typeof v === 'string' ? v : null;
    } catch {
      return null;
    }
  }
  return inner.slice(1, -1).replace(/\\(.)/g, '$1');
}

export function compilePatterns(texts: readonly string[]): Pattern[] {
  return texts.map((text) => {
    const segments = parsePathPattern(text);
    return segments === null ? { kind: 'literal', text } : { kind: 'segments', segments };
  });
}

function matches(pattern: Pattern, path: readonly PathSegment[], pathText: () => string): boolean {
  if (pattern.kind === 'literal') return pattern.text === pathText();
  const segs = pattern.segments;
  if (segs.length !== path.length) return false;
  for (let i = 0; i < segs.length; i++) {
    const p = segs[i];
    const s = path[i];
    switch (p.kind) {
      case 'any':
        break;
      case 'key':
        if (typeof s !== 'string' || s !== p.name) return false;
        break;
      case 'index':
        if (typeof s !== 'number' || s !== p.index) return false;
        break;
    }
  }
  return true;
}

/** JSON text of a value, cut to `max` characters; never throws (deep values become a marker). */
export function jsonText(value: JsonValue, max = DEFAULT_MAX_VALUE_LENGTH): string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = Array.isArray(value) ? '[…]' : '{…}';
  }
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

function kindOf(v: JsonValue): 'null' | 'array' | 'object' | 'scalar' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : 'scalar';
}

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return kindOf(v) === 'object';
}

/** Equality of two documents without recursion, so any nesting depth is safe. */
export function deepEqual(a: JsonValue, b: JsonValue): boolean {
  const stack: Array<[JsonValue, JsonValue]> = [[a, b]];
  for (let pair = stack.pop(); pair !== undefined; pair = stack.pop()) {
    const [p, s] = pair;
    const kind = kindOf(p);
    if (kind !== kindOf(s)) return false;
    if (kind === 'null') continue;
    if (kind === 'scalar') {
      if (p !== s) return false;
    } else if (Array.isArray(p) && Array.isArray(s)) {
      if (p.length !== s.length) return false;
      for (let i = 0; i < p.length; i++) stack.push([p[i], s[i]]);
    } else if (isObject(p) && isObject(s)) {
      const keys = Object.keys(p);
      if (keys.length !== Object.keys(s).length) return false;
      for (const k of keys) {
        if (!Object.hasOwn(s, k)) return false;
        stack.push([p[k], s[k]]);
      }
    }
  }
  return true;
}

/** Walks both documents and reports each differing path to `sink`. */
export function diffJson(primary: JsonValue, shadow: JsonValue, sink: DifferenceSink, options: JsonDiffOptions = {}): void {
  const patterns = compilePatterns(options.ignorePaths ?? []);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxValue = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
  const path: PathSegment[] = [];

  const ignored = (): boolean => {
    if (patterns.length === 0) return false;
    let text: string | undefined;
    const pathText = (): string => (text ??= formatPath(path));
    return patterns.some((p) => matches(p, path, pathText));
  };

  const report = (p: JsonValue | undefined, s: JsonValue | undefined, at: string = formatPath(path)): void => {
    if (sink.full) {
      sink.skip();
      return;
    }
    sink.add(at, p === undefined ? null : jsonText(p, maxValue), s === undefined ? null : jsonText(s, maxValue));
  };

  const walk = (p: JsonValue, s: JsonValue, depth: number): void => {
    if (ignored()) return;
    const kp = kindOf(p);
    const ks = kindOf(s);
    if (kp !== ks) {
      report(p, s);
      return;
    }
    if (kp === 'null') return;
    if (kp === 'scalar') {
      if (p !== s) report(p, s);
      return;
    }
    if (depth >= maxDepth) {
      // Too deep to walk: compare the subtrees whole.
      if (!deepEqual(p, s)) report(p, s);
      return;
    }
    if (Array.isArray(p) && Array.isArray(s)) {
      const n = Math.min(p.length, s.length);
      for (let i = 0; i < n; i++) {
        path.push(i);
        walk(p[i], s[i], depth + 1);
        path.pop();
      }
      if (p.length !== s.length) {
        path.push('length');
        if (!ignored()) {
          if (sink.full) sink.skip();
          else sink.add(formatPath(path.slice(0, -1)) + '.length', String(p.length), String(s.length));
        }
        path.pop();
      }
      return;
    }
    if (isObject(p) && isObject(s)) {
      for (const key of Object.keys(p)) {
        path.push(key);
        if (Object.hasOwn(s, key)) walk(p[key], s[key], depth + 1);
        else if (!ignored()) report(p[key], undefined);
        path.pop();
      }
      for (const key of Object.keys(s)) {
        if (Object.hasOwn(p, key)) continue;
        path.push(key);
        if (!ignored()) report(undefined, s[key]);
        path.pop();
      }
    }
  };

  walk(primary, shadow, 0);
}
