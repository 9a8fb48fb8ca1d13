/**
 * Pairs against a lab run's ground truth (the backends' own access logs), as
 * test/shadow/lab-pairs.test.ts checks the committed captures: one pair per id that reached
 * both versions with the statuses they logged, shadow-missing for ids only v1 saw, nothing
 * invented.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface TruthLine {
  readonly backend: 'v1' | 'v2';
  readonly request_id: string;
  readonly status: number;
}

interface ExchangeRecord {
  readonly dst: string;
  readonly response: { readonly status: number } | null;
}

export interface PairRecord {
  readonly type: 'pair';
  readonly id: string;
  readonly verdict: string;
  readonly primary: ExchangeRecord | null;
  readonly shadow: ExchangeRecord | null;
  readonly related?: ExchangeRecord[];
}

const V1 = '10.233.75.11:80';
const V2 = '10.233.75.13:80';

export function readTruth(path: string): TruthLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TruthLine);
}

export function checkPairsAgainstTruth(truth: readonly TruthLine[], pairs: readonly PairRecord[]): void {
  const expected = new Map<string, { v1?: TruthLine; v2?: TruthLine }>();
  for (const t of truth) {
    const entry = expected.get(t.request_id) ?? {};
    expect(entry[t.backend], `the lab logs each id once per backend (${t.request_id})`).toBeUndefined();
    entry[t.backend] = t;
    expected.set(t.request_id, entry);
  }
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
