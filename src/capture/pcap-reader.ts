import type { Frame } from '../core/frame.js';
import { ShadowdumpError } from '../core/errors.js';
import type { SourceWarning } from '../core/warnings.js';
import type { ChunkReader } from './chunk-reader.js';
import { ChunkBatchReader } from './chunk-batch-reader.js';
import { badBlock, oneLine, truncatedFile } from './messages.js';
import { maxCapturedLength } from './limits.js';

export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

export interface PcapFileHeader {
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linkType: number;
}

/** Parses the 24-byte classic pcap file header at view[0]; the magic was already recognised. */
export function parsePcapFileHeader(view: DataView, littleEndian: boolean, nanosecond: boolean, label: string): PcapFileHeader {
  const versionMajor = view.getUint16(4, littleEndian);
  const versionMinor = view.getUint16(6, littleEndian);
  if (versionMajor !== 2) {
    throw new ShadowdumpError(
      'unsupported-capture',
      oneLine(`${label}: unsupported pcap file format version ${versionMajor}.${versionMinor} (only 2.x is known); convert it with editcap -F pcap ${label} out.pcap`),
    );
  }
  return {
    littleEndian,
    nanosecond,
    versionMajor,
    versionMinor,
    snaplen: view.getUint32(16, littleEndian),
    // The upper bits may carry FCS information (LT_FCS_LENGTH); the link type is the low 16 bits.
    linkType: view.getUint32(20, littleEndian) & 0xffff,
  };
}

/**
 * Classic pcap records, either byte order, micro- or nanosecond timestamps: one parser for all
 * four variants, parameterised by byte order and timestamp unit. Expects the input positioned
 * after the file header.
 */
export class PcapRecordReader extends ChunkBatchReader {
  private readonly littleEndian: boolean;
  /** Multiplies the sub-second field into nanoseconds. */
  private readonly nsecPerUnit: number;
  private readonly maxCaplen: number;

  constructor(
    input: ChunkReader,
    private readonly header: PcapFileHeader,
    private readonly warnings: SourceWarning[],
    batchSize: number,
  ) {
    super(input, batchSize);
    this.littleEndian = header.littleEndian;
    this.nsecPerUnit = header.nanosecond ? 1 : 1000;
    this.maxCaplen = maxCapturedLength(header.snaplen);
  }

  /** Parses whole records from the current buffer into frames, up to a batch. The per-packet hot path. */
  protected override parseInto(frames: Frame[]): void {
    const input = this.input;
    const buf = input.buf;
    const view = input.view;
    const arrayBuffer = buf.buffer;
    const base = buf.byteOffset;
    const end = buf.length;
    const le = this.littleEndian;
    const nsecPerUnit = this.nsecPerUnit;
    const linkType = this.header.linkType;
    const max = this.batchSize;
    let pos = input.pos;
    while (frames.length < max && end - pos >= PCAP_RECORD_HEADER_BYTES) {
      const caplen = view.getUint32(pos + 8, le);
      if (caplen > this.maxCaplen) {
        this.warnings.push(
          badBlock(`invalid packet capture length ${caplen}, bigger than maximum of ${this.maxCaplen} (record at offset ${input.consumedBefore + pos}); the rest of the file is skipped`),
        );
        this.done = true;
        break;
      }
      const dataStart = pos + PCAP_RECORD_HEADER_BYTES;
      const dataEnd = dataStart + caplen;
      if (dataEnd > end) break;
      let tsSec = view.getUint32(pos, le);
      let tsNsec = view.getUint32(pos + 4, le) * nsecPerUnit;
      // Writers that do not normalise leave >= 1 s in the sub-second field: carry it.
      if (tsNsec >= 1e9) {
        tsSec += Math.floor(tsNsec / 1e9);
        tsNsec %= 1e9;
      }
      frames.push({
        tsSec,
        tsNsec,
        linkType,
        // Buffer.from(arrayBuffer, ...) makes the same view as subarray(), a third faster.
        data: Buffer.from(arrayBuffer, base + dataStart, caplen),
        origLen: view.getUint32(pos + 12, le),
        interfaceId: 0,
      });
      pos = dataEnd;
    }
    input.pos = pos;
  }

  /** Waits for the rest of the record that did not fit; at the end of input, notes a cut-off record. */
  protected override async refill(): Promise<void> {
    const input = this.input;
    const have = input.available;
    const need =
      have < PCAP_RECORD_HEADER_BYTES
        ? PCAP_RECORD_HEADER_BYTES
        : PCAP_RECORD_HEADER_BYTES + input.view.getUint32(input.pos + 8, this.littleEndian);
    if (await input.fill(need)) return;
    this.done = true;
    const left = input.available;
    if (left === 0) return;
    if (left < PCAP_RECORD_HEADER_BYTES) {
      this.warnings.push(truncatedFile('header bytes', PCAP_RECORD_HEADER_BYTES, left));
    } else {
      this.warnings.push(truncatedFile('captured bytes', need - PCAP_RECORD_HEADER_BYTES, left - PCAP_RECORD_HEADER_BYTES));
    }
  }
}
