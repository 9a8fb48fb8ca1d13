import type { Exchange } from './types.js';

/**
 * Time from the last request byte to the first response byte: what the server took. Null without
 * a response; negative when the server answered before the request ended (an early 413, say).
 */
export function latencyMicros(e: Exchange): number | null {
  return e.timing.responseStart === null ? null : e.timing.responseStart - e.timing.requestEnd;
}
