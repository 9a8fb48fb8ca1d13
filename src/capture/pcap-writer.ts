import { closeSync, openSync, writeSync } from 'node:fs';
import { ShadowdumpError } from '../core/errors.js';
import { oneLine } from './messages.js';
import { HOST_LITTLE_ENDIAN } from './live-records.js';
import { PCAP_FILE_HEADER_BYTES } from './pcap-reader.js';

const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;

/** The 24-byte classic pcap file header, in host byte order as libpcap writes it (version 2.4, microseconds). */
export function pcapFileHeader(linkType: number, snaplen: number, littleEndian = HOST_LITTLE_ENDIAN): Buffer {
  const header = Buffer.alloc(PCAP_FILE_HEADER_BYTES);
  const view = new DataView(header.buffer, header.byteOffset, PCAP_FILE_HEADER_BYTES);
  view.setUint32(0, PCAP_MAGIC_MICROSECONDS, littleEndian);
  view.setUint16(4, 2, littleEndian);
  view.setUint16(6, 4, littleEndian);
  // thiszone and sigfigs stay 0, as in every libpcap-written file.
  view.setUint32(16, snaplen, littleEndian);
  view.setUint32(20, linkType, littleEndian);
  return header;
}

/**
 * `-w FILE` (or `-w -`, standard output): a classic microsecond pcap that tcpdump, tshark and
 * shadowdump -r read. Records arrive already in pcap form (see live-records.ts) and are
 * appended as they are, with blocking writes, as tcpdump does: this runs on the capture
 * thread, never on the analysis's.
 */
export class PcapFileWriter {
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly path: string,
  ) {}

  static open(path: string, linkType: number, snaplen: number): PcapFileWriter {
    let fd: number;
    try {
      fd = path === '-' ? 1 : openSync(path, 'w', 0o644);
    } catch (err) {
      throw writeFailed(path, err);
    }
    const writer = new PcapFileWriter(fd, path);
    writer.write(pcapFileHeader(linkType, snaplen));
    return writer;
  }

  /** Appends whole pcap records (host byte order). */
  write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      try {
        done += writeSync(this.fd, bytes, done, bytes.length - done);
      } catch (err) {
        // A pipe that standard output made non-blocking: wait a moment and go on.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
          continue;
        }
        throw writeFailed(this.path, err);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== 1) closeSync(this.fd);
  }
}

function writeFailed(path: string, err: unknown): ShadowdumpError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'EACCES' ? 'permission denied (with -Z USER the file is opened as USER, as tcpdump does)' : (e.message ?? String(err));
  return new ShadowdumpError('output-failed', `cannot write ${oneLine(path === '-' ? 'standard output' : path)}: ${oneLine(why)}`);
}
