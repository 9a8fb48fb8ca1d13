/**
 * The NDJSON pair record of DESIGN.md: `{"type":"pair","id","verdict","primary","shadow","diff"}`,
 * plus the route, a hint when the verdict needs one, the shadow's extra latency, and the other
 * legs (retries, related, the candidates of an ambiguous pair) as exchange records.
 *
 * pairRecord is the record as an object; pairJson/pairJsonBytes write the same record as
 * ndjsonLine(pairRecord(report)) would, straight into exchange-json.ts's byte buffer, with each
 * exchange written by the same writer as `--view exchanges`: no record object, no
 * JSON.stringify, no string pieces to join (pair-json.test.ts checks the two agree).
 */
import type { Exchange } from '../http/types.js';
import type { Role } from '../shadow/classify.js';
import { routeKey, type PairReport, type ReportedDifference } from '../shadow/verdict.js';
import {
  asciiBytes,
  exchangeRecord,
  recordBytes,
  recordText,
  startRecord,
  writeBytes,
  writeExchange,
  writeMillis,
  writeString,
  writeStringOrNull,
} from './exchange-json.js';
import { latencyMicros } from '../http/latency.js';

/** Shadow latency minus primary latency, in microseconds; null unless both answered. */
function shadowSlowerMicros(report: PairReport): number | null {
  const { primary, shadow } = report.pair;
  const p = primary === null ? null : latencyMicros(primary);
  const s = shadow === null ? null : latencyMicros(shadow);
  return p === null || s === null ? null : s - p;
}

/** The pair record as an object (the reference the writer below is tested against). */
export function pairRecord(report: PairReport): Record<string, unknown> {
  const { pair, route, verdict, hint, differences } = report;
  const slower = shadowSlowerMicros(report);
  const legs = (list: readonly Exchange[], role: Role) => list.map((e) => exchangeRecord(e, role));
  return {
    type: 'pair',
    id: pair.id,
    verdict,
    route: routeKey(route),
    method: route.method,
    host: route.host,
    template: route.template,
    hint,
    shadowSlowerMs: slower === null ? null : Math.round(slower) / 1000,
    diff: differences,
    primary: pair.primary === null ? null : exchangeRecord(pair.primary, 'primary'),
    shadow: pair.shadow === null ? null : exchangeRecord(pair.shadow, 'shadow'),
    ...(pair.retries.length > 0 ? { retries: legs(pair.retries, 'primary') } : {}),
    ...(pair.related.length > 0 ? { related: legs(pair.related, 'other') } : {}),
    ...(pair.candidates.length > 0 ? { candidates: legs(pair.candidates, 'other') } : {}),
  };
}

/** The pair record as JSON text (no newline). */
export function pairJson(report: PairReport): string {
  writePair(report);
  return recordText();
}

/** The pair record as JSON bytes (no newline): a view of the writer's buffer, valid until the next record is written. */
export function pairJsonBytes(report: PairReport): Buffer {
  writePair(report);
  return recordBytes();
}

const K_TYPE_ID = asciiBytes('{"type":"pair","id":');
const K_VERDICT = asciiBytes(',"verdict":');
const K_ROUTE = asciiBytes(',"route":');
const K_METHOD = asciiBytes(',"method":');
const K_HOST = asciiBytes(',"host":');
const K_TEMPLATE = asciiBytes(',"template":');
const K_HINT = asciiBytes(',"hint":');
const K_SHADOW_SLOWER = asciiBytes(',"shadowSlowerMs":');
const K_DIFF = asciiBytes(',"diff":');
const K_PRIMARY = asciiBytes(',"primary":');
const K_SHADOW = asciiBytes(',"shadow":');
const K_RETRIES = asciiBytes(',"retries":[');
const K_RELATED = asciiBytes(',"related":[');
const K_CANDIDATES = asciiBytes(',"candidates":[');
const EMPTY_LIST = asciiBytes('[]');
const NULL = asciiBytes('null');
const COMMA = asciiBytes(',');
const CLOSE_LIST = asciiBytes(']');
const CLOSE_RECORD = asciiBytes('}');

function writePair(report: PairReport): void {
  const { pair, route, verdict, hint, differences } = report;
  startRecord();
  writeBytes(K_TYPE_ID);
  writeString(pair.id);
  writeBytes(K_VERDICT);
  writeString(verdict);
  writeBytes(K_ROUTE);
  writeString(routeKey(route));
  writeBytes(K_METHOD);
  writeString(route.method);
  writeBytes(K_HOST);
  writeStringOrNull(route.host);
  writeBytes(K_TEMPLATE);
  writeString(route.template);
  writeBytes(K_HINT);
  writeStringOrNull(hint);
  writeBytes(K_SHADOW_SLOWER);
  writeMillis(shadowSlowerMicros(report));
  writeBytes(K_DIFF);
  writeDifferences(differences);
  writeBytes(K_PRIMARY);
  writeLeg(pair.primary, 'primary');
  writeBytes(K_SHADOW);
  writeLeg(pair.shadow, 'shadow');
  writeLegs(K_RETRIES, pair.retries, 'primary');
  writeLegs(K_RELATED, pair.related, 'other');
  writeLegs(K_CANDIDATES, pair.candidates, 'other');
  writeBytes(CLOSE_RECORD);
}

const K_KIND = asciiBytes('{"kind":');
const K_PATH = asciiBytes(',"path":');
const K_DIFF_PRIMARY = asciiBytes(',"primary":');
const K_DIFF_SHADOW = asciiBytes(',"shadow":');
const K_NOISE_TRUE = asciiBytes(',"noise":true}');
const K_NOISE_FALSE = asciiBytes(',"noise":false}');
const OPEN_LIST = asciiBytes('[');

/** `[{"kind","path","primary","shadow","noise"},...]`: the fields of a ReportedDifference, in the order PairAnalyzer makes them. */
function writeDifferences(differences: readonly ReportedDifference[]): void {
  if (differences.length === 0) {
    writeBytes(EMPTY_LIST);
    return;
  }
  writeBytes(OPEN_LIST);
  for (let i = 0; i < differences.length; i++) {
    const d = differences[i];
    if (i > 0) writeBytes(COMMA);
    writeBytes(K_KIND);
    writeString(d.kind);
    writeBytes(K_PATH);
    writeString(d.path);
    writeBytes(K_DIFF_PRIMARY);
    writeStringOrNull(d.primary);
    writeBytes(K_DIFF_SHADOW);
    writeStringOrNull(d.shadow);
    writeBytes(d.noise ? K_NOISE_TRUE : K_NOISE_FALSE);
  }
  writeBytes(CLOSE_LIST);
}

function writeLeg(e: Exchange | null, role: Role): void {
  if (e === null) writeBytes(NULL);
  else writeExchange(e, role);
}

/** `,"name":[exchange,...]`, left out when there are none. */
function writeLegs(key: Uint8Array, legs: readonly Exchange[], role: Role): void {
  if (legs.length === 0) return;
  writeBytes(key);
  for (let i = 0; i < legs.length; i++) {
    if (i > 0) writeBytes(COMMA);
    writeExchange(legs[i], role);
  }
  writeBytes(CLOSE_LIST);
}
