import type { HeaderList } from './types.js';
import type { MessageKind } from './message-parser.js';
import { lowerEquals } from './headers.js';

/**
 * Reads a plain message head from bytes, for MessageParser's fast path, and says no to anything
 * else (the caller then hands the message to http-parser-js, which stays the reference).
 *
 * Plain means: CR LF after every line and no other CR or LF anywhere; a request line
 * `TOKEN SP target SP HTTP/d.d` (target without SP, CR, LF), or a status line
 * `HTTP/d.d SP ddd [SP] reason`; header lines `name ":" OWS value OWS` where the name has no
 * SP, HT or ":"; at most one framing field, which is a Content-Length of 1 to 15 digits or
 * "Transfer-Encoding: chunked" (any case); no Upgrade field. For such a head the library
 * reads the same start line and the same (name, value) pairs, and frames the body the same way.
 *
 * Heads on one connection repeat each other line for line (the same names, most of the same
 * values), so each reader keeps the bytes of the last head it read, and a line equal to the
 * line at the same place last time gives back the same pair (and the same strings), already
 * checked: no string is made and no character is looked at twice. Comparing bytes in a typed
 * array is several times cheaper here than any string operation.
 */
export class FastHeadReader {
  // --- the head read last (valid after read() returned true) ----------------------------
  method = '';
  target = '';
  status = 0;
  reason = '';
  version = '1.1';
  headers: HeaderList = NO_HEADERS;
  /** Content-Length, or -1 when there is none. */
  contentLength = -1;
  chunked = false;
  /** Bytes of the head read last (0 before the first). */
  lastLength = 0;

  // --- the previous head, as bytes, for comparison ---------------------------------------
  private prevBytes = new Uint8Array(512);
  private prevView: DataView = new DataView(this.prevBytes.buffer);
  /** Where each line of the previous head starts (start line, headers, the empty line). */
  private prevLineStart = new Int32Array(MAX_LINES + 2);
  /** Lines of the previous head, the start line included (the empty line not); 0: none kept. */
  private prevLines = 0;
  /** Length of the name of each header line of the previous head. */
  private prevNameLength = new Int32Array(MAX_LINES);
  /** What each header line of the previous head said about framing (see FRAMING_*). */
  private prevFraming = new Int8Array(MAX_LINES);
  // (the same, being filled for the head being read; swapped with the above when it is plain)
  private lineStart = new Int32Array(MAX_LINES + 2);
  private nameLength = new Int32Array(MAX_LINES);
  private framing = new Int8Array(MAX_LINES);
  /** Lines of the head being read that differ from the previous head's (-1: the start line). */
  private readonly changedLine = new Int32Array(MAX_CHANGED);
  /** The pairs of the head being read (copied out at the end). */
  private readonly pairs: Array<readonly [string, string]> = new Array<readonly [string, string]>(MAX_LINES).fill(NO_PAIR);

  constructor(private readonly kind: MessageKind) {}

  /**
   * Reads the head in chunk[p, headEnd), which ends with the first CR LF CR LF after p. Returns
   * false, having changed nothing, when the head is not plain (see the class comment).
   */
  read(chunk: Buffer, p: number, headEnd: number): boolean {
    const prevBytes = this.prevBytes;
    const prevView = this.prevView;
    const view = memoryView(chunk);
    const memoryStart = chunk.byteOffset;
    const prevLineStart = this.prevLineStart;
    const prevLines = this.prevLines;
    const lineStart = this.lineStart;
    const nameLengths = this.nameLength;
    const framing = this.framing;
    const pairs = this.pairs;

    // --- start line ------------------------------------------------------------------------
    let pos = p;
    let method = this.method;
    let target = this.target;
    let status = this.status;
    let reason = this.reason;
    let version = this.version;
    const prevStartLength = prevLines > 0 ? prevLineStart[1] : 0;
    const changedLine = this.changedLine;
    let changed = 0;
    if (prevLines > 0 && p + prevStartLength <= headEnd - 2 && same(view, memoryStart + p, prevView, 0, prevStartLength)) {
      // The same start line as last time (same method and target, or same status and reason).
      pos = p + prevStartLength;
    } else if (this.kind === 'request') {
      changedLine[changed++] = -1;
      // TOKEN SP target SP "HTTP/" DIGIT "." DIGIT CR LF (tokenRequestLine's expression)
      let i = p;
      while (TCHAR[chunk[i]] === 1) i++;
      if (i === p || chunk[i] !== SP) return false;
      const sp1 = i;
      for (i++; ; i++) {
        const b = chunk[i];
        if (b === SP) break;
        if (b === CR || b === LF) return false;
      }
      const sp2 = i;
      if (sp2 === sp1 + 1 || !isVersion(chunk, sp2 + 1) || chunk[sp2 + 9] !== CR || chunk[sp2 + 10] !== LF) return false;
      method = methodName(chunk, p, sp1);
      target = latin1(chunk, sp1 + 1, sp2);
      version = versionText(chunk[sp2 + 6] - 0x30, chunk[sp2 + 8] - 0x30);
      pos = sp2 + 11;
    } else {
      // "HTTP/" DIGIT "." DIGIT SP 3DIGIT [SP] reason CR LF (the library's expression)
      changedLine[changed++] = -1;
      if (!isVersion(chunk, p) || chunk[p + 8] !== SP || !isDigit(chunk[p + 9]) || !isDigit(chunk[p + 10]) || !isDigit(chunk[p + 11])) return false;
      const rs = chunk[p + 12] === SP ? p + 13 : p + 12;
      let i = rs;
      for (; ; i++) {
        const b = chunk[i];
        if (b === CR) break;
        if (b === LF) return false;
      }
      if (chunk[i + 1] !== LF) return false;
      status = (chunk[p + 9] - 0x30) * 100 + (chunk[p + 10] - 0x30) * 10 + (chunk[p + 11] - 0x30);
      reason = i === rs ? '' : latin1(chunk, rs, i);
      version = versionText(chunk[p + 5] - 0x30, chunk[p + 7] - 0x30);
      pos = i + 2;
    }
    lineStart[0] = 0;

    // --- header lines --------------------------------------------------------------------
    const prevHeaders = this.headers;
    let count = 0;
    let allSame = true;
    let contentLength = -1;
    let chunked = false;
    let framingFields = 0;
    const last = headEnd - 2; // the empty line
    while (pos < last) {
      if (count === MAX_LINES) return false;
      lineStart[count + 1] = pos - p;
      let pair: readonly [string, string] | null = null;
      let kind = FRAMING_NONE;
      let nameLength = 0;
      if (count + 1 < prevLines) {
        const from = prevLineStart[count + 1];
        const length = prevLineStart[count + 2] - from;
        if (pos + length <= last && same(view, memoryStart + pos, prevView, from, length)) {
          pair = prevHeaders[count];
          kind = this.prevFraming[count];
          nameLength = this.prevNameLength[count];
          pos += length;
        }
      }
      if (pair === null) {
        allSame = false;
        if (changed < MAX_CHANGED) changedLine[changed] = count;
        changed++;
      }
      if (pair === null) {
        // name ":" OWS value OWS CR LF
        let i = pos;
        for (; ; i++) {
          const b = chunk[i];
          if (b === COLON) break;
          if (b === SP || b === HT || b === CR || b === LF) return false;
        }
        nameLength = i - pos;
        if (nameLength === 0) return false;
        let vs = i + 1;
        while (chunk[vs] === SP || chunk[vs] === HT) vs++;
        let ve = vs;
        for (i = vs; ; i++) {
          const b = chunk[i];
          if (b === CR) break;
          if (b === LF) return false;
          if (b !== SP && b !== HT) ve = i + 1;
        }
        if (chunk[i + 1] !== LF) return false;
        const value = ve === vs ? '' : latin1(chunk, vs, ve);
        let name: string;
        if (count + 1 < prevLines && this.prevNameLength[count] === nameLength && same(view, memoryStart + pos, prevView, prevLineStart[count + 1], nameLength)) {
          // The name as last time at this place, and so the same framing role.
          name = prevHeaders[count][0];
          kind = this.prevFraming[count];
          if (kind === FRAMING_LENGTH ? !CONTENT_LENGTH.test(value) : kind === FRAMING_CHUNKED && !lowerEquals(value, 'chunked')) return false;
        } else if (nameLength === 14 || nameLength === 17 || nameLength === 7) {
          name = latin1(chunk, pos, pos + nameLength);
          // (the library lowercases every name; only these three lengths matter to framing)
          if (lowerEquals(name, 'content-length')) {
            if (!CONTENT_LENGTH.test(value)) return false;
            kind = FRAMING_LENGTH;
          } else if (lowerEquals(name, 'transfer-encoding')) {
            if (!lowerEquals(value, 'chunked')) return false;
            kind = FRAMING_CHUNKED;
          } else if (lowerEquals(name, 'upgrade')) {
            return false;
          }
        } else {
          name = latin1(chunk, pos, pos + nameLength);
        }
        pair = [name, value];
        pos = i + 2;
      }
      if (kind !== FRAMING_NONE) {
        if (framingFields++ > 0) return false;
        // (a Content-Length line as last time says what it said last time)
        if (kind === FRAMING_LENGTH) contentLength = pair === prevHeaders[count] ? this.contentLength : Number(pair[1]);
        else chunked = true;
      }
      pairs[count] = pair;
      nameLengths[count] = nameLength;
      framing[count] = kind;
      count++;
    }
    if (pos !== last) return false;
    lineStart[count + 1] = last - p;

    // --- the head is plain: keep it for the next one ---------------------------------------
    this.method = method;
    this.target = target;
    this.status = status;
    this.reason = reason;
    this.version = version;
    if (!allSame || count !== prevHeaders.length) this.headers = pairs.slice(0, count);
    for (let i = 0; i < count; i++) pairs[i] = NO_PAIR;
    this.contentLength = contentLength;
    this.chunked = chunked;
    const length = headEnd - p;
    this.lastLength = length;
    if (length > MAX_KEPT) {
      // A big head is not kept (nor compared with).
      this.prevLines = 0;
      return true;
    }
    if (prevLines === count + 1 && prevLineStart[count + 1] === lineStart[count + 1] && changed <= MAX_CHANGED && sameLayout(prevLineStart, lineStart, count + 2)) {
      // Lines where they were: only the lines that changed need copying.
      for (let c = 0; c < changed; c++) {
        const line = changedLine[c] + 1;
        copy(view, memoryStart + p + lineStart[line], prevView, lineStart[line], lineStart[line + 1] - lineStart[line]);
      }
    } else {
      if (prevBytes.length < length) {
        this.prevBytes = new Uint8Array(Math.max(length, prevBytes.length * 2));
        this.prevView = new DataView(this.prevBytes.buffer);
      }
      copy(view, memoryStart + p, this.prevView, 0, length);
    }
    // (the tables just filled become the previous head's; the old ones are filled next time)
    this.lineStart = prevLineStart;
    this.prevLineStart = lineStart;
    this.nameLength = this.prevNameLength;
    this.prevNameLength = nameLengths;
    this.framing = this.prevFraming;
    this.prevFraming = framing;
    this.prevLines = count + 1;
    return true;
  }
}

const NO_HEADERS: HeaderList = [];
const NO_PAIR: readonly [string, string] = ['', ''];

/** Buffer's own Latin-1 reader: toString('latin1', start, end) without the argument checks. */
interface LatinSliceable {
  latin1Slice(start: number, end: number): string;
}

function latin1(chunk: Buffer, start: number, end: number): string {
  return (chunk as unknown as LatinSliceable).latin1Slice(start, end);
}
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;
const FRAMING_NONE = 0;
const FRAMING_LENGTH = 1;
const FRAMING_CHUNKED = 2;
/** Heads kept for comparison at most this long. */
const MAX_KEPT = 4096;
/** Heads with more header lines are left to the library. */
const MAX_LINES = 64;
/** Changed lines copied one by one into the kept head; beyond, the whole head is copied. */
const MAX_CHANGED = 8;
const CONTENT_LENGTH = /^[0-9]{1,15}$/;

/** RFC 9110 token characters (what a method is made of). */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** "HTTP/" DIGIT "." DIGIT at `at`. */
function isVersion(chunk: Buffer, at: number): boolean {
  return (
    chunk[at] === 0x48 &&
    chunk[at + 1] === 0x54 &&
    chunk[at + 2] === 0x54 &&
    chunk[at + 3] === 0x50 &&
    chunk[at + 4] === 0x2f &&
    isDigit(chunk[at + 5]) &&
    chunk[at + 6] === 0x2e &&
    isDigit(chunk[at + 7])
  );
}

/** The first n line starts are the same. */
function sameLayout(a: Int32Array, b: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A DataView on the memory of the chunk being read (kept while chunks share an ArrayBuffer). */
let chunkMemory: ArrayBufferLike | null = null;
let chunkView: DataView = new DataView(new ArrayBuffer(0));

/** A DataView on all the memory of `chunk` (the last one made is kept: chunks share memory). */
function memoryView(chunk: Buffer): DataView {
  const memory = chunk.buffer;
  if (memory !== chunkMemory) {
    chunkMemory = memory;
    chunkView = new DataView(memory);
  }
  return chunkView;
}

/** Copies view[ai, ai + n) to keptView[bi, bi + n), four bytes at a time. */
function copy(view: DataView, ai: number, keptView: DataView, bi: number, n: number): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) keptView.setInt32(bi + i, view.getInt32(ai + i, true), true);
  for (; i < n; i++) keptView.setUint8(bi + i, view.getUint8(ai + i));
}

/**
 * view[ai, ai + n) equals keptView[bi, bi + n), four bytes at a time (a loop over bytes cost
 * more than the rest of reading a head). `ai` is an offset in the chunk's memory.
 */
function same(view: DataView, ai: number, keptView: DataView, bi: number, n: number): boolean {
  let i = 0;
  for (; i + 4 <= n; i += 4) if (view.getInt32(ai + i, true) !== keptView.getInt32(bi + i, true)) return false;
  for (; i < n; i++) if (view.getUint8(ai + i) !== keptView.getUint8(bi + i)) return false;
  return true;
}

/** `${major}.${minor}` without building the common ones. */
export function versionText(major: number, minor: number): string {
  if (major === 1) {
    if (minor === 1) return '1.1';
    if (minor === 0) return '1.0';
  }
  return `${major}.${minor}`;
}

const GET = [0x47, 0x45, 0x54];
const POST = [0x50, 0x4f, 0x53, 0x54];

/** The method's name (the common ones without making a string). */
function methodName(chunk: Buffer, from: number, to: number): string {
  const n = to - from;
  if (n === 3 && chunk[from] === GET[0] && chunk[from + 1] === GET[1] && chunk[from + 2] === GET[2]) return 'GET';
  if (n === 4 && chunk[from] === POST[0] && chunk[from + 1] === POST[1] && chunk[from + 2] === POST[2] && chunk[from + 3] === POST[3]) return 'POST';
  return latin1(chunk, from, to);
}
