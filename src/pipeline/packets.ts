import type { AnomalyCounter } from '../core/anomalies.js';
import type { CaptureSource } from '../capture/source.js';
import { decodeFrame } from '../decode/decode.js';
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

/**
 * Decoded packets of a source, filtered and counted, in batches. Every frame is decoded once
 * here; the views and the analysis stages work from that one decoding.
 */
export async function* packetStream(source: CaptureSource, options: PacketStreamOptions = {}): AsyncIterable<PacketBatch> {
  const limit = options.count ?? Infinity;
  const { filter, anomalies, onBatch } = options;
  let accepted = 0;
  if (limit <= 0) return;
  for await (const batch of source.batches()) {
    if (batch.clock !== undefined) {
      yield clockBatch<DecodedPacket>(batch.clock);
      continue;
    }
    const packets: DecodedPacket[] = [];
    for (const frame of batch) {
      const packet = decodeFrame(frame);
      if (filter && !filter(packet)) continue;
      if (anomalies && packet.failure) anomalies.add(`decode.${packet.failure.kind}`);
      packets.push(packet);
      if (accepted + packets.length >= limit) {
        onBatch?.(packets);
        yield packets;
        return;
      }
    }
    accepted += packets.length;
    if (packets.length > 0) {
      onBatch?.(packets);
      yield packets;
    }
  }
}
