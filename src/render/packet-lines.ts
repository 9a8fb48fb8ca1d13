/**
 * The tcpdump lines of the packets that carried each message, for the pairs view: every packet
 * goes through the packet printer (so relative sequence numbers are tcpdump's), and the lines of
 * packets with payload are kept per direction for a while, to be looked up by the message's
 * first and last packet times once its pair is reported. Bounded in lines per direction, in
 * directions, and in time; a message whose lines are gone is printed without them.
 */
import type { Endpoint } from '../core/flow.js';
import { frameMicros, type Micros } from '../core/time.js';
import type { DecodedPacket } from '../decode/types.js';
import type { PacketPrinter } from './tcpdump/packet-printer.js';

export interface PacketLineLimits {
  /** Lines kept per direction (the oldest go first). Default 512. */
  readonly perDirection: number;
  /** Directions kept (the least recently active go first). Default 20 000. */
  readonly directions: number;
  /** How long a line is kept, in packet time: at least the pairing window. Default 15 s. */
  readonly retention: Micros;
}

const DEFAULT_LIMITS: PacketLineLimits = { perDirection: 512, directions: 20_000, retention: 15_000_000 };
const PRUNE_EVERY = 4096;

interface KeptLine {
  readonly at: Micros;
  readonly line: string;
}

const directionKey = (srcIp: string, srcPort: number, dstIp: string, dstPort: number): string => `${srcIp} ${srcPort} ${dstIp} ${dstPort}`;

export class PacketLineRecorder {
  private readonly directions = new Map<string, KeptLine[]>();
  private readonly limits: PacketLineLimits;
  private sincePrune = 0;
  /** Lines dropped by the bounds before anyone asked for them (counted, for the summary). */
  dropped = 0;

  constructor(
    private readonly printer: PacketPrinter,
    limits: Partial<PacketLineLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  observe(packets: readonly DecodedPacket[]): void {
    for (const p of packets) {
      const line = this.printer.format(p);
      const { ip, tcp } = p;
      if (ip === null || tcp === null || tcp.payloadLength === 0) continue;
      this.keep(directionKey(ip.src, tcp.srcPort, ip.dst, tcp.dstPort), frameMicros(p.frame), line);
    }
    this.sincePrune += packets.length;
    if (this.sincePrune >= PRUNE_EVERY && packets.length > 0) {
      this.sincePrune = 0;
      this.prune(frameMicros(packets[packets.length - 1].frame) - this.limits.retention);
    }
  }

  /** Lines of the packets with payload from `from` to `to` between `start` and `end` (inclusive). */
  linesBetween(from: Endpoint, to: Endpoint, start: Micros, end: Micros): string[] {
    const kept = this.directions.get(directionKey(from.ip, from.port, to.ip, to.port)) ?? [];
    return kept.filter((k) => k.at >= start && k.at <= end).map((k) => k.line);
  }

  private keep(key: string, at: Micros, line: string): void {
    let kept = this.directions.get(key);
    if (kept === undefined) {
      if (this.directions.size >= this.limits.directions) this.evictOldestDirection();
      kept = [];
    } else {
      this.directions.delete(key); // re-inserted below: the map's order is recency
    }
    this.directions.set(key, kept);
    kept.push({ at, line });
    if (kept.length > this.limits.perDirection) {
      const excess = kept.length - this.limits.perDirection;
      kept.splice(0, excess);
      this.dropped += excess;
    }
  }

  private evictOldestDirection(): void {
    const oldest = this.directions.entries().next().value;
    if (oldest === undefined) return;
    this.directions.delete(oldest[0]);
    this.dropped += oldest[1].length;
  }

  private prune(before: Micros): void {
    for (const [key, kept] of this.directions) {
      let n = 0;
      while (n < kept.length && kept[n].at < before) n++;
      if (n === kept.length) this.directions.delete(key);
      else if (n > 0) kept.splice(0, n);
    }
  }
}
