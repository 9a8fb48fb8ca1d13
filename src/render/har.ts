/**
 * `--har FILE`: every leg of every pair as a HAR 1.2 entry, linked by `_shadowdump.pair`, so that
 * HAR viewers (browser dev tools, har-to-k6, replay tools) can show what the primary and the
 * shadow answered. Entries are streamed: the writer keeps none of them, and `add` waits while
 * the file stream is full, so memory does not grow with the number of pairs.
 *
 * Wire text is kept byte for byte (headers are Latin-1 strings) and the file is plain ASCII:
 * every other character is a \u escape (ndjsonLine), so it is valid UTF-8 JSON whatever the
 * traffic carried. Bodies are text when their bytes are valid UTF-8, base64 otherwise.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { isUtf8 } from 'node:buffer';
import { ShadowdumpError } from '../core/errors.js';
import { formatEndpoint } from '../core/flow.js';
import { isoMicros, type Micros } from '../core/time.js';
import type { BodyCapture, Exchange, HeaderList, HttpResponse } from '../http/types.js';
import type { PairReport, ReportedDifference, Verdict } from '../shadow/verdict.js';
import { ndjsonLine } from './exchange-json.js';

export type HarRole = 'primary' | 'shadow' | 'retry' | 'related' | 'candidate';

export interface HarNameValue {
  readonly name: string;
  readonly value: string;
}

export interface HarCookie extends HarNameValue {
  readonly path?: string;
  readonly domain?: string;
  readonly expires?: string;
  readonly httpOnly?: boolean;
  readonly secure?: boolean;
}

export interface HarPostData {
  readonly mimeType: string;
  readonly text: string;
  /** Not in HAR 1.2 (postData has no encoding): set, as a custom field, when text is base64. */
  readonly _encoding?: 'base64';
  readonly comment?: string;
}

export interface HarContent {
  readonly size: number;
  readonly compression?: number;
  readonly mimeType: string;
  readonly text?: string;
  readonly encoding?: 'base64';
  readonly comment?: string;
}

export interface HarRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly cookies: HarCookie[];
  readonly headers: HarNameValue[];
  readonly queryString: HarNameValue[];
  readonly postData?: HarPostData;
  readonly headersSize: number;
  readonly bodySize: number;
}

export interface HarResponse {
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: string;
  readonly cookies: HarCookie[];
  readonly headers: HarNameValue[];
  readonly content: HarContent;
  readonly redirectURL: string;
  readonly headersSize: number;
  readonly bodySize: number;
  readonly comment?: string;
}

export interface HarTimings {
  readonly blocked: -1;
  readonly dns: -1;
  readonly connect: -1;
  readonly ssl: -1;
  readonly send: number;
  readonly wait: number;
  readonly receive: number;
}

export interface HarDifference {
  readonly kind: string;
  readonly path: string;
  readonly primary: string | null;
  readonly shadow: string | null;
  readonly noise: boolean;
}

/** The custom field that ties the legs of one mirrored request together. */
export interface HarShadowdump {
  readonly pair: string;
  readonly role: HarRole;
  readonly verdict: Verdict;
  /** `GET /users/{id}` */
  readonly route: string;
  readonly client: string;
  readonly server: string;
  readonly anomalies?: readonly string[];
  readonly hint?: string;
  /** On the shadow's entry: how its answer differs from the primary's. */
  readonly differences?: readonly HarDifference[];
  /** Interim 1xx statuses before the response. */
  readonly interim?: readonly number[];
}

export interface HarEntry {
  readonly startedDateTime: string;
  readonly time: number;
  readonly request: HarRequest;
  readonly response: HarResponse;
  readonly cache: Record<string, never>;
  readonly timings: HarTimings;
  readonly serverIPAddress: string;
  readonly connection: string;
  readonly _shadowdump: HarShadowdump;
}

const ROLE_ORDER: readonly HarRole[] = ['primary', 'shadow', 'retry', 'candidate', 'related'];

// ---------------------------------------------------------------------------------------------
// Entries (pure)

/** The pair's legs with their roles, in request start order (roles break ties). */
export function pairLegs(report: PairReport): Array<{ readonly exchange: Exchange; readonly role: HarRole }> {
  const { pair } = report;
  const legs: Array<{ exchange: Exchange; role: HarRole }> = [];
  if (pair.primary !== null) legs.push({ exchange: pair.primary, role: 'primary' });
  if (pair.shadow !== null) legs.push({ exchange: pair.shadow, role: 'shadow' });
  for (const e of pair.retries) legs.push({ exchange: e, role: 'retry' });
  for (const e of pair.candidates) legs.push({ exchange: e, role: 'candidate' });
  for (const e of pair.related) legs.push({ exchange: e, role: 'related' });
  return legs.sort(
    (a, b) => a.exchange.timing.requestStart - b.exchange.timing.requestStart || ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role),
  );
}

/** The HAR entries of one pair, in request start order. */
export function harEntries(report: PairReport): HarEntry[] {
  return pairLegs(report).map(({ exchange, role }) => harEntry(exchange, role, report));
}

export function harEntry(e: Exchange, role: HarRole, report: PairReport): HarEntry {
  const timings = harTimings(e);
  return {
    startedDateTime: isoMicros(e.timing.requestStart),
    time: timings.send + timings.wait + timings.receive,
    request: harRequest(e),
    response: e.response === null ? missingResponse() : harResponse(e.response, e.responseBytes),
    cache: {},
    timings,
    serverIPAddress: e.server.ip,
    connection: String(e.connectionId),
    _shadowdump: shadowdumpField(e, role, report),
  };
}

function shadowdumpField(e: Exchange, role: HarRole, report: PairReport): HarShadowdump {
  const anomalies = e.response === null && !e.anomalies.includes('response-missing') ? [...e.anomalies, 'response-missing'] : e.anomalies;
  const interim = e.response?.interim ?? [];
  return {
    pair: report.pair.id,
    role,
    verdict: report.verdict,
    route: `${report.route.method} ${report.route.template}`,
    client: formatEndpoint(e.client),
    server: formatEndpoint(e.server),
    ...(anomalies.length > 0 ? { anomalies } : {}),
    ...(report.hint !== null ? { hint: report.hint } : {}),
    ...(role === 'shadow' && report.differences.length > 0 ? { differences: report.differences.map(harDifference) } : {}),
    ...(interim.length > 0 ? { interim: interim.map((i) => i.status) } : {}),
  };
}

function harDifference(d: ReportedDifference): HarDifference {
  return { kind: d.kind, path: d.path, primary: d.primary, shadow: d.shadow, noise: d.noise };
}

/**
 * send/wait/receive in ms from monotonic boundaries: HAR wants them >= 0 and `time` to be their
 * sum, and packet times can disagree (a server answering before the request body ended).
 * A missing response leaves wait and receive at 0: nothing says how long it was waited for.
 */
export function harTimings(e: Exchange): HarTimings {
  const t = e.timing;
  const t0 = t.requestStart;
  const t1 = Math.max(t0, t.requestEnd);
  const t2 = t.responseStart === null ? t1 : Math.max(t1, t.responseStart);
  const t3 = t.responseEnd === null ? t2 : Math.max(t2, t.responseEnd);
  return { blocked: -1, dns: -1, connect: -1, ssl: -1, send: ms(t1 - t0), wait: ms(t2 - t1), receive: ms(t3 - t2) };
}

const ms = (micros: Micros): number => micros / 1000;

function harRequest(e: Exchange): HarRequest {
  const req = e.request;
  const postData = harPostData(req.headers, req.body);
  return {
    method: req.method,
    url: harUrl(e),
    httpVersion: `HTTP/${req.version}`,
    cookies: requestCookies(req.headers),
    headers: harHeaders(req.headers),
    queryString: queryString(req.target),
    ...(postData === null ? {} : { postData }),
    headersSize: headSize(e.requestBytes, req.headers, req.body),
    bodySize: req.body.wireBytes,
  };
}

function harResponse(res: HttpResponse, responseBytes: number): HarResponse {
  return {
    status: res.status,
    statusText: res.reason,
    httpVersion: `HTTP/${res.version}`,
    cookies: responseCookies(res.headers),
    headers: harHeaders(res.headers),
    content: harContent(res.headers, res.body),
    redirectURL: headerValue(res.headers, 'location') ?? '',
    // 1xx heads are counted in responseBytes too: the final head's size is unknown then.
    headersSize: res.interim.length > 0 ? -1 : headSize(responseBytes, res.headers, res.body),
    bodySize: res.body.wireBytes,
  };
}

function missingResponse(): HarResponse {
  return {
    status: 0,
    statusText: '',
    httpVersion: '',
    cookies: [],
    headers: [],
    content: { size: 0, mimeType: 'x-unknown' },
    redirectURL: '',
    headersSize: -1,
    bodySize: -1,
    comment: 'no response seen',
  };
}

// ---------------------------------------------------------------------------------------------
// Request line, headers, cookies

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `http://<Host or server ip:port><target>`; absolute-form targets as they are. Bytes a URI
 * cannot hold (controls, space, non-ASCII) are percent-encoded, so the URL stays one token.
 */
export function harUrl(e: Exchange): string {
  const { target, method, host } = e.request;
  if (ABSOLUTE_FORM.test(target)) return uriSafe(target);
  const authority = host !== null && host.trim() !== '' ? host.trim() : formatEndpoint(e.server);
  if (target.startsWith('/')) return uriSafe(`http://${authority}${target}`);
  // CONNECT's authority-form names the destination itself; `*` (OPTIONS) and oddities hang off the root.
  if (method.toUpperCase() === 'CONNECT') return uriSafe(`http://${target}`);
  return uriSafe(`http://${authority}/${target}`);
}

const NOT_URI = /[\x00-\x20\x7f-\xff]/g;

/** The strings are Latin-1 (one char per wire byte), so the char code is the byte to encode. */
function uriSafe(text: string): string {
  return text.replace(NOT_URI, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Query parameters of the target, percent-decoded where the escapes form UTF-8. */
export function queryString(target: string): HarNameValue[] {
  const q = target.indexOf('?');
  if (q < 0) return [];
  const hash = target.indexOf('#', q);
  const query = target.slice(q + 1, hash < 0 ? undefined : hash);
  if (query === '') return [];
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? { name: unescapeQuery(part), value: '' } : { name: unescapeQuery(part.slice(0, eq)), value: unescapeQuery(part.slice(eq + 1)) };
  });
}

function unescapeQuery(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function harHeaders(headers: HeaderList): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function headerValue(headers: HeaderList, lowerName: string): string | null {
  for (const [n, v] of headers) if (n.toLowerCase() === lowerName) return v;
  return null;
}

function requestCookies(headers: HeaderList): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const [n, v] of headers) {
    if (n.toLowerCase() !== 'cookie') continue;
    for (const part of v.split(';')) {
      const c = nameValue(part);
      if (c !== null) cookies.push(c);
    }
  }
  return cookies;
}

function nameValue(text: string): HarNameValue | null {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (name === '') return null;
  return { name, value: eq < 0 ? '' : text.slice(eq + 1).trim() };
}

function responseCookies(headers: HeaderList): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const [n, v] of headers) {
    if (n.toLowerCase() !== 'set-cookie') continue;
    const c = setCookie(v);
    if (c !== null) cookies.push(c);
  }
  return cookies;
}

/** `name=value; Path=/; Domain=d; Expires=...; HttpOnly; Secure`; Max-Age and the rest are left out. */
function setCookie(text: string): HarCookie | null {
  const [first, ...attributes] = text.split(';');
  const nv = nameValue(first);
  if (nv === null) return null;
  const cookie: { -readonly [K in keyof HarCookie]: HarCookie[K] } = { ...nv };
  for (const attribute of attributes) {
    const a = nameValue(attribute);
    if (a === null) continue;
    const key = a.name.toLowerCase();
    if (key === 'path') cookie.path = a.value;
    else if (key === 'domain') cookie.domain = a.value;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'expires') {
      const when = Date.parse(a.value);
      if (!Number.isNaN(when)) cookie.expires = new Date(when).toISOString();
    }
  }
  return cookie;
}

/**
 * Head bytes = message bytes - body bytes, when that is exact: a chunked body's framing and
 * trailers are counted in the message but not in the de-chunked body, so then it is unknown (-1).
 */
function headSize(messageBytes: number, headers: HeaderList, body: BodyCapture): number {
  const te = headerValue(headers, 'transfer-encoding');
  if (te !== null && /chunked/i.test(te)) return -1;
  const size = messageBytes - body.wireBytes;
  return size > 0 ? size : -1;
}

// ---------------------------------------------------------------------------------------------
// Bodies

interface BodyText {
  readonly text: string;
  readonly base64: boolean;
  readonly notes: string[];
}

/** The decoded body when decoding gave something, else the wire body; UTF-8 text or base64. */
function bodyText(body: BodyCapture): BodyText {
  const notes: string[] = [];
  const decoded = body.decoded;
  if (body.truncated) notes.push(`body cut by the capture limit: ${body.data.length} of ${body.wireBytes} bytes kept`);
  if (decoded !== null && body.decodeProblem !== null) notes.push(`content decoding stopped (${body.decodeProblem}): text is what was decoded`);
  if (decoded === null && body.contentEncoding !== null) {
    notes.push(`not decoded${body.decodeProblem === null ? '' : ` (${body.decodeProblem})`}: text is the body as sent (${body.contentEncoding})`);
  }
  const bytes = decoded ?? body.data;
  const cut = body.truncated || body.decodeProblem !== null;
  const text = utf8Text(bytes, cut);
  return text === null ? { text: bytes.toString('base64'), base64: true, notes } : { text, base64: false, notes };
}

/** UTF-8 text, or null; a body cut short may end inside a character, which is dropped then. */
function utf8Text(bytes: Buffer, cut: boolean): string | null {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  if (!cut) return null;
  for (let drop = 1; drop <= 3 && drop < bytes.length; drop++) {
    const head = bytes.subarray(0, bytes.length - drop);
    if (isUtf8(head)) return head.toString('utf8');
  }
  return null;
}

const mimeTypeOf = (headers: HeaderList): string => headerValue(headers, 'content-type') ?? 'x-unknown';

function harContent(headers: HeaderList, body: BodyCapture): HarContent {
  const mimeType = mimeTypeOf(headers);
  if (body.wireBytes === 0 && body.data.length === 0) return { size: 0, mimeType };
  const decoded = body.decoded;
  const whole = decoded !== null && body.decodeProblem === null && !body.truncated;
  const b = bodyText(body);
  return {
    size: decoded === null ? body.wireBytes : decoded.length,
    ...(whole ? { compression: decoded.length - body.wireBytes } : {}),
    mimeType,
    text: b.text,
    ...(b.base64 ? { encoding: 'base64' as const } : {}),
    ...(b.notes.length > 0 ? { comment: b.notes.join('; ') } : {}),
  };
}

function harPostData(headers: HeaderList, body: BodyCapture): HarPostData | null {
  if (body.wireBytes === 0 && body.data.length === 0) return null;
  const b = bodyText(body);
  const notes = b.base64 ? ['text is base64 (binary body)', ...b.notes] : b.notes;
  return {
    mimeType: mimeTypeOf(headers),
    text: b.text,
    ...(b.base64 ? { _encoding: 'base64' as const } : {}),
    ...(notes.length > 0 ? { comment: notes.join('; ') } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The file

const LOG_COMMENT =
  'Both legs of each mirrored request: entries of one request share _shadowdump.pair; _shadowdump.role is primary, shadow, retry, related or candidate.';

export interface HarWriterOptions {
  /** log.comment; a note on the _shadowdump field by default. */
  readonly comment?: string;
}

/**
 * Streams a HAR 1.2 document: the head at open, one entry per line as pairs come, the tail at
 * close. Await `add` (it waits for the stream to drain); the first write error is thrown by the
 * next `add` or by `close`.
 */
export class HarWriter {
  private entries = 0;
  private failure: ShadowdumpError | null = null;
  private closed = false;

  private constructor(
    private readonly path: string,
    private readonly out: WriteStream,
  ) {
    out.on('error', (err) => {
      this.failure ??= writeFailed(path, err);
    });
  }

  /** Creates (or truncates) the file; a ShadowdumpError naming the file and the fix if it cannot. */
  static async open(path: string, creatorVersion: string, options: HarWriterOptions = {}): Promise<HarWriter> {
    const out = createWriteStream(path);
    try {
      await once(out, 'ready');
    } catch (err) {
      throw openFailed(path, err);
    }
    const writer = new HarWriter(path, out);
    const head = { version: '1.2', creator: { name: 'shadowdump', version: creatorVersion }, pages: [], comment: options.comment ?? LOG_COMMENT };
    // The head without its closing braces, so that entries can follow.
    await writer.write(`{"log":${ndjsonLine(head).slice(0, -1)},"entries":[`);
    return writer;
  }

  /** Entries written so far. */
  get entryCount(): number {
    return this.entries;
  }

  /** Writes the entries of one pair; resolves when the stream can take more. */
  async add(report: PairReport): Promise<void> {
    if (this.closed) throw new Error('HarWriter.add after close');
    let text = '';
    for (const entry of harEntries(report)) {
      text += `${this.entries === 0 ? '\n' : ',\n'}${ndjsonLine(entry)}`;
      this.entries++;
    }
    if (text !== '') await this.write(text);
  }

  /** Ends the document (valid with no entries too) and the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.failure !== null) {
      this.out.destroy();
      throw this.failure;
    }
    const finished = once(this.out, 'close');
    this.out.end('\n]}}\n');
    try {
      await finished;
    } catch (err) {
      this.failure ??= writeFailed(this.path, err);
    }
    this.throwIfFailed();
  }

  private async write(text: string): Promise<void> {
    this.throwIfFailed();
    if (this.out.write(text)) return;
    // `once` rejects on 'error', so a failing disk does not leave us waiting for 'drain'.
    try {
      await once(this.out, 'drain');
    } catch (err) {
      this.failure ??= writeFailed(this.path, err);
    }
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}

function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function openFailed(path: string, err: unknown): ShadowdumpError {
  const code = errorCode(err);
  const why =
    code === 'ENOENT'
      ? 'its directory does not exist; create the directory or choose another --har path'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'permission denied; choose a writable location for --har'
        : code === 'EISDIR'
          ? 'it is a directory; give --har a file name'
          : `${err instanceof Error ? err.message : String(err)}; choose another --har path`;
  return new ShadowdumpError('output-failed', `cannot create HAR file ${path}: ${why}`);
}

function writeFailed(path: string, err: unknown): ShadowdumpError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ShadowdumpError('output-failed', `cannot write HAR file ${path} (${reason}); check that the disk has space and the file is writable`);
}
