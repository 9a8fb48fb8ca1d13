/**
 * Compares the response of a primary exchange with the response of its shadow copy: status,
 * headers (with the mesh's per-hop noise left out) and body (JSON structurally, text line by
 * line, anything else by size and SHA-256). Synchronous and pure; bounded; never throws.
 */
import { createHash } from 'node:crypto';
import type { BodyCapture, Exchange, HeaderList, HttpResponse } from '../http/types.js';
import { isNamed } from './header-name.js';
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

/** compareExchanges/compareResponses with the options prepared once: what PairAnalyzer calls per pair. */
export class ResponseComparer {
  /** The headers left out; Content-Length too when the bodies agree (then a length says nothing more). */
  private readonly ignoredWhenBodiesAgree: HeaderFilter;
  private readonly ignoredWhenBodiesDiffer: HeaderFilter;

  constructor(private readonly options: CompareOptions = {}) {
    const ignore = new Set<string>((options.ignoreHeaders ?? []).map((h) => h.toLowerCase()));
    if (options.ignoreDefaultNoise ?? true) for (const h of DEFAULT_NOISE_HEADERS) ignore.add(h);
    this.ignoredWhenBodiesAgree = (name) => ignore.has(name) || name === 'content-length';
    this.ignoredWhenBodiesDiffer = (name) => ignore.has(name);
  }

  /** The responses of two exchanges, the shadow's Host taken as an alias of the primary's unless options give one. */
  exchanges(primary: Exchange, shadow: Exchange): Comparison {
    const p = primary.request.host;
    const s = shadow.request.host;
    const hostAlias = this.options.hostAlias ?? (p !== null && s !== null && p !== s ? { shadow: s, primary: p } : undefined);
    return this.responses(primary.response, shadow.response, hostAlias);
  }

  /** The same comparison on the responses alone; a missing response differs in status only. */
  responses(p: HttpResponse | null, s: HttpResponse | null, hostAlias: HostAlias | undefined = this.options.hostAlias): Comparison {
    const options = this.options;
    const max = Math.max(0, options.maxDifferences ?? DEFAULT_MAX_DIFFERENCES);
    if (p === null || s === null) {
      if (p === s) return { differences: [] };
      return bound([{ kind: 'status', path: 'status', primary: p === null ? null : String(p.status), shadow: s === null ? null : String(s.status) }], 0, max);
    }
    const head: Difference[] = [];
    if (p.status !== s.status) head.push({ kind: 'status', path: 'status', primary: String(p.status), shadow: String(s.status) });

    let body: Collector;
    try {
      body = compareBodies(p, s, options, hostAlias, max);
    } catch {
      // Not expected; a comparison must never take the pipeline down. Fall back to bytes.
      body = new Collector('body', max);
      compareBinary(bodyBytes(p.body), bodyBytes(s.body), body);
    }
    const bodiesAgree = body.items.length === 0 && body.omitted === 0;
    const ignored = bodiesAgree ? this.ignoredWhenBodiesAgree : this.ignoredWhenBodiesDiffer;
    const all = head;
    if (!sameHeaders(p.headers, s.headers, ignored)) all.push(...headerDifferences(p.headers, s.headers, ignored, hostAlias));
    for (const d of body.items) all.push(d);
    return bound(all, body.omitted, max);
  }
}

type HostAlias = NonNullable<CompareOptions['hostAlias']>;

export function compareExchanges(primary: Exchange, shadow: Exchange, options: CompareOptions = {}): Comparison {
  return new ResponseComparer(options).exchanges(primary, shadow);
}

/** The same comparison on the responses alone; a missing response differs in status only. */
export function compareResponses(p: HttpResponse | null, s: HttpResponse | null, options: CompareOptions = {}): Comparison {
  return new ResponseComparer(options).responses(p, s);
}

/** The shadow's text with its Host written as the primary's (see CompareOptions.hostAlias). */
function unalias(text: string, alias: HostAlias | undefined): string {
  return alias === undefined || alias.shadow === '' || !text.includes(alias.shadow) ? text : text.split(alias.shadow).join(alias.primary);
}

/** At most `max` of `all` (a list made for the result), then one entry with the count left out. */
function bound(all: Difference[], alreadyOmitted: number, max: number): Comparison {
  const omitted = alreadyOmitted + Math.max(0, all.length - max);
  if (omitted === 0) return { differences: all };
  const differences = all.slice(0, max);
  if (omitted > 0) {
    const kind = all[max]?.kind ?? 'body';
    differences.push({ kind, path: '...', primary: null, shadow: `${omitted} more` });
  }
  return { differences };
}

// --- headers ---

/** Whether a lower-case header name is left out of the comparison. */
export type HeaderFilter = (lowerName: string) => boolean;

/**
 * The fast path of the header comparison, for the usual answer: the same names in the same order,
 * and the same values wherever a name counts. Then every name's joined values agree too, so
 * headerDifferences would find nothing; false sends the lists to it.
 */
export function sameHeaders(p: HeaderList, s: HeaderList, ignored: HeaderFilter): boolean {
  if (p.length !== s.length) return false;
  for (let i = 0; i < p.length; i++) {
    const name = p[i][0];
    if (name !== s[i][0]) return false;
    if (p[i][1] !== s[i][1] && !ignored(name.toLowerCase())) return false;
  }
  return true;
}

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

/** The general header comparison: names without case, repeated headers joined, in the primary's order then the shadow's. */
export function headerDifferences(p: HeaderList, s: HeaderList, ignored: HeaderFilter, hostAlias: HostAlias | undefined): Difference[] {
  const pm = headerMap(p);
  const sm = headerMap(s);
  const out: Difference[] = [];
  const names = [...pm.keys(), ...[...sm.keys()].filter((k) => !pm.has(k))];
  for (const name of names) {
    if (ignored(name)) continue;
    const pv = pm.get(name) ?? null;
    const sv = sm.get(name) ?? null;
    if (pv !== sv && (pv === null || sv === null || pv !== unalias(sv, hostAlias))) out.push({ kind: 'header', path: `header:${name}`, primary: pv, shadow: sv });
  }
  return out;
}

// --- bodies ---

/** The decoded body when it was decoded whole; otherwise (a bomb cut at the decode limit, a corrupt stream) the wire bytes. */
export function bodyBytes(body: BodyCapture): Buffer {
  return body.decoded !== null && body.decodeProblem === null ? body.decoded : body.data;
}

function contentType(headers: HeaderList): string {
  for (const [name, value] of headers) if (isNamed(name, 'content-type')) return value.toLowerCase();
  return '';
}

/**
 * Bodies sent as the same bytes with the same coding and the same completeness decode to the same
 * bytes (decoding depends on nothing else), so they agree without decoding either.
 */
export function sameWireBody(p: BodyCapture, s: BodyCapture): boolean {
  return p.contentEncoding === s.contentEncoding && p.truncated === s.truncated && p.data.equals(s.data);
}

function compareBodies(p: HttpResponse, s: HttpResponse, options: CompareOptions, hostAlias: HostAlias | undefined, max: number): Collector {
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
  if (sameWireBody(p.body, s.body)) return out;
  const pb = bodyBytes(p.body);
  const sb = bodyBytes(s.body);
  if (pb.equals(sb)) return out;

  const pType = contentType(p.headers);
  const sType = contentType(s.headers);
  const maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;

  const pText = utf8Text(pb);
  const sRaw = utf8Text(sb);
  const sText = sRaw === null ? null : unalias(sRaw, hostAlias);
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
