import type { EndReason } from '../tcp/types.js';
import type { Micros } from '../core/time.js';
import { methods } from 'http-parser-js';
import { HttpParseError } from './errors.js';
import { FastHeadReader, versionText } from './fast-head.js';
import type { HttpLimits } from './limits.js';
import {
  createParser,
  isHeadState,
  K_ON_BODY,
  K_ON_HEADERS,
  K_ON_HEADERS_COMPLETE,
  K_ON_MESSAGE_COMPLETE,
  pairHeaders,
  type ParserInfo,
  type ParserInternals,
  type ParserType,
} from './parser-internals.js';
import type { HeaderList } from './types.js';

export type MessageKind = 'request' | 'response';

interface HeadCommon {
  readonly version: string;
  readonly headers: HeaderList;
  /** Time of the chunk that carried the first byte of the start line. */
  readonly start: Micros;
  /** Bytes of start line + headers + blank line (so far, for a salvaged head). */
  readonly headBytes: number;
  /** The parser's view: Upgrade with "Connection: upgrade" (request), or 101 with both (response). */
  readonly upgrade: boolean;
  /** False for a head salvaged after a gap or an error (headers may be missing). */
  readonly whole: boolean;
}

export interface RequestHead extends HeadCommon {
  readonly kind: 'request';
  readonly method: string;
  readonly target: string;
}

export interface ResponseHead extends HeadCommon {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

export type MessageHead = RequestHead | ResponseHead;

export interface MessageEnd {
  /** Time of the chunk that carried the last byte (for a gap that ends the body: the gap's time). */
  readonly end: Micros;
  /** Wire bytes of the whole message, head + body, skipped gap bytes included. */
  readonly bytes: number;
  /** The body had no length and ended with the stream (see finish()). */
  readonly endedByClose: EndReason | null;
}

export type AbortCause =
  | { readonly kind: 'gap'; readonly length: number }
  | { readonly kind: 'error'; readonly error: HttpParseError }
  | { readonly kind: 'closed'; readonly reason: EndReason };

export interface MessageAbort {
  readonly cause: AbortCause;
  /** True when onHead was already called for this message. */
  readonly headDelivered: boolean;
  /** When the head was not delivered: what could be salvaged (start line parsed), else null. */
  readonly salvaged: MessageHead | null;
  readonly end: Micros;
  readonly bytes: number;
}

/** What a MessageParser tells about each message, in order. */
export interface MessageSink {
  /** The head is complete. Return true when the message has no body (HEAD response, CONNECT). */
  onHead(head: MessageHead): boolean;
  onBody(bytes: Buffer): void;
  /** `length` body bytes are missing; they were skipped without losing sync. */
  onBodyGap(length: number): void;
  onTrailers(trailers: HeaderList): void;
  /** The message is over. Return true to stop parsing right after it (Upgrade, CONNECT). */
  onEnd(end: MessageEnd): boolean;
  /** The message in progress cannot be finished; the parser is reset. */
  onAbort(abort: MessageAbort): void;
}

export type FeedResult =
  | { readonly kind: 'done' }
  /** The sink stopped parsing after a message; bytes from `offset` on were not parsed. */
  | { readonly kind: 'stopped'; readonly offset: number }
  /** Not HTTP at `offset` (the message was aborted): resynchronise from there. */
  | { readonly kind: 'error'; readonly offset: number; readonly error: HttpParseError };

export type GapResult = 'kept-sync' | 'lost-sync' | 'stopped';

/** Every feed of a chunk that is all parsed ends so: one frozen result, not one per packet. */
const DONE: FeedResult = Object.freeze({ kind: 'done' });

/** Bytes given to http-parser-js per execute() call: bounds a partial head line between limit checks. */
const SLICE = 64 * 1024;

/** Thrown from the message-complete callback to leave execute() right after a message. */
const PAUSE: unique symbol = Symbol('pause');

const CONTENT_LENGTH = /^[0-9]{1,15}$/;
/** A request line cut after its target (the space after it shows the target is whole). */
const PARTIAL_REQUEST = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^ ]+) (?:HTTP\/(\d)\.(\d)\r?$)?/;
const KNOWN_METHODS = new Set<string>(methods);
const STRICT_TARGET = /^(?:\/|\*$|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;
/** A status line cut after its code. */
const PARTIAL_STATUS = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?/;

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** How far from the last head's length headNearLast looks for this head's end. */
const HEAD_LENGTH_SLACK = 4;

/**
 * Whether MessageParser reads well-formed heads itself (see MessageParser.fastMessage) instead
 * of handing every byte to http-parser-js. On by default; tests switch it off to compare the
 * two, message by message, on generated traffic and on every capture.
 */
let fastHeads = true;

export function setFastHeadParsing(on: boolean): void {
  fastHeads = on;
}

/**
 * One HTTP/1.x message stream (one direction of one connection) over one http-parser-js
 * instance, in the spirit of undici's client-h1 wrapper: the parser's loose ends become typed
 * errors with codes, head and line sizes are bounded, and every message is reported with exact
 * wire byte counts and packet times. Never throws: errors come back as FeedResult.
 */
export class MessageParser {
  readonly kind: MessageKind;
  private readonly type: ParserType;
  private readonly parser: ParserInternals;

  /** Position (in bytes fed to this parser, gaps included) of chunk[0] of the current feed. */
  private base = 0;
  private pos = 0;
  private chunk: Buffer | null = null;
  private sliceEnd = 0;
  private inExecute = false;
  private first: Micros = 0;
  /** Latest packet time seen in this direction (see feed()). */
  private last: Micros = -Infinity;
  /** End time for a message completed outside execute() (gap, finish). */
  private endOverride: Micros = 0;
  private endedByClose: EndReason | null = null;

  /** Position of the first byte of the message in progress, -1 when between messages. */
  private msgStart = -1;
  private msgStartTime: Micros = 0;
  private headDelivered = false;
  private stopRequested = false;
  /** Set by fastMessage when the sink stopped parsing after the message it read. */
  private fastStopped = false;
  private readonly startState: 'REQUEST_LINE' | 'RESPONSE_LINE';
  /** Reads plain heads for the fast path (and keeps the last one: the next mostly repeats it). */
  private readonly headReader: FastHeadReader;

  constructor(
    kind: MessageKind,
    private readonly sink: MessageSink,
    private readonly limits: HttpLimits,
  ) {
    this.kind = kind;
    this.type = kind === 'request' ? 'REQUEST' : 'RESPONSE';
    this.startState = kind === 'request' ? 'REQUEST_LINE' : 'RESPONSE_LINE';
    this.headReader = new FastHeadReader(kind);
    this.parser = createParser(this.type);
    const parser = this.parser;
    parser[K_ON_HEADERS_COMPLETE] = (...args: unknown[]) => this.headersComplete(args);
    parser[K_ON_BODY] = (chunk: Buffer, offset: number, length: number) => {
      if (length > 0) this.sink.onBody(offset === 0 && chunk.length === length ? chunk : chunk.subarray(offset, offset + length));
    };
    parser[K_ON_HEADERS] = (trailers: string[]) => this.sink.onTrailers(pairHeaders(trailers));
    parser[K_ON_MESSAGE_COMPLETE] = () => this.messageComplete();
  }

  /** True between messages (nothing of a next message seen yet). */
  get idle(): boolean {
    return this.msgStart < 0 && !this.headDelivered && this.parser.line === '';
  }

  /**
   * Parses `chunk` (times of its first and last packet). On 'stopped' and 'error' the bytes
   * from `offset` on were not parsed; the parser is then reset to expect a new message.
   */
  feed(chunk: Buffer, first: Micros, last: Micros): FeedResult {
    const parser = this.parser;
    this.first = first;
    // Ends are "when the message was all there": the latest packet time so far in this
    // direction. It differs from `last` only when the reassembler delivers buffered
    // out-of-order segments (with their own, older times) after the packet that filled the
    // hole before them; the message was complete at that packet (tshark says the same).
    if (last > this.last) this.last = last;
    this.base = this.pos;
    this.chunk = chunk;
    let off = 0;
    while (off < chunk.length) {
      if (this.msgStart < 0 && !this.headDelivered) this.findStart(off, chunk.length);
      const sliceEnd = Math.min(chunk.length, off + SLICE);
      this.sliceEnd = sliceEnd;
      if (fastHeads) {
        // Whole well-formed messages first; the library takes over from where this stops.
        off = this.fastMessages(chunk, off, sliceEnd);
        if (this.fastStopped) {
          this.fastStopped = false;
          this.pos = this.base + off;
          this.resetParser();
          return { kind: 'stopped', offset: off };
        }
        if (off >= sliceEnd) {
          const overflow = this.checkBounds(this.base + off);
          if (overflow) return this.fail(overflow, off);
          continue;
        }
      }
      this.inExecute = true;
      let result: number | Error;
      try {
        result = parser.execute(chunk, off, sliceEnd - off);
      } catch (err) {
        this.inExecute = false;
        if (err === PAUSE) {
          const at = parser.offset;
          this.pos = this.base + at;
          this.resetParser();
          return { kind: 'stopped', offset: at };
        }
        return this.fail(HttpParseError.fromParser(err), parser.offset);
      }
      this.inExecute = false;
      if (typeof result !== 'number') return this.fail(HttpParseError.fromParser(result), parser.offset);
      // The library returns early (without error) after an Upgrade/CONNECT head with no
      // body; we decide about tunnels ourselves, so just carry on.
      if (result <= 0 && sliceEnd > off) return this.fail(new HttpParseError('HPE_UNKNOWN', 'parser made no progress'), off);
      off += result;
      const overflow = this.checkBounds(this.base + off);
      if (overflow) return this.fail(overflow, off);
    }
    this.pos = this.base + chunk.length;
    this.chunk = null;
    parser.chunk = null;
    return DONE;
  }

  /**
   * `length` bytes are missing at the current position. A gap inside a body of known extent
   * (Content-Length, a chunk of known size, or a body that runs to the close) is skipped and
   * parsing continues in sync; otherwise the message in progress is aborted and the caller
   * must resynchronise.
   */
  gap(length: number, at: Micros): GapResult {
    const parser = this.parser;
    const state = parser.state;
    if (this.idle) return 'lost-sync';
    if (this.headDelivered) {
      const remaining = parser.body_bytes;
      if ((state === 'BODY_SIZED' || state === 'BODY_CHUNK') && remaining !== null && length <= remaining) {
        this.sink.onBodyGap(length);
        this.pos += length;
        parser.body_bytes = remaining - length;
        if (parser.body_bytes === 0) {
          if (state === 'BODY_CHUNK') parser.state = 'BODY_CHUNKEMPTYLINE';
          else this.completeOutsideExecute(at, null);
        }
        if (this.stopRequested) {
          this.stopRequested = false;
          return 'stopped';
        }
        return 'kept-sync';
      }
      if (state === 'BODY_SIZED' && remaining !== null && remaining > 0) {
        // The gap runs past the end of this body: the message is over (its length is
        // known), what follows the body is lost.
        this.sink.onBodyGap(remaining);
        this.pos += remaining;
        parser.body_bytes = 0;
        this.completeOutsideExecute(at, null);
        this.stopRequested = false;
        return 'lost-sync';
      }
      if (state === 'BODY_RAW') {
        this.sink.onBodyGap(length);
        this.pos += length;
        return 'kept-sync';
      }
    }
    this.abort({ kind: 'gap', length }, at, this.pos + length);
    this.resetParser();
    return 'lost-sync';
  }

  /**
   * The stream is over. A body without length ends here (complete when the sender closed with
   * FIN; the sink sees `endedByClose` and judges); anything else in progress is aborted.
   */
  finish(reason: EndReason): void {
    const parser = this.parser;
    if (this.idle) return;
    if (this.headDelivered && parser.state === 'BODY_RAW') {
      this.endedByClose = reason;
      this.endOverride = this.last;
      this.inExecute = false;
      try {
        parser.finish();
      } finally {
        this.endedByClose = null;
      }
      this.stopRequested = false;
      return;
    }
    this.abort({ kind: 'closed', reason }, this.last, this.pos);
    this.resetParser();
  }

  /** Forget any message in progress (without reporting it): used when entering resync. */
  reset(): void {
    this.resetParser();
  }

  // --- fast path -------------------------------------------------------------------------
  //
  // Most messages are plain: a start line, "Name: value" lines, CRLF line ends, and a body
  // framed by one Content-Length, by "Transfer-Encoding: chunked", or by nothing. Reading such
  // a head line by line through http-parser-js costs a string, a regular expression and a few
  // closures per line; FastHeadReader reads it from the bytes, and mostly only compares them
  // with the previous head. The sink sees exactly what the library path would give it (same
  // calls, heads, byte counts, times, offsets): anything this path is not sure about (obs-fold,
  // bare LF or lone CR, a header line the library would drop, several or odd Content-Length or
  // Transfer-Encoding fields, Upgrade, a head that does not end within the slice) is left to
  // the library, from the first byte of the message, so the library stays the reference.
  // Chunked bodies and bodies that run to the close are left to it too, after the head.
  // test/http/fast-path.test.ts compares the two paths on generated traffic cut at random
  // points, with gaps, stops and every way a stream ends, and on every capture.

  /** Reads whole messages from `off` while the parser is between messages; returns where it stopped. */
  private fastMessages(chunk: Buffer, off: number, end: number): number {
    const parser = this.parser;
    while (off < end && !this.headDelivered && parser.state === this.startState && parser.line === '') {
      const next = this.fastMessage(chunk, off, end);
      if (next < 0) break;
      off = next;
      if (this.fastStopped) break;
    }
    return off;
  }

  /**
   * One message from `off` (before `end`, the end of the slice): returns the offset after what
   * it consumed, or -1 (nothing consumed) when the library should read it. When the body goes
   * on past `end`, or is chunked, or runs to the close, the parser is left in the state the
   * library would be in after the head (and the body bytes so far), and the library goes on.
   */
  private fastMessage(chunk: Buffer, off: number, end: number): number {
    // Empty lines before a message are skipped, as the library does.
    let p = off;
    while (p < end) {
      const b = chunk[p];
      if (b === LF) p++;
      else if (b === CR && p + 1 < end && chunk[p + 1] === LF) p += 2;
      else break;
    }
    if (p >= end || chunk[p] === CR || this.msgStart !== this.base + p) return -1;
    const reader = this.headReader;
    let headEnd = this.headNearLast(chunk, p, end);
    if (headEnd < 0) {
      const h = chunk.indexOf(HEAD_END, p);
      if (h < 0 || h + 4 > end) return -1;
      headEnd = h + 4;
      if (!reader.read(chunk, p, headEnd)) return -1;
    }
    const { status, headers, contentLength, chunked } = reader;

    // The head, as headersComplete builds it.
    const start = this.base + p;
    const head: MessageHead =
      this.kind === 'request'
        ? { kind: 'request', method: reader.method, target: reader.target, version: reader.version, headers, start: this.msgStartTime, headBytes: headEnd - p, upgrade: false, whole: true }
        : { kind: 'response', status, reason: reader.reason, version: reader.version, headers, start: this.msgStartTime, headBytes: headEnd - p, upgrade: false, whole: true };
    this.headDelivered = true;
    const skip = this.sink.onHead(head);
    const bodyless = skip || (this.kind === 'response' && (status < 200 || status === 204 || status === 304));
    if (!bodyless) {
      const parser = this.parser;
      if (chunked) {
        parser.isChunked = true;
        parser.body_bytes = null;
        parser.state = 'BODY_CHUNKHEAD';
        return headEnd;
      }
      if (contentLength < 0 && this.kind === 'response') {
        // No length: the body runs to the close.
        parser.state = 'BODY_RAW';
        return headEnd;
      }
      if (contentLength > 0) {
        const available = end - headEnd;
        if (available < contentLength) {
          if (available > 0) this.sink.onBody(chunk.subarray(headEnd, end));
          parser.body_bytes = contentLength - available;
          parser.state = 'BODY_SIZED';
          return end;
        }
        this.sink.onBody(chunk.subarray(headEnd, headEnd + contentLength));
        return this.fastComplete(start, headEnd + contentLength, end);
      }
    }
    return this.fastComplete(start, headEnd, end);
  }

  /**
   * A head as long as the last one, give or take a few bytes (a Content-Length or a target with
   * one more digit), ends about where that one did: reads the head ending at the nearest empty
   * line there and returns its end, or -1 when there is none (nothing read). Exact: the reader
   * refuses a head with an empty line before its end, so only the first empty line can pass.
   */
  private headNearLast(chunk: Buffer, p: number, end: number): number {
    const reader = this.headReader;
    const guess = p + reader.lastLength;
    if (reader.lastLength === 0) return -1;
    for (let d = 0; d <= HEAD_LENGTH_SLACK; d = d > 0 ? -d : 1 - d) {
      const headEnd = guess + d;
      if (headEnd <= end && headEnd - p >= 4 && chunk[headEnd - 1] === LF && chunk[headEnd - 2] === CR && chunk[headEnd - 3] === LF && chunk[headEnd - 4] === CR && reader.read(chunk, p, headEnd)) return headEnd;
    }
    return -1;
  }

  /** The message that began at `start` (a stream position) ends at `at` in the chunk: as messageComplete. */
  private fastComplete(start: number, at: number, end: number): number {
    const endInfo: MessageEnd = { end: this.last, bytes: this.base + at - start, endedByClose: this.endedByClose };
    this.msgStart = -1;
    this.headDelivered = false;
    if (this.sink.onEnd(endInfo)) {
      this.fastStopped = true;
      return at;
    }
    this.findStart(at, end);
    return at;
  }

  // --- callbacks -------------------------------------------------------------------------

  private headersComplete(args: unknown[]): number {
    const info = normaliseInfo(args);
    const headEnd = this.inExecute ? this.base + this.parser.offset : this.pos;
    if (this.msgStart < 0) {
      this.msgStart = this.base;
      this.msgStartTime = this.first;
    }
    const head = this.buildHead(info, headEnd - this.msgStart, true);
    this.checkFraming(head);
    this.headDelivered = true;
    const skip = this.sink.onHead(head);
    // 1xx, 204 and 304 never have a body, whatever Content-Length says (the library would
    // read a 304's Content-Length as a body length).
    const bodyless = head.kind === 'response' && (head.status < 200 || head.status === 204 || head.status === 304);
    return skip || bodyless ? 1 : 0;
  }

  private messageComplete(): void {
    const endPos = this.inExecute ? this.base + this.parser.offset : this.pos;
    const end: MessageEnd = {
      end: this.inExecute ? this.last : this.endOverride,
      bytes: endPos - this.msgStart,
      endedByClose: this.endedByClose,
    };
    this.msgStart = -1;
    this.headDelivered = false;
    const stop = this.sink.onEnd(end);
    if (stop) {
      if (this.inExecute) throw PAUSE;
      this.stopRequested = true;
      return;
    }
    if (this.inExecute) this.findStart(this.parser.offset, this.sliceEnd);
  }

  // --- helpers ---------------------------------------------------------------------------

  /** Marks the first byte that is not CR/LF at or after `from` as the start of a message. */
  private findStart(from: number, to: number): void {
    const chunk = this.chunk;
    if (!chunk) return;
    for (let i = from; i < to; i++) {
      const b = chunk[i];
      if (b !== 0x0d && b !== 0x0a) {
        this.msgStart = this.base + i;
        this.msgStartTime = this.first;
        return;
      }
    }
  }

  private completeOutsideExecute(at: Micros, reason: EndReason | null): void {
    this.endOverride = at;
    this.endedByClose = reason;
    this.inExecute = false;
    try {
      this.parser.nextRequest();
    } finally {
      this.endedByClose = null;
    }
  }

  /** Content-Length and Transfer-Encoding checks the library does not make (RFC 9112 6.3). */
  private checkFraming(head: MessageHead): void {
    let contentLength: string | null = null;
    let transferCodings: string[] | null = null;
    for (const [name, value] of head.headers) {
      // (length first: this runs for every message)
      const lower = name.length === 14 || name.length === 17 ? name.toLowerCase() : '';
      if (lower === 'content-length') {
        for (const part of value.split(',')) {
          const v = part.trim();
          if (!CONTENT_LENGTH.test(v)) throw new HttpParseError('HPE_INVALID_CONTENT_LENGTH', `invalid Content-Length: ${value}`);
          if (contentLength !== null && contentLength !== v && Number(contentLength) !== Number(v)) {
            throw new HttpParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Content-Length values differ');
          }
          contentLength = v;
        }
      } else if (lower === 'transfer-encoding') {
        transferCodings ??= [];
        for (const part of value.split(',')) {
          const v = part.trim().toLowerCase();
          if (v) transferCodings.push(v);
        }
      }
    }
    const parser = this.parser;
    if (transferCodings !== null && transferCodings.length > 0) {
      if (transferCodings[transferCodings.length - 1] === 'chunked') {
        parser.isChunked = true;
        parser.body_bytes = null;
      } else if (head.kind === 'request') {
        throw new HttpParseError('HPE_INVALID_TRANSFER_ENCODING', `request body length unknown (Transfer-Encoding: ${transferCodings.join(', ')})`);
      } else {
        // A response whose last coding is not chunked runs to the close (RFC 9112 6.3 rule 4).
        parser.isChunked = false;
        parser.body_bytes = null;
      }
    } else if (contentLength !== null) {
      // The library reads "Content-Length: 1,1" (a legal list of equal values) as NaN.
      parser.body_bytes = Number(contentLength);
    }
  }

  private buildHead(info: ParserInfo, headBytes: number, whole: boolean): MessageHead {
    const version = versionText(info.versionMajor ?? 1, info.versionMinor ?? 1);
    const headers = pairHeaders(info.headers);
    const start = this.msgStartTime;
    const upgrade = info.upgrade === true;
    if (this.kind === 'request') {
      const method = typeof info.method === 'string' ? info.method : String(info.method ?? '');
      return { kind: 'request', method, target: info.url ?? '', version, headers, start, headBytes, upgrade, whole };
    }
    return { kind: 'response', status: info.statusCode ?? 0, reason: info.statusMessage ?? '', version, headers, start, headBytes, upgrade, whole };
  }

  /** The start line of the message in progress, when the parser got that far. */
  private salvage(headBytes: number, cause: AbortCause): MessageHead | null {
    const parser = this.parser;
    if (this.headDelivered || this.msgStart < 0) return null;
    if (parser.state === 'HEADER') {
      const info = parser.info;
      if (this.kind === 'request' ? info.url === undefined : info.statusCode === undefined) return null;
      return this.buildHead(info, headBytes, false);
    }
    // A start line cut by a gap or the end of the stream (a snaplen-limited capture keeps the
    // first bytes of each packet): enough of it may be there to know what the message was.
    if (cause.kind === 'error' || parser.line === '') return null;
    return salvageStartLine(this.kind, parser.line, this.msgStartTime, headBytes);
  }

  private checkBounds(position: number): HttpParseError | null {
    const parser = this.parser;
    const max = this.limits.maxHeaderBytes;
    if (isHeadState(parser.state) && this.msgStart >= 0 && position - this.msgStart > max) {
      return new HttpParseError('HPE_HEADER_OVERFLOW', `message head larger than ${max} bytes`);
    }
    if (parser.line.length > max) return new HttpParseError('HPE_LINE_OVERFLOW', `line longer than ${max} bytes`);
    if (parser.state === 'BODY_CHUNKTRAILERS') {
      let size = parser.line.length;
      for (const s of parser.trailers) size += s.length + 4;
      if (size > max) return new HttpParseError('HPE_HEADER_OVERFLOW', `trailers larger than ${max} bytes`);
    }
    return null;
  }

  private fail(error: HttpParseError, offset: number): FeedResult {
    const chunk = this.chunk;
    const at = Math.max(0, Math.min(offset, chunk ? chunk.length : 0));
    const withBytes =
      chunk && error.bytes.length === 0
        ? new HttpParseError(error.code, error.message, Buffer.from(chunk.subarray(Math.max(0, at - 32), Math.min(chunk.length, at + 32))))
        : error;
    this.abort({ kind: 'error', error: withBytes }, this.last, this.base + at);
    this.pos = this.base + at;
    this.resetParser();
    return { kind: 'error', offset: at, error: withBytes };
  }

  private abort(cause: AbortCause, end: Micros, endPos: number): void {
    if (this.msgStart < 0 && !this.headDelivered) return;
    const bytes = this.msgStart >= 0 ? endPos - this.msgStart : 0;
    const parser = this.parser;
    const headBytes = isHeadState(parser.state) ? bytes : 0;
    this.sink.onAbort({ cause, headDelivered: this.headDelivered, salvaged: this.salvage(headBytes, cause), end, bytes });
  }

  private resetParser(): void {
    const parser = this.parser;
    parser.initialize(this.type);
    parser.chunk = null;
    this.chunk = null;
    this.msgStart = -1;
    this.headDelivered = false;
    this.stopRequested = false;
  }
}

/**
 * What a start line cut short still tells: method and target (the space after the target
 * shows it is whole; the version may be missing: ""), or version and status code.
 */
export function salvageStartLine(kind: MessageKind, text: string, start: Micros, headBytes: number, strict = false): MessageHead | null {
  const line = text.length > 8192 ? text.slice(0, 8192) : text;
  if (kind === 'request') {
    const m = PARTIAL_REQUEST.exec(line);
    if (m === null) return null;
    // `strict`: the line was not known to begin a message (found while scanning), so it has
    // to look like one: a registered method and an origin-, absolute- or asterisk-form target.
    if (strict && !(KNOWN_METHODS.has(m[1]) && (m[1] === 'CONNECT' || STRICT_TARGET.test(m[2])))) return null;
    const version = m[3] === undefined ? '' : `${m[3]}.${m[4]}`;
    return { kind, method: m[1], target: m[2], version, headers: [], start, headBytes, upgrade: false, whole: false };
  }
  const m = PARTIAL_STATUS.exec(line);
  if (m === null) return null;
  const reason = (m[4] ?? '').replace(/\r$/, '');
  return { kind, status: Number(m[3]), reason, version: `${m[1]}.${m[2]}`, headers: [], start, headBytes, upgrade: false, whole: false };
}

/** The headers-complete callback gets one info object (compat 0.12) or positional values. */
function normaliseInfo(args: unknown[]): ParserInfo {
  const a0 = args[0];
  if (args.length === 1 && typeof a0 === 'object' && a0 !== null) return a0 as ParserInfo;
  return {
    versionMajor: args[0] as number,
    versionMinor: args[1] as number,
    headers: args[2] as string[],
    method: args[3] as string | number,
    url: args[4] as string,
    statusCode: args[5] as number,
    statusMessage: args[6] as string,
    upgrade: args[7] as boolean,
    shouldKeepAlive: args[8] as boolean,
  };
}
