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
