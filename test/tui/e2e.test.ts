/**
 * The TUI end to end: the real `shadowdump` binary in a real terminal (tmux), driven by keys.
 * On the bundled lab capture: the list shows the pairs the text views report, filtering on
 * `verdict=differ` leaves exactly the differing pairs, Enter opens the side-by-side detail with
 * the differing field highlighted, the packet tab shows tcpdump's lines, and `q` gives the
 * terminal back as it was. On a capture full of terminal escape sequences: none of them acts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CAPTURES, REPO_ROOT } from '../helpers/captures.js';
import { escapeCapture } from './helpers/escape-capture.js';
import { TmuxTerminal } from './helpers/tmux.js';

/** The built CLI; SHADOWDUMP_BIN runs these tests against another build (an installed one, say). */
const BIN = process.env.SHADOWDUMP_BIN ?? join(REPO_ROOT, 'dist/cli/main.js');
const LAB = join(LAB_CAPTURES, 'lab/client-eth0.pcap');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-tui-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Fail at once, not after a timeout per test, when the binary has no --tui.
beforeAll(() => {
  const r = spawnSync(process.execPath, [BIN, '--tui', '--view', 'summary', '-r', join(LAB_CAPTURES, 'lab/client-eth0.pcap')], { encoding: 'utf8' });
  if (/unknown option --tui/.test(r.stderr)) throw new Error(`${BIN} does not accept --tui: the CLI must start src/cli/tui-view.ts (see its header)`);
});

const terminals: TmuxTerminal[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
});

const ENV = 'env -u CI -u CONTINUOUS_INTEGRATION TZ=UTC LANG=C.UTF-8';
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The binary in a 120x40 terminal, after a marker line (to see the screen come back), and
 * after it the exit code and the terminal's line discipline (raw mode undone: icanon and echo).
 */
function start(args: readonly string[], columns = 120, rows = 40): TmuxTerminal {
  const command = `echo BEFORE-TUI; ${ENV} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo "EXIT=$?"; stty -a | grep -o -w -e -icanon -e icanon -e -echo -e echo | sort | tr '\\n' ' '; echo; sleep 600`;
  const t = new TmuxTerminal(`sh -c ${quote(command)}`, columns, rows);
  terminals.push(t);
  return t;
}

interface PairRecord {
  readonly type: string;
  readonly verdict: string;
  readonly diff: ReadonlyArray<{ readonly path: string }>;
  readonly primary: { readonly ts: string; readonly request: { readonly method: string; readonly target: string } } | null;
  readonly shadow: { readonly ts: string; readonly request: { readonly method: string; readonly target: string } } | null;
}

/** What the non-interactive views say about the capture. */
function oracle(capture: string) {
  const json = spawnSync(process.execPath, [BIN, '--json', '-r', capture], { encoding: 'utf8' });
  const pairs = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as PairRecord)
    .filter((r) => r.type === 'pair');
  const summary = spawnSync(process.execPath, [BIN, '--view', 'summary', '-r', capture], { encoding: 'utf8' }).stdout;
  const counts = [...summary.matchAll(/^ {2}([a-z-]+) +(\d+) /gm)].map(([, verdict, n]) => [verdict, Number(n)] as const);
  const rows = pairs.map((p) => {
    const first = p.primary ?? p.shadow;
    if (first === null) throw new Error('a pair without legs');
    return { time: first.ts.slice(11, 26), method: first.request.method, target: (p.primary ?? first).request.target, verdict: p.verdict, paths: p.diff.map((d) => d.path) };
  });
  return { rows, counts, total: Number(/^Pairs: +(\d+)/m.exec(summary)?.[1]) };
}

/** List rows as (time method target verdict), from the screen. */
function listRows(lines: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const m = /^[> ](\d\d:\d\d:\d\d\.\d{6}) (\S+) +(\S+) +(\d{3}|-) +(\d{3}|-) +(\S+) +(\S+) (match|differ|shadow-error|shadow-missing|primary-missing|incomplete|ambiguous)\b/.exec(l);
    return m === null ? [] : [`${m[1]} ${m[2]} ${m[3]} ${m[8]}`];
  });
}

const statusOf = (lines: readonly string[]): string => lines[38] ?? '';
const done = (lines: string[]): boolean => / done /.test(statusOf(lines));

describe('the TUI on the lab capture (tmux, 120x40)', () => {
  const truth = oracle(LAB);

  it('lists every pair, with the verdict counts of --view summary', async () => {
    expect(truth.total).toBe(51);
    const t = start(['--tui', '-nn', '-r', LAB]);
    const first = await t.waitFor(done, 'the capture to be read');
    const counts = truth.counts.filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`).join(' ');
    expect(statusOf(first)).toMatch(new RegExp(`^ ${truth.total} pairs: ${counts} {2}mirror 84\\.3% {2}done {2}298 packets`));
    expect(first[0]).toMatch(/^ shadowdump [\d.]+ {2}1 Pairs \(51\) {2}2 Routes \(25\) {2}3 Others \(0\)/);
    // 35 rows fit; the rest are at the end.
    const expected = truth.rows.map((r) => `${r.time} ${r.method} ${r.target} ${r.verdict}`);
    await t.press('G');
    const last = await t.waitFor((l) => l[36].startsWith('>'), 'the cursor on the last row');
    const shown = new Set([...listRows(first), ...listRows(last)]);
    expect([...shown].sort()).toEqual([...expected].sort());
    // In time order.
    for (const page of [listRows(first), listRows(last)]) expect(page).toEqual([...page].sort((a, b) => a.slice(0, 15).localeCompare(b.slice(0, 15))));
  });

  it('/verdict=differ shows exactly the differing pairs; Enter opens the detail with the differing field highlighted; Tab shows the packets as tcpdump prints them', async () => {
    const differing = truth.rows.filter((r) => r.verdict === 'differ');
    expect(differing).toHaveLength(5);
    const t = start(['--tui', '-nn', '-r', LAB]);
    await t.waitFor(done, 'the capture to be read');
    await t.press('/');
    await t.type('verdict=differ');
    await t.waitFor((l) => l[37].startsWith('/verdict=differ   5 of 51 pairs'), 'the filter bar count');
    await t.press('Enter');
    const filtered = await t.waitFor((l) => l[0].includes('filter: verdict=differ'), 'the filter to apply');
    expect(listRows(filtered)).toEqual(differing.map((r) => `${r.time} ${r.method} ${r.target} differ`));
    expect(filtered[0]).toContain('1 Pairs (5)');

    await t.press('Enter');
    const detail = await t.waitFor((l) => l[1].startsWith(' differ '), 'the detail');
    const pair = differing[0];
    expect(detail[1]).toContain(`GET httpbin:8000 ${pair.target}`);
    expect(detail[3]).toBe('DIFFERENCES (1)');
    const field = pair.paths[0].slice(2); // `$.score` -> `score`
    expect(detail[4]).toMatch(new RegExp(`^ {2}\\$\\.${field} {2}\\S+ \\| \\S+$`));
    expect(detail).toContainEqual(expect.stringMatching(/^ PRIMARY 10\.233\.75\.12:\d+ > 10\.233\.75\.11:80 +\| SHADOW 10\.233\.75\.12:\d+ > 10\.233\.75\.13:80$/));
    // The differing row: marked on both sides, and drawn bold in the highlight colour.
    const marked = detail.filter((l) => l.startsWith('*'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(new RegExp(`^\\* +"${field}": \\S+ +\\|\\* +"${field}": \\S+$`));
    const attributed = t.screenWithAttributes().split('\n').find((l) => l.includes(`"${field}"`) && l.includes('*'));
    expect(attributed).toMatch(new RegExp(`\\x1b\\[1m\\x1b\\[33m +"${field}"|\\x1b\\[(?:1;33|33;1)m +"${field}"`));
    // Unmarked rows are drawn plain.
    const plain = t.screenWithAttributes().split('\n').find((l) => l.includes('"id"'));
    expect(plain).not.toMatch(/\x1b\[1m\x1b\[33m/);

    await t.press('Tab');
    const packets = await t.waitFor((l) => l[2].includes('[Packets -A]'), 'the packet tab');
    await t.press('G');
    const rest = await t.waitFor((l) => /\d+-(\d+)\/\1$/.test(l[2]), 'the end of the packet tab');
    const tcpdump = spawnSync('tcpdump', ['-nn', '-A', '-r', LAB], { encoding: 'latin1', env: { ...process.env, TZ: 'UTC' } }).stdout.split('\n');
    const packetLines = [...new Set([...packets, ...rest].filter((l) => /^\d\d:\d\d:\d\d\.\d{6} IP /.test(l)))];
    // A request and a response packet on each leg.
    expect(packetLines.length).toBeGreaterThanOrEqual(4);
    // Each is tcpdump's own line (clipped to the screen's width on purpose, marked with ~).
    for (const line of packetLines) expect(tcpdump.some((l) => l.startsWith(line.replace(/~$/, ''))), line).toBe(true);
    expect([...packets, ...rest]).toContainEqual(expect.stringMatching(new RegExp(`GET ${pair.target} HTTP/1\\.1$`)));
    await t.press('x');
    const hex = await t.waitFor((l) => l[2].includes('[Packets -X]'), 'the -X dump');
    expect(hex).toContainEqual(expect.stringMatching(/^ {8}0x0000: {2}4500 [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} /));
  });

  it('q gives the terminal back: main screen, its content, cursor, cooked mode; exit 0', async () => {
    const t = start(['--tui', '-nn', '-r', LAB]);
    await t.waitFor(done, 'the capture to be read');
    expect(t.pane('#{alternate_on}')).toBe('1');
    await t.press('j', 'Enter', 'Tab', 'q');
    // The line after EXIT= is stty's report: wait for it too (a loaded machine prints it later).
    const after = await t.waitFor((l) => l.some((x) => /^-?(echo|icanon)\b/.test(x)), 'the binary to exit and stty to report');
    expect(after[0]).toBe('BEFORE-TUI');
    expect(after).toContain('EXIT=0');
    expect(after).toContainEqual(expect.stringMatching(/^echo icanon$/));
    expect(t.pane('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    expect(after.join('\n')).not.toContain('shadowdump 0.1.0');
  });

  it('Ctrl+C quits the same way', async () => {
    const t = start(['--tui', '-nn', '-r', LAB]);
    await t.waitFor(done, 'the capture to be read');
    await t.press('C-c');
    const after = await t.waitFor((l) => l.some((x) => x.startsWith('EXIT=')), 'the binary to exit');
    expect(after).toContain('EXIT=0');
    expect(t.pane('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  });

  it('SIGTERM ends it as q does', async () => {
    const t = start(['--tui', '-nn', '-r', LAB]);
    await t.waitFor(done, 'the capture to be read');
    // The pane runs sh, whose child is the binary (env execs node).
    const node = spawnSync('pgrep', ['-P', t.pane('#{pane_pid}')], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    expect(Number(node)).toBeGreaterThan(0);
    process.kill(Number(node), 'SIGTERM');
    const after = await t.waitFor((l) => l.some((x) => /^-?(echo|icanon)\b/.test(x)), 'the binary to exit and stty to report');
    expect(after).toContain('EXIT=0');
    expect(after).toContainEqual(expect.stringMatching(/^echo icanon$/));
    expect(t.pane('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  });

  it('80x24 is usable: the list, the detail and the routes fit', async () => {
    const t = start(['--tui', '-nn', '-r', LAB], 80, 24);
    const list = await t.waitFor((l) => / done/.test(l[22] ?? ''), 'the capture to be read');
    // Milliseconds in the time column, the target clipped on purpose, the verdict whole.
    expect(list[2]).toMatch(/^>03:04:39\.383 GET +\/get +200 200 +737us +166us match$/);
    expect(list[3]).toMatch(/^ 03:04:39\.384 GET +\/get\?page=2&s~ 200 200 +325us +68us match/);
    await t.press('j', 'j', 'j', 'j', 'j', 'Enter');
    const detail = await t.waitFor((l) => l[1].startsWith(' differ '), 'the detail');
    expect(detail[3]).toBe('DIFFERENCES (1)');
    expect(detail).toContainEqual(expect.stringMatching(/^ GET \/users\/7 HTTP\/1\.1 +\| GET \/users\/7 HTTP\/1\.1$/));
    await t.press('Escape');
    await t.press('2');
    const routes = await t.waitFor((l) => l[1].startsWith(' ROUTE'), 'the routes table');
    expect(routes[2]).toMatch(/^>GET \/status\/\{id\} {2}h~ +9 +77\.8% +0\.0% +1 +1 +338us +56us +-247us$/);
    for (const screen of [list, detail, routes]) {
      expect(screen).toHaveLength(24);
      expect(screen.every((l) => l.length <= 80)).toBe(true);
    }
  });
});

describe('a capture arriving on standard input', () => {
  it('counts move while reading, keys come from the terminal, f follows the newest pair', async () => {
    // The lab capture, 1500 bytes every 50 ms: about six seconds.
    const feeder = `const b=require('fs').readFileSync(${JSON.stringify(LAB)});let i=0;const t=setInterval(()=>{process.stdout.write(b.subarray(i,i+1500));i+=1500;if(i>=b.length)clearInterval(t)},50)`;
    const command = `${quote(process.execPath)} -e ${quote(feeder)} | ${ENV} ${quote(process.execPath)} ${quote(BIN)} --tui -nn -r -; echo "EXIT=$?"; sleep 600`;
    const t = new TmuxTerminal(`sh -c ${quote(command)}`, 120, 40);
    terminals.push(t);
    const reading = await t.waitFor((l) => /reading\.\.\. {2}[1-9]\d* packets/.test(statusOf(l)), 'packets counted while reading', 15_000, true);
    expect(statusOf(reading)).toMatch(/ {2}-$/);
    await t.press('f');
    await t.waitFor((l) => l[0].includes('following'), 'follow on', 15_000, true);
    const end = await t.waitFor(done, 'the end of the input');
    expect(statusOf(end)).toMatch(/^ 51 pairs: /);
    // Following: the newest pair (the last row) is selected.
    expect(end[36].startsWith('>')).toBe(true);
    await t.press('q');
    const after = await t.waitFor((l) => l.some((x) => x.startsWith('EXIT=')), 'the binary to exit');
    expect(after).toContain('EXIT=0');
  });
});

describe('resizing the terminal', () => {
  it('redraws the whole frame at each new size, and says when the terminal is too small', async () => {
    const t = start(['--tui', '-nn', '-r', LAB]);
    await t.waitFor(done, 'the capture to be read');
    for (const [columns, rows] of [
      [80, 24],
      [30, 8],
      [100, 30],
    ]) {
      t.tmux('resize-window', '-t', t.session, '-x', String(columns), '-y', String(rows));
      const lines = await t.waitFor(
        (l) => (columns < 40 ? l[0] === 'terminal too small:' : l[0].startsWith(' shadowdump ') && l[rows - 2].startsWith(' 51 pairs:')),
        `the frame at ${columns}x${rows}`,
      );
      expect(lines).toHaveLength(rows);
      expect(lines.every((l) => l.length <= columns)).toBe(true);
      if (columns >= 40) {
        // Exactly one frame: one top line, one status line, the rows between them the list's.
        expect(lines.filter((l) => l.startsWith(' shadowdump '))).toHaveLength(1);
        expect(lines.filter((l) => / pairs: /.test(l))).toHaveLength(1);
        expect(lines.filter((l) => /^[> ]\d\d:\d\d:\d\d\.\d{3}/.test(l))).toHaveLength(rows - 5);
        expect(lines[2]).toMatch(/^>03:04:39\.383/);
      }
    }
  });
});

describe('the TUI on a capture full of terminal escape sequences', () => {
  it('shows them as visible text on every screen; none of them acts on the terminal', async () => {
    const capture = join(dir, 'escapes.pcap');
    writeFileSync(capture, escapeCapture());
    const t = start(['--tui', '-nn', '-r', capture]);
    // The terminal would obey OSC 52 (clipboard) and OSC 2 (title) if they reached it.
    t.tmux('set-option', '-g', 'set-clipboard', 'on');
    t.tmux('set-option', '-g', 'allow-rename', 'on');
    const titleBefore = t.pane('#{pane_title}');
    const list = await t.waitFor(done, 'the capture to be read');
    expect(statusOf(list)).toMatch(/^ 1 pairs: 1 differ/);
    const row = list.find((l) => l.startsWith('>'));
    expect(row).toMatch(/^>\S+ GET +\/search\?q=\\e\[2J\\e\[H\\e\]2;pwned-title\\x07 +200 200 /);

    await t.press('Enter');
    const detail = await t.waitFor((l) => l[1].startsWith(' differ '), 'the detail');
    const text = detail.join('\n');
    expect(text).toContain('User-Agent: \\e]52;c;cHduZWQ=\\x07curl');
    expect(text).toContain('Server: nginx\\e]2;pwned-title\\x07');
    expect(text).toContain('X-Link: \\e]8;;http://evil.example/\\e\\\\click');
    expect(text).toContain('X-C1: \\x9b2J');
    expect(text).toMatch(/^\*ok \\e\[41;97m\\e\[2J\\e\[H\\u\{202e\} +\|\*changed \\e\]52;c;cHduZWQ=\\x07\\x9b2J\\u\{202e\}$/m);
    await t.press('Tab');
    const packets = await t.waitFor((l) => l[2].includes('[Packets -A]'), 'the packet tab');
    // tcpdump -A prints every unprintable byte as '.' (the IP and TCP headers before the request line too).
    expect(packets).toContainEqual(expect.stringMatching(/GET \/search\?q=\.\[2J\.\[H\.\]2;pwned-title\. HTTP\/1\.1$/));
    expect(packets).toContain('User-Agent: .]52;c;cHduZWQ=.curl');
    await t.press('x', 'Escape', '3');
    await t.waitFor((l) => l[1].startsWith('UNPAIRED'), 'the others screen');

    // Nothing acted: the clipboard is untouched, the title is ours, the screen was never cleared
    // (the top line is still there), and the only escape sequences drawn are colours (SGR).
    expect(t.tmux('list-buffers')).toBe('');
    expect(t.pane('#{pane_title}')).toBe(titleBefore);
    expect(t.screen()[0]).toMatch(/^ shadowdump /);
    await t.press('1', 'Enter');
    await t.waitFor((l) => l[1].startsWith(' differ '), 'the detail again');
    const drawn = t.screenWithAttributes();
    expect(drawn.match(/\x1b[^[]|\x1b\[[0-9;]*[^0-9;m]/g)).toBeNull();
    expect(drawn).not.toMatch(/[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f-\x9f]/);
    await t.press('q');
    // The line after EXIT= is stty's report: wait for it too (a loaded machine prints it later).
    const after = await t.waitFor((l) => l.some((x) => /^-?(echo|icanon)\b/.test(x)), 'the binary to exit and stty to report');
    expect(after[0]).toBe('BEFORE-TUI');
    expect(after).toContain('EXIT=0');
  });
});
