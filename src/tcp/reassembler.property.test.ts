import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../core/flow.js';
import { RecordingSink, Script } from '../../test/tcp/builder.js';
import type { DecodedPacket } from '../decode/types.js';
import { TcpReassembler } from './reassembler.js';

/** Cuts [0, length) at the given points into segments [start, end). */
function cut(length: number, points: readonly number[]): Array<[number, number]> {
  const at = [...new Set(points.map((p) => p % (length + 1)))].filter((p) => p > 0 && p < length).sort((a, b) => a - b);
  const bounds = [0, ...at, length];
  const out: Array<[number, number]> = [];
  for (let i = 1; i < bounds.length; i++) out.push([bounds[i - 1], bounds[i]]);
  return out;
}

const direction = fc.record({
  bytes: fc.uint8Array({ minLength: 0, maxLength: 600 }),
  cuts: fc.array(fc.nat(), { maxLength: 20 }),
  /** Extra segments over random ranges: retransmissions with another segmentation. */
  extra: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 200 })), { maxLength: 6 }),
});

describe('TcpReassembler property', () => {
  it('any shuffle and duplication of the segments gives back exactly the original bytes in both directions', () => {
    fc.assert(
      fc.property(
        fc.record({
          clientIsn: fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0xffffffff, 0xfffffff0, 0)),
          serverIsn: fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0xffffffff, 0xfffffe00)),
          request: direction,
          response: direction,
          duplicates: fc.array(fc.nat(), { maxLength: 10 }),
          seed: fc.nat(),
        }),
        ({ clientIsn, serverIsn, request, response, duplicates, seed }) => {
          const s = new Script({ ip: '10.1.1.1', port: 41000, isn: clientIsn }, { ip: '10.1.1.2', port: 80, isn: serverIsn });
          const segments: DecodedPacket[] = [];
          const spec: Record<Direction, typeof request> = { request, response };
          for (const dir of ['request', 'response'] as const) {
            const bytes = Buffer.from(spec[dir].bytes);
            const pieces = cut(bytes.length, spec[dir].cuts);
            for (const [a, b] of spec[dir].extra) {
              if (bytes.length === 0) break;
              const start = a % bytes.length;
              pieces.push([start, Math.min(bytes.length, start + 1 + b)]);
            }
            // No ACK information: a shuffled capture breaks causality, and ACKs would rightly call holes lost.
            for (const [a, b] of pieces) segments.push(s.segment(dir, bytes.subarray(a, b), { at: a, ackOffset: 0, noAck: true }));
            s.sent[dir] = bytes.length;
            segments.push(s.fin(dir, { noAck: true }));
          }
          for (const d of duplicates) segments.push(segments[d % segments.length]);
          shuffle(segments, seed);

          const sink = new RecordingSink();
          const r = new TcpReassembler(sink);
          let t = 1_000_000;
          for (const p of [s.syn(), s.synAck(), ...segments]) r.addPacket(p, (t += 10));
          r.finish(t + 10);

          expect(sink.errors).toEqual([]);
          expect(sink.connections).toHaveLength(1);
          const c = sink.connections[0];
          expect(c.streams.request).toBe(Buffer.from(request.bytes).toString('latin1'));
          expect(c.streams.response).toBe(Buffer.from(response.bytes).toString('latin1'));
          expect(c.closed?.reason).toBe('fin');
          expect(r.anomalies.get('tcp.overlap-conflict')).toBe(0);
          expect(r.stats.bufferedBytes).toBe(0);
        },
      ),
      { seed: 20260101, numRuns: 400 },
    );
  });
});

/** Deterministic Fisher-Yates shuffle (xorshift32). */
function shuffle<T>(items: T[], seed: number): void {
  let x = seed | 1;
  for (let i = items.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

describe('TcpReassembler property, with loss', () => {
  it('segments that never arrive become gaps of their exact size; everything else arrives in place', () => {
    fc.assert(
      fc.property(
        fc.record({
          isn: fc.nat({ max: 0xffffffff }),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 400 }),
          cuts: fc.array(fc.nat(), { maxLength: 15 }),
          lost: fc.array(fc.boolean(), { maxLength: 16 }),
          duplicates: fc.array(fc.nat(), { maxLength: 6 }),
          seed: fc.nat(),
        }),
        ({ isn, bytes, cuts, lost, duplicates, seed }) => {
          const s = new Script({ ip: '10.1.1.1', port: 41000, isn }, { ip: '10.1.1.2', port: 80, isn: 1 });
          const data = Buffer.from(bytes);
          const pieces = cut(data.length, cuts);
          const kept: DecodedPacket[] = [];
          let expected = '';
          let gap = 0;
          pieces.forEach(([a, b], i) => {
            if (lost[i % Math.max(1, lost.length)] && lost.length > 0) {
              gap += b - a;
              return;
            }
            if (gap > 0) expected += `<gap ${gap}>`;
            gap = 0;
            expected += data.subarray(a, b).toString('latin1');
            kept.push(s.segment('request', data.subarray(a, b), { at: a, noAck: true }));
          });
          if (gap > 0) expected += `<gap ${gap}>`; // lost before the FIN: the FIN says how much
          s.sent.request = data.length;
          kept.push(s.fin('request', { noAck: true }));
          for (const d of duplicates) kept.push(kept[d % kept.length]);
          shuffle(kept, seed);

          const sink = new RecordingSink();
          const r = new TcpReassembler(sink);
          let t = 1_000_000;
          for (const p of [s.syn(), s.synAck(), ...kept]) r.addPacket(p, (t += 10));
          r.finish(t + 10);
          expect(sink.errors).toEqual([]);
          expect(sink.connections[0].streams.request).toBe(expected);
        },
      ),
      { seed: 424242, numRuns: 400 },
    );
  });
});
