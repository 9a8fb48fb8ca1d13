import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
/**
 * Builds capture bytes for tests: classic pcap in either byte order and timestamp unit, pcapng
 * blocks, and a byte-order re-encoder for real classic pcap files. Kept independent of the
 * readers in src/capture so that tests do not check the code against itself.
 */

export interface PcapRecord {
  readonly tsSec: number;
  /** Microseconds, or nanoseconds when the file is nanosecond. */
  readonly tsSub: number;
  readonly data: Buffer;
  /** Defaults to data.length. */
  readonly origLen?: number;
  /** Overrides the captured-length field (to build broken records). */
  readonly caplenField?: number;
}

export interface PcapOptions {
  readonly littleEndian?: boolean;
  readonly nanosecond?: boolean;
  readonly linkType?: number;
  readonly snaplen?: number;
  readonly versionMajor?: number;
}

function u16(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

function u32(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

export function pcapHeader(options: PcapOptions = {}): Buffer {
  const le = options.littleEndian ?? true;
  const magic = options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4;
  return Buffer.concat([
    u32(magic, le),
    u16(options.versionMajor ?? 2, le),
    u16(4, le),
    u32(0, le),
    u32(0, le),
    u32(options.snaplen ?? 262144, le),
    u32(options.linkType ?? 1, le),
  ]);
}

export function pcapRecord(record: PcapRecord, littleEndian = true): Buffer {
  const le = littleEndian;
  return Buffer.concat([
    u32(record.tsSec, le),
    u32(record.tsSub, le),
    u32(record.caplenField ?? record.data.length, le),
    u32(record.origLen ?? record.data.length, le),
    record.data,
  ]);
}

export function buildPcap(records: readonly PcapRecord[], options: PcapOptions = {}): Buffer {
  const le = options.littleEndian ?? true;
  return Buffer.concat([pcapHeader(options), ...records.map((r) => pcapRecord(r, le))]);
}

/** Offsets where each record of a classic pcap ends (the file header ends at 24). */
export function pcapRecordEnds(file: Buffer): number[] {
  const le = file.readUInt32LE(0) === 0xa1b2c3d4 || file.readUInt32LE(0) === 0xa1b23c4d;
  const ends: number[] = [];
  let off = 24;
  while (off + 16 <= file.length) {
    const caplen = le ? file.readUInt32LE(off + 8) : file.readUInt32BE(off + 8);
    if (off + 16 + caplen > file.length) break;
    off += 16 + caplen;
    ends.push(off);
  }
  return ends;
}

/**
 * Re-encodes a classic pcap (either byte order, either unit) in the given byte order: every
 * header field is swapped, packet bytes are kept. A trailing partial record is copied as is.
 */
export function reencodePcap(file: Buffer, littleEndian: boolean): Buffer {
  const srcLe = file.readUInt32LE(0) === 0xa1b2c3d4 || file.readUInt32LE(0) === 0xa1b23c4d;
  const r32 = (off: number): number => (srcLe ? file.readUInt32LE(off) : file.readUInt32BE(off));
  const r16 = (off: number): number => (srcLe ? file.readUInt16LE(off) : file.readUInt16BE(off));
  const parts: Buffer[] = [
    u32(r32(0), littleEndian),
    u16(r16(4), littleEndian),
    u16(r16(6), littleEndian),
    u32(r32(8), littleEndian),
    u32(r32(12), littleEndian),
    u32(r32(16), littleEndian),
    u32(r32(20), littleEndian),
  ];
  let off = 24;
  while (off + 16 <= file.length) {
    const caplen = r32(off + 8);
    parts.push(u32(r32(off), littleEndian), u32(r32(off + 4), littleEndian), u32(caplen, littleEndian), u32(r32(off + 12), littleEndian));
    parts.push(file.subarray(off + 16, off + 16 + caplen));
    off += 16 + caplen;
  }
  if (off < file.length) parts.push(file.subarray(off));
  return Buffer.concat(parts);
}

// ---- pcapng ----

export interface PcapngOption {
  readonly code: number;
  readonly value: Buffer;
}

function pad4(b: Buffer): Buffer {
  const padding = (4 - (b.length % 4)) % 4;
  return padding === 0 ? b : Buffer.concat([b, Buffer.alloc(padding)]);
}

export function encodeOptions(options: readonly PcapngOption[], le: boolean): Buffer {
  if (options.length === 0) return Buffer.alloc(0);
  const parts = options.flatMap((o) => [u16(o.code, le), u16(o.value.length, le), pad4(o.value)]);
  return Buffer.concat([...parts, u16(0, le), u16(0, le)]);
}

/** Any block: type, total length, body (padded to 4), total length again. */
export function pcapngBlock(type: number, body: Buffer, le = true): Buffer {
  const padded = pad4(body);
  const length = 12 + padded.length;
  return Buffer.concat([u32(type, le), u32(length, le), padded, u32(length, le)]);
}

export function shb(le = true, options: { versionMajor?: number } = {}): Buffer {
  const body = Buffer.concat([u32(0x1a2b3c4d, le), u16(options.versionMajor ?? 1, le), u16(0, le), Buffer.alloc(8, 0xff)]);
  return pcapngBlock(0x0a0d0d0a, body, le);
}

export interface IdbOptions {
  readonly linkType?: number;
  readonly snaplen?: number;
  /** Raw if_tsresol byte. */
  readonly tsresol?: number;
  /** if_tsoffset in seconds. */
  readonly tsoffset?: bigint;
  readonly name?: string;
}

export function idb(options: IdbOptions = {}, le = true): Buffer {
  const opts: PcapngOption[] = [];
  if (options.name !== undefined) opts.push({ code: 2, value: Buffer.from(options.name) });
  if (options.tsresol !== undefined) opts.push({ code: 9, value: Buffer.from([options.tsresol]) });
  if (options.tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (le) v.writeBigInt64LE(options.tsoffset);
    else v.writeBigInt64BE(options.tsoffset);
    opts.push({ code: 14, value: v });
  }
  const body = Buffer.concat([u16(options.linkType ?? 1, le), u16(0, le), u32(options.snaplen ?? 262144, le), encodeOptions(opts, le)]);
  return pcapngBlock(1, body, le);
}

export interface EpbOptions {
  readonly interfaceId?: number;
  /** Timestamp in interface units, as a 64-bit value. */
  readonly ts: bigint;
  readonly data: Buffer;
  readonly origLen?: number;
  readonly caplenField?: number;
}

function tsHalves(ts: bigint, le: boolean): Buffer {
  return Buffer.concat([u32(Number(ts >> 32n), le), u32(Number(ts & 0xffffffffn), le)]);
}

export function epb(options: EpbOptions, le = true): Buffer {
  const body = Buffer.concat([
    u32(options.interfaceId ?? 0, le),
    tsHalves(options.ts, le),
    u32(options.caplenField ?? options.data.length, le),
    u32(options.origLen ?? options.data.length, le),
    pad4(options.data),
  ]);
  return pcapngBlock(6, body, le);
}

export function spb(data: Buffer, origLen = data.length, le = true): Buffer {
  return pcapngBlock(3, Buffer.concat([u32(origLen, le), pad4(data)]), le);
}

/** The obsolete Packet Block (type 2). */
export function packetBlock(options: EpbOptions, le = true): Buffer {
  const body = Buffer.concat([
    u16(options.interfaceId ?? 0, le),
    u16(0, le),
    tsHalves(options.ts, le),
    u32(options.data.length, le),
    u32(options.origLen ?? options.data.length, le),
    pad4(options.data),
  ]);
  return pcapngBlock(2, body, le);
}

/** Offsets where each block of a little- or big-endian pcapng ends, with the block types. */
export function pcapngBlocks(file: Buffer): Array<{ type: number; start: number; end: number }> {
  const blocks: Array<{ type: number; start: number; end: number }> = [];
  let off = 0;
  let le = true;
  while (off + 12 <= file.length) {
    const type = file.readUInt32LE(off);
    if (type === 0x0a0d0d0a) le = file.readUInt32LE(off + 8) === 0x1a2b3c4d;
    const t = le ? file.readUInt32LE(off) : file.readUInt32BE(off);
    const length = le ? file.readUInt32LE(off + 4) : file.readUInt32BE(off + 4);
    if (off + length > file.length) break;
    blocks.push({ type: t, start: off, end: off + length });
    off += length;
  }
  return blocks;
}

// ---- reading back ----

/** The parts of a frame tests compare (a plain object, so toEqual shows differences). */
export interface FrameFields {
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly linkType: number;
  readonly data: Buffer;
  readonly origLen: number;
  readonly interfaceId: number;
}

/** Reads a source to the end; returns its frames and warnings. */
export async function collect(source: {
  batches(): AsyncIterable<readonly FrameFields[]>;
  readonly warnings: ReadonlyArray<{ code: string; message: string }>;
}): Promise<{ frames: FrameFields[]; warnings: Array<{ code: string; message: string }> }> {
  const frames: FrameFields[] = [];
  for await (const batch of source.batches()) for (const f of batch) frames.push(f);
  return { frames, warnings: [...source.warnings] };
}

/**
 * Frames as lines ("sec.nsec caplen origLen link if sha"): cheap to compare and to read in a
 * diff (a deep equal over Buffers compares byte by byte and is slow on megabytes).
 */
export function describeFrames(frames: readonly FrameFields[]): string[] {
  return frames.map(
    (f) => `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')} ${f.data.length} ${f.origLen} link=${f.linkType} if=${f.interfaceId} ${createHash('sha1').update(f.data).digest('hex').slice(0, 16)}`,
  );
}

/** A stream that delivers `bytes` in chunks of the given sizes (cycled), like a pipe would. */
export function chunkedStream(bytes: Buffer, sizes: readonly number[] = [65536]): Readable {
  function* chunks(): Generator<Buffer> {
    let off = 0;
    for (let i = 0; off < bytes.length; i++) {
      const size = Math.max(1, sizes[i % sizes.length]);
      // A copy per chunk, as a real stream gives: frames must not depend on chunk boundaries.
      yield Buffer.from(bytes.subarray(off, off + size));
      off += size;
    }
  }
  return Readable.from(chunks(), { objectMode: true });
}
