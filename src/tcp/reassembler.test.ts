import { describe, expect, it } from 'vitest';
import type { Micros } from '../core/time.js';
import { TcpFlag, type DecodedPacket } from '../decode/types.js';
import { packet, RecordingSink, Script, type Recorded } from '../../test/tcp/builder.js';
import type { ReassemblyOptions } from './limits.js';
import { TcpReassembler } from './reassembler.js';
import type { EndReason } from './types.js';

const T0: Micros = 1_700_000_000_000_000;
const MS: Micros = 1000;
const S: Micros = 1_000_000;

const client = (isn = 1000, ip = '10.0.0.1', port = 40000) => ({ ip, port, isn });
const server = (isn = 5000, ip = '10.0.0.2', port = 80) => ({ ip, port, isn });

/** A packet, or a packet with its own time. */
type Step = DecodedPacket | readonly [DecodedPacket, Micros];

function run(steps: readonly Step[], options: Partial<ReassemblyOptions> = {}, finishAt?: Micros) {
  const sink = new RecordingSink();
  const r = new TcpReassembler(sink, options);
  let t = T0;
  for (const step of steps) {
    if (Array.isArray(step)) {
      const [p, at] = step as readonly [DecodedPacket, Micros];
      t = at;
      r.addPacket(p, at);
    } else {
      t += MS;
      r.addPacket(step as DecodedPacket, t);
    }
  }
  r.finish(finishAt ?? t + MS);
  expect(sink.errors).toEqual([]);
  return { sink, anomalies: Object.fromEntries(r.anomalies.entries()), reassembler: r };
}

interface Expected {
  /** Per connection in order of opening: request / response text (gaps as <gap N>) and end reason. */
  readonly connections: ReadonlyArray<{ request: string; response: string; reason: EndReason; reuse?: number; handshake?: boolean }>;
  /** Exact anomaly counts (every name listed; absent names must be 0). */
  readonly anomalies?: Record<string, number>;
}

interface Case {
  readonly name: string;
  readonly steps: () => Step[];
  readonly options?: Partial<ReassemblyOptions>;
  readonly expect: Expected;
}

function summary(c: Recorded) {
  return {
    request: c.streams.request,
    response: c.streams.response,
    reason: c.closed?.reason,
  };
}

const REQ = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
const RES = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

const CASES: Case[] = [
  {
    name: 'in order, FIN both ways',
    steps: () => {
      const s = new Script(client(), server());
      return [...s.handshake(), s.segment('request', REQ), s.segment('response', RES), s.fin('request'), s.fin('response'), s.ack('request')];
    },
    expect: { connections: [{ request: REQ, response: RES, reason: 'fin', handshake: true }], anomalies: {} },
  },
  {
    name: 'reordered segments are delivered once the hole fills',
    steps: () => {
      const s = new Script(client(), server());
      const a = s.segment('request', 'abc');
      const b = s.segment('request', 'def');
      const c = s.segment('request', 'ghi');
      return [...s.handshake(), c, b, a, s.fin('request'), s.fin('response')];
    },
    expect: { connections: [{ request: 'abcdefghi', response: '', reason: 'fin' }], anomalies: { 'tcp.out-of-order': 2 } },
  },
  {
    name: 'a retransmission of delivered bytes is dropped',
    steps: () => {
      const s = new Script(client(), server());
      const a = s.segment('request', 'abc');
      return [...s.handshake(), a, a, s.segment('request', 'def'), s.segment('request', 'cdefg', { at: 2 })];
    },
    expect: { connections: [{ request: 'abcdefg', response: '', reason: 'end-of-capture' }], anomalies: { 'tcp.retransmission': 2 } },
  },
  {
    name: 'overlap with different bytes keeps the first (buffered) copy',
    steps: () => {
      const s = new Script(client(), server());
      return [
        ...s.handshake(),
        s.segment('request', 'def', { at: 3 }),
        s.segment('request', 'XYZ', { at: 3 }),
        s.segment('request', 'abQQ', { at: 0 }), // overlaps "d" with "Q"
      ];
    },
    expect: {
      connections: [{ request: 'abcdef'.replace('c', 'Q'), response: '', reason: 'end-of-capture' }],
      anomalies: { 'tcp.out-of-order': 2, 'tcp.overlap-conflict': 2 },
    },
  },
  {
    name: 'sequence numbers wrap around 2^32 in both directions',
    steps: () => {
      const s = new Script(client(0xfffffffd), server(0xffffffff));
      const a = s.segment('request', 'hello ');
      const b = s.segment('request', 'wrapping ');
      const c = s.segment('request', 'world');
      return [...s.handshake(), b, c, a, s.segment('response', 'ok, wrapped'), s.fin('request'), s.fin('response')];
    },
    expect: { connections: [{ request: 'hello wrapping world', response: 'ok, wrapped', reason: 'fin' }], anomalies: { 'tcp.out-of-order': 2 } },
  },
  {
    name: 'mid-stream start: first seen byte is the start; server guessed by its port',
    steps: () => {
      const s = new Script(client(1000, '10.0.0.1', 45000), server(9000, '10.0.0.2', 80));
      // The capture starts with the tail of a response, then a new request.
      return [s.segment('response', 'tail of body', { at: 500 }), s.segment('request', REQ, { at: 300 }), s.segment('response', RES)];
    },
    expect: { connections: [{ request: REQ, response: 'tail of body' + RES, reason: 'end-of-capture', handshake: false }], anomalies: {} },
  },
  {
    name: 'port reuse after FIN both ways: a new SYN starts connection 2',
    steps: () => {
      const a = new Script(client(1000), server(5000));
      const b = new Script(client(777_777), server(888_888));
      return [
        ...a.handshake(), a.segment('request', 'one'), a.fin('request'), a.fin('response'), a.ack('request'),
        a.syn(), // a duplicate of the old SYN: absorbed
        ...b.handshake(), b.segment('request', 'two'), b.segment('response', 'dos'), b.rst('response'),
      ];
    },
    expect: {
      connections: [
        { request: 'one', response: '', reason: 'fin', reuse: 0 },
        { request: 'two', response: 'dos', reason: 'rst', reuse: 1 },
      ],
      anomalies: { 'tcp.port-reuse': 1 },
    },
  },
  {
    name: 'port reuse while the old connection is still open',
    steps: () => {
      const a = new Script(client(1000), server(5000));
      const b = new Script(client(3_000_000_000), server(123));
      return [...a.handshake(), a.segment('request', 'old'), ...b.handshake(), b.segment('request', 'new')];
    },
    expect: {
      connections: [
        { request: 'old', response: '', reason: 'evicted', reuse: 0 },
        { request: 'new', response: '', reason: 'end-of-capture', reuse: 1 },
      ],
      anomalies: { 'tcp.port-reuse-while-open': 1 },
    },
  },
  {
    name: 'every packet seen twice (tcpdump -i any, merged captures) gives the bytes once',
    steps: () => {
      const s = new Script(client(), server());
      const ps = [...s.handshake(), s.segment('request', REQ), s.segment('response', RES), s.fin('request'), s.fin('response'), s.ack('request')];
      return ps.flatMap((p) => [p, p]);
    },
    expect: { connections: [{ request: REQ, response: RES, reason: 'fin' }], anomalies: { 'tcp.retransmission': 2 } },
  },
  {
    name: 'lost segment: gap reported when the receiver ACKs past it',
    steps: () => {
      const s = new Script(client(), server());
      const a = s.segment('request', 'abc');
      s.segment('request', 'defg'); // never captured
      const c = s.segment('request', 'hij');
      return [...s.handshake(), a, c, s.ack('response', 10), s.segment('request', 'k')];
    },
    expect: { connections: [{ request: 'abc<gap 4>hijk', response: '', reason: 'end-of-capture' }], anomalies: { 'tcp.out-of-order': 1, 'tcp.gap': 1, 'tcp.gap-bytes': 4 } },
  },
  {
    name: 'lost segment: gap reported at end of capture',
    steps: () => {
      const s = new Script(client(), server());
      const a = s.segment('request', 'abc');
      s.segment('request', 'de');
      return [...s.handshake(), a, s.segment('request', 'fgh')];
    },
    expect: { connections: [{ request: 'abc<gap 2>fgh', response: '', reason: 'end-of-capture' }], anomalies: { 'tcp.out-of-order': 1, 'tcp.gap': 1, 'tcp.gap-bytes': 2 } },
  },
  {
    name: 'lost last segment before a FIN the peer acknowledged',
    steps: () => {
      const s = new Script(client(), server());
      const a = s.segment('request', 'abc');
      s.segment('request', 'def');
      const fin = s.fin('request');
      return [...s.handshake(), a, fin, s.ack('response'), s.fin('response')];
    },
    expect: { connections: [{ request: 'abc<gap 3>', response: '', reason: 'fin' }], anomalies: { 'tcp.gap': 1, 'tcp.gap-bytes': 3 } },
  },
  {
    name: 'SYN with data (TCP Fast Open) is delivered',
    steps: () => {
      const s = new Script(client(), server());
      s.sent.request = 5;
      return [s.syn('hello'), s.synAck(), s.segment('request', ' world'), s.segment('response', 'hi')];
    },
    expect: { connections: [{ request: 'hello world', response: 'hi', reason: 'end-of-capture' }], anomalies: {} },
  },
  {
    name: 'RST closes the connection; buffered data goes out with its gap',
    steps: () => {
      const s = new Script(client(), server());
      return [...s.handshake(), s.segment('request', 'abc'), s.segment('request', 'xyz', { at: 5 }), s.rst('response'), s.segment('request', 'late')];
    },
    expect: {
      connections: [{ request: 'abc<gap 2>xyz', response: '', reason: 'rst' }],
      anomalies: { 'tcp.out-of-order': 1, 'tcp.gap': 1, 'tcp.gap-bytes': 2, 'tcp.data-after-close': 1 },
    },
  },
  {
    name: 'half close: the connection ends only when both FINs are through',
    steps: () => {
      const s = new Script(client(), server());
      const last = s.segment('response', 'b', { at: 1 });
      const first = s.segment('response', 'a', { at: 0 });
      const fin = s.fin('response');
      return [...s.handshake(), s.segment('request', 'q'), s.fin('request'), fin, last, first];
    },
    expect: { connections: [{ request: 'q', response: 'ab', reason: 'fin' }], anomalies: { 'tcp.out-of-order': 1 } },
  },
  {
    name: 'data after the FIN is not delivered',
    steps: () => {
      const s = new Script(client(), server());
      return [...s.handshake(), s.segment('request', 'abc'), s.fin('request'), s.segment('request', 'zzz', { at: 3 })];
    },
    expect: { connections: [{ request: 'abc', response: '', reason: 'end-of-capture' }], anomalies: { 'tcp.data-after-fin': 1 } },
  },
  {
    name: 'buffered data past a later FIN is dropped, not delivered behind a gap',
    steps: () => {
      const s = new Script(client(), server());
      const abc = s.segment('request', 'abc');
      const tail = s.segment('request', 'zz', { at: 10 });
      s.sent.request = 3;
      return [...s.handshake(), abc, tail, s.fin('request'), s.fin('response'), s.ack('request')];
    },
    expect: { connections: [{ request: 'abc', response: '', reason: 'fin' }], anomalies: { 'tcp.out-of-order': 1, 'tcp.data-after-fin': 1 } },
  },
  {
    name: 'snaplen-cut payload: captured bytes then a gap for the rest',
    steps: () => {
      const s = new Script(client(), server());
      return [
        ...s.handshake(),
        s.segment('request', 'abcdef', { wireLength: 10 }),
        s.segment('request', 'xyz', { at: 14, wireLength: 6 }), // out of order and cut
        s.segment('request', 'klmn', { at: 10 }),
      ];
    },
    expect: {
      connections: [{ request: 'abcdef<gap 4>klmnxyz<gap 3>', response: '', reason: 'end-of-capture' }],
      anomalies: { 'tcp.out-of-order': 1, 'tcp.truncated-segment': 2, 'tcp.truncated-bytes': 7 },
    },
  },
  {
    name: 'SYN-ACK seen before the SYN: roles still from the handshake',
    steps: () => {
      const s = new Script(client(), server());
      return [s.synAck(), s.syn(), s.ack('request'), s.segment('request', REQ), s.segment('response', RES)];
    },
    expect: { connections: [{ request: REQ, response: RES, reason: 'end-of-capture', handshake: true }], anomalies: {} },
  },
  {
    name: 'TCP keep-alive probes (one old byte) change nothing',
    steps: () => {
      const s = new Script(client(), server());
      return [...s.handshake(), s.segment('request', 'abc'), s.segment('request', '\0', { at: 2 }), s.segment('request', '', { at: 2 }), s.segment('request', 'd')];
    },
    expect: { connections: [{ request: 'abcd', response: '', reason: 'end-of-capture' }], anomalies: { 'tcp.retransmission': 1 } },
  },
  {
    name: 'odd flags are counted, never thrown',
    steps: () => {
      const s = new Script(client(), server());
      return [
        s.raw('request', { seq: 1000, flags: TcpFlag.SYN | TcpFlag.RST }),
        s.raw('request', { seq: 1000, flags: TcpFlag.SYN | TcpFlag.FIN }),
        s.raw('request', { seq: 1001, flags: 0, data: 'x' }),
        s.raw('response', { seq: 7, flags: TcpFlag.FIN | TcpFlag.RST | TcpFlag.URG | TcpFlag.ECE }),
      ];
    },
    expect: { connections: [{ request: 'x', response: '', reason: 'rst' }], anomalies: { 'tcp.bad-flags': 2 } },
  },
  {
    name: 'a segment beyond any possible window is dropped, not made into a giant gap',
    steps: () => {
      const s = new Script(client(), server());
      return [...s.handshake(), s.segment('request', 'abc'), s.segment('request', 'junk', { at: 2 ** 30 + 10 }), s.segment('request', 'def', { at: 3 })];
    },
    expect: { connections: [{ request: 'abcdef', response: '', reason: 'end-of-capture' }], anomalies: { 'tcp.out-of-window': 1 } },
  },
  {
    name: 'stray ACKs, FINs and RSTs of unknown connections open nothing',
    steps: () => {
      const s = new Script(client(), server());
      return [s.ack('request'), s.fin('response'), s.rst('request')];
    },
    expect: { connections: [], anomalies: {} },
  },
];

describe('TcpReassembler', () => {
  it.each(CASES)('$name', (c) => {
    const { sink, anomalies } = run(c.steps(), c.options);
    expect(sink.connections.map(summary)).toEqual(c.expect.connections.map(({ request, response, reason }) => ({ request, response, reason })));
    c.expect.connections.forEach((e, i) => {
      if (e.reuse !== undefined) expect(sink.connections[i].conn.reuse).toBe(e.reuse);
      if (e.handshake !== undefined) expect(sink.connections[i].conn.rolesFromHandshake).toBe(e.handshake);
    });
    if (c.expect.anomalies) expect(anomalies).toEqual(c.expect.anomalies);
  });

  it('names client and server from the handshake, or guesses them from the ports', () => {
    const cases: Array<[number, number, string]> = [
      [45000, 80, 'server 80'],
      [80, 45000, 'server 80'],
      [40000, 5432, 'server 5432'], // ephemeral vs not
      [5432, 40000, 'server 5432'],
      [2000, 22, 'server 22'], // privileged
      [20000, 20001, 'server 20001'], // no clue: the first sender is the client
      [20001, 20000, 'server 20000'],
      [15001, 43210, 'server 15001'], // the sidecar's outbound port
    ];
    for (const [sport, dport, want] of cases) {
      const sink = new RecordingSink();
      const r = new TcpReassembler(sink);
      r.addPacket(packet({ src: '10.0.0.1', dst: '10.0.0.2', sport, dport, seq: 1, flags: TcpFlag.ACK, data: 'x' }), T0);
      const conn = sink.connections[0].conn;
      expect(`server ${conn.server.port}`, `${sport} -> ${dport}`).toBe(want);
      expect(conn.rolesFromHandshake).toBe(false);
    }
    const sink = new RecordingSink();
    const r = new TcpReassembler(sink);
    r.addPacket(packet({ src: '10.0.0.1', dst: '10.0.0.2', sport: 80, dport: 45000, seq: 1, flags: TcpFlag.SYN }), T0);
    expect(sink.connections[0].conn.client).toEqual({ ip: '10.0.0.1', port: 80 });
    expect(sink.connections[0].conn.rolesFromHandshake).toBe(true);
  });

  it('flushes idle connections by packet time, with the short timeout for quiet ones', () => {
    const a = new Script(client(1, '10.0.0.1', 40001), server());
    const b = new Script(client(2, '10.0.0.1', 40002), server());
    const c = new Script(client(3, '10.0.0.1', 40003), server());
    const { sink } = run(
      [
        [a.syn(), T0], // half-open: closed after 120 s
        [b.syn(), T0],
        [b.synAck(), T0 + 1],
        [b.segment('request', 'hi'), T0 + 2], // established: closed after 600 s
        [c.syn(), T0 + 200 * S], // a's timeout passes here
        [c.synAck(), T0 + 700 * S], // b's passes here, c's too
      ],
      {},
      T0 + 701 * S,
    );
    expect(sink.connections.map((r) => [r.conn.client.port, r.closed])).toEqual([
      [40001, { reason: 'idle', at: T0 + 120 * S }],
      [40002, { reason: 'idle', at: T0 + 2 + 600 * S }],
      // c's SYN-ACK came 500 s after its SYN: the half-open c was closed in between, the SYN-ACK opened it again.
      [40003, { reason: 'idle', at: T0 + 320 * S }],
      [40003, { reason: 'end-of-capture', at: T0 + 701 * S }],
    ]);
  });

  it('gives up a hole after holeTimeout of packet time when no ACK tells (one-sided capture)', () => {
    const a = new Script(client(1, '10.0.0.1', 40001), server());
    const other = new Script(client(2, '10.0.0.1', 40002), server());
    const steps: Step[] = [[a.syn(), T0], [a.segment('request', 'abc', { noAck: true }), T0]];
    a.segment('request', 'LOST');
    steps.push([a.segment('request', 'xyz', { noAck: true }), T0 + S]);
    steps.push([other.syn(), T0 + 20 * S]);
    steps.push([other.syn(), T0 + 31 * S]); // the hole has waited 30 s: given up
    steps.push([a.segment('request', 'more', { noAck: true }), T0 + 32 * S]);
    const { sink, anomalies } = run(steps);
    expect(sink.connections[0].events).toEqual(['open', 'request 3', 'request gap 4', 'request 3', 'request 4', 'close end-of-capture']);
    expect(anomalies['tcp.hole-timeout']).toBe(1);
  });

  it('reopens a connection that comes back after an idle close, mid-stream', () => {
    const s = new Script(client(), server());
    const { sink } = run([...s.handshake().map((p): Step => [p, T0]), [s.segment('request', 'a'), T0 + 1], [s.segment('request', 'b'), T0 + 1000 * S]]);
    expect(sink.connections.map((r) => [r.streams.request, r.closed?.reason, r.conn.rolesFromHandshake])).toEqual([
      ['a', 'idle', true],
      ['b', 'end-of-capture', false],
    ]);
  });

  it('gives up a hole when the direction buffers more than its limit', () => {
    const s = new Script(client(), server());
    const steps: Step[] = [...s.handshake(), s.segment('request', 'abc')];
    s.segment('request', 'LOST');
    for (let i = 0; i < 5; i++) steps.push(s.segment('request', String(i).repeat(300)));
    const { sink, anomalies } = run(steps, { maxBufferedBytesPerDirection: 1000 });
    expect(sink.connections[0].streams.request).toBe(`abc<gap 4>${'0'.repeat(300)}${'1'.repeat(300)}${'2'.repeat(300)}${'3'.repeat(300)}${'4'.repeat(300)}`);
    expect(sink.connections[0].events).toContain('request gap 4');
    // The gap came before the end of the capture: after the third buffered segment.
    expect(sink.connections[0].events.indexOf('request gap 4')).toBeLessThan(sink.connections[0].events.indexOf('close end-of-capture') - 2);
    expect(anomalies['tcp.limit-direction-buffer']).toBe(1);
  });

  it('force-delivers the oldest buffering directions past the total buffer limit', () => {
    const a = new Script(client(1, '10.0.0.1', 40001), server());
    const b = new Script(client(2, '10.0.0.1', 40002), server());
    const steps: Step[] = [...a.handshake(), ...b.handshake()];
    steps.push(a.segment('request', 'x'.repeat(600), { at: 10 }));
    steps.push(b.segment('request', 'y'.repeat(600), { at: 10 }));
    const { sink, anomalies } = run(steps, { maxBufferedBytesTotal: 1000 });
    expect(anomalies['tcp.limit-total-buffer']).toBe(1);
    expect(sink.connections.map((r) => r.events)).toEqual([
      ['open', 'request gap 10', `request 600`, 'close end-of-capture'],
      ['open', 'request gap 10', `request 600`, 'close end-of-capture'],
    ]);
    // b overflowed the budget: b was flushed at once, a (then under the limit) only at the end.
    expect(sink.connections[1].events.length).toBe(4);
  });

  it('evicts the least recently active connections beyond maxConnections', () => {
    const scripts = [1, 2, 3, 4, 5].map((i) => new Script(client(i, '10.0.0.1', 40000 + i), server()));
    const steps: Step[] = [scripts[0].syn(), scripts[0].synAck(), scripts[0].segment('request', 'busy')];
    for (const s of scripts.slice(1)) steps.push(s.syn());
    const { sink, anomalies } = run(steps, { maxConnections: 3 });
    expect(sink.connections.map((r) => [r.conn.client.port, r.closed?.reason])).toEqual([
      [40001, 'end-of-capture'], // established: quiet (half-open) ones go first
      [40002, 'evicted'],
      [40003, 'evicted'],
      [40004, 'end-of-capture'],
      [40005, 'end-of-capture'],
    ]);
    expect(anomalies['tcp.limit-connections']).toBe(2);
  });

  it('keys connections by VLAN ids unless told not to', () => {
    const onVlan = (vlans: number[]) => new Script(client(), server(), vlans);
    const steps = () => [onVlan([10]).syn(), onVlan([20]).syn(), onVlan([10]).segment('request', 'a'), onVlan([20]).segment('request', 'b')];
    expect(run(steps()).sink.connections.map((r) => [r.conn.vlans, r.streams.request])).toEqual([
      [[10], 'a'],
      [[20], 'b'],
    ]);
    // One key: the second SYN is a duplicate, and the second 'a'-offset byte a retransmission.
    expect(run(steps(), { keyByVlan: false }).sink.connections.map((r) => r.streams.request)).toEqual(['a']);
  });

  it('handles IPv6 and loopback connections to itself (same address both ways)', () => {
    const v6 = new Script(client(1, '2001:db8::1', 40000), server(2, '2001:db8::2', 8080));
    const lo = new Script(client(1, '127.0.0.1', 40000), server(2, '127.0.0.1', 15001));
    const { sink } = run([...v6.handshake(), ...lo.handshake(), v6.segment('request', 'six'), lo.segment('response', 'lo'), lo.segment('request', 'op')]);
    expect(sink.connections.map((r) => [r.conn.client.ip, r.streams.request, r.streams.response])).toEqual([
      ['2001:db8::1', 'six', ''],
      ['127.0.0.1', 'op', 'lo'],
    ]);
  });

  it('tolerates packet times that go backwards a little', () => {
    const s = new Script(client(), server());
    const { sink } = run([[s.syn(), T0 + 10], [s.synAck(), T0 + 5], [s.ack('request'), T0 + 20], [s.segment('request', 'a'), T0 + 19]]);
    expect(sink.connections[0].streams.request).toBe('a');
  });

  it('stays within maxConnections under a SYN flood', () => {
    const sink = new RecordingSink();
    const r = new TcpReassembler(sink, { maxConnections: 1000 });
    for (let i = 0; i < 20_000; i++) {
      const ip = `11.0.${i >> 8}.${i & 255}`;
      r.addPacket(packet({ src: ip, dst: '10.0.0.2', sport: 1024 + (i % 50_000), dport: 80, seq: (i * 2654435761) >>> 0, flags: TcpFlag.SYN }), T0 + i);
      expect(r.stats.tracked).toBeLessThanOrEqual(1000);
    }
    expect(r.anomalies.get('tcp.limit-connections')).toBe(19_000);
    expect(sink.connections.filter((c) => c.closed?.reason === 'evicted')).toHaveLength(19_000);
    r.finish(T0 + 20_000);
    expect(sink.errors).toEqual([]);
    expect(r.stats).toEqual({ tracked: 0, opened: 20_000, bufferedBytes: 0 });
  });

  it('closes idle connections when told the time without a packet (a quiet live capture)', () => {
    const sink = new RecordingSink();
    const r = new TcpReassembler(sink);
    const s = new Script(client(), server());
    for (const p of s.handshake()) r.addPacket(p, T0);
    r.addPacket(s.segment('request', 'x'), T0);
    r.advanceTime(T0 + 599 * S);
    expect(sink.connections[0].closed).toBeNull();
    r.advanceTime(T0 + 601 * S);
    expect(sink.connections[0].closed).toEqual({ reason: 'idle', at: T0 + 600 * S });
  });

  it('gives every buffered byte back: nothing stays buffered after finish', () => {
    const s = new Script(client(), server());
    const { reassembler } = run([...s.handshake(), s.segment('request', 'later', { at: 100 }), s.segment('response', 'x', { at: 5 })]);
    expect(reassembler.stats.bufferedBytes).toBe(0);
  });
});
