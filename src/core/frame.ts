/**
 * A captured frame as it enters the pipeline: the bytes the capture kept, the length the
 * packet had on the wire, and when it was seen. Timestamps are split into whole seconds and
 * nanoseconds so that nanosecond captures keep every digit (a double cannot hold them).
 */
export interface Frame {
  /** Seconds since the Unix epoch. */
  readonly tsSec: number;
  /** Nanoseconds within the second, 0..999_999_999. */
  readonly tsNsec: number;
  /** DLT/LINKTYPE number of the interface the frame was captured on. */
  readonly linkType: number;
  /** Captured bytes; owned by the frame (copied once where it entered), never mutated. */
  readonly data: Buffer;
  /** Length of the packet on the wire; larger than data.length when snaplen cut it. */
  readonly origLen: number;
  /** Index of the interface within its source (pcapng IDB index; 0 for classic pcap). */
  readonly interfaceId: number;
}

/**
 * Frames travel in batches: one await per batch keeps async overhead off the per-packet path.
 * A live source also says, in a batch of its own, how far packet time has got while the link
 * is quiet (`clock`, Unix microseconds): without it, idle connections, exchanges held for
 * ordering and pairs waiting to settle would wait for the next packet, however long that is.
 */
export type FrameBatch = Batch<Frame>;

/** Items in capture order, and with `clock`, how far packet time has got past them. */
export type Batch<T> = readonly T[] & { readonly clock?: number };

/** A batch of nothing that only moves packet time on to `clock`. */
export function clockBatch<T>(clock: number): Batch<T> {
  return Object.assign([], { clock });
}
