/** What the TUI draws, through the real App and ink-testing-library (see helpers/render-tui). */
import './helpers/force-color.js';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { RouteStats } from '../../src/shadow/route-stats.js';
import { PairFeed } from '../../src/tui/feed/pair-feed.js';
import type { PairEntry } from '../../src/tui/model/pair-entry.js';
import type { Effect, TuiEvent } from '../../src/tui/state/events.js';
import { entry } from './helpers/entries.js';
import { KEYS, renderTui } from './helpers/render-tui.js';

afterEach(() => cleanup());

const pairs = (entries: readonly PairEntry[]): TuiEvent => ({ kind: 'pairs', entries, droppedBefore: 0 });
const differ = (seq: number) =>
  entry(seq, {
    target: `/users/${seq}`,
    template: '/users/{id}',
    body: '{"id":7,"name":"a","score":70}',
    shadowBody: '{"id":7,"name":"a","score":71}',
    report: { differences: [{ kind: 'body', path: '$.score', primary: '70', shadow: '71', noise: false }] },
  });
const sample = (): PairEntry[] => [
  entry(0, { target: '/get' }),
  differ(1),
  entry(2, { target: '/status/503', shadowStatus: 503, report: { verdict: 'shadow-error' } }),
  entry(3, { target: '/legacy', shadowStatus: 'none' }),
];
const stats = (entries: readonly PairEntry[]): TuiEvent => {
  const routes = new RouteStats();
  for (const e of entries) routes.add(e.report);
  const s = routes.summary();
  return { kind: 'stats', stats: { source: 'lab.pcap', packets: 40, exchanges: 7, pairs: s.pairs, verdicts: s.verdicts, mirrorRate: s.mirrorRate, anomalies: 0 } };
};

describe('the frame', () => {
  it('is exactly one row shorter than the terminal, every line within its width', () => {
    for (const [columns, rows] of [
      [80, 24],
      [120, 40],
      [60, 12],
    ]) {
      const tui = renderTui({ columns, rows, events: [pairs(sample()), stats(sample())] });
      const lines = tui.screen();
      expect(lines).toHaveLength(rows - 1);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
      tui.unmount();
    }
  });

  it('says so when the terminal is too small', () => {
    const tui = renderTui({ columns: 30, rows: 8 });
    expect(tui.screen().map((l) => l.trimEnd())).toEqual(['terminal too small:', '30x8, need 40x10', 'q quits']);
  });
});

describe('the pair list', () => {
  it('a row per pair with time, method, target, both statuses and latencies, and the verdict; the status bar counts', () => {
    const tui = renderTui({ columns: 100, rows: 12, events: [pairs(sample()), stats(sample()), { kind: 'end', failure: null }] });
    const lines = tui.screen();
    expect(lines[0]).toMatch(/^ shadowdump test {2}1 Pairs \(4\) {2}2 Routes \(0\) {2}3 Others \(0\) {2}sort: time/);
    expect(lines[1]).toMatch(/^ TIME +METHOD +TARGET +PRI SHD PRI-LAT SHD-LAT VERDICT +!R\+$/);
    expect(lines[2]).toMatch(/^>08:00:00\.000000 GET +\/get +200 200 +1\.9ms +1\.9ms match/);
    expect(lines[3]).toMatch(/^ 08:00:00\.001000 GET +\/users\/1 +200 200 .* differ/);
    expect(lines[4]).toMatch(/ 200 503 .* shadow-error/);
    expect(lines[5]).toMatch(/\/legacy +200 +- .* - shadow-missing/);
    expect(lines[lines.length - 1]).toBe(' 4 pairs: 1 match 1 differ 1 shadow-error 1 shadow-missing  mirror 75.0%  done  40 packets  7 excha~');
  });

  it('draws only the visible window of 100,000 pairs', () => {
    const base = entry(0);
    // Copies of one entry: building 100,000 real ones would only slow the test down.
    const many = Array.from({ length: 100_000 }, (_, i) => ({ ...base, seq: i, at: base.at + i, target: `/item/${i}` }));
    const tui = renderTui({ columns: 100, rows: 12, events: [pairs(many)] });
    // 12 rows: a frame of 11, less the top line, the column titles and the two bottom lines.
    expect(tui.screen().filter((l) => l.includes('/item/'))).toHaveLength(7);
  });

  it('moves with j/k and the arrows, pages, jumps to the end', async () => {
    const many = Array.from({ length: 50 }, (_, i) => entry(i, { at: i, target: `/item/${i}` }));
    const tui = renderTui({ columns: 100, rows: 12, events: [pairs(many)] });
    await tui.press('j', 'j', KEYS.down, 'k');
    expect(tui.screen().find((l) => l.startsWith('>'))).toContain('/item/2 ');
    await tui.press('G');
    expect(tui.screen().find((l) => l.startsWith('>'))).toContain('/item/49 ');
    await tui.press(KEYS.pageUp);
    expect(tui.screen().find((l) => l.startsWith('>'))).toContain('/item/43 ');
    await tui.press('g');
    expect(tui.screen()[2]).toMatch(/^>.*\/item\/0 /);
  });

  it('the filter bar shows the count as typed, and the reason in red when invalid', async () => {
    const tui = renderTui({ columns: 100, rows: 12, events: [pairs(sample())] });
    await tui.press('/', 'verdict=dif');
    const bar = tui.screen()[9];
    expect(bar).toContain('/verdict=dif');
    expect(bar).toContain('unknown verdict "dif": one of match, differ');
    expect(tui.raw()).toMatch(/\x1b\[31m[^\n]*unknown verdict/);
    await tui.press('fer');
    expect(tui.screen()[9]).toMatch(/^\/verdict=differ {3}1 of 4 pairs/);
    await tui.press(KEYS.enter);
    const lines = tui.screen();
    expect(lines.filter((l) => / (match|differ|shadow-error|shadow-missing) *$/.test(l.trimEnd()) || /differ/.test(l)).length).toBeGreaterThan(0);
    expect(lines[0]).toContain('filter: verdict=differ');
    expect(lines.slice(2, 8).filter((l) => l.includes('/users/1'))).toHaveLength(1);
    expect(lines.slice(2, 8).filter((l) => l.includes('/get'))).toHaveLength(0);
  });
});

describe('the pair detail', () => {
  it('shows both sides side by side with the differing field marked, and the differences first', async () => {
    const tui = renderTui({ columns: 100, rows: 40, events: [pairs(sample())] });
    await tui.press('j', KEYS.enter);
    const lines = tui.screen();
    expect(lines[1]).toMatch(/^ differ {2}GET httpbin:8000 \/users\/1 {2}id req-1/);
    expect(lines[2]).toMatch(/^primary 200 1\.9ms {3}shadow 200 1\.9ms \(\+0us\) {3}\[Messages\] {2}Packets -A/);
    expect(lines[3]).toBe('DIFFERENCES (1)'.padEnd(100));
    expect(lines[4]).toMatch(/^ {2}\$\.score {2}70 \| 71/);
    expect(lines).toContainEqual(expect.stringMatching(/^ PRIMARY 10\.1\.0\.5:40000 > 10\.1\.0\.20:8000 +\| SHADOW 10\.1\.0\.5:40000 > 10\.1\.0\.30:8000/));
    expect(lines).toContainEqual(expect.stringMatching(/^ Host: httpbin:8000 +\| Host: httpbin-shadow:8000/));
    const score = lines.find((l) => l.includes('"score"'));
    expect(score).toMatch(/^\* {2}"score": 70 +\|\* {2}"score": 71/);
    expect(lines.find((l) => l.includes('"name"'))).toMatch(/^ {3}"name": "a", +\| {3}"name": "a",/);
    // Highlighted: the marked row is drawn in the differs colour.
    expect(tui.raw()).toMatch(/\*(\x1b\[[0-9;]*m)+ {2}"score": 70/);
  });

  it('d keeps only what differs; Tab shows the packets; x switches -A and -X; Esc goes back', async () => {
    const tui = renderTui({ columns: 100, rows: 30, events: [pairs(sample())] });
    await tui.press('j', KEYS.enter, 'd');
    let lines = tui.screen().filter((l) => l.trim() !== '');
    expect(lines.slice(3, 8).map((l) => l.trimEnd())).toEqual([
      'DIFFERENCES (1)',
      '  $.score  70 | 71',
      expect.stringMatching(/^ PRIMARY .*\| SHADOW /),
      'RESPONSE',
      expect.stringMatching(/^\* {2}"score": 70 +\|\* {2}"score": 71$/),
    ]);
    await tui.press(KEYS.tab);
    lines = tui.screen();
    expect(lines[2]).toContain('Messages  [Packets -A]');
    expect(lines).toContainEqual(expect.stringMatching(/^PRIMARY 10\.1\.0\.5:40000 > 10\.1\.0\.20:8000/));
    expect(lines).toContainEqual(expect.stringMatching(/^08:00:00\.001000 IP 10\.1\.0\.5\.40000 > 10\.1\.0\.20\.8000: Flags \[P\.\], length 10/));
    expect(lines).toContainEqual(expect.stringMatching(/^E\.\.\(GET \/ HTTP\/1\.1/));
    await tui.press('x');
    expect(tui.screen()).toContainEqual(expect.stringMatching(/^ {8}0x0000: {2}4500 0028 4745 5420 2f20 4854 5450 2f31 {2}E\.\.\(GET\.\/\.HTTP\/1$/));
    await tui.press(KEYS.escape);
    expect(tui.screen()[1]).toMatch(/^ TIME/);
  });
});

describe('the other screens', () => {
  it('routes: per-route statistics and what differs on the selected route', async () => {
    const entries = sample();
    const routes = new RouteStats();
    for (const e of entries) routes.add(e.report);
    const tui = renderTui({ columns: 100, rows: 24, events: [pairs(entries), { kind: 'routes', routes: routes.summary() }] });
    await tui.press('2');
    const lines = tui.screen();
    expect(lines[0]).toContain('2 Routes (4)');
    expect(lines[1]).toMatch(/^ ROUTE +PAIRS +MATCH DIFFER S-ERR S-MISS PRI p50 SHD p50 +DELTA$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ GET \/users\/\{id\} {2}httpbin:8000 +1 +0\.0% 100\.0% +0 +0 +1\.9ms +1\.9ms +0us/));
    await tui.press('G');
    expect(tui.screen()).toContainEqual(expect.stringMatching(/^ {2}differs: \$\.score in 1\/1 pairs/));
  });

  it('others: unpaired exchanges and connections without HTTP', async () => {
    const tui = renderTui({
      columns: 120,
      rows: 20,
      events: [
        { kind: 'unpaired', rows: [{ at: 0, time: '08:00:00.000000', flow: '10.0.0.1:4000 > 10.0.0.2:80', request: 'GET h /x', status: '200', reason: 'no x-request-id header' }], droppedBefore: 0 },
        { kind: 'flows', rows: [{ at: 0, time: '08:00:01.000000', flow: '10.0.0.1:4001 > 10.0.0.2:443', clientBytes: 517, serverBytes: 1200, gaps: 0, end: 'fin', clientPreview: '\\x16\\x03\\x01', serverPreview: '\\x16\\x03\\x03' }], droppedBefore: 0 },
      ],
    });
    await tui.press('3');
    const text = tui.screen().join('\n');
    expect(text).toContain('UNPAIRED EXCHANGES (1): HTTP exchanges that joined no pair');
    expect(text).toContain('08:00:00.000000  10.0.0.1:4000 > 10.0.0.2:80  GET h /x -> 200  (no x-request-id header)');
    expect(text).toContain('CONNECTIONS WITHOUT HTTP (1)');
    expect(text).toContain('10.0.0.1:4001 > 10.0.0.2:443  517/1200 bytes, fin  client "\\x16\\x03\\x01" server "\\x16\\x03\\x03"');
  });

  it('help lists every key of the key table', async () => {
    const tui = renderTui({ columns: 120, rows: 80 });
    await tui.press('?');
    const text = tui.screen().join('\n');
    for (const line of ['Up k', 'PgDn Ctrl+f Space', 'G End', 'Enter', 'Esc', 'Tab', '/ ', 'f ', 's ', 'w ', '? ', 'q Ctrl+c', 'd ', 'x ']) expect(text).toContain(line);
    expect(text).toContain('Filter language (/)');
    expect(text).toContain('shadow.status');
  });
});

describe('the app', () => {
  it('takes the feed once a frame', async () => {
    const feed = new PairFeed({ maxPairs: 10, maxOthers: 10 });
    const tui = renderTui({ columns: 100, rows: 12, feed });
    feed.addPair(entry(0, { target: '/first' }));
    feed.addPair(entry(1, { target: '/second' }));
    feed.finish();
    await tui.tick(50);
    const text = tui.screen().join('\n');
    expect(text).toContain('/first');
    expect(text).toContain('/second');
    expect(text).toContain('done');
  });

  it('runs the write the state asks for and shows how it went', async () => {
    const asked: Effect[] = [];
    const tui = renderTui({
      columns: 100,
      rows: 12,
      events: [pairs(sample())],
      runEffect: async (effect) => {
        asked.push(effect);
        return { ok: true, message: `wrote ${effect.entries.length} pairs to ${effect.path}` };
      },
    });
    await tui.press('w', '\x15', 'out.har', KEYS.enter);
    await tui.tick(20);
    expect(asked.map((e) => e.path)).toEqual(['out.har']);
    expect(tui.screen()[9]).toMatch(/^ wrote 4 pairs to out\.har/);
  });
});
