import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContent } from '../../src/http/content-decoding.js';
import { close, req, res, run } from './harness.js';

const TEXT = Buffer.from('{"hello":"world","n":[1,2,3]}'.repeat(50));

function exchangeWith(encoding: string, body: Buffer, limits?: Parameters<typeof run>[1]) {
  const head = `HTTP/1.1 200 OK\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`;
  const { exchanges } = run([req('GET / HTTP/1.1\r\nHost: h\r\n\r\n', 1), res(Buffer.concat([Buffer.from(head), body]), 2)], limits);
  expect(exchanges).toHaveLength(1);
  const response = exchanges[0].response;
  if (!response) throw new Error('no response');
  return response.body;
}

describe('content decoding', () => {
  it.each([
    ['gzip', zlib.gzipSync(TEXT)],
    ['x-gzip', zlib.gzipSync(TEXT)],
    ['deflate', zlib.deflateSync(TEXT)],
    ['deflate', zlib.deflateRawSync(TEXT)],
    ['br', zlib.brotliCompressSync(TEXT)],
    ['GZIP', zlib.gzipSync(TEXT)],
  ])('decodes %s', (encoding, wire) => {
    const body = exchangeWith(encoding, wire);
    expect(body.wireBytes).toBe(wire.length);
    expect(body.data.equals(wire)).toBe(true);
    expect(body.contentEncoding).toBe(encoding);
    expect(body.decodeProblem).toBeNull();
    expect(body.decoded?.equals(TEXT)).toBe(true);
  });

  it('decodes stacked encodings in reverse order ("gzip, br"; "identity, gzip"; two headers)', () => {
    const stacked = zlib.brotliCompressSync(zlib.gzipSync(TEXT));
    expect(exchangeWith('gzip, br', stacked).decoded?.equals(TEXT)).toBe(true);
    expect(exchangeWith('identity, gzip', zlib.gzipSync(TEXT)).decoded?.equals(TEXT)).toBe(true);
    const twice = zlib.gzipSync(zlib.gzipSync(TEXT));
    const head = `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Encoding: gzip\r\nContent-Length: ${twice.length}\r\n\r\n`;
    const { exchanges } = run([req('GET / HTTP/1.1\r\n\r\n', 1), res(Buffer.concat([Buffer.from(head), twice]), 2)]);
    expect(exchanges[0].response?.body.contentEncoding).toBe('gzip, gzip');
    expect(exchanges[0].response?.body.decoded?.equals(TEXT)).toBe(true);
  });

  it('reports problems as data: identity, unsupported, corrupt', () => {
    expect(exchangeWith('identity', TEXT)).toMatchObject({ decoded: null, decodeProblem: null });
    expect(exchangeWith('zstd', TEXT)).toMatchObject({ decoded: null, decodeProblem: 'unsupported encoding: zstd' });
    expect(exchangeWith('gzip', TEXT).decoded).toBeNull();
    expect(exchangeWith('gzip', TEXT).decodeProblem).toMatch(/^corrupt gzip: /);
    expect(exchangeWith('br', Buffer.from('not brotli at all')).decodeProblem).toMatch(/^corrupt br: /);
  });

  it('decodes what there is of a body cut by the capture limit', () => {
    const random = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 251));
    const gz = zlib.gzipSync(random, { level: 0 });
    const body = exchangeWith('gzip', gz, { limits: { maxBodyBytes: 10_000 } });
    expect(body.truncated).toBe(true);
    expect(body.data.length).toBe(10_000);
    expect(body.wireBytes).toBe(gz.length);
    expect(body.decodeProblem).toBe('truncated');
    const decoded = body.decoded;
    expect(decoded && decoded.length > 9_000 && random.subarray(0, decoded.length).equals(decoded)).toBe(true);
  });

  it('decodes lazily: nothing happens until someone reads decoded', () => {
    const body = exchangeWith('gzip', Buffer.from('garbage'));
    const descriptor = Object.getOwnPropertyDescriptor(body, 'decoded');
    expect(descriptor?.get).toBeTypeOf('function');
    expect(descriptor?.enumerable).toBe(true);
    expect(body.decoded).toBe(body.decoded);
  });

  it('bounds a gzip bomb (100 MB of zeros) to the decode limit, quickly', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const body = exchangeWith('gzip', bomb);
    expect(body.decodeProblem).toBe('limit');
    const decoded = body.decoded;
    expect(decoded).not.toBeNull();
    expect(decoded?.length).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(decoded?.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(decoded?.every((b) => b === 0)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('bounds brotli and stacked bombs too', () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const fast = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };
    const br = decodeContent(zlib.brotliCompressSync(zeros, fast), 'br', true, 1024 * 1024);
    expect(br.problem).toBe('limit');
    expect(br.decoded?.length).toBeLessThanOrEqual(1024 * 1024);
    const stacked = decodeContent(zlib.gzipSync(zlib.gzipSync(zeros, { level: 1 })), 'gzip, gzip', true, 1024 * 1024);
    expect(stacked.problem).toBe('limit');
    expect(stacked.decoded?.length).toBeLessThanOrEqual(1024 * 1024);
  });

  it('decodes request bodies too', () => {
    const gz = zlib.gzipSync(TEXT);
    const head = `POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`;
    const { exchanges } = run([req(Buffer.concat([Buffer.from(head), gz]), 1), close('fin', 2)]);
    expect(exchanges[0].request.body.decoded?.equals(TEXT)).toBe(true);
  });
});
