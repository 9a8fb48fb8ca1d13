/**
 * The status bar's parts, most important first (the bar is clipped on the right): the counts
 * of the whole run by verdict, the mirror rate, the reading state, what the bounds let go, the
 * packet count and the source.
 */
import { VERDICTS, type Verdict } from '../../shadow/verdict.js';
import type { TuiState } from '../state/state.js';

export interface StatusPart {
  readonly text: string;
  readonly verdict?: Verdict;
  readonly alert?: boolean;
}

const thousands = (n: number): string => n.toLocaleString('en-US');

export function statusParts(state: TuiState): StatusPart[] {
  const { stats, store } = state;
  const parts: StatusPart[] = [{ text: ` ${thousands(stats.pairs)} pairs:` }];
  for (const v of VERDICTS) if (stats.verdicts[v] > 0) parts.push({ text: ` ${thousands(stats.verdicts[v])} ${v}`, verdict: v });
  if (stats.mirrorRate !== null) parts.push({ text: `  mirror ${(stats.mirrorRate * 100).toFixed(1)}%` });
  parts.push({ text: state.failure !== null ? '  read error' : state.ended ? '  done' : '  reading...', alert: state.failure !== null });
  if (store.dropped > 0) {
    // Which bound let them go: the count (--max-pairs) or the memory budget.
    const cap = store.entries.length >= state.limits.maxPairs ? `cap ${thousands(state.limits.maxPairs)} pairs` : `memory cap ${Math.round(state.limits.maxBytes / 1e6)} MB`;
    parts.push({ text: `  kept ${thousands(store.entries.length)}, dropped ${thousands(store.dropped)} (${cap})`, alert: true });
  }
  parts.push({ text: `  ${thousands(stats.packets)} packets  ${thousands(stats.exchanges)} exchanges` });
  if (stats.anomalies > 0) parts.push({ text: `  ${thousands(stats.anomalies)} anomalies` });
  parts.push({ text: `  ${stats.source}` });
  return parts;
}
