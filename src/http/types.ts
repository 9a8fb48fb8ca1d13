import type { Endpoint } from '../core/flow.js';
import type { Micros } from '../core/time.js';

/** Header names and values as sent, in order (names keep their case). */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

export interface BodyCapture {
  /** Bytes of the body on the wire (after de-chunking, before content decoding). */
  readonly wireBytes: number;
  /** The body after de-chunking, up to the body limit; `truncated` tells if the limit cut it. */
  readonly data: Buffer;
  readonly truncated: boolean;
  /** Content-Encoding as sent (e.g. "gzip"), or null. */
  readonly contentEncoding: string | null;
  /**
   * The decoded body (gzip/deflate/br) up to the decode limit, or null when not encoded or not
   * decodable. Objects made by HttpExchangeBuilder compute this (and decodeProblem) lazily on
   * first read, as own enumerable getters (so spreading or JSON.stringify also decodes).
   */
  readonly decoded: Buffer | null;
  /** Why decoding stopped or failed ("limit", "corrupt gzip: ..."), or null. */
  readonly decodeProblem: string | null;
}

export interface HttpRequest {
  readonly method: string;
  readonly target: string;
  /** "1.1", "1.0". */
  readonly version: string;
  /** Host header (or the authority of an absolute-form target), or null. */
  readonly host: string | null;
  readonly headers: HeaderList;
  readonly body: BodyCapture;
  /** Trailer fields after a chunked body, as sent; absent when there were none. */
  readonly trailers?: HeaderList;
}

export interface HttpResponse {
  readonly status: number;
  readonly reason: string;
  readonly version: string;
  readonly headers: HeaderList;
  readonly body: BodyCapture;
  /** Trailer fields after a chunked body, as sent; absent when there were none. */
  readonly trailers?: HeaderList;
  /** Interim 1xx responses (100 Continue, 103 Early Hints) that came before this one. */
  readonly interim: ReadonlyArray<{ readonly status: number; readonly at: Micros }>;
}

/** Timestamps of the exchange, from packet times. */
export interface ExchangeTiming {
  readonly requestStart: Micros;
  readonly requestEnd: Micros;
  /** Null when there is no response. */
  readonly responseStart: Micros | null;
  readonly responseEnd: Micros | null;
}

/**
 * One request with its response on one connection. Never invented: a request whose response
 * was not seen has `response: null`; one touched by a gap or a parse error is `complete: false`
 * with the reasons in `anomalies`.
 */
export interface Exchange {
  /** Connection id (from reassembly) and the exchange's position on it (0-based). */
  readonly connectionId: number;
  readonly index: number;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly request: HttpRequest;
  readonly response: HttpResponse | null;
  readonly timing: ExchangeTiming;
  /** Wire bytes of the request and response messages (head + body). */
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly complete: boolean;
  /** Named anomalies ("gap-in-response-body", "parse-error: ...", "response-missing"). */
  readonly anomalies: readonly string[];
}
