#!/usr/bin/env node
// Live capture under load (run as root): a capture is replayed with tcpreplay onto one end of a
// veth pair in a network namespace of this script's own, at a series of packet rates and then
// as fast as tcpreplay can send (--topspeed), while `shadowdump -i` (analysing, and writing -w)
// and tcpdump capture the other end. Prints, per rate, the kernel drops of both and the packets
// shadowdump's analysis had to skip, then the highest rate each sustained without drops.
//
//   npm run bench:live                          # bench-data/lab-3000000.pcap if it exists,
//                                               # else the lab capture looped to 300,000 packets
//   npm run bench:live -- --capture FILE --rates 50000,100000,200000 --seconds 5
//   npm run bench:live -- --view packets        # the view shadowdump runs (default summary;
//                                               # none: only -w, no analysis)
//   npm run bench:live -- --buffer 2048         # shadowdump's -B in KiB (2048 = tcpdump's ring)
//
// Each rate sends rate x seconds packets (at most the whole capture); --topspeed sends it all.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setInterval, clearInterval, setTimeout } from 'node:timers';
import { cli, option, root } from './bench-args.mjs';

const labFile = join(root, 'bench-data', 'lab-3000000.pcap');
const captureFile = option('--capture', existsSync(labFile) ? labFile : join(root, 'captures', 'lab', 'client-eth0.pcap'));
const loops = captureFile.endsWith('client-eth0.pcap') ? 1000 : 1;
const rates = option('--rates', '25000,50000,100000,200000,400000').split(',').map(Number);
const seconds = Number(option('--seconds', '5'));
const view = option('--view', 'summary');
const bufferKiB = option('--buffer', null);
const ns = `sdbench-${process.pid}`;

if (process.getuid?.() !== 0) {
  console.error('bench-live: needs root (network namespaces, packet capture)');
  process.exit(1);
}
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const ip = (...a) => execFileSync('ip', a, { stdio: ['ignore', 'ignore', 'inherit'] });
function cleanup() {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone
    }
  }
  spawnSync('ip', ['netns', 'delete', ns]);
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

ip('netns', 'add', ns);
ip('-n', ns, 'link', 'set', 'dev', 'lo', 'up');
ip('-n', ns, 'link', 'add', 'name', 'va', 'mtu', '65535', 'type', 'veth', 'peer', 'name', 'vb', 'mtu', '65535');
ip('-n', ns, 'link', 'set', 'dev', 'va', 'up');
ip('-n', ns, 'link', 'set', 'dev', 'vb', 'up');
spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);

/** A capture tool in the namespace; resolves its stderr once it has exited. */
function startCapture(command, commandArgs) {
  const child = spawn('ip', ['netns', 'exec', ns, command, ...commandArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.on('close', () => r(stderr)));
  const listening = new Promise((resolveListening, reject) => {
    const timer = setInterval(() => {
      if (/listening on/.test(stderr)) resolveListening(undefined);
      else if (child.exitCode !== null) reject(new Error(`${command} did not start: ${stderr}`));
      else return;
      clearInterval(timer);
    }, 20);
  });
  return { child, exited, listening };
}

const counts = (stderr) => {
  const n = (what) => Number(new RegExp(`^(\\d+) packets? ${what}`, 'm').exec(stderr)?.[1] ?? NaN);
  return { captured: n('captured'), kernel: n('dropped by kernel'), analysis: n('dropped by shadowdump') };
};

async function runAt(rate) {
  const dir = mkdtempSync(join(tmpdir(), 'shadowdump-bench-live-'));
  const sdArgs = [cli, '-i', 'vb', '-w', join(dir, 'sd.pcap'), ...(view === 'none' ? [] : ['--view', view, ...(view === 'packets' ? [] : ['--json'])])];
  if (bufferKiB !== null) sdArgs.push('-B', bufferKiB);
  const td = startCapture('tcpdump', ['-i', 'vb', '-w', join(dir, 'td.pcap')]);
  const sd = startCapture('node', sdArgs);
  await Promise.all([td.listening, sd.listening]);
  const pace = rate === 'topspeed' ? ['--topspeed'] : [`--pps=${rate}`, `--limit=${Math.round(rate * seconds)}`];
  const replay = spawnSync('ip', ['netns', 'exec', ns, 'tcpreplay', '-i', 'va', '--preload-pcap', `--loop=${loops}`, ...pace, captureFile], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (replay.status !== 0) throw new Error(`tcpreplay: ${replay.stderr}`);
  const sent = Number(/Actual: (\d+) packets/.exec(replay.stdout)?.[1]);
  const pps = Number(/Rated: .*?([\d.]+) pps/.exec(replay.stdout)?.[1]);
  // tcpdump hands over a partly filled ring block after its 1 s timeout.
  await new Promise((r) => setTimeout(r, 1500));
  td.child.kill('SIGINT');
  // shadowdump may still be analysing what it queued: give it time to finish on its own terms.
  sd.child.kill('SIGINT');
  const [tdErr, sdErr] = await Promise.all([td.exited, sd.exited]);
  rmSync(dir, { recursive: true, force: true });
  return { rate, sent, pps, shadowdump: counts(sdErr), tcpdump: counts(tdErr) };
}

console.log(`capture: ${captureFile}${loops > 1 ? ` (looped)` : ''}; shadowdump --view ${view}${bufferKiB === null ? '' : ` -B ${bufferKiB}`}, tcpdump defaults`);
console.log(`${'rate asked'.padStart(10)} ${'sent pps'.padStart(10)} ${'packets'.padStart(9)} | ${'sd kernel'.padStart(9)} ${'sd analysis'.padStart(11)} | ${'td kernel'.padStart(9)}`);
const results = [];
for (const rate of [...rates, 'topspeed']) {
  const r = await runAt(rate);
  results.push(r);
  console.log(
    `${String(rate).padStart(10)} ${Math.round(r.pps).toLocaleString('en-US').padStart(10)} ${r.sent.toLocaleString('en-US').padStart(9)} | ` +
      `${String(r.shadowdump.kernel).padStart(9)} ${String(Number.isNaN(r.shadowdump.analysis) ? '-' : r.shadowdump.analysis).padStart(11)} | ${String(r.tcpdump.kernel).padStart(9)}`,
  );
}
const best = (ok) => Math.max(0, ...results.filter(ok).map((r) => r.pps));
const fmt = (n) => `${Math.round(n).toLocaleString('en-US')} pps`;
console.log(`\nhighest rate without kernel drops: shadowdump ${fmt(best((r) => r.shadowdump.kernel === 0))}, tcpdump ${fmt(best((r) => r.tcpdump.kernel === 0))}`);
if (view !== 'none') console.log(`highest rate with every packet analysed (no drop at all): shadowdump ${fmt(best((r) => r.shadowdump.kernel === 0 && r.shadowdump.analysis === 0))}`);
console.log(`shadowdump dropped no more than tcpdump at every rate: ${results.every((r) => r.shadowdump.kernel <= r.tcpdump.kernel) ? 'yes' : 'NO'}`);
