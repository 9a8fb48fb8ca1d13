import type { AnomalyCounter } from '../core/anomalies.js';
import type { Micros } from '../core/time.js';
import type { EndReason } from '../tcp/types.js';
import type { HttpLimits } from './limits.js';
import { MessageParser, salvageStartLine, type AbortCause, type MessageKind, type MessageSink } from './message-parser.js';
import { StartLineScanner, type StartKind } from './resync.js';

/**
 * - sync: bytes go to the message parser;
 * - scan: looking for the next start line (after a gap or error, or from a mid-stream start);
 * - held: request bytes after an Upgrade/CONNECT request wait (bounded) for its answer;
 * - stopped: the connection became a tunnel (101, CONNECT 2xx); bytes are ignored.
 */
export type ReaderMode = 'sync' | 'scan' | 'held' | 'stopped';

type HeldItem =
  | { readonly kind: 'data'; readonly bytes: Buffer; readonly first: Micros; readonly last: Micros }
  | { readonly kind: 'gap'; readonly length: number; readonly at: Micros };

export interface ReaderHost {
  /** A reader of a connection with guessed roles found its first start line. */
  onStartFound(reader: DirectionReader, kind: StartKind): void;
  sinkFor(kind: MessageKind): MessageSink;
  /** Called between messages when the sink stopped the parser to get work done in order. */
  runDeferred(): void;
}

/** One direction of one connection: resynchronisation, holding and tunnels around a MessageParser. */
export class DirectionReader {
  private mode: ReaderMode;
  private kindValue: MessageKind | null = null;
  private parser: MessageParser | null = null;
  private readonly scanner: StartLineScanner;
  private held: HeldItem[] = [];
  private heldBytes = 0;
  /**
   * Set when the reader regained sync by scanning after losing it (gap, parse error); the
   * pairing logic reads and clears it. Not set by the scan of a stream that starts mid-way:
   * there, every request we see was captured, and so is (the start of) its response.
   */
  resynced = false;
  private lostSync = false;

  constructor(
    private readonly host: ReaderHost,
    private readonly limits: HttpLimits,
    private readonly anomalies: AnomalyCounter,
    kind: MessageKind | null,
  ) {
    this.scanner = new StartLineScanner(limits.maxStartLineBytes);
    if (kind === null) {
      this.mode = 'scan';
    } else {
      this.mode = 'sync';
      this.setKind(kind);
    }
  }

  get kind(): MessageKind | null {
    return this.kindValue;
  }

  get currentMode(): ReaderMode {
    return this.mode;
  }

  setKind(kind: MessageKind): void {
    if (this.kindValue !== null) return;
    this.kindValue = kind;
    this.parser = new MessageParser(kind, this.host.sinkFor(kind), this.limits);
  }

  data(bytes: Buffer, first: Micros, last: Micros): void {
    let chunk = bytes;
    let from = first;
    while (chunk.length > 0) {
      switch (this.mode) {
        case 'stopped':
          return;
        case 'held':
          this.hold({ kind: 'data', bytes: Buffer.from(chunk), first: from, last }, chunk.length);
          return;
        case 'scan': {
          const r = this.scanner.scan(chunk, from, this.kindValue ?? 'either');
          if (r.discarded > 0) this.anomalies.add('http.resync-bytes-discarded', r.discarded);
          if (!r.found) return;
          if (this.kindValue === null) this.host.onStartFound(this, r.kind);
          this.mode = 'sync';
          this.resynced = this.lostSync;
          this.anomalies.add(this.lostSync ? 'http.resync' : 'http.mid-stream-start');
          this.lostSync = false;
          chunk = r.data.subarray(r.offset);
          from = r.first;
          break;
        }
        case 'sync': {
          const parser = this.parser;
          if (!parser) return;
          const r = parser.feed(chunk, from, last);
          if (r.kind === 'done') return;
          chunk = chunk.subarray(r.offset);
          if (r.kind === 'error') {
            this.anomalies.add('http.parse-error');
            this.anomalies.add(`http.parse-error.${r.error.code}`);
            this.enterScan();
          }
          // 'stopped': the sink switched this reader to held or stopped, or paused it to run
          // deferred work (replaying held request bytes before the next response pairs).
          else this.host.runDeferred();
          break;
        }
      }
    }
  }

  gap(length: number, at: Micros): void {
    switch (this.mode) {
      case 'stopped':
        return;
      case 'held':
        this.hold({ kind: 'gap', length, at }, 0);
        return;
      case 'scan':
        this.salvagePartialLine({ kind: 'gap', length }, at);
        this.scanner.restart(true);
        this.lostSync = true;
        return;
      case 'sync': {
        const parser = this.parser;
        if (!parser) return;
        const r = parser.gap(length, at);
        if (r === 'kept-sync') this.anomalies.add('http.gap-skipped-in-body');
        else if (r === 'lost-sync') {
          this.anomalies.add('http.gap-lost-sync');
          this.enterScan();
        }
        return;
      }
    }
  }

  /** End of the stream: a body that runs to the close ends here; anything else is cut. */
  close(reason: EndReason): void {
    if (this.mode === 'sync') this.parser?.finish(reason);
    else if (this.mode === 'scan') this.salvagePartialLine({ kind: 'closed', reason }, -Infinity);
    this.held = [];
    this.heldBytes = 0;
  }

  /** Stop parsing: later bytes are kept (bounded) until release() or stop(). */
  holdFurtherBytes(): void {
    if (this.mode === 'sync') this.mode = 'held';
  }

  /** The connection is a tunnel now: ignore everything that follows. */
  stop(): void {
    this.mode = 'stopped';
    this.held = [];
    this.heldBytes = 0;
  }

  /** The held request turned out not to start a tunnel: parse what was held. */
  release(): void {
    if (this.mode !== 'held') return;
    this.mode = 'sync';
    const items = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const item of items) {
      if (item.kind === 'data') this.data(item.bytes, item.first, item.last);
      else this.gap(item.length, item.at);
    }
  }

  private hold(item: HeldItem, size: number): void {
    if (this.heldBytes + size > this.limits.maxHeldBytes) {
      // No answer yet and the client keeps sending: it is not waiting for a tunnel.
      this.anomalies.add('http.held-overflow');
      this.release();
      if (item.kind === 'data') this.data(item.bytes, item.first, item.last);
      else this.gap(item.length, item.at);
      return;
    }
    this.held.push(item);
    this.heldBytes += size;
  }

  /** While scanning, a start line cut by a gap or the end: report what it tells (snaplen captures). */
  private salvagePartialLine(cause: AbortCause, at: Micros): void {
    const kind = this.kindValue;
    const partial = this.scanner.takePartialLine();
    if (kind === null || partial === null) return;
    const head = salvageStartLine(kind, partial.text, partial.first, partial.text.length, true);
    if (head === null) return;
    this.host.sinkFor(kind).onAbort({ cause, headDelivered: false, salvaged: head, end: Math.max(at, partial.first), bytes: partial.text.length });
  }

  private enterScan(): void {
    this.mode = 'scan';
    this.lostSync = true;
    this.scanner.restart(true);
    this.parser?.reset();
  }
}
