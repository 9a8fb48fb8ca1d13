/** The run's counters as the status bar and the routes screen show them (made by the feed). */
import type { RouteStatsSummary } from '../../shadow/route-stats.js';
import type { Verdict } from '../../shadow/verdict.js';

export interface RunStats {
  /** Capture file name(s). */
  readonly source: string;
  readonly packets: number;
  readonly exchanges: number;
  /** Pairs reported in the run, kept or not. */
  readonly pairs: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** Mirrored / (mirrored + shadow-missing), as the summary computes it; null before any. */
  readonly mirrorRate: number | null;
  /** Anomalies counted by every stage. */
  readonly anomalies: number;
}

/** Per-route statistics of the whole run; refreshed less often than RunStats. */
export type RoutesSnapshot = RouteStatsSummary;
