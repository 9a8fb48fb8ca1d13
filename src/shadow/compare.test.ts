import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exchange, type BodyInput } from '../../test/helpers/exchange-builder.js';
import { BodyCollector } from '../http/body-capture.js';
import type { BodyCapture, Exchange, HeaderList } from '../http/types.js';
import { bodyBytes, compareExchanges, compareResponses, headerDifferences, sameHeaders, sameWireBody, type Difference } from './compare.js';

/** One side's answer: 200 without headers or body unless given. */
interface Side {
  status?: number;
  headers?: HeaderList;
  body?: BodyInput;
}

function answer(side: Side | null, host = 'httpbin:8000'): Exchange {
  return exchange({ host, id: null, status: side === null ? null : (side.status ?? 200), responseHeaders: side?.headers ?? [], responseBody: side?.body ?? '' });
}

const json = (v: unknown): HeaderList => [['Content-Type', 'application/json'], ['Content-Length', String(JSON.stringify(v).length)]];

function diff(p: Side | null, s: Side | null, options = {}): Difference[] {
  return compareExchanges(answer(p), answer(s, 'httpbin-shadow:8000'), options).differences;
}

describe('status', () => {
  it('same answer, no differences', () => {
    expect(diff({ body: 'ok' }, { body: 'ok' })).toEqual([]);
  });

  it('status differs', () => {
    expect(diff({ status: 200 }, { status: 503 })).toEqual([{ kind: 'status', path: 'status', primary: '200', shadow: '503' }]);
  });

  it('a missing response differs in status only', () => {
    expect(diff({ status: 200, body: 'x' }, null)).toEqual([{ kind: 'status', path: 'status', primary: '200', shadow: null }]);
    expect(diff(null, null)).toEqual([]);
    expect(compareResponses(null, answer({ status: 404 }).response).differences[0]).toMatchObject({ primary: null, shadow: '404' });
  });
});

describe('headers', () => {
  it('names are compared without case, repeated headers joined', () => {
    const p: HeaderList = [['Vary', 'Accept'], ['vary', 'Origin'], ['X-Version', 'v1']];
    const s: HeaderList = [['VARY', 'Accept, Origin'], ['x-version', 'v2'], ['X-New', '1']];
    expect(diff({ headers: p }, { headers: s })).toEqual([
      { kind: 'header', path: 'header:x-version', primary: 'v1', shadow: 'v2' },
      { kind: 'header', path: 'header:x-new', primary: null, shadow: '1' },
    ]);
  });

  it('mesh noise is left out by default, not when asked', () => {
    const p: HeaderList = [['Date', 'Mon, 01 Jan 2024 00:00:00 GMT'], ['x-envoy-upstream-service-time', '3'], ['x-request-id', 'a'], ['Server-Timing', 'db;dur=1'], ['Age', '1'], ['Transfer-Encoding', 'chunked'], ['Connection', 'keep-alive']];
    const s: HeaderList = [['date', 'Mon, 01 Jan 2024 00:00:01 GMT'], ['x-envoy-upstream-service-time', '9'], ['x-request-id', 'b'], ['Keep-Alive', 'timeout=5']];
    expect(diff({ headers: p }, { headers: s })).toEqual([]);
    expect(diff({ headers: p }, { headers: s }, { ignoreDefaultNoise: false }).map((d) => d.path)).toContain('header:date');
  });

  it('set-cookie and etag are kept', () => {
    const d = diff({ headers: [['ETag', '"1"'], ['Set-Cookie', 'a=1']] }, { headers: [['etag', '"2"'], ['set-cookie', 'a=2']] });
    expect(d.map((x) => x.path)).toEqual(['header:etag', 'header:set-cookie']);
  });

  it('ignoreHeaders, any case', () => {
    const d = diff({ headers: [['X-Pod', 'a'], ['X-Version', '1']] }, { headers: [['x-pod', 'b'], ['X-Version', '2']] }, { ignoreHeaders: ['X-POD'] });
    expect(d.map((x) => x.path)).toEqual(['header:x-version']);
  });

  it('content-length is left out only when the bodies agree', () => {
    // Same decoded JSON, different whitespace: lengths differ but the answer is the same.
    const agree = diff({ headers: [['Content-Length', '9']], body: '{"a": 1}\n' }, { headers: [['Content-Length', '7']], body: '{"a":1}' });
    expect(agree).toEqual([]);
    const disagree = diff({ headers: [['Content-Length', '7']], body: '{"a":1}' }, { headers: [['Content-Length', '7']], body: '{"a":2}' });
    expect(disagree.map((x) => x.path)).toEqual(['$.a']);
    const both = diff({ headers: [['Content-Length', '7']], body: '{"a":1}' }, { headers: [['Content-Length', '8']], body: '{"a":12}' });
    expect(both).toEqual([
      { kind: 'header', path: 'header:content-length', primary: '7', shadow: '8' },
      { kind: 'body', path: '$.a', primary: '1', shadow: '12' },
    ]);
  });
});

describe('JSON bodies', () => {
  it('structural differences with nested paths', () => {
    const p = { user: { name: 'ann', score: 10, tags: ['a'] }, removed: true, 'odd key': 1 };
    const s = { user: { name: 'ann', score: 11, tags: 'a' }, added: null, 'odd key': 2 };
    expect(diff({ headers: json(p), body: JSON.stringify(p) }, { headers: json(s), body: JSON.stringify(s) })).toEqual([
      { kind: 'header', path: 'header:content-length', primary: String(JSON.stringify(p).length), shadow: String(JSON.stringify(s).length) },
      { kind: 'body', path: '$.user.score', primary: '10', shadow: '11' },
      { kind: 'body', path: '$.user.tags', primary: '["a"]', shadow: '"a"' },
      { kind: 'body', path: '$.removed', primary: 'true', shadow: null },
      { kind: 'body', path: '$["odd key"]', primary: '1', shadow: '2' },
      { kind: 'body', path: '$.added', primary: null, shadow: 'null' },
    ]);
  });

  it('arrays index by index, length apart', () => {
    const p = { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
    const s = { items: [{ name: 'a' }, { name: 'B' }] };
    expect(diff({ body: JSON.stringify(p) }, { body: JSON.stringify(s) })).toEqual([
      { kind: 'body', path: '$.items[1].name', primary: '"b"', shadow: '"B"' },
      { kind: 'body', path: '$.items.length', primary: '3', shadow: '2' },
    ]);
  });

  it('a top-level array, and JSON recognised by its content type', () => {
    const d = diff({ headers: [['content-type', 'application/problem+json']], body: ' [1, 2]' }, { headers: [['Content-Type', 'application/problem+json']], body: '[1, 3]' });
    expect(d).toEqual([{ kind: 'body', path: '$[1]', primary: '2', shadow: '3' }]);
    expect(diff({ headers: [['content-type', 'application/json']], body: '"x"' }, { body: '"y"' }).filter((x) => x.kind === 'body')).toEqual([
      { kind: 'body', path: '$', primary: '"x"', shadow: '"y"' },
    ]);
  });

  it('ignoreJsonPaths: exact, wildcard, subtree, quoted', () => {
    const p = { meta: { time: 1, host: 'a' }, items: [{ id: 1, v: 'x' }, { id: 2, v: 'y' }], 'trace id': 'q', n: 1 };
    const s = { meta: { time: 2, host: 'b' }, items: [{ id: 7, v: 'x' }, { id: 8, v: 'z' }], 'trace id': 'r', n: 1 };
    const options = { ignoreJsonPaths: ['$.meta', '$.items[*].id', '$["trace id"]'] };
    expect(diff({ body: JSON.stringify(p) }, { body: JSON.stringify(s) }, options)).toEqual([
      { kind: 'body', path: '$.items[1].v', primary: '"y"', shadow: '"z"' },
    ]);
    expect(diff({ body: JSON.stringify(p) }, { body: JSON.stringify(s) }, { ignoreJsonPaths: ['$.meta.time', '$.items[1]', '$.*'] })).toEqual([]);
    expect(diff({ body: JSON.stringify(p) }, { body: JSON.stringify(s) }, { ignoreJsonPaths: ['$.meta.time', '$.items[1]'] }).map((d) => d.path)).toEqual([
      '$.meta.host',
      '$.items[0].id',
      '$["trace id"]',
    ]);
  });

  it('an ignored array keeps its length out too', () => {
    expect(diff({ body: '{"l":[1,2]}' }, { body: '{"l":[1]}' }, { ignoreJsonPaths: ['$.l'] })).toEqual([]);
    expect(diff({ body: '{"l":[1,2]}' }, { body: '{"l":[1]}' }, { ignoreJsonPaths: ['$.l.length'] })).toEqual([]);
  });

  it('gzip on one side only: decoded bodies are compared, not wire bytes', () => {
    const text = JSON.stringify({ a: [1, 2, 3], b: 'same' });
    const d = diff(
      { headers: [['Content-Type', 'application/json'], ['Content-Length', String(text.length)]], body: text },
      { headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip'], ['Content-Length', '40']], body: { data: gzipSync(text), decoded: text } },
    );
    expect(d).toEqual([{ kind: 'header', path: 'header:content-encoding', primary: null, shadow: 'gzip' }]);
    // Both gzip, different compression levels: wire bytes differ, the answer does not.
    const g1 = gzipSync(text, { level: 1 });
    const g9 = gzipSync(text, { level: 9 });
    const gz: HeaderList = [['Content-Encoding', 'gzip']];
    expect(diff({ headers: gz, body: { data: g1, decoded: text } }, { headers: gz, body: { data: Buffer.concat([g9, Buffer.from([0])]), decoded: text } })).toEqual([]);
  });

  it('long values are cut', () => {
    const long = 'x'.repeat(1000);
    const [d] = diff({ body: JSON.stringify({ a: long }) }, { body: JSON.stringify({ a: 'y' }) }, { maxValueLength: 20 });
    expect(d.primary).toHaveLength(20);
    expect(d.primary?.endsWith('…')).toBe(true);
  });

  it('malformed JSON falls back to a text comparison', () => {
    const d = diff({ headers: json({}), body: '{"a": 1,\n"b": 2}' }, { headers: json({}), body: '{"a": 1,\n"b": 2' });
    expect(d.filter((x) => x.kind === 'body')).toEqual([{ kind: 'body', path: 'body:line 2', primary: '"b": 2}', shadow: '"b": 2' }]);
  });
});

describe('text and binary bodies', () => {
  it('text line by line, at most N lines then a count', () => {
    const p = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\r\n');
    const s = Array.from({ length: 22 }, (_, i) => (i % 2 === 0 ? `line ${i}` : `LINE ${i}`)).join('\r\n');
    const d = diff({ headers: [['content-type', 'text/plain']], body: p }, { headers: [['content-type', 'text/plain']], body: s });
    expect(d.slice(0, 2)).toEqual([
      { kind: 'body', path: 'body:line 2', primary: 'line 1', shadow: 'LINE 1' },
      { kind: 'body', path: 'body:line 4', primary: 'line 3', shadow: 'LINE 3' },
    ]);
    expect(d.filter((x) => x.path.startsWith('body:line '))).toHaveLength(5);
    expect(d.at(-1)).toEqual({ kind: 'body', path: 'body:lines', primary: '20 lines', shadow: '22 lines, 12 differ' });
    expect(diff({ body: 'a\nb' }, { body: 'a\nb\nc' }, { maxTextLines: 1 })).toEqual([
      { kind: 'body', path: 'body:line 3', primary: null, shadow: 'c' },
    ]);
  });

  it('binary bodies by size and SHA-256', () => {
    const p = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
    const s = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 3, 4]);
    const d = diff({ body: p }, { body: s });
    expect(d.map((x) => x.path)).toEqual(['body:size', 'body:sha256']);
    expect(d[0]).toMatchObject({ primary: '7', shadow: '8' });
    expect(d[1].primary).toMatch(/^[0-9a-f]{64}$/);
    const same = diff({ body: p }, { body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 9]) });
    expect(same.map((x) => x.path)).toEqual(['body:sha256']);
    // Invalid UTF-8 is binary too.
    expect(diff({ body: Buffer.from([0xff, 0xfe]) }, { body: Buffer.from([0xff, 0xfd]) }).map((x) => x.path)).toEqual(['body:sha256']);
  });

  it('truncated bodies: wire size, then the bytes both kept', () => {
    const d = diff({ body: { data: 'abcd', truncated: true, wireBytes: 100 } }, { body: { data: 'abcd', truncated: true, wireBytes: 120 } });
    expect(d).toEqual([{ kind: 'body', path: 'body:size', primary: '100', shadow: '120' }]);
    expect(diff({ body: { data: 'abcd', truncated: true, wireBytes: 100 } }, { body: { data: 'abcd', truncated: true, wireBytes: 100 } })).toEqual([]);
    expect(diff({ body: { data: 'abcd', truncated: true, wireBytes: 100 } }, { body: { data: 'abXd', truncated: true, wireBytes: 100 } }).map((x) => x.path)).toEqual([
      'body:sha256',
    ]);
  });
});

describe('bounds', () => {
  it('at most maxDifferences, then one entry with the count', () => {
    const p = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    const s = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, -i - 1]));
    const d = diff({ status: 200, body: JSON.stringify(p) }, { status: 500, body: JSON.stringify(s) });
    expect(d).toHaveLength(51);
    expect(d[0].path).toBe('status');
    expect(d.at(-1)).toEqual({ kind: 'body', path: '...', primary: null, shadow: '31 more' });
    const small = diff({ body: JSON.stringify(p) }, { body: JSON.stringify(s) }, { maxDifferences: 3 });
    expect(small.map((x) => x.path)).toEqual(['$.k0', '$.k1', '$.k2', '...']);
    expect(small[3].shadow).toBe('77 more');
  });

  it('headers count toward the bound too', () => {
    const hp: HeaderList = Array.from({ length: 5 }, (_, i) => [`x-h${i}`, 'a'] as const);
    const hs: HeaderList = Array.from({ length: 5 }, (_, i) => [`x-h${i}`, 'b'] as const);
    const d = diff({ headers: hp, body: '[1]' }, { headers: hs, body: '[2]' }, { maxDifferences: 3 });
    expect(d.map((x) => x.path)).toEqual(['header:x-h0', 'header:x-h1', 'header:x-h2', '...']);
    expect(d[3]).toMatchObject({ kind: 'header', shadow: '3 more' });
  });

  it('nesting past maxDepth is compared whole', () => {
    const nest = (n: number, leaf: number): unknown => (n === 0 ? leaf : { a: nest(n - 1, leaf) });
    const d = diff({ body: JSON.stringify(nest(10, 1)) }, { body: JSON.stringify(nest(10, 2)) }, { maxDepth: 3 });
    expect(d).toHaveLength(1);
    expect(d[0].path).toBe('$.a.a.a');
    expect(diff({ body: JSON.stringify(nest(10, 1)) }, { body: JSON.stringify(nest(10, 1)) + ' ' }, { maxDepth: 3 })).toEqual([]);
  });

  it('very deep documents do not throw', () => {
    const depth = 20_000;
    const p = '['.repeat(depth) + ']'.repeat(depth);
    const s = '['.repeat(depth) + '1' + ']'.repeat(depth);
    expect(() => diff({ body: p }, { body: s })).not.toThrow();
    const d = diff({ body: p }, { body: s });
    expect(d).toEqual([{ kind: 'body', path: '$' + '[0]'.repeat(64), primary: '[…]', shadow: '[…]' }]);
    expect(diff({ body: p }, { body: p + '\n' })).toEqual([]);
  });
});

describe('the shadow Host echoed back', () => {
  const echo = (host: string): Side => ({ headers: json({}), body: JSON.stringify({ headers: { Host: host }, url: `http://${host}/get` }) });

  it('is the mesh suffix, not a difference (JSON, text and headers)', () => {
    expect(diff(echo('httpbin:8000'), echo('httpbin-shadow:8000'))).toEqual([]);
    expect(diff({ body: 'served by httpbin:8000\n' }, { body: 'served by httpbin-shadow:8000\n' })).toEqual([]);
    expect(diff({ headers: [['Location', 'http://httpbin:8000/a']] }, { headers: [['Location', 'http://httpbin-shadow:8000/a']] })).toEqual([]);
  });

  it('other differences beside it are still reported', () => {
    const p = { headers: json({}), body: JSON.stringify({ host: 'httpbin:8000', v: 1 }) };
    const s = { headers: json({}), body: JSON.stringify({ host: 'httpbin-shadow:8000', v: 2 }) };
    expect(diff(p, s)).toEqual([{ kind: 'body', path: '$.v', primary: '1', shadow: '2' }]);
  });

  it('a host that is not the shadow request Host still differs', () => {
    expect(diff({ body: 'a httpbin:8000' }, { body: 'a other:8000' }).map((d) => d.path)).toEqual(['body:line 1']);
  });
});

describe('fast paths agree with the general path', () => {
  it('headers: when sameHeaders says nothing differs, headerDifferences finds nothing either', () => {
    const name = fc.constantFrom('Date', 'date', 'Content-Length', 'content-length', 'X-A', 'x-a', 'X-B', 'Set-Cookie', 'set-cookie', 'Vary');
    const value = fc.constantFrom('1', '2', 'a', 'b', 'a, b', '', 'h-shadow:80', 'h:80');
    const list = fc.array(fc.tuple(name, value), { maxLength: 6 });
    // The shadow's list: often the primary's with some values changed (the lists the fast path is for), or any list.
    const lists = list.chain((p) =>
      fc.tuple(
        fc.constant(p),
        fc.oneof(
          fc.tuple(...p.map(([n, v]) => fc.tuple(fc.constant(n), fc.oneof(fc.constant(v), value)))).map((s): HeaderList => s),
          list,
        ),
      ),
    );
    const ignoredNames = fc.subarray(['date', 'content-length', 'x-a', 'set-cookie', 'vary']);
    const alias = fc.option(fc.constant({ shadow: 'h-shadow:80', primary: 'h:80' }), { nil: undefined });
    let fast = 0;
    fc.assert(
      fc.property(lists, ignoredNames, alias, ([p, s], names, hostAlias) => {
        const ignored = (n: string): boolean => names.includes(n);
        if (!sameHeaders(p, s, ignored)) return;
        fast++;
        expect(headerDifferences(p, s, ignored, hostAlias)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(300);
  });

  it('bodies: the same wire bytes with the same coding decode to the same bytes, with the same problem', () => {
    const encoders: Record<string, (b: Buffer) => Buffer> = {
      gzip: (b) => gzipSync(b),
      'x-gzip': (b) => gzipSync(b),
      deflate: (b) => deflateSync(b),
      br: (b) => brotliCompressSync(b),
      identity: (b) => b,
    };
    const coding = fc.constantFrom(null, 'gzip', 'x-gzip', 'deflate', 'br', 'gzip, br', 'identity', 'bogus');
    const payload = fc.oneof(
      fc.string({ maxLength: 200 }).map((t) => Buffer.from(t)),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc.nat({ max: 100_000 }).map((n) => Buffer.alloc(n, 'a')), // past a small decode limit
    );
    const wire = fc.record({ payload, coding, damage: fc.constantFrom('none', 'cut', 'flip'), at: fc.nat() }).map(({ payload: body, coding: enc, damage, at }) => {
      let data: Buffer = body;
      if (enc !== null) for (const token of enc.split(', ')) data = encoders[token]?.(data) ?? data;
      if (data.length > 0 && damage === 'cut') data = data.subarray(0, at % data.length);
      if (data.length > 0 && damage === 'flip') {
        data = Buffer.from(data);
        data[at % data.length] ^= 0x55;
      }
      return { data, coding: enc };
    });
    const capture = (data: Buffer, coding: string | null, chunk: number, keep: number, complete: boolean, decodeLimit: number) => {
      const collector = new BodyCollector(keep, null);
      for (let i = 0; i < data.length; i += chunk) collector.add(data.subarray(i, i + chunk));
      return collector.finish(coding, complete, decodeLimit);
    };
    fc.assert(
      fc.property(
        wire,
        fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 })),
        fc.constantFrom(1 << 20, 64),
        fc.tuple(fc.boolean(), fc.boolean()),
        fc.constantFrom(1 << 20, 50_000, 64),
        ({ data, coding }, [chunkP, chunkS], keep, [completeP, completeS], decodeLimit) => {
          const p = capture(data, coding, chunkP, keep, completeP, decodeLimit);
          const s = capture(Buffer.from(data), coding, chunkS, keep, completeS, decodeLimit);
          if (!sameWireBody(p, s)) return;
          expect(bodyBytes(p).equals(bodyBytes(s))).toBe(true);
          expect(p.decodeProblem).toBe(s.decodeProblem);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a whole comparison is the same with and without the body fast path', () => {
    // The shadow's body under another name for the same coding ('x-gzip' for 'gzip') takes the general path.
    const text = JSON.stringify({ a: [1, 2, 3], b: 'same' });
    const gz = (enc: string): Side => ({ headers: [['Content-Encoding', enc]], body: bodyOf(gzipSync(text), enc) });
    expect(diff(gz('gzip'), gz('gzip'))).toEqual([]);
    expect(diff(gz('gzip'), gz('x-gzip'))).toEqual([{ kind: 'header', path: 'header:content-encoding', primary: 'gzip', shadow: 'x-gzip' }]);
  });
});

/** A body as the HTTP stage captures it (decoded lazily, for real). */
function bodyOf(data: Buffer, coding: string | null): BodyCapture {
  const collector = new BodyCollector(1 << 20, null);
  collector.add(data);
  return collector.finish(coding, true, 1 << 20);
}
