#!/usr/bin/env node
// How fast the TUI stays with 100,000 pairs loaded: the time each key press costs in the reducer
// and in drawing the frame (React + ink's layout and output, into a 120x40 in-memory terminal),
// and what loading the pairs costs. The pairs are real: read from a lab capture by the same
// pipeline and entry builder as `shadowdump --tui`.
//
//   node scripts/bench-tui.mjs [--pairs 100000] [--capture FILE] [--columns 120] [--rows 40]
//   node scripts/bench-tui.mjs --tmux [--packets 420000] [--heap 2048]
//                                          # also the real binary in tmux (needs --tui in the CLI)
//   npm run bench -- --only tui
//
// Needs `npm run build`. The default capture is the bench's 3M-packet lab capture (npm run bench
// makes it), else the bundled lab capture's pairs repeated to the count.
// As `shadowdump --tui` runs React (see src/cli/tui-view.ts), and with colours as on a terminal
// (ink tokenizes every styled line of every frame): both before React and chalk load.
process.env.NODE_ENV ??= 'production';
process.env.FORCE_COLOR ??= '1';
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { args, option, root } from './bench-args.mjs';

const dist = (path) => import(join(root, 'dist', path));
const wanted = Number(option('--pairs', '100000'));
const columns = Number(option('--columns', '120'));
const rows = Number(option('--rows', '40'));
const big = join(root, 'bench-data/lab-3000000.pcap');
const capture = option('--capture', existsSync(big) ? big : join(root, 'captures/lab/client-eth0.pcap'));

const { openCapture } = await dist('capture/open-capture.js');
const { analyzePairs } = await dist('pipeline/pairs.js');
const { PacketLineRecorder } = await dist('render/packet-lines.js');
const { PacketPrinter } = await dist('render/tcpdump/packet-printer.js');
const { TimestampFormatter } = await dist('render/tcpdump/timestamp.js');
const { pairEntry } = await dist('tui/model/pair-entry.js');
const { reduce } = await dist('tui/state/reducer.js');
const { initialState } = await dist('tui/state/state.js');
const { keypress } = await dist('tui/keys/keypress.js');
const { Frame } = await dist('tui/components/Frame.js');
const { createElement } = await import('react');
const { render } = await import('ink');

// ---- the pairs, as tui-view builds them ----
const t0 = performance.now();
const stamps = new TimestampFormatter('local-time');
const time = (at) => stamps.formatMicros(at).trimEnd();
const recorder = new PacketLineRecorder(new PacketPrinter({ timestamps: 'local-time', payload: 'none', numericPorts: true }), { keepBytes: true });
const run = analyzePairs(await openCapture(capture), { onBatch: (b) => recorder.observe(b) });
const entries = [];
for await (const batch of run.batches) {
  for (const report of batch) entries.push(pairEntry(entries.length, report, (f, t, s, e) => recorder.packetsBetween(f, t, s, e), { time }));
  if (entries.length >= wanted) break;
}
const real = entries.length;
// A small capture: its pairs again, later in time, until there are enough.
for (let i = 0; entries.length < wanted; i++) {
  const e = entries[i % real];
  const shift = Math.floor(i / real + 1) * 60_000_000;
  entries.push({ ...e, seq: entries.length, at: e.at + shift });
}
entries.length = wanted;
const readMs = performance.now() - t0;

// ---- loading them into the state, one frame's batch at a time ----
const size = { columns, rows };
let state = initialState({ size, source: capture, limits: { maxPairs: wanted, maxBytes: Infinity } });
const BATCH = 2000;
const batchTimes = [];
const l0 = performance.now();
for (let i = 0; i < entries.length; i += BATCH) {
  const b0 = performance.now();
  state = reduce(state, { kind: 'pairs', entries: entries.slice(i, i + BATCH), droppedBefore: 0 });
  batchTimes.push(performance.now() - b0);
}
const loadMs = performance.now() - l0;
globalThis.gc?.();
const heapMb = process.memoryUsage().heapUsed / 1e6;

// ---- an ink instance drawing into an in-memory terminal, as the app does ----
class Terminal extends EventEmitter {
  columns = columns;
  rows = rows;
  isTTY = false;
  bytes = 0;
  write(s) {
    this.bytes += s.length;
    return true;
  }
}
class Keys extends EventEmitter {
  isTTY = true;
  setRawMode() {}
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null;
  }
}
const terminal = new Terminal();
const frame = (s) => createElement(Frame, { state: s, version: 'bench' });
// debug: draw every frame at once (no 30 fps throttle), so each rerender is timed whole.
const ink = render(frame(state), { stdout: terminal, stdin: new Keys(), stderr: terminal, debug: true, patchConsole: false, exitOnCtrlC: false });

const samples = new Map();
function press(name, key = keypress(name)) {
  const r0 = performance.now();
  state = reduce(state, { kind: 'key', key });
  const r1 = performance.now();
  ink.rerender(frame(state));
  const r2 = performance.now();
  const list = samples.get(name) ?? [];
  list.push([r1 - r0, r2 - r1]);
  samples.set(name, list);
}

for (let i = 0; i < 3; i++) press('j'); // warm up
samples.clear();
for (let i = 0; i < 200; i++) press('j');
for (let i = 0; i < 200; i++) press('k');
for (let i = 0; i < 20; i++) press('pagedown');
for (let i = 0; i < 20; i++) press('pageup');
press('G');
press('g');
press('enter');
for (let i = 0; i < 20; i++) press('j');
press('tab');
press('x');
press('escape');
for (let i = 0; i < 5; i++) press('s'); // the whole cycle, back to time order
press('f');
press('/');
for (const c of 'verdict=differ') press(`type ${c}`, keypress(c));
press('enter');
press('G');
press('escape');
press('2');
press('1');
ink.unmount();

// ---- report ----
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
const ms = (x) => x.toFixed(2).padStart(7);
console.log(`capture: ${capture}`);
console.log(`pairs: ${wanted.toLocaleString('en-US')} (${real.toLocaleString('en-US')} read from the capture${real < wanted ? ', repeated' : ''}) in ${(readMs / 1000).toFixed(1)} s`);
console.log(`loading into the state: ${loadMs.toFixed(0)} ms in batches of ${BATCH} (median ${median(batchTimes).toFixed(2)} ms, max ${max(batchTimes).toFixed(2)} ms a batch); heap ${heapMb.toFixed(0)} MB`);
console.log(`terminal ${columns}x${rows}; per key press, milliseconds (reducer | drawing: React + layout + output):`);
console.log(`${'key'.padEnd(24)} ${'n'.padStart(4)} ${'reducer med'.padStart(11)} ${'max'.padStart(7)} ${'draw med'.padStart(9)} ${'max'.padStart(7)}`);
const groups = new Map();
for (const [name, list] of samples) {
  const key = name.startsWith('type ') ? 'filter: typing a char' : name;
  groups.set(key, [...(groups.get(key) ?? []), ...list]);
}
for (const [name, list] of groups) {
  const r = list.map(([a]) => a);
  const d = list.map(([, b]) => b);
  console.log(`${name.padEnd(24)} ${String(list.length).padStart(4)} ${ms(median(r)).padStart(11)} ${ms(max(r))} ${ms(median(d)).padStart(9)} ${ms(max(d))}`);
}
const all = [...samples.values()].flat().map(([a, b]) => a + b);
console.log(`every key press: median ${median(all).toFixed(2)} ms, max ${max(all).toFixed(2)} ms (a frame at 30 fps is 33 ms)`);

// ---- the real binary in a real terminal (tmux): --tmux ----
// Key press to changed screen, as a user sees it (includes tmux, capture-pane's polling and the
// 30 fps frame pacing).
if (args.includes('--tmux')) {
  const { spawnSync } = await import('node:child_process');
  const bin = process.env.SHADOWDUMP_BIN ?? join(root, 'dist/cli/main.js');
  const packets = option('--packets', '420000');
  const socket = `shadowdump-bench-${process.pid}`;
  const tmux = (...a) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' }).stdout;
  const screen = () => tmux('capture-pane', '-p', '-t', 'bench').split('\n');
  const { setTimeout: sleep } = await import('node:timers/promises');
  // The CLI's own heap cap (256 MB, its #! line) leaves room for ~17,000 pairs: a larger heap keeps them all.
  const heap = option('--heap', '2048');
  const command = `env -u CI ${process.execPath} --max-old-space-size=${heap} ${bin} --tui -nn --max-pairs ${wanted} -c ${packets} -r ${capture}; sleep 600`;
  const started = performance.now();
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'bench', '-x', String(columns), '-y', String(rows), command);
  try {
    let lines = screen();
    while (!/ done /.test(lines[rows - 2] ?? '')) {
      await sleep(100);
      lines = screen();
      if (performance.now() - started > 600_000) throw new Error(`not done after 10 minutes:\n${lines.join('\n')}`);
    }
    const doneMs = performance.now() - started;
    const pid = tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim();
    const child = spawnSync('pgrep', ['-P', pid, '-f', 'main.js'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    const rss = spawnSync('ps', ['-o', 'rss=', '-p', child], { encoding: 'utf8' }).stdout.trim();
    /** Sends a key and waits for the screen to change; milliseconds. */
    const timed = async (key, literal = false) => {
      const before = screen().join('\n');
      const t = performance.now();
      tmux('send-keys', '-t', 'bench', ...(literal ? ['-l', key] : [key]));
      // Polled every 5 ms, not in a busy loop, which would take the CPU from the app it measures.
      for (;;) {
        await sleep(5);
        const now = screen().join('\n');
        if (now !== before) return performance.now() - t;
        if (performance.now() - t > 30_000) return Infinity;
      }
    };
    const results = [];
    const measure = async (label, keys, literal = false) => {
      const times = [];
      for (const k of keys) {
        times.push(await timed(k, literal));
        await sleep(40);
      }
      results.push([label, times]);
    };
    await measure('j (next row)', Array(30).fill('j'));
    await measure('k (previous row)', Array(30).fill('k'));
    await measure('PgDn', Array(10).fill('PageDown'));
    await measure('G (last row)', ['G']);
    await measure('g (first row)', ['g']);
    await measure('Enter (detail)', ['Enter']);
    await measure('Tab (packets)', ['Tab']);
    await measure('Esc (back)', ['Escape']);
    await measure('s (sort, 100k rows)', Array(5).fill('s'));
    await measure('/ (filter bar)', ['/']);
    await measure('typing verdict=differ', [...'verdict=differ'], true);
    await measure('Enter (apply)', ['Enter']);
    await measure('j in the filtered list', Array(10).fill('j'));
    const status = screen()[rows - 2];
    console.log(`\nreal binary in tmux ${columns}x${rows}, heap ${heap} MB: ${bin}`);
    console.log(`  ${status.trim()}`);
    console.log(`  read ${Number(packets).toLocaleString('en-US')} packets and showed the pairs in ${(doneMs / 1000).toFixed(1)} s; resident memory ${(Number(rss) / 1024).toFixed(0)} MB`);
    console.log(`  ${'key press -> screen changed (ms)'.padEnd(34)} ${'n'.padStart(3)} ${'median'.padStart(7)} ${'max'.padStart(7)}`);
    for (const [label, times] of results) console.log(`  ${label.padEnd(34)} ${String(times.length).padStart(3)} ${median(times).toFixed(1).padStart(7)} ${max(times).toFixed(1).padStart(7)}`);
  } finally {
    const path = tmux('display-message', '-p', '#{socket_path}').trim();
    tmux('kill-server');
    if (path.endsWith(socket)) (await import('node:fs')).rmSync(path, { force: true });
  }
}
