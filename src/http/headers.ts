import type { HeaderList } from './types.js';

/**
 * `text.length === lower.length && text.toLowerCase() === lower`, where `lower` is already
 * lowercase, without making the lowercase string when both are ASCII (every header name, every
 * message). (The length test first, as header lookups always did: lowercasing changes the
 * length only outside Latin-1, which wire text never is.)
 */
export function lowerEquals(text: string, lower: string): boolean {
  if (text.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(i);
    const l = lower.charCodeAt(i);
    if (c === l || (l >= 0x61 && l <= 0x7a && c === l - 0x20)) continue;
    // Outside ASCII, lowercasing has its own rules (U+212A KELVIN SIGN is "k"): ask it.
    if (c >= 0x80 || l >= 0x80) return text.toLowerCase() === lower;
    return false;
  }
  return true;
}

/** First value of a header (name compared case-insensitively), or null. */
export function headerValue(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  for (let i = 0; i < headers.length; i++) if (lowerEquals(headers[i][0], lower)) return headers[i][1];
  return null;
}

/** All values of a header joined with ", " (RFC 9110 5.3), or null when absent. */
export function joinedHeader(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  let out: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const [k, v] = headers[i];
    if (lowerEquals(k, lower)) out = out === null ? v : `${out}, ${v}`;
  }
  return out;
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/;

/** Host header, else the authority of an absolute-form target, else a CONNECT target. */
export function requestHost(method: string, target: string, headers: HeaderList): string | null {
  const host = headerValue(headers, 'host');
  if (host !== null) return host;
  const m = ABSOLUTE_FORM.exec(target);
  if (m && m[1]) return m[1];
  if (method === 'CONNECT' && target !== '') return target;
  return null;
}
