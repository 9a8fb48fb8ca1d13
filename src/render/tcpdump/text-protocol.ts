import { byteAt, type LineBuffer } from './truncation.js';

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
const CR = 0x0d;
const LF = 0x0a;
const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === CR || c === LF;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

interface Token {
  readonly text: string;
  /** Index after the token and the blanks that follow it on the same line. */
  readonly next: number;
}

function fetchToken(captured: Uint8Array, start: number, length: number): Token | null {
  let idx = start;
  let text = '';
  for (; idx < length; idx++) {
    if (idx >= captured.length) return null;
    const c = captured[idx];
    if (c >= 0x80) return null;
    if (isSpace(c)) break;
    if (!isPrint(c)) return null;
    if (text.length + 2 > MAX_TOKEN + 1) return null;
    text += String.fromCharCode(c);
  }
  if (text.length === 0) return null;
  for (; idx < length && idx < captured.length; idx++) {
    const c = captured[idx];
    if (c === CR || c === LF || !isPrint(c) || !isSpace(c)) break;
  }
  return { text, next: idx };
}

/** The first line if it is all printable text; appends [|proto] when it runs off the payload. */
function firstLine(captured: Uint8Array, length: number, protocol: string): string {
  let idx = 0;
  const read = (i: number): number => byteAt(captured, i, protocol);
  while (idx < length) {
    const c = read(idx);
    if (c === LF) return ': ' + latin1(captured, 0, idx);
    if (c === CR) {
      if (idx + 1 >= length) return '';
      if (read(idx + 1) === LF) return ': ' + latin1(captured, 0, idx);
      return '';
    }
    if (!isPrint(c) && c !== 0x09) return '';
    idx++;
  }
  return ': ' + latin1(captured, 0, idx) + ` [|${protocol}]`;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** tcpdump's http_print: "HTTP" always, then ": <first line>" for a request or response start. */
export function printHttp(out: LineBuffer, captured: Uint8Array, length: number): void {
  let looksLikeMessage = false;
  const first = fetchToken(captured, 0, length);
  if (first) {
    if (HTTP_METHODS.has(first.text.toUpperCase())) looksLikeMessage = true;
    const second = fetchToken(captured, first.next, length);
    if (second) {
      const t = second.text;
      if (t.length === 3 && isDigit(t.charCodeAt(0)) && isDigit(t.charCodeAt(1)) && isDigit(t.charCodeAt(2))) looksLikeMessage = true;
    }
  }
  out.print(': HTTP');
  if (looksLikeMessage) out.print(firstLine(captured, length, 'http'));
}

/** tcpdump's ssh_print: only the version banner line is shown. */
export function printSsh(out: LineBuffer, captured: Uint8Array, length: number): void {
  const read = (i: number): number => byteAt(captured, i, 'ssh');
  if (read(0) !== 0x53 || read(1) !== 0x53 || read(2) !== 0x48 || read(3) !== 0x2d) return;
  for (let idx = 4; idx < length; idx++) {
    const c = read(idx);
    if (c === LF || (c === CR && idx + 1 < length && read(idx + 1) === LF)) {
      out.print(': SSH: ' + latin1(captured, 0, idx));
      return;
    }
    if (c === CR || !isPrint(c)) return;
  }
}
