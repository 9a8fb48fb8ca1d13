import type { Micros } from '../core/time.js';
import { DirectionStream, type StreamContext } from './direction-stream.js';
import type { StoredKey } from './flow-key.js';
import type { LruEntry, LruList } from './lru-list.js';
import type { Connection } from './types.js';

/**
 * What the reassembler keeps per tracked connection: the Connection handed to the sink, its
 * two directions, and its place in the activity lists. After onClose it stays in the table for
 * a while as a closed entry, so that late retransmissions, ACKs and duplicate packets of the
 * connection are absorbed instead of starting a new one.
 */
export class ConnectionState implements LruEntry<ConnectionState> {
  /** Each direction is made when its side sends its first packet (a SYN flood costs one per connection). */
  request: DirectionStream | null = null;
  response: DirectionStream | null = null;
  /** onClose was called; the entry only absorbs stray packets now. */
  closed = false;
  /** Taken out of the table (closed or replaced); the entry is dead. */
  removed = false;
  lastSeen: Micros;
  lruPrev: ConnectionState | null = null;
  lruNext: ConnectionState | null = null;
  lruList: LruList<ConnectionState> | null = null;
  /** Next state in the same hash bucket of the ConnectionTable. */
  hashNext: ConnectionState | null = null;

  constructor(
    readonly key: StoredKey,
    readonly conn: Connection,
    /** The client is endpoint A of the key (the one that sorts first, see FlowKeyReader). */
    readonly clientIsA: boolean,
    private readonly ctx: StreamContext,
    t: Micros,
  ) {
    this.lastSeen = t;
  }

  /** The stream of the direction a packet travels (srcIsA: its source is endpoint A), made if new. */
  streamFrom(srcIsA: boolean): DirectionStream {
    if (srcIsA === this.clientIsA) return (this.request ??= new DirectionStream(this.ctx, this.conn, 'request'));
    return (this.response ??= new DirectionStream(this.ctx, this.conn, 'response'));
  }

  /** The stream of the direction a packet travels, if that side has sent anything. */
  peekFrom(srcIsA: boolean): DirectionStream | null {
    return srcIsA === this.clientIsA ? this.request : this.response;
  }

  /** The stream of the opposite direction, if that side has sent anything. */
  streamTo(srcIsA: boolean): DirectionStream | null {
    return srcIsA === this.clientIsA ? this.response : this.request;
  }

  /**
   * Quiet connections (handshake only, half-closed, closed) get the short timeout and are
   * evicted first; established ones with data get the long timeout.
   */
  get quiet(): boolean {
    const req = this.request;
    const res = this.response;
    if (this.closed) return true;
    const reqData = req !== null && req.hasData;
    const resData = res !== null && res.hasData;
    return (!reqData && !resData) || (req !== null && req.fin >= 0) || (res !== null && res.fin >= 0);
  }

  /** Delivers what is buffered in both directions (holes become gaps) and frees the buffers. */
  flushAll(at: Micros): void {
    this.request?.flush(at);
    this.response?.flush(at);
    this.request?.release();
    this.response?.release();
  }
}
