import { HTTPParser } from 'http-parser-js';
import { HttpParseError } from './errors.js';

/**
 * A typed view of http-parser-js internals (0.5.10 here; package.json allows ^0.5.10, and
 * message-parser.test.ts exercises every field and override below, so a 0.5.x release that
 * changes them fails the tests). The library's public API is what Node's http module used:
 * execute/finish and four callbacks. We need a little more:
 * - `offset` during a callback: where in the chunk a head or a message ended (byte counts,
 *   timing, where the next message starts);
 * - `state`, `body_bytes`, `nextRequest()`: whether a gap falls inside a body of known length,
 *   so it can be skipped without losing sync (adjusting `body_bytes`, ending the message);
 * - `line`, `trailers`, `info`: bounds on partial lines, and salvaging a head cut by a gap;
 * - two state functions replaced per instance (REQUEST_LINE, BODY_CHUNKHEAD), see createParser.
 */
export type ParserState =
  | 'REQUEST_LINE'
  | 'RESPONSE_LINE'
  | 'HEADER'
  | 'BODY_CHUNKHEAD'
  | 'BODY_CHUNK'
  | 'BODY_CHUNKEMPTYLINE'
  | 'BODY_CHUNKTRAILERS'
  | 'BODY_RAW'
  | 'BODY_SIZED';

export type ParserType = 'REQUEST' | 'RESPONSE';

/** `info` as the parser fills it (`method` is the name: our REQUEST_LINE sets it). */
export interface ParserInfo {
  headers: string[];
  upgrade: boolean;
  method?: string | number;
  url?: string;
  versionMajor?: number;
  versionMinor?: number;
  statusCode?: number;
  statusMessage?: string;
  shouldKeepAlive?: boolean;
}

export interface ParserInternals {
  state: ParserState;
  offset: number;
  end: number;
  body_bytes: number | null;
  line: string;
  isChunked: boolean;
  info: ParserInfo;
  trailers: string[];
  chunk: Buffer | null;
  hadError: boolean;
  isUserCall: boolean;
  maxHeaderSize: number;
  initialize(type: ParserType): void;
  execute(chunk: Buffer, start?: number, length?: number): number | Error;
  finish(): void | Error;
  nextRequest(): void;
  consumeLine(): string | undefined;
  BODY_CHUNKHEAD(): void;
  REQUEST_LINE(): void;
  /** kOnHeaders: only ever called with trailers by this parser. */
  1: (trailers: string[], url: string) => void;
  /** kOnHeadersComplete: a truthy return skips the body (1), 2 also stops the execute loop. */
  2: (...args: unknown[]) => number | undefined;
  /** kOnBody */
  3: (chunk: Buffer, offset: number, length: number) => void;
  /** kOnMessageComplete */
  4: () => void;
}

/**
 * Header strings keep every byte: latin1 maps byte n to code point n, whereas the library's
 * default 'ascii' clears the high bit (UTF-8 in a header value would be mangled). This is a
 * module-wide setting of http-parser-js; nothing else in the process uses that library.
 */
HTTPParser.encoding = 'latin1';

export const K_ON_HEADERS = HTTPParser.kOnHeaders;
export const K_ON_HEADERS_COMPLETE = HTTPParser.kOnHeadersComplete;
export const K_ON_BODY = HTTPParser.kOnBody;
export const K_ON_MESSAGE_COMPLETE = HTTPParser.kOnMessageComplete;

export function createParser(type: ParserType): ParserInternals {
  const parser = new HTTPParser(type) as unknown as ParserInternals;
  // The library adds every byte consumed by an execute() call that ends inside a head, even
  // bytes of earlier pipelined messages, so its limit misfires on large chunks. We measure
  // the head ourselves (MessageParser) and switch its own check off, for good: the library
  // sets the field again after every message (nextRequest runs the constructor again).
  Object.defineProperty(parser, 'maxHeaderSize', { get: () => Number.MAX_SAFE_INTEGER, set: () => undefined });
  // The library reads a chunk-size line with parseInt and takes garbage (NaN) for the last
  // chunk, silently swallowing what follows as trailers. Same state, with the size checked.
  parser.BODY_CHUNKHEAD = strictChunkHead;
  // The library takes methods of [A-Z-]+ only, and by default only those of a fixed list
  // (QUERY fails); RFC 9110 allows any token (CCM_POST). Its request line, with a token method.
  parser.REQUEST_LINE = tokenRequestLine;
  return parser;
}

/** RFC 9110 method token, request-target, HTTP version (as the library, but any token method). */
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^ ]+) HTTP\/(\d)\.(\d)$/;

function tokenRequestLine(this: ParserInternals): void {
  const line = this.consumeLine();
  if (!line) return;
  const match = REQUEST_LINE.exec(line);
  if (match === null) throw new HttpParseError('HPE_INVALID_CONSTANT', 'not an HTTP/1.x request line');
  this.info.method = match[1];
  this.info.url = match[2];
  this.info.versionMajor = Number(match[3]);
  this.info.versionMinor = Number(match[4]);
  this.body_bytes = 0;
  this.state = 'HEADER';
}

const CHUNK_SIZE = /^[0-9A-Fa-f]{1,16}[ \t]*(?:;.*)?$/;

function strictChunkHead(this: ParserInternals): void {
  const line = this.consumeLine();
  if (line === undefined) return;
  if (!CHUNK_SIZE.test(line)) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size line');
  this.body_bytes = parseInt(line, 16);
  this.state = this.body_bytes === 0 ? 'BODY_CHUNKTRAILERS' : 'BODY_CHUNK';
}

export function isHeadState(state: ParserState): boolean {
  return state === 'REQUEST_LINE' || state === 'RESPONSE_LINE' || state === 'HEADER';
}

/** Flat [name, value, name, value, ...] as the parser keeps headers -> pairs. */
export function pairHeaders(flat: readonly string[]): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
