import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatEndpoint } from '../../src/core/flow.js';
import type { Micros } from '../../src/core/time.js';
import type { Exchange } from '../../src/http/types.js';

/**
 * tshark's HTTP view of a capture, as lines comparable with ours. One line per message, or per
 * group of messages when several end in the same frame (tshark then lists them comma-joined):
 *
 *   `10.0.0.1:4000 > 10.0.0.2:80 request @1700000000.123456 GET /path`
 *   `10.0.0.1:4000 > 10.0.0.2:80 response @1700000000.234567 200 to @1700000000.123456`
 *
 * Times are those of the frame that completes the message (tshark reports a reassembled
 * message in its last frame; we end a message at the last packet carrying its bytes); a
 * response names the time of its request (tshark's http.request_in), so the pairing is
 * compared too. Endpoints are always written client > server.
 */

const FIELDS = [
  'frame.number', 'tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport',
  'http.request.method', 'http.request.uri', 'http.request.version', 'http.host', 'http.response.code',
  'http.response.phrase', 'http.request_in', 'http.response_in', 'http.content_length',
  'http.transfer_encoding', 'http.content_encoding', 'http.request.line', 'http.response.line',
] as const;

type Row = Record<(typeof FIELDS)[number], string>;

/**
 * Same command as the public corpus' oracle/generate_oracles.py, plus out-of-order reassembly:
 * the lab's lossy-unseen capture has holes filled later by retransmissions, which tshark's
 * default preferences do not put back in order (it then misses 3 requests and 3 responses).
 */
const TSHARK_PREFS = ['-o', 'tcp.desegment_tcp_streams:TRUE', '-o', 'http.desegment_body:TRUE', '-o', 'tcp.reassemble_out_of_order:TRUE'];

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** Rows of the precomputed oracle (public corpus), or of tshark run now (lab captures). */
export function tsharkRows(capture: string): Row[] {
  const precomputed = join(dirname(capture), 'oracle', `${basename(capture)}.http.tsv`);
  if (existsSync(precomputed)) {
    const [header, ...lines] = readFileSync(precomputed, 'utf8').split('\n').filter((l) => l !== '');
    const names = header.split('\t');
    return lines.map((line) => {
      const values = line.split('\t');
      return Object.fromEntries(names.map((n, i) => [n, unescape(values[i] ?? '')])) as Row;
    });
  }
  const args = ['-n', '-r', capture, ...TSHARK_PREFS, '-Y', 'http', '-T', 'json', ...FIELDS.flatMap((f) => ['-e', f])];
  const result = spawnSync('tshark', args, { env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' }, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (result.error) throw result.error;
  const packets = JSON.parse(result.stdout.trim() === '' ? '[]' : result.stdout) as Array<{ _source: { layers: Record<string, string[]> } }>;
  return packets.map((p) => Object.fromEntries(FIELDS.map((f) => [f, (p._source.layers[f] ?? []).join(',')])) as Row);
}

export function stamp(t: Micros): string {
  return `${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}`;
}

function list(v: string): string[] {
  return v === '' ? [] : v.split(',');
}

export function tsharkLines(rows: readonly Row[], frameTimes: readonly Micros[]): string[] {
  const out: string[] = [];
  const at = (frame: string): string => {
    const t = frameTimes[Number(frame)];
    return t === undefined ? `frame#${frame}` : stamp(t);
  };
  for (const r of rows) {
    const src = `${r['ip.src'] || r['ipv6.src']}`;
    const dst = `${r['ip.dst'] || r['ipv6.dst']}`;
    const a = formatEndpoint({ ip: src, port: Number(r['tcp.srcport']) });
    const b = formatEndpoint({ ip: dst, port: Number(r['tcp.dstport']) });
    const methods = list(r['http.request.method']);
    const codes = list(r['http.response.code']);
    if (methods.length > 0) out.push(`${a} > ${b} request @${at(r['frame.number'])} ${methods.join(',')} ${r['http.request.uri']}`);
    if (codes.length > 0) {
      const requests = list(r['http.request_in']).map(at);
      // tshark leaves http.request_in out for a response it could not pair: a 1xx sent before
      // the request was complete, the 2nd+ response to requests that came in one frame, a
      // response whose request it did not parse. Such lines are compared without the pairing.
      const to = requests.length < codes.length ? UNPAIRED : `@${requests.join(',@')}`;
      out.push(`${b} > ${a} response @${at(r['frame.number'])} ${codes.join(',')} to ${to}`);
    }
  }
  return out;
}

/** Our exchanges in the same form (messages ending at the same time on a connection grouped). */
export function ourLines(exchanges: readonly Exchange[]): string[] {
  interface Group {
    readonly key: string;
    readonly head: string;
    readonly a: string[];
    readonly b: string[];
    readonly order: number;
  }
  const groups = new Map<string, Group>();
  let order = 0;
  const add = (key: string, head: string, a: string, b: string, time: number, seq: number): void => {
    let g = groups.get(key);
    if (!g) {
      g = { key, head, a: [], b: [], order: time * 1e6 + seq };
      groups.set(key, g);
    }
    g.a.push(a);
    g.b.push(b);
  };
  for (const e of exchanges) {
    const tuple = `${formatEndpoint(e.client)} > ${formatEndpoint(e.server)}`;
    const reqAt = stamp(e.timing.requestEnd);
    const conn = `${e.connectionId}`;
    add(`${conn} q ${reqAt}`, `${tuple} request @${reqAt}`, e.request.method, e.request.target, e.timing.requestEnd, order++);
    if (e.response) {
      for (const i of e.response.interim) {
        add(`${conn} r ${stamp(i.at)}`, `${tuple} response @${stamp(i.at)}`, String(i.status), `@${reqAt}`, i.at, order++);
      }
      const end = e.timing.responseEnd ?? 0;
      add(`${conn} r ${stamp(end)}`, `${tuple} response @${stamp(end)}`, String(e.response.status), `@${reqAt}`, end, order++);
    }
  }
  return [...groups.values()].map((g) =>
    g.head.includes(' request @') ? `${g.head} ${g.a.join(',')} ${g.b.join(',')}` : `${g.head} ${g.a.join(',')} to ${g.b.join(',')}`,
  );
}

export const UNPAIRED = '?';

export interface Comparison {
  readonly onlyTshark: string[];
  readonly onlyOurs: string[];
  /** tshark responses without pairing that match one of ours apart from the pairing. */
  readonly tsharkUnpaired: number;
}

export function compare(theirs: readonly string[], ours: readonly string[]): Comparison {
  let onlyTshark = minus(theirs, ours);
  let onlyOurs = minus(ours, theirs);
  let tsharkUnpaired = 0;
  const unmatched: string[] = [];
  for (const line of onlyTshark) {
    const prefix = line.endsWith(` to ${UNPAIRED}`) ? line.slice(0, -UNPAIRED.length) : null;
    const i = prefix === null ? -1 : onlyOurs.findIndex((o) => o.startsWith(prefix) && !o.slice(prefix.length).includes(' '));
    if (i >= 0) {
      onlyOurs.splice(i, 1);
      tsharkUnpaired++;
    } else unmatched.push(line);
  }
  onlyTshark = unmatched;
  onlyOurs = [...onlyOurs];
  return { onlyTshark, onlyOurs, tsharkUnpaired };
}

/** Lines in `a` but not in `b` (multiset difference), sorted. */
export function minus(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else out.push(x);
  }
  return out.sort();
}
