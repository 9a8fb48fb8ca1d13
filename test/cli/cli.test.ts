/**
 * The real binary (dist/cli/main.js, built by `npm test`) on real captures and on bad input:
 * exit codes, one-line errors, stdin, merging, -c, and a closed pipe.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_CAPTURES, PUBLIC_CAPTURES, REPO_ROOT } from '../helpers/captures.js';

const BIN = join(REPO_ROOT, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function shadowdump(args: readonly string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'latin1', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tcpdump(args: readonly string[]): string {
  return spawnSync('tcpdump', args, { encoding: 'latin1', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC' } }).stdout;
}

/** The error lines a run printed after tcpdump's "reading from file" notice. */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('shadowdump:'));

describe('bad input gives one line and exit code 1', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['an empty file', () => (writeFileSync(join(dir, 'empty.pcap'), ''), join(dir, 'empty.pcap')), /empty.pcap.*empty/],
    ['a text file', () => (writeFileSync(join(dir, 'notes.pcap'), 'hello world\n'), join(dir, 'notes.pcap')), /notes.pcap is not a capture file.*tcpdump -w/],
    ['a missing file', () => join(dir, 'missing.pcap'), /missing.pcap: no such file/],
    ['a directory', () => dir, /directory/],
    ['a gzip file', () => (writeFileSync(join(dir, 'c.pcap.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])), join(dir, 'c.pcap.gz')), /gzip/],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      const r = shadowdump(['-r', make()]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = errorLines(r.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
});

describe('usage mistakes exit with 2', () => {
  it.each([
    [['-r', join(PUBLIC_CAPTURES, 'zeek-wikipedia.pcap'), 'tcp', 'and', 'prot', '80'], /unexpected "prot" at word 3/],
    [['--bogus'], /unknown option --bogus/],
    [['-Q'], /unknown option -Q/],
    [['-c', 'ten', '-r', 'x'], /-c needs a positive whole number/],
    [[], /nothing to read/],
    [['-r'], /-r needs a value/],
    [['--view', 'flows'], /--view must be one of/],
  ])('%j', (args, message) => {
    const r = shadowdump(args);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(errorLines(r.stderr)[0]).toMatch(message);
  });
});

describe('reading captures', () => {
  const lab = join(LAB_CAPTURES, 'lab/client-eth0.pcap');

  it('prints what tcpdump prints, with its notice on stderr', () => {
    const r = shadowdump(['--view', 'packets', '-nn', '-r', lab, 'tcp']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-r', lab, 'tcp']));
    expect(r.stderr).toMatch(/^reading from file .*client-eth0.pcap, link-type EN10MB \(Ethernet\), snapshot length \d+\n$/);
  });

  it('reads standard input with -r -', () => {
    const r = shadowdump(['--view', 'packets', '-nn', '-tt', '-r', '-', 'tcp'], readFileSync(lab));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-tt', '-r', lab, 'tcp']));
  });

  it('stops after -c packets and applies the filter expression', () => {
    const r = shadowdump(['--view', 'packets', '-nn', '-c', '5', '-r', lab, 'tcp', 'port', '80', 'and', 'tcp[tcpflags]', '&', 'tcp-syn', '!=', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-c', '5', '-r', lab, 'tcp port 80 and tcp[tcpflags] & tcp-syn != 0']));
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(5);
  });

  it('merges several files by time, as mergecap does', () => {
    // Two legs captured at the same time on the pod and on the bridge: interleaved, with ties.
    const a = join(LAB_CAPTURES, 'lab/client-eth0.pcap');
    const b = join(LAB_CAPTURES, 'lab/node-bridge.pcap');
    const merged = join(dir, 'merged.pcap');
    spawnSync('mergecap', ['-F', 'pcap', '-w', merged, a, b]);
    const r = shadowdump(['--view', 'packets', '-nn', '-tt', '-r', a, '-r', b, 'tcp']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-tt', '-r', merged, 'tcp']));
    expect(r.stderr.match(/reading from file/g)).toHaveLength(2);
  });

  it('a file cut off mid-packet: every whole packet, then one warning, exit 0', () => {
    const file = join(PUBLIC_CAPTURES, 'suricata-http-mime-truncated.pcap');
    const r = shadowdump(['--view', 'packets', '-nn', '-tt', '-r', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-tt', '-r', file]));
    expect(errorLines(r.stderr)).toEqual([`shadowdump: warning: ${file}: truncated dump file; tried to read 16 header bytes, only got 1`]);
  });

  it('counts packets it could not fully decode, in one line on stderr', () => {
    const r = shadowdump(['--view', 'packets', '-nn', '-r', join(PUBLIC_CAPTURES, 'ndpi-fuzz-2006-09-29-28586.pcap')]);
    expect(r.code).toBe(0);
    expect(errorLines(r.stderr)).toEqual(['shadowdump: 5 packets could not be fully decoded (bad-ip-header 2, bad-tcp-header 2, truncated-tcp 1)']);
  });

  it('a reader that goes away (| head) ends the run quietly', () => {
    const r = spawnSync('sh', ['-c', `node ${BIN} --view packets -nn -r ${join(PUBLIC_CAPTURES, 'zeek-1000-requests-one-dropped-response.pcap')} | head -3`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('a reader that goes away ends a two-thread run quietly too (the second thread is stopped)', () => {
    const capture = join(PUBLIC_CAPTURES, 'zeek-1000-requests-one-dropped-response.pcap');
    const r = spawnSync('sh', ['-c', `node ${BIN} --view exchanges --json -r ${capture} | head -3`], { encoding: 'utf8', env: { ...process.env, SHADOWDUMP_THREADS: '2' }, timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['exchange', 'exchange', 'exchange']);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});

describe('--view exchanges', () => {
  const lab = join(LAB_CAPTURES, 'lab/client-eth0.pcap');
  const truthLines = readFileSync(join(LAB_CAPTURES, 'lab/client-eth0.truth.ndjson'), 'utf8').split('\n').filter(Boolean);

  it('prints one line per exchange, with the request time, endpoints, request and answer', () => {
    const r = shadowdump(['--view', 'exchanges', '-tt', '-r', lab]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(truthLines.length);
    for (const line of lines) expect(line).toMatch(/^\d+\.\d{6} \d+\.\d+\.\d+\.\d+:\d+ > \d+\.\d+\.\d+\.\d+:\d+ [A-Z]+ \S+ \/\S* -> (\d{3} .* \d+\.\d{3} ms|\(no response\)) \d+ B > \d+ B/);
  });

  it('--json gives one NDJSON exchange record per line with the fields of the contract', () => {
    const r = shadowdump(['--view', 'exchanges', '--json', '-r', lab]);
    expect(r.code).toBe(0);
    const records = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(truthLines.length);
    for (const rec of records) {
      expect(rec.type).toBe('exchange');
      expect(['primary', 'shadow', 'other']).toContain(rec.role);
      expect(rec.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(rec.src).toMatch(/^[\d.]+:\d+$/);
      expect(rec.request).toMatchObject({ method: expect.any(String), target: expect.any(String), headers: expect.any(Array), bodyBytes: expect.any(Number) });
      expect(rec.response === null || typeof (rec.response as { status: unknown }).status === 'number').toBe(true);
    }
    expect(records.filter((rec) => rec.role === 'shadow')).toHaveLength(truthLines.filter((l) => l.includes('"backend":"v2"')).length);
  });
});

describe('--flows DIR', () => {
  it('writes each direction to a file named as tcpflow names it', () => {
    const out = join(dir, 'flows');
    const r = shadowdump(['--flows', out, '-r', join(LAB_CAPTURES, 'lab/client-eth0.pcap')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const names = spawnSync('ls', [out], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(names.length).toBeGreaterThan(4);
    for (const n of names) expect(n).toMatch(/^\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{5}-\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{5}(c\d+)?$/);
  });
});
