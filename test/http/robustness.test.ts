import { describe, expect, it } from 'vitest';
import { close, digest, gap, makeConnection, req, res, run, splitsOf, type StreamEvent } from './harness.js';

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;
const OK = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('gaps', () => {
  it('skips a gap inside a Content-Length body without losing sync', () => {
    const body = 'A'.repeat(100);
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n';
    const events: StreamEvent[] = [
      req(GET('/a'), 1),
      res(head + body.slice(0, 30), 2),
      gap('response', 40, 3),
      res(body.slice(70) + OK('next-ok'), 4),
      req(GET('/b'), 5),
      res(OK('b'), 6),
    ];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map(digest)).toMatchObject([
      {
        target: '/a',
        respWire: 100,
        respBody: 'A'.repeat(30),
        responseBytes: head.length + 100,
        complete: false,
        anomalies: ['gap-in-response-body'],
        timing: { responseStart: 2, responseEnd: 4 },
      },
      { target: '/b', respBody: 'b', complete: true, anomalies: [] },
    ]);
    expect(exchanges[0].response?.body.truncated).toBe(true);
    expect(anomalies.get('http.gap-skipped-in-body')).toBe(1);
    expect(anomalies.get('http.resync')).toBe(0);
    // 'next-ok' started before '/b' was sent: it cannot answer it.
    expect(anomalies.get('http.response-without-request')).toBe(1);
  });

  it('skips a gap that ends a Content-Length body exactly, and one inside a chunk', () => {
    const events: StreamEvent[] = [
      req(GET('/a') + GET('/b'), 1),
      res('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234', 2),
      gap('response', 5, 3),
      res('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123', 4),
      gap('response', 8, 5),
      res('cdef\r\n0\r\n\r\n', 6),
    ];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map((e) => [e.request.target, e.response?.body.wireBytes, e.response?.body.data.toString(), e.anomalies])).toEqual([
      ['/a', 10, '01234', ['gap-in-response-body']],
      ['/b', 16, '0123', ['gap-in-response-body']],
    ]);
    expect(exchanges[0].timing.responseEnd).toBe(3);
    expect(anomalies.get('http.gap-skipped-in-body')).toBe(2);
  });

  it('a gap running past the end of a body ends that message and resynchronises', () => {
    const events: StreamEvent[] = [
      req(GET('/a'), 1),
      res('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234', 2),
      gap('response', 500, 3),
      req(GET('/b'), 4),
      res('tail of something lost\r\n' + OK('b'), 5),
    ];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map((e) => [e.request.target, e.response?.body.wireBytes, e.complete])).toEqual([
      ['/a', 10, false],
      ['/b', 1, true],
    ]);
    expect(anomalies.get('http.resync')).toBe(1);
  });

  it('a gap in request headers: the cut request is kept (incomplete) and parsing resumes at the next request', () => {
    const events: StreamEvent[] = [
      req('GET /cut HTTP/1.1\r\nHost: h\r\nUser-Ag', 1),
      gap('request', 200, 2),
      req('ent-rest: x\r\n\r\nPOST /after-gap HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi', 3),
      res(OK('for cut'), 4),
      res(OK('for post'), 5),
    ];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map(digest)).toMatchObject([
      { target: '/cut', reqHeaders: [['Host', 'h']], respBody: 'for cut', complete: false, anomalies: ['gap-in-request-headers'] },
      { method: 'POST', target: '/after-gap', reqBody: 'hi', respBody: 'for post', complete: true },
    ]);
    expect(anomalies.get('http.resync')).toBe(1);
  });

  it('a gap in response headers: resynchronises at the next status line', () => {
    const events: StreamEvent[] = [
      req(GET('/a'), 1),
      res('HTTP/1.1 503 Service Unavailable\r\nContent-Ty', 2),
      gap('response', 100, 3),
      res('xt/plain\r\nContent-Length: 5\r\n\r\nbusy!', 4),
      req(GET('/b'), 5),
      res(OK('b'), 6),
    ];
    const { exchanges } = run(events);
    expect(exchanges.map((e) => [e.request.target, e.response?.status, e.complete, e.anomalies])).toEqual([
      ['/a', 503, false, ['gap-in-response-headers']],
      ['/b', 200, true, []],
    ]);
  });

  it('after losing whole responses in a gap, the next response answers the latest request (no cascade)', () => {
    const events: StreamEvent[] = [
      req(GET('/1'), 10),
      res(OK('one'), 11),
      req(GET('/2'), 20),
      res('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', 21),
      gap('response', 3000, 25),
      req(GET('/3'), 30),
      req(GET('/4'), 40),
      res(OK('four'), 41),
      req(GET('/5'), 50),
      res(OK('five'), 51),
    ];
    const { exchanges } = run(events);
    expect(exchanges.map((e) => [e.request.target, e.response?.body.data.toString() ?? null, e.anomalies])).toEqual([
      ['/1', 'one', []],
      ['/2', 'ab', ['gap-in-response-body']],
      ['/3', null, ['response-lost-in-gap']],
      ['/4', 'four', []],
      ['/5', 'five', []],
    ]);
  });

  it('a parse error resynchronises at the next message', () => {
    const events: StreamEvent[] = [
      req(GET('/a') + 'THIS IS NOT HTTP\r\nmore junk\r\n' + GET('/b'), 1),
      res(OK('a') + OK('b'), 2),
    ];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map((e) => [e.request.target, e.response?.body.data.toString()])).toEqual([
      ['/a', 'a'],
      ['/b', 'b'],
    ]);
    expect(anomalies.get('http.parse-error.HPE_INVALID_CONSTANT')).toBe(1);
  });

  it('an invalid Content-Length is a parse error on that message', () => {
    const events: StreamEvent[] = [req(GET('/a'), 1), res('HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nxx\r\n' + OK('z'), 2), req(GET('/b'), 3), res(OK('b'), 4)];
    const { exchanges, anomalies } = run(events);
    expect(exchanges.map((e) => [e.request.target, e.response?.status, e.anomalies])).toEqual([
      ['/a', 200, ['parse-error: response HPE_INVALID_CONTENT_LENGTH']],
      ['/b', 200, []],
    ]);
    expect(anomalies.get('http.parse-error.HPE_INVALID_CONTENT_LENGTH')).toBe(1);
  });

  it('a bad chunk size is an error, not the last chunk', () => {
    const events: StreamEvent[] = [req(GET('/a'), 1), res('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', 2)];
    const { anomalies, exchanges } = run(events);
    expect(anomalies.get('http.parse-error.HPE_INVALID_CHUNK_SIZE')).toBe(1);
    expect(exchanges[0].anomalies).toEqual(['parse-error: response HPE_INVALID_CHUNK_SIZE']);
  });
});

describe('capture boundaries', () => {
  it('a stream that starts mid-message resynchronises; the response without request is counted, not emitted', () => {
    const conn = makeConnection(1, false);
    const events: StreamEvent[] = [
      req('r-body-of-an-earlier-request\r\n' + GET('/seen'), 1),
      res('ly the end of an earlier body</html>\r\n', 2),
      res(OK('seen'), 3),
    ];
    const { exchanges, anomalies } = run(events, { conn });
    expect(exchanges.map((e) => [e.request.target, e.response?.body.data.toString()])).toEqual([['/seen', 'seen']]);
    expect(anomalies.get('http.response-without-request')).toBe(0);
    expect(anomalies.get('http.resync-bytes-discarded')).toBeGreaterThan(0);
  });

  it('response without request (capture started between request and response)', () => {
    const conn = makeConnection(1, false);
    const { exchanges, anomalies } = run([res(OK('orphan'), 1), req(GET('/next'), 2), res(OK('next'), 3)], { conn });
    expect(exchanges.map((e) => [e.request.target, e.response?.body.data.toString()])).toEqual([['/next', 'next']]);
    expect(anomalies.get('http.response-without-request')).toBe(1);
  });

  it('a response that starts before the request cannot answer it', () => {
    expect(run([req(GET('/skew'), 1002), res(OK('ok'), 1000)]).exchanges.map((e) => e.response?.status)).toEqual([200]);
    // (5 µs of slack absorb timestamps taken on different CPUs.)
    const { exchanges, anomalies } = run([req(GET('/late'), 1000), res(OK('early'), 990), close('fin', 2000)]);
    expect(exchanges.map((e) => [e.request.target, e.response, e.anomalies])).toEqual([['/late', null, ['response-missing']]]);
    expect(anomalies.get('http.response-without-request')).toBe(1);
  });

  it('request without response: emitted at close with response null', () => {
    const { exchanges, anomalies } = run([req(GET('/a') + GET('/b'), 1), res(OK('a'), 2), close('rst', 3)]);
    expect(exchanges.map(digest)).toMatchObject([
      { target: '/a', complete: true },
      { target: '/b', status: null, complete: false, anomalies: ['response-missing', 'connection-reset'], timing: { responseStart: null, responseEnd: null } },
    ]);
    expect(exchanges[1].response).toBeNull();
    expect(anomalies.get('http.response-missing')).toBe(1);
  });

  it('a request cut by the end of the capture is emitted incomplete', () => {
    const { exchanges } = run([req('POST /p HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly part', 1), close('end-of-capture', 2)]);
    expect(exchanges.map((e) => [e.request.target, e.request.body.wireBytes, e.anomalies])).toEqual([
      ['/p', 9, ['request-truncated: end-of-capture', 'response-missing']],
    ]);
  });

  it('swaps roles when the guessed client sends responses', () => {
    const conn = makeConnection(3, false);
    const events: StreamEvent[] = [
      res(GET('/x'), 1), // the 'response' direction carries requests
      req(OK('x'), 2),
      res(GET('/y'), 3),
      req(OK('y'), 4),
    ];
    const { exchanges, anomalies } = run(events, { conn });
    expect(exchanges.map((e) => [e.request.target, e.response?.body.data.toString(), e.client.ip, e.server.ip])).toEqual([
      ['/x', 'x', '10.0.0.2', '10.0.0.1'],
      ['/y', 'y', '10.0.0.2', '10.0.0.1'],
    ]);
    expect(anomalies.get('http.roles-swapped')).toBe(1);
  });

  it('decides roles from a status line seen first as well', () => {
    const conn = makeConnection(3, false);
    const { exchanges, anomalies } = run([req('junk\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 1), res(GET('/z'), 2), req(OK('z'), 3)], { conn });
    expect(exchanges.map((e) => e.request.target)).toEqual(['/z']);
    expect(anomalies.get('http.roles-swapped')).toBe(1);
    expect(anomalies.get('http.response-without-request')).toBe(1);
  });

  it('resync does not depend on where the chunks are cut', () => {
    const conn = makeConnection(1, false);
    const events: StreamEvent[] = [req('ody\r\n' + GET('/a') + GET('/b'), 1), res('xx\r\n' + OK('a') + OK('b'), 2), close('fin', 3)];
    const expected = run(events, { conn }).exchanges.map(digest);
    expect(expected.map((e) => e.respBody)).toEqual(['a', 'b']);
    for (const i of [0, 1]) for (const split of splitsOf(events, i)) expect(run(split, { conn }).exchanges.map(digest)).toEqual(expected);
  });
});

describe('limits', () => {
  it('a 10 MB header is an error with bounded memory; parsing resumes at the next request', () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 'a');
    const events: StreamEvent[] = [req('GET /huge HTTP/1.1\r\nX-Big: ', 1)];
    for (let i = 0; i < huge.length; i += 64 * 1024) events.push(req(huge.subarray(i, i + 64 * 1024), 2));
    events.push(req('\r\n\r\n' + GET('/ok'), 3), res(OK('for huge') + OK('ok'), 4));
    const before = process.memoryUsage().heapUsed;
    const { exchanges, anomalies } = run(events);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(40 * 1024 * 1024);
    expect(anomalies.get('http.parse-error.HPE_HEADER_OVERFLOW')).toBe(1);
    expect(exchanges.map((e) => [e.request.target, e.anomalies])).toEqual([
      ['/huge', ['request-header-too-large']],
      ['/ok', []],
    ]);
  });

  it('a 10 MB header in one chunk is bounded too', () => {
    const { anomalies } = run([req(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nX: '), Buffer.alloc(10 << 20, 'b')]), 1)]);
    expect(anomalies.get('http.parse-error.HPE_HEADER_OVERFLOW')).toBe(1);
  });

  it('keeps bodies up to the limit with exact wire counts', () => {
    const body = 'z'.repeat(5000);
    const { exchanges, anomalies } = run([req(GET('/'), 1), res(OK(body), 2)], { limits: { maxBodyBytes: 1000 } });
    expect(exchanges[0].response?.body).toMatchObject({ wireBytes: 5000, truncated: true });
    expect(exchanges[0].response?.body.data.length).toBe(1000);
    expect(exchanges[0].complete).toBe(true);
    expect(anomalies.entries()).toEqual([['http.body-limit', 1]]);
  });

  it('bounds pending requests: the oldest is emitted without response', () => {
    const many = Array.from({ length: 12 }, (_, i) => GET(`/${i}`)).join('');
    const { exchanges, anomalies } = run([req(many, 1)], { limits: { maxPendingRequests: 10 } });
    expect(exchanges.map((e) => [e.request.target, e.anomalies])).toEqual([
      ['/0', ['pending-limit', 'response-missing']],
      ['/1', ['pending-limit', 'response-missing']],
    ]);
    expect(anomalies.get('http.pending-limit')).toBe(2);
  });

  it('bounds body bytes held across connections', () => {
    const body = 'q'.repeat(3000);
    const { builder, exchanges, anomalies } = run([req(`POST / HTTP/1.1\r\nContent-Length: 3000\r\n\r\n${body}`, 1)], { limits: { maxBufferedBodyBytes: 5000 } });
    expect(builder.bufferedBodyBytes).toBe(3000);
    const conn2 = makeConnection(2);
    builder.onOpen(conn2);
    builder.onData(conn2, 'request', Buffer.from(`POST / HTTP/1.1\r\nContent-Length: 3000\r\n\r\n${body}`), 1, 1);
    expect(builder.bufferedBodyBytes).toBe(5000);
    builder.onClose(conn2, 'fin', 2);
    expect(builder.bufferedBodyBytes).toBe(3000);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0].request.body).toMatchObject({ wireBytes: 3000, truncated: true });
    expect(exchanges[0].request.body.data.length).toBe(2000);
    expect(anomalies.get('http.body-budget')).toBe(1);
  });

  it('bounds connections tracked (safety net): the oldest is closed as evicted', () => {
    const { builder, exchanges, anomalies } = run([req(GET('/1'), 1)], { limits: { maxConnections: 1 } });
    const conn2 = makeConnection(2);
    builder.onOpen(conn2);
    expect(builder.openConnections).toBe(1); // a handshake alone makes no HTTP state
    builder.onData(conn2, 'request', Buffer.from(GET('/2')), 2, 2);
    expect(exchanges.map((e) => [e.connectionId, e.anomalies])).toEqual([[1, ['response-missing']]]);
    expect(anomalies.get('http.connection-limit')).toBe(1);
    expect(builder.openConnections).toBe(1);
  });

  it('bounds bytes held after an Upgrade request: past the bound, parsing resumes', () => {
    const ws = 'GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    const events: StreamEvent[] = [req(ws, 1), req('x'.repeat(500) + '\r\n' + GET('/next'), 2), res(OK('a') + OK('b'), 3)];
    const { exchanges, anomalies } = run(events, { limits: { maxHeldBytes: 100 } });
    expect(anomalies.get('http.held-overflow')).toBe(1);
    expect(exchanges.map((e) => [e.request.target, e.response?.body.data.toString()])).toEqual([
      ['/chat', 'a'],
      ['/next', 'b'],
    ]);
  });
});
