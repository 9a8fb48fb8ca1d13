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
    const r = shadowdump(['-nn', '-r', lab, 'tcp']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-r', lab, 'tcp']));
    expect(r.stderr).toMatch(/^reading from file .*client-eth0.pcap, link-type EN10MB \(Ethernet\), snapshot length \d+\n$/);
  });

  it('reads standard input with -r -', () => {
    const r = shadowdump(['-nn', '-tt', '-r', '-', 'tcp'], readFileSync(lab));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-tt', '-r', lab, 'tcp']));
  });

  it('stops after -c packets and applies the filter expression', () => {
    const r = shadowdump(['-nn', '-c', '5', '-r', lab, 'tcp', 'port', '80', 'and', 'tcp[tcpflags]', '&', 'tcp-syn', '!=', '0']);
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
    const r = shadowdump(['-nn', '-tt', '-r', a, '-r', b, 'tcp']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-tt', '-r', merged, 'tcp']));
    expect(r.stderr.match(/reading from file/g)).toHaveLength(2);
  });

  it('a file cut off mid-packet: every whole packet, then one warning, exit 0', () => {
    const file = join(PUBLIC_CAPTURES, 'suricata-http-mime-truncated.pcap');
    const r = shadowdump(['-nn', '-tt', '-r', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(tcpdump(['-nn', '-tt', '-r', file]));
    expect(errorLines(r.stderr)).toEqual([`shadowdump: warning: ${file}: truncated dump file; tried to read 16 header bytes, only got 1`]);
  });

  it('counts packets it could not fully decode, in one line on stderr', () => {
    const r = shadowdump(['-nn', '-r', join(PUBLIC_CAPTURES, 'ndpi-fuzz-2006-09-29-28586.pcap')]);
    expect(r.code).toBe(0);
    expect(errorLines(r.stderr)).toEqual(['shadowdump: 5 packets could not be fully decoded (bad-ip-header 2, bad-tcp-header 2, truncated-tcp 1)']);
  });

  it('a reader that goes away (| head) ends the run quietly', () => {
    const r = spawnSync('sh', ['-c', `node ${BIN} -nn -r ${join(PUBLIC_CAPTURES, 'zeek-1000-requests-one-dropped-response.pcap')} | head -3`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});
