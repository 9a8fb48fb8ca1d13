/**
 * Pairs against the lab's ground truth (the backends' own logs), through the real command line:
 * every x-request-id that reached both versions is one pair with the statuses the backends
 * logged, every request that reached only v1 is shadow-missing, and no pair is invented — on
 * the pod's eth0, the node bridge, `-i any` (with the app->sidecar loopback legs), the lossy
 * captures, and two captures merged (every packet seen twice).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_CAPTURES } from '../helpers/captures.js';
import { runCli } from '../helpers/run-cli.js';
import { V1, V2, checkPairsAgainstTruth, expectedPairs, readTruth, type PairRecord, type TruthLine } from '../helpers/lab-truth.js';

const LAB = join(LAB_CAPTURES, 'lab');

const truth = (stem: string): TruthLine[] => readTruth(join(LAB, `${stem}.truth.ndjson`));
const checkAgainstTruth = (stem: string, pairs: readonly PairRecord[]): void => checkPairsAgainstTruth(truth(stem), pairs);

async function records(args: readonly string[]): Promise<{ pairs: PairRecord[]; summary: Record<string, unknown>; code: number }> {
  const { code, stdout, stderr } = await runCli(['--json', '--summary', ...args]);
  expect(stderr).not.toMatch(/error/i);
  const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string });
  const summary = lines.at(-1) as Record<string, unknown>;
  expect(summary.type).toBe('summary');
  return { pairs: lines.slice(0, -1) as PairRecord[], summary, code };
}

describe('pairs match the backends’ logs', () => {
  const captures = ['client-eth0.pcap', 'client-eth0.pcapng', 'client-eth0-nsec.pcap', 'node-bridge.pcap', 'any.pcap', 'lossy.pcap', 'lossy-unseen.pcap'];
  for (const name of captures) {
    it(name, async () => {
      const { pairs, summary } = await records(['-r', join(LAB, name)]);
      checkAgainstTruth(name.replace(/\.(pcap|pcapng)$/, ''), pairs);
      expect(summary.pairs).toBe(pairs.length);
      expect((summary.verdicts as Record<string, number>)['shadow-missing']).toBe(pairs.filter((p) => p.verdict === 'shadow-missing').length);
    });
  }

  it('-i any: the app->sidecar loopback legs are related legs, never the primary', async () => {
    const { pairs } = await records(['-r', join(LAB, 'any.pcap')]);
    const withLoopback = pairs.filter((p) => (p.related ?? []).some((l) => l.dst === '127.0.0.1:15001'));
    // The requests that carried an id from the app (the others got theirs from the sidecar).
    expect(withLoopback.length).toBeGreaterThan(10);
    for (const p of withLoopback) expect(p.primary?.dst).toBe(V1);
  });

  it('two captures of the same traffic merged: every packet twice, still one pair per id', async () => {
    const { pairs } = await records(['-r', join(LAB, 'client-eth0.pcap'), '-r', join(LAB, 'node-bridge.pcap')]);
    checkAgainstTruth('client-eth0', pairs);
  });

  it('96-byte snaplen: the ids are cut off, so no pair is invented', async () => {
    const { pairs, summary } = await records(['-r', join(LAB, 'client-eth0-snap96.pcap')]);
    const known = expectedPairs(truth('client-eth0-snap96'));
    for (const p of pairs) expect(known.has(p.id)).toBe(true);
    expect((summary.correlation as { unkeyed: number }).unkeyed).toBeGreaterThan(0);
  });

  it('the verdicts of the bundled capture, by what the lab made v2 do', async () => {
    const { pairs } = await records(['-r', join(LAB, 'client-eth0.pcap')]);
    const paths = (verdict: string): string[] => [...new Set(pairs.filter((p) => p.verdict === verdict).flatMap((p) => p.diff.map((d) => d.path)))].sort();
    // v2 scores users one higher, reports its version, makes new uuids, and fails /status/200 once.
    expect(paths('differ')).toEqual(['$.score', '$.uuid', '$.version']);
    expect(pairs.filter((p) => p.verdict === 'shadow-error').map((p) => p.shadow?.response?.status)).toEqual([503]);
    // Different bytes, same answer: /headers echoes the Host (with the mesh's suffix), and v2
    // compresses /gzip differently; the logs show the sizes apart, the decoded answers agree.
    const logged = expectedPairs(truth('client-eth0'));
    const sizesApart = [...logged.entries()].filter(([, t]) => t.v1 !== undefined && t.v2 !== undefined && t.v1.status === t.v2.status && t.v1.body_bytes !== t.v2.body_bytes);
    expect(sizesApart.map(([, t]) => (t.v1 as unknown as { target: string }).target).sort()).toEqual(['/gzip', '/headers']);
    for (const [id] of sizesApart) expect(pairs.find((p) => p.id === id)?.verdict).toBe('match');
  });

  describe('a mesh that adds no suffix (both legs carry Host httpbin:8000)', () => {
    const capture = join(LAB, 'no-suffix.pcap');

    it('without --shadow-dst nothing says which leg is the shadow: ambiguous, with the hint, never a guess', async () => {
      const { pairs, summary } = await records(['-r', capture]);
      const expected = expectedPairs(truth('no-suffix'));
      expect(pairs.map((p) => p.id).sort()).toEqual([...expected.keys()].sort());
      for (const p of pairs) {
        const t = expected.get(p.id);
        if (t?.v2 === undefined) {
          expect(p.verdict).toBe('shadow-missing');
          continue;
        }
        expect(p.verdict).toBe('ambiguous');
        expect(p.hint).toMatch(/--shadow-dst/);
        expect(p.primary).toBeNull();
        expect(p.shadow).toBeNull();
        expect((p.candidates ?? []).map((c) => c.dst).sort()).toEqual([V1, V2]);
      }
      // Ambiguous pairs were mirrored all the same.
      expect(summary.mirrorRate).toBeCloseTo(pairs.filter((p) => p.verdict === 'ambiguous').length / pairs.length, 6);
    });

    for (const dst of ['10.233.75.13', '10.233.75.13:80', '10.233.75.12/31']) {
      it(`--shadow-dst ${dst}: the pairs the backends logged`, async () => {
        const { pairs } = await records(['--shadow-dst', dst, '-r', capture]);
        checkAgainstTruth('no-suffix', pairs);
        expect(pairs.filter((p) => p.verdict === 'ambiguous')).toEqual([]);
      });
    }

    it('--shadow-dst naming the primary instead is taken at its word (v1 becomes the shadow)', async () => {
      const { pairs } = await records(['--shadow-dst', '10.233.75.11', '-r', capture]);
      const mirrored = pairs.filter((p) => p.shadow !== null);
      expect(mirrored.length).toBeGreaterThan(30);
      for (const p of mirrored) expect(p.shadow?.dst).toBe(V1);
    });
  });

  it('retries: the first attempt is paired with the one mirror, later attempts are shown as retries', async () => {
    const { pairs } = await records(['-r', join(LAB, 'retries.pcap')]);
    checkAgainstTruth('retries', pairs);
    const retried = truth('retries').filter((t) => (t.attempt_count ?? 1) > 1);
    expect(retried.length).toBeGreaterThan(2);
    for (const t of retried) {
      const p = pairs.find((q) => q.id === t.request_id);
      expect(p?.retries?.map((r) => [r.dst, r.response?.status])).toEqual([[V1, t.status]]);
    }
    const others = pairs.filter((p) => !retried.some((t) => t.request_id === p.id));
    for (const p of others) expect(p.retries).toBeUndefined();
  });
});
