import type { Connection } from '../tcp/types.js';
import type { Micros } from '../core/time.js';
import { emptyBody, type BodyCollector } from './body-capture.js';
import { joinedHeader, requestHost } from './headers.js';
import type { RequestHead, ResponseHead } from './message-parser.js';
import type { Exchange, HeaderList, HttpRequest, HttpResponse } from './types.js';

/** Shared by every exchange without interim responses or anomalies (frozen: nobody adds to them). */
const NO_INTERIM: HttpResponse['interim'] = Object.freeze([]);
const NO_ANOMALIES: readonly string[] = Object.freeze([]);

/**
 * One request on a connection, from its head to the emission of its Exchange: the request
 * as parsed so far and, once paired, its response. Mutable while in the connection's queue.
 */
export class PendingExchange {
  // request
  reqEnd: Micros;
  reqBytes = 0;
  reqDone = false;
  /** The request message was seen whole (no gap, error or cut). */
  reqWhole = true;
  reqTrailers: HeaderList | null = null;

  // response
  resp: ResponseHead | null = null;
  respBody: BodyCollector | null = null;
  respTrailers: HeaderList | null = null;
  respEnd: Micros | null = null;
  /** Final response bytes plus any interim (1xx) responses before it. */
  respBytes = 0;
  respDone = false;
  respWhole = true;
  /** Interim (1xx) responses before the final one (made when the first arrives). */
  interim: Array<{ readonly status: number; readonly at: Micros }> | null = null;
  /** No response will be paired with this request any more (lost in a gap, evicted). */
  abandoned = false;
  /** The request direction is held until this request's answer says whether it is a tunnel. */
  holdsRequestStream = false;

  /** Why the exchange is incomplete, each name once (made when the first comes). */
  private problems: string[] | null = null;

  /** The request body, made on its first byte or gap (most requests have none). */
  reqBody: BodyCollector | null = null;

  constructor(
    readonly index: number,
    readonly req: RequestHead,
  ) {
    this.reqEnd = req.start;
  }

  /** Marks the exchange incomplete for a named reason (each name once). */
  incomplete(reason: string): void {
    if (this.problems === null) this.problems = [reason];
    else if (!this.problems.includes(reason)) this.problems.push(reason);
  }

  /** Notes an interim (1xx) response to this request. */
  addInterim(status: number, at: Micros): void {
    (this.interim ??= []).push({ status, at });
  }

  /** Ready to emit: request over and response over (or given up on). */
  get ready(): boolean {
    return this.reqDone && (this.respDone || this.abandoned);
  }

  /** Budget held by the bodies goes back once the exchange is handed over. */
  release(): void {
    this.reqBody?.release();
    this.respBody?.release();
  }

  toExchange(conn: Connection, swapped: boolean, decodeLimit: number): Exchange {
    const req = this.req;
    const reqEncoding = joinedHeader(req.headers, 'content-encoding');
    const reqBody = this.reqBody === null ? emptyBody(reqEncoding, this.reqWhole, decodeLimit) : this.reqBody.finish(reqEncoding, this.reqWhole, decodeLimit);
    const host = requestHost(req.method, req.target, req.headers);
    const request: HttpRequest =
      this.reqTrailers === null
        ? { method: req.method, target: req.target, version: req.version, host, headers: req.headers, body: reqBody }
        : { method: req.method, target: req.target, version: req.version, host, headers: req.headers, body: reqBody, trailers: this.reqTrailers };
    let response: HttpResponse | null = null;
    const resp = this.resp;
    if (resp !== null) {
      const respEncoding = joinedHeader(resp.headers, 'content-encoding');
      const body = this.respBody === null ? emptyBody(respEncoding, this.respWhole, decodeLimit) : this.respBody.finish(respEncoding, this.respWhole, decodeLimit);
      const interim = this.interim ?? NO_INTERIM;
      response =
        this.respTrailers === null
          ? { status: resp.status, reason: resp.reason, version: resp.version, headers: resp.headers, body, interim }
          : { status: resp.status, reason: resp.reason, version: resp.version, headers: resp.headers, body, interim, trailers: this.respTrailers };
    }
    // (The entry is dropped once emitted: its problem list becomes the exchange's.)
    const anomalies = this.problems ?? NO_ANOMALIES;
    return {
      connectionId: conn.id,
      index: this.index,
      client: swapped ? conn.server : conn.client,
      server: swapped ? conn.client : conn.server,
      request,
      response,
      timing: {
        requestStart: req.start,
        requestEnd: this.reqEnd,
        responseStart: resp ? resp.start : null,
        responseEnd: resp ? (this.respEnd ?? resp.start) : null,
      },
      requestBytes: this.reqBytes,
      responseBytes: this.respBytes,
      complete: anomalies.length === 0,
      anomalies,
    };
  }
}
