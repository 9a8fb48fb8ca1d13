/**
 * The NDJSON pair record of DESIGN.md: `{"type":"pair","id","verdict","primary","shadow","diff"}`,
 * plus the route, a hint when the verdict needs one, the shadow's extra latency, and the other
 * legs (retries, related, the candidates of an ambiguous pair) as exchange records. Composed from
 * exchangeJson text so that each exchange is serialised once, by the same writer as
 * `--view exchanges`.
 */
import type { Exchange } from '../http/types.js';
import type { Role } from '../shadow/classify.js';
import { routeKey, type PairReport } from '../shadow/verdict.js';
import { exchangeJson, ndjsonLine } from './exchange-json.js';
import { latencyMicros } from '../http/latency.js';

const legJson = (e: Exchange | null, role: Role): string => (e === null ? 'null' : exchangeJson(e, role));
const legsJson = (legs: readonly Exchange[], role: Role): string => `[${legs.map((e) => exchangeJson(e, role)).join(',')}]`;

export function pairJson(report: PairReport): string {
  const { pair, route, verdict, hint, differences } = report;
  const p = pair.primary === null ? null : latencyMicros(pair.primary);
  const s = pair.shadow === null ? null : latencyMicros(pair.shadow);
  const head = ndjsonLine({
    type: 'pair',
    id: pair.id,
    verdict,
    route: routeKey(route),
    method: route.method,
    host: route.host,
    template: route.template,
    hint,
    shadowSlowerMs: p === null || s === null ? null : Math.round(s - p) / 1000,
    diff: differences,
  });
  const extra = [
    pair.retries.length > 0 ? `,"retries":${legsJson(pair.retries, 'primary')}` : '',
    pair.related.length > 0 ? `,"related":${legsJson(pair.related, 'other')}` : '',
    pair.candidates.length > 0 ? `,"candidates":${legsJson(pair.candidates, 'other')}` : '',
  ].join('');
  return `${head.slice(0, -1)},"primary":${legJson(pair.primary, 'primary')},"shadow":${legJson(pair.shadow, 'shadow')}${extra}}`;
}
