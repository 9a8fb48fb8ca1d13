import { byteAt } from './truncation.js';
import type { LineSink } from '../line-sink.js';

/**
 * The one-line summaries tcpdump prints for text protocols on their well-known ports
 * (": HTTP: GET / HTTP/1.1"). `captured` holds the bytes that were captured, `length` is the
 * payload length the headers claim; reading past `captured` ends the line with [|proto].
 */

/** Request methods tcpdump recognises as HTTP (including WebDAV). */
const HTTP_METHODS = new Set(
  [
    'GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'LABEL',
    'MERGE', 'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'NOTIFY', 'BDELETE', 'CONNECT', 'OPTIONS',
    'CHECKIN', 'PROPFIND', 'CHECKOUT', 'CCM_POST', 'SUBSCRIBE', 'PROPPATCH', 'BPROPFIND', 'BPROPPATCH',
    'UNCHECKOUT', 'MKACTIVITY', 'MKWORKSPACE', 'UNSUBSCRIBE', 'RPC_CONNECT', 'VERSION-CONTROL', 'BASELINE-CONTROL',
  ],
);

const MAX_TOKEN = 128;
const LONGEST_METHOD = Math.max(...[...HTTP_METHODS].map((m) => m.length));
const CR = 0x0d;
const LF = 0x0a;
const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === CR || c === LF;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

interface Token {
  readonly start: number;
  readonly end: number;
  /** Index after the token and the blanks that follow it on the same line. */
  readonly next: number;
}

/** tcpdump's fetch_token: a run of printable ASCII ended by a blank, within the captured bytes. */
function fetchToken(captured: Buffer, start: number, length: number): Token | null {
  let idx = start;
  for (; idx < length; idx++) {
    if (idx >= captured.length) return null;
    const c = captured[idx];
    if (c >= 0x80) return null;
    if (isSpace(c)) break;
    if (!isPrint(c)) return null;
    if (idx - start + 2 > MAX_TOKEN + 1) return null;
  }
  const end = idx;
  if (end === start) return null;
  for (; idx < length && idx < captured.length; idx++) {
    const c = captured[idx];
    if (c === CR || c === LF || !isPrint(c) || !isSpace(c)) break;
  }
  return { start, end, next: idx };
}

/**
 * Prints the first line if it is all printable text, followed by [|proto] when it runs off the
 * payload. Nothing is printed for binary data, and a line cut off by the capture truncates.
 */
function printFirstLine(out: LineSink, captured: Buffer, length: number, protocol: string): void {
  let idx = 0;
  const read = (i: number): number => byteAt(captured, i, protocol);
  while (idx < length) {
    const c = read(idx);
    if (c === LF || (c === CR && idx + 1 < length && read(idx + 1) === LF)) {
      out.print(': ');
      out.printBytes(captured, 0, idx);
      return;
    }
    if (c === CR || (!isPrint(c) && c !== 0x09)) return;
    idx++;
  }
  out.print(': ');
  out.printBytes(captured, 0, idx);
  out.print(` [|${protocol}]`);
}

function latin1(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end);
}

/** tcpdump's http_print: "HTTP" always, then ": <first line>" for a request or response start. */
export function printHttp(out: LineSink, captured: Buffer, length: number): void {
  let looksLikeMessage = false;
  const first = fetchToken(captured, 0, length);
  if (first) {
    if (first.end - first.start <= LONGEST_METHOD && HTTP_METHODS.has(latin1(captured, first.start, first.end).toUpperCase())) looksLikeMessage = true;
    const second = fetchToken(captured, first.next, length);
    if (second && second.end - second.start === 3) {
      const at = second.start;
      if (isDigit(captured[at]) && isDigit(captured[at + 1]) && isDigit(captured[at + 2])) looksLikeMessage = true;
    }
  }
  out.print(': HTTP');
  if (looksLikeMessage) printFirstLine(out, captured, length, 'http');
}

/** tcpdump's ssh_print: only the version banner line is shown. */
export function printSsh(out: LineSink, captured: Buffer, length: number): void {
  const read = (i: number): number => byteAt(captured, i, 'ssh');
  if (read(0) !== 0x53 || read(1) !== 0x53 || read(2) !== 0x48 || read(3) !== 0x2d) return;
  for (let idx = 4; idx < length; idx++) {
    const c = read(idx);
    if (c === LF || (c === CR && idx + 1 < length && read(idx + 1) === LF)) {
      out.print(': SSH: ');
      out.printBytes(captured, 0, idx);
      return;
    }
    if (c === CR || !isPrint(c)) return;
  }
}
