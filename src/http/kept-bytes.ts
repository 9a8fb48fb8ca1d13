import type { Exchange } from './types.js';

/**
 * Body bytes an exchange keeps (as captured; decoding comes later, on demand). They live outside
 * V8's heap, so the heap cap does not bound them: whatever holds exchanges for a while bounds
 * them by this.
 */
export function keptBodyBytes(e: Exchange): number {
  return e.request.body.data.length + (e.response === null ? 0 : e.response.body.data.length);
}
