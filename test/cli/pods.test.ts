/**
 * --pods: pod names in place of pod IPs in every view. The packet view's oracle is tcpdump's own
 * output with each pod IP replaced by its name.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_CAPTURES, REPO_ROOT } from '../helpers/captures.js';

const BIN = join(REPO_ROOT, 'dist/cli/main.js');
const PODS = join(LAB_CAPTURES, 'lab/pods.json');
const LAB = join(LAB_CAPTURES, 'lab/client-eth0.pcap');
const NAMES: Record<string, string> = {
  '10.233.75.12': 'sleep-7b9f8bfcd-2djx5.default',
  '10.233.75.11': 'httpbin-v1-5d7f9c6b8-x2kqp.default',
  '10.233.75.13': 'httpbin-v2-6c8d4f7b9-m7wzt.default',
};

function run(cmd: string, args: readonly string[]) {
  const r = spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const shadowdump = (args: readonly string[]) => run(process.execPath, [BIN, ...args]);

/** `IP a.b.c.d.port > e.f.g.h.port:` with the pod IPs named. */
function named(line: string): string {
  return line.replace(/^(\S+ IP )(\S+) > (\S+?):/, (_, head: string, src: string, dst: string) => {
    const swap = (endpoint: string): string => {
      const dot = endpoint.lastIndexOf('.');
      const ip = endpoint.slice(0, dot);
      return `${NAMES[ip] ?? ip}${endpoint.slice(dot)}`;
    };
    return `${head}${swap(src)} > ${swap(dst)}:`;
  });
}

describe('--pods FILE', () => {
  it('packet view: tcpdump’s lines with pod names for pod IPs', () => {
    const ours = shadowdump(['--pods', PODS, '--view', 'packets', '-nn', '-r', LAB, 'tcp']);
    expect(ours.code).toBe(0);
    const expected = run('tcpdump', ['-nn', '-r', LAB, 'tcp']).stdout.split('\n').map(named);
    expect(ours.stdout.split('\n')).toEqual(expected);
    expect(ours.stdout).toContain('IP sleep-7b9f8bfcd-2djx5.default.');
  });

  it('pairs and exchange views name the pods; the summary and the NDJSON addresses stay IPs', () => {
    const pairs = shadowdump(['--pods', PODS, '-q', '-nn', '-r', LAB]).stdout;
    expect(pairs).toMatch(/^shadow \S+ IP sleep-7b9f8bfcd-2djx5\.default\.\d+ > httpbin-v2-6c8d4f7b9-m7wzt\.default\.80: Flags/m);
    expect(pairs).not.toMatch(/10\.233\.75\.1[123]\./);
    const exchanges = shadowdump(['--pods', PODS, '--view', 'exchanges', '-r', LAB]).stdout;
    expect(exchanges).toMatch(/ sleep-7b9f8bfcd-2djx5\.default:\d+ > httpbin-v1-5d7f9c6b8-x2kqp\.default:80 GET /);
    const json = shadowdump(['--pods', PODS, '--json', '-r', LAB]).stdout;
    expect(json).toContain('"dst":"10.233.75.11:80"');
  });

  it('a pod label names the shadow of a mesh that adds no suffix', () => {
    const summary = (args: string[]) => shadowdump([...args, '--view', 'summary', '--json', '-r', join(LAB_CAPTURES, 'lab/no-suffix.pcap')]);
    const byLabel = JSON.parse(summary(['--pods', PODS, '--shadow-dst', 'version=v2']).stdout) as { verdicts: Record<string, number> };
    const byIp = JSON.parse(summary(['--shadow-dst', '10.233.75.13']).stdout) as { verdicts: Record<string, number> };
    expect(byLabel.verdicts).toEqual(byIp.verdicts);
    expect(byLabel.verdicts.ambiguous).toBe(0);
  });

  it('errors: a missing file, text that is not a pod list, a label without pods', () => {
    const missing = shadowdump(['--pods', '/nonexistent/pods.json', '-r', LAB]);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'shadowdump: --pods /nonexistent/pods.json: no such file; make it with: kubectl get pods -A -o json > /nonexistent/pods.json']);
    const notPods = shadowdump(['--pods', join(LAB_CAPTURES, 'lab/client-eth0.truth.ndjson'), '-r', LAB]);
    expect(notPods.code).toBe(1);
    expect(notPods.stderr).toMatch(/^shadowdump: \S+client-eth0.truth.ndjson: not JSON/);
    const label = shadowdump(['--shadow-dst', 'version=v2', '-r', LAB]);
    expect([label.code, label.stderr.trim()]).toEqual([2, 'shadowdump: --shadow-dst version=v2 names a pod label: give the pods with --pods FILE or --k8s']);
  });
});
