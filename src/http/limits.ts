/**
 * Bounds of the HTTP layer. Every collection it keeps is bounded by one of these; hitting a
 * bound is counted (AnomalyCounter, "http.*") and marked on the exchange, never a crash.
 */
export interface HttpLimits {
  /** Bytes of one message head (start line + header fields, also trailers and chunk-size lines). */
  readonly maxHeaderBytes: number;
  /** Body bytes kept per message; the wire byte count stays exact beyond it. */
  readonly maxBodyBytes: number;
  /** Output of content decoding (gzip/deflate/br) per body, per decoding stage. */
  readonly maxDecodedBytes: number;
  /** Requests waiting for their response on one connection. */
  readonly maxPendingRequests: number;
  /** Body bytes held in exchanges not yet emitted, all connections together. */
  readonly maxBufferedBodyBytes: number;
  /** Bytes held in the request direction while waiting for the answer to an Upgrade or CONNECT. */
  readonly maxHeldBytes: number;
  /** Connections tracked at once (the reassembler bounds them too; this is a safety net). */
  readonly maxConnections: number;
  /** Longest start line the resynchronisation scanner waits for across chunk boundaries. */
  readonly maxStartLineBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxHeaderBytes: 80 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxDecodedBytes: 4 * 1024 * 1024,
  maxPendingRequests: 1000,
  maxBufferedBodyBytes: 256 * 1024 * 1024,
  maxHeldBytes: 64 * 1024,
  maxConnections: 100_000,
  maxStartLineBytes: 16 * 1024,
};

export function resolveLimits(options?: Partial<HttpLimits>): HttpLimits {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`HTTP limit ${name} must be a non-negative number`);
  }
  return limits;
}
