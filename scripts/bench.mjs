#!/usr/bin/env node
// Benchmarks shadowdump against the tools users compare it with, in the same run, on a large
// capture made by the lab from real traffic. Prints packets per second and peak memory.
//
//   npm run bench                      # 3M-packet capture (made on first run, needs root)
//   npm run bench -- --packets 30000000
//   npm run bench -- --capture FILE    # any existing capture
//
// Peak memory is the maximum resident set size reported by GNU time for each process.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const packets = Number(option('--packets', '3000000'));
const dataDir = join(root, 'bench-data');
const capture = option('--capture', join(dataDir, `lab-${packets}.pcap`));
const cli = join(root, 'dist/cli/main.js');

function ensureCapture() {
  if (existsSync(capture)) return;
  mkdirSync(dataDir, { recursive: true });
  console.error(`making ${capture} with the capture lab (${packets} packets; needs root, takes a few minutes)`);
  execFileSync(join(root, 'scripts/lab/lab.sh'), ['big', capture, '--packets', String(packets)], { stdio: 'inherit' });
}

function countPackets(file) {
  const out = execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' });
  return Number(/Number of packets:\s*(\d+)/.exec(out)?.[1] ?? NaN);
}

/** Runs a command with stdout to /dev/null under GNU time; returns seconds and peak RSS in MB. */
function measure(label, command, commandArgs) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...commandArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const lines = result.stderr.trim().split('\n');
  const [seconds, kb] = lines[lines.length - 1].split(' ').map(Number);
  if (result.status !== 0) throw new Error(`${label} failed: ${lines.slice(-3).join(' | ')}`);
  return { label, seconds, peakMb: kb / 1024 };
}

function report(rows, total) {
  console.log(`\n${'command'.padEnd(48)} ${'seconds'.padStart(8)} ${'packets/s'.padStart(12)} ${'peak MB'.padStart(9)}`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(48)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(total / r.seconds).toLocaleString('en-US').padStart(12)} ${r.peakMb.toFixed(1).padStart(9)}`);
  }
}

function subset(file, count) {
  const out = join(dataDir, `subset-${count}.pcap`);
  if (!existsSync(out)) execFileSync('editcap', ['-r', file, out, `1-${count}`]);
  return out;
}

if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
ensureCapture();
const total = countPackets(capture);
console.log(`capture: ${capture} (${total.toLocaleString('en-US')} packets, ${(statSync(capture).size / 1e6).toFixed(0)} MB)`);

const rows = [
  measure('tcpdump -nn -r FILE', 'tcpdump', ['-nn', '-r', capture]),
  measure('shadowdump --view packets -nn -r FILE', process.execPath, [cli, '--view', 'packets', '-nn', '-r', capture]),
];
report(rows, total);

// Flat memory: the same run on a tenth of the capture should peak at about the same RSS.
const small = subset(capture, Math.floor(total / 10));
const smallRow = measure('shadowdump --view packets -nn (1/10 capture)', process.execPath, [cli, '--view', 'packets', '-nn', '-r', small]);
report([smallRow], Math.floor(total / 10));
const [tcpdumpRow, oursRow] = rows;
console.log(`\nspeed vs tcpdump: ${(tcpdumpRow.seconds / oursRow.seconds).toFixed(2)}x (target >= 1.00x)`);
console.log(`memory growth for 10x packets: ${(oursRow.peakMb / smallRow.peakMb).toFixed(2)}x (flat means about 1.0x)`);
