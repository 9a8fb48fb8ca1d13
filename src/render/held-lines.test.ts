import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldLines, type HeldLine } from './held-lines.js';
import { StringLine } from './line-sink.js';

const CHUNK = 256 * 1024;

/** A line of `length` characters that names itself (so a line written over shows). */
const text = (n: number, length: number): string => `${n}:`.padEnd(length, String.fromCharCode(0x41 + (n % 26)));

describe('HeldLines', () => {
  it('gives back every line as kept, whatever the order lines are written out in, while chunks are reused', () => {
    fc.assert(
      fc.property(
        // Lines from tiny to more than a chunk; after each, some of the held ones are written out (by position in the held list).
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 20_000, max: 90_000 }), fc.integer({ min: CHUNK - 10, max: CHUNK + 10 })), fc.array(fc.nat(), { maxLength: 3 })), { maxLength: 60 }),
        (steps) => {
          const lines = new HeldLines();
          // Lines come as views of one reused buffer (as the record writer gives them): kept means copied.
          let scratch = Buffer.alloc(0);
          const held: Array<{ line: HeldLine; text: string }> = [];
          const writeOut = (i: number): void => {
            const [{ line, text: expected }] = held.splice(i, 1);
            const out = new StringLine();
            lines.writeTo(line, out);
            expect(out.text).toBe(expected);
          };
          steps.forEach(([length, picks], n) => {
            const t = text(n, Math.max(length, `${n}:`.length));
            if (scratch.length < t.length) scratch = Buffer.alloc(t.length);
            scratch.write(t, 'latin1');
            held.push({ line: lines.keep(scratch.subarray(0, t.length)), text: t });
            scratch.fill(0x3f);
            for (const p of picks) if (held.length > 0) writeOut(p % held.length);
          });
          while (held.length > 0) writeOut(held.length - 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
