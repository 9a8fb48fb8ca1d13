/** The TUI's behaviour through its reducer alone: events in, state out, nothing drawn. */
import { describe, expect, it } from 'vitest';
import { RouteStats } from '../../src/shadow/route-stats.js';
import { keypress } from '../../src/tui/keys/keypress.js';
import type { FlowRow, UnpairedRow } from '../../src/tui/model/other-rows.js';
import type { PairEntry } from '../../src/tui/model/pair-entry.js';
import type { TuiEvent } from '../../src/tui/state/events.js';
import { geometry } from '../../src/tui/state/layout.js';
import { reduce, routeFilterText } from '../../src/tui/state/reducer.js';
import { initialState, selectedPair, type TuiState } from '../../src/tui/state/state.js';
import { statusParts } from '../../src/tui/format/status-line.js';
import { entry } from './helpers/entries.js';

const SIZE = { columns: 100, rows: 20 };
const start = (overrides: Partial<Parameters<typeof initialState>[0]> = {}): TuiState => initialState({ size: SIZE, source: 'test.pcap', ...overrides });
const pairs = (entries: readonly PairEntry[], droppedBefore = 0): TuiEvent => ({ kind: 'pairs', entries, droppedBefore });
const run = (state: TuiState, ...events: TuiEvent[]): TuiState => events.reduce(reduce, state);
/** Key events by table name; a multi-character word is typed character by character. */
const keys = (...names: string[]): TuiEvent[] => names.flatMap((n) => (n.length > 1 && !KEY_NAMES.has(n) ? [...n].map((c) => keypress(c === ' ' ? 'space' : c)) : [keypress(n)])).map((key) => ({ kind: 'key', key }));
const KEY_NAMES = new Set(['up', 'down', 'pageup', 'pagedown', 'home', 'end', 'enter', 'escape', 'tab', 'shift+tab', 'backspace', 'ctrl+c', 'ctrl+u', 'ctrl+w', 'space', 'left', 'right']);
const seqs = (state: TuiState): number[] => state.pairs.rows.map((e) => e.seq);
const many = (n: number, from = 0): PairEntry[] => Array.from({ length: n }, (_, i) => entry(from + i, { at: (from + i) * 10 }));

describe('pairs arriving', () => {
  it('rows in time order, whatever order the pairs settle in', () => {
    const s = run(start(), pairs([entry(0, { at: 30 }), entry(1, { at: 10 })]), pairs([entry(2, { at: 20 })]));
    expect(seqs(s)).toEqual([1, 2, 0]);
    expect(s.store.entries.map((e) => e.seq)).toEqual([0, 1, 2]);
  });

  it('the selected pair stays selected, at the same place on screen, when pairs arrive before it', () => {
    let s = run(start(), pairs(many(10)), ...keys('j', 'j', 'j'));
    expect(selectedPair(s)?.seq).toBe(3);
    s = run(s, pairs([entry(10, { at: 1 }), entry(11, { at: 2 })]));
    expect(selectedPair(s)?.seq).toBe(3);
    expect(s.pairs.scroll.cursor).toBe(5);
  });

  it('following keeps the newest pair selected; moving up stops following, G does not', () => {
    let s = run(start(), pairs(many(5)), ...keys('f'));
    expect(s.pairs.follow).toBe(true);
    expect(selectedPair(s)?.seq).toBe(4);
    s = run(s, pairs(many(3, 5)));
    expect(selectedPair(s)?.seq).toBe(7);
    s = run(s, ...keys('G'));
    expect(s.pairs.follow).toBe(true);
    s = run(s, ...keys('k'), pairs(many(1, 8)));
    expect(s.pairs.follow).toBe(false);
    expect(selectedPair(s)?.seq).toBe(6);
  });

  it('follow sorts by time (the newest pairs are last only then)', () => {
    const s = run(start(), pairs(many(4)), ...keys('s', 'f'));
    expect(s.pairs.sort).toBe('time');
    expect(s.pairs.follow).toBe(true);
  });

  it('keeps at most maxPairs, the oldest going first, and counts what went', () => {
    let s = run(start({ limits: { maxPairs: 3, maxBytes: Infinity } }), pairs(many(2)), ...keys('j'));
    expect(selectedPair(s)?.seq).toBe(1);
    s = run(s, pairs(many(3, 2)));
    expect(s.store.entries.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(seqs(s)).toEqual([2, 3, 4]);
    expect(s.store.dropped).toBe(2);
    // The selected pair went: the cursor stays where it was, on what is there now.
    expect(s.pairs.scroll.cursor).toBe(1);
    // Pairs the feed already dropped count too.
    s = run(s, pairs([], 5));
    expect(s.store.dropped).toBe(7);
  });

  it('keeps at most maxBytes of pairs (always the newest one)', () => {
    const weight = entry(0).weight;
    let s = run(start({ limits: { maxPairs: 1000, maxBytes: weight * 2.5 } }), pairs(many(4)));
    expect(s.store.entries.map((e) => e.seq)).toEqual([2, 3]);
    expect(s.store.dropped).toBe(2);
    s = run(start({ limits: { maxPairs: 1000, maxBytes: 1 } }), pairs(many(3)));
    expect(s.store.entries.map((e) => e.seq)).toEqual([2]);
  });

  it('the status bar says what was let go, and by which bound', () => {
    const byCount = run(start({ limits: { maxPairs: 3, maxBytes: Infinity } }), pairs(many(5)));
    expect(statusParts(byCount).map((p) => p.text).join('')).toContain('kept 3, dropped 2 (cap 3 pairs)');
    const byBytes = run(start({ limits: { maxPairs: 100, maxBytes: 3_000_000 } }), pairs(many(5)), pairs([], 1000));
    expect(statusParts(byBytes).map((p) => p.text).join('')).toContain('kept 5, dropped 1,000 (memory cap 3 MB)');
  });

  it('an open detail keeps its pair after the store let it go', () => {
    let s = run(start({ limits: { maxPairs: 2, maxBytes: Infinity } }), pairs(many(1)), ...keys('enter'));
    expect(s.detail?.entry.seq).toBe(0);
    s = run(s, pairs(many(3, 1)));
    expect(s.detail?.entry.seq).toBe(0);
    expect(s.store.entries.map((e) => e.seq)).toEqual([2, 3]);
  });

  it('others are bounded too', () => {
    const unpaired = (n: number): UnpairedRow[] => Array.from({ length: n }, (_, i) => ({ at: i, time: 't', flow: 'a > b', request: `GET h /${i}`, status: '200', reason: 'no x-request-id header' }));
    const flow: FlowRow = { at: 0, time: 't', flow: 'a > b', clientBytes: 1, serverBytes: 2, gaps: 0, end: 'fin', clientPreview: 'x', serverPreview: 'y' };
    const s = run(start({ maxOthers: 3 }), { kind: 'unpaired', rows: unpaired(5), droppedBefore: 1 }, { kind: 'flows', rows: [flow], droppedBefore: 0 });
    expect(s.others.unpaired.map((r) => r.request)).toEqual(['GET h /2', 'GET h /3', 'GET h /4']);
    expect(s.others.droppedUnpaired).toBe(3);
    expect(s.others.flows).toHaveLength(1);
  });

  it('a batch is its events in order; the end is remembered with its failure', () => {
    const s = run(start(), { kind: 'batch', events: [pairs(many(2)), { kind: 'end', failure: 'capture cut' }] });
    expect(s.pairs.rows).toHaveLength(2);
    expect(s.ended).toBe(true);
    expect(s.failure).toBe('capture cut');
  });
});

describe('moving in the list', () => {
  const rows = geometry(SIZE).listRows;

  it('j/k, arrows, g/G, PgUp/PgDn, clamped at both ends, the window following the cursor', () => {
    let s = run(start(), pairs(many(100)), ...keys('k'));
    expect(s.pairs.scroll).toEqual({ cursor: 0, top: 0 });
    s = run(s, ...keys('j', 'down', 'j'));
    expect(s.pairs.scroll.cursor).toBe(3);
    s = run(s, ...keys('G'));
    expect(s.pairs.scroll).toEqual({ cursor: 99, top: 100 - rows });
    s = run(s, ...keys('pageup'));
    expect(s.pairs.scroll.cursor).toBe(99 - (rows - 1));
    s = run(s, ...keys('g', 'pagedown'));
    expect(s.pairs.scroll.cursor).toBe(rows - 1);
    s = run(s, ...keys('up', 'home'));
    expect(s.pairs.scroll).toEqual({ cursor: 0, top: 0 });
  });

  it('an empty list does not move or open', () => {
    const s = run(start(), ...keys('j', 'G', 'enter'));
    expect(s.pairs.scroll).toEqual({ cursor: 0, top: 0 });
    expect(s.detail).toBeNull();
  });

  it('s cycles the sort, keeping the selected pair', () => {
    const e = [entry(0, { at: 1, latency: 5 }), entry(1, { at: 2, ...{ shadowStatus: 503, report: { verdict: 'shadow-error' } } }), entry(2, { at: 3, latency: 50 })];
    let s = run(start(), pairs(e), ...keys('j', 'j'));
    s = run(s, ...keys('s'));
    expect(s.pairs.sort).toBe('verdict');
    expect(seqs(s)).toEqual([1, 0, 2]);
    expect(selectedPair(s)?.seq).toBe(2);
    expect(s.message?.text).toBe('sorted by verdict');
    s = run(s, ...keys('s'));
    expect(s.pairs.sort).toBe('slower');
    s = run(s, ...keys('s'));
    expect(s.pairs.sort).toBe('latency');
    expect(seqs(s)[0]).toBe(2);
    s = run(s, ...keys('s', 's'));
    expect(s.pairs.sort).toBe('time');
    expect(seqs(s)).toEqual([0, 1, 2]);
    expect(selectedPair(s)?.seq).toBe(2);
  });
});

describe('the filter bar', () => {
  const e = [entry(0), entry(1, { status: 500 }), entry(2, { method: 'POST' })];

  it('applies each valid prefix as typed; an invalid one keeps the list and says why', () => {
    let s = run(start(), pairs(e), ...keys('/', 'status>=5'));
    expect(s.filterBar?.error?.message).toBe('expected a status such as 503 or 5xx, got "5"');
    expect(seqs(s)).toEqual([0, 1, 2]);
    s = run(s, ...keys('00'));
    expect(s.filterBar?.error).toBeNull();
    expect(seqs(s)).toEqual([1]);
    s = run(s, ...keys('enter'));
    expect(s.filterBar).toBeNull();
    expect(s.pairs.filter?.text).toBe('status>=500');
  });

  it('Enter on an invalid filter keeps the bar open; Esc goes back to the filter before', () => {
    let s = run(start(), pairs(e), ...keys('/', 'method=POST', 'enter'));
    expect(seqs(s)).toEqual([2]);
    s = run(s, ...keys('/', 'ctrl+u', 'nonsense', 'enter'));
    expect(s.filterBar?.error?.message).toMatch(/^unknown field "nonsense"/);
    s = run(s, ...keys('escape'));
    expect(s.filterBar).toBeNull();
    expect(s.pairs.filter?.text).toBe('method=POST');
    expect(seqs(s)).toEqual([2]);
  });

  it('keys type into the bar (q does not quit there); Esc on the list clears the filter', () => {
    let s = run(start(), pairs(e), ...keys('/', 'q'));
    expect(s.quit).toBe(false);
    expect(s.filterBar?.field.text).toBe('q');
    s = run(s, ...keys('backspace', 'method=post', 'enter', 'escape'));
    expect(s.pairs.filter).toBeNull();
    expect(seqs(s)).toEqual([0, 1, 2]);
  });

  it('editing keys: word and line erase, cursor moves', () => {
    const s = run(start(), ...keys('/', 'verdict=match or x', 'ctrl+w', 'left', 'left', 'backspace', 'home', 'not '));
    expect(s.filterBar?.field).toEqual({ text: 'not verdict=match r ', cursor: 4 });
  });

  it('pairs arriving while a filter is on are filtered too', () => {
    const s = run(start(), ...keys('/', 'method=POST', 'enter'), pairs(e));
    expect(seqs(s)).toEqual([2]);
  });
});

describe('the detail', () => {
  const differ = entry(1, {
    body: '{"id":7,"score":70}',
    shadowBody: '{"id":7,"score":71}',
    report: { differences: [{ kind: 'body', path: '$.score', primary: '70', shadow: '71', noise: false }] },
  });

  it('Enter opens the selected pair; Tab toggles messages and packets; d diff only; x -A/-X; Esc back', () => {
    let s = run(start(), pairs([entry(0), differ]), ...keys('j', 'enter'));
    expect(s.detail).toMatchObject({ tab: 'messages', diffOnly: false, offset: 0 });
    expect(s.detail?.entry.seq).toBe(1);
    s = run(s, ...keys('tab'));
    expect(s.detail?.tab).toBe('packets');
    s = run(s, ...keys('x'));
    expect(s.dump).toBe('hex');
    s = run(s, ...keys('d'));
    expect(s.detail).toMatchObject({ tab: 'messages', diffOnly: true });
    s = run(s, ...keys('escape'));
    expect(s.detail).toBeNull();
    expect(s.screen).toBe('pairs');
  });

  it('scrolls within its lines, and sideways', () => {
    let s = run(start({ size: { columns: 100, rows: 12 } }), pairs([differ]), ...keys('enter', 'G'));
    const lines = geometry({ columns: 100, rows: 12 }).detailRows;
    expect(s.detail?.offset).toBeGreaterThan(0);
    const bottom = s.detail?.offset ?? 0;
    s = run(s, ...keys('j'));
    expect(s.detail?.offset).toBe(bottom);
    s = run(s, ...keys('k', 'g'));
    expect(s.detail?.offset).toBe(0);
    s = run(s, ...keys('right', 'right', 'left'));
    expect(s.detail?.column).toBe(8);
    expect(lines).toBeGreaterThan(0);
  });

  it('n and p walk the list from the detail', () => {
    let s = run(start(), pairs(many(3)), ...keys('enter', 'n', 'n', 'n'));
    expect(s.detail?.entry.seq).toBe(2);
    expect(selectedPair(s)?.seq).toBe(2);
    s = run(s, ...keys('p'));
    expect(s.detail?.entry.seq).toBe(1);
  });
});

describe('screens, help, quitting', () => {
  it('Tab and 1/2/3 switch screens; Esc goes back to the pairs', () => {
    let s = run(start(), ...keys('tab'));
    expect(s.screen).toBe('routes');
    s = run(s, ...keys('tab'));
    expect(s.screen).toBe('others');
    s = run(s, ...keys('shift+tab', '3'));
    expect(s.screen).toBe('others');
    s = run(s, ...keys('escape'));
    expect(s.screen).toBe('pairs');
  });

  it('Enter on a route shows exactly its pairs', () => {
    const e = [entry(0, { target: '/users/1', template: '/users/{id}' }), entry(1, { target: '/get' }), entry(2, { target: '/users/2', template: '/users/{id}' })];
    const stats = new RouteStats();
    for (const x of e) stats.add(x.report);
    let s = run(start(), pairs(e), { kind: 'routes', routes: stats.summary() }, ...keys('2'));
    expect(s.routes.snapshot?.routes[0].key).toBe('GET httpbin:8000 /users/{id}');
    s = run(s, ...keys('enter'));
    expect(s.screen).toBe('pairs');
    expect(s.pairs.filter?.text).toBe('method=GET and host=httpbin:8000 and route=/users/{id}');
    expect(seqs(s)).toEqual([0, 2]);
  });

  it('route filters quote what needs quoting', () => {
    const route = (method: string, host: string | null, template: string) => ({ ...new RouteStats().summary(), key: '', route: { method, host, template } });
    expect(routeFilterText({ ...route('GET', null, '/a b'), pairs: 0 } as never)).toBe('method=GET and host=- and route="/a b"');
    expect(routeFilterText({ ...route('GET', 'h', `/a"b`), pairs: 0 } as never)).toBe(`method=GET and host=h and route='/a"b'`);
  });

  it('? opens the help, which scrolls and closes with Esc or ?', () => {
    let s = run(start(), ...keys('?'));
    expect(s.help).toEqual({ offset: 0 });
    s = run(s, ...keys('j', 'j'));
    expect(s.help).toEqual({ offset: 2 });
    s = run(s, ...keys('?'));
    expect(s.help).toBeNull();
    s = run(s, ...keys('?', 'escape'));
    expect(s.help).toBeNull();
  });

  it('q and Ctrl+C quit from the screens, the detail and the help', () => {
    expect(run(start(), ...keys('q')).quit).toBe(true);
    expect(run(start(), ...keys('ctrl+c')).quit).toBe(true);
    expect(run(start(), pairs(many(1)), ...keys('enter', 'q')).quit).toBe(true);
    expect(run(start(), ...keys('?', 'q')).quit).toBe(true);
  });

  it('a terminal too small shows a message and takes only q', () => {
    const s = run(start({ size: { columns: 30, rows: 8 } }), pairs(many(3)), ...keys('j', 'enter'));
    expect(s.detail).toBeNull();
    expect(run(s, ...keys('q')).quit).toBe(true);
  });

  it('resizing keeps the cursor on screen', () => {
    let s = run(start(), pairs(many(100)), ...keys('G'));
    s = run(s, { kind: 'resize', size: { columns: 80, rows: 10 } });
    const rows = geometry({ columns: 80, rows: 10 }).listRows;
    expect(s.pairs.scroll).toEqual({ cursor: 99, top: 100 - rows });
    expect(s.size).toEqual({ columns: 80, rows: 10 });
  });
});

describe('writing pairs', () => {
  it('w asks for a file; Tab picks the shown pairs or the selected one; Enter asks for the write', () => {
    let s = run(start(), pairs(many(3)), ...keys('/', 'target=/get', 'enter', 'w'));
    expect(s.writePrompt?.scope).toBe('shown');
    expect(s.writePrompt?.field.text).toBe('shadowdump-pairs.har');
    s = run(s, ...keys('enter'));
    expect(s.effect).toMatchObject({ kind: 'write', id: 1, path: 'shadowdump-pairs.har', format: 'har' });
    expect(s.effect?.entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    s = run(s, ...keys('w'));
    expect(s.writePrompt).toBeNull();
    expect(s.message).toEqual({ text: 'a write is still running', tone: 'error' });
    s = run(s, { kind: 'effect-done', id: 1, ok: true, message: 'wrote 3 pairs' });
    expect(s.effect).toBeNull();
    expect(s.message).toEqual({ text: 'wrote 3 pairs', tone: 'info' });
    s = run(s, ...keys('j', 'w', 'tab', 'ctrl+u', 'one.pcap', 'enter'));
    expect(s.effect).toMatchObject({ id: 2, path: 'one.pcap', format: 'pcap' });
    expect(s.effect?.entries.map((e) => e.seq)).toEqual([1]);
  });

  it('from the detail the selected pair is the default; Esc cancels; nothing to write is said', () => {
    let s = run(start(), pairs(many(2)), ...keys('enter', 'w'));
    expect(s.writePrompt?.scope).toBe('selected');
    s = run(s, ...keys('escape'));
    expect(s.writePrompt).toBeNull();
    expect(s.detail).not.toBeNull();
    s = run(start(), ...keys('w', 'enter'));
    expect(s.effect).toBeNull();
    expect(s.message).toEqual({ text: 'no pairs to write', tone: 'error' });
  });
});
