import type { Connection } from '../tcp/types.js';
import type { Micros } from '../core/time.js';
import { BodyCollector } from './body-capture.js';
import { joinedHeader, requestHost } from './headers.js';
import type { RequestHead, ResponseHead } from './message-parser.js';
import type { Exchange, HeaderList, HttpRequest, HttpResponse } from './types.js';

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
  readonly interim: Array<{ readonly status: number; readonly at: Micros }> = [];
  /** No response will be paired with this request any more (lost in a gap, evicted). */
  abandoned = false;
  /** The request direction is held until this request's answer says whether it is a tunnel. */
  holdsRequestStream = false;

  private readonly problems: string[] = [];

  constructor(
    readonly index: number,
    readonly req: RequestHead,
    readonly reqBody: BodyCollector,
  ) {
    this.reqEnd = req.start;
  }

  /** Marks the exchange incomplete for a named reason (each name once). */
  incomplete(reason: string): void {
    if (!this.problems.includes(reason)) this.problems.push(reason);
  }

  /** Ready to emit: request over and response over (or given up on). */
  get ready(): boolean {
    return this.reqDone && (this.respDone || this.abandoned);
  }

  /** Budget held by the bodies goes back once the exchange is handed over. */
  release(): void {
    this.reqBody.release();
    this.respBody?.release();
  }

  toExchange(conn: Connection, swapped: boolean, decodeLimit: number): Exchange {
    const req = this.req;
    const request: HttpRequest = {
      method: req.method,
      target: req.target,
      version: req.version,
      host: requestHost(req.method, req.target, req.headers),
      headers: req.headers,
      body: this.reqBody.finish(joinedHeader(req.headers, 'content-encoding'), this.reqWhole, decodeLimit),
      ...(this.reqTrailers ? { trailers: this.reqTrailers } : {}),
    };
    let response: HttpResponse | null = null;
    const resp = this.resp;
    if (resp !== null) {
      const body = this.respBody ?? new BodyCollector(0, null);
      response = {
        status: resp.status,
        reason: resp.reason,
        version: resp.version,
        headers: resp.headers,
        body: body.finish(joinedHeader(resp.headers, 'content-encoding'), this.respWhole, decodeLimit),
        interim: this.interim,
        ...(this.respTrailers ? { trailers: this.respTrailers } : {}),
      };
    }
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
      complete: this.problems.length === 0,
      anomalies: [...this.problems],
    };
  }
}
