import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../core/flow.js';
import type { Connection, EndReason } from '../tcp/types.js';
import { replayStreamEvents, StreamEventWriter, type StreamEventTarget } from './stream-events.js';

/** Every call, as plain data (bytes copied: a replayed view points into the events' memory). */
class Recorder implements StreamEventTarget {
  readonly calls: unknown[] = [];
  onOpen(conn: Connection): void {
    this.calls.push(['open', conn]);
  }
  onData(conn: Connection, dir: Direction, bytes: Buffer, first: number, last: number): void {
    this.calls.push(['data', conn.id, dir, Buffer.from(bytes).toString('hex'), first, last]);
  }
  onGap(conn: Connection, dir: Direction, length: number, at: number): void {
    this.calls.push(['gap', conn.id, dir, length, at]);
  }
  onClose(conn: Connection, reason: EndReason, at: number): void {
    this.calls.push(['close', conn.id, reason, at]);
  }
  tick(now: number): void {
    this.calls.push(['tick', now]);
  }
  end(): void {
    this.calls.push(['end']);
  }
}

/**
 * The calls as the receiving side sees them (see StreamEventWriter): a connection's open comes
 * just before its first bytes or gap, and a connection with neither is left out.
 */
function asAnnounced(calls: readonly unknown[]): unknown[] {
  const unannounced = new Map<number, unknown>();
  const out: unknown[] = [];
  for (const call of calls as Array<[string, ...unknown[]]>) {
    const [kind, subject] = call;
    if (kind === 'open') {
      unannounced.set((subject as Connection).id, call);
      continue;
    }
    const id = subject as number;
    if (kind === 'close' && unannounced.delete(id)) continue;
    if ((kind === 'data' || kind === 'gap') && unannounced.has(id)) {
      out.push(unannounced.get(id));
      unannounced.delete(id);
    }
    out.push(call);
  }
  return out;
}

const connection = (id: number, v6: boolean): Connection => ({
  id,
  client: { ip: v6 ? 'fd00::1' : '10.0.0.1', port: 40000 + id },
  server: { ip: v6 ? 'fd00::2' : '10.0.0.2', port: 80 },
  rolesFromHandshake: id % 2 === 0,
  vlans: id % 3 === 0 ? [100, 200] : [],
  reuse: id % 4,
  firstSeen: 1_700_000_000_000_000 + id,
});

const time = fc.integer({ min: 0, max: 2 ** 52 });
const direction = fc.constantFrom<Direction>('request', 'response');
const step = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), slot: fc.nat(7), dir: direction, bytes: fc.uint8Array({ maxLength: 3000 }), first: time, last: time }),
  fc.record({ kind: fc.constant('gap' as const), slot: fc.nat(7), dir: direction, length: fc.integer({ min: 1, max: 2 ** 40 }), at: time }),
  fc.record({ kind: fc.constant('close' as const), slot: fc.nat(7), reason: fc.constantFrom<EndReason>('fin', 'rst', 'idle', 'end-of-capture', 'evicted'), at: time }),
  fc.record({ kind: fc.constant('tick' as const), now: time }),
);

describe('stream events written on one thread and replayed on another', () => {
  it('make the same calls, in the same order, across any cut into messages (opens announced with the first bytes)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), fc.array(fc.nat(120), { maxLength: 6 }), (steps, cuts) => {
        const writer = new StreamEventWriter();
        const direct = new Recorder();
        const messages: Uint8Array[] = [];
        const open = new Map<number, Connection>();
        let nextId = 0;
        steps.forEach((s, i) => {
          if (cuts.includes(i)) messages.push(writer.take());
          if (s.kind === 'tick') {
            writer.tick(s.now);
            direct.tick(s.now);
            return;
          }
          // Each slot holds one open connection; a closed slot's next event opens a new one.
          let conn = open.get(s.slot);
          if (conn === undefined) {
            conn = connection(nextId++, s.slot % 2 === 1);
            open.set(s.slot, conn);
            writer.onOpen(conn);
            direct.onOpen(conn);
          }
          if (s.kind === 'data') {
            writer.onData(conn, s.dir, Buffer.from(s.bytes), s.first, s.last);
            direct.onData(conn, s.dir, Buffer.from(s.bytes), s.first, s.last);
          } else if (s.kind === 'gap') {
            writer.onGap(conn, s.dir, s.length, s.at);
            direct.onGap(conn, s.dir, s.length, s.at);
          } else {
            writer.onClose(conn, s.reason, s.at);
            direct.onClose(conn, s.reason, s.at);
            open.delete(s.slot);
          }
        });
        writer.end();
        direct.end();
        messages.push(writer.take());

        const replayed = new Recorder();
        const connections = new Map<number, Connection>();
        for (const m of messages) replayStreamEvents(m.slice(), replayed, connections);
        const expected = asAnnounced(direct.calls);
        expect(replayed.calls).toEqual(expected);
        const announced = expected.filter((c) => (c as unknown[])[0] === 'open').length;
        const closed = expected.filter((c) => (c as unknown[])[0] === 'close').length;
        expect(connections.size).toBe(announced - closed);
      }),
    );
  });

  it('sends nothing for connections that end without a byte (a SYN flood)', () => {
    const writer = new StreamEventWriter();
    for (let id = 0; id < 1000; id++) {
      writer.onOpen(connection(id, false));
      writer.onClose(connection(id, false), 'evicted', id);
    }
    expect(writer.length).toBe(0);
  });

  it('refuses data for a connection it was never told of', () => {
    const writer = new StreamEventWriter();
    writer.onData(connection(7, false), 'request', Buffer.from('GET / HTTP/1.1\r\n'), 1, 2);
    expect(() => replayStreamEvents(writer.take(), new Recorder(), new Map())).toThrow(/connection 7, which was never opened/);
  });
});
