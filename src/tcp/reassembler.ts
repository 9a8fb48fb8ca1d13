import { AnomalyCounter } from '../core/anomalies.js';
import type { Endpoint } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import { TcpFlag, type DecodedPacket, type TcpHeader } from '../decode/types.js';
import { ConnectionState } from './connection-state.js';
import { ConnectionTable } from './connection-table.js';
import { FlowKeyReader, type StoredKey } from './flow-key.js';
import type { DirectionStream, StreamContext } from './direction-stream.js';
import { DEFAULT_REASSEMBLY_OPTIONS, type ReassemblyOptions } from './limits.js';
import { LruList } from './lru-list.js';
import { destinationIsServer } from './roles.js';
import { seqAdd } from './seq.js';
import type { Connection, EndReason, StreamSink } from './types.js';

/** Idle connections are looked for when packet time has moved on by this much. */
const SWEEP_INTERVAL: Micros = 1_000_000;

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;

export interface ReassemblyStats {
  /** Entries in the connection table, open and recently closed. */
  readonly tracked: number;
  /** Connections opened so far (Connection.id of the next one). */
  readonly opened: number;
  /** Out-of-order bytes buffered now (with per-segment overhead). */
  readonly bufferedBytes: number;
}

/**
 * TCP reassembly for a capture: feeds each connection's two byte streams, in order and once,
 * to a StreamSink. Synchronous and driven by packet time only.
 *
 * Connections are keyed by the 4-tuple (both orders map to one key) plus the VLAN ids when
 * keyByVlan is on. The sink hears of a connection at its first SYN or data packet (pure ACKs,
 * FINs and RSTs of unknown connections are ignored, like tcpflow does), then of its bytes and
 * gaps, then of its end exactly once.
 */
export class TcpReassembler {
  readonly anomalies: AnomalyCounter;
  private readonly options: ReassemblyOptions;
  private readonly ctx: StreamContext;
  private readonly sink: StreamSink;
  private readonly table = new ConnectionTable();
  private readonly keys: FlowKeyReader;
  /** Quiet entries (handshake only, FIN seen, closed), least recently active first. */
  private readonly quietList = new LruList<ConnectionState>();
  /** Established entries with data, least recently active first. */
  private readonly activeList = new LruList<ConnectionState>();
  private nextId = 0;
  /** Packet time: the latest time seen (packets may be slightly out of order). */
  private clock: Micros = -Infinity;
  private nextSweep: Micros = -Infinity;

  constructor(sink: StreamSink, options: Partial<ReassemblyOptions> = {}, anomalies: AnomalyCounter = new AnomalyCounter()) {
    this.sink = sink;
    this.options = { ...DEFAULT_REASSEMBLY_OPTIONS, ...options };
    this.anomalies = anomalies;
    this.keys = new FlowKeyReader(this.options.keyByVlan);
    this.ctx = { sink, anomalies, limits: this.options, budget: { bytes: 0 }, buffering: new Set<DirectionStream>() };
  }

  get stats(): ReassemblyStats {
    return { tracked: this.table.size, opened: this.nextId, bufferedBytes: this.ctx.budget.bytes };
  }

  /** Feeds one decoded packet seen at packet time `t`. Packets without a TCP header are ignored. */
  addPacket(p: DecodedPacket, t: Micros): void {
    const tcp = p.tcp;
    const ip = p.ip;
    if (tcp === null || ip === null) return;
    if (t > this.clock) {
      this.clock = t;
      if (t >= this.nextSweep) this.sweep();
    }
    let flags = tcp.flags;
    if ((flags & (SYN | RST)) === (SYN | RST)) {
      this.anomalies.add('tcp.bad-flags');
      return;
    }
    if ((flags & (SYN | FIN)) === (SYN | FIN)) {
      this.anomalies.add('tcp.bad-flags');
      flags &= ~FIN;
    }
    if (ip.moreFragments) this.anomalies.add('tcp.ip-fragment');

    const keys = this.keys;
    keys.read(p);
    const srcIsA = keys.srcIsA;
    let state = this.table.find(keys);

    const length = tcp.payloadLength;
    if (state === undefined) {
      if ((flags & RST) !== 0 || ((flags & SYN) === 0 && length === 0)) return; // nothing to reassemble
      state = this.open(keys.store(), srcIsA, p, flags, t, 0);
    } else if (state.closed) {
      if (!this.reopens(state.peekFrom(srcIsA), tcp, flags)) {
        state.lastSeen = t > state.lastSeen ? t : state.lastSeen;
        this.quietList.touch(state);
        return;
      }
      this.remove(state);
      state = this.open(state.key, srcIsA, p, flags, t, state.conn.reuse + 1);
    } else if ((flags & SYN) !== 0 && state.streamFrom(srcIsA).synKind(tcp.seq) === 'other-isn') {
      // A new handshake with another ISN on a connection that never closed: the 4-tuple was reused.
      this.anomalies.add('tcp.port-reuse-while-open');
      this.close(state, 'evicted', t, true);
      state = this.open(state.key, srcIsA, p, flags, t, state.conn.reuse + 1);
    }
    this.process(state, srcIsA, tcp, flags, t);
  }

  /**
   * Packet time has reached `t` without a packet (a live capture gone quiet): closes what timed
   * out. Never needed for files: packets drive it.
   */
  advanceTime(t: Micros): void {
    if (t > this.clock) {
      this.clock = t;
      this.sweep();
    }
  }

  /** End of the capture: every open connection is flushed (holes become gaps) and closed as 'end-of-capture'. */
  finish(t: Micros): void {
    const open: ConnectionState[] = [];
    for (const s of this.table.values()) if (!s.closed) open.push(s);
    open.sort((a, b) => a.conn.id - b.conn.id);
    for (const s of open) this.close(s, 'end-of-capture', t, true);
    for (const s of [...this.table.values()]) this.remove(s);
  }

  private process(state: ConnectionState, srcIsA: boolean, tcp: TcpHeader, flags: number, t: Micros): void {
    if (t > state.lastSeen) state.lastSeen = t;
    const out = state.streamFrom(srcIsA);
    const back = state.streamTo(srcIsA);
    // The ACK first: bytes the other side sent before this packet come before this packet's own.
    if ((flags & ACK) !== 0 && back !== null) back.ack(tcp.ack, t);
    if ((flags & RST) !== 0) {
      this.close(state, 'rst', t, false);
      return;
    }
    let seq = tcp.seq;
    if ((flags & SYN) !== 0) {
      out.syn(seq);
      seq = seqAdd(seq, 1);
    }
    const length = tcp.payloadLength;
    if (length > 0) out.segment(seq, tcp.payload, length, t);
    if ((flags & FIN) !== 0) out.finAt(seq, length, t);
    if (out.done && back !== null && back.done) {
      this.close(state, 'fin', t, false);
      return;
    }
    (state.quiet ? this.quietList : this.activeList).touch(state);
  }

  /** Does a packet on a closed connection start a new one on the same 4-tuple? */
  private reopens(stream: DirectionStream | null, tcp: TcpHeader, flags: number): boolean {
    if ((flags & RST) !== 0) return false;
    if ((flags & SYN) !== 0) {
      // A copy of the old handshake is absorbed; any other SYN or SYN-ACK is a new handshake.
      const kind = stream === null ? 'first' : stream.synKind(tcp.seq);
      if (kind === 'duplicate' || kind === 'late') return false;
      this.anomalies.add('tcp.port-reuse');
      return true;
    }
    if (tcp.payloadLength === 0) return false;
    if (stream !== null && stream.isNear(tcp.seq)) {
      this.anomalies.add('tcp.data-after-close');
      return false;
    }
    this.anomalies.add('tcp.port-reuse');
    return true;
  }

  private open(key: StoredKey, srcIsA: boolean, p: DecodedPacket, flags: number, t: Micros, reuse: number): ConnectionState {
    while (this.table.size >= this.options.maxConnections && this.evictOne(t));
    const ip = p.ip!;
    const tcp = p.tcp!;
    const from: Endpoint = { ip: ip.src, port: tcp.srcPort };
    const to: Endpoint = { ip: ip.dst, port: tcp.dstPort };
    let senderIsClient: boolean;
    let rolesFromHandshake = false;
    if ((flags & SYN) !== 0) {
      senderIsClient = (flags & ACK) === 0;
      rolesFromHandshake = true;
    } else {
      senderIsClient = destinationIsServer(tcp.srcPort, tcp.dstPort);
    }
    const conn: Connection = {
      id: this.nextId++,
      client: senderIsClient ? from : to,
      server: senderIsClient ? to : from,
      rolesFromHandshake,
      vlans: p.vlans,
      reuse,
      firstSeen: t,
    };
    const state = new ConnectionState(key, conn, senderIsClient === srcIsA, this.ctx, t);
    this.table.add(state);
    this.sink.onOpen(conn);
    return state;
  }

  /**
   * Ends a connection: buffered data goes out with its holes as gaps, then onClose. Closed by
   * FIN or RST, the entry stays (quiet) to absorb stragglers; otherwise it leaves the table.
   */
  private close(state: ConnectionState, reason: EndReason, at: Micros, drop: boolean): void {
    if (!state.closed) {
      state.flushAll(at);
      state.closed = true;
      this.sink.onClose(state.conn, reason, at);
    }
    if (drop) this.remove(state);
    else this.quietList.touch(state);
  }

  private remove(state: ConnectionState): void {
    if (state.removed) return;
    state.removed = true;
    state.lruList?.remove(state);
    this.table.delete(state);
  }

  /** Makes room for one connection: the least recently active quiet one, else the least recently active one. */
  private evictOne(t: Micros): boolean {
    const victim = this.quietList.head ?? this.activeList.head;
    if (victim === null) return false;
    if (!victim.closed) this.anomalies.add('tcp.limit-connections');
    this.close(victim, 'evicted', t, true);
    return true;
  }

  /** Closes connections idle for longer than their timeout (packet time). */
  private sweep(): void {
    const now = this.clock;
    this.nextSweep = now + SWEEP_INTERVAL;
    this.expire(this.quietList, this.options.closedTimeout, now);
    this.expire(this.activeList, this.options.idleTimeout, now);
    // Directions in the order their data started waiting: stop at the first that may wait on.
    const holeTimeout = this.options.holeTimeout;
    for (const stream of this.ctx.buffering) {
      if (stream.waitingSince + holeTimeout > now) break;
      stream.giveUpHole(now);
    }
  }

  private expire(list: LruList<ConnectionState>, timeout: Micros, now: Micros): void {
    for (let s = list.head; s !== null && s.lastSeen + timeout <= now; s = list.head) {
      this.close(s, 'idle', s.lastSeen + timeout, true);
    }
  }
}
