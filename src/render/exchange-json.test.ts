import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allCaptures } from '../../test/helpers/captures.js';
import { captureExchanges } from '../../test/http/capture-exchanges.js';
import type { BodyCapture, Exchange, HeaderList } from '../http/types.js';
import type { Role } from '../shadow/classify.js';
import { exchangeJson, exchangeRecord, jsonString, ndjsonLine } from './exchange-json.js';

describe('ndjsonLine', () => {
  it('keeps ASCII as JSON.stringify writes it', () => {
    expect(ndjsonLine({ a: 'GET /x', n: 1 })).toBe('{"a":"GET /x","n":1}');
  });

  it('escapes control characters, DEL and every non-ASCII character, and round-trips', () => {
    const value = { target: '/\x1b[2J\x7f', host: 'caf\xe9', note: 'snow\u2603' };
    const line = ndjsonLine(value);
    expect(line).toMatch(/^[\x20-\x7e]*$/);
    expect(line).toContain('\\u001b');
    expect(line).toContain('\\u00e9');
    expect(JSON.parse(line)).toEqual(value);
  });
});

/** Strings with every kind of character: ASCII, controls, quotes, backslashes, Latin-1, BMP, lone and paired surrogates. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ minLength: 30, maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 30, maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\b', '\f', '\n', '\r', '\t', '\x00', '\x1f', '\x7f', '\x80', '\xff', '\u2028', '\ud800', '\udfff', 'a', ' '), maxLength: 8 }),
);
const headers: fc.Arbitrary<HeaderList> = fc.array(fc.tuple(text, text), { maxLength: 4 });
const micros = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 4_102_444_800_000_000 }) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 4_102_444_800_000_000, noNaN: true }) },
  // beyond what a Date holds, beyond 2^53, before 1970
  { weight: 1, arbitrary: fc.oneof(fc.double({ min: -1e22, max: 1e22, noNaN: true }), fc.constantFrom(2 ** 53, 2 ** 60, 8.64e18 + 4096, -1, -1_000_001)) },
);
const count = fc.oneof(fc.nat(), fc.constantFrom(0, -0, 0.5, Number.NaN, Number.POSITIVE_INFINITY));
const body: fc.Arbitrary<BodyCapture> = fc.record({
  wireBytes: count,
  data: fc.constant(Buffer.alloc(0)),
  truncated: fc.boolean(),
  contentEncoding: fc.option(text),
  decoded: fc.constant(null),
  decodeProblem: fc.constant(null),
});
const endpoint = fc.record({ ip: fc.oneof(fc.ipV4(), fc.ipV6(), text), port: fc.nat({ max: 65535 }) });

const exchange: fc.Arbitrary<Exchange> = fc
  .record({
    connectionId: fc.nat(),
    index: fc.nat(),
    client: endpoint,
    server: endpoint,
    method: text,
    target: text,
    version: text,
    host: fc.option(text),
    reqHeaders: headers,
    reqBody: body,
    response: fc.option(
      fc.record({
        status: fc.oneof(fc.nat({ max: 999 }), count),
        reason: text,
        version: text,
        headers,
        body,
        interim: fc.array(fc.record({ status: fc.nat({ max: 199 }), at: micros }), { maxLength: 3 }),
      }),
    ),
    times: fc.tuple(fc.array(micros, { minLength: 4, maxLength: 4 }), fc.boolean()).map(([ts, sorted]) => (sorted ? ts.sort((a, b) => a - b) : ts)),
    sameEnds: fc.boolean(),
    requestBytes: count,
    responseBytes: count,
    complete: fc.boolean(),
    anomalies: fc.array(text, { maxLength: 3 }),
  })
  .map((r) => {
    const [requestStart, requestEnd0, responseStart, responseEnd0] = r.times;
    const requestEnd = r.sameEnds ? requestStart : requestEnd0;
    const responseEnd = r.sameEnds ? responseStart : responseEnd0;
    return {
      connectionId: r.connectionId,
      index: r.index,
      client: r.client,
      server: r.server,
      request: { method: r.method, target: r.target, version: r.version, host: r.host, headers: r.reqHeaders, body: r.reqBody },
      response: r.response,
      timing: {
        requestStart,
        requestEnd,
        responseStart: r.response === null ? null : responseStart,
        responseEnd: r.response === null ? null : responseEnd,
      },
      requestBytes: r.requestBytes,
      responseBytes: r.responseBytes,
      complete: r.complete,
      anomalies: r.anomalies,
    };
  });

const role = fc.constantFrom<Role>('primary', 'shadow', 'other');

describe('exchangeJson', () => {
  it('writes strings exactly as ndjsonLine does', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(jsonString(s)).toBe(ndjsonLine(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('is ndjsonLine(exchangeRecord(e, role)), byte for byte, on generated exchanges', () => {
    fc.assert(
      fc.property(exchange, role, (e, r) => {
        expect(exchangeJson(e, r)).toBe(ndjsonLine(exchangeRecord(e, r)));
      }),
      { numRuns: 1000 },
    );
  });

  it('is ndjsonLine(exchangeRecord(e, role)), byte for byte, on runs of exchanges that repeat each other (the caches)', () => {
    // Few values, mixed and matched: every remembered piece is hit, and missed by one field.
    const few = <T>(...values: T[]) => fc.constantFrom(...values);
    const endpoints = [
      { ip: '10.0.0.1', port: 1 },
      { ip: '10.0.0.2', port: 80 },
      { ip: '::1', port: 80 },
    ];
    const pick = fc.record({
      role: few<Role>('primary', 'shadow', 'other'),
      client: few(0, 1, 2),
      server: few(0, 1, 2),
      method: few('GET', 'POST', 'G\u00e9T'),
      target: few('/a', '/b', '/a"', 'null'),
      version: few('1.1', '1.0'),
      host: few<string | null>(null, 'null', 'h', 'h:80'),
      headers: fc.array(fc.tuple(few('Host', 'host', 'X'), few('a', 'b', 'null', '\u00ff')), { maxLength: 3 }),
      status: few(200, 204, 0.5, Number.NaN),
      reason: few('OK', '', 'Caf\u00e9'),
      hasResponse: fc.boolean(),
      truncated: fc.boolean(),
      encoding: few<string | null>(null, 'gzip'),
      complete: fc.boolean(),
      anomalies: few<string[]>([], ['x']),
    });
    fc.assert(
      fc.property(fc.array(pick, { minLength: 1, maxLength: 12 }), (picks) => {
        for (const r of picks) {
          const body: BodyCapture = { wireBytes: 3, data: Buffer.alloc(0), truncated: r.truncated, contentEncoding: r.encoding, decoded: null, decodeProblem: null };
          const e: Exchange = {
            connectionId: 1,
            index: 2,
            client: endpoints[r.client],
            server: endpoints[r.server],
            request: { method: r.method, target: r.target, version: r.version, host: r.host, headers: r.headers, body },
            response: r.hasResponse ? { status: r.status, reason: r.reason, version: r.version, headers: r.headers, body, interim: [] } : null,
            timing: { requestStart: 5_000_000, requestEnd: 5_000_001, responseStart: r.hasResponse ? 5_000_001 : null, responseEnd: r.hasResponse ? 6_000_000 : null },
            requestBytes: 10,
            responseBytes: 20,
            complete: r.complete,
            anomalies: r.anomalies,
          };
          expect(exchangeJson(e, r.role)).toBe(ndjsonLine(exchangeRecord(e, r.role)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is ndjsonLine(exchangeRecord(e, role)), byte for byte, on every exchange of every capture', async () => {
    let checked = 0;
    for (const path of allCaptures()) {
      const { exchanges } = await captureExchanges(path);
      for (const e of exchanges) {
        for (const r of ['primary', 'other'] as const) expect(exchangeJson(e, r), path).toBe(ndjsonLine(exchangeRecord(e, r)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 120_000);
});
