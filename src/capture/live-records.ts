import { endianness } from 'node:os';
import type { Frame } from '../core/frame.js';

/**
 * The patched cap hands packets over as classic pcap records in host byte order: ts_sec,
 * ts_usec (libpcap's pcap_pkthdr), caplen, len, then caplen bytes. The same bytes go to the
 * -w file unchanged, and are cut into frames here for the analysis.
 */
export const RECORD_HEADER_BYTES = 16;
export const HOST_LITTLE_ENDIAN = endianness() === 'LE';

/** Walks the records in view[0, bytes): how many there are, and where the n-th one ends (n <= count). */
export function walkRecords(view: DataView, bytes: number, stopAfter = Infinity): { readonly count: number; readonly end: number } {
  let pos = 0;
  let count = 0;
  while (count < stopAfter && pos + RECORD_HEADER_BYTES <= bytes) {
    const next = pos + RECORD_HEADER_BYTES + view.getUint32(pos + 8, HOST_LITTLE_ENDIAN);
    if (next > bytes) break;
    pos = next;
    count++;
  }
  return { count, end: pos };
}

/**
 * Frames of the records in `chunk` from byte `pos`, at most `max` of them, appended to
 * `frames`. Frame data are views into the chunk (which the frames then own); returns the
 * position after the last record taken.
 */
export function recordsToFrames(chunk: ArrayBuffer, pos: number, linkType: number, max: number, frames: Frame[]): number {
  const view = new DataView(chunk);
  const end = chunk.byteLength;
  const le = HOST_LITTLE_ENDIAN;
  let taken = 0;
  while (taken < max && pos + RECORD_HEADER_BYTES <= end) {
    const caplen = view.getUint32(pos + 8, le);
    const dataStart = pos + RECORD_HEADER_BYTES;
    if (dataStart + caplen > end) break;
    frames.push({
      tsSec: view.getUint32(pos, le),
      tsNsec: view.getUint32(pos + 4, le) * 1000,
      linkType,
      data: Buffer.from(chunk, dataStart, caplen),
      origLen: view.getUint32(pos + 12, le),
      interfaceId: 0,
    });
    pos = dataStart + caplen;
    taken++;
  }
  return pos;
}
