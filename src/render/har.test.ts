import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { exchange, headBytes, pairReport, type ExchangeSpec } from '../../test/helpers/exchange-builder.js';
import { ShadowdumpError } from '../core/errors.js';
import type { PairReport } from '../shadow/verdict.js';
import { HarWriter, harEntries, type HarEntry } from './har.js';

/** har-validator (npm, devDependency): HAR 1.2 JSON schemas (har-schema) checked with ajv. */
interface HarValidator {
  har(data: unknown): Promise<unknown>;
}
const validator = createRequire(import.meta.url)('har-validator') as HarValidator;

const dir = mkdtempSync(join(tmpdir(), 'shadowdump-har-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tempPath = (): string => join(dir, `out-${fileNo++}.har`);

// ---------------------------------------------------------------------------------------------
// The scenario: several pairs as a mirrored service gives them

const jsonText = '{"user":42,"name":"Zo\u00eb \u2603"}';
const jsonBytes = Buffer.from(jsonText, 'utf8');
const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0xc3]);

function scenario(): PairReport[] {
  const gzipJson = gzipSync(jsonBytes);
  const gzipBinary = gzipSync(binary);
  const gz = (wire: Buffer, decoded: Buffer): ExchangeSpec => ({
    responseHeaders: [
      ['Content-Type', 'application/octet-stream'],
      ['Content-Encoding', 'gzip'],
    ],
    responseBody: { data: wire, contentEncoding: 'gzip', decoded },
  });
  return [
    // 1. match, with the app->sidecar loopback leg that started first.
    pairReport({
      id: 'req-1',
      route: { template: '/users/{id}' },
      verdict: 'match',
      primary: exchange({ at: 1, id: 'req-1', target: '/users/42?x=1&y=a%20b&flag', server: '10.1.0.20:8000' }),
      shadow: exchange({ at: 2, id: 'req-1', target: '/users/42?x=1&y=a%20b&flag', host: 'httpbin-shadow:8000', server: '10.1.0.30:8000' }),
      related: [exchange({ at: 0, id: 'req-1', target: '/users/42?x=1&y=a%20b&flag', client: '127.0.0.1:51000', server: '127.0.0.1:15001' })],
    }),
    // 2. differ: gzip bodies, the shadow's decodes to binary.
    pairReport({
      id: 'req-2',
      verdict: 'differ',
      route: { template: '/image' },
      primary: exchange({ at: 10, id: 'req-2', target: '/image', ...gz(gzipJson, jsonBytes) }),
      shadow: exchange({ at: 11, id: 'req-2', target: '/image', host: 'httpbin-shadow:8000', server: '10.1.0.30:8000', ...gz(gzipBinary, binary) }),
      differences: [{ kind: 'body', path: 'body:sha256', primary: 'aa', shadow: 'bb', noise: false }],
    }),
    // 3. shadow-missing.
    pairReport({ id: 'req-3', verdict: 'shadow-missing', primary: exchange({ at: 20, id: 'req-3' }) }),
    // 4. shadow-error: the shadow reset the connection before answering.
    pairReport({
      id: 'req-4',
      verdict: 'shadow-error',
      hint: 'the shadow reset the connection before answering',
      primary: exchange({ at: 30, id: 'req-4' }),
      shadow: exchange({ at: 31, id: 'req-4', host: 'httpbin-shadow:8000', server: '10.1.0.30:8000', status: null, anomalies: ['connection-reset'] }),
    }),
    // 5. a retried primary (503, then 200 on attempt 2), mirrored once.
    pairReport({
      id: 'req-5',
      verdict: 'differ',
      primary: exchange({ at: 40, id: 'req-5', attempt: 1, status: 503 }),
      shadow: exchange({ at: 41, id: 'req-5', host: 'httpbin-shadow:8000', server: '10.1.0.30:8000' }),
      retries: [exchange({ at: 60, id: 'req-5', server: '10.1.0.21:8000', attempt: 2 })],
    }),
    // 6. ambiguous: two upstream legs and nothing marks the shadow.
    pairReport({
      id: 'req-6',
      verdict: 'ambiguous',
      hint: 'name it with --shadow-dst',
      candidates: [exchange({ at: 71, id: 'req-6', server: '10.1.0.30:8000' }), exchange({ at: 70, id: 'req-6', server: '10.1.0.20:8000' })],
    }),
    // 7. POST with a Latin-1 header, a non-ASCII target, cookies, a cut body and binary upload.
    pairReport({
      id: 'req-7',
      verdict: 'incomplete',
      primary: exchange({
        at: 80,
        id: 'req-7',
        method: 'POST',
        target: '/caf\xe9 x?q=\xff',
        headers: [
          ['Content-Type', 'application/octet-stream'],
          ['X-Note', 'caf\xe9\x01'],
          ['Cookie', 'a=1; b=two'],
        ],
        body: binary,
        responseHeaders: [
          ['Content-Type', 'text/plain'],
          ['Set-Cookie', 'sid=xyz; Path=/; HttpOnly; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
          ['Location', '/next'],
        ],
        responseBody: { data: Buffer.from('h\u00e9llo world', 'utf8').subarray(0, 2), wireBytes: 12 }, // cut inside the é
      }),
      shadow: exchange({ at: 81, id: 'req-7', method: 'POST', target: '/caf\xe9 x?q=\xff', host: 'httpbin-shadow:8000', body: 'plain=text' }),
    }),
  ];
}

interface HarFile {
  log: {
    version: string;
    creator: { name: string; version: string };
    pages: unknown[];
    comment: string;
    entries: HarEntry[];
  };
}

async function writeHar(path: string, reports: readonly PairReport[]): Promise<{ har: HarFile; raw: Buffer }> {
  const w = await HarWriter.open(path, '9.9.9');
  for (const r of reports) await w.add(r);
  await w.close();
  const raw = readFileSync(path);
  return { har: JSON.parse(raw.toString('utf8')) as HarFile, raw };
}

async function expectValidHar(har: unknown): Promise<void> {
  await validator.har(har).catch((err: { errors?: unknown }) => {
    throw new Error(`not valid HAR 1.2: ${JSON.stringify(err.errors ?? err)}`);
  });
}

const byPair = (har: HarFile, id: string): HarEntry[] => har.log.entries.filter((e) => e._shadowdump.pair === id);

// ---------------------------------------------------------------------------------------------

describe('HarWriter', () => {
  it('writes a valid, ASCII-only HAR 1.2 document with every leg of every pair', async () => {
    const { har, raw } = await writeHar(tempPath(), scenario());
    expect(raw.every((b) => b < 0x80)).toBe(true);
    await expectValidHar(har);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'shadowdump', version: '9.9.9' });
    expect(har.log.pages).toEqual([]);
    expect(har.log.entries.map((e) => `${e._shadowdump.pair}:${e._shadowdump.role}`)).toEqual([
      'req-1:related',
      'req-1:primary',
      'req-1:shadow',
      'req-2:primary',
      'req-2:shadow',
      'req-3:primary',
      'req-4:primary',
      'req-4:shadow',
      'req-5:primary',
      'req-5:shadow',
      'req-5:retry',
      'req-6:candidate',
      'req-6:candidate',
      'req-7:primary',
      'req-7:shadow',
    ]);
  });

  it('fills the request: absolute URL, query, headers in order, sizes, timings', async () => {
    const { har } = await writeHar(tempPath(), scenario());
    const [related, primary, shadow] = byPair(har, 'req-1');
    expect(primary.startedDateTime).toBe('2027-01-15T08:00:00.001000Z');
    expect(primary.request.method).toBe('GET');
    expect(primary.request.url).toBe('http://httpbin:8000/users/42?x=1&y=a%20b&flag');
    expect(shadow.request.url).toBe('http://httpbin-shadow:8000/users/42?x=1&y=a%20b&flag');
    expect(primary.request.httpVersion).toBe('HTTP/1.1');
    expect(primary.request.queryString).toEqual([
      { name: 'x', value: '1' },
      { name: 'y', value: 'a b' },
      { name: 'flag', value: '' },
    ]);
    expect(primary.request.headers).toEqual([
      { name: 'Host', value: 'httpbin:8000' },
      { name: 'x-request-id', value: 'req-1' },
    ]);
    expect(primary.request.headersSize).toBe(headBytes('GET /users/42?x=1&y=a%20b&flag HTTP/1.1', [['Host', 'httpbin:8000'], ['x-request-id', 'req-1']]));
    expect(primary.request.bodySize).toBe(0);
    expect(primary.request.postData).toBeUndefined();
    expect(primary.timings).toEqual({ blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0.1, wait: 1.9, receive: 1.25 });
    expect(primary.time).toBeCloseTo(3.25, 9);
    expect(primary.serverIPAddress).toBe('10.1.0.20');
    expect(primary._shadowdump).toEqual({ pair: 'req-1', role: 'primary', verdict: 'match', route: 'GET /users/{id}', client: '10.1.0.5:40000', server: '10.1.0.20:8000' });
    expect(related._shadowdump.server).toBe('127.0.0.1:15001');
    expect(primary.response.status).toBe(200);
    expect(primary.response.statusText).toBe('OK');
    expect(primary.response.content).toEqual({ size: 11, mimeType: 'application/json', text: '{"ok":true}' });
    expect(primary.response.headersSize).toBe(headBytes('HTTP/1.1 200 OK', [['Content-Type', 'application/json']]));
    expect(primary.response.bodySize).toBe(11);
    for (const e of har.log.entries) {
      expect(Math.min(e.timings.send, e.timings.wait, e.timings.receive)).toBeGreaterThanOrEqual(0);
      expect(e.time).toBeCloseTo(e.timings.send + e.timings.wait + e.timings.receive, 9);
    }
  });

  it('gives the decoded body of gzip responses: UTF-8 as text, binary as base64', async () => {
    const { har } = await writeHar(tempPath(), scenario());
    const [primary, shadow] = byPair(har, 'req-2');
    const wireJson = gzipSync(jsonBytes).length;
    expect(primary.response.bodySize).toBe(wireJson);
    expect(primary.response.content).toEqual({ size: jsonBytes.length, compression: jsonBytes.length - wireJson, mimeType: 'application/octet-stream', text: jsonText });
    expect(shadow.response.content.encoding).toBe('base64');
    expect(Buffer.from(shadow.response.content.text ?? '', 'base64')).toEqual(binary);
    expect(shadow._shadowdump.differences).toEqual([{ kind: 'body', path: 'body:sha256', primary: 'aa', shadow: 'bb', noise: false }]);
    expect(primary._shadowdump.differences).toBeUndefined();
  });

  it('marks a missing response with status 0 and its anomalies', async () => {
    const { har } = await writeHar(tempPath(), scenario());
    const [primary, shadow] = byPair(har, 'req-4');
    expect(primary.response.status).toBe(200);
    expect(shadow.response.status).toBe(0);
    expect(shadow.response.bodySize).toBe(-1);
    expect(shadow._shadowdump.verdict).toBe('shadow-error');
    expect(shadow._shadowdump.anomalies).toEqual(['connection-reset', 'response-missing']);
    expect(shadow._shadowdump.hint).toBe('the shadow reset the connection before answering');
    expect(shadow.timings.wait).toBe(0);
    expect(shadow.timings.receive).toBe(0);
    expect(shadow.time).toBe(0.1);
    expect(byPair(har, 'req-3').map((e) => e._shadowdump.verdict)).toEqual(['shadow-missing']);
  });

  it('lists retries and ambiguous candidates by start time', async () => {
    const { har } = await writeHar(tempPath(), scenario());
    const [primary, , retry] = byPair(har, 'req-5');
    expect(primary.response.status).toBe(503);
    expect(retry._shadowdump.role).toBe('retry');
    expect(retry._shadowdump.server).toBe('10.1.0.21:8000');
    expect(retry.request.headers.at(-1)).toEqual({ name: 'x-envoy-attempt-count', value: '2' });
    const candidates = byPair(har, 'req-6');
    expect(candidates.map((e) => e._shadowdump.server)).toEqual(['10.1.0.20:8000', '10.1.0.30:8000']);
    expect(candidates.every((e) => e._shadowdump.verdict === 'ambiguous')).toBe(true);
  });

  it('keeps wire bytes: Latin-1 headers, percent-encoded URL, base64 uploads, cut bodies, cookies', async () => {
    const { har } = await writeHar(tempPath(), scenario());
    const [primary, shadow] = byPair(har, 'req-7');
    expect(primary.request.url).toBe('http://httpbin:8000/caf%E9%20x?q=%FF');
    expect(primary.request.queryString).toEqual([{ name: 'q', value: '\xff' }]);
    expect(primary.request.headers[3]).toEqual({ name: 'X-Note', value: 'caf\xe9\x01' });
    expect(primary.request.cookies).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'two' },
    ]);
    expect(primary.request.bodySize).toBe(binary.length);
    expect(primary.request.postData?._encoding).toBe('base64');
    expect(Buffer.from(primary.request.postData?.text ?? '', 'base64')).toEqual(binary);
    expect(shadow.request.postData).toEqual({ mimeType: 'x-unknown', text: 'plain=text' });
    const res = primary.response;
    expect(res.cookies).toEqual([{ name: 'sid', value: 'xyz', path: '/', httpOnly: true, expires: '2026-10-21T07:28:00.000Z' }]);
    expect(res.redirectURL).toBe('/next');
    expect(res.bodySize).toBe(12);
    expect(res.content.size).toBe(12);
    expect(res.content.text).toBe('h'); // the half of é is dropped, not base64 for one byte
    expect(res.content.comment).toBe('body cut by the capture limit: 2 of 12 bytes kept');
  });

  it('writes a valid document with no entries', async () => {
    const { har } = await writeHar(tempPath(), []);
    await expectValidHar(har);
    expect(har.log.entries).toEqual([]);
    // The validator is not a no-op: an entry without its required fields fails.
    await expect(expectValidHar({ log: { ...har.log, entries: [{ time: 1 }] } })).rejects.toThrow(/not valid HAR/);
  });

  it('streams: entries reach the file before close, and only a stream buffer is pending', async () => {
    const path = tempPath();
    const w = await HarWriter.open(path, '0.0.0');
    const template = scenario()[0];
    const pairs = 20_000;
    for (let i = 0; i < pairs; i++) {
      const id = `bulk-${i}`;
      const e = exchange({ at: i, id });
      await w.add({ ...template, pair: { ...template.pair, id, primary: e, shadow: e, related: [] } });
    }
    const before = statSync(path).size;
    expect(w.entryCount).toBe(2 * pairs);
    await w.close();
    const after = statSync(path).size;
    expect(after).toBeGreaterThan(10_000_000);
    expect(after - before).toBeLessThan(256 * 1024);
    const har = JSON.parse(readFileSync(path, 'utf8')) as HarFile;
    expect(har.log.entries).toHaveLength(2 * pairs);
  });

  it('fails to open with a one-line message naming the file and the fix', async () => {
    const missing = join(dir, 'no-such-dir', 'out.har');
    const err = await HarWriter.open(missing, '1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShadowdumpError);
    expect((err as ShadowdumpError).code).toBe('output-failed');
    expect((err as ShadowdumpError).message).toBe(`cannot create HAR file ${missing}: its directory does not exist; create the directory or choose another --har path`);
    await expect(HarWriter.open(dir, '1')).rejects.toThrow(`cannot create HAR file ${dir}: it is a directory; give --har a file name`);
  });

  it('reports a failing disk as a ShadowdumpError from add or close', async () => {
    const w = await HarWriter.open('/dev/full', '1');
    const reports = scenario();
    const run = async (): Promise<void> => {
      for (let i = 0; i < 1000; i++) await w.add(reports[i % reports.length]);
      await w.close();
    };
    await expect(run()).rejects.toThrow(/^cannot write HAR file \/dev\/full \(ENOSPC.*\); check that the disk has space/);
  });

  it('builds entries without a writer (harEntries)', () => {
    const entries = harEntries(scenario()[0]);
    expect(entries.map((e) => e._shadowdump.role)).toEqual(['related', 'primary', 'shadow']);
  });
});
