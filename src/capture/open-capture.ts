import type { Readable } from 'node:stream';
import { ShadowdumpError } from '../core/errors.js';
import type { SourceWarning } from '../core/warnings.js';
import type { ChunkReader } from './chunk-reader.js';
import type { CaptureSource } from './source.js';
import { UNKNOWN_LINK_TYPE } from './source.js';
import { detectFormat } from './detect-format.js';
import { openInput } from './open-input.js';
import { PCAP_FILE_HEADER_BYTES, PcapRecordReader, parsePcapFileHeader } from './pcap-reader.js';
import { PcapParserReader } from './pcap-parser-reader.js';
import { PcapngReader } from './pcapng-reader.js';
import { readerSource } from './reader-source.js';
import { oneLine, truncatedFile } from './messages.js';
import { DEFAULT_BATCH_FRAMES } from './limits.js';

/**
 * Which parser reads classic microsecond pcap. Nanosecond pcap and pcapng always use our own
 * readers (pcap-parser knows neither).
 */
export type PcapReaderChoice = 'native' | 'pcap-parser';

export const DEFAULT_PCAP_READER: PcapReaderChoice = 'native';

export interface OpenCaptureOptions {
  /** Read this instead of process.stdin when the path is "-" (tests, embedding). */
  readonly stdin?: Readable;
  readonly pcapReader?: PcapReaderChoice;
  /** Most frames per batch. */
  readonly batchSize?: number;
}

/**
 * Opens a capture file, or standard input for "-". The format comes from the magic number,
 * never from the file name (a ".pcap" may be pcapng). Throws a ShadowdumpError with a one-line
 * message for a missing, unreadable, empty or non-capture file; a file cut off later is not
 * an error (see CaptureSource.warnings).
 */
export async function openCapture(path: string, options: OpenCaptureOptions = {}): Promise<CaptureSource> {
  const { reader, label } = await openInput(path, options.stdin);
  try {
    return await openFormat(path, label, reader, options);
  } catch (err) {
    reader.close();
    throw err;
  }
}

async function openFormat(path: string, label: string, input: ChunkReader, options: OpenCaptureOptions): Promise<CaptureSource> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_FRAMES;
  await input.fill(4);
  if (input.available === 0) {
    throw new ShadowdumpError(
      'file-empty',
      path === '-'
        ? 'standard input is empty; pipe a capture into it, e.g. tcpdump -w - | shadowdump -r -'
        : oneLine(`${label} is empty (0 bytes), so it holds no packets; capture again (e.g. tcpdump -w FILE, stopped with Ctrl-C once packets have arrived)`),
    );
  }
  const detected = detectFormat(input.buf.subarray(input.pos, input.pos + 4), label);
  const warnings: SourceWarning[] = [];

  if (detected.kind === 'pcapng') {
    const pcapng = new PcapngReader(input, label, warnings, batchSize);
    await pcapng.start();
    const info = { name: path, format: 'pcapng' as const, linkType: pcapng.linkType, snaplen: pcapng.snaplen, warnings, interfaces: pcapng.interfaces };
    return readerSource(info, pcapng);
  }

  const format = detected.nanosecond ? ('pcap-nsec' as const) : ('pcap' as const);
  if (!(await input.fill(PCAP_FILE_HEADER_BYTES))) {
    // Cut off inside the file header: no packets, and no link type to tell.
    warnings.push(truncatedFile('file header bytes', PCAP_FILE_HEADER_BYTES, input.available));
    input.close();
    return readerSource({ name: path, format, linkType: UNKNOWN_LINK_TYPE, snaplen: 0, warnings, interfaces: [] }, { next: async () => null, close: () => undefined });
  }
  const headerView = new DataView(input.buf.buffer, input.buf.byteOffset + input.pos, PCAP_FILE_HEADER_BYTES);
  const header = parsePcapFileHeader(headerView, detected.littleEndian, detected.nanosecond, label);
  const info = { name: path, format, linkType: header.linkType, snaplen: header.snaplen, warnings, interfaces: [{ linkType: header.linkType, snaplen: header.snaplen, section: 0 }] };
  if (!detected.nanosecond && (options.pcapReader ?? DEFAULT_PCAP_READER) === 'pcap-parser') {
    return readerSource(info, new PcapParserReader(input, header, label, warnings, batchSize));
  }
  input.pos += PCAP_FILE_HEADER_BYTES;
  return readerSource(info, new PcapRecordReader(input, header, warnings, batchSize));
}
