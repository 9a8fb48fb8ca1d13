import type { HeaderList } from './types.js';

/** First value of a header (name compared case-insensitively), or null. */
export function headerValue(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of headers) if (k.length === lower.length && k.toLowerCase() === lower) return v;
  return null;
}

/** All values of a header joined with ", " (RFC 9110 5.3), or null when absent. */
export function joinedHeader(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  let out: string | null = null;
  for (const [k, v] of headers) if (k.length === lower.length && k.toLowerCase() === lower) out = out === null ? v : `${out}, ${v}`;
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
