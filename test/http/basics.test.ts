import { describe, expect, it } from 'vitest';
import { byteByByte, close, digest, makeConnection, req, res, run, splitsOf, type StreamEvent } from './harness.js';

const GET = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: example.test\r\n${extra}\r\n`;
const OK = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

describe('keep-alive and pipelining', () => {
  it('pairs requests and responses on a keep-alive connection, with times and byte counts', () => {
    const r1 = GET('/a');
    const s1 = OK('hello');
    const r2 = GET('/b', 'X-Test: 1\r\n');
    const s2 = OK('world!', 'Server: t\r\n');
    const { exchanges, anomalies } = run([req(r1, 100), res(s1, 200), req(r2, 300), res(s2, 400), close('fin', 500)]);
    expect(exchanges.map(digest)).toMatchObject([
      {
        index: 0,
        method: 'GET',
        target: '/a',
        host: 'example.test',
        status: 200,
        respBody: 'hello',
        timing: { requestStart: 100, requestEnd: 100, responseStart: 200, responseEnd: 200 },
        requestBytes: r1.length,
        responseBytes: s1.length,
        complete: true,
        anomalies: [],
      },
      {
        index: 1,
        target: '/b',
        reqHeaders: [
          ['Host', 'example.test'],
          ['X-Test', '1'],
        ],
        respHeaders: [
          ['Content-Length', '6'],
          ['Server', 't'],
        ],
        respBody: 'world!',
        timing: { requestStart: 300, requestEnd: 300, responseStart: 400, responseEnd: 400 },
        complete: true,
      },
    ]);
    expect(anomalies.total).toBe(0);
  });

  it('emits each exchange as soon as its response is complete', () => {
    const seen: number[] = [];
    const events: StreamEvent[] = [req(GET('/a'), 1), res(OK('x'), 2), req(GET('/b'), 3)];
    const { exchanges } = run(events);
    seen.push(exchanges.length);
    expect(seen).toEqual([1]);
  });

  it('pairs pipelined requests (several in one chunk, responses in one chunk)', () => {
    const events = [
      req(GET('/1') + GET('/2') + 'HEAD /3 HTTP/1.1\r\nHost: h\r\n\r\n' + GET('/4'), 10),
      res(OK('one') + OK('two') + 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' + OK('four'), 20),
      close('fin', 30),
    ];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map((e) => [e.request.target, e.response?.status, e.response?.body.data.toString(), e.complete])).toEqual([
      ['/1', 200, 'one', true],
      ['/2', 200, 'two', true],
      ['/3', 200, '', true],
      ['/4', 200, 'four', true],
    ]);
    expect(exchanges[2].response?.body.wireBytes).toBe(0);
    expect(anomalies.total).toBe(0);
  });

  it('gives the same exchanges however the bytes are cut into chunks', () => {
    const events: StreamEvent[] = [
      req('POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n' + GET('/2'), 10),
      res('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n', 20),
      close('fin', 30),
    ];
    const expected = run(events).exchanges.map(digest);
    expect(expected).toHaveLength(2);
    expect(expected[0]).toMatchObject({ reqBody: 'hello', reqTrailers: [['X-Sum', '1']], status: 201, interim: [{ status: 100, at: 20 }] });
    expect(expected[1]).toMatchObject({ respBody: 'abcde', respTrailers: [['T', 'v']], complete: true });
    for (const index of [0, 1]) {
      for (const split of splitsOf(events, index)) expect(run(split).exchanges.map(digest)).toEqual(expected);
    }
    expect(run(byteByByte(events)).exchanges.map(digest)).toEqual(expected);
  });

  it('names the client and server from the connection', () => {
    const { exchanges } = run([req(GET('/'), 1), res(OK(''), 2)], { conn: makeConnection(7) });
    expect(exchanges[0]).toMatchObject({ connectionId: 7, client: { ip: '10.0.0.1', port: 40007 }, server: { ip: '10.0.0.2', port: 80 } });
  });
});

describe('message framing', () => {
  it('reads a close-delimited body, complete when ended by FIN', () => {
    const { exchanges } = run([req(GET('/'), 1), res('HTTP/1.0 200 OK\r\n\r\npart1', 2), res('part2', 3), close('fin', 4)]);
    expect(exchanges.map(digest)).toMatchObject([{ respBody: 'part1part2', complete: true, timing: { responseEnd: 3 } }]);
  });

  it.each(['rst', 'idle', 'end-of-capture', 'evicted'] as const)('marks a close-delimited body cut by %s incomplete', (reason) => {
    const { exchanges } = run([req(GET('/'), 1), res('HTTP/1.0 200 OK\r\n\r\npart1', 2), close(reason, 4)]);
    expect(exchanges.map(digest)).toMatchObject([{ respBody: 'part1', complete: false, anomalies: [`response-truncated: ${reason}`] }]);
    expect(exchanges[0].response?.body.truncated).toBe(true);
  });

  it('HEAD response with Content-Length has no body; the next response parses', () => {
    const events = [
      req('HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n' + GET('/next'), 1),
      res('HTTP/1.1 200 OK\r\nContent-Length: 123456\r\n\r\n' + OK('n'), 2),
    ];
    const { exchanges } = run(events);
    expect(exchanges.map((e) => [e.request.method, e.response?.body.wireBytes, e.response?.body.data.toString()])).toEqual([
      ['HEAD', 0, ''],
      ['GET', 1, 'n'],
    ]);
  });

  it('records 100 Continue (and two of them) without consuming the request', () => {
    const events = [
      req('POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n', 1),
      res('HTTP/1.1 100 Continue\r\n\r\n', 2),
      res('HTTP/1.1 100 Continue\r\nX: y\r\n\r\n', 3),
      req('abc', 4),
      res(OK('done'), 5),
    ];
    const { exchanges } = run(events);
    expect(exchanges.map(digest)).toEqual([
      expect.objectContaining({
        reqBody: 'abc',
        status: 200,
        interim: [
          { status: 100, at: 2 },
          { status: 100, at: 3 },
        ],
        timing: { requestStart: 1, requestEnd: 4, responseStart: 5, responseEnd: 5 },
        complete: true,
      }),
    ]);
  });

  it.each([204, 304])('%i has no body even with Content-Length', (status) => {
    const events = [req(GET('/a') + GET('/b'), 1), res(`HTTP/1.1 ${status} X\r\nContent-Length: 50\r\n\r\n` + OK('b'), 2)];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map((e) => [e.response?.status, e.response?.body.wireBytes])).toEqual([
      [status, 0],
      [200, 1],
    ]);
    expect(anomalies.total).toBe(0);
  });

  it('CONNECT answered 2xx ends HTTP parsing on the connection', () => {
    const events = [
      req('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n', 1),
      req('\x16\x03\x01 tls client hello', 2),
      res('HTTP/1.1 200 Connection established\r\n\r\n', 3),
      res('\x16\x03\x03 tls server hello', 4),
      req('GET /not-http HTTP/1.1\r\n\r\n', 5),
      close('fin', 6),
    ];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map(digest)).toMatchObject([{ method: 'CONNECT', target: 'example.test:443', host: 'example.test:443', status: 200, complete: true }]);
    expect(anomalies.get('http.connect')).toBe(1);
    expect(anomalies.get('http.parse-error')).toBe(0);
  });

  it('CONNECT refused (407) keeps parsing HTTP, including bytes sent before the answer', () => {
    const events = [
      req('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n', 1),
      res('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n', 2),
      req('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\nProxy-Authorization: x\r\n\r\n', 3),
      res('HTTP/1.1 200 OK\r\n\r\n', 4),
    ];
    const { exchanges } = run(events);
    expect(exchanges.map((e) => e.response?.status)).toEqual([407, 200]);
  });

  it('Upgrade answered 101 ends HTTP parsing; a refused upgrade does not', () => {
    const ws = 'GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    const upgraded = run([req(ws, 1), res('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello', 2), req('\x81\x85abcdefghi', 3), close('fin', 4)]);
    expect(upgraded.exchanges.map((e) => [e.response?.status, e.complete])).toEqual([[101, true]]);
    expect(upgraded.anomalies.get('http.upgrade')).toBe(1);
    expect(upgraded.anomalies.get('http.parse-error')).toBe(0);

    const refused = run([req(ws + GET('/after'), 1), res(OK('no ws') + OK('after'), 2)]);
    expect(refused.exchanges.map((e) => [e.request.target, e.response?.body.data.toString()])).toEqual([
      ['/chat', 'no ws'],
      ['/after', 'after'],
    ]);
  });
});
