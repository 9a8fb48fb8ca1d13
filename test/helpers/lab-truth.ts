/**
 * The lab's ground truth (the backends' own access logs, one NDJSON line per request each
 * version served) and the check every lab capture's pairs must pass: one pair per id that
 * reached both versions with the statuses they logged, shadow-missing for ids only v1 saw,
 * nothing invented. Used by the committed captures' tests and by the live lab run.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface TruthLine {
  readonly backend: 'v1' | 'v2';
  readonly request_id: string;
  readonly status: number;
  readonly body_bytes?: number;
  readonly server?: string;
  /** The retries capture: the sidecar's x-envoy-attempt-count on this request. */
  readonly attempt_count?: number;
}

export interface ExchangeRecord {
  readonly src: string;
  readonly dst: string;
  readonly response: { readonly status: number; readonly bodyBytes: number } | null;
}

export interface PairRecord {
  readonly type: 'pair';
  readonly id: string;
  readonly verdict: string;
  readonly hint: string | null;
  readonly primary: ExchangeRecord | null;
  readonly shadow: ExchangeRecord | null;
  readonly related?: ExchangeRecord[];
  readonly retries?: ExchangeRecord[];
  readonly candidates?: ExchangeRecord[];
  readonly diff: Array<{ path: string }>;
}

/** The lab's primary (v1) and shadow (v2) backends. */
export const V1 = '10.233.75.11:80';
export const V2 = '10.233.75.13:80';

export function readTruth(path: string): TruthLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TruthLine);
}

export type ExpectedPairs = Map<string, { v1: TruthLine | undefined; v2: TruthLine | undefined }>;

/** What the backends say each pair must be: per id, v1's and v2's first-attempt log lines (retries are checked on their own). */
export function expectedPairs(truth: readonly TruthLine[]): ExpectedPairs {
  const byId: ExpectedPairs = new Map();
  for (const t of truth) {
    if ((t.attempt_count ?? 1) > 1) continue;
    const entry = byId.get(t.request_id) ?? { v1: undefined, v2: undefined };
    expect(entry[t.backend], `the lab logs each id once per backend (${t.request_id})`).toBeUndefined();
    entry[t.backend] = t;
    byId.set(t.request_id, entry);
  }
  return byId;
}

export function checkPairsAgainstTruth(truth: readonly TruthLine[], pairs: readonly PairRecord[]): void {
  const expected = expectedPairs(truth);
  const seen = new Set<string>();
  for (const p of pairs) {
    expect(seen.has(p.id), `one pair per id (${p.id})`).toBe(false);
    seen.add(p.id);
    const t = expected.get(p.id);
    expect(t, `pair ${p.id} is in the backends' logs`).toBeDefined();
    if (t === undefined) continue;
    expect(p.primary?.dst, `primary of ${p.id} is the v1 leg`).toBe(V1);
    expect(p.primary?.response?.status).toBe(t.v1?.status);
    if (t.v2 === undefined) {
      expect(p.verdict).toBe('shadow-missing');
      expect(p.shadow).toBeNull();
      continue;
    }
    expect(p.shadow?.dst, `shadow of ${p.id} is the v2 leg`).toBe(V2);
    expect(p.shadow?.response?.status).toBe(t.v2.status);
    const v1 = t.v1 as TruthLine;
    if (v1.status < 500 && t.v2.status >= 500) expect(p.verdict).toBe('shadow-error');
    else if (v1.status !== t.v2.status) expect(p.verdict).toBe('differ');
    else expect(['match', 'differ']).toContain(p.verdict);
    for (const leg of p.related ?? []) expect([V1, V2]).not.toContain(leg.dst);
  }
  expect([...expected.keys()].filter((id) => !seen.has(id)), 'ids the backends logged without a pair').toEqual([]);
}
