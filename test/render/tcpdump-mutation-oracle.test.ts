/**
 * The packet view against the real tcpdump on damaged packets: real TCP frames cut at every
 * length and with seeded random byte changes in their IP and TCP headers, written to a capture
 * that tcpdump and shadowdump both read. Every packet tcpdump prints as TCP must be identical.
 * This is what snaplen cuts, bad NICs and hostile senders produce.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import type { Frame } from '../../src/core/frame.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { PacketPrinter } from '../../src/render/tcpdump/packet-printer.js';
import type { TcpdumpOptions } from '../../src/render/tcpdump/options.js';
import { buildPcap, type PcapRecord } from '../helpers/pcap-builder.js';
import { PUBLIC_CAPTURES } from '../helpers/captures.js';

process.env.TZ = 'UTC';

/** Ethernet captures with options, SACK, IPv6, HTTP on 80 and 8080, and big segments. */
const SOURCES = [
  'zeek-wikipedia.pcap',
  'arkime-v6-http.pcap',
  'suricata-http-protocol-nodup.pcap',
  'zeek-206_example_b.pcap',
  'suricata-tfo.pcap',
  'tcpdump-accecn_handshake.pcap',
];

/** Small deterministic PRNG (mulberry32) so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function tcpFrames(file: string, limit: number): Promise<Buffer[]> {
  const source = await openCapture(join(PUBLIC_CAPTURES, file));
  const frames: Buffer[] = [];
  for await (const batch of source.batches()) {
    for (const f of batch) {
      const type = f.data.readUInt16BE(12);
      const proto = type === 0x0800 ? f.data[23] : type === 0x86dd ? f.data[20] : -1;
      if (proto === 6 && frames.length < limit) frames.push(f.data);
    }
  }
  return frames;
}

async function mutatedRecords(): Promise<PcapRecord[]> {
  const random = prng(20261122);
  const records: PcapRecord[] = [];
  let usec = 0;
  const add = (data: Buffer, origLen: number): void => {
    usec += 1;
    records.push({ tsSec: 1700000000 + Math.floor(usec / 1e6), tsSub: usec % 1e6, data, origLen });
  };
  for (const file of SOURCES) {
    const frames = await tcpFrames(file, 40);
    for (const frame of frames.slice(0, 6)) {
      // Every cut: as a snaplen would leave it (the wire length stays).
      for (let cut = 1; cut < frame.length; cut++) add(Buffer.from(frame.subarray(0, cut)), frame.length);
    }
    for (const frame of frames) {
      for (let n = 0; n < 25; n++) {
        const copy = Buffer.from(frame);
        const changes = 1 + Math.floor(random() * 3);
        for (let c = 0; c < changes; c++) {
          // Mostly the IP and TCP headers (bytes 14..~94), where the printer makes decisions.
          const at = 14 + Math.floor(random() * Math.min(80, copy.length - 14));
          copy[at] = Math.floor(random() * 256);
        }
        add(copy, random() < 0.2 ? copy.length + Math.floor(random() * 100) : copy.length);
      }
    }
  }
  return records;
}

const VARIANTS: ReadonlyArray<readonly [string, readonly string[], TcpdumpOptions]> = [
  ['-nn -tt', ['-nn', '-tt'], { timestamps: 'epoch', payload: 'none', numericPorts: true }],
  ['-nn -tt -A', ['-nn', '-tt', '-A'], { timestamps: 'epoch', payload: 'ascii', numericPorts: true }],
];

describe('damaged packets print exactly as tcpdump prints them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shadowdump-mutation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, args, options] of VARIANTS) {
    it(name, async () => {
      const file = join(dir, 'mutated.pcap');
      const records = await mutatedRecords();
      writeFileSync(file, buildPcap(records));
      const theirs = spawnSync('tcpdump', [...args, '-r', file], { encoding: 'latin1', maxBuffer: 1 << 30, env: { ...process.env, TZ: 'UTC' } }).stdout;

      const printer = new PacketPrinter(options);
      const source = await openCapture(file);
      const mine: Array<{ frame: Frame; text: string }> = [];
      for await (const batch of source.batches()) for (const frame of batch) mine.push({ frame, text: printer.format(decodeFrame(frame)) });
      expect(mine.length).toBe(records.length);

      let cursor = 0;
      let compared = 0;
      const differing: string[] = [];
      for (let i = 0; i < mine.length; i++) {
        const nextPrefix = i + 1 < mine.length ? '\n' + mine[i + 1].text.slice(0, 18) : null;
        const end = nextPrefix === null ? theirs.length : theirs.indexOf(nextPrefix, cursor + 1) + 1;
        const theirText = theirs.slice(cursor, end > 0 ? end : theirs.length);
        cursor = end > 0 ? end : theirs.length;
        if (!/^[^\n]* IP6? [^\n]*(Flags \[|\[\|tcp\])/.test(theirText)) continue;
        compared++;
        if (theirText !== mine[i].text + '\n') differing.push(`#${i + 1} (${mine[i].frame.data.toString('hex')})\n  ours:    ${mine[i].text}\n  tcpdump: ${theirText}`);
      }
      expect(compared).toBeGreaterThan(2000);
      expect(differing.slice(0, 5).join('\n'), `${differing.length} of ${compared} TCP packets differ`).toBe('');
    });
  }
});
