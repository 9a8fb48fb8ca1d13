/**
 * Exchanges against the lab's ground truth: the backends' own access logs. On every lab
 * capture, including the lossy ones with real drops, retransmissions and reordering, each
 * request a backend logged is found once, with the status it logged, and no exchange with a
 * backend is invented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import { formatEndpoint } from '../../src/core/flow.js';
import type { Exchange } from '../../src/http/types.js';
import { analyzeExchanges } from '../../src/pipeline/analyze.js';
import { LAB_CAPTURES } from '../helpers/captures.js';

interface TruthLine {
  readonly backend: 'v1' | 'v2';
  readonly request_id: string;
  readonly method: string;
  readonly target: string;
  readonly host: string;
  readonly status: number;
  readonly client: string;
  readonly server: string;
}

const LAB = join(LAB_CAPTURES, 'lab');
const BACKENDS = new Set(['10.233.75.11:80', '10.233.75.13:80']);

async function exchanges(file: string): Promise<Exchange[]> {
  const all: Exchange[] = [];
  for await (const batch of analyzeExchanges(await openCapture(file))) all.push(...batch);
  return all;
}

function truth(stem: string): TruthLine[] {
  return readFileSync(join(LAB, `${stem}.truth.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TruthLine);
}

const requestId = (e: Exchange): string | undefined => e.request.headers.find(([k]) => k.toLowerCase() === 'x-request-id')?.[1];

/** What identifies one backend request on the wire and in the log. */
const keyOfTruth = (t: TruthLine): string => `${t.client} ${t.server} ${t.method} ${t.target} ${t.request_id}`;
const keyOfExchange = (e: Exchange): string => `${formatEndpoint(e.client)} ${formatEndpoint(e.server)} ${e.request.method} ${e.request.target} ${requestId(e) ?? ''}`;

// The 4 requests that bypass the sidecar carry no x-request-id on the wire; the backend logs '-'
// or the id nginx made up for its log. Match those without the id.
const withoutId = (key: string): string => key.split(' ').slice(0, 4).join(' ');

describe('exchanges match the backends’ logs', () => {
  const captures = ['client-eth0.pcap', 'client-eth0.pcapng', 'client-eth0-nsec.pcap', 'node-bridge.pcap', 'any.pcap', 'lossy.pcap', 'lossy-unseen.pcap', 'no-suffix.pcap', 'retries.pcap'];
  for (const name of captures) {
    it(name, async () => {
      const stem = name.replace(/\.(pcap|pcapng)$/, '');
      const expected = truth(stem);
      const found = (await exchanges(join(LAB, name))).filter((e) => BACKENDS.has(formatEndpoint(e.server)));

      const unmatched = new Map<string, Exchange[]>();
      for (const e of found) {
        const k = keyOfExchange(e);
        unmatched.set(k, [...(unmatched.get(k) ?? []), e]);
      }
      const take = (t: TruthLine): Exchange | undefined => {
        for (const k of [keyOfTruth(t), ...[...unmatched.keys()].filter((k) => withoutId(k) === withoutId(keyOfTruth(t)))]) {
          const list = unmatched.get(k);
          if (list && list.length > 0) {
            const e = list.shift();
            if (list.length === 0) unmatched.delete(k);
            return e;
          }
        }
        return undefined;
      };

      const missing: string[] = [];
      const wrongStatus: string[] = [];
      for (const t of expected) {
        const e = take(t);
        if (!e) missing.push(keyOfTruth(t));
        else if (e.response?.status !== t.status) wrongStatus.push(`${keyOfTruth(t)}: logged ${t.status}, found ${e.response?.status ?? 'no response'}`);
      }
      const invented = [...unmatched.values()].flat().map(keyOfExchange);
      expect(missing, 'requests the backends logged that we did not find').toEqual([]);
      expect(wrongStatus, 'statuses that differ from the backends’ logs').toEqual([]);
      expect(invented, 'exchanges no backend logged').toEqual([]);
      expect(found.length).toBe(expected.length);
    });
  }

  it('client-eth0-snap96.pcap (96-byte snaplen): nothing invented, every exchange found is marked incomplete or right', async () => {
    const expected = new Set(truth('client-eth0-snap96').map(keyOfTruth));
    const found = (await exchanges(join(LAB, 'client-eth0-snap96.pcap'))).filter((e) => BACKENDS.has(formatEndpoint(e.server)));
    // Most request and status lines fit in the 30 payload bytes a 96-byte snaplen leaves.
    expect(found.length).toBeGreaterThan(expected.size / 2);
    for (const e of found) {
      // A request line fits in 96 bytes; the rest of each message is a gap: never complete.
      expect(e.complete).toBe(false);
      expect([...expected].some((k) => withoutId(k) === withoutId(keyOfExchange(e)))).toBe(true);
    }
  });
});
