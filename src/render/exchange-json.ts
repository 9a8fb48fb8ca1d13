import { formatEndpoint, type Endpoint } from '../core/flow.js';
import { isoMicros } from '../core/time.js';
import type { BodyCapture, Exchange, HeaderList } from '../http/types.js';
import type { Role } from '../shadow/classify.js';
import { latencyMicros } from '../http/latency.js';

const millis = (micros: number | null): number | null => (micros === null ? null : Math.round(micros) / 1000);

function bodyFields(body: BodyCapture) {
  return {
    bodyBytes: body.wireBytes,
    bodyTruncated: body.truncated,
    contentEncoding: body.contentEncoding,
  };
}

const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * One NDJSON line in plain ASCII: wire text is kept byte for byte (as Latin-1 characters), and
 * anything outside ASCII is written as a \u escape, so the output is valid UTF-8 JSON whatever
 * bytes the traffic carried, and no raw byte reaches a terminal.
 */
export function ndjsonLine(value: unknown): string {
  const json = JSON.stringify(value);
  NON_ASCII.lastIndex = 0;
  return NON_ASCII.test(json) ? json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/**
 * The NDJSON exchange record of DESIGN.md (`type`, `role`, `ts`, `src`, `dst`, `request`,
 * `response`, `latencyMs`), plus the full timing, sizes and anomalies, as an object (for
 * composing other records). exchangeJson writes the same record as text, faster.
 */
export function exchangeRecord(e: Exchange, role: Role): Record<string, unknown> {
  const t = e.timing;
  return {
    type: 'exchange',
    role,
    ts: isoMicros(t.requestStart),
    src: formatEndpoint(e.client),
    dst: formatEndpoint(e.server),
    request: {
      method: e.request.method,
      target: e.request.target,
      version: e.request.version,
      host: e.request.host,
      headers: e.request.headers,
      ...bodyFields(e.request.body),
    },
    response: e.response
      ? {
          status: e.response.status,
          reason: e.response.reason,
          version: e.response.version,
          headers: e.response.headers,
          ...bodyFields(e.response.body),
          ...(e.response.interim.length > 0 ? { interim: e.response.interim.map((i) => i.status) } : {}),
        }
      : null,
    latencyMs: millis(latencyMicros(e)),
    durationMs: millis(t.responseEnd === null ? null : t.responseEnd - t.requestStart),
    timing: {
      requestStart: isoMicros(t.requestStart),
      requestEnd: isoMicros(t.requestEnd),
      responseStart: t.responseStart === null ? null : isoMicros(t.responseStart),
      responseEnd: t.responseEnd === null ? null : isoMicros(t.responseEnd),
    },
    connection: e.connectionId,
    index: e.index,
    requestBytes: e.requestBytes,
    responseBytes: e.responseBytes,
    complete: e.complete,
    anomalies: e.anomalies,
  };
}

// --- the writer ------------------------------------------------------------------------------
//
// exchangeJson(e, role) is exactly ndjsonLine(exchangeRecord(e, role)), written directly as
// Latin-1 bytes into one reused buffer that becomes one flat string: no record object, no
// JSON.stringify, no second pass for non-ASCII characters, and no string pieces (a record of
// pieces made as much garbage as the rest of the pipeline, and flattening them cost as much as
// writing them). Header pairs repeat from one exchange to the next (Host, User-Agent, Server),
// so the bytes of the last pair written under each name are kept and copied again when the
// value is the same. exchange-json.test.ts checks the writer against
// ndjsonLine(exchangeRecord(e, role)), byte for byte, on every capture and on generated
// exchanges with every kind of character.

/** Buffer's own Latin-1 reader: toString('latin1', start, end) without the argument checks. */
interface LatinSliceable {
  latin1Slice(start: number, end: number): string;
}

const INITIAL_BYTES = 16 * 1024;
let out = Buffer.allocUnsafe(INITIAL_BYTES);
let at = 0;

/** Makes room for `n` more bytes. */
function room(n: number): void {
  if (at + n > out.length) grow(n);
}

function grow(n: number): void {
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + n));
  out.copy(bigger, 0, 0, at);
  out = bigger;
}

/** ASCII text known at load time, as bytes. */
const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function put(b: Uint8Array): void {
  const n = b.length;
  room(n);
  if (n > 8) {
    // (a native copy pays off beyond a few bytes)
    out.set(b, at);
    at += n;
    return;
  }
  const o = out;
  let p = at;
  for (let i = 0; i < n; i++) o[p++] = b[i];
  at = p;
}

const HEX = bytes('0123456789abcdef');
/** JSON.stringify's short escapes (0: the character is written as \u00XX). */
const SHORT_ESCAPE = new Uint8Array(0x60);
for (const [c, e] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [0x22, '"'], [0x5c, '\\']] as const) SHORT_ESCAPE[c] = e.charCodeAt(0);

/** A character JSON.stringify escapes, or that ndjsonLine writes as \u (>= 0x7f). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\uffff]/;
/** From this length on, a string with nothing to escape is copied by Buffer's native writer. */
const LONG_STRING = 32;

/** Buffer's own Latin-1 writer: write(text, offset, 'latin1') without the argument checks. */
interface LatinWritable {
  latin1Write(text: string, offset: number): number;
}

/** A JSON string literal as ndjsonLine writes it: JSON.stringify's escapes, then \u for everything >= 0x7f. */
function str(s: string): void {
  const n = s.length;
  room(n * 6 + 2);
  if (n >= LONG_STRING && !NEEDS_ESCAPE.test(s)) {
    out[at++] = 0x22;
    at += (out as unknown as LatinWritable).latin1Write(s, at);
    out[at++] = 0x22;
    return;
  }
  const o = out;
  let p = at;
  o[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      o[p++] = c;
      continue;
    }
    o[p++] = 0x5c;
    const short = c < 0x60 ? SHORT_ESCAPE[c] : 0;
    if (short !== 0) {
      o[p++] = short;
    } else {
      o[p++] = 0x75; // u
      o[p++] = HEX[c >>> 12];
      o[p++] = HEX[(c >>> 8) & 15];
      o[p++] = HEX[(c >>> 4) & 15];
      o[p++] = HEX[c & 15];
    }
  }
  o[p++] = 0x22;
  at = p;
}

const NULL = bytes('null');
const TRUE = bytes('true');
const FALSE = bytes('false');

function strOrNull(s: string | null): void {
  if (s === null) put(NULL);
  else str(s);
}

/** ASCII text made at run time (numbers that are not small integers). */
function ascii(text: string): void {
  const n = text.length;
  room(n);
  for (let i = 0; i < n; i++) out[at++] = text.charCodeAt(i);
}

/** A number as JSON.stringify writes it (non-finite numbers are null). */
function num(n: number): void {
  if (n >= 0 && n <= 0xffffffff && n === Math.floor(n) && !Object.is(n, -0)) digits(n, 1);
  else if (Number.isFinite(n)) ascii(`${n}`);
  else put(NULL);
}

/** A non-negative integer below 2^32 in decimal, at least `min` digits (zero-padded). */
function digits(n: number, min: number): void {
  let width = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) width++;
  if (width < min) width = min;
  room(width);
  const o = out;
  let p = at + width;
  for (let i = 0; i < width; i++) {
    const q = Math.floor(n / 10);
    o[--p] = 0x30 + n - q * 10;
    n = q;
  }
  at += width;
}

/** Math.round(micros) / 1000 as JSON.stringify writes it. */
function jsonMillis(micros: number | null): void {
  if (micros === null) {
    put(NULL);
    return;
  }
  const m = Math.round(micros);
  if (m >= 0 && m < 1e9) {
    // Up to three decimals, trailing zeros dropped: how JavaScript prints m / 1000.
    const whole = Math.floor(m / 1000);
    let frac = m - whole * 1000;
    digits(whole, 1);
    if (frac === 0) return;
    room(4);
    out[at++] = 0x2e; // .
    out[at++] = 0x30 + Math.floor(frac / 100);
    frac %= 100;
    if (frac === 0) return;
    out[at++] = 0x30 + Math.floor(frac / 10);
    frac %= 10;
    if (frac !== 0) out[at++] = 0x30 + frac;
    return;
  }
  num(m / 1000);
}

let isoSecond = Number.NaN;
let isoPrefix: Uint8Array | null = null;

/** Where the last timestamp was written in this record, to copy it when the next is the same. */
let lastIsoTime = Number.NaN;
let lastIsoAt = 0;
let lastIsoEnd = 0;

/** JSON string of isoMicros(t) (ASCII digits and punctuation: nothing to escape). */
function iso(t: number): void {
  if (t === lastIsoTime) {
    const n = lastIsoEnd - lastIsoAt;
    room(n);
    out.copyWithin(at, lastIsoAt, lastIsoEnd);
    at += n;
    return;
  }
  const from = at;
  isoText(t);
  lastIsoTime = t;
  lastIsoAt = from;
  lastIsoEnd = at;
}

function isoText(t: number): void {
  // (exact arithmetic below 2^53; beyond, and for what isoMicros writes otherwise, ask it)
  if (!Number.isSafeInteger(t)) {
    str(isoMicros(t));
    return;
  }
  const second = Math.floor(t / 1_000_000);
  if (second !== isoSecond) {
    // The date part, as isoMicros writes it (the same cache per second).
    isoSecond = second;
    const text = isoMicros(second * 1_000_000);
    isoPrefix = text.endsWith('.000000Z') ? bytes(`"${text.slice(0, -7)}`) : null; // "2026-11-22T02:58:29.
  }
  if (isoPrefix === null) {
    str(isoMicros(t));
    return;
  }
  put(isoPrefix);
  digits(t - second * 1_000_000, 6);
  room(2);
  out[at++] = 0x5a; // Z
  out[at++] = 0x22;
}

function isoOrNull(t: number | null): void {
  if (t === null) put(NULL);
  else iso(t);
}

function bool(v: boolean): void {
  put(v ? TRUE : FALSE);
}

const COMMA_OPEN = bytes(',[');

/**
 * Bytes of record pieces that repeat from one exchange to the next (a header pair, a request or
 * status line), kept per key for the last two sets of values seen under it (two: primary and
 * shadow alternate), once a set has been written `keepAt` times. Values are up to three
 * primitives compared with ===, so a lookup makes no garbage. Bounded: cleared when it has
 * `maxKeys` keys; pieces longer than `maxBytes` are not kept.
 */
class PieceMemo {
  private readonly entries = new Map<string, MemoEntry>();

  constructor(
    private readonly keepAt: number,
    private readonly maxKeys: number,
    private readonly maxBytes: number,
  ) {}

  /** The kept bytes of the piece with these values under `key`, if any. */
  find(key: string, a: Primitive, b: Primitive, c: Primitive): Uint8Array | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (entry.json0 !== null && entry.a0 === a && entry.b0 === b && entry.c0 === c) return entry.json0;
    if (entry.json1 !== null && entry.a1 === a && entry.b1 === b && entry.c1 === c) return entry.json1;
    return null;
  }

  /** The piece with these values was just written from `from` to the end of the record: counts it, keeps its bytes once due. */
  written(key: string, a: Primitive, b: Primitive, c: Primitive, from: number): void {
    if (at - from > this.maxBytes) return;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxKeys) this.entries.clear();
      entry = { a0: a, b0: b, c0: c, seen0: 0, json0: null, a1: null, b1: null, c1: null, seen1: 0, json1: null };
      this.entries.set(key, entry);
    } else if (!(entry.a0 === a && entry.b0 === b && entry.c0 === c)) {
      if (entry.seen1 > 0 && entry.a1 === a && entry.b1 === b && entry.c1 === c) {
        if (++entry.seen1 >= this.keepAt) entry.json1 = copyOut(from, at);
        return;
      }
      // A new set of values: it takes the place of the older one.
      entry.a1 = entry.a0;
      entry.b1 = entry.b0;
      entry.c1 = entry.c0;
      entry.seen1 = entry.seen0;
      entry.json1 = entry.json0;
      entry.a0 = a;
      entry.b0 = b;
      entry.c0 = c;
      entry.seen0 = 0;
      entry.json0 = null;
    }
    if (++entry.seen0 >= this.keepAt) entry.json0 = copyOut(from, at);
  }
}

type Primitive = string | number | null;

interface MemoEntry {
  a0: Primitive;
  b0: Primitive;
  c0: Primitive;
  /** Times this set was written (while json0 is null). */
  seen0: number;
  json0: Uint8Array | null;
  a1: Primitive;
  b1: Primitive;
  c1: Primitive;
  seen1: number;
  json1: Uint8Array | null;
}

/**
 * Header pairs (`,[name,value]`) by name. Kept on the third writing: a value that comes once or
 * twice costs no copy (a request id comes twice, on the primary and on the shadow).
 */
const headerPairs = new PieceMemo(3, 512, Infinity);

function pair(name: string, value: string): void {
  const kept = headerPairs.find(name, value, null, null);
  if (kept !== null) {
    put(kept);
    return;
  }
  const from = at;
  put(COMMA_OPEN);
  str(name);
  put(COMMA);
  str(value);
  put(CLOSE);
  headerPairs.written(name, value, null, null, from);
}

/** A copy of what was written from `from` to `to` (the buffer is written over by the next record). */
function copyOut(from: number, to: number): Uint8Array {
  const copy = new Uint8Array(to - from);
  copy.set(out.subarray(from, to));
  return copy;
}

const OPEN_PAIR = bytes('[');
const COMMA = bytes(',');
const CLOSE = bytes(']');
const EMPTY_LIST = bytes('[]');

function headers(list: HeaderList): void {
  if (list.length === 0) {
    put(EMPTY_LIST);
    return;
  }
  // Each pair is written with a comma before it (`,["Host","h"]`, kept that way in the cache);
  // the first one's comma becomes the list's bracket.
  const start = at;
  for (let i = 0; i < list.length; i++) pair(list[i][0], list[i][1]);
  out[start] = 0x5b; // [
  put(CLOSE);
}

const K_BODY_BYTES = bytes(',"bodyBytes":');
const K_BODY_TRUNCATED = bytes(',"bodyTruncated":');
const K_CONTENT_ENCODING = bytes(',"contentEncoding":');

function body(b: BodyCapture): void {
  put(K_BODY_BYTES);
  num(b.wireBytes);
  if (b.truncated === false && b.contentEncoding === null) {
    put(K_BODY_USUAL_END);
    return;
  }
  put(K_BODY_TRUNCATED);
  bool(b.truncated);
  put(K_CONTENT_ENCODING);
  strOrNull(b.contentEncoding);
}

function strings(list: readonly string[]): void {
  if (list.length === 0) {
    put(EMPTY_LIST);
    return;
  }
  put(OPEN_PAIR);
  for (let i = 0; i < list.length; i++) {
    if (i > 0) put(COMMA);
    str(list[i]);
  }
  put(CLOSE);
}

const K_TYPE_ROLE = bytes('{"type":"exchange","role":');
const K_TS = bytes(',"ts":');
const K_SRC = bytes(',"src":');
const K_DST = bytes(',"dst":');
const K_REQUEST_METHOD = bytes(',"request":{"method":');
const K_TARGET = bytes(',"target":');
const K_VERSION = bytes(',"version":');
const K_HOST = bytes(',"host":');
const K_HEADERS = bytes(',"headers":');
const K_RESPONSE_NULL = bytes('},"response":null');
const K_RESPONSE_STATUS = bytes('},"response":{"status":');
const K_REASON = bytes(',"reason":');
const K_INTERIM = bytes(',"interim":[');
const K_END_OBJECT = bytes('}');
const K_LATENCY = bytes(',"latencyMs":');
const K_DURATION = bytes(',"durationMs":');
const K_TIMING_REQUEST_START = bytes(',"timing":{"requestStart":');
const K_REQUEST_END = bytes(',"requestEnd":');
const K_RESPONSE_START = bytes(',"responseStart":');
const K_RESPONSE_END = bytes(',"responseEnd":');
const K_CONNECTION = bytes('},"connection":');
const K_INDEX = bytes(',"index":');
const K_REQUEST_BYTES = bytes(',"requestBytes":');
const K_RESPONSE_BYTES = bytes(',"responseBytes":');
const K_COMPLETE = bytes(',"complete":');
const K_ANOMALIES = bytes(',"anomalies":');
const K_COMPLETE_NO_ANOMALIES = bytes(',"complete":true,"anomalies":[]}');

/** The start of a record for each role: `{"type":"exchange","role":"shadow","ts":`. */
const RECORD_START: Readonly<Record<string, Uint8Array>> = {
  primary: bytes('{"type":"exchange","role":"primary","ts":'),
  shadow: bytes('{"type":"exchange","role":"shadow","ts":'),
  other: bytes('{"type":"exchange","role":"other","ts":'),
};

/**
 * The request's start line and host, `,"request":{"method":..,"target":..,"version":..,"host":..,"headers":`,
 * by target, kept on the second writing.
 */
const requestLines = new PieceMemo(2, 1024, 512);

function requestLine(method: string, target: string, version: string, host: string | null): void {
  const kept = requestLines.find(target, method, version, host);
  if (kept !== null) {
    put(kept);
    return;
  }
  const from = at;
  put(K_REQUEST_METHOD);
  str(method);
  put(K_TARGET);
  str(target);
  put(K_VERSION);
  str(version);
  put(K_HOST);
  strOrNull(host);
  put(K_HEADERS);
  requestLines.written(target, method, version, host, from);
}

/** The same for the status line, `},"response":{"status":..,"reason":..,"version":..,"headers":`, by reason. */
const statusLines = new PieceMemo(2, 1024, 512);

function statusLine(status: number, reason: string, version: string): void {
  const kept = statusLines.find(reason, status, version, null);
  if (kept !== null) {
    put(kept);
    return;
  }
  const from = at;
  put(K_RESPONSE_STATUS);
  num(status);
  put(K_REASON);
  str(reason);
  put(K_VERSION);
  str(version);
  put(K_HEADERS);
  statusLines.written(reason, status, version, null, from);
}

/** `,"src":..,"dst":..` for a client, kept with the client endpoint (with the server it went to). */
const endpointsJson = new WeakMap<Endpoint, { readonly server: Endpoint; readonly json: Uint8Array }>();

function endpoints(client: Endpoint, server: Endpoint): void {
  const known = endpointsJson.get(client);
  if (known !== undefined && known.server === server) {
    put(known.json);
    return;
  }
  const from = at;
  put(K_SRC);
  str(formatEndpoint(client));
  put(K_DST);
  str(formatEndpoint(server));
  endpointsJson.set(client, { server, json: copyOut(from, at) });
}

const K_BODY_USUAL_END = bytes(',"bodyTruncated":false,"contentEncoding":null');

/** The exchange record as JSON text (no newline): for `--view exchanges` lines. */
export function exchangeJson(e: Exchange, role: Role): string {
  startRecord();
  writeExchange(e, role);
  return recordText();
}

/** The same record as bytes: a view of the writer's buffer, valid until the next record is started (copy it to keep it). */
export function exchangeJsonBytes(e: Exchange, role: Role): Buffer {
  startRecord();
  writeExchange(e, role);
  return recordBytes();
}

// --- records that embed exchanges (pair-json.ts) write through these -------------------------

/** Starts a record at the beginning of the buffer; the previous record's text or bytes must be taken by now. */
export function startRecord(): void {
  if (out.length > 1024 * 1024) out = Buffer.allocUnsafe(INITIAL_BYTES); // one huge record does not keep its buffer
  at = 0;
}

/** The record written since startRecord, as a string. */
export function recordText(): string {
  return (out as unknown as LatinSliceable).latin1Slice(0, at);
}

/** The record written since startRecord, as bytes: a view of the buffer, valid until the next startRecord. */
export function recordBytes(): Buffer {
  return out.subarray(0, at);
}

export { bytes as asciiBytes, put as writeBytes, str as writeString, strOrNull as writeStringOrNull, jsonMillis as writeMillis };

/** The exchange record (exchangeJson's text) at the current end of the record. */
export function writeExchange(e: Exchange, role: Role): void {
  const t = e.timing;
  const req = e.request;
  const resp = e.response;
  lastIsoTime = Number.NaN;
  const start = RECORD_START[role];
  if (start !== undefined && Object.hasOwn(RECORD_START, role)) {
    put(start);
  } else {
    put(K_TYPE_ROLE);
    str(role);
    put(K_TS);
  }
  iso(t.requestStart);
  endpoints(e.client, e.server);
  requestLine(req.method, req.target, req.version, req.host);
  headers(req.headers);
  body(req.body);
  if (resp === null) {
    put(K_RESPONSE_NULL);
  } else {
    statusLine(resp.status, resp.reason, resp.version);
    headers(resp.headers);
    body(resp.body);
    if (resp.interim.length > 0) {
      put(K_INTERIM);
      for (let i = 0; i < resp.interim.length; i++) {
        if (i > 0) put(COMMA);
        num(resp.interim[i].status);
      }
      put(CLOSE);
    }
    put(K_END_OBJECT);
  }
  put(K_LATENCY);
  jsonMillis(latencyMicros(e));
  put(K_DURATION);
  jsonMillis(t.responseEnd === null ? null : t.responseEnd - t.requestStart);
  put(K_TIMING_REQUEST_START);
  iso(t.requestStart);
  put(K_REQUEST_END);
  iso(t.requestEnd);
  put(K_RESPONSE_START);
  isoOrNull(t.responseStart);
  put(K_RESPONSE_END);
  isoOrNull(t.responseEnd);
  put(K_CONNECTION);
  num(e.connectionId);
  put(K_INDEX);
  num(e.index);
  put(K_REQUEST_BYTES);
  num(e.requestBytes);
  put(K_RESPONSE_BYTES);
  num(e.responseBytes);
  if (e.complete === true && e.anomalies.length === 0) {
    put(K_COMPLETE_NO_ANOMALIES);
  } else {
    put(K_COMPLETE);
    bool(e.complete);
    put(K_ANOMALIES);
    strings(e.anomalies);
    put(K_END_OBJECT);
  }
}

/** One string as exchangeJson writes it (for tests). */
export function jsonString(s: string): string {
  at = 0;
  str(s);
  return (out as unknown as LatinSliceable).latin1Slice(0, at);
}
