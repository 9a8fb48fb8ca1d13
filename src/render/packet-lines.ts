/**
 * The tcpdump lines of the packets that carried each message, for the pairs view: every packet
 * goes through the packet printer (so relative sequence numbers are tcpdump's), and the lines of
 * packets with payload are kept per direction for a while, to be looked up by the message's
 * first and last packet times once its pair is reported. Bounded in lines per direction, in
 * directions, and in time; a message whose lines are gone is printed without them.
 *
 * With `keepBytes` (the TUI's packet tab), each kept line also keeps a copy of the bytes tcpdump
 * -A/-X would dump after it, so the dump can be made later in either style without printing
 * every packet three times; those copies are bounded by `maxBytes` as well.
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
  /** With keepBytes: bytes kept at most (lines and their bytes), all directions together (the least recently active go first). Default 64 MiB. */
  readonly maxBytes: number;
}

export interface PacketLineOptions extends PacketLineLimits {
  /** Keep each packet's dump bytes with its line (see RecordedPacket.dump). Default false. */
  readonly keepBytes: boolean;
  /** --redact: what is kept of the bytes (a copy with credential values starred out); null keeps them as they are. */
  readonly redact: ((bytes: Buffer) => Buffer) | null;
}

const DEFAULT_OPTIONS: PacketLineOptions = { perDirection: 512, directions: 20_000, retention: 15_000_000, maxBytes: 64 * 1024 * 1024, keepBytes: false, redact: null };
const PRUNE_EVERY = 4096;

/** A packet with payload as the recorder kept it. */
export interface RecordedPacket {
  readonly at: Micros;
  /** tcpdump's line for it, without a payload dump. */
  readonly line: string;
  /**
   * With keepBytes: a copy of the bytes that tcpdump -A/-X dump after the line (the frame from
   * the end of its link framing on), else null.
   */
  readonly dump: Buffer | null;
  /** Where the IP header starts in `dump` (0 unless an encapsulation such as PPPoE precedes it). */
  readonly ipStart: number;
  /** Bytes the packet had on the wire from the start of `dump` on (more than dump.length when the snaplen cut it). */
  readonly wireLength: number;
}

const directionKey = (srcIp: string, srcPort: number, dstIp: string, dstPort: number): string => `${srcIp} ${srcPort} ${dstIp} ${dstPort}`;

const ANY = /./;
/**
 * The printer builds a line from many pieces, which V8 keeps as a rope of them until the string
 * is read as a whole; a regular expression reads it so, flattening it in place to about a quarter
 * of the memory (measured: 8.5 KB -> 4.2 KB of heap per pair kept by the TUI).
 */
function flattened(line: string): string {
  ANY.test(line);
  return line;
}

/** What a kept packet costs, counted against maxBytes with keepBytes (the string, its copy of the bytes, the objects). */
const packetCost = (p: RecordedPacket): number => p.line.length + (p.dump?.length ?? 0) + 160;

export class PacketLineRecorder {
  private readonly directions = new Map<string, RecordedPacket[]>();
  private readonly limits: PacketLineOptions;
  private sincePrune = 0;
  private keptBytes = 0;
  /** Lines dropped by the bounds before anyone asked for them (counted, for the summary). */
  dropped = 0;

  constructor(
    private readonly printer: PacketPrinter,
    options: Partial<PacketLineOptions> = {},
  ) {
    this.limits = { ...DEFAULT_OPTIONS, ...options };
  }

  observe(packets: readonly DecodedPacket[]): void {
    for (const p of packets) {
      const line = this.printer.format(p);
      const { ip, tcp } = p;
      if (ip === null || tcp === null || tcp.payloadLength === 0) continue;
      this.keep(directionKey(ip.src, tcp.srcPort, ip.dst, tcp.dstPort), this.recorded(p, line));
    }
    this.sincePrune += packets.length;
    if (this.sincePrune >= PRUNE_EVERY && packets.length > 0) {
      this.sincePrune = 0;
      this.prune(frameMicros(packets[packets.length - 1].frame) - this.limits.retention);
    }
  }

  /** Lines of the packets with payload from `from` to `to` between `start` and `end` (inclusive). */
  linesBetween(from: Endpoint, to: Endpoint, start: Micros, end: Micros): string[] {
    return this.packetsBetween(from, to, start, end).map((k) => k.line);
  }

  /** The same packets with what was kept of them (their dump bytes with keepBytes). */
  packetsBetween(from: Endpoint, to: Endpoint, start: Micros, end: Micros): RecordedPacket[] {
    const kept = this.directions.get(directionKey(from.ip, from.port, to.ip, to.port)) ?? [];
    return kept.filter((k) => k.at >= start && k.at <= end);
  }

  private recorded(p: DecodedPacket, printed: string): RecordedPacket {
    const at = frameMicros(p.frame);
    const line = flattened(printed);
    if (!this.limits.keepBytes) return { at, line, dump: null, ipStart: 0, wireLength: 0 };
    // As PacketPrinter dumps: from the end of the link framing (the printer's dumpFrom).
    const from = Math.min(p.link.framingLength, p.frame.data.length);
    const bytes = p.frame.data.subarray(from);
    // A copy either way: the frame's memory is not ours to keep.
    const dump = this.limits.redact === null ? Buffer.from(bytes) : Buffer.from(this.limits.redact(bytes));
    const ipStart = Math.max(0, (p.ip?.offset ?? from) - from);
    return { at, line, dump, ipStart, wireLength: Math.max(dump.length, p.frame.origLen - from) };
  }

  private keep(key: string, packet: RecordedPacket): void {
    let kept = this.directions.get(key);
    if (kept === undefined) {
      if (this.directions.size >= this.limits.directions) this.evictOldestDirection();
      kept = [];
    } else {
      this.directions.delete(key); // re-inserted below: the map's order is recency
    }
    this.directions.set(key, kept);
    kept.push(packet);
    if (this.limits.keepBytes) this.keptBytes += packetCost(packet);
    if (kept.length > this.limits.perDirection) {
      const excess = kept.length - this.limits.perDirection;
      this.forget(kept.splice(0, excess));
      this.dropped += excess;
    }
    // The direction just written is the most recent: the others go first (it last, if alone over the bound).
    while (this.keptBytes > this.limits.maxBytes && this.directions.size > 0) this.evictOldestDirection();
  }

  private evictOldestDirection(): void {
    const oldest = this.directions.entries().next().value;
    if (oldest === undefined) return;
    this.directions.delete(oldest[0]);
    this.forget(oldest[1]);
    this.dropped += oldest[1].length;
  }

  private prune(before: Micros): void {
    for (const [key, kept] of this.directions) {
      let n = 0;
      while (n < kept.length && kept[n].at < before) n++;
      if (n === kept.length) {
        this.directions.delete(key);
        this.forget(kept);
      } else if (n > 0) this.forget(kept.splice(0, n));
    }
  }

  private forget(packets: readonly RecordedPacket[]): void {
    if (!this.limits.keepBytes) return;
    for (const p of packets) this.keptBytes -= packetCost(p);
  }
}
