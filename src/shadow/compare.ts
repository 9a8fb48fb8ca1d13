/**
 * Compares the response of a primary exchange with the response of its shadow copy: status,
 * headers (with the mesh's per-hop noise left out) and body (JSON structurally, text line by
 * line, anything else by size and SHA-256). Synchronous and pure; bounded; never throws.
 */
import { createHash } from 'node:crypto';
import type { BodyCapture, Exchange, HeaderList, HttpResponse } from '../http/types.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUE_LENGTH, diffJson, type DifferenceSink, type JsonValue } from './json-diff.js';

export type DifferenceKind = 'status' | 'header' | 'body';

/**
 * One thing that differs. `path` is `status`, `header:<lower-case name>`, a JSON path (`$.a[2].b`),
 * `body:line <n>` (1-based), `body:lines`, `body:size`, `body:sha256`, or `...` for the count of
 * differences left out by `maxDifferences`. Null: absent on that side.
 */
export interface Difference {
  readonly kind: DifferenceKind;
  readonly path: string;
  readonly primary: string | null;
  readonly shadow: string | null;
}

export interface Comparison {
  readonly differences: Difference[];
}

export interface CompareOptions {
  /** More response header names to leave out (any case). */
  readonly ignoreHeaders?: readonly string[];
  /** Leave out the built-in noisy headers (date, age, x-envoy-upstream-service-time, ...). Default true. */
  readonly ignoreDefaultNoise?: boolean;
  /** JSON paths to leave out, with their subtrees: `$.meta.time`, `$.items[*].id`. */
  readonly ignoreJsonPaths?: readonly string[];
  /** Nesting below this is compared whole. Default 64. */
  readonly maxDepth?: number;
  /** At most this many differences, then one `...` entry with the count left out. Default 50. */
  readonly maxDifferences?: number;
  /** At most this many `body:line N` entries for text bodies. Default 5. */
  readonly maxTextLines?: number;
  /** Reported values are cut to this many characters. Default 200. */
  readonly maxValueLength?: number;
  /**
   * The shadow's Host and the primary's (`httpbin-shadow:8000`, `httpbin:8000`): a service that
   * echoes its Host answers with the suffix, which is the mesh's doing, not a difference.
   * compareExchanges fills it in from the requests.
   */
  readonly hostAlias?: { readonly shadow: string; readonly primary: string };
}

export const DEFAULT_MAX_DIFFERENCES = 50;
export const DEFAULT_MAX_TEXT_LINES = 5;

/**
 * Response headers that differ between any two answers without meaning anything: time, per-hop
 * framing, proxy bookkeeping. (`x-request-id` is the correlation key, echoed back by some
 * services; on responses it says nothing about the answer. `content-length` is handled apart.)
 */
export const DEFAULT_NOISE_HEADERS: readonly string[] = [
  'date',
  'age',
  'server-timing',
  'x-request-id',
  'x-forwarded-for',
  'x-envoy-upstream-service-time',
  'x-envoy-upstream-healthchecked-cluster',
  'x-envoy-expected-rq-timeout-ms',
  'x-envoy-attempt-count',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
];

/** Collects differences up to a bound, counting the rest. */
class Collector implements DifferenceSink {
  readonly items: Difference[] = [];
  omitted = 0;

  constructor(
    private readonly kind: DifferenceKind,
    private readonly max: number,
  ) {}

  get full(): boolean {
    return this.items.length >= this.max;
  }

  add(path: string, primary: string | null, shadow: string | null): void {
    if (this.full) this.omitted++;
    else this.items.push({ kind: this.kind, path, primary, shadow });
  }

  skip(): void {
    this.omitted++;
  }
}

export function compareExchanges(primary: Exchange, shadow: Exchange, options: CompareOptions = {}): Comparison {
  const p = primary.request.host;
  const s = shadow.request.host;
  const hostAlias = options.hostAlias ?? (p !== null && s !== null && p !== s ? { shadow: s, primary: p } : undefined);
  return compareResponses(primary.response, shadow.response, hostAlias === undefined ? options : { ...options, hostAlias });
}

/** The shadow's text with its Host written as the primary's (see CompareOptions.hostAlias). */
function unalias(text: string, options: CompareOptions): string {
  const alias = options.hostAlias;
  return alias === undefined || alias.shadow === '' || !text.includes(alias.shadow) ? text : text.split(alias.shadow).join(alias.primary);
}

/** The same comparison on the responses alone; a missing response differs in status only. */
export function compareResponses(p: HttpResponse | null, s: HttpResponse | null, options: CompareOptions = {}): Comparison {
  const max = Math.max(0, options.maxDifferences ?? DEFAULT_MAX_DIFFERENCES);
  if (p === null || s === null) {
    if (p === s) return { differences: [] };
    return bound([{ kind: 'status', path: 'status', primary: p === null ? null : String(p.status), shadow: s === null ? null : String(s.status) }], 0, max);
  }
  const head: Difference[] = [];
  if (p.status !== s.status) head.push({ kind: 'status', path: 'status', primary: String(p.status), shadow: String(s.status) });

  let body: Collector;
  try {
    body = compareBodies(p, s, options, max);
  } catch {
    // Not expected; a comparison must never take the pipeline down. Fall back to bytes.
    body = new Collector('body', max);
    compareBinary(bodyBytes(p.body), bodyBytes(s.body), body);
  }
  const bodiesAgree = body.items.length === 0 && body.omitted === 0;
  head.push(...compareHeaders(p.headers, s.headers, options, bodiesAgree));
  return bound([...head, ...body.items], body.omitted, max);
}

function bound(all: Difference[], alreadyOmitted: number, max: number): Comparison {
  const omitted = alreadyOmitted + Math.max(0, all.length - max);
  const differences = all.slice(0, max);
  if (omitted > 0) {
    const kind = all[max]?.kind ?? 'body';
    differences.push({ kind, path: '...', primary: null, shadow: `${omitted} more` });
  }
  return { differences };
}

// --- headers ---

function headerMap(headers: HeaderList): Map<string, string> {
  const map = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list === undefined) map.set(key, [value]);
    else list.push(value);
  }
  const out = new Map<string, string>();
  for (const [key, values] of map) out.set(key, values.join(key === 'set-cookie' ? '\n' : ', '));
  return out;
}

function compareHeaders(p: HeaderList, s: HeaderList, options: CompareOptions, bodiesAgree: boolean): Difference[] {
  const ignore = new Set<string>((options.ignoreHeaders ?? []).map((h) => h.toLowerCase()));
  if (options.ignoreDefaultNoise ?? true) for (const h of DEFAULT_NOISE_HEADERS) ignore.add(h);
  if (bodiesAgree) ignore.add('content-length');
  const pm = headerMap(p);
  const sm = headerMap(s);
  const out: Difference[] = [];
  const names = [...pm.keys(), ...[...sm.keys()].filter((k) => !pm.has(k))];
  for (const name of names) {
    if (ignore.has(name)) continue;
    const pv = pm.get(name) ?? null;
    const sv = sm.get(name) ?? null;
    if (pv !== sv && (pv === null || sv === null || pv !== unalias(sv, options))) out.push({ kind: 'header', path: `header:${name}`, primary: pv, shadow: sv });
  }
  return out;
}

// --- bodies ---

/** The decoded body when it was decoded whole; otherwise (a bomb cut at the decode limit, a corrupt stream) the wire bytes. */
function bodyBytes(body: BodyCapture): Buffer {
  return body.decoded !== null && body.decodeProblem === null ? body.decoded : body.data;
}

function contentType(headers: HeaderList): string {
  for (const [name, value] of headers) if (name.toLowerCase() === 'content-type') return value.toLowerCase();
  return '';
}

function compareBodies(p: HttpResponse, s: HttpResponse, options: CompareOptions, max: number): Collector {
  const out = new Collector('body', max);
  if (p.body.truncated || s.body.truncated) {
    // Only part of a body was kept: its size on the wire is what can be compared honestly,
    // then the bytes both sides kept.
    if (p.body.wireBytes !== s.body.wireBytes) out.add('body:size', String(p.body.wireBytes), String(s.body.wireBytes));
    const n = Math.min(p.body.data.length, s.body.data.length);
    const ph = sha256(p.body.data.subarray(0, n));
    const sh = sha256(s.body.data.subarray(0, n));
    if (ph !== sh) out.add('body:sha256', ph, sh);
    return out;
  }
  const pb = bodyBytes(p.body);
  const sb = bodyBytes(s.body);
  if (pb.equals(sb)) return out;

  const pType = contentType(p.headers);
  const sType = contentType(s.headers);
  const maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;

  const pText = utf8Text(pb);
  const sRaw = utf8Text(sb);
  const sText = sRaw === null ? null : unalias(sRaw, options);
  if (pText !== null && sText !== null) {
    if (pText === sText) return out;
    if (looksJson(pType, pText) || looksJson(sType, sText)) {
      const pj = parseJson(pText);
      const sj = parseJson(sText);
      if (pj !== undefined && sj !== undefined) {
        diffJson(pj, sj, out, { ignorePaths: options.ignoreJsonPaths ?? [], maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH, maxValueLength });
        return out;
      }
    }
    compareText(pText, sText, out, options.maxTextLines ?? DEFAULT_MAX_TEXT_LINES, maxValueLength);
    return out;
  }
  compareBinary(pb, sb, out);
  return out;
}

function looksJson(type: string, text: string): boolean {
  if (/[/+]json\b/.test(type)) return true;
  const start = text.trimStart()[0];
  return start === '{' || start === '[';
}

/** The parsed document, or undefined when the text is not JSON. */
function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text when the bytes are valid UTF-8 without NULs, else null. */
function utf8Text(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

function compareText(p: string, s: string, out: Collector, maxLines: number, maxValueLength: number): void {
  const pl = p.split('\n');
  const sl = s.split('\n');
  const n = Math.max(pl.length, sl.length);
  let differing = 0;
  for (let i = 0; i < n; i++) {
    const a = i < pl.length ? stripCr(pl[i]) : null;
    const b = i < sl.length ? stripCr(sl[i]) : null;
    if (a === b) continue;
    differing++;
    if (differing <= maxLines) out.add(`body:line ${i + 1}`, a === null ? null : cut(a, maxValueLength), b === null ? null : cut(b, maxValueLength));
  }
  if (differing > maxLines) out.add('body:lines', `${pl.length} lines`, `${sl.length} lines, ${differing} differ`);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function compareBinary(p: Buffer, s: Buffer, out: Collector): void {
  if (p.length !== s.length) out.add('body:size', String(p.length), String(s.length));
  const ph = sha256(p);
  const sh = sha256(s);
  if (ph !== sh) out.add('body:sha256', ph, sh);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
