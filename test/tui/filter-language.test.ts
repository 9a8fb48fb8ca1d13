import { describe, expect, it } from 'vitest';
import { parseFilter, type FilterExpr } from '../../src/tui/filter/filter-language.js';
import { pairPredicate } from '../../src/tui/filter/filter-predicate.js';
import type { PairEntry } from '../../src/tui/model/pair-entry.js';
import { entry } from './helpers/entries.js';

function expr(text: string): FilterExpr | null {
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  return parsed.expr;
}

function error(text: string): { message: string; at: number } {
  const parsed = parseFilter(text);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return parsed.error;
}

function matching(text: string, entries: readonly PairEntry[]): number[] {
  const e = expr(text);
  const test = e === null ? () => true : pairPredicate(e);
  return entries.filter(test).map((x) => x.seq);
}

const differBody = { body: '{"score":70}', shadowBody: '{"score":71}', report: { differences: [{ kind: 'body' as const, path: '$.score', primary: '70', shadow: '71', noise: false }] } };
const entries: PairEntry[] = [
  entry(0, { target: '/users/1', template: '/users/{id}', latency: 2 }),
  entry(1, { target: '/users/2', template: '/users/{id}', ...differBody }),
  entry(2, { target: '/status/503', template: '/status/{id}', shadowStatus: 503, report: { verdict: 'shadow-error' } }),
  entry(3, { method: 'POST', target: '/post', latency: 150, shadowLatency: 400 }),
  entry(4, { target: '/legacy', shadowStatus: 'none', status: 404 }),
  entry(5, { host: 'reviews.default.svc.cluster.local:9080', target: '/users/9', template: '/users/{id}', status: 500 }),
];

describe('filter language: parsing', () => {
  it('an empty filter is no filter', () => {
    expect(expr('')).toBeNull();
    expect(expr('   ')).toBeNull();
  });

  it('comparisons with every operator, with or without spaces', () => {
    expect(expr('verdict=differ')).toEqual({ kind: 'compare', comparison: { kind: 'verdict', op: '=', verdict: 'differ' } });
    expect(expr('status >= 500')).toEqual({ kind: 'compare', comparison: { kind: 'status', side: 'either', op: '>=', min: 500, max: 500 } });
    expect(expr('shadow.status=5xx')).toEqual({ kind: 'compare', comparison: { kind: 'status', side: 'shadow', op: '=', min: 500, max: 599 } });
    expect(expr('latency>100ms')).toEqual({ kind: 'compare', comparison: { kind: 'latency', side: 'either', op: '>', micros: 100_000 } });
    expect(expr('delta>-1.5s')).toEqual({ kind: 'compare', comparison: { kind: 'latency', side: 'delta', op: '>', micros: -1_500_000 } });
    expect(expr('primary.latency<=250us')).toEqual({ kind: 'compare', comparison: { kind: 'latency', side: 'primary', op: '<=', micros: 250 } });
    expect(expr('latency>20')).toEqual({ kind: 'compare', comparison: { kind: 'latency', side: 'either', op: '>', micros: 20_000 } });
    expect(expr('route~/users')).toEqual({ kind: 'compare', comparison: { kind: 'text', field: 'route', op: '~', value: '/users' } });
    expect(expr('host!~"svc cluster"')).toEqual({ kind: 'compare', comparison: { kind: 'text', field: 'host', op: '!~', value: 'svc cluster' } });
    expect(expr("route='/users/{id}'")).toEqual({ kind: 'compare', comparison: { kind: 'text', field: 'route', op: '=', value: '/users/{id}' } });
  });

  it('not binds tighter than and, and tighter than or; parentheses group', () => {
    const v = (verdict: 'match' | 'differ' | 'shadow-error'): FilterExpr => ({ kind: 'compare', comparison: { kind: 'verdict', op: '=', verdict } });
    expect(expr('verdict=match or verdict=differ and not verdict=shadow-error')).toEqual({
      kind: 'or',
      left: v('match'),
      right: { kind: 'and', left: v('differ'), right: { kind: 'not', expr: v('shadow-error') } },
    });
    expect(expr('(verdict=match || verdict=differ) && !verdict=shadow-error')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: v('match'), right: v('differ') },
      right: { kind: 'not', expr: v('shadow-error') },
    });
    expect(expr('VERDICT=Differ AND NOT Method=get')).not.toBeNull();
  });

  it('says what is wrong and where, never throws', () => {
    expect(error('verdict=diffr')).toEqual({ message: 'unknown verdict "diffr": one of match, differ, shadow-error, shadow-missing, primary-missing, incomplete, ambiguous', at: 8 });
    expect(error('stauts=500').message).toMatch(/^unknown field "stauts": one of verdict, status, /);
    expect(error('status>=5O0')).toEqual({ message: 'expected a status such as 503 or 5xx, got "5O0"', at: 8 });
    expect(error('status>5xx').message).toBe('a status class (5xx) takes = or !=');
    expect(error('latency>fast').message).toBe('expected a duration such as 100ms, 1.5s or 250us, got "fast"');
    expect(error('method>GET').message).toBe('method takes = != ~ !~');
    expect(error('verdict~diff').message).toBe('verdict takes = or !=');
    expect(error('verdict')).toEqual({ message: 'expected an operator after verdict (= != < <= > >= ~ !~)', at: 7 });
    expect(error('verdict=')).toEqual({ message: 'expected a value after verdict', at: 8 });
    expect(error('verdict=differ method=GET')).toEqual({ message: 'expected "and" or "or" before "method=GET"', at: 15 });
    expect(error('(verdict=differ')).toEqual({ message: 'missing )', at: 0 });
    expect(error('verdict=differ)')).toEqual({ message: 'unmatched )', at: 14 });
    expect(error('verdict=differ and')).toEqual({ message: 'expected a comparison such as verdict=differ', at: 18 });
    expect(error('host="open')).toEqual({ message: 'unterminated "', at: 5 });
    expect(error('=5').message).toBe('expected a field name, got "=5"');
  });

  it('every prefix of a valid filter either parses or explains itself', () => {
    const text = '(verdict=differ or shadow.status>=500) and not route~"/users" and latency>100ms';
    for (let i = 0; i <= text.length; i++) {
      const parsed = parseFilter(text.slice(0, i));
      if (!parsed.ok) expect(parsed.error.message.length).toBeGreaterThan(0);
    }
    expect(parseFilter(text).ok).toBe(true);
  });

  it('never throws on arbitrary input', () => {
    const alphabet = ['verdict', 'status', '=', '!', '~', '<', '>', '(', ')', '"', "'", ' ', 'and', 'or', 'not', '5xx', '100ms', 'x', '\\', '\x1b[2J'];
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(() => parseFilter(text)).not.toThrow();
    }
  });
});

describe('filter language: matching pairs', () => {
  it('verdict, route, method, host and target', () => {
    expect(matching('verdict=differ', entries)).toEqual([1]);
    expect(matching('verdict!=match', entries)).toEqual([1, 2, 4]);
    expect(matching('route~/users', entries)).toEqual([0, 1, 5]);
    expect(matching('route="/users/{id}" and host~reviews', entries)).toEqual([5]);
    expect(matching('method=post', entries)).toEqual([3]);
    expect(matching('target=/users/2', entries)).toEqual([1]);
  });

  it('status: either side, a named side, classes; a missing side never matches', () => {
    expect(matching('status>=500', entries)).toEqual([2, 5]);
    expect(matching('shadow.status=503', entries)).toEqual([2]);
    expect(matching('primary.status=5xx', entries)).toEqual([5]);
    expect(matching('shadow.status!=200', entries)).toEqual([2, 5]);
    expect(matching('status=404', entries)).toEqual([4]);
  });

  it('latency of either side, of one side, and how much slower the shadow was', () => {
    expect(matching('latency>100ms', entries)).toEqual([3]);
    expect(matching('shadow.latency>300ms', entries)).toEqual([3]);
    expect(matching('primary.latency>=2ms and primary.latency<3ms', entries)).toEqual([0]);
    expect(matching('delta>200ms', entries)).toEqual([3]);
  });

  it('differing fields and combinations', () => {
    expect(matching('diff~score', entries)).toEqual([1]);
    expect(matching('diff=$.score', entries)).toEqual([1]);
    expect(matching('(verdict=differ or verdict=shadow-error) and not route~users', entries)).toEqual([2]);
    expect(matching('verdict=shadow-missing or status>=500 and host~reviews', entries)).toEqual([4, 5]);
  });
});
