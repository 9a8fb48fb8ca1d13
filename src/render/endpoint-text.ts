import { formatEndpoint, type Endpoint } from '../core/flow.js';
import type { AddressNames } from './tcpdump/options.js';

/** `10.0.0.7.8080` as tcpdump writes an endpoint, with the address's name (a pod) when it has one. */
export function tcpdumpEndpoint(e: Endpoint, names?: AddressNames): string {
  return `${names?.(e.ip) ?? e.ip}.${e.port}`;
}

/** `10.0.0.7:8080` (`[fd00::7]:8080`), or `pod.namespace:8080` when the address has a name. */
export function namedEndpoint(e: Endpoint, names?: AddressNames): string {
  const name = names?.(e.ip);
  return name === undefined ? formatEndpoint(e) : `${name}:${e.port}`;
}
