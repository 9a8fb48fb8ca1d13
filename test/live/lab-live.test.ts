/**
 * Live capture on the lab's client pod (test/live/lab-live.sh: a lab of its own, the standard
 * request plan, `shadowdump -i eth0 -w` and tcpdump on the same interface at the same time):
 * the live pairs match the backends' logs, the -w file holds exactly the packets tcpdump's file
 * holds, and the counters are reported as tcpdump reports them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/captures.js';
import { runCli } from '../helpers/run-cli.js';
import type { Frame } from '../../src/core/frame.js';
import { microsApart, readCapture } from './frames.js';
import { describeAsRoot, exclusive, exitCounts } from './netns.js';
import { checkPairsAgainstTruth, readTruth, type PairRecord } from '../helpers/lab-truth.js';

describeAsRoot('live capture in the lab (shadowdump -i eth0 -w beside tcpdump)', () => {
  const out = mkdtempSync(join(tmpdir(), 'shadowdump-live-lab-'));
  const file = (name: string): string => join(out, name);
  let records: Array<{ type: string }> = [];

  beforeAll(async () => {
    const r = await exclusive(() => spawnSync('bash', [join(REPO_ROOT, 'test/live/lab-live.sh'), out, '--view', 'pairs', '--json', '--summary'], { encoding: 'utf8', timeout: 180_000 }));
    if (r.status !== 0) throw new Error(`lab-live.sh failed (${r.status ?? r.signal}): ${r.stderr.split('\n').slice(-15).join('\n')}`);
    records = readFileSync(file('shadowdump.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string });
  }, 400_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the live pairs match the backends’ logs', () => {
    const pairs = records.filter((r) => r.type === 'pair') as unknown as PairRecord[];
    expect(pairs.length).toBeGreaterThan(40);
    checkPairsAgainstTruth(readTruth(file('live.truth.ndjson')), pairs);
    const summary = records.at(-1) as { type: string; pairs: number };
    expect(summary.type).toBe('summary');
    expect(summary.pairs).toBe(pairs.length);
  });

  it('the -w file holds the packets of tcpdump’s file: same packets, lengths and (kernel) timestamps', async () => {
    const ours = await readCapture(file('shadowdump.pcap'));
    const theirs = await readCapture(file('tcpdump.pcap'));
    const stderr = `shadowdump: ${readFileSync(file('shadowdump.stderr'), 'utf8')} tcpdump: ${readFileSync(file('tcpdump.stderr'), 'utf8')}`;
    expect([ours.linkType, ours.snaplen]).toEqual([theirs.linkType, theirs.snaplen]);
    expect(ours.frames.length, stderr).toBe(theirs.frames.length);
    expect(ours.frames.length).toBeGreaterThan(250);
    // Two packet sockets may see two packets sent at the same moment from two CPUs in either
    // order, so packets are matched by their bytes, not by their position.
    const byBytes = (frames: readonly Frame[]): Map<string, Frame[]> => {
      const map = new Map<string, Frame[]>();
      for (const f of frames) {
        const key = `${f.origLen} ${f.data.toString('hex')}`;
        map.set(key, [...(map.get(key) ?? []), f]);
      }
      return map;
    };
    const mine = byBytes(ours.frames);
    const tcpdumps = byBytes(theirs.frames);
    expect([...mine.keys()].sort()).toEqual([...tcpdumps.keys()].sort());
    for (const [key, frames] of mine) {
      const other = tcpdumps.get(key) ?? [];
      expect(frames.length).toBe(other.length);
      // Each packet socket reads the clock itself: the two timestamps of a packet differ by
      // microseconds, never by the milliseconds a stamp taken in JavaScript would be late.
      frames.forEach((f, i) => expect(microsApart(f, other[i]), `timestamp of ${key.slice(0, 40)}`).toBeLessThan(1000));
    }
    const outOfPlace = ours.frames.filter((f, i) => !f.data.equals(theirs.frames[i].data)).length;
    expect(outOfPlace, 'packets in another order than tcpdump saw them').toBeLessThan(ours.frames.length / 10);
    // tcpdump reads the file as well.
    const r = spawnSync('tcpdump', ['-nn', '-r', file('shadowdump.pcap')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(theirs.frames.length);
  });

  it('reports the kernel’s counters as tcpdump does, and its own drops apart', () => {
    const stderr = readFileSync(file('shadowdump.stderr'), 'utf8');
    const ours = exitCounts(stderr);
    const theirs = exitCounts(readFileSync(file('tcpdump.stderr'), 'utf8'));
    expect(stderr).toMatch(/^shadowdump: listening on eth0, link-type EN10MB \(Ethernet\), snapshot length 262144 bytes$/m);
    expect(ours['dropped by kernel']).toBe(0);
    expect(ours['dropped by shadowdump']).toBe(0);
    expect(ours.captured).toBe(theirs.captured);
    expect(ours['received by filter']).toBe(theirs['received by filter']);
  });

  it('the live pairs are the pairs of tcpdump’s file read with -r', async () => {
    const fromFile = await runCli(['--json', '-r', file('tcpdump.pcap')]);
    const key = (p: PairRecord): string => `${p.id} ${p.verdict}`;
    const live = (records.filter((r) => r.type === 'pair') as unknown as PairRecord[]).map(key).sort();
    const read = fromFile.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => key(JSON.parse(l) as PairRecord))
      .sort();
    expect(live).toEqual(read);
  });
});
