/**
 * `--redact`: credentials never leave shadowdump. Header values of Authorization, Cookie,
 * Set-Cookie (and the headers the user names) are replaced by a mark in exchanges, pair reports
 * (differences included) and raw payload dumps, before any view or export sees them.
 */
import type { Exchange, HeaderList, HttpResponse } from '../http/types.js';
import type { Pair } from '../shadow/correlate.js';
import type { PairReport, ReportedDifference } from '../shadow/verdict.js';

export const DEFAULT_REDACTED_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];
export const REDACTED = '[redacted]';

export class Redactor {
  private readonly names: ReadonlySet<string>;
  /** `\r\nName:` at the start of a header line, for raw payloads. */
  private readonly rawHeader: RegExp;

  constructor(extraNames: readonly string[] = []) {
    this.names = new Set([...DEFAULT_REDACTED_HEADERS, ...extraNames.map((n) => n.toLowerCase())]);
    const alternatives = [...this.names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    this.rawHeader = new RegExp(`(?:^|\\n)(?:${alternatives})[ \\t]*:`, 'gi');
  }

  headers(list: HeaderList): HeaderList {
    if (!list.some(([name]) => this.names.has(name.toLowerCase()))) return list;
    return list.map(([name, value]): readonly [string, string] => [name, this.names.has(name.toLowerCase()) ? REDACTED : value]);
  }

  exchange(e: Exchange): Exchange {
    const request = { ...e.request, headers: this.headers(e.request.headers), ...(e.request.trailers ? { trailers: this.headers(e.request.trailers) } : {}) };
    const response: HttpResponse | null =
      e.response === null ? null : { ...e.response, headers: this.headers(e.response.headers), ...(e.response.trailers ? { trailers: this.headers(e.response.trailers) } : {}) };
    return { ...e, request, response };
  }

  report(r: PairReport): PairReport {
    const { pair } = r;
    const leg = (e: Exchange | null): Exchange | null => (e === null ? null : this.exchange(e));
    const legs = (list: readonly Exchange[]): Exchange[] => list.map((e) => this.exchange(e));
    const redactedPair: Pair = {
      ...pair,
      primary: leg(pair.primary),
      shadow: leg(pair.shadow),
      related: legs(pair.related),
      retries: legs(pair.retries),
      candidates: legs(pair.candidates),
    };
    return { ...r, pair: redactedPair, differences: r.differences.map((d) => this.difference(d)) };
  }

  private difference(d: ReportedDifference): ReportedDifference {
    if (d.kind !== 'header' || !this.names.has(d.path.slice('header:'.length))) return d;
    return { ...d, primary: d.primary === null ? null : REDACTED, shadow: d.shadow === null ? null : REDACTED };
  }

  /**
   * A copy of a raw payload (a packet's TCP bytes) with the values of the named headers starred
   * out up to the end of their line. A header split across two packets is starred to the end of
   * the first; its rest in the next packet is not recognised (see the README).
   */
  payload(bytes: Buffer): Buffer {
    const text = bytes.toString('latin1');
    this.rawHeader.lastIndex = 0;
    let copy: Buffer | null = null;
    for (let m = this.rawHeader.exec(text); m !== null; m = this.rawHeader.exec(text)) {
      const valueStart = m.index + m[0].length;
      let end = text.indexOf('\n', valueStart);
      if (end === -1) end = text.length;
      else if (text[end - 1] === '\r') end--;
      copy ??= Buffer.from(bytes);
      copy.fill(0x2a, valueStart, end); // '*'
    }
    return copy ?? bytes;
  }
}
