/**
 * The pairs view through the real binary: its packet lines are tcpdump's own, the gate's exit
 * code, HAR export, and the usage errors of the pairing options.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_CAPTURES, REPO_ROOT } from '../helpers/captures.js';

const BIN = join(REPO_ROOT, 'dist/cli/main.js');
const LAB = join(LAB_CAPTURES, 'lab/client-eth0.pcap');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-pairs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: readonly string[]) {
  const r = spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const shadowdump = (args: readonly string[]) => run(process.execPath, [BIN, ...args]);
const shadowdumpLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('shadowdump:'));

describe('--view pairs (text)', () => {
  it('each leg shows the packets that carried it, exactly as tcpdump prints them', () => {
    for (const flags of [['-nn'], ['-nn', '-tt'], []]) {
      const ours = shadowdump([...flags, '-r', LAB]);
      expect(ours.code).toBe(0);
      const tcpdump = new Set(run('tcpdump', [...flags, '-r', LAB]).stdout.split('\n'));
      const packetLines = ours.stdout
        .split('\n')
        .filter((l) => /^(primary|shadow) .*Flags \[/.test(l))
        .map((l) => l.slice(l.indexOf(' ') + 1));
      // 43 mirrored pairs and 8 unmirrored: at least a request and a response packet per leg.
      expect(packetLines.length).toBeGreaterThanOrEqual(2 * (43 * 2 + 8));
      for (const line of packetLines) expect(tcpdump.has(line), line).toBe(true);
    }
  });

  it('a header line per pair with route, verdict, id and both latencies; -q leaves the payload out', () => {
    const full = shadowdump(['-nn', '-r', LAB]).stdout;
    const quiet = shadowdump(['-q', '-nn', '-r', LAB]).stdout;
    const headers = (text: string) => text.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{6} [A-Z]+ /.test(l));
    expect(headers(full)).toEqual(headers(quiet));
    expect(headers(full)).toHaveLength(51);
    expect(headers(full)).toContainEqual(
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{6} GET httpbin:8000 \/status\/\{id\} shadow-error id 00000000-0000-4000-8000-000000000010 primary 200 [\d.]+ ms shadow 503 [\d.]+ ms/),
    );
    expect(full).toContain('\tX-Request-Id: 00000000-0000-4000-8000-000000000010');
    expect(quiet).not.toContain('\tX-Request-Id:');
    expect(quiet).toContain('differs: status 200 | 503');
  });
});

describe('--fail-on', () => {
  it('exits 3 with one line per condition that holds, 0 when none does', () => {
    const failing = shadowdump(['--view', 'summary', '--fail-on', 'differ>1%,shadow-error>0', '--fail-on', 'mirror-rate<90%', '-r', LAB]);
    expect(failing.code).toBe(3);
    expect(shadowdumpLines(failing.stderr)).toEqual([
      'shadowdump: --fail-on differ>1%: 9.80% (5 of 51 pairs)',
      'shadowdump: --fail-on shadow-error>0: 1',
      'shadowdump: --fail-on mirror-rate<90%: 84.31%',
    ]);
    const passing = shadowdump(['--view', 'summary', '--fail-on', 'differ>10%,shadow-error>1,mirror-rate<80%', '-r', LAB]);
    expect(passing.code).toBe(0);
    expect(shadowdumpLines(passing.stderr)).toEqual([]);
  });
});

describe('--har FILE', () => {
  it('writes both legs of every pair, linked by the pair id', () => {
    const file = join(dir, 'pairs.har');
    const r = shadowdump(['--har', file, '--view', 'summary', '-r', LAB]);
    expect(r.code).toBe(0);
    const har = JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: Array<{ _shadowdump: { pair: string; role: string } }> } };
    const roles = new Map<string, string[]>();
    for (const e of har.log.entries) roles.set(e._shadowdump.pair, [...(roles.get(e._shadowdump.pair) ?? []), e._shadowdump.role]);
    expect(roles.size).toBe(51);
    expect([...roles.values()].filter((r) => r.join() === 'primary,shadow')).toHaveLength(43);
    expect([...roles.values()].filter((r) => r.join() === 'primary')).toHaveLength(8);
  });
});

describe('usage errors name the option and the fix (exit 2)', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--fail-on', 'differ>>1'], /--fail-on: cannot read "differ>>1"/],
    [['--fail-on', 'diff>1%'], /--fail-on: unknown "diff": use one of match, differ/],
    [['--shadow-dst', '10.0.0.300'], /--shadow-dst "10.0.0.300"/],
    [['--key', 'x request id'], /--key must be a header name/],
    [['--window', '0'], /--window needs a positive number of seconds/],
    [['--har', '-'], /--har needs a file name/],
    [['--view', 'exchanges', '--summary'], /--summary needs --view pairs or summary/],
    [['--view', 'packets', '--json'], /--json does not apply to --view packets/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), () => {
      const r = shadowdump([...args, '-r', LAB]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(shadowdumpLines(r.stderr)).toEqual([expect.stringMatching(message)]);
    });
  }
});
