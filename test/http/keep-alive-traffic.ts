/** Synthetic keep-alive traffic, cut into 1448-byte segments as the reassembler delivers it. */
import { HttpExchangeBuilder } from '../../src/http/exchange-builder.js';
import { makeConnection } from './harness.js';

const MSS = 1448;

function request(i: number): string {
  return (
    `GET /api/v1/users/${i}?fields=name,email HTTP/1.1\r\nHost: reviews.default.svc.cluster.local:9080\r\n` +
    'User-Agent: curl/8.5.0\r\nAccept: application/json\r\nx-request-id: 3f2b1c4e-9a8d-4b7c-8e6f-5d4c3b2a1f0e\r\n' +
    'x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7\r\nx-b3-spanid: e457b5a2e4d86bd1\r\nx-b3-sampled: 1\r\n\r\n'
  );
}

function response(body: string, chunked: boolean): string {
  const head = 'HTTP/1.1 200 OK\r\nServer: envoy\r\nDate: Sat, 22 Nov 2026 03:04:39 GMT\r\nContent-Type: application/json\r\nx-envoy-upstream-service-time: 3\r\n';
  if (!chunked) return `${head}Content-Length: ${body.length}\r\n\r\n${body}`;
  const half = body.length >> 1;
  return `${head}Transfer-Encoding: chunked\r\n\r\n${half.toString(16)}\r\n${body.slice(0, half)}\r\n${(body.length - half).toString(16)}\r\n${body.slice(half)}\r\n0\r\n\r\n`;
}

export interface Traffic {
  readonly requests: Buffer[][];
  readonly responses: Buffer[][];
  readonly bytes: number;
}

export function traffic(exchanges: number, bodyBytes: number): Traffic {
  const body = JSON.stringify({ items: 'x'.repeat(Math.max(0, bodyBytes - 14)) }).slice(0, bodyBytes);
  const segments = (s: string): Buffer[] => {
    const b = Buffer.from(s, 'latin1');
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += MSS) out.push(b.subarray(i, i + MSS));
    return out;
  };
  const requests: Buffer[][] = [];
  const responses: Buffer[][] = [];
  let bytes = 0;
  for (let i = 0; i < exchanges; i++) {
    requests.push(segments(request(i)));
    responses.push(segments(response(body, i % 4 === 3)));
  }
  for (const list of [...requests, ...responses]) for (const s of list) bytes += s.length;
  return { requests, responses, bytes };
}

/** Feeds the traffic through a fresh builder; returns the number of exchanges emitted. */
export function runOnce(t: Traffic): number {
  let n = 0;
  const builder = new HttpExchangeBuilder(() => n++);
  const conn = makeConnection(1);
  builder.onOpen(conn);
  let time = 1_700_000_000_000_000;
  for (let i = 0; i < t.requests.length; i++) {
    for (const s of t.requests[i]) builder.onData(conn, 'request', s, time, time);
    time += 100;
    for (const s of t.responses[i]) builder.onData(conn, 'response', s, time, time);
    time += 100;
  }
  builder.onClose(conn, 'fin', time);
  return n;
}

