/**
 * SIGINT and SIGTERM end a run cleanly when reading files too: the views see a normal end, so
 * the summary is printed and the --har file is whole (no root needed).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PcapFileWriter } from '../../src/capture/pcap-writer.js';
import { HOST_LITTLE_ENDIAN, RECORD_HEADER_BYTES } from '../../src/capture/live-records.js';
import { LAB_CAPTURES } from '../helpers/captures.js';
import { BIN } from './netns.js';
import { readCapture } from './frames.js';

const COPIES = 600;

describe('a signal ends a file run cleanly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shadowdump-signals-'));
  const big = join(dir, 'big.pcap');
  let total = 0;
  beforeAll(async () => {
    // The lab capture 600 times over, each copy 2 s after the one before: long enough to analyse
    // that a signal arrives while the run is still reading.
    const { frames } = await readCapture(join(LAB_CAPTURES, 'lab', 'client-eth0.pcap'));
    const writer = PcapFileWriter.open(big, 1, 262144);
    for (let copy = 0; copy < COPIES; copy++) {
      const records = frames.map((f) => {
        const head = Buffer.alloc(RECORD_HEADER_BYTES);
        const view = new DataView(head.buffer, head.byteOffset, RECORD_HEADER_BYTES);
        [f.tsSec + 2 * copy, f.tsNsec / 1000, f.data.length, f.origLen].forEach((v, i) => view.setUint32(4 * i, v, HOST_LITTLE_ENDIAN));
        return Buffer.concat([head, f.data]);
      });
      writer.write(Buffer.concat(records));
    }
    writer.close();
    total = frames.length * COPIES;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: the summary of what was read, and a whole HAR file`, async () => {
      const har = join(dir, `${signal}.har`);
      const child = spawn(process.execPath, [BIN, '-r', big, '--json', '--view', 'summary', '--har', har], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      while (!stderr.includes('reading from file')) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      child.kill(signal);
      expect(await exited).toBe(0);
      const summary = JSON.parse(stdout.trim()) as { type: string; packets: number; pairs: number };
      expect(summary.type).toBe('summary');
      expect(summary.packets).toBeGreaterThan(0);
      expect(summary.packets, 'stopped before the end of the file').toBeLessThan(total);
      const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: unknown[] } }).log.entries;
      expect(entries.length).toBeGreaterThan(0);
    });
  }
});
