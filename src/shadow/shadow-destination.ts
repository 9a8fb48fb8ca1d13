import { BlockList, isIP } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { Exchange } from '../http/types.js';

/**
 * Where the shadow copy goes, as named with `--shadow-dst` (meshes such as Istio 1.28+ add no
 * Host suffix, so the user names the shadow instead): a host name (matched against the request
 * Host without its port), an IP address, an IP with a port, or a CIDR block (matched against the
 * server side of the connection).
 */
export type ShadowDestination =
  | { readonly kind: 'host'; readonly text: string; readonly host: string; readonly port: number | null }
  /** A pod label (`version=v2`): the server's pod carries it (needs a pod directory, --pods). */
  | { readonly kind: 'label'; readonly text: string; readonly key: string; readonly value: string }
  | { readonly kind: 'ip'; readonly text: string; readonly ip: string; readonly port: number | null; readonly set: BlockList }
  | { readonly kind: 'cidr'; readonly text: string; readonly ip: string; readonly prefix: number; readonly set: BlockList };

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function usage(text: string, why: string): UsageError {
  return new UsageError(
    `--shadow-dst ${JSON.stringify(text)}: ${why}; expected a host name, IP, IP:port, [IPv6]:port, CIDR or pod label (e.g. reviews-v2, 10.0.0.7:8080, 10.0.0.0/24, version=v2)`,
  );
}

function parsePort(text: string, port: string): number {
  const n = /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN;
  if (!(n >= 1 && n <= 65535)) throw usage(text, `bad port "${port}"`);
  return n;
}

function family(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 6 ? 'ipv6' : 'ipv4';
}

function ipDestination(text: string, ip: string, port: number | null): ShadowDestination {
  const set = new BlockList();
  set.addAddress(ip, family(ip));
  return { kind: 'ip', text, ip, port, set };
}

/** Parses one `--shadow-dst` value; throws a UsageError (one line) when it is none of the forms. */
export function parseShadowDestination(input: string): ShadowDestination {
  const text = input.trim();
  if (text === '') throw usage(input, 'empty');

  const equals = text.indexOf('=');
  if (equals !== -1) {
    const key = text.slice(0, equals);
    const value = text.slice(equals + 1);
    // Kubernetes label syntax: an optional DNS prefix and a name of letters, digits, -, _ and .
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(key)) throw usage(text, `"${key}" is not a label key`);
    if (!/^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/.test(value)) throw usage(text, `"${value}" is not a label value`);
    return { kind: 'label', text, key, value };
  }

  const slash = text.indexOf('/');
  if (slash !== -1) {
    let ip = text.slice(0, slash);
    if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    const v = isIP(ip);
    if (v === 0) throw usage(text, `"${ip}" is not an IP address`);
    const p = text.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(p) ? Number(p) : Number.NaN;
    if (!(prefix >= 0 && prefix <= (v === 4 ? 32 : 128))) throw usage(text, `bad prefix length "${p}"`);
    const set = new BlockList();
    set.addSubnet(ip, prefix, family(ip));
    return { kind: 'cidr', text, ip, prefix, set };
  }

  if (text.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
    if (m === null || isIP(m[1]) !== 6) throw usage(text, 'not a bracketed IPv6 address');
    return ipDestination(text, m[1], m[2] === undefined ? null : parsePort(text, m[2]));
  }

  if (isIP(text) !== 0) return ipDestination(text, text, null);

  const colon = text.lastIndexOf(':');
  if (colon !== -1) {
    const name = text.slice(0, colon);
    if (text.indexOf(':') !== colon) throw usage(text, 'an IPv6 address with a port needs brackets');
    const port = parsePort(text, text.slice(colon + 1));
    if (isIP(name) === 4) return ipDestination(text, name, port);
    if (!HOST_NAME.test(name) || /^[\d.]+$/.test(name)) throw usage(text, `"${name}" is not a host name or IP address`);
    return { kind: 'host', text, host: name.toLowerCase().replace(/\.$/, ''), port };
  }

  if (!HOST_NAME.test(text) || /^[\d.]+$/.test(text)) throw usage(text, 'not a host name or IP address');
  return { kind: 'host', text, host: text.toLowerCase().replace(/\.$/, ''), port: null };
}

/** The Host header without its port (and without IPv6 brackets), lower case; null without a Host. */
export function hostName(host: string | null): string | null {
  if (host === null) return null;
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  if (colon !== -1 && h.indexOf(':') === colon) h = h.slice(0, colon);
  return h.replace(/\.$/, '');
}

/** The labels of the pod that has this IP, when a pod directory is known. */
export type PodLabels = (ip: string) => Readonly<Record<string, string>> | undefined;

/** Whether the exchange went to the destination: server IP/port/CIDR, the Host name, or the server pod's label. */
export function matchesDestination(d: ShadowDestination, e: Exchange, podLabels?: PodLabels): boolean {
  if (d.kind === 'label') return podLabels?.(e.server.ip)?.[d.key] === d.value;
  if (d.kind === 'host') {
    return hostName(e.request.host) === d.host && (d.port === null || d.port === e.server.port);
  }
  const v = isIP(e.server.ip);
  if (v === 0) return false;
  if (!d.set.check(e.server.ip, v === 6 ? 'ipv6' : 'ipv4')) return false;
  return d.kind === 'cidr' || d.port === null || d.port === e.server.port;
}
