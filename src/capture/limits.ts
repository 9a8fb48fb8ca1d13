/** Sizes that bound what a capture reader reads ahead, buffers and accepts. */

/** Read size for files: big reads keep syscalls and chunk joins off the per-packet cost. */
export const READ_CHUNK_BYTES = 1 << 20;

/** Frames per batch: one await per batch; small enough to keep latency low on pipes. */
export const DEFAULT_BATCH_FRAMES = 2048;

/** No record may claim more than this (pcap caplen, pcapng block length): beyond it the file is corrupt. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** libpcap's usual maximum snapshot length (MAXIMUM_SNAPLEN). */
export const STANDARD_MAX_SNAPLEN = 262144;

/**
 * Largest captured length accepted for a classic pcap record. libpcap rejects records above
 * max(snaplen, 262144); the snaplen in a header can be anything, so cap it as well.
 */
export function maxCapturedLength(snaplen: number): number {
  return Math.min(MAX_RECORD_BYTES, Math.max(snaplen, STANDARD_MAX_SNAPLEN));
}
