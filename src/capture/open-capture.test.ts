import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ShadowdumpError } from '../core/errors.js';
import type { ErrorCode } from '../core/errors.js';
import { openCapture } from './open-capture.js';
import type { PcapReaderChoice } from './open-capture.js';
import { buildPcap, chunkedStream, collect, describeFrames, idb, pcapHeader, shb } from '../../test/helpers/pcap-builder.js';

const PUBLIC = join(import.meta.dirname, '../../../shared/captures/public');
const tmp = mkdtempSync(join(tmpdir(), 'shadowdump-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tempFile(name: string, bytes: Buffer | string): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

async function openError(path: string, stdin?: Readable): Promise<ShadowdumpError> {
  try {
    const source = await openCapture(path, { stdin });
    source.close?.();
  } catch (err) {
    if (err instanceof ShadowdumpError) return err;
    throw err;
  }
  throw new Error(`opening ${path} did not fail`);
}

function expectError(err: ShadowdumpError, code: ErrorCode, ...parts: string[]): void {
  expect(err.code).toBe(code);
  expect(err.message).not.toMatch(/[\n\r]/);
  for (const part of parts) expect(err.message).toContain(part);
}

describe('openCapture errors', () => {
  it('missing file: file-not-found naming the file', async () => {
    const path = join(tmp, 'nope.pcap');
    expectError(await openError(path), 'file-not-found', path);
    expectError(await openError(join(tmp, 'nope-dir', 'x.pcap')), 'file-not-found');
  });

  it('empty file: file-empty naming the file and what to do', async () => {
    const path = tempFile('empty.pcap', Buffer.alloc(0));
    const err = await openError(path);
    expectError(err, 'file-empty', path, 'capture again');
  });

  it('empty standard input: file-empty naming standard input', async () => {
    expectError(await openError('-', Readable.from([])), 'file-empty', 'standard input');
  });

  it('text file: not-a-capture with the magic bytes seen and the fix', async () => {
    const path = tempFile('notes.pcap', 'HTTP/1.1 200 OK\r\n\r\nhello\n');
    expectError(await openError(path), 'not-a-capture', path, '48 54 54 50 ("HTTP")', 'expected a pcap or pcapng capture, e.g. one written by tcpdump -w');
  });

  it('binary junk: not-a-capture with hex bytes', async () => {
    const path = tempFile('junk.bin', Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x10]));
    expectError(await openError(path), 'not-a-capture', '00 01 fe ff', 'tcpdump -w');
  });

  it('gzip-compressed capture: not-a-capture telling to decompress', async () => {
    const path = tempFile('cap.pcap.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]));
    expectError(await openError(path), 'not-a-capture', 'gzip', 'gunzip');
  });

  it('fewer than 4 bytes: corrupt-capture when they start a magic number, not-a-capture otherwise', async () => {
    expectError(await openError(tempFile('short.pcap', Buffer.from([0xd4, 0xc3]))), 'corrupt-capture', 'tried to read 4 file header bytes, only got 2');
    expectError(await openError(tempFile('short.txt', 'ab')), 'not-a-capture', '61 62');
  });

  it('directory: file-unreadable', async () => {
    const dir = join(tmp, 'a-dir.pcap');
    mkdirSync(dir);
    expectError(await openError(dir), 'file-unreadable', dir, 'directory');
  });

  it('file without read permission: file-unreadable', async () => {
    const path = tempFile('secret.pcap', buildPcap([]));
    chmodSync(path, 0o000);
    // Root reads anything: act as an unprivileged user for the open (this test file runs in its own process).
    const asRoot = process.geteuid?.() === 0;
    if (asRoot) process.seteuid?.(65534);
    try {
      expectError(await openError(path), 'file-unreadable', path, 'permission denied');
    } finally {
      if (asRoot) process.seteuid?.(0);
    }
  });

  it('unknown versions and variants: unsupported-capture', async () => {
    expectError(await openError(tempFile('v3.pcap', buildPcap([], { versionMajor: 3 }))), 'unsupported-capture', 'version 3.4');
    expectError(await openError(tempFile('v2.pcapng', Buffer.concat([shb(true, { versionMajor: 2 }), idb()]))), 'unsupported-capture', 'pcapng version 2.0');
    const modified = Buffer.alloc(24);
    modified.writeUInt32LE(0xa1b2cd34);
    expectError(await openError(tempFile('kuznetsov.pcap', modified)), 'unsupported-capture', 'modified');
  });

  it('a path with a newline still gives a one-line message', async () => {
    expectError(await openError(join(tmp, 'a\nb.pcap')), 'file-not-found');
  });
});

describe('openCapture formats', () => {
  it('a file cut inside the pcap file header: no frames, unknown link type, a warning', async () => {
    const path = tempFile('cut-header.pcap', pcapHeader().subarray(0, 10));
    const source = await openCapture(path);
    expect(source.format).toBe('pcap');
    expect(source.linkType).toBe(-1);
    const got = await collect(source);
    expect(got.frames).toEqual([]);
    expect(got.warnings).toEqual([{ code: 'truncated-file', message: 'truncated dump file; tried to read 24 file header bytes, only got 10' }]);
  });

  it('a pcapng without any interface: no frames, unknown link type, no warning', async () => {
    const source = await openCapture(tempFile('no-idb.pcapng', shb()));
    expect([source.format, source.linkType]).toEqual(['pcapng', -1]);
    expect(await collect(source)).toEqual({ frames: [], warnings: [] });
  });

  it('a pcap with only a header: no frames, no warning', async () => {
    const source = await openCapture(tempFile('header-only.pcap', pcapHeader({ linkType: 276, snaplen: 1234 })));
    expect([source.linkType, source.snaplen]).toEqual([276, 1234]);
    expect(await collect(source)).toEqual({ frames: [], warnings: [] });
  });

  it('link type field: FCS bits in the upper half are not part of the link type', async () => {
    const source = await openCapture(tempFile('fcs.pcap', buildPcap([], { linkType: 0x14000001 })));
    expect(source.linkType).toBe(1);
    source.close?.();
  });

  it('batches() is iterable once', async () => {
    const source = await openCapture(join(PUBLIC, 'arkime-http-500-head.pcap'));
    await collect(source);
    expect(() => source.batches()).toThrow(/once/);
  });

  it('batch size is bounded', async () => {
    const source = await openCapture(join(PUBLIC, 'zeek-1000-requests-one-dropped-response.pcap'), { batchSize: 100 });
    let total = 0;
    for await (const batch of source.batches()) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(100);
      total += batch.length;
    }
    expect(total).toBe(4102);
  });
});

describe('standard input', () => {
  const files = ['arkime-http-500-head.pcap', 'zeek-get-to-ssh-server.pcap', 'ndpi-fuzz-2006-09-29-28586.pcap', 'zeek-cooper-grill-dvwa.pcapng', 'ndpi-webdav.pcap', 'suricata-decode-sll2-02.pcap'];
  const readers: PcapReaderChoice[] = ['native', 'pcap-parser'];
  // Odd chunk sizes put chunk boundaries inside headers, blocks and packet data.
  const chunkings = [[1], [3, 7, 1, 64], [1000, 17], [1 << 20]];

  for (const name of files) {
    for (const pcapReader of readers) {
      it(`${name} (${pcapReader}) through "-" in odd chunks equals reading the file`, async () => {
        const path = join(PUBLIC, name);
        const expected = await collect(await openCapture(path, { pcapReader }));
        const bytes = readFileSync(path);
        for (const sizes of name.includes('sll2') ? [[4096, 13], [1 << 20]] : chunkings) {
          const source = await openCapture('-', { stdin: chunkedStream(bytes, sizes), pcapReader });
          expect(source.name).toBe('-');
          const got = await collect(source);
          expect(describeFrames(got.frames)).toEqual(describeFrames(expected.frames));
          expect(got.warnings).toEqual(expected.warnings);
        }
      });
    }
  }

  it('frames own their bytes: they stay intact after the stream has moved on', async () => {
    const bytes = readFileSync(join(PUBLIC, 'arkime-http-500-head.pcap'));
    const source = await openCapture('-', { stdin: chunkedStream(bytes, [5, 50, 500]) });
    const got = await collect(source);
    // Every frame is found at its place in the original file.
    let off = 24;
    for (const f of got.frames) {
      expect(f.data.equals(bytes.subarray(off + 16, off + 16 + f.data.length))).toBe(true);
      off += 16 + f.data.length;
    }
    expect(off).toBe(bytes.length);
  });
});

describe('backpressure and release', () => {
  /** 40k frames of 500 bytes (20 MB) in a stream that counts what was pulled from it. */
  function countingStream(): { stream: Readable; pulled: () => number } {
    const records = Array.from({ length: 40_000 }, (_, i) => ({ tsSec: 1_700_000_000 + i, tsSub: 0, data: Buffer.alloc(500, i & 0xff) }));
    const bytes = buildPcap(records);
    let off = 0;
    const stream = new Readable({
      highWaterMark: 65536,
      read() {
        if (off >= bytes.length) {
          this.push(null);
          return;
        }
        this.push(Buffer.from(bytes.subarray(off, off + 65536)));
        off += 65536;
      },
    });
    return { stream, pulled: () => off };
  }

  for (const pcapReader of ['native', 'pcap-parser'] as const) {
    it(`${pcapReader}: a slow consumer keeps the read-ahead bounded, and breaking out destroys the stream`, async () => {
      const { stream, pulled } = countingStream();
      const source = await openCapture('-', { stdin: stream, pcapReader, batchSize: 256 });
      let batches = 0;
      for await (const batch of source.batches()) {
        expect(batch.length).toBeGreaterThan(0);
        batches++;
        // Let the stream run ahead as far as it will.
        for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
        expect(pulled()).toBeLessThan(4 * 1024 * 1024);
        if (batches === 5) break;
      }
      expect(pulled()).toBeLessThan(4 * 1024 * 1024);
      await new Promise((resolve) => setImmediate(resolve));
      expect(stream.destroyed).toBe(true);
    });
  }

  for (const pcapReader of ['native', 'pcap-parser'] as const) {
    it(`${pcapReader}: a read error after some packets is thrown as file-unreadable, after the packets before it`, async () => {
      const bytes = readFileSync(join(PUBLIC, 'arkime-http-500-head.pcap'));
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.from(bytes.subarray(0, 500));
        throw new Error('EIO: i/o error, read');
      }
      const source = await openCapture('-', { stdin: Readable.from(failing(), { objectMode: true }), pcapReader });
      const frames: unknown[] = [];
      const err = await (async () => {
        for await (const batch of source.batches()) frames.push(...batch);
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ShadowdumpError);
      expectError(err as ShadowdumpError, 'file-unreadable', 'standard input', 'EIO');
      expect(frames.length).toBeGreaterThan(0);
    });
  }

  it('close() without reading releases the input', async () => {
    const { stream } = countingStream();
    const source = await openCapture('-', { stdin: stream });
    source.close?.();
    source.close?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(true);
  });
});
