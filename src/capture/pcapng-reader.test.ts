import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from './open-capture.js';
import { chunkedStream, collect, describeFrames, epb, idb, packetBlock, pcapngBlock, pcapngBlocks, shb, spb } from '../../test/helpers/pcap-builder.js';

const run = promisify(execFile);
const PUBLIC = join(import.meta.dirname, '../../../shared/captures/public');
const tmp = mkdtempSync(join(tmpdir(), 'shadowdump-pcapng-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function hasTool(tool: string, flag = '-v'): Promise<boolean> {
  try {
    await run(tool, [flag]);
    return true;
  } catch {
    return false;
  }
}
const haveWireshark = (await hasTool('mergecap')) && (await hasTool('tshark'));

async function readBytes(bytes: Buffer, sizes?: number[]) {
  const source = await openCapture('-', { stdin: chunkedStream(bytes, sizes) });
  return { source, ...(await collect(source)) };
}

const data = (n: number, fill = 0xab): Buffer => Buffer.alloc(n, fill);

describe.runIf(haveWireshark)('two interfaces with different link types and timestamp resolutions (mergecap)', () => {
  it('Ethernet with ns resolution + NULL with µs resolution, checked against tshark', async () => {
    const out = join(tmp, 'two-ifaces.pcapng');
    // zeek-get-to-ssh-server.pcap is a nanosecond pcap: mergecap keeps if_tsresol=9 for it.
    await run('mergecap', ['-F', 'pcapng', '-w', out, join(PUBLIC, 'zeek-get-to-ssh-server.pcap'), join(PUBLIC, 'gopacket-test_loopback.pcap')]);
    const source = await openCapture(out);
    expect([source.format, source.linkType]).toEqual(['pcapng', 1]);
    const { frames, warnings } = await collect(source);
    expect(warnings).toEqual([]);
    expect(source.interfaces?.map((i) => [i.linkType, i.section])).toEqual([
      [1, 0],
      [0, 0],
    ]);
    const { stdout } = await run('tshark', ['-n', '-r', out, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len', '-e', 'frame.interface_id']);
    const expected = stdout.split('\n').filter((l) => l !== '').map((l) => l.replace(/\t/g, ' '));
    expect(frames.map((f) => `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')} ${f.data.length} ${f.origLen} ${f.interfaceId}`)).toEqual(expected);
    expect(new Set(frames.map((f) => `${f.interfaceId}:${f.linkType}`))).toEqual(new Set(['0:1', '1:0']));
    // Each input's frames, byte for byte.
    const ethernet = await collect(await openCapture(join(PUBLIC, 'zeek-get-to-ssh-server.pcap')));
    const loopback = await collect(await openCapture(join(PUBLIC, 'gopacket-test_loopback.pcap')));
    expect(describeFrames(frames.filter((f) => f.interfaceId === 0))).toEqual(describeFrames(ethernet.frames));
    expect(describeFrames(frames.filter((f) => f.interfaceId === 1).map((f) => ({ ...f, interfaceId: 0 })))).toEqual(describeFrames(loopback.frames));
  });
});

describe('pcapng blocks', () => {
  it('if_tsresol (powers of 10 and of 2) and if_tsoffset, per interface, exactly', async () => {
    const resolutions = [
      { tsresol: 6, ts: 1_700_000_000_123_456n },
      { tsresol: 9, ts: 1_700_000_000_999_999_999n },
      { tsresol: 3, ts: 1_700_000_000_789n },
      { tsresol: 0, ts: 1_700_000_000n },
      { tsresol: 0x80 | 10, ts: (1_700_000_000n << 10n) | 1023n }, // 2^-10
      { tsresol: 0x80 | 30, ts: (3n << 30n) | ((1n << 30n) - 1n) }, // 2^-30: the BigInt path
      { tsresol: 12, ts: 1_700_000_123_456_789_012n }, // picoseconds: the BigInt path
      { tsresol: 6, ts: 0xffffffffffffffffn }, // the largest µs count
    ];
    const blocks = [shb(), ...resolutions.map((r) => idb({ tsresol: r.tsresol, linkType: 101 })), idb({ tsoffset: 1_000_000n })];
    resolutions.forEach((r, i) => blocks.push(epb({ interfaceId: i, ts: r.ts, data: data(10) })));
    blocks.push(epb({ interfaceId: resolutions.length, ts: 5_000_001n, data: data(10) }));
    const { frames } = await readBytes(Buffer.concat(blocks));
    const reference = (tsresol: number, ts: bigint): [number, number] => {
      const units = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
      return [Number(ts / units), Number(((ts % units) * 1_000_000_000n) / units)];
    };
    expect(frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([...resolutions.map((r) => reference(r.tsresol, r.ts)), [1_000_005, 1_000]]);
    expect(frames[1].tsNsec).toBe(999_999_999);
    expect(frames[7]).toMatchObject({ tsSec: 18446744073709, tsNsec: 551_615_000 });
  });

  it('Simple Packet Blocks use interface 0 and its snaplen; obsolete Packet Blocks are read', async () => {
    const bytes = Buffer.concat([
      shb(),
      idb({ linkType: 1, snaplen: 64, name: 'eth0' }),
      idb({ linkType: 113, snaplen: 0, name: 'any' }),
      spb(data(100), 1500), // only 64 of the 100 stored bytes count: the snaplen
      spb(data(40), 40),
      packetBlock({ interfaceId: 1, ts: 2_000_000n, data: data(30), origLen: 90 }),
    ]);
    const { source, frames, warnings } = await readBytes(bytes);
    expect(warnings).toEqual([]);
    expect(source.interfaces).toEqual([
      { linkType: 1, snaplen: 64, name: 'eth0', section: 0 },
      { linkType: 113, snaplen: 0, name: 'any', section: 0 },
    ]);
    expect(frames.map((f) => [f.data.length, f.origLen, f.interfaceId, f.linkType, f.tsSec])).toEqual([
      [64, 1500, 0, 1, 0],
      [40, 40, 0, 1, 0],
      [30, 90, 1, 113, 2],
    ]);
  });

  it('known blocks are skipped silently, unknown ones with one warning per type', async () => {
    const bytes = Buffer.concat([
      shb(),
      pcapngBlock(4, data(16, 0)), // Name Resolution, before any interface
      idb(),
      epb({ ts: 1n, data: data(5) }),
      pcapngBlock(5, data(20, 0)), // Interface Statistics
      pcapngBlock(0xbad, data(8, 0)), // Custom
      pcapngBlock(10, data(12, 0)), // Decryption Secrets
      pcapngBlock(0x1234, data(4)),
      epb({ ts: 2n, data: data(5) }),
      pcapngBlock(0x1234, data(8)),
      pcapngBlock(0x80000001, data(4)),
      epb({ ts: 3n, data: data(5) }),
    ]);
    const { frames, warnings } = await readBytes(bytes);
    expect(frames).toHaveLength(3);
    expect(warnings.map((w) => w.code)).toEqual(['unknown-block', 'unknown-block']);
    expect(warnings[0].message).toContain('0x00001234');
    expect(warnings[1].message).toContain('0x80000001');
  });

  it('unknown block types are reported up to a bound', async () => {
    const unknown = Array.from({ length: 40 }, (_, i) => pcapngBlock(0x2000 + i, data(4)));
    const { frames, warnings } = await readBytes(Buffer.concat([shb(), idb(), ...unknown, epb({ ts: 1n, data: data(5) })]));
    expect(frames).toHaveLength(1);
    expect(warnings).toHaveLength(17);
    expect(warnings[16].message).toContain('further unknown block types are skipped');
  });

  it('each section has its own byte order and interfaces', async () => {
    const bytes = Buffer.concat([
      shb(true),
      idb({ linkType: 1 }, true),
      epb({ ts: 1_000_000n, data: data(10, 1) }, true),
      shb(false),
      idb({ linkType: 276, tsresol: 9 }, false),
      idb({ linkType: 0 }, false),
      epb({ interfaceId: 1, ts: 2_000_000n, data: data(11, 2) }, false),
      epb({ interfaceId: 0, ts: 3_000_000_000n, data: data(12, 3) }, false),
      shb(true),
      idb({ linkType: 101 }, true),
      epb({ interfaceId: 0, ts: 4_000_000n, data: data(13, 4) }, true),
    ]);
    for (const sizes of [[1 << 20], [1], [5, 3]]) {
      const { source, frames, warnings } = await readBytes(bytes, sizes);
      expect(warnings).toEqual([]);
      expect(frames.map((f) => [f.tsSec, f.linkType, f.interfaceId, f.data.length, f.data[0]])).toEqual([
        [1, 1, 0, 10, 1],
        [2, 0, 1, 11, 2],
        [3, 276, 0, 12, 3],
        [4, 101, 0, 13, 4],
      ]);
      expect(source.interfaces?.map((i) => [i.linkType, i.section])).toEqual([
        [1, 0],
        [276, 1],
        [0, 1],
        [101, 2],
      ]);
    }
  });
});

describe('broken pcapng stops with a warning, keeping every packet before', () => {
  const head = [shb(), idb(), epb({ ts: 1n, data: data(20) }), epb({ ts: 2n, data: data(20) })];
  async function check(tail: Buffer, code: string, text: string): Promise<void> {
    const { frames, warnings } = await readBytes(Buffer.concat([...head, tail, epb({ ts: 3n, data: data(20) })]));
    expect(frames.map((f) => f.tsNsec)).toEqual([1000, 2000]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe(code);
    expect(warnings[0].message).toContain(text);
  }

  function rawBlock(type: number, length: number, fill = 0): Buffer {
    const b = Buffer.alloc(Math.max(12, length), fill);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(length, 4);
    return b;
  }

  it('block length not a multiple of 4', () => check(rawBlock(6, 30), 'bad-block', 'invalid length 30'));
  it('block length below 12', () => check(rawBlock(6, 8), 'bad-block', 'invalid length 8'));
  it('block length of 4 GB', () => {
    const b = rawBlock(6, 12);
    b.writeUInt32LE(0xfffffffc, 4);
    return check(b, 'bad-block', 'invalid length 4294967292');
  });
  it('trailing length differs', () => {
    const b = epb({ ts: 9n, data: data(8) });
    b.writeUInt32LE(b.length + 4, b.length - 4);
    return check(b, 'bad-block', 'ends with length');
  });
  it('captured length beyond the block', () => check(epb({ ts: 9n, data: data(8), caplenField: 1000 }), 'bad-block', 'claims 1000 captured bytes'));
  it('unknown interface', () => check(epb({ interfaceId: 7, ts: 9n, data: data(8) }), 'bad-block', 'refers to interface 7'));
  it('no byte-order magic in a later section header', () => check(rawBlock(0x0a0d0d0a, 28), 'bad-block', 'byte-order magic'));

  it('a packet before any interface', async () => {
    const { frames, warnings } = await readBytes(Buffer.concat([shb(), epb({ ts: 1n, data: data(4) }), idb()]));
    expect(frames).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['bad-block']);
  });
});

describe('a pcapng cut off anywhere', () => {
  const name = 'ndpi-hls.pcapng';
  const whole = readFileSync(join(PUBLIC, name));
  const blocks = pcapngBlocks(whole);

  function expected(cut: number): { count: number; warning: string | null } {
    const count = blocks.filter((b) => b.type === 6 && b.end <= cut).length;
    const cutBlock = blocks.find((b) => b.start < cut && cut < b.end);
    if (cutBlock === undefined) return { count, warning: null };
    const left = cut - cutBlock.start;
    if (left < 8) return { count, warning: `truncated pcapng dump file; tried to read 8 bytes, only got ${left}` };
    // A section header is read in two steps: its byte-order magic first.
    if (cutBlock.type === 0x0a0d0d0a && left < 12) return { count, warning: `truncated pcapng dump file; tried to read 4 bytes, only got ${left - 8}` };
    return { count, warning: `truncated pcapng dump file; tried to read ${cutBlock.end - cutBlock.start - 8} bytes, only got ${left - 8}` };
  }

  it('every cut offset from 4 to the end: the whole packets before it, then the warning', async () => {
    const all = await readBytes(whole);
    expect(all.frames).toHaveLength(13);
    for (let cut = 4; cut <= whole.length; cut++) {
      const got = await readBytes(whole.subarray(0, cut), [cut % 5 === 0 ? 3 : 256]);
      const want = expected(cut);
      expect({ cut, frames: describeFrames(got.frames) }).toEqual({ cut, frames: describeFrames(all.frames.slice(0, want.count)) });
      expect({ cut, warnings: got.warnings }).toEqual({ cut, warnings: want.warning === null ? [] : [{ code: 'truncated-file', message: want.warning }] });
      // Cut before the interface description: nothing says the link type.
      expect(got.source.linkType).toBe(cut >= blocks[1].end ? 101 : -1);
    }
  });

  it('cut files on disk: in the section header, in a block header, in packet data; tcpdump agrees', async () => {
    const haveTcpdump = await hasTool('tcpdump', '--version');
    const packets = blocks.filter((b) => b.type === 6);
    for (const cut of [20, packets[2].start + 5, packets[5].start + 30]) {
      const path = join(tmp, `cut-${cut}.pcapng`);
      writeFileSync(path, whole.subarray(0, cut));
      const got = await collect(await openCapture(path));
      const want = expected(cut);
      expect(got.frames).toHaveLength(want.count);
      expect(got.warnings.map((w) => w.message)).toEqual([want.warning]);
      if (haveTcpdump && cut > packets[0].start) {
        const result = await run('tcpdump', ['-nn', '-r', path]).catch((err: { stdout: string; stderr: string }) => err);
        expect(/truncated pcapng dump file; [^\n]*/.exec(result.stderr)?.[0]).toBe(want.warning);
        expect(result.stdout.split('\n').filter((l) => l !== '')).toHaveLength(want.count);
      }
    }
  });
});
