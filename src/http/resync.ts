import { methods as KNOWN_METHODS } from 'http-parser-js';
import type { Micros } from '../core/time.js';

export type StartKind = 'request' | 'response';
export type ScanWant = StartKind | 'either';

export type ScanResult =
  | { readonly found: false; readonly discarded: number }
  | {
      readonly found: true;
      readonly kind: StartKind;
      /** Where the start line begins in `data` (which may be a saved tail + the new bytes). */
      readonly data: Buffer;
      readonly offset: number;
      /** Time of the chunk that carried the start line's first byte. */
      readonly first: Micros;
      readonly discarded: number;
    };

const LF = 0x0a;
const STATUS_MARK = Buffer.from('HTTP/1.');
const REQUEST_MARK = Buffer.from(' HTTP/1.');
const METHODS = new Set<string>(KNOWN_METHODS);
const MAX_METHOD = 32;

/**
 * Finds the next message start after a gap, a parse error or a mid-stream start: a status
 * line `HTTP/1.x SP 3DIGIT` or a request line `METHOD SP target SP HTTP/1.x CRLF`.
 *
 * A message does not always begin a line: it follows the previous body directly, and bodies
 * rarely end with a LF. So status lines are looked for anywhere, and request lines are found
 * by their end (` HTTP/1.x` + LF) and read backwards: any method token (RFC 9110) at the start of a line
 * (or right after a gap), a known method (GET, POST, ... as http-parser-js lists them) when the
 * line began with other bytes (`...}GET /x HTTP/1.1`).
 *
 * The bytes of the last, unfinished line (at most maxLine) are kept and scanned again with the
 * next chunk, so the result does not depend on how the stream was cut into chunks.
 */
export class StartLineScanner {
  private tail: Buffer | null = null;
  private tailFirst: Micros = 0;
  /** The next byte (or the tail's first) begins a line: after a LF, a gap, the stream start. */
  private atLineStart = true;

  constructor(private readonly maxLine: number) {}

  /** Forget any saved tail; `atLineStart`: the next byte may begin a message. */
  restart(atLineStart: boolean): void {
    this.tail = null;
    this.atLineStart = atLineStart;
  }

  /**
   * The saved tail when it begins a line (a start line cut by a gap or the stream's end, to
   * be salvaged), with the time of its chunk; forgets it.
   */
  takePartialLine(): { readonly text: string; readonly first: Micros } | null {
    const tail = this.tail;
    const atLineStart = this.atLineStart;
    this.tail = null;
    if (tail === null || !atLineStart) return null;
    return { text: tail.toString('latin1'), first: this.tailFirst };
  }

  scan(bytes: Buffer, first: Micros, want: ScanWant): ScanResult {
    const tail = this.tail;
    const tailLength = tail ? tail.length : 0;
    const data = tail ? Buffer.concat([tail, bytes]) : bytes;
    const lineStartAt0 = this.atLineStart;
    const firstOf = (i: number): Micros => (i < tailLength ? this.tailFirst : first);
    this.tail = null;

    let best = -1;
    let kind: StartKind = 'response';
    if (want !== 'request') {
      const s = findStatus(data);
      if (s >= 0) best = s;
    }
    if (want !== 'response') {
      const r = findRequest(data, lineStartAt0, this.maxLine, best < 0 ? data.length : best);
      if (r >= 0 && (best < 0 || r < best)) {
        best = r;
        kind = 'request';
      }
    }
    if (best >= 0) {
      this.atLineStart = false;
      return { found: true, kind, data, offset: best, first: firstOf(best), discarded: best };
    }

    // Keep the unfinished last line (capped): a start line may be completing in it.
    const lastLf = data.lastIndexOf(LF);
    // (A status line is decided by its first 13 bytes; a request line needs the whole line.)
    const keepFrom = Math.max(lastLf + 1, data.length - (want === 'response' ? 12 : this.maxLine));
    if (keepFrom < data.length) {
      this.tail = Buffer.from(data.subarray(keepFrom));
      this.tailFirst = firstOf(keepFrom);
      this.atLineStart = keepFrom === lastLf + 1 ? lastLf >= 0 || lineStartAt0 : false;
    } else {
      this.atLineStart = true;
    }
    return { found: false, discarded: keepFrom };
  }
}

const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** RFC 9110 token character (what a method is made of). */
function isTchar(b: number): boolean {
  return TCHAR[b] === 1;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** First `HTTP/1.x SP 3DIGIT (SP|CR|LF)` in data, or -1. */
function findStatus(data: Buffer): number {
  let i = data.indexOf(STATUS_MARK);
  while (i >= 0 && i + 13 <= data.length) {
    const b12 = data[i + 12];
    if (
      isDigit(data[i + 7]) &&
      data[i + 8] === 0x20 &&
      isDigit(data[i + 9]) &&
      isDigit(data[i + 10]) &&
      isDigit(data[i + 11]) &&
      (b12 === 0x20 || b12 === 0x0d || b12 === 0x0a)
    ) {
      return i;
    }
    i = data.indexOf(STATUS_MARK, i + 1);
  }
  return -1;
}

/** Start of the first complete request line in data that begins before `before`, or -1. */
function findRequest(data: Buffer, lineStartAt0: boolean, maxLine: number, before: number): number {
  let h = data.indexOf(REQUEST_MARK);
  while (h >= 0) {
    // ' HTTP/1.' DIGIT (CR LF | LF)
    const d = h + REQUEST_MARK.length;
    let lineEnd = -1;
    if (d + 1 < data.length && isDigit(data[d])) {
      if (data[d + 1] === LF) lineEnd = d + 1;
      else if (data[d + 1] === 0x0d && d + 2 < data.length && data[d + 2] === LF) lineEnd = d + 2;
    }
    if (lineEnd >= 0) {
      const start = requestStart(data, h, lineStartAt0, maxLine);
      if (start >= 0) return start < before ? start : -1;
    }
    h = data.indexOf(REQUEST_MARK, h + 1);
    if (h >= before) return -1;
  }
  return -1;
}

/** Reads `METHOD SP target` backwards from the space before HTTP/1.x at `h`. */
function requestStart(data: Buffer, h: number, lineStartAt0: boolean, maxLine: number): number {
  // target: at least one byte, no spaces or controls
  let t = h;
  while (t > 0 && h - t <= maxLine) {
    const b = data[t - 1];
    if (b <= 0x20 || b === 0x7f) break;
    t--;
  }
  if (t === h || t === 0 || data[t - 1] !== 0x20) return -1;
  const sp = t - 1;
  let m = sp;
  while (m > 0 && sp - m < MAX_METHOD && isTchar(data[m - 1])) m--;
  if (m === sp) return -1;
  const atLineStart = m === 0 ? lineStartAt0 : data[m - 1] === LF;
  const first = data[m] | 0x20;
  if (atLineStart && first >= 0x61 && first <= 0x7a) return m; // a token starting with a letter
  // Mid-line: the longest known method that ends the run.
  const run = data.toString('latin1', m, sp);
  for (let k = 0; k < run.length; k++) {
    if (METHODS.has(run.slice(k))) return m + k;
  }
  return -1;
}
