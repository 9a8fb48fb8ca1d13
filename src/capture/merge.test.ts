import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame, FrameBatch } from '../core/frame.js';
import type { SourceWarning } from '../core/warnings.js';
import type { CaptureSource } from './source.js';
import { mergeSources } from './merge.js';
import { openCapture } from './open-capture.js';
import { collect, describeFrames } from '../../test/helpers/pcap-builder.js';

const run = promisify(execFile);
const PUBLIC = join(import.meta.dirname, '../../../shared/captures/public');
const tmp = mkdtempSync(join(tmpdir(), 'shadowdump-merge-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A source over given batches that records how far it was read and whether it was released. */
function fakeSource(name: string, batches: FrameBatch[], warnings: SourceWarning[] = []) {
  const state = { pulled: 0, finished: false, closed: false };
  const source: CaptureSource = {
    name,
    format: 'pcap',
    linkType: 1,
    snaplen: 65535,
    warnings: [],
    async *batches() {
      try {
        for (const b of batches) {
          state.pulled++;
          yield b;
        }
        source.warnings.push(...warnings);
      } finally {
        state.finished = true;
      }
    },
    close() {
      state.closed = true;
    },
  };
  return { source, state };
}

function frame(tsSec: number, tsNsec: number, tag: number, linkType = 1): Frame {
  return { tsSec, tsNsec, linkType, data: Buffer.from([tag]), origLen: 1, interfaceId: 0 };
}

async function mergedFrames(sources: CaptureSource[], batchSize?: number): Promise<{ frames: Frame[]; batches: number[] }> {
  const frames: Frame[] = [];
  const batches: number[] = [];
  for await (const b of mergeSources(sources, { batchSize }).batches()) {
    batches.push(b.length);
    frames.push(...b);
  }
  return { frames, batches };
}

describe('mergeSources', () => {
  it('orders by time, ties to the later input (as mergecap), keeping each input in its order', async () => {
    const a = fakeSource('a', [[frame(1, 0, 10), frame(2, 5, 11)], [frame(2, 5, 12), frame(4, 0, 13)]]);
    const b = fakeSource('b', [[frame(0, 999, 20), frame(2, 5, 21)], [], [frame(3, 0, 22)]]);
    const c = fakeSource('c', [[frame(2, 5, 30)]]);
    const { frames } = await mergedFrames([a.source, b.source, c.source]);
    expect(frames.map((f) => f.data[0])).toEqual([20, 10, 30, 21, 11, 12, 22, 13]);
  });

  it('matches a sort by time, later input first on ties, whatever the batch boundaries (property)', async () => {
    const input = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 })), { maxLength: 30 }), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: 1, max: 7 }), async (sources, batchSize) => {
        let tag = 0;
        const all: Array<{ f: Frame; src: number; seq: number }> = [];
        const fakes = sources.map((items, src) => {
          // Times ascend within an input; many ties across inputs.
          let sec = 0;
          const frames = items.map(([dSec, nsec]) => frame((sec += dSec), nsec * 100, tag++ & 0xff));
          frames.sort((x, y) => x.tsSec - y.tsSec || x.tsNsec - y.tsNsec);
          frames.forEach((f, seq) => all.push({ f, src, seq }));
          const batches: Frame[][] = [];
          let i = 0;
          items.forEach(([, , size]) => {
            if (i < frames.length) batches.push(frames.slice(i, (i += size)));
          });
          if (i < frames.length) batches.push(frames.slice(i));
          return fakeSource(`s${src}`, batches).source;
        });
        const expected = [...all].sort((x, y) => x.f.tsSec - y.f.tsSec || x.f.tsNsec - y.f.tsNsec || y.src - x.src || x.seq - y.seq).map((x) => x.f);
        const { frames, batches } = await mergedFrames(fakes, batchSize);
        expect(frames).toEqual(expected);
        for (const n of batches) expect(n).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('reads each input only one batch ahead (backpressure)', async () => {
    const many = (base: number): FrameBatch[] => Array.from({ length: 100 }, (_, i) => [frame(base + 2 * i, 0, i), frame(base + 2 * i + 1, 0, i)]);
    const a = fakeSource('a', many(0));
    const b = fakeSource('b', many(1));
    const iterator = mergeSources([a.source, b.source], { batchSize: 4 }).batches()[Symbol.asyncIterator]();
    await iterator.next();
    expect(a.state.pulled).toBeLessThanOrEqual(3);
    expect(b.state.pulled).toBeLessThanOrEqual(3);
    // Leaving early releases every input.
    await iterator.return?.();
    expect([a.state.finished, b.state.finished, a.state.closed, b.state.closed]).toEqual([true, true, true, true]);
  });

  it('passes batches through untouched where inputs do not overlap', async () => {
    const first: FrameBatch = [frame(1, 0, 1), frame(2, 0, 2)];
    const second: FrameBatch = [frame(10, 0, 3), frame(11, 0, 4)];
    const a = fakeSource('a', [first]);
    const b = fakeSource('b', [second]);
    const seen: FrameBatch[] = [];
    for await (const batch of mergeSources([b.source, a.source]).batches()) seen.push(batch);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(first);
    expect(seen[1]).toBe(second);
  });

  it("copies each input's warnings, naming the input", async () => {
    const a = fakeSource('one.pcap', [[frame(1, 0, 1)]], [{ code: 'truncated-file', message: 'truncated dump file; tried to read 16 header bytes, only got 1' }]);
    const b = fakeSource('two.pcap', [[frame(2, 0, 2)]]);
    const merged = mergeSources([a.source, b.source]);
    expect(merged.name).toBe('one.pcap, two.pcap');
    await collect(merged);
    expect(merged.warnings).toEqual([{ code: 'truncated-file', message: 'one.pcap: truncated dump file; tried to read 16 header bytes, only got 1' }]);
  });

  it('real captures of different link types: every frame once, in time order, keeping its link type', async () => {
    const names = ['arkime-http-500-head.pcap', 'gopacket-test_loopback.pcap', 'suricata-decode-sll2-02.pcap', 'ndpi-hls.pcapng', 'suricata-http-mime-truncated.pcap'];
    const singles = await Promise.all(names.map(async (n) => collect(await openCapture(join(PUBLIC, n)))));
    const merged = mergeSources(await Promise.all(names.map((n) => openCapture(join(PUBLIC, n)))), { batchSize: 50 });
    const { frames } = await collect(merged);
    expect(frames).toHaveLength(singles.reduce((n, s) => n + s.frames.length, 0));
    for (let i = 1; i < frames.length; i++) {
      const [p, f] = [frames[i - 1], frames[i]];
      expect(p.tsSec < f.tsSec || (p.tsSec === f.tsSec && p.tsNsec <= f.tsNsec)).toBe(true);
    }
    expect(describeFrames(frames).sort()).toEqual(singles.flatMap((s) => describeFrames(s.frames)).sort());
    expect(new Set(frames.map((f) => f.linkType))).toEqual(new Set([1, 0, 276, 101]));
    expect(merged.warnings.map((w) => w.message)).toEqual([`${join(PUBLIC, 'suricata-http-mime-truncated.pcap')}: truncated dump file; tried to read 16 header bytes, only got 1`]);
  });
});

describe('mergeSources against mergecap', async () => {
  let haveTools = true;
  try {
    await run('mergecap', ['-v']);
    await run('editcap', ['-v']);
  } catch {
    haveTools = false;
  }

  it.runIf(haveTools)('interleaved captures (Ethernet + NULL, shifted to overlap) come out in the order mergecap writes', async () => {
    const a = join(PUBLIC, 'zeek-1000-requests-one-dropped-response.pcap');
    const b = join(PUBLIC, 'gopacket-test_loopback.pcap');
    const firstA = (await collect(await openCapture(a))).frames[0];
    const firstB = (await collect(await openCapture(b))).frames[0];
    // Move b's packets into the middle of a's, to the microsecond.
    const shift = firstA.tsSec - firstB.tsSec + (firstA.tsNsec - firstB.tsNsec) / 1e9 + 0.5;
    const shifted = join(tmp, 'shifted.pcap');
    await run('editcap', ['-t', shift.toFixed(6), b, shifted]);
    const out = join(tmp, 'merged.pcapng');
    await run('mergecap', ['-F', 'pcapng', '-w', out, a, shifted]);

    const expected = await collect(await openCapture(out));
    const got = await collect(mergeSources([await openCapture(a), await openCapture(shifted)]));
    const strip = (frames: readonly Frame[]): Frame[] => frames.map((f) => ({ ...f, interfaceId: 0 }));
    expect(describeFrames(strip(got.frames))).toEqual(describeFrames(strip(expected.frames as Frame[])));
    // They really interleave.
    const kinds = got.frames.map((f) => f.linkType).join('');
    expect(kinds).toMatch(/1+0+1/);
  });
});
