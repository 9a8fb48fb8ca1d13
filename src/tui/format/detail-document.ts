/**
 * The pair detail as lines: what differs first, then the primary's and the shadow's messages
 * side by side (request line and headers, status line, headers, decoded body), rows aligned so
 * that the same header or JSON field sits on the same row, and the rows the comparison found
 * different marked. The diff-only mode keeps only the marked rows. Pure; the component draws
 * these lines into whatever width it has, so the count of lines never depends on the width.
 */
import { formatEndpoint } from '../../core/flow.js';
import type { Exchange, HeaderList } from '../../http/types.js';
import { printable } from '../../render/printable.js';
import type { ReportedDifference } from '../../shadow/verdict.js';
import type { PairEntry } from '../model/pair-entry.js';
import { bodyLines, pathShowsDifference, type BodyLine, type BodyLines } from './body-lines.js';

export type Tone = 'plain' | 'title' | 'primary' | 'shadow' | 'differs' | 'note' | 'dim';

export type DetailLine =
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'sides'; readonly left: string; readonly right: string; readonly differs: boolean; readonly tone: Tone }
  | { readonly kind: 'text'; readonly text: string; readonly tone: Tone };

const heading = (text: string): DetailLine => ({ kind: 'heading', text });
const text = (t: string, tone: Tone = 'plain'): DetailLine => ({ kind: 'text', text: t, tone });
const sides = (left: string, right: string, differs = false, tone: Tone = 'plain'): DetailLine => ({ kind: 'sides', left, right, differs, tone });

/** How far the greedy alignment looks ahead for a row's partner. */
const LOOKAHEAD = 64;

export function differenceText(d: ReportedDifference): string {
  const value = (v: string | null): string => (v === null ? '(absent)' : printable(v));
  const path = d.path === '...' ? 'more' : printable(d.path);
  return `${path}  ${value(d.primary)} | ${value(d.shadow)}${d.noise ? '  (probable noise)' : ''}`;
}

export function messagesDocument(entry: PairEntry, diffOnly: boolean): DetailLine[] {
  const { report } = entry;
  const { pair } = report;
  const out: DetailLine[] = [];
  if (report.differences.length > 0) {
    out.push(heading(`DIFFERENCES (${report.differences.length})`));
    for (const d of report.differences) out.push(text(`  ${differenceText(d)}`, 'differs'));
  }
  if (report.hint !== null) out.push(text(`note: ${printable(report.hint)}`, 'note'));

  const ambiguous = pair.ambiguity !== null;
  const left = ambiguous ? (pair.candidates[0] ?? null) : pair.primary;
  const right = ambiguous ? (pair.candidates[1] ?? null) : pair.shadow;
  const names: [string, string] = ambiguous ? ['CANDIDATE 1', 'CANDIDATE 2'] : ['PRIMARY', 'SHADOW'];
  const rows = sideBySide(left, right, names, report.differences);
  if (diffOnly) {
    const marked = rows.filter((r) => r.kind !== 'sides' || r.differs || r.tone === 'title');
    // A section heading stays only above rows of its own.
    out.push(...marked.filter((r, i) => r.kind !== 'heading' || (marked[i + 1] !== undefined && marked[i + 1].kind !== 'heading')));
    if (report.differences.length === 0) out.push(text(nothingDiffers(entry), 'note'));
  } else out.push(...rows);

  const extra: Array<[string, Exchange]> = [
    ...pair.candidates.slice(2).map((e): [string, Exchange] => ['candidate', e]),
    ...pair.retries.map((e): [string, Exchange] => ['retry', e]),
    ...pair.related.map((e): [string, Exchange] => ['related', e]),
  ];
  if (extra.length > 0 && !diffOnly) {
    out.push(heading('OTHER LEGS'));
    for (const [label, e] of extra) out.push(text(`${label} ${legSummary(e)}`, 'dim'));
  }
  return out;
}

function nothingDiffers(entry: PairEntry): string {
  switch (entry.verdict) {
    case 'match':
      return 'nothing differs: the shadow answered as the primary did';
    case 'shadow-missing':
      return 'no shadow leg was seen: nothing to compare';
    case 'primary-missing':
      return 'no primary leg was seen: nothing to compare';
    default:
      return `not compared (${entry.verdict})`;
  }
}

function legSummary(e: Exchange): string {
  const answer = e.response === null ? 'no response' : String(e.response.status);
  return `${formatEndpoint(e.client)} > ${formatEndpoint(e.server)}: ${printable(e.request.method)} ${printable(e.request.host ?? '-')} ${printable(e.request.target)} -> ${answer}`;
}

function sideBySide(p: Exchange | null, s: Exchange | null, [pName, sName]: [string, string], differences: readonly ReportedDifference[]): DetailLine[] {
  const paths = new Set(differences.map((d) => d.path));
  const title = (name: string, e: Exchange | null): string => (e === null ? `${name} (not seen)` : `${name} ${formatEndpoint(e.client)} > ${formatEndpoint(e.server)}`);
  const out: DetailLine[] = [sides(title(pName, p), title(sName, s), false, 'title')];

  out.push(heading('REQUEST'));
  out.push(sides(p === null ? '' : requestLine(p), s === null ? '' : requestLine(s)));
  out.push(...headerRows(p?.request.headers ?? [], s?.request.headers ?? [], () => false));
  out.push(...bodyRows(p === null ? null : bodyLines(p.request.body), s === null ? null : bodyLines(s.request.body), () => false));

  const pr = p?.response ?? null;
  const sr = s?.response ?? null;
  if (pr === null && sr === null && p === null && s === null) return out;
  out.push(heading('RESPONSE'));
  const statusLine = (e: Exchange | null): string => {
    if (e === null) return '';
    if (e.response === null) return `(no response${e.anomalies.length > 0 ? `: ${e.anomalies.map(printable).join(', ')}` : ''})`;
    return printable(`HTTP/${e.response.version} ${e.response.status} ${e.response.reason}`);
  };
  out.push(sides(statusLine(p), statusLine(s), paths.has('status')));
  out.push(...headerRows(pr?.headers ?? [], sr?.headers ?? [], (name) => paths.has(`header:${name}`)));
  const bodyDiffers = ['body:size', 'body:sha256', 'body:lines'].some((k) => paths.has(k));
  const jsonPaths = differences.filter((d) => d.path.startsWith('$')).map((d) => d.path);
  const marked = (l: BodyLine | null, other: BodyLine | null): boolean => {
    if (l === null && other === null) return false;
    const path = l?.path ?? other?.path ?? null;
    if (path !== null) return jsonPaths.some((d) => pathShowsDifference(path, d));
    const n = l?.lineNumber ?? other?.lineNumber ?? null;
    // Text bodies are compared line by line by number: a row differs when its two lines do.
    return n !== null && (l?.text ?? null) !== (other?.text ?? null);
  };
  out.push(...bodyRows(pr === null ? null : bodyLines(pr.body), sr === null ? null : bodyLines(sr.body), marked, bodyDiffers));
  const cut = (e: Exchange | null): string => (e !== null && !e.complete ? `[incomplete: ${e.anomalies.map(printable).join(', ')}]` : '');
  if (cut(p) !== '' || cut(s) !== '') out.push(sides(cut(p), cut(s), false, 'note'));
  return out;
}

function requestLine(e: Exchange): string {
  const r = e.request;
  return printable(`${r.method} ${r.target} HTTP/${r.version}`);
}

/** Headers aligned by name (the n-th `set-cookie` beside the n-th): the primary's order, then the shadow's extras. */
function headerRows(p: HeaderList, s: HeaderList, differs: (lowerName: string) => boolean): DetailLine[] {
  const shown = (name: string, value: string): string => `${printable(name)}: ${printable(value)}`;
  const unused = s.map(([name, value]) => ({ lower: name.toLowerCase(), text: shown(name, value), used: false }));
  const rows: DetailLine[] = [];
  for (const [name, value] of p) {
    const lower = name.toLowerCase();
    const partner = unused.find((u) => !u.used && u.lower === lower);
    if (partner !== undefined) partner.used = true;
    rows.push(sides(shown(name, value), partner?.text ?? '', differs(lower)));
  }
  for (const u of unused) if (!u.used) rows.push(sides('', u.text, differs(u.lower)));
  return rows;
}

type RowMark = (left: BodyLine | null, right: BodyLine | null) => boolean;

function bodyRows(p: BodyLines | null, s: BodyLines | null, marked: RowMark, wholeBodyDiffers = false): DetailLine[] {
  const pl = p?.lines ?? [];
  const sl = s?.lines ?? [];
  if (pl.length === 0 && sl.length === 0 && (p?.note ?? null) === null && (s?.note ?? null) === null) return [];
  const rows: DetailLine[] = [sides('', '')];
  const label = (b: BodyLines | null): string => (b === null || b.format === 'none' ? '' : `body (${b.format})`);
  rows.push(sides(label(p), label(s), wholeBodyDiffers, 'dim'));
  // Text is compared line by line by number, so it is shown that way; JSON is aligned by path.
  const byIndex = p?.format !== 'json' || s?.format !== 'json';
  for (const [l, r] of byIndex ? alignByIndex(pl, sl) : alignByKey(pl, sl)) rows.push(sides(l?.text ?? '', r?.text ?? '', marked(l, r)));
  if ((p?.note ?? null) !== null || (s?.note ?? null) !== null) rows.push(sides(p?.note ?? '', s?.note ?? '', false, 'note'));
  return rows;
}

function alignByIndex(a: readonly BodyLine[], b: readonly BodyLine[]): Array<[BodyLine | null, BodyLine | null]> {
  const rows: Array<[BodyLine | null, BodyLine | null]> = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) rows.push([a[i] ?? null, b[i] ?? null]);
  return rows;
}

/**
 * Greedy alignment on line keys (JSON paths): equal keys share a row; a key the other side has
 * a little further on waits for it; otherwise the two lines share a row. Linear, which a full
 * diff would not be, and right for documents that differ in a few fields.
 */
export function alignByKey(a: readonly BodyLine[], b: readonly BodyLine[]): Array<[BodyLine | null, BodyLine | null]> {
  const rows: Array<[BodyLine | null, BodyLine | null]> = [];
  let i = 0;
  let j = 0;
  const find = (lines: readonly BodyLine[], from: number, key: string): number => {
    for (let k = from; k < Math.min(lines.length, from + LOOKAHEAD); k++) if (lines[k].key === key) return k;
    return -1;
  };
  while (i < a.length || j < b.length) {
    if (i >= a.length) rows.push([null, b[j++]]);
    else if (j >= b.length) rows.push([a[i++], null]);
    else if (a[i].key === b[j].key) rows.push([a[i++], b[j++]]);
    else {
      const inB = find(b, j, a[i].key);
      const inA = find(a, i, b[j].key);
      if (inB >= 0 && (inA < 0 || inB - j <= inA - i)) while (j < inB) rows.push([null, b[j++]]);
      else if (inA >= 0) while (i < inA) rows.push([a[i++], null]);
      else rows.push([a[i++], b[j++]]);
    }
  }
  return rows;
}
