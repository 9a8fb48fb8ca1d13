import type { AnomalyCounter } from '../core/anomalies.js';
import type { Frame } from '../core/frame.js';
import type { CaptureSource } from '../capture/source.js';
import { decodeFrame } from '../decode/decode.js';
import type { DecodedPacket } from '../decode/types.js';

export type PacketFilter = (packet: DecodedPacket) => boolean;

export interface PacketStreamOptions {
  /** Keep only packets the filter accepts (pcap-filter expression compiled by the caller). */
  readonly filter?: PacketFilter;
  /** Stop after this many accepted packets (-c). */
  readonly count?: number;
  /** Counts accepted packets that could not be fully decoded, by failure kind ("decode.truncated-tcp"). */
  readonly anomalies?: AnomalyCounter;
}

export interface PacketBatch {
  /** Accepted frames, in capture order. */
  readonly frames: readonly Frame[];
}

/**
 * Frames of a source, filtered and counted, in batches. Frames are decoded only when a filter
 * or the anomaly count needs it.
 */
export async function* packetStream(source: CaptureSource, options: PacketStreamOptions = {}): AsyncIterable<PacketBatch> {
  const limit = options.count ?? Infinity;
  const { filter, anomalies } = options;
  let accepted = 0;
  if (limit <= 0) return;
  const keep = (frame: Frame): boolean => {
    if (!filter && !anomalies) return true;
    const packet = decodeFrame(frame);
    if (filter && !filter(packet)) return false;
    if (anomalies && packet.failure) anomalies.add(`decode.${packet.failure.kind}`);
    return true;
  };
  for await (const batch of source.batches()) {
    let frames: readonly Frame[] = batch;
    if (filter || anomalies) frames = batch.filter(keep);
    if (accepted + frames.length >= limit) {
      yield { frames: frames.slice(0, limit - accepted) };
      return;
    }
    accepted += frames.length;
    if (frames.length > 0) yield { frames };
  }
}
