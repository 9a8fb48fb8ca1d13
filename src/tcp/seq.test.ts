import { describe, expect, it } from 'vitest';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, SeqTracker, seqUnsigned } from './seq.js';

const MAX = 0xffffffff;

describe('sequence arithmetic', () => {
  it.each([
    [0, 1, 1],
    [MAX, 1, 0],
    [MAX - 2, 10, 7],
    [5, -10, MAX - 4],
    [0, 2 ** 32, 0],
    [1, 3 * 2 ** 32 + 5, 6],
  ])('seqAdd(%d, %d) = %d', (a, n, r) => {
    expect(seqUnsigned(seqAdd(a, n))).toBe(r);
    expect(seqDiff(seqAdd(a, n), r)).toBe(0);
  });

  it.each([
    [1, 0, 1],
    [0, 1, -1],
    [0, MAX, 1],
    [MAX, 0, -1],
    [10, MAX - 9, 20],
    [2 ** 31, 0, -(2 ** 31)],
    [2 ** 31 - 1, 0, 2 ** 31 - 1],
  ])('seqDiff(%d, %d) = %d', (a, b, d) => {
    expect(seqDiff(a, b)).toBe(d);
  });

  it('compares across the wrap', () => {
    expect(seqLt(MAX, 0)).toBe(true);
    expect(seqGt(0, MAX)).toBe(true);
    expect(seqLe(5, 5)).toBe(true);
    expect(seqGe(5, 5)).toBe(true);
    expect(seqLt(5, 5)).toBe(false);
    expect(seqGt(100, MAX - 100)).toBe(true);
  });
});

describe('SeqTracker', () => {
  it('maps sequence numbers to offsets from the base, across the wrap', () => {
    const t = new SeqTracker();
    t.startAt(MAX - 1);
    expect(t.offsetOf(MAX - 1)).toBe(0);
    expect(t.offsetOf(0)).toBe(2);
    expect(t.offsetOf(MAX - 3)).toBe(-2);
    t.advanceTo(10);
    expect(seqUnsigned(t.nextSeq)).toBe(8);
    expect(t.offsetOf(8)).toBe(10);
    expect(seqUnsigned(t.seqAt(0))).toBe(MAX - 1);
  });

  it('keeps counting past 4 GiB (offsets never wrap)', () => {
    const t = new SeqTracker();
    t.startAt(1000);
    for (let i = 1; i <= 5; i++) t.advanceTo(i * 2 ** 31);
    expect(t.next).toBe(5 * 2 ** 31);
    expect(seqDiff(t.nextSeq, seqAdd(1000, 5 * 2 ** 31))).toBe(0);
    expect(t.offsetOf(seqAdd(1000, 5 * 2 ** 31 + 100))).toBe(5 * 2 ** 31 + 100);
    expect(t.offsetOf(seqAdd(1000, 5 * 2 ** 31 - 100))).toBe(5 * 2 ** 31 - 100);
  });
});
