import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allCaptures } from '../../test/helpers/captures.js';
import { captureExchanges } from '../../test/http/capture-exchanges.js';
import { exchange as buildExchange } from '../../test/helpers/exchange-builder.js';
import type { Exchange } from '../http/types.js';
import { PairAnalyzer } from '../shadow/pair-analyzer.js';
import { parseShadowDestination } from '../shadow/shadow-destination.js';
import { VERDICTS, type PairReport, type ReportedDifference } from '../shadow/verdict.js';
import { exchangeJson, ndjsonLine } from './exchange-json.js';
import { pairJson, pairJsonBytes, pairRecord } from './pair-json.js';

/** What the writer must produce: the record object through JSON.stringify. */
const reference = (r: PairReport): string => ndjsonLine(pairRecord(r));

function expectWritten(r: PairReport, label?: string): void {
  const want = reference(r);
  expect(pairJson(r), label).toBe(want);
  expect(pairJsonBytes(r).toString('latin1'), label).toBe(want);
}

describe('pairJson', () => {
  it('is ndjsonLine(pairRecord(report)), byte for byte, on every pair of every capture', async () => {
    let checked = 0;
    for (const path of allCaptures()) {
      const { exchanges } = await captureExchanges(path);
      for (const shadowDestinations of [[], [parseShadowDestination('10.233.75.13')]]) {
        const reports: PairReport[] = [];
        const analyzer = new PairAnalyzer((r) => reports.push(r), { correlation: { shadowDestinations } });
        for (const e of exchanges) analyzer.add(e);
        analyzer.finish();
        for (const r of reports) expectWritten(r, path);
        checked += reports.length;
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 120_000);

  it('is ndjsonLine(pairRecord(report)), byte for byte, on generated reports', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', minLength: 30, maxLength: 80 }),
      fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\x00', '\x7f', '\xff', '\u2028', '\ud800', 'a'), maxLength: 8 }),
    );
    const leg = fc.record({ at: fc.double({ min: 0, max: 10, noNaN: true }), target: text, host: text, latency: fc.double({ min: -5, max: 5, noNaN: true }) }).map(
      (o): Exchange => buildExchange({ at: o.at, target: o.target, host: o.host, latency: o.latency }),
    );
    const legs = fc.array(leg, { maxLength: 2 });
    const difference: fc.Arbitrary<ReportedDifference> = fc.record({
      kind: fc.constantFrom('status', 'header', 'body'),
      path: text,
      primary: fc.option(text),
      shadow: fc.option(text),
      noise: fc.boolean(),
    });
    const report: fc.Arbitrary<PairReport> = fc.record({
      id: text,
      primary: fc.option(leg),
      shadow: fc.option(leg),
      related: legs,
      retries: legs,
      candidates: legs,
      method: text,
      host: fc.option(text),
      template: text,
      verdict: fc.constantFrom(...VERDICTS),
      hint: fc.option(text),
      differences: fc.array(difference, { maxLength: 3 }),
    }).map((o) => ({
      pair: { id: o.id, primary: o.primary, shadow: o.shadow, related: o.related, retries: o.retries, candidates: o.candidates, ambiguity: null, state: 'paired' },
      route: { method: o.method, host: o.host, template: o.template },
      verdict: o.verdict,
      hint: o.hint,
      differences: o.differences,
    }));
    fc.assert(
      fc.property(report, (r) => expectWritten(r)),
      { numRuns: 500 },
    );
  });

  it('leaves the exchange writer as it was: an exchange record after a pair record is the same text', () => {
    const e = buildExchange({ at: 1 });
    const before = exchangeJson(e, 'primary');
    pairJson({ pair: { id: 'x', primary: e, shadow: e, related: [], retries: [], candidates: [], ambiguity: null, state: 'paired' }, route: { method: 'GET', host: null, template: '/' }, verdict: 'match', hint: null, differences: [] });
    expect(exchangeJson(e, 'primary')).toBe(before);
  });
});
