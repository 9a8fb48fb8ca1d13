#!/usr/bin/env node
// Benchmarks shadowdump beside the tools users compare it with, in the same run, on large
// captures that the capture lab makes from real traffic. Prints rates and peak memory.
//
//   npm run bench                          # 3M-packet capture (made on first run; needs root)
//   npm run bench -- --packets 3000000 --big 30000000
//                                          # also checks memory on a 10x larger capture
//   npm run bench -- --only packets|exchanges|pairs|tui|live
//
// Peak memory is the maximum resident set size GNU time reports for each process.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, option, root } from './bench-args.mjs';

const packets = Number(option('--packets', '3000000'));
const bigPackets = option('--big', null);
const only = option('--only', null);
const dataDir = join(root, 'bench-data');

function labCapture(count) {
  const file = join(dataDir, `lab-${count}.pcap`);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  console.error(`making ${file} with the capture lab (${count} packets; needs root, takes a few minutes)`);
  execFileSync(join(root, 'scripts/lab/lab.sh'), ['big', file, '--packets', String(count)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return file;
}

function subset(file, count) {
  const out = join(dataDir, `subset-${count}.pcap`);
  if (!existsSync(out)) execFileSync('editcap', ['-F', 'pcap', '-r', file, out, `1-${count}`]);
  return out;
}

function countPackets(file) {
  const out = execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' });
  return Number(/Number of packets:\s*(\d+)/.exec(out)?.[1] ?? NaN);
}

/**
 * Runs a command under GNU time; stdout is counted (lines) and thrown away, or with `keep`
 * returned as `output` (for small outputs such as a summary); `env` adds to its environment.
 * Returns seconds, peak RSS in MB and the number of output lines.
 */
function measure(label, command, commandArgs, { keep = false, env = {} } = {}) {
  const timeFile = join(tmpdir(), `shadowdump-bench-${process.pid}.time`);
  const outFile = join(tmpdir(), `shadowdump-bench-${process.pid}.out`);
  const sink = keep ? 'tee "$1" | wc -l' : 'wc -l';
  const result = spawnSync('bash', ['-c', `/usr/bin/time -f "%e %M" -o "$0" "\${@:2}" | ${sink}`, timeFile, outFile, command, ...commandArgs], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  const timed = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
  const output = keep && existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  rmSync(timeFile, { force: true });
  rmSync(outFile, { force: true });
  const [seconds, kb] = (timed[timed.length - 1] ?? '').split(' ').map(Number);
  if (result.status !== 0 || !Number.isFinite(seconds)) throw new Error(`${label} failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { label, seconds, peakMb: kb / 1024, lines: Number(result.stdout.trim()), output };
}

function table(title, unit, rows, count) {
  console.log(`\n${title}`);
  console.log(`${'command'.padEnd(58)} ${'seconds'.padStart(8)} ${(unit + '/s').padStart(14)} ${'peak MB'.padStart(9)} ${'lines'.padStart(10)}`);
  for (const r of rows) {
    const n = typeof count === 'function' ? count(r) : count;
    console.log(`${r.label.padEnd(58)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(n / r.seconds).toLocaleString('en-US').padStart(14)} ${r.peakMb.toFixed(1).padStart(9)} ${String(r.lines).padStart(10)}`);
  }
}

if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const capture = option('--capture', null) ?? labCapture(packets);
const total = countPackets(capture);
console.log(`capture: ${capture} (${total.toLocaleString('en-US')} packets, ${(statSync(capture).size / 1e6).toFixed(0)} MB)`);
// Our runs start the binary as users do (its #! line carries the V8 flags it ships with).
const shadowdump = (label, cliArgs, how) => measure(label, cli, cliArgs, how);

if (only === null || only === 'packets') {
  // Issue target: no slower than tcpdump, flat memory.
  const tcpdump = measure('tcpdump -nn -r FILE', 'tcpdump', ['-nn', '-r', capture]);
  const ours = shadowdump('shadowdump --view packets -nn -r FILE', ['--view', 'packets', '-nn', '-r', capture]);
  const tenth = Math.floor(total / 10);
  const small = shadowdump('shadowdump --view packets -nn (first tenth)', ['--view', 'packets', '-nn', '-r', subset(capture, tenth)]);
  table('packet view', 'packets', [tcpdump, ours], total);
  table('', 'packets', [small], tenth);
  console.log(`speed vs tcpdump: ${(tcpdump.seconds / ours.seconds).toFixed(2)}x (target >= 1.00x); memory for 10x the packets: ${(ours.peakMb / small.peakMb).toFixed(2)}x`);
}

// tshark extracting the HTTP fields both views need (with the request header lines, which hold
// x-request-id): measured once, the yardstick for the exchange and the pairs views.
let tsharkRun = null;
function tshark() {
  tsharkRun ??= measure('tshark -Y http -T fields (same HTTP fields)', 'tshark', ['-n', '-r', capture, '-Y', 'http.request or http.response', '-T', 'fields',
    '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.dstport', '-e', 'http.request.method', '-e', 'http.request.uri',
    '-e', 'http.host', '-e', 'http.request.line', '-e', 'http.response.code', '-e', 'http.request_in']);
  return tsharkRun;
}

/** Our run on the capture and, with --big, on the 10x capture: speed against tshark, memory growth. */
function compare(title, unit, label, cliArgs, how) {
  const ours = shadowdump(`shadowdump ${label}`, [...cliArgs, '-r', capture], how);
  const yardstick = tshark();
  table(title, unit, [ours, yardstick], () => ours.lines);
  console.log(`${unit}: ${ours.lines.toLocaleString('en-US')} lines (tshark printed ${yardstick.lines.toLocaleString('en-US')} request and response lines)`);
  console.log(`speed vs tshark: ${(yardstick.seconds / ours.seconds).toFixed(1)}x (target >= 10x); peak ${ours.peakMb.toFixed(0)} MB (target < 256 MB)`);
  if (bigPackets !== null) {
    const big = labCapture(Number(bigPackets));
    const bigRun = shadowdump(`shadowdump ${label} (${Number(bigPackets).toLocaleString('en-US')} packets)`, [...cliArgs, '-r', big]);
    table(`${title}, 10x capture`, unit, [bigRun], () => bigRun.lines);
    console.log(`memory on the 10x capture: ${(bigRun.peakMb / ours.peakMb).toFixed(2)}x the smaller one (target <= 1.3x)`);
  }
  return ours;
}

/**
 * A fast run that loses pairs is no result: the lab's big capture is whole traffic (every packet
 * captured), so pairs cut short are a bug. On it, fails the benchmark when more than one pair in
 * 10,000 is incomplete; on a capture given with --capture, only reports.
 */
function checkCompleteness(summaryText) {
  const count = (name) => Number(new RegExp(`^\\s*${name}:?\\s+(\\d+)`, 'm').exec(summaryText)?.[1] ?? NaN);
  const pairs = count('Pairs');
  const incomplete = count('incomplete');
  const oneSided = count('shadow-missing') + count('primary-missing');
  console.log(`completeness: ${pairs.toLocaleString('en-US')} pairs, ${incomplete} incomplete, ${oneSided} with one side`);
  if (option('--capture', null) === null && !(pairs > 0 && incomplete <= pairs / 10_000)) {
    console.error('pairs were lost on whole traffic: the figures above are not valid');
    process.exitCode = 1;
  }
}

if (only === null || only === 'exchanges') {
  // Issue target: >= 10x faster than tshark, peak < 256 MB, 10x capture within 1.3x memory.
  // On this capture the view uses two threads; the same on one thread, for machines with one CPU.
  const twoThreads = compare('exchange view', 'exchanges', '--view exchanges --json', ['--view', 'exchanges', '--json']);
  const oneThread = shadowdump('shadowdump --view exchanges --json (SHADOWDUMP_THREADS=1)', ['--view', 'exchanges', '--json', '-r', capture], { env: { SHADOWDUMP_THREADS: '1' } });
  table('exchange view, one thread', 'exchanges', [oneThread], () => oneThread.lines);
  console.log(`one thread: speed vs tshark ${(tshark().seconds / oneThread.seconds).toFixed(1)}x; two threads ${(oneThread.seconds / twoThreads.seconds).toFixed(2)}x faster than one`);
}

if (only === null || only === 'pairs') {
  // Issue target: >= 10x faster than tshark, peak < 256 MB and flat as the capture grows.
  compare('pairs view (NDJSON)', 'pairs', '--view pairs --json', ['--view', 'pairs', '--json']);
  const summary = compare('summary only', 'summary lines', '--view summary', ['--view', 'summary'], { keep: true });
  checkCompleteness(summary.output);
}

if (only === 'tui') {
  // Issue target: 100,000 pairs scroll as smoothly as 10. Reducer and drawing time per key press
  // with 100,000 pairs of this capture loaded (scripts/bench-tui.mjs; add --tmux there for the
  // real binary in a terminal).
  execFileSync(process.execPath, ['--expose-gc', join(root, 'scripts/bench-tui.mjs'), '--capture', capture], { stdio: 'inherit' });
}

if (only === 'live') {
  // Issue target: no more drops than tcpdump; the highest rate without drops (scripts/bench-live.mjs
  // replays this capture with tcpreplay --topspeed onto a veth in a namespace; needs root).
  execFileSync(process.execPath, [join(root, 'scripts/bench-live.mjs'), '--capture', capture], { stdio: 'inherit' });
}
