/**
 * The whole pipeline under mutated real captures: reader -> decode -> TCP -> HTTP -> pairing ->
 * every renderer (pair text and NDJSON, exchange NDJSON, summary). Whatever the bytes, no
 * exception escapes (a capture too broken to open is one ShadowdumpError) and the run ends.
 *
 * Fixed seed and a bounded budget here; `npm run fuzz` runs the same properties longer with a
 * fresh seed (FUZZ_RUNS, FUZZ_SEED), printing the seed so a failure can be replayed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import { AnomalyCounter } from '../../src/core/anomalies.js';
import { ShadowdumpError } from '../../src/core/errors.js';
import { analyzePairs } from '../../src/pipeline/pairs.js';
import { exchangeJson } from '../../src/render/exchange-json.js';
import { pairJson } from '../../src/render/pair-json.js';
import { pairLines } from '../../src/render/pair-text.js';
import { summaryLines } from '../../src/render/summary-text.js';
import { RouteStats } from '../../src/shadow/route-stats.js';
import { LAB_CAPTURES, PUBLIC_CAPTURES } from '../helpers/captures.js';
import { pcapRecordEnds } from '../helpers/pcap-builder.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
if (process.env.FUZZ_SEED !== undefined || process.env.FUZZ_RUNS !== undefined) console.log(`fuzz: seed ${SEED}, ${RUNS} runs per property`);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

const SEEDS = {
  retries: readFileSync(join(LAB_CAPTURES, 'lab/retries.pcap')),
  chunked: readFileSync(join(PUBLIC_CAPTURES, 'suricata-http-chunked.pcap')),
  pipelined: readFileSync(join(PUBLIC_CAPTURES, 'zeek-pipelined-requests.pcap')),
  pcapng: readFileSync(join(PUBLIC_CAPTURES, 'ndpi-http_ua_splitted_in_two_pkts.pcapng')),
};
const PCAP_SEEDS = [SEEDS.retries, SEEDS.chunked, SEEDS.pipelined];

/** Runs everything over the bytes; resolves to the number of pairs, or 'refused' for an unopenable file. */
async function analyseAll(bytes: Buffer): Promise<number | 'refused'> {
  let source;
  try {
    source = await openCapture('-', { stdin: Readable.from([bytes]) });
  } catch (err) {
    if (err instanceof ShadowdumpError) return 'refused';
    throw err;
  }
  const anomalies = new AnomalyCounter();
  const routes = new RouteStats();
  const run = analyzePairs(source, { anomalies, onOther: (e) => exchangeJson(e, 'other') });
  let pairs = 0;
  for await (const batch of run.batches) {
    for (const r of batch) {
      pairs++;
      routes.add(r);
      pairJson(r);
      pairLines(r, { stamp: () => '', payload: 'ascii' });
      pairLines(r, { stamp: () => '', payload: 'hex-ascii' });
    }
  }
  summaryLines({ ...routes.summary(), correlation: run.analyzer.correlation, exchanges: run.analyzer.exchanges, packets: 0, anomalies: anomalies.entries() });
  return pairs;
}

const seedIndex = fc.integer({ min: 0, max: PCAP_SEEDS.length - 1 });

/** Record boundaries of a classic pcap: [start, end) of each record, header included. */
function records(file: Buffer): Array<[number, number]> {
  const ends = pcapRecordEnds(file);
  return ends.map((end, i) => [i === 0 ? 24 : ends[i - 1], end]);
}

describe('the pipeline survives mutated real captures', () => {
  it('every cut of a small capture', async () => {
    const file = SEEDS.chunked;
    for (let at = 0; at <= file.length; at++) await analyseAll(file.subarray(0, at));
  });

  it('bit flips anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(seedIndex, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 40 }), async (i, flips) => {
        const bytes = Buffer.from(PCAP_SEEDS[i]);
        for (const [at, bit] of flips) bytes[at % bytes.length] ^= 1 << bit;
        await analyseAll(bytes);
      }),
      params,
    );
  });

  it('records swapped and duplicated', async () => {
    await fc.assert(
      fc.asyncProperty(seedIndex, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 30 }), async (i, moves) => {
        const file = PCAP_SEEDS[i];
        const parts = records(file).map(([s, e]) => file.subarray(s, e));
        for (const [a, b, duplicate] of moves) {
          const x = a % parts.length;
          const y = b % parts.length;
          if (duplicate) parts.splice(y, 0, parts[x]);
          else [parts[x], parts[y]] = [parts[y], parts[x]];
        }
        await analyseAll(Buffer.concat([file.subarray(0, 24), ...parts]));
      }),
      params,
    );
  });

  it('absurd lengths: pcap record lengths, snaplen, IP and TCP header lengths', async () => {
    const field = fc.constantFrom('caplen', 'origlen', 'snaplen', 'ip-ihl', 'ip-total', 'tcp-offset');
    await fc.assert(
      fc.asyncProperty(seedIndex, fc.array(fc.tuple(field, fc.nat(), fc.nat({ max: 0xffffffff })), { minLength: 1, maxLength: 8 }), async (i, edits) => {
        const bytes = Buffer.from(PCAP_SEEDS[i]);
        const recs = records(bytes);
        for (const [what, which, value] of edits) {
          const [start] = recs[which % recs.length];
          const frame = start + 16;
          if (what === 'caplen') bytes.writeUInt32LE(value, start + 8);
          else if (what === 'origlen') bytes.writeUInt32LE(value, start + 12);
          else if (what === 'snaplen') bytes.writeUInt32LE(value, 16);
          else if (frame + 14 + 20 + 13 < bytes.length) {
            const ip = frame + 14;
            if (what === 'ip-ihl') bytes[ip] = (bytes[ip] & 0xf0) | (value & 0x0f);
            else if (what === 'ip-total') bytes.writeUInt16BE(value & 0xffff, ip + 2);
            else bytes[ip + 20 + 12] = ((value & 0x0f) << 4) | (bytes[ip + 20 + 12] & 0x0f);
          }
        }
        await analyseAll(bytes);
      }),
      params,
    );
  });

  it('Content-Length values and chunk sizes rewritten in place', async () => {
    await fc.assert(
      fc.asyncProperty(seedIndex, fc.array(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF-+ xZ'.split('')), minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 20 }), async (i, values) => {
        const bytes = Buffer.from(PCAP_SEEDS[i]);
        const text = bytes.toString('latin1');
        // Digits after "Content-Length:" and hex chunk-size lines, replaced in place so that packet sizes hold.
        const fields = [...text.matchAll(/Content-Length:[ ]*(?<length>[0-9]+)|\r\n(?<chunk>[0-9a-fA-F]{1,8})\r\n/dgi)];
        expect(fields.length).toBeGreaterThan(0);
        fields.forEach((m, n) => {
          const [start, end] = m.indices?.groups?.length ?? m.indices?.groups?.chunk ?? [0, 0];
          bytes.write(values[n % values.length].padEnd(end - start, '9').slice(0, end - start), start, 'latin1');
        });
        await analyseAll(bytes);
      }),
      params,
    );
  });

  it('pcapng: bit flips and cuts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 20 }), fc.nat(), async (flips, cut) => {
        const bytes = Buffer.from(SEEDS.pcapng);
        for (const [at, bit] of flips) bytes[at % bytes.length] ^= 1 << bit;
        await analyseAll(bytes.subarray(0, cut % (bytes.length + 1)));
      }),
      params,
    );
  });

  it('the unmutated seeds still give their pairs (the harness is not vacuous)', async () => {
    expect(await analyseAll(SEEDS.retries)).toBe(26);
  });
});
