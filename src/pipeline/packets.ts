import type { AnomalyCounter } from '../core/anomalies.js';
import type { CaptureSource } from '../capture/source.js';
import { decodeFrame, PacketDecoder } from '../decode/decode.js';
import type { DecodedPacket } from '../decode/types.js';
import { clockBatch, type Batch } from '../core/frame.js';

export type PacketFilter = (packet: DecodedPacket) => boolean;

/** Decoded packets; or, from a quiet live capture, none and how far packet time has got (see FrameBatch). */
export type PacketBatch = Batch<DecodedPacket>;

export interface PacketStreamOptions {
  /** Keep only packets the filter accepts (pcap-filter expression compiled by the caller). */
  readonly filter?: PacketFilter;
  /** Stop after this many accepted packets (-c). */
  readonly count?: number;
  /** Counts accepted packets that could not be fully decoded, by failure kind ("decode.truncated-tcp"). */
  readonly anomalies?: AnomalyCounter;
  /** Sees every batch of accepted packets before the caller does (counting, packet lines). */
  readonly onBatch?: (packets: readonly DecodedPacket[]) => void;
}

/** Which decoded packets go on: the filter, the -c limit, and the count of decode failures. */
class PacketSelection {
  private accepted = 0;
  private readonly limit: number;

  constructor(private readonly options: PacketStreamOptions) {
    this.limit = options.count ?? Infinity;
  }

  /** Is the limit reached (no further packet may go on)? */
  get full(): boolean {
    return this.accepted >= this.limit;
  }

  get count(): number {
    return this.accepted;
  }

  accept(packet: DecodedPacket): boolean {
    const { filter, anomalies } = this.options;
    if (filter && !filter(packet)) return false;
    if (anomalies && packet.failure) anomalies.add(`decode.${packet.failure.kind}`);
    this.accepted++;
    return true;
  }
}

/**
 * Decoded packets of a source, filtered and counted, in batches. Every frame is decoded once
 * here; the views and the analysis stages work from that one decoding.
 */
export async function* packetStream(source: CaptureSource, options: PacketStreamOptions = {}): AsyncIterable<PacketBatch> {
  const selection = new PacketSelection(options);
  if (selection.full) return;
  for await (const batch of source.batches()) {
    if (batch.clock !== undefined) {
      yield clockBatch<DecodedPacket>(batch.clock);
      continue;
    }
    const packets: DecodedPacket[] = [];
    for (const frame of batch) {
      const packet = decodeFrame(frame);
      if (!selection.accept(packet)) continue;
      packets.push(packet);
      if (selection.full) break;
    }
    if (packets.length > 0) {
      options.onBatch?.(packets);
      yield packets;
    }
    if (selection.full) return;
  }
}

/**
 * The packets of packetStream handed to `each` one at a time; yields after each batch that had
 * any, so that the caller can pass on what they gave, and the clock of a quiet live capture's
 * clock batch (undefined after packets). Without onBatch nothing sees a packet after `each`
 * returns, so all are decoded into one reused packet (see PacketDecoder): for a consumer that
 * keeps nothing of a packet, such as the reassembler, no garbage per packet.
 */
export async function* eachPacket(source: CaptureSource, options: PacketStreamOptions, each: (packet: DecodedPacket) => void): AsyncIterable<number | undefined> {
  if (options.onBatch !== undefined) {
    for await (const batch of packetStream(source, options)) {
      for (const packet of batch) each(packet);
      yield batch.clock;
    }
    return;
  }
  const selection = new PacketSelection(options);
  if (selection.full) return;
  const decoder = new PacketDecoder();
  for await (const batch of source.batches()) {
    if (batch.clock !== undefined) {
      yield batch.clock;
      continue;
    }
    const before = selection.count;
    for (const frame of batch) {
      const packet = decoder.decode(frame);
      if (!selection.accept(packet)) continue;
      each(packet);
      if (selection.full) break;
    }
    if (selection.count > before) yield undefined;
    if (selection.full) return;
  }
}
