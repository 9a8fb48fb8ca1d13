/**
 * `--fail-on`: conditions over the run's verdict counts that turn shadowdump into a CI gate.
 *   differ>1%           more than 1% of the pairs differ
 *   shadow-error>0      any shadow 5xx or reset where the primary succeeded
 *   mirror-rate<99%     fewer than 99% of the primaries were mirrored
 * A count is compared as it is; a percentage against the share of all pairs (of mirrorable
 * primaries for mirror-rate). Several conditions: comma-separated or --fail-on repeated; any one
 * that holds fails the run.
 */
import { UsageError } from '../core/errors.js';
import { VERDICTS, type Verdict } from './verdict.js';

/** Exit code when a --fail-on condition holds (0 done, 1 error, 2 usage are taken). */
export const GATE_EXIT_CODE = 3;

type Metric = Verdict | 'mirror-rate';
type Operator = '>' | '>=' | '<' | '<=' | '=';

export interface GateCondition {
  readonly text: string;
  readonly metric: Metric;
  readonly operator: Operator;
  readonly value: number;
  readonly percent: boolean;
}

export interface GateInput {
  readonly pairs: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** Mirrored share of primaries in [0, 1], or null when there were none. */
  readonly mirrorRate: number | null;
}

const CONDITION = /^\s*([a-z-]+)\s*(>=|<=|>|<|=)\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/;

export function parseGate(text: string): GateCondition[] {
  return text.split(',').map((part) => {
    const m = CONDITION.exec(part);
    if (m === null) throw new UsageError(`--fail-on: cannot read "${part.trim()}": write VERDICT>N or VERDICT>N% (e.g. differ>1%, shadow-error>0, mirror-rate<99%)`);
    const metric = m[1];
    if (metric !== 'mirror-rate' && !(VERDICTS as readonly string[]).includes(metric)) {
      throw new UsageError(`--fail-on: unknown "${metric}": use one of ${[...VERDICTS, 'mirror-rate'].join(', ')}`);
    }
    const percent = m[4] === '%';
    if (metric === 'mirror-rate' && !percent) throw new UsageError('--fail-on: mirror-rate is a percentage (e.g. mirror-rate<99%)');
    return { text: part.trim(), metric: metric as Metric, operator: m[2] as Operator, value: Number(m[3]), percent };
  });
}

/** The measured value of a condition's metric: a count, or a percentage (null: nothing to divide). */
function measure(c: GateCondition, input: GateInput): number | null {
  if (c.metric === 'mirror-rate') return input.mirrorRate === null ? null : input.mirrorRate * 100;
  const count = input.verdicts[c.metric];
  if (!c.percent) return count;
  return input.pairs === 0 ? null : (count / input.pairs) * 100;
}

function holds(value: number, operator: Operator, limit: number): boolean {
  switch (operator) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '=':
      return value === limit;
  }
}

/** The conditions that hold, each with a one-line reason ("differ>1%: 3.2% (16 of 500 pairs)"). */
export function evaluateGate(conditions: readonly GateCondition[], input: GateInput): string[] {
  const failed: string[] = [];
  for (const c of conditions) {
    const value = measure(c, input);
    if (value === null || !holds(value, c.operator, c.value)) continue;
    const shown = c.percent ? `${value.toFixed(2)}%` : String(value);
    const of = c.metric === 'mirror-rate' ? '' : c.percent ? ` (${input.verdicts[c.metric as Verdict]} of ${input.pairs} pairs)` : '';
    failed.push(`${c.text}: ${shown}${of}`);
  }
  return failed;
}
