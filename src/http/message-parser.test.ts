import { describe, expect, it } from 'vitest';
import { HttpParseError } from './errors.js';
import { DEFAULT_HTTP_LIMITS } from './limits.js';
import { MessageParser, setFastHeadParsing, type MessageAbort, type MessageEnd, type MessageHead, type MessageKind, type MessageSink } from './message-parser.js';
import type { HeaderList } from './types.js';

type Event =
  | { readonly e: 'head'; readonly head: MessageHead }
  | { readonly e: 'body'; readonly text: string }
  | { readonly e: 'body-gap'; readonly length: number }
  | { readonly e: 'trailers'; readonly trailers: HeaderList }
  | { readonly e: 'end'; readonly end: MessageEnd }
  | { readonly e: 'abort'; readonly abort: MessageAbort };

function recorder(options: { skipBody?: (h: MessageHead) => boolean; stopAfter?: number } = {}): { sink: MessageSink; events: Event[] } {
  const events: Event[] = [];
  let ends = 0;
  const sink: MessageSink = {
    onHead: (head) => {
      events.push({ e: 'head', head });
      return options.skipBody?.(head) ?? false;
    },
    onBody: (bytes) => events.push({ e: 'body', text: bytes.toString('latin1') }),
    onBodyGap: (length) => events.push({ e: 'body-gap', length }),
    onTrailers: (trailers) => events.push({ e: 'trailers', trailers }),
    onEnd: (end) => {
      events.push({ e: 'end', end });
      return ++ends === options.stopAfter;
    },
    onAbort: (abort) => events.push({ e: 'abort', abort }),
  };
  return { sink, events };
}

function parser(kind: MessageKind, options?: Parameters<typeof recorder>[0], limits = DEFAULT_HTTP_LIMITS) {
  const { sink, events } = recorder(options);
  return { p: new MessageParser(kind, sink, limits), events };
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('MessageParser', () => {
  it('reports heads, bodies and ends with exact byte counts and times', () => {
    const { p, events } = parser('response');
    const m1 = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    const m2 = 'HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n';
    expect(p.feed(b('\r\n' + m1 + m2.slice(0, 20)), 10, 11)).toEqual({ kind: 'done' });
    expect(p.feed(b(m2.slice(20)), 20, 21)).toEqual({ kind: 'done' });
    const heads = events.filter((e) => e.e === 'head').map((e) => e.head);
    expect(heads).toMatchObject([
      { kind: 'response', status: 200, reason: 'OK', version: '1.1', start: 10, headBytes: m1.length - 5, whole: true },
      { kind: 'response', status: 404, reason: 'Not Found', start: 10, headers: [['Transfer-Encoding', 'chunked']] },
    ]);
    const ends = events.filter((e) => e.e === 'end').map((e) => e.end);
    expect(ends).toEqual([
      { end: 11, bytes: m1.length, endedByClose: null },
      { end: 21, bytes: m2.length, endedByClose: null },
    ]);
    expect(events.filter((e) => e.e === 'trailers')).toEqual([{ e: 'trailers', trailers: [['X-T', '1']] }]);
    expect(p.idle).toBe(true);
  });

  it('skips the body when the sink says so (HEAD), and 1xx/204/304 always', () => {
    const { p, events } = parser('response', { skipBody: (h) => h.kind === 'response' && h.status === 200 });
    p.feed(b('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n'), 1, 1);
    expect(events.filter((e) => e.e === 'end')).toHaveLength(3);
    expect(events.filter((e) => e.e === 'body')).toHaveLength(0);
  });

  it('stops right after a message when the sink asks (Upgrade, CONNECT)', () => {
    const { p, events } = parser('request', { stopAfter: 1 });
    const upgrade = 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    expect(p.feed(b(upgrade + '\x81\x05hello'), 1, 1)).toEqual({ kind: 'stopped', offset: upgrade.length });
    expect(events.map((e) => e.e)).toEqual(['head', 'end']);
    expect(events[0]).toMatchObject({ head: { method: 'GET', upgrade: true } });
  });

  it('accepts any token as a method (RFC 9110), not only [A-Z-]', () => {
    const { p, events } = parser('request');
    p.feed(b('CCM_POST / HTTP/1.1\r\n\r\nQUERY /q HTTP/1.1\r\nContent-Length: 0\r\n\r\n'), 1, 1);
    expect(events.filter((e) => e.e === 'head').map((e) => (e.head.kind === 'request' ? e.head.method : ''))).toEqual(['CCM_POST', 'QUERY']);
  });

  it('turns what the library throws or returns into typed errors with codes and bytes', () => {
    const cases: Array<[MessageKind, string, string]> = [
      ['request', 'GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
      ['request', 'GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'HPE_UNEXPECTED_CONTENT_LENGTH'],
      ['request', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 'HPE_INVALID_TRANSFER_ENCODING'],
      ['request', 'GET / HTTP/1.1\r\nBad\rHeader: x\r\n\r\n', 'HPE_LF_EXPECTED'],
      ['request', 'get me something\r\n', 'HPE_INVALID_CONSTANT'],
      ['response', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n', 'HPE_STRICT'],
      ['response', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfoo\r\n', 'HPE_INVALID_CHUNK_SIZE'],
    ];
    for (const [kind, text, code] of cases) {
      const { p, events } = parser(kind);
      const r = p.feed(b(text), 1, 1);
      expect(r.kind, text).toBe('error');
      if (r.kind !== 'error') continue;
      expect(r.error).toBeInstanceOf(HttpParseError);
      expect(r.error.code, text).toBe(code);
      expect(r.error.bytes.length).toBeGreaterThan(0);
      expect(events.at(-1)?.e).toBe('abort');
      expect(p.idle).toBe(true);
    }
  });

  it('accepts a Content-Length list of equal values and a transfer-coding list ending in chunked', () => {
    const { p, events } = parser('response');
    p.feed(b('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nokHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n'), 1, 1);
    expect(events.filter((e) => e.e === 'body').map((e) => e.text)).toEqual(['ok', 'zz']);
  });

  it('bounds heads, chunk-size lines and trailers', () => {
    const limits = { ...DEFAULT_HTTP_LIMITS, maxHeaderBytes: 1000 };
    const head = parser('request', {}, limits);
    let r = head.p.feed(b('GET / HTTP/1.1\r\n' + 'X: y\r\n'.repeat(200)), 1, 1);
    expect(r.kind === 'error' && r.error.code).toBe('HPE_HEADER_OVERFLOW');
    const chunk = parser('response', {}, limits);
    r = chunk.p.feed(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + '1'.repeat(2000)), 1, 1);
    expect(r.kind === 'error' && r.error.code).toBe('HPE_LINE_OVERFLOW');
    const trailers = parser('response', {}, limits);
    r = trailers.p.feed(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n' + 'T: v\r\n'.repeat(300)), 1, 1);
    expect(r.kind === 'error' && r.error.code).toBe('HPE_HEADER_OVERFLOW');
  });

  it('does not count earlier pipelined messages in a head (the library would)', () => {
    const limits = { ...DEFAULT_HTTP_LIMITS, maxHeaderBytes: 200 };
    const { p, events } = parser('request', {}, limits);
    const many = 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n'.repeat(100) + 'GET /last HTTP/1.1\r\nHo';
    expect(p.feed(b(many), 1, 1)).toEqual({ kind: 'done' });
    expect(events.filter((e) => e.e === 'end')).toHaveLength(100);
  });

  it("keeps the library's own head limit off after a message (it would count earlier bodies in the next head)", () => {
    for (const fast of [true, false]) {
      setFastHeadParsing(fast);
      const { p, events } = parser('request');
      // A body that fills most of one execute() call, then a head of 20 KB over three feeds:
      // the library would count 64 KB + 18 KB against its 80 KB and fail the second feed.
      const body = 'x'.repeat(63 * 1024);
      const head = `GET /next HTTP/1.1\r\nX-Big: ${'y'.repeat(20 * 1024)}\r\n\r\n`;
      const stream = b(`POST /big HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}${head}`);
      const cuts = [0, stream.length - 10 * 1024, stream.length - 2 * 1024, stream.length];
      for (let i = 1; i < cuts.length; i++) expect(p.feed(stream.subarray(cuts[i - 1], cuts[i]), i, i)).toEqual({ kind: 'done' });
      expect(events.filter((e) => e.e === 'end')).toHaveLength(2);
    }
    setFastHeadParsing(true);
  });

  it('skips gaps inside bodies of known length and keeps sync', () => {
    const { p, events } = parser('response');
    const head1 = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n';
    const head2 = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    p.feed(b(head1 + 'ab'), 1, 1);
    expect(p.gap(3, 2)).toBe('kept-sync');
    p.feed(b('cdefg' + head2 + '6\r\n12'), 3, 3);
    expect(p.gap(4, 4)).toBe('kept-sync');
    p.feed(b('\r\n0\r\n\r\n'), 5, 5);
    expect(events.filter((e) => e.e === 'end').map((e) => e.end)).toEqual([
      { end: 3, bytes: head1.length + 10, endedByClose: null },
      { end: 5, bytes: head2.length + '6\r\n'.length + 6 + '\r\n0\r\n\r\n'.length, endedByClose: null },
    ]);
    expect(events.filter((e) => e.e === 'body-gap').map((e) => e.length)).toEqual([3, 4]);
  });

  it('a gap that ends a body exactly ends the message at the gap', () => {
    const { p, events } = parser('response');
    p.feed(b('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'), 1, 1);
    expect(p.gap(2, 7)).toBe('kept-sync');
    expect(events.at(-1)).toEqual({ e: 'end', end: { end: 7, bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n'.length + 4, endedByClose: null } });
    expect(p.idle).toBe(true);
  });

  it('a gap past the body of known length ends the message and loses sync; other gaps abort', () => {
    const a = parser('response');
    a.p.feed(b('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'), 1, 1);
    expect(a.p.gap(10, 2)).toBe('lost-sync');
    expect(a.events.at(-1)).toEqual({ e: 'end', end: { end: 2, bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n'.length + 4, endedByClose: null } });

    const h = parser('request');
    h.p.feed(b('GET /cut HTTP/1.1\r\nHost: x\r\nAcc'), 1, 1);
    expect(h.p.gap(10, 2)).toBe('lost-sync');
    expect(h.events.at(-1)).toMatchObject({
      e: 'abort',
      abort: { cause: { kind: 'gap', length: 10 }, headDelivered: false, salvaged: { method: 'GET', target: '/cut', headers: [['Host', 'x']], whole: false } },
    });
  });

  it('salvages a start line cut after its target or status code', () => {
    const q = parser('request');
    q.p.feed(b('GET /get?page=2 HTTP/'), 1, 1);
    q.p.gap(100, 2);
    expect(q.events.at(-1)).toMatchObject({ abort: { salvaged: { kind: 'request', method: 'GET', target: '/get?page=2', version: '' } } });
    const s = parser('response');
    s.p.feed(b('HTTP/1.1 503 Serv'), 1, 1);
    s.p.finish('end-of-capture');
    expect(s.events.at(-1)).toMatchObject({ abort: { cause: { kind: 'closed' }, salvaged: { kind: 'response', status: 503, reason: 'Serv' } } });
  });

  it('ends a body without length at the close, and says how', () => {
    const { p, events } = parser('response');
    p.feed(b('HTTP/1.0 200 OK\r\n\r\nabc'), 1, 1);
    p.feed(b('def'), 2, 2);
    p.finish('rst');
    expect(events.at(-1)).toEqual({ e: 'end', end: { end: 2, bytes: 'HTTP/1.0 200 OK\r\n\r\nabcdef'.length, endedByClose: 'rst' } });
  });

  it('dates the end of a message by the latest packet seen (out-of-order delivery)', () => {
    const { p, events } = parser('request');
    const head = 'POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n';
    p.feed(b(head + 'ab'), 10, 10);
    // The reassembler delivers a buffered segment (older time) after the one that filled the hole.
    p.feed(b('cd'), 5, 5);
    expect(events.at(-1)).toEqual({ e: 'end', end: { end: 10, bytes: head.length + 4, endedByClose: null } });
  });

  it('gives the same events however a stream is cut', () => {
    const stream = b(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nwxyz\r\n0\r\nA: b\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyz',
    );
    const whole = parser('response');
    whole.p.feed(stream, 1, 1);
    const normal = (events: Event[]) =>
      events.flatMap((e) => (e.e === 'body' ? [...e.text].map((c) => `body:${c}`) : [JSON.stringify(e)]));
    for (let cut = 1; cut < stream.length; cut++) {
      const split = parser('response');
      split.p.feed(stream.subarray(0, cut), 1, 1);
      split.p.feed(stream.subarray(cut), 1, 1);
      expect(normal(split.events)).toEqual(normal(whole.events));
    }
  });
});
