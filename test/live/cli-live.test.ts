/**
 * The live command line in a namespace of the test's own (a veth pair va <-> vb; captures
 * replayed onto va with tcpreplay, shadowdump on vb): every view gives on the live capture what
 * it gives on the -w file of that capture read with -r; -c, SIGINT and SIGTERM end it cleanly;
 * -D lists what tcpdump -D lists; and the error paths, with their exact messages.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CAPTURES, REPO_ROOT } from '../helpers/captures.js';
import { readCapture } from './frames.js';
import { BIN, describeAsRoot, exitCounts, Netns } from './netns.js';

const CLIENT_ETH0 = join(LAB_CAPTURES, 'lab', 'client-eth0.pcap');

function shadowdumpOnHost(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'latin1', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeAsRoot('live capture from the command line', () => {
  let ns: Netns;
  let dir: string;
  beforeAll(() => {
    ns = Netns.create();
    dir = mkdtempSync(join(tmpdir(), 'shadowdump-live-cli-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** shadowdump on vb while the capture is replayed onto va; stopped with `signal` unless it ends by itself (-c). */
  async function live(args: readonly string[], options: { replay?: string; signal?: NodeJS.Signals | null; user?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const command = options.user === undefined ? ['node', BIN] : ['setpriv', `--reuid=${options.user}`, '--regid=nogroup', '--clear-groups', 'node', BIN];
    const sd = ns.spawn(command[0], [...command.slice(1), ...args]);
    await sd.waitFor(/listening on/);
    const replay = ns.run('tcpreplay', ['-i', 'va', '--topspeed', options.replay ?? CLIENT_ETH0]);
    expect(replay.code, replay.stderr).toBe(0);
    // Past the ring's block timeout (100 ms): the kernel has handed everything over.
    await new Promise((r) => setTimeout(r, 300));
    const code = options.signal === null ? await sd.exited : await sd.stop(options.signal ?? 'SIGINT');
    return { code, stdout: sd.stdout, stderr: sd.stderr };
  }

  const views: Array<[string, string[]]> = [
    ['pairs (text)', ['--view', 'pairs', '-nn']],
    ['pairs (NDJSON) and the summary', ['--json', '--summary']],
    ['summary', ['--view', 'summary']],
    ['exchanges', ['--view', 'exchanges', '-nn']],
    ['exchanges (NDJSON)', ['--view', 'exchanges', '--json']],
    ['packets, with payloads', ['--view', 'packets', '-nn', '-tt', '-X']],
  ];
  for (const [name, args] of views) {
    it(`${name}: the same output live as from its -w file`, async () => {
      const file = join(dir, `view-${views.findIndex(([n]) => n === name)}.pcap`);
      const run = await live([...args, '-i', 'vb', '-w', file]);
      expect(run.code).toBe(0);
      expect(exitCounts(run.stderr)).toMatchObject({ captured: 298, 'dropped by kernel': 0, 'dropped by shadowdump': 0 });
      const reread = shadowdumpOnHost([...args, '-r', file]);
      expect(reread.code).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(1000);
      // Only a live summary has the capture's counters (its text line, its record field).
      const liveOnly = (text: string): string => text.replace(/^Capture: .*\n/m, '').replace(/,"capture":\{[^}]*\}/, '');
      if (args.includes('--summary') || args.includes('summary')) expect(run.stdout).toMatch(/^Capture: 298 captured|"capture":\{"captured":298/m);
      expect(liveOnly(run.stdout)).toBe(reread.stdout);
    });
  }

  it('--flows: the same stream files live as from its -w file', async () => {
    const [liveDir, fileDir] = [join(dir, 'flows-live'), join(dir, 'flows-file')];
    const run = await live(['-i', 'vb', '-w', join(dir, 'flows.pcap'), '--flows', liveDir]);
    expect(run.code).toBe(0);
    expect(shadowdumpOnHost(['--flows', fileDir, '-r', join(dir, 'flows.pcap')]).code).toBe(0);
    const names = readdirSync(liveDir).sort();
    expect(names.length).toBeGreaterThan(10);
    expect(readdirSync(fileDir).sort()).toEqual(names);
    for (const n of names) expect(readFileSync(join(liveDir, n)).equals(readFileSync(join(fileDir, n))), n).toBe(true);
  });

  it('-c ends the capture by itself, with exactly that many packets written', async () => {
    const file = join(dir, 'count.pcap');
    const run = await live(['-i', 'vb', '-c', '25', '-w', file], { signal: null });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(exitCounts(run.stderr).captured).toBe(25);
    expect((await readCapture(file)).frames).toHaveLength(25);
  });

  it('-w - writes the capture to standard output', async () => {
    const run = await live(['-i', 'vb', '-c', '10', '-w', '-'], { signal: null });
    expect(run.code).toBe(0);
    const file = join(dir, 'stdout.pcap');
    writeFileSync(file, Buffer.from(run.stdout, 'latin1'));
    expect((await readCapture(file)).frames).toHaveLength(10);
  });

  it('-s cuts packets, -w alone prints nothing, SIGTERM ends cleanly, tcpdump reads the file', async () => {
    const file = join(dir, 'snap.pcap');
    const run = await live(['-i', 'vb', '-s', '96', '-w', file], { signal: 'SIGTERM' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/snapshot length 96 bytes/);
    const read = await readCapture(file);
    expect(read.snaplen).toBe(96);
    expect(read.frames).toHaveLength(298);
    expect(Math.max(...read.frames.map((f) => f.data.length))).toBe(96);
    expect(Math.max(...read.frames.map((f) => f.origLen))).toBeGreaterThan(96);
    const tcpdump = spawnSync('tcpdump', ['-nn', '-r', file], { encoding: 'utf8' });
    expect(tcpdump.status).toBe(0);
    expect(tcpdump.stdout.trim().split('\n')).toHaveLength(298);
  });

  it('SIGINT ends the pairs view cleanly: the summary is printed and --har is a whole file', async () => {
    const har = join(dir, 'pairs.har');
    const run = await live(['-i', 'vb', '--har', har, '--view', 'summary'], { signal: 'SIGINT' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Pairs:\s+\d+/m);
    const parsed = JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: unknown[] } };
    expect(parsed.log.entries.length).toBeGreaterThan(50);
  });

  it('a quiet link still moves packet time on: every pair comes out while the capture runs', async () => {
    const file = join(dir, 'quiet.pcap');
    const sd = ns.spawn('node', [BIN, '--json', '-i', 'vb', '-w', file]);
    await sd.waitFor(/listening on/);
    const replay = ns.run('tcpreplay', ['-i', 'va', '--topspeed', CLIENT_ETH0]);
    expect(replay.code, replay.stderr).toBe(0);
    // Nothing more is sent. The shadow-missing pairs need their 10 s window to pass, then the
    // settle, the ordering window and the capture's report interval: well under 30 s.
    const pairIds = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('{"type":"pair"')).map((l) => (JSON.parse(l) as { id: string }).id);
    const expected = 51;
    const deadline = Date.now() + 30_000;
    while (pairIds(sd.stdout).length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const whileRunning = pairIds(sd.stdout).sort();
    expect(await sd.stop('SIGINT')).toBe(0);
    expect(whileRunning.length, sd.stderr).toBe(expected);
    expect(pairIds(sd.stdout).sort(), 'nothing more at the end').toEqual(whileRunning);
    expect(pairIds(shadowdumpOnHost(['--json', '-r', file]).stdout).sort()).toEqual(whileRunning);
  });

  it('a kernel filter: only the packets it accepts', async () => {
    const file = join(dir, 'filtered.pcap');
    const run = await live(['-i', 'vb', '-w', file, 'tcp and dst port 80']);
    expect(run.code).toBe(0);
    const expected = spawnSync('tcpdump', ['-nn', '-r', CLIENT_ETH0, 'tcp and dst port 80'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.trim().split('\n');
    expect(expected.length).toBeGreaterThan(50);
    expect((await readCapture(file)).frames.length).toBe(expected.length);
  });

  it('-i any: LINUX_SLL2, as tcpdump', async () => {
    const file = join(dir, 'any.pcap');
    const run = await live(['-i', 'any', '-w', file]);
    expect(run.stderr).toMatch(/^shadowdump: listening on any, link-type LINUX_SLL2 \(Linux cooked v2\), snapshot length 262144 bytes$/m);
    expect(run.code).toBe(0);
    expect((await readCapture(file)).linkType).toBe(276);
  });

  it('-D lists what tcpdump -D lists, each with its addresses', () => {
    ns.run('ip', ['addr', 'add', '10.99.0.1/24', 'dev', 'va']);
    const ours = ns.run('node', [BIN, '-D']);
    const theirs = ns.run('tcpdump', ['-D']);
    expect(ours.code).toBe(0);
    const lines = ours.stdout.trim().split('\n');
    const expected = theirs.stdout.trim().split('\n');
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => expect(line.startsWith(expected[i]), `${line} starts with ${expected[i]}`).toBe(true));
    expect(lines.find((l) => /^\d+\.va /.test(l))).toMatch(/ 10\.99\.0\.1\/24$/);
  });

  it('-Z drops root once the device is open: the -w file is created as that user', async () => {
    const out = join(dir, 'as-nobody');
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777);
    const file = join(out, 'z.pcap');
    const run = await live(['-i', 'vb', '-Z', 'nobody', '-c', '5', '-w', file], { signal: null });
    expect(run.code).toBe(0);
    const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    expect(statSync(file).uid).toBe(nobody);
    expect((await readCapture(file)).frames).toHaveLength(5);
  });

  describe('errors, one line each', () => {
    const expectError = (r: { code: number | null; stdout: string; stderr: string }, code: number, message: string): void => {
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter((l) => l.startsWith('shadowdump: ') && !l.startsWith('shadowdump: listening'))).toEqual([message]);
      expect(r.code).toBe(code);
    };

    it('not root', () => {
      const r = ns.run('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'node', BIN, '-i', 'vb']);
      expectError(r, 1, 'shadowdump: capture on vb needs root or CAP_NET_RAW and CAP_NET_ADMIN: run with sudo (socket: Operation not permitted)');
    });

    it('a missing interface', () => {
      expectError(ns.run('node', [BIN, '-i', 'eth7']), 1, 'shadowdump: no such interface eth7: list the interfaces with shadowdump -D');
    });

    it('an interface that is down', () => {
      ns.run('ip', ['link', 'add', 'name', 'down0', 'type', 'veth', 'peer', 'name', 'down1']);
      expectError(ns.run('node', [BIN, '-i', 'down0']), 1, 'shadowdump: interface down0 is down: bring it up (ip link set down0 up) or pick another with shadowdump -D');
    });

    it('a filter libpcap rejects (a usage error)', () => {
      expectError(ns.run('node', [BIN, '-i', 'vb', 'tcp', 'port']), 2, 'shadowdump: bad filter expression: syntax error in "tcp port" (see man 7 pcap-filter)');
      expectError(ns.run('node', [BIN, '-i', 'vb', 'ether host 1']), 2, 'shadowdump: bad filter expression: illegal link layer address in "ether host 1" (see man 7 pcap-filter)');
    });

    it('-Z with an unknown user', () => {
      expectError(ns.run('node', [BIN, '-i', 'vb', '-Z', 'no-such-user-x']), 2, 'shadowdump: -Z: no such user "no-such-user-x" (give a user name from /etc/passwd, e.g. -Z nobody)');
    });

    it('-Z to a user who may not write the -w file', async () => {
      const run = await live(['-i', 'vb', '-Z', 'nobody', '-w', join(dir, 'root-only.pcap')], { signal: null });
      expect(run.stderr).toMatch(/^0 packets captured$/m);
      expectError({ ...run, stdout: '' }, 1, `shadowdump: cannot write ${join(dir, 'root-only.pcap')}: permission denied (with -Z USER the file is opened as USER, as tcpdump does)`);
    });

    it('-w without -i, -i with -r, -w - with a view', () => {
      expectError(shadowdumpOnHost(['-r', CLIENT_ETH0, '-w', join(dir, 'x.pcap'), '--view', 'pairs']), 2, 'shadowdump: -w writes a live capture (with -i IFACE); to filter a file into another use tcpdump -r IN -w OUT EXPRESSION');
      expectError(shadowdumpOnHost(['-i', 'vb', '-r', CLIENT_ETH0]), 2, 'shadowdump: -i and -r: capture live or read files, not both');
      expectError(shadowdumpOnHost(['-i', 'vb', '-w', '-', '--view', 'pairs']), 2, 'shadowdump: -w - writes the capture to standard output, so no view can go there: leave out the view options, or -w to a file');
    });

    it('the interface goes away during the capture: the counters, then the error', async () => {
      ns.run('ip', ['link', 'add', 'name', 'gone0', 'type', 'veth', 'peer', 'name', 'gone1']);
      ns.run('ip', ['link', 'set', 'dev', 'gone0', 'up']);
      ns.run('ip', ['link', 'set', 'dev', 'gone1', 'up']);
      const sd = ns.spawn('node', [BIN, '-i', 'gone0', '--view', 'summary']);
      await sd.waitFor(/listening on/);
      ns.run('ip', ['link', 'delete', 'dev', 'gone0']);
      const code = await sd.exited;
      expect(code).toBe(1);
      expect(sd.stdout).toMatch(/^Pairs:/m);
      expect(sd.stderr).toMatch(/^0 packets dropped by kernel$/m);
      expect(sd.stderr.trim().split('\n').at(-1)).toMatch(/^shadowdump: capture on gone0 stopped: .+ \(was the interface removed or taken down\?\)$/);
    });

    describe('libpcap or the addon missing', () => {
      // A copy of the install whose `cap` fails to load as it does without libpcap, or loads unpatched.
      const fake = (name: string, body: string): string => {
        const root = join(dir, name);
        mkdirSync(join(root, 'node_modules', 'cap'), { recursive: true });
        symlinkSync(join(REPO_ROOT, 'dist'), join(root, 'dist'));
        for (const pkg of readdirSync(join(REPO_ROOT, 'node_modules'))) {
          if (pkg !== 'cap' && !pkg.startsWith('.')) symlinkSync(join(REPO_ROOT, 'node_modules', pkg), join(root, 'node_modules', pkg));
        }
        writeFileSync(join(root, 'node_modules', 'cap', 'package.json'), '{"name":"cap","version":"0.2.1","main":"index.js"}');
        writeFileSync(join(root, 'node_modules', 'cap', 'index.js'), body);
        return join(root, 'dist', 'cli', 'main.js');
      };
      const run = (main: string, args: readonly string[]) => {
        const r = spawnSync(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', main, ...args], { encoding: 'utf8' });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      };

      it('libpcap missing', () => {
        const main = fake('no-libpcap', "throw new Error('libpcap.so.0.8: cannot open shared object file: No such file or directory');");
        expectError(
          run(main, ['-D']),
          1,
          'shadowdump: live capture needs libpcap and the cap addon, which did not load (libpcap.so.0.8: cannot open shared object file: No such file or directory): install libpcap (apt-get install libpcap0.8, or run scripts/install-system-deps.sh), then npm ci',
        );
      });

      it('the addon without shadowdump’s patch', () => {
        const main = fake('unpatched', 'class Cap { open() {} close() {} } Cap.deviceList = () => []; module.exports = { Cap };');
        expectError(run(main, ['-i', 'lo']), 1, "shadowdump: the cap addon lacks shadowdump's patch (kernel timestamps and drop counts): run npm ci, or node scripts/patch-cap.mjs");
      });
    });
  });
});
