/**
 * The packet recorder with payloads kept (for the packet tab and pcap export): its dumps are
 * exactly what the packet printer prints with -A and -X for the same packets, its lines are
 * what they were without payloads, its bytes are bounded; and the pcap written from the kept
 * packets reads back in tcpdump with the same packets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import type { DecodedPacket } from '../../src/decode/types.js';
import { packetStream } from '../../src/pipeline/packets.js';
import { PacketLineRecorder, type RecordedPacket } from '../../src/render/packet-lines.js';
import { asciiDump, hexAsciiDump } from '../../src/render/tcpdump/dump.js';
import { PacketPrinter } from '../../src/render/tcpdump/packet-printer.js';
import { pcapHeader, pcapRecord } from '../../src/tui/export/pcap-file.js';
import { LAB_CAPTURES } from '../helpers/captures.js';

const LAB = join(LAB_CAPTURES, 'lab/client-eth0.pcap');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-recorder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function packets(): Promise<DecodedPacket[]> {
  const out: DecodedPacket[] = [];
  for await (const batch of packetStream(await openCapture(LAB))) out.push(...batch);
  return out;
}

const printer = (payload: 'none' | 'ascii' | 'hex-ascii') => new PacketPrinter({ timestamps: 'epoch', payload, numericPorts: true });
const everything = (r: PacketLineRecorder, all: readonly DecodedPacket[]): RecordedPacket[] => {
  const seen = new Map<string, RecordedPacket>();
  for (const p of all) {
    if (p.ip === null || p.tcp === null) continue;
    const from = { ip: p.ip.src, port: p.tcp.srcPort };
    const to = { ip: p.ip.dst, port: p.tcp.dstPort };
    for (const k of r.packetsBetween(from, to, 0, Number.MAX_SAFE_INTEGER)) seen.set(`${k.at} ${k.line}`, k);
  }
  return [...seen.values()].sort((a, b) => a.at - b.at);
};

describe('PacketLineRecorder with keepBytes', () => {
  it("line + dump is what the printer prints with -A and with -X, packet for packet", async () => {
    const all = await packets();
    const recorder = new PacketLineRecorder(printer('none'), { keepBytes: true });
    recorder.observe(all);
    const kept = everything(recorder, all);
    const withPayload = all.filter((p) => p.tcp !== null && p.tcp.payloadLength > 0);
    expect(kept).toHaveLength(withPayload.length);
    const ascii = printer('ascii');
    const hex = printer('hex-ascii');
    const expectedAscii = all.map((p) => ascii.format(p));
    const expectedHex = all.map((p) => hex.format(p));
    const payloadIndexes = all.flatMap((p, i) => (p.tcp !== null && p.tcp.payloadLength > 0 ? [i] : []));
    kept.forEach((k, n) => {
      const i = payloadIndexes[n];
      expect(k.dump).not.toBeNull();
      expect(k.line + asciiDump(k.dump as Buffer)).toBe(expectedAscii[i]);
      expect(k.line + hexAsciiDump(k.dump as Buffer)).toBe(expectedHex[i]);
    });
  });

  it('lines are the same with and without bytes kept', async () => {
    const all = await packets();
    const plain = new PacketLineRecorder(printer('none'));
    const keeping = new PacketLineRecorder(printer('none'), { keepBytes: true });
    plain.observe(all);
    keeping.observe(all);
    expect(everything(keeping, all).map((k) => k.line)).toEqual(everything(plain, all).map((k) => k.line));
    expect(everything(plain, all).every((k) => k.dump === null)).toBe(true);
  });

  it('kept bytes stay under maxBytes: the least recently active directions go first', async () => {
    const all = await packets();
    const recorder = new PacketLineRecorder(printer('none'), { keepBytes: true, maxBytes: 4096 });
    recorder.observe(all);
    const kept = everything(recorder, all);
    const bytes = kept.reduce((n, k) => n + (k.dump?.length ?? 0), 0);
    expect(bytes).toBeLessThanOrEqual(4096);
    expect(kept.length).toBeGreaterThan(0);
    expect(recorder.dropped).toBeGreaterThan(0);
  });

  it('a pcap of kept packets reads back in tcpdump as the same packets', async () => {
    const all = await packets();
    const recorder = new PacketLineRecorder(printer('none'), { keepBytes: true });
    recorder.observe(all);
    const kept = everything(recorder, all);
    const file = join(dir, 'kept.pcap');
    writeFileSync(file, Buffer.concat([pcapHeader(), ...kept.map((k) => pcapRecord(k) as Buffer)]));
    const ours = spawnSync('tcpdump', ['-nn', '-tt', '-r', file], { encoding: 'latin1' });
    expect(ours.status).toBe(0);
    const lines = ours.stdout.trim().split('\n');
    expect(lines).toHaveLength(kept.length);
    // Raw IP instead of Ethernet: the same IP/TCP line after the timestamp (sequence numbers are absolute without the handshake).
    const strip = (l: string) => l.replace(/seq \d+(:\d+)?, ack \d+/, 'seq S, ack A');
    const original = spawnSync('tcpdump', ['-nn', '-tt', '-S', '-r', LAB, 'tcp'], { encoding: 'latin1' }).stdout.trim().split('\n');
    expect(lines.map(strip)).toEqual(original.filter((l) => !/length 0$/.test(l)).map(strip));
  });
});
