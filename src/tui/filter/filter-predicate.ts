/**
 * A parsed filter as a test on pair entries. Text comparisons are case-insensitive (`=` whole,
 * `~` contains) against the printable text the list shows; a comparison on a side that has no
 * value (no shadow, no response) is false, and so `!=` on it is false too: `shadow.status!=200`
 * finds shadows that answered something else, not pairs without a shadow.
 */
import { and, compareNumbers, not, or } from '../../core/predicates.js';
import type { PairEntry } from '../model/pair-entry.js';
import type { Comparison, FilterExpr, NumericOperator, Side, TextField } from './filter-language.js';

export type PairPredicate = (entry: PairEntry) => boolean;

export function pairPredicate(expr: FilterExpr): PairPredicate {
  if (expr.kind === 'compare') return comparisonPredicate(expr.comparison);
  if (expr.kind === 'not') return not(pairPredicate(expr.expr));
  const left = pairPredicate(expr.left);
  const right = pairPredicate(expr.right);
  return expr.kind === 'and' ? and(left, right) : or(left, right);
}

function comparisonPredicate(c: Comparison): PairPredicate {
  switch (c.kind) {
    case 'verdict':
      return c.op === '=' ? (e) => e.verdict === c.verdict : (e) => e.verdict !== c.verdict;
    case 'status': {
      const inRange = (s: number | null): boolean => s !== null && s >= c.min && s <= c.max;
      const test = (s: number | null): boolean => {
        if (s === null) return false;
        switch (c.op) {
          case '=':
            return inRange(s);
          case '!=':
            return !inRange(s);
          default:
            return compareNumbers(s, c.op as NumericOperator, c.min);
        }
      };
      return sided(c.side, (e) => e.primaryStatus, (e) => e.shadowStatus, test);
    }
    case 'latency': {
      const test = (v: number | null): boolean => v !== null && compareNumbers(v, c.op, c.micros);
      if (c.side === 'delta') return (e) => test(e.slowerBy);
      return sided(c.side, (e) => e.primaryLatency, (e) => e.shadowLatency, test);
    }
    case 'text': {
      const wanted = c.value.toLowerCase();
      const values = textValues(c.field);
      const one = (v: string): boolean => (c.op === '=' || c.op === '!=' ? v.toLowerCase() === wanted : v.toLowerCase().includes(wanted));
      const negated = c.op === '!=' || c.op === '!~';
      return (e) => values(e).some(one) !== negated;
    }
  }
}

function sided(side: Side, primary: (e: PairEntry) => number | null, shadow: (e: PairEntry) => number | null, test: (v: number | null) => boolean): PairPredicate {
  if (side === 'primary') return (e) => test(primary(e));
  if (side === 'shadow') return (e) => test(shadow(e));
  return (e) => test(primary(e)) || test(shadow(e));
}

function textValues(field: TextField): (e: PairEntry) => readonly string[] {
  switch (field) {
    case 'method':
      return (e) => [e.method];
    case 'host':
      return (e) => [e.host];
    case 'route':
      return (e) => [e.template];
    case 'target':
      return (e) => [e.target];
    case 'id':
      return (e) => [e.id];
    case 'diff':
      return (e) => e.report.differences.map((d) => d.path);
    case 'anomaly':
      return (e) => e.anomalies;
  }
}
