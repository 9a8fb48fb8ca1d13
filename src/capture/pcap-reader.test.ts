import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from './open-capture.js';
import type { PcapReaderChoice } from './open-capture.js';
import { buildPcap, chunkedStream, collect, describeFrames, pcapRecordEnds, reencodePcap } from '../../test/helpers/pcap-builder.js';

const run = promisify(execFile);
const PUBLIC = join(import.meta.dirname, '../../../shared/captures/public');
const tmp = mkdtempSync(join(tmpdir(), 'shadowdump-pcap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const READERS: PcapReaderChoice[] = ['native', 'pcap-parser'];

function tempFile(name: string, bytes: Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

async function readBytes(bytes: Buffer, pcapReader: PcapReaderChoice = 'native', sizes?: number[]) {
  return collect(await openCapture('-', { stdin: chunkedStream(bytes, sizes), pcapReader }));
}

describe('byte order', () => {
  it.each([
    ['arkime-http-500-head.pcap', 'pcap'],
    ['zeek-1000-requests-one-dropped-response.pcap', 'pcap'],
    ['zeek-get-to-ssh-server.pcap', 'pcap-nsec'],
    ['suricata-http-mime-truncated.pcap', 'pcap'], // with its cut-off end
  ])('%s re-encoded big-endian gives the same frames', async (name, format) => {
    const little = readFileSync(join(PUBLIC, name));
    const big = reencodePcap(little, false);
    expect(big.readUInt32BE(0) === 0xa1b2c3d4 || big.readUInt32BE(0) === 0xa1b23c4d).toBe(true);
    const path = tempFile(`be-${name}`, big);
    for (const pcapReader of READERS) {
      const le = await openCapture(join(PUBLIC, name), { pcapReader });
      const be = await openCapture(path, { pcapReader });
      expect([be.format, be.linkType, be.snaplen]).toEqual([format, le.linkType, le.snaplen]);
      const [a, b] = [await collect(le), await collect(be)];
      expect(describeFrames(b.frames)).toEqual(describeFrames(a.frames));
      expect(b.warnings).toEqual(a.warnings);
    }
  });

  it('the big-endian public capture re-encoded little-endian gives the same frames', async () => {
    const big = readFileSync(join(PUBLIC, 'ndpi-fuzz-2006-09-29-28586.pcap'));
    expect(big.readUInt32BE(0)).toBe(0xa1b2c3d4);
    const a = await collect(await openCapture(join(PUBLIC, 'ndpi-fuzz-2006-09-29-28586.pcap')));
    const b = await readBytes(reencodePcap(big, true));
    expect(a.frames.length).toBe(131);
    expect(describeFrames(b.frames)).toEqual(describeFrames(a.frames));
  });
});

describe('timestamps', () => {
  const data = Buffer.from('abc');
  it.each([true, false])('nanosecond pcap keeps every digit (little-endian %s)', async (littleEndian) => {
    const bytes = buildPcap(
      [
        { tsSec: 1_700_000_000, tsSub: 999_999_999, data },
        { tsSec: 4_294_967_295, tsSub: 1, data, origLen: 1500 },
      ],
      { nanosecond: true, littleEndian, linkType: 276 },
    );
    const source = await openCapture('-', { stdin: chunkedStream(bytes) });
    expect(source.format).toBe('pcap-nsec');
    const { frames } = await collect(source);
    expect(frames.map((f) => [f.tsSec, f.tsNsec, f.origLen, f.linkType, f.interfaceId])).toEqual([
      [1_700_000_000, 999_999_999, 3, 276, 0],
      [4_294_967_295, 1, 1500, 276, 0],
    ]);
  });

  it.each(READERS)('a sub-second field of a second or more carries into the seconds (%s)', async (pcapReader) => {
    const bytes = buildPcap([
      { tsSec: 10, tsSub: 1_500_000, data },
      { tsSec: 10, tsSub: 999_999, data },
    ]);
    const { frames } = await readBytes(bytes, pcapReader);
    expect(frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([
      [11, 500_000_000],
      [10, 999_999_000],
    ]);
  });
});

describe('a file cut off anywhere', () => {
  const name = 'arkime-http-500-head.pcap';
  const whole = readFileSync(join(PUBLIC, name));
  const ends = pcapRecordEnds(whole);
  const starts = [24, ...ends.slice(0, -1)];

  /** What a cut at `cut` bytes must give: the whole records before it and libpcap's message. */
  function expected(cut: number): { count: number; warning: string | null } {
    const count = ends.filter((end) => end <= cut).length;
    if (cut < 24) return { count: 0, warning: `truncated dump file; tried to read 24 file header bytes, only got ${cut}` };
    const start = count === 0 ? 24 : ends[count - 1];
    const left = cut - start;
    if (left === 0) return { count, warning: null };
    if (left < 16) return { count, warning: `truncated dump file; tried to read 16 header bytes, only got ${left}` };
    const caplen = whole.readUInt32LE(start + 8);
    return { count, warning: `truncated dump file; tried to read ${caplen} captured bytes, only got ${left - 16}` };
  }

  it.each(READERS)('every cut offset from 4 to the end (%s): the whole packets before it, then the warning', async (pcapReader) => {
    const all = await readBytes(whole, pcapReader);
    expect(all.frames.length).toBe(10);
    for (let cut = 4; cut <= whole.length; cut++) {
      const got = await readBytes(whole.subarray(0, cut), pcapReader, [cut % 7 === 0 ? 1 : 64]);
      const want = expected(cut);
      expect({ cut, frames: describeFrames(got.frames) }).toEqual({ cut, frames: describeFrames(all.frames.slice(0, want.count)) });
      expect({ cut, warnings: got.warnings }).toEqual({ cut, warnings: want.warning === null ? [] : [{ code: 'truncated-file', message: want.warning }] });
    }
  });

  it('cut files on disk: in the file header, in a record header, in packet data', async () => {
    const cuts = [20, starts[3] + 5, starts[6] + 16 + 10];
    for (const cut of cuts) {
      const path = tempFile(`cut-${cut}.pcap`, whole.subarray(0, cut));
      for (const pcapReader of READERS) {
        const got = await collect(await openCapture(path, { pcapReader }));
        const want = expected(cut);
        expect(got.frames.length).toBe(want.count);
        expect(got.warnings.map((w) => w.message)).toEqual([want.warning]);
      }
    }
  });

  it('tcpdump reports the same cut-off records', async () => {
    try {
      await run('tcpdump', ['--version']);
    } catch {
      return; // no tcpdump here: the expectations above still hold
    }
    for (const cut of [starts[2] + 3, starts[4] + 16 + 1, starts[8] + 16]) {
      const path = tempFile(`tcpdump-${cut}.pcap`, whole.subarray(0, cut));
      const result = await run('tcpdump', ['-nn', '-r', path]).catch((err: { stdout: string; stderr: string }) => err);
      const message = /truncated dump file; [^\n]*/.exec(result.stderr)?.[0];
      const got = await collect(await openCapture(path));
      expect(got.warnings.map((w) => w.message)).toEqual([message]);
      expect(got.frames.length).toBe(result.stdout.split('\n').filter((l) => l !== '').length);
    }
  });
});

describe('absurd records stop reading without a crash, a hang or a huge allocation', () => {
  const data = Buffer.alloc(60, 1);
  const good = [
    { tsSec: 1, tsSub: 0, data },
    { tsSec: 2, tsSub: 0, data },
  ];

  it.each(READERS)('captured length 0xffffffff after two good packets (%s)', async (pcapReader) => {
    const bytes = Buffer.concat([buildPcap(good, { snaplen: 65535 }), buildPcap([{ tsSec: 3, tsSub: 0, data, caplenField: 0xffffffff }]).subarray(24), Buffer.alloc(1000)]);
    const got = await collect(await openCapture(tempFile(`absurd-${pcapReader}.pcap`, bytes), { pcapReader }));
    expect(got.frames.length).toBe(2);
    expect(got.warnings).toHaveLength(1);
    expect(got.warnings[0].code).toBe('bad-block');
    expect(got.warnings[0].message).toContain('invalid packet capture length 4294967295, bigger than maximum of 262144');
  });

  it.each(READERS)('captured length beyond max(snaplen, 262144) (%s)', async (pcapReader) => {
    const big = Buffer.alloc(300_000, 2);
    const bytes = buildPcap([...good, { tsSec: 3, tsSub: 0, data: big }, { tsSec: 4, tsSub: 0, data }], { snaplen: 1500 });
    const got = await readBytes(bytes, pcapReader);
    expect(got.frames.map((f) => f.tsSec)).toEqual([1, 2]);
    expect(got.warnings.map((w) => w.code)).toEqual(['bad-block']);
  });

  it.each(READERS)('a large record allowed by the snaplen arrives across many small chunks (%s)', async (pcapReader) => {
    const big = Buffer.alloc(3_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const bytes = buildPcap([...good, { tsSec: 3, tsSub: 0, data: big }, { tsSec: 4, tsSub: 0, data }], { snaplen: 0x7fffffff });
    const got = await readBytes(bytes, pcapReader, [4096]);
    expect(got.frames.map((f) => f.data.length)).toEqual([60, 60, 3_000_000, 60]);
    expect(got.frames[2].data.equals(big)).toBe(true);
    expect(got.warnings).toEqual([]);
  });
});
