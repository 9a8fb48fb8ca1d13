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
}

export interface PacketBatch {
  /** Accepted frames, in capture order. */
  readonly frames: readonly Frame[];
}

/**
 * Frames of a source, filtered and counted, in batches. Decoding happens only when a filter
 * needs it: the packet view decodes again as tcpdump does, and unfiltered runs skip the work.
 */
export async function* packetStream(source: CaptureSource, options: PacketStreamOptions = {}): AsyncIterable<PacketBatch> {
  const limit = options.count ?? Infinity;
  const filter = options.filter;
  let accepted = 0;
  if (limit <= 0) return;
  for await (const batch of source.batches()) {
    let frames: readonly Frame[] = batch;
    if (filter) frames = batch.filter((frame) => filter(decodeFrame(frame)));
    if (accepted + frames.length >= limit) {
      yield { frames: frames.slice(0, limit - accepted) };
      return;
    }
    accepted += frames.length;
    if (frames.length > 0) yield { frames };
  }
}
