/**
 * Route templates: `/users/42/orders?x=1` -> `/users/{id}/orders`, so that per-route statistics
 * group requests the way an SRE thinks of an endpoint instead of one row per user id. A pure
 * heuristic over the target text (no route table is known on the wire); it errs on the side of
 * keeping words, because a word replaced by `{id}` hides an endpoint while an id kept only
 * costs one more row (and route statistics are bounded).
 */
import type { Exchange } from '../http/types.js';
import { DEFAULT_SHADOW_SUFFIX, stripShadowSuffix } from './classify.js';
import type { Route } from './verdict.js';

/** Templates are cut to this many characters: a target can be kilobytes long. */
export const MAX_TEMPLATE_LENGTH = 512;

export const ID = '{id}';

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const DIGITS = /^\d+$/;
/** Numbers with separators: dates (2024-01-15), versions (4.17.21), times (12:30), 123_456. */
const NUMERIC = /^\d+(?:[._:-]\d+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{8,}$/i;
/** base64/base64url and JWT-like characters; `%` is left out so percent-encoded words stay. */
const TOKEN = /^[A-Za-z0-9_\-.~+=]{16,}$/;
/** A word, or a short part such as `v2`, `2024`, `x86`: what slugs are made of. */
const WORDISH = /^(?:[A-Za-z]+|[A-Za-z0-9]{1,4})$/;
const EXTENSION = /^(.+)(\.[A-Za-z][A-Za-z0-9]{0,7})$/;

/** True when the segment looks like an identifier rather than a name. */
export function isIdSegment(segment: string): boolean {
  if (DIGITS.test(segment) || NUMERIC.test(segment) || UUID.test(segment)) return true;
  if (HEX.test(segment) && /\d/.test(segment)) return true;
  // Opaque token: long, letters mixed with digits, and not a slug of words (`api-v2-experimental`).
  if (TOKEN.test(segment) && /\d/.test(segment) && /[A-Za-z]/.test(segment)) {
    return !segment.split(/[-_.~+=]+/).every((part) => part === '' || WORDISH.test(part));
  }
  return false;
}

function templateSegment(segment: string): string {
  const ext = EXTENSION.exec(segment); // 123.json -> {id}.json, before the token rule takes it whole
  if (ext !== null && isIdSegment(ext[1])) return ID + ext[2];
  return isIdSegment(segment) ? ID : segment;
}

/** The path of an origin- or absolute-form target, without query and fragment. */
function pathOf(target: string): string {
  let rest = target;
  const abs = ABSOLUTE.exec(rest);
  if (abs !== null) {
    rest = rest.slice(abs[0].length);
    const end = rest.search(/[/?#]/);
    rest = end < 0 ? '' : rest.slice(end);
    if (!rest.startsWith('/')) rest = '/' + rest;
  }
  const cut = rest.search(/[?#]/);
  return cut < 0 ? rest : rest.slice(0, cut);
}

/**
 * The request target as a path template: query and fragment dropped, an absolute-form target
 * reduced to its path, id-like segments replaced by `{id}`. `*` and authority-form targets
 * (CONNECT `host:443`), and anything else not starting with `/`, are kept as they are. The result
 * is cut at MAX_TEMPLATE_LENGTH; work stops there too.
 */
export function routeTemplate(target: string): string {
  if (!target.startsWith('/') && !ABSOLUTE.test(target)) return target.slice(0, MAX_TEMPLATE_LENGTH);
  const path = pathOf(target);
  let out = '';
  let start = 1; // path[0] is '/'
  while (out.length < MAX_TEMPLATE_LENGTH) {
    const slash = path.indexOf('/', start);
    const end = slash < 0 ? path.length : slash;
    out += '/' + templateSegment(path.slice(start, end));
    if (slash < 0) break;
    start = slash + 1;
  }
  return out.slice(0, MAX_TEMPLATE_LENGTH);
}

/**
 * The route of an exchange: method, Host (lower-cased, since names are case-insensitive, and
 * with the shadow suffix stripped so both legs of a pair share a route) and path template.
 */
export function routeOf(e: Exchange, shadowSuffix: string = DEFAULT_SHADOW_SUFFIX): Route {
  const host = e.request.host;
  const name = host === null ? null : (stripShadowSuffix(host, shadowSuffix) ?? host).toLowerCase();
  return { method: e.request.method, host: name, template: routeTemplate(e.request.target) };
}
