/**
 * The pair list's columns: fixed widths for everything but the target, which takes what is
 * left; narrow terminals get millisecond times, wide ones a host column. Pure text, so the
 * component only colours the verdict.
 */
import type { PairEntry } from '../model/pair-entry.js';
import { fit, fitRight } from './text.js';

export interface ListColumns {
  readonly time: number;
  readonly method: number;
  readonly host: number;
  readonly target: number;
  readonly status: number;
  readonly latency: number;
  readonly verdict: number;
  readonly marks: number;
}

const METHOD = 7;
const STATUS = 3;
const LATENCY = 7;
const VERDICT = 15;
const MARKS = 3;
const MIN_TARGET = 8;

export function listColumns(width: number): ListColumns {
  const time = width >= 100 ? 15 : 12;
  const host = width >= 150 ? 28 : 0;
  // A cursor column, then the columns with one space between them.
  const fixed = 1 + time + 1 + METHOD + 1 + (host > 0 ? host + 1 : 0) + 1 + 2 * (STATUS + 1) + 2 * (LATENCY + 1) + VERDICT + 1 + MARKS;
  return { time, method: METHOD, host, target: Math.max(MIN_TARGET, width - fixed), status: STATUS, latency: LATENCY, verdict: VERDICT, marks: MARKS };
}

export interface RowText {
  /** Cursor mark through the shadow's latency, with the trailing space. */
  readonly before: string;
  readonly verdict: string;
  /** A space and the marks. */
  readonly after: string;
}

const status = (s: number | null): string => (s === null ? '-' : String(s));

function cells(c: ListColumns, time: string, method: string, host: string, target: string, p: string, s: string, pl: string, sl: string): string {
  const hostCell = c.host > 0 ? `${fit(host, c.host)} ` : '';
  return `${fit(time, c.time)} ${fit(method, c.method)} ${hostCell}${fit(target, c.target)} ${fitRight(p, c.status)} ${fitRight(s, c.status)} ${fitRight(pl, c.latency)} ${fitRight(sl, c.latency)} `;
}

export function listHeader(c: ListColumns): string {
  return ` ${cells(c, 'TIME', 'METHOD', 'HOST', 'TARGET', 'PRI', 'SHD', 'PRI-LAT', 'SHD-LAT')}${fit('VERDICT', c.verdict)} ${fit('!R+', c.marks)}`;
}

export function rowText(entry: PairEntry, c: ListColumns, selected: boolean): RowText {
  const time = c.time < 15 ? entry.time.slice(0, c.time) : entry.time;
  return {
    before: `${selected ? '>' : ' '}${cells(c, time, entry.method, entry.host, entry.target, status(entry.primaryStatus), status(entry.shadowStatus), entry.primaryLatencyText, entry.shadowLatencyText)}`,
    verdict: fit(entry.verdict, c.verdict),
    after: ` ${fit(entry.marks, c.marks)}`,
  };
}
