/**
 * Load: the lab capture replayed 200 times as fast as tcpreplay can send it (--topspeed, about
 * 60,000 packets and 38 MB in a fraction of a second) onto one end of a veth pair, while
 * shadowdump (analysing: the pairs summary) and tcpdump both capture the other end, each with
 * its default ring buffer. shadowdump must drop no more than tcpdump, count every packet the
 * kernel saw, and write every packet it captured. The full-size run and the highest rate
 * without drops are measured by scripts/bench-live.mjs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LAB_CAPTURES } from '../helpers/captures.js';
import { readCapture } from './frames.js';
import { BIN, describeAsRoot, exclusive, exitCounts, Netns } from './netns.js';

const LOOPS = 200;
const PACKETS_PER_LOOP = 298;

describeAsRoot('load: tcpreplay --topspeed onto a veth, shadowdump beside tcpdump', () => {
  let ns: Netns;
  let dir: string;
  beforeAll(() => {
    ns = Netns.create();
    dir = mkdtempSync(join(tmpdir(), 'shadowdump-live-load-'));
  });
  afterAll(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('drops no more than tcpdump, counts what the kernel saw, writes what it captured', () => exclusive(async () => {
    const ours = join(dir, 'shadowdump.pcap');
    const tcpdump = ns.spawn('tcpdump', ['-i', 'vb', '-w', join(dir, 'tcpdump.pcap')]);
    const shadowdump = ns.spawn('node', [BIN, '-i', 'vb', '-w', ours, '--view', 'summary', '--json']);
    await Promise.all([tcpdump.waitFor(/listening on/), shadowdump.waitFor(/listening on/)]);
    const replay = ns.run('tcpreplay', ['-i', 'va', '--topspeed', '--preload-pcap', `--loop=${LOOPS}`, join(LAB_CAPTURES, 'lab', 'client-eth0.pcap')], { timeoutMs: 60_000 });
    expect(replay.code, replay.stderr).toBe(0);
    const sent = Number(/Actual: (\d+) packets/.exec(replay.stdout)?.[1]);
    const rate = /Rated: .*?([\d.]+) pps/.exec(replay.stdout)?.[1];
    expect(sent).toBe(LOOPS * PACKETS_PER_LOOP);
    // tcpdump hands over a partly filled ring block after its 1 s timeout.
    await new Promise((r) => setTimeout(r, 1500));
    const [tcpdumpCode, shadowdumpCode] = await Promise.all([tcpdump.stop(), shadowdump.stop()]);
    expect([tcpdumpCode, shadowdumpCode]).toEqual([0, 0]);

    const theirs = exitCounts(tcpdump.stderr);
    const counts = exitCounts(shadowdump.stderr);
    process.stdout.write(
      `load: ${sent} packets at ${rate} pps; kernel drops: shadowdump ${counts['dropped by kernel']}, tcpdump ${theirs['dropped by kernel']}; ` +
        `dropped by shadowdump's analysis: ${counts['dropped by shadowdump']}\n`,
    );
    expect(counts['dropped by kernel']).toBeLessThanOrEqual(theirs['dropped by kernel']);
    expect(counts['received by filter']).toBe(sent);
    expect(counts.captured + counts['dropped by kernel']).toBe(sent);
    expect(counts['dropped by shadowdump']).toBeGreaterThanOrEqual(0);
    expect((await readCapture(ours)).frames).toHaveLength(counts.captured);
    expect(JSON.parse(shadowdump.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ type: 'summary' });
  }), 400_000);
});
