import type { AnomalyCounter } from '../core/anomalies.js';
import type { Direction } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { Connection, EndReason } from '../tcp/types.js';
import { BodyBudget, BodyCollector, type CaptureStop } from './body-capture.js';
import { DirectionReader, type ReaderHost } from './direction-reader.js';
import type { HttpLimits } from './limits.js';
import type {
  AbortCause,
  MessageAbort,
  MessageEnd,
  MessageHead,
  MessageKind,
  MessageSink,
  RequestHead,
  ResponseHead,
} from './message-parser.js';
import { PendingExchange } from './pending-exchange.js';
import type { StartKind } from './resync.js';
import type { Exchange, HeaderList } from './types.js';

/** Where the response parser is: which request the message it is reading answers. */
type ResponseTarget =
  | { readonly kind: 'final'; readonly entry: PendingExchange }
  | { readonly kind: 'interim'; readonly entry: PendingExchange }
  /** A response with no request to answer (counted, parsed to stay in sync, not emitted). */
  | { readonly kind: 'orphan'; readonly status: number };

/**
 * A response cannot start before its request did; packet times from different CPUs can be a
 * microsecond or two out of order (seen in the lab captures), hence a little slack.
 */
const CAUSALITY_SLACK: Micros = 5;

function isInterim(status: number): boolean {
  return status >= 100 && status < 200 && status !== 101;
}

function causeName(cause: AbortCause, kind: MessageKind, headDelivered: boolean): string {
  switch (cause.kind) {
    case 'gap':
      return `gap-in-${kind}-${headDelivered ? 'body' : 'headers'}`;
    case 'error':
      if (cause.error.code === 'HPE_HEADER_OVERFLOW') return `${kind}-header-too-large`;
      return `parse-error: ${kind} ${cause.error.code}`;
    case 'closed':
      return `${kind}-truncated: ${cause.reason}`;
  }
}

/**
 * The HTTP state of one TCP connection: a reader per direction, and the queue that pairs
 * requests with responses in order (keep-alive, pipelining, 1xx, HEAD, CONNECT, Upgrade).
 *
 * Pairing: a response answers the oldest request still waiting, unless that request started
 * after the response did (then the response has no request: capture started mid-exchange, or
 * the request was lost; counted, not emitted). After the response direction lost sync (gap,
 * parse error) we cannot know how many responses were lost: the first response found answers
 * the latest request that started before it on a connection never seen pipelining (there a
 * request waits for the previous answer), or the oldest waiting one on a connection seen
 * pipelining; requests skipped this way are emitted with no response ("response-lost-in-gap").
 * This never cascades: later responses pair with later requests. (A stream that merely starts
 * mid-way keeps the first rule: every request we saw was captured, and so was its answer.)
 */
export class HttpConnection implements ReaderHost {
  private readonly wire: Record<Direction, DirectionReader>;
  /** True when the 'request' direction of the reassembler carries responses (roles guessed wrong). */
  private swapped = false;
  private rolesKnown: boolean;
  private readonly queue: PendingExchange[] = [];
  private nextIndex = 0;
  private pipelined = false;
  private tunnel = false;

  // request side
  private reqCurrent: PendingExchange | null = null;
  // response side
  private respCurrent: ResponseTarget | null = null;
  /** A request that got an interim (1xx) answer: its final response comes next. */
  private interimTarget: PendingExchange | null = null;
  /** The response being read ends the HTTP part of the connection (101, CONNECT 2xx). */
  private tunnelAfterResponse: 'upgrade' | 'connect' | null = null;
  private releasePending = false;

  private readonly requestSink: MessageSink;
  private readonly responseSink: MessageSink;

  constructor(
    readonly conn: Connection,
    private readonly limits: HttpLimits,
    private readonly anomalies: AnomalyCounter,
    private readonly budget: BodyBudget,
    private readonly emit: (e: Exchange) => void,
  ) {
    this.requestSink = this.makeRequestSink();
    this.responseSink = this.makeResponseSink();
    this.rolesKnown = conn.rolesFromHandshake;
    // With a handshake the streams start at the first byte; otherwise we scan for a start
    // line in both directions and let the first one found tell which side is the client.
    this.wire = {
      request: new DirectionReader(this, limits, anomalies, this.rolesKnown ? 'request' : null),
      response: new DirectionReader(this, limits, anomalies, this.rolesKnown ? 'response' : null),
    };
  }

  // --- StreamSink-like entry points ------------------------------------------------------

  data(dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    this.wire[dir].data(bytes, first, last);
    this.afterInput();
  }

  gap(dir: Direction, length: number, at: Micros): void {
    this.wire[dir].gap(length, at);
    this.afterInput();
  }

  close(reason: EndReason): void {
    this.afterInput();
    const requests = this.readerFor('request');
    const responses = this.readerFor('response');
    requests.close(reason);
    responses.close(reason);
    for (const e of this.queue) {
      if (!e.reqDone) {
        e.incomplete(`request-truncated: ${reason}`);
        e.reqDone = true;
        e.reqWhole = false;
      }
      if (e.resp === null && !e.abandoned) {
        e.incomplete('response-missing');
        // A reset before the answer is the server (or its proxy) refusing: shadow-error material.
        if (reason === 'rst') e.incomplete('connection-reset');
        this.anomalies.add('http.response-missing');
        e.abandoned = true;
      } else if (e.resp !== null && !e.respDone) {
        e.incomplete(`response-truncated: ${reason}`);
        e.respDone = true;
        e.respWhole = false;
      }
    }
    this.flush(true);
  }

  // --- ReaderHost ------------------------------------------------------------------------

  sinkFor(kind: MessageKind): MessageSink {
    return kind === 'request' ? this.requestSink : this.responseSink;
  }

  onStartFound(reader: DirectionReader, kind: StartKind): void {
    if (this.rolesKnown) return;
    this.rolesKnown = true;
    const foundOnRequestDir = reader === this.wire.request;
    this.swapped = foundOnRequestDir !== (kind === 'request');
    if (this.swapped) this.anomalies.add('http.roles-swapped');
    this.wire.request.setKind(this.swapped ? 'response' : 'request');
    this.wire.response.setKind(this.swapped ? 'request' : 'response');
  }

  // --- internals -------------------------------------------------------------------------

  private readerFor(kind: MessageKind): DirectionReader {
    const requestDir: Direction = this.swapped ? 'response' : 'request';
    if (kind === 'request') return this.wire[requestDir];
    return this.wire[requestDir === 'request' ? 'response' : 'request'];
  }

  runDeferred(): void {
    this.afterInput();
  }

  /** Work that must not run inside a parser callback: replaying held request bytes. */
  private afterInput(): void {
    while (this.releasePending) {
      this.releasePending = false;
      this.readerFor('request').release();
    }
  }

  private newEntry(head: RequestHead): PendingExchange {
    if (this.queue.length >= Math.max(1, this.limits.maxPendingRequests)) this.evictOldest();
    const entry = new PendingExchange(this.nextIndex++, head);
    this.queue.push(entry);
    return entry;
  }

  private evictOldest(): void {
    const e = this.queue[0];
    this.anomalies.add('http.pending-limit');
    e.incomplete('pending-limit');
    if (!e.reqDone) {
      e.reqDone = true;
      e.reqWhole = false;
      if (this.reqCurrent === e) this.reqCurrent = null;
    }
    if (e.resp === null) {
      e.incomplete('response-missing');
      this.anomalies.add('http.response-missing');
      e.abandoned = true;
    } else if (!e.respDone) {
      e.respDone = true;
      e.respWhole = false;
    }
    if (this.respCurrent && this.respCurrent.kind !== 'orphan' && this.respCurrent.entry === e) {
      this.respCurrent = { kind: 'orphan', status: e.resp?.status ?? 0 };
    }
    if (this.interimTarget === e) this.interimTarget = null;
    this.flush(false);
  }

  /** Emits ready exchanges from the head of the queue (all of them at close). */
  private flush(all: boolean): void {
    while (this.queue.length > 0 && (all || this.queue[0].ready)) {
      const e = this.queue.shift() as PendingExchange;
      e.release();
      // Capture limits hit: the body is kept cut (`truncated`), its wire count stays exact.
      if (e.reqBody !== null) this.countCaptureStop(e.reqBody.stop);
      if (e.respBody !== null) this.countCaptureStop(e.respBody.stop);
      this.emit(e.toExchange(this.conn, this.swapped, this.limits.maxDecodedBytes));
    }
  }

  /** A collector for a message body (made on its first byte or gap). */
  private newBody(): BodyCollector {
    return new BodyCollector(this.limits.maxBodyBytes, this.budget);
  }

  private countCaptureStop(stop: CaptureStop): void {
    if (stop === 'limit') this.anomalies.add('http.body-limit');
    else if (stop === 'budget') this.anomalies.add('http.body-budget');
  }

  /** A response that was cut short: it ends here, incomplete, and frees a held request stream. */
  private endResponseCut(e: PendingExchange, end: Micros, bytes: number, reason: string): void {
    e.respDone = true;
    e.respWhole = false;
    e.respEnd = end;
    e.respBytes += bytes;
    e.incomplete(reason);
    if (e.holdsRequestStream) {
      e.holdsRequestStream = false;
      this.releasePending = true;
    }
  }

  /** The request a response starting at `start` answers (see the class comment), or null. */
  private chooseTarget(start: Micros): PendingExchange | null {
    const responses = this.readerFor('response');
    const afterResync = responses.resynced;
    responses.resynced = false;
    if (this.interimTarget !== null) {
      const t = this.interimTarget;
      this.interimTarget = null;
      if (!afterResync && t.resp === null && !t.abandoned) return t;
    }
    if (!afterResync) {
      // The oldest waiting request (and the next one, for the pipelining evidence).
      const queue = this.queue;
      let i = 0;
      while (i < queue.length && (queue[i].resp !== null || queue[i].abandoned)) i++;
      if (i === queue.length) return null;
      const head = queue[i];
      if (head.req.start > start + CAUSALITY_SLACK) return null;
      // Evidence of pipelining, taken only while in sync: the next request went out before
      // this response (to the previous one) started.
      for (i++; i < queue.length; i++) {
        const next = queue[i];
        if (next.resp !== null || next.abandoned) continue;
        if (next.req.start < start) this.pipelined = true;
        break;
      }
      return head;
    }
    const waiting = this.queue.filter((e) => e.resp === null && !e.abandoned);
    if (waiting.length === 0) return null;
    const eligible = waiting.filter((e) => e.req.start <= start + CAUSALITY_SLACK);
    if (eligible.length === 0) return null;
    const pick = this.pipelined ? eligible[0] : eligible[eligible.length - 1];
    for (const e of waiting) {
      if (e === pick) break;
      e.abandoned = true;
      e.incomplete('response-lost-in-gap');
      this.anomalies.add('http.response-lost-in-gap');
    }
    return pick;
  }

  private orphan(status: number): ResponseTarget {
    this.anomalies.add('http.response-without-request');
    return { kind: 'orphan', status };
  }

  private enterTunnel(kind: 'upgrade' | 'connect'): void {
    this.tunnel = true;
    this.anomalies.add(kind === 'upgrade' ? 'http.upgrade' : 'http.connect');
    this.wire.request.stop();
    this.wire.response.stop();
  }

  private makeRequestSink(): MessageSink {
    return {
      onHead: (head: MessageHead): boolean => {
        if (head.kind !== 'request') return false;
        this.reqCurrent = this.newEntry(head);
        return head.method === 'CONNECT';
      },
      onBody: (bytes: Buffer): void => {
        const e = this.reqCurrent;
        if (e) (e.reqBody ??= this.newBody()).add(bytes);
      },
      onBodyGap: (length: number): void => {
        const e = this.reqCurrent;
        if (!e) return;
        (e.reqBody ??= this.newBody()).gap(length);
        e.reqWhole = false;
        e.incomplete('gap-in-request-body');
      },
      onTrailers: (trailers: HeaderList): void => {
        if (this.reqCurrent) this.reqCurrent.reqTrailers = trailers;
      },
      onEnd: (end: MessageEnd): boolean => {
        const e = this.reqCurrent;
        this.reqCurrent = null;
        if (!e) return false;
        e.reqEnd = end.end;
        e.reqBytes = end.bytes;
        e.reqDone = true;
        // An Upgrade or CONNECT request: what the client sends next is either HTTP or the
        // tunnelled protocol, depending on the answer. Hold it until the answer is parsed.
        const mayTunnel = e.req.method === 'CONNECT' || e.req.upgrade;
        // (If it was answered already, without a tunnel, just carry on.)
        if (mayTunnel && e.resp === null && !this.tunnel) {
          e.holdsRequestStream = true;
          this.readerFor('request').holdFurtherBytes();
        }
        this.flush(false);
        return e.holdsRequestStream;
      },
      onAbort: (abort: MessageAbort): void => {
        const reason = causeName(abort.cause, 'request', abort.headDelivered);
        let e: PendingExchange | null = null;
        if (abort.headDelivered) {
          e = this.reqCurrent;
        } else if (abort.salvaged?.kind === 'request') {
          e = this.newEntry(abort.salvaged);
        } else {
          this.anomalies.add('http.request-lost');
        }
        this.reqCurrent = null;
        if (e) {
          e.incomplete(reason);
          e.reqDone = true;
          e.reqWhole = false;
          e.reqEnd = abort.end;
          e.reqBytes = abort.bytes;
        }
        this.flush(false);
      },
    };
  }

  private makeResponseSink(): MessageSink {
    return {
      onHead: (head: MessageHead): boolean => {
        if (head.kind !== 'response') return false;
        const target = this.chooseTarget(head.start);
        if (isInterim(head.status)) {
          if (target) {
            target.addInterim(head.status, head.start);
            this.interimTarget = target;
            this.respCurrent = { kind: 'interim', entry: target };
          } else {
            this.respCurrent = this.orphan(head.status);
          }
          return true;
        }
        if (!target) {
          this.respCurrent = this.orphan(head.status);
          if (head.status === 101) this.tunnelAfterResponse = 'upgrade';
          return false;
        }
        target.resp = head;
        this.respCurrent = { kind: 'final', entry: target };
        const method = target.req.method;
        if (head.status === 101) {
          this.tunnelAfterResponse = 'upgrade';
          return true;
        }
        if (method === 'CONNECT' && head.status >= 200 && head.status < 300) {
          this.tunnelAfterResponse = 'connect';
          return true;
        }
        return method === 'HEAD';
      },
      onBody: (bytes: Buffer): void => {
        const t = this.respCurrent;
        if (t?.kind === 'final') (t.entry.respBody ??= this.newBody()).add(bytes);
      },
      onBodyGap: (length: number): void => {
        const t = this.respCurrent;
        if (t?.kind !== 'final') return;
        (t.entry.respBody ??= this.newBody()).gap(length);
        t.entry.respWhole = false;
        t.entry.incomplete('gap-in-response-body');
      },
      onTrailers: (trailers: HeaderList): void => {
        const t = this.respCurrent;
        if (t?.kind === 'final') t.entry.respTrailers = trailers;
      },
      onEnd: (end: MessageEnd): boolean => {
        const t = this.respCurrent;
        this.respCurrent = null;
        const tunnel = this.tunnelAfterResponse;
        this.tunnelAfterResponse = null;
        if (t?.kind === 'interim') {
          t.entry.respBytes += end.bytes;
        } else if (t?.kind === 'final') {
          const e = t.entry;
          e.respEnd = end.end;
          e.respBytes += end.bytes;
          e.respDone = true;
          if (end.endedByClose !== null && end.endedByClose !== 'fin') {
            e.respWhole = false;
            e.incomplete(`response-truncated: ${end.endedByClose}`);
          }
          if (e.holdsRequestStream && tunnel === null) {
            e.holdsRequestStream = false;
            this.releasePending = true;
          }
        }
        if (tunnel !== null) this.enterTunnel(tunnel);
        this.flush(false);
        // Pausing lets the reader replay the held request bytes before the next response.
        return tunnel !== null || this.releasePending;
      },
      onAbort: (abort: MessageAbort): void => {
        const reason = causeName(abort.cause, 'response', abort.headDelivered);
        const t = this.respCurrent;
        this.respCurrent = null;
        this.tunnelAfterResponse = null;
        if (abort.headDelivered) {
          if (t?.kind === 'final') {
            this.endResponseCut(t.entry, abort.end, abort.bytes, reason);
          }
        } else if (abort.salvaged?.kind === 'response') {
          const head: ResponseHead = abort.salvaged;
          const target = this.chooseTarget(head.start);
          if (!target) {
            this.orphan(head.status);
          } else if (isInterim(head.status)) {
            target.addInterim(head.status, head.start);
            target.respBytes += abort.bytes;
            target.incomplete(reason);
          } else {
            target.resp = head;
            target.respBody = new BodyCollector(0, null);
            this.endResponseCut(target, abort.end, abort.bytes, reason);
          }
        } else {
          this.anomalies.add('http.response-lost');
        }
        this.flush(false);
      },
    };
  }
}
