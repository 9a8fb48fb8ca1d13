/**
 * Test helpers for TCP reassembly: DecodedPacket objects built directly (no capture bytes), a
 * two-sided connection script that keeps track of sequence numbers, and a sink that records
 * what the reassembler delivered.
 */
import type { Direction } from '../../src/core/flow.js';
import type { Micros } from '../../src/core/time.js';
import { TcpFlag, type DecodedPacket } from '../../src/decode/types.js';
import { seqAdd } from '../../src/tcp/seq.js';
import type { Connection, EndReason, StreamSink } from '../../src/tcp/types.js';

export interface PacketSpec {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack?: number;
  readonly flags: number;
  /** Captured payload. */
  readonly data?: Buffer | string;
  /** Payload length on the wire (defaults to the data length; larger means snaplen cut it). */
  readonly wireLength?: number;
  readonly vlans?: readonly number[];
}

const NO_VLANS: readonly number[] = [];
const LINK = { headerLength: 14, framingLength: 14, sllPacketType: -1, sllInterfaceIndex: -1, pppoeSession: -1 };

/** Address bytes of a printed IPv4 or IPv6 address. */
export function addressBytes(ip: string): Buffer {
  if (!ip.includes(':')) return Buffer.from(ip.split('.').map(Number));
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, null];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === null ? [] : groups(tail);
  const words = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, 2 * i));
  return out;
}

export function packet(spec: PacketSpec): DecodedPacket {
  const payload = typeof spec.data === 'string' ? Buffer.from(spec.data, 'latin1') : (spec.data ?? Buffer.alloc(0));
  const v6 = spec.src.includes(':');
  // Frame bytes hold the IP addresses where an IP header has them (the reassembler keys on them).
  const data = Buffer.alloc(14 + (v6 ? 40 : 20));
  addressBytes(spec.src).copy(data, 14 + (v6 ? 8 : 12));
  addressBytes(spec.dst).copy(data, 14 + (v6 ? 24 : 16));
  const frame = { tsSec: 0, tsNsec: 0, linkType: 1, data, origLen: data.length, interfaceId: 0 };
  return {
    frame,
    link: LINK,
    vlans: spec.vlans ?? NO_VLANS,
    etherType: v6 ? 0x86dd : 0x0800,
    ip: {
      version: v6 ? 6 : 4,
      src: spec.src,
      dst: spec.dst,
      srcBytes: addressBytes(spec.src),
      dstBytes: addressBytes(spec.dst),
      protocol: 6,
      firstNextHeader: 6,
      offset: 14,
      headerLength: 20,
      totalLength: 40 + payload.length,
      wireLength: 40 + payload.length,
      fragmentOffset: 0,
      moreFragments: false,
      ttl: 64,
    },
    tcp: {
      srcPort: spec.sport,
      dstPort: spec.dport,
      seq: spec.seq >>> 0,
      ack: (spec.ack ?? 0) >>> 0,
      flags: spec.flags,
      window: 65535,
      urgentPointer: 0,
      offset: 34,
      headerLength: 20,
      options: Buffer.alloc(0),
      payloadLength: spec.wireLength ?? payload.length,
      payload,
      capturedPayloadLength: payload.length,
    },
    udp: null,
    failure: null,
  };
}

export interface EndpointSpec {
  readonly ip: string;
  readonly port: number;
  /** Initial sequence number. */
  readonly isn: number;
}

export interface SegmentOptions {
  /** Stream offset of the first byte (default: where this direction's script left off). */
  readonly at?: number;
  readonly flags?: number;
  /** Payload length on the wire, when larger than the data (snaplen cut). */
  readonly wireLength?: number;
  /** ACK number to send (default: everything the other side sent so far). */
  readonly ackOffset?: number;
  /** Leave the ACK flag off. */
  readonly noAck?: boolean;
}

/**
 * Scripts one connection: `request` is client -> server. Offsets are stream offsets (0 is the
 * byte after the ISN). Each call returns the packet; `sent` tracks how far each side got.
 */
export class Script {
  readonly sent: Record<Direction, number> = { request: 0, response: 0 };

  constructor(
    readonly client: EndpointSpec,
    readonly server: EndpointSpec,
    readonly vlans: readonly number[] = NO_VLANS,
  ) {}

  private ends(dir: Direction): [EndpointSpec, EndpointSpec] {
    return dir === 'request' ? [this.client, this.server] : [this.server, this.client];
  }

  /** Sequence number of a stream offset of a direction. */
  seqOf(dir: Direction, offset: number): number {
    return seqAdd(this.ends(dir)[0].isn, 1 + offset);
  }

  raw(dir: Direction, spec: { seq: number; ack?: number; flags: number; data?: Buffer | string; wireLength?: number }): DecodedPacket {
    const [from, to] = this.ends(dir);
    return packet({ src: from.ip, dst: to.ip, sport: from.port, dport: to.port, vlans: this.vlans, ...spec });
  }

  syn(data?: string): DecodedPacket {
    return this.raw('request', { seq: this.client.isn, flags: TcpFlag.SYN, data });
  }

  synAck(): DecodedPacket {
    return this.raw('response', { seq: this.server.isn, ack: seqAdd(this.client.isn, 1), flags: TcpFlag.SYN | TcpFlag.ACK });
  }

  /** Handshake: SYN, SYN-ACK, ACK. */
  handshake(): DecodedPacket[] {
    return [this.syn(), this.synAck(), this.ack('request')];
  }

  ack(dir: Direction, ackOffset?: number): DecodedPacket {
    return this.segment(dir, '', { ackOffset });
  }

  segment(dir: Direction, data: Buffer | string, options: SegmentOptions = {}): DecodedPacket {
    const other: Direction = dir === 'request' ? 'response' : 'request';
    const at = options.at ?? this.sent[dir];
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const wire = options.wireLength ?? bytes.length;
    if (at + wire > this.sent[dir]) this.sent[dir] = at + wire;
    const flags = (options.flags ?? 0) | (options.noAck ? 0 : TcpFlag.ACK);
    return this.raw(dir, {
      seq: this.seqOf(dir, at),
      ack: this.seqOf(other, options.ackOffset ?? this.sent[other]),
      flags,
      data: bytes,
      wireLength: wire,
    });
  }

  fin(dir: Direction, options: SegmentOptions = {}): DecodedPacket {
    const p = this.segment(dir, '', { ...options, flags: TcpFlag.FIN | (options.flags ?? 0) });
    this.sent[dir] += 1; // the FIN takes a sequence number
    return p;
  }

  rst(dir: Direction): DecodedPacket {
    return this.segment(dir, '', { flags: TcpFlag.RST });
  }
}

/** Everything one connection got from the reassembler. */
export interface Recorded {
  readonly conn: Connection;
  /** Bytes per direction in latin1, with each gap shown as `<gap N>`. */
  readonly streams: Record<Direction, string>;
  readonly gaps: Record<Direction, number[]>;
  readonly events: string[];
  closed: { reason: EndReason; at: Micros } | null;
}

/** A sink that records deliveries per connection, and checks the call order contract. */
export class RecordingSink implements StreamSink {
  readonly connections: Recorded[] = [];
  private readonly byId = new Map<number, Recorded>();
  readonly errors: string[] = [];

  onOpen(conn: Connection): void {
    if (this.byId.has(conn.id)) this.errors.push(`open twice: ${conn.id}`);
    const r: Recorded = { conn, streams: { request: '', response: '' }, gaps: { request: [], response: [] }, events: ['open'], closed: null };
    this.byId.set(conn.id, r);
    this.connections.push(r);
  }

  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    const r = this.get(conn, 'data');
    if (!r) return;
    if (bytes.length === 0) this.errors.push(`empty data on ${conn.id}`);
    if (first > last) this.errors.push(`first > last on ${conn.id}`);
    r.streams[dir] += bytes.toString('latin1');
    r.events.push(`${dir} ${bytes.length}`);
  }

  onGap(conn: Connection, dir: Direction, length: number): void {
    const r = this.get(conn, 'gap');
    if (!r) return;
    if (length <= 0) this.errors.push(`gap of ${length} on ${conn.id}`);
    r.streams[dir] += `<gap ${length}>`;
    r.gaps[dir].push(length);
    r.events.push(`${dir} gap ${length}`);
  }

  onClose(conn: Connection, reason: EndReason, at: Micros): void {
    const r = this.get(conn, 'close');
    if (!r) return;
    r.closed = { reason, at };
    r.events.push(`close ${reason}`);
  }

  private get(conn: Connection, what: string): Recorded | undefined {
    const r = this.byId.get(conn.id);
    if (!r) this.errors.push(`${what} before open: ${conn.id}`);
    else if (r.closed) this.errors.push(`${what} after close: ${conn.id}`);
    return r;
  }
}
