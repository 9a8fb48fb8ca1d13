import { describe, expect, it } from 'vitest';
import { evaluateGate, parseGate, type GateInput } from './gate.js';
import { VERDICTS, type Verdict } from './verdict.js';

function input(counts: Partial<Record<Verdict, number>>, mirrorRate: number | null = null): GateInput {
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, counts[v] ?? 0])) as Record<Verdict, number>;
  return { pairs: Object.values(verdicts).reduce((a, b) => a + b, 0), verdicts, mirrorRate };
}

describe('--fail-on conditions', () => {
  it('counts and percentages, every operator', () => {
    const run = input({ match: 90, differ: 8, 'shadow-error': 2 }, 0.95);
    const holds = (text: string) => evaluateGate(parseGate(text), run).length === 1;
    expect(holds('differ>7')).toBe(true);
    expect(holds('differ>8')).toBe(false);
    expect(holds('differ>=8')).toBe(true);
    expect(holds('differ=8')).toBe(true);
    expect(holds('differ>7.5%')).toBe(true);
    expect(holds('differ>8%')).toBe(false);
    expect(holds('match<90.5%')).toBe(true);
    expect(holds('match<=89%')).toBe(false);
    expect(holds('mirror-rate<96%')).toBe(true);
    expect(holds('mirror-rate<95%')).toBe(false);
    expect(holds(' shadow-error > 1 ')).toBe(true);
  });

  it('several conditions in one value; each that holds is reported with its measure', () => {
    expect(evaluateGate(parseGate('differ>1%,shadow-error>0,incomplete>0'), input({ match: 3, differ: 1, 'shadow-error': 1 }))).toEqual([
      'differ>1%: 20.00% (1 of 5 pairs)',
      'shadow-error>0: 1',
    ]);
  });

  it('a percentage of nothing does not hold (no pairs, no primaries)', () => {
    expect(evaluateGate(parseGate('differ>0%,mirror-rate<100%'), input({}))).toEqual([]);
    expect(evaluateGate(parseGate('differ>=0'), input({}))).toEqual(['differ>=0: 0']);
  });

  it('unreadable conditions are usage errors that show the form', () => {
    expect(() => parseGate('differ')).toThrow(/cannot read "differ": write VERDICT>N/);
    expect(() => parseGate('differ>1%%')).toThrow(/cannot read/);
    expect(() => parseGate('errors>1')).toThrow(/unknown "errors"/);
    expect(() => parseGate('mirror-rate<90')).toThrow(/mirror-rate is a percentage/);
  });
});
