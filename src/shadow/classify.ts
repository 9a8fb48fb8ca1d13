/**
 * Which leg of a mirrored request an exchange is. Envoy marks the copy it sends to the shadow
 * by appending a suffix to the Host/:authority, in the forms it has used over the years:
 * `name-shadow:port`, `fqdn-shadow:port`, `10.0.0.7-shadow`, `[::1]-shadow:80`, and in very old
 * versions `name:port-shadow`. (Meshes that add no suffix are handled by naming the shadow
 * destination; see the shadow pairing issue.)
 */
export type Role = 'primary' | 'shadow' | 'other';

export const DEFAULT_SHADOW_SUFFIX = '-shadow';

/** The host with the shadow suffix removed, or null when it carries none. */
export function stripShadowSuffix(host: string, suffix = DEFAULT_SHADOW_SUFFIX): string | null {
  // Every exchange and every pair asks, and hosts are ASCII: answered without lower-case copies.
  return isAscii(host) && isAscii(suffix) ? stripAscii(host, suffix) : stripAnyText(host, suffix);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

const lowerAscii = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);

/** Whether text[0, end) ends with `suffix`, ASCII letters compared without case. */
function endsWithAscii(text: string, end: number, suffix: string): boolean {
  const from = end - suffix.length;
  if (from < 0) return false;
  for (let i = 0; i < suffix.length; i++) if (lowerAscii(text.charCodeAt(from + i)) !== lowerAscii(suffix.charCodeAt(i))) return false;
  return true;
}

/** Whether text[colon + 1, end) is one or more digits. */
function isPortAt(text: string, colon: number): boolean {
  if (colon + 1 >= text.length) return false;
  for (let i = colon + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** stripAnyText for ASCII host and suffix, where lowercasing maps each character to one at the same place. */
function stripAscii(host: string, suffix: string): string | null {
  if (endsWithAscii(host, host.length, suffix)) return host.slice(0, host.length - suffix.length);
  const colon = host.lastIndexOf(':');
  if (colon > host.lastIndexOf(']') && isPortAt(host, colon) && endsWithAscii(host, colon, suffix)) {
    return host.slice(0, colon - suffix.length) + host.slice(colon);
  }
  return null;
}

/** The general rule, for any text (exported for the test that holds the ASCII path to it). */
export function stripAnyText(host: string, suffix: string): string | null {
  const lower = host.toLowerCase();
  const s = suffix.toLowerCase();
  if (lower.endsWith(s)) return host.slice(0, host.length - suffix.length); // name-shadow, name:port-shadow
  const colon = lower.lastIndexOf(':');
  const bracket = lower.lastIndexOf(']');
  if (colon > bracket && /^:\d+$/.test(lower.slice(colon))) {
    const name = lower.slice(0, colon);
    if (name.endsWith(s)) return host.slice(0, colon - suffix.length) + host.slice(colon); // name-shadow:port
  }
  return null;
}

/** Role from the Host alone: shadow when it carries the suffix, otherwise not known yet. */
export function roleFromHost(host: string | null, suffix = DEFAULT_SHADOW_SUFFIX): Role {
  return host !== null && stripShadowSuffix(host, suffix) !== null ? 'shadow' : 'other';
}
