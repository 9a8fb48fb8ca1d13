import { describe, expect, it } from 'vitest';
import { SEGMENT_OVERHEAD_BYTES, SegmentBuffer, STORED_CONFLICT, STORED_DUPLICATE, STORED_NEW } from './segment-buffer.js';

function contents(b: SegmentBuffer): string[] {
  const out: string[] = [];
  while (!b.isEmpty) {
    const s = b.shift();
    out.push(`${s.start}-${s.end}:${s.data.toString('latin1')}`);
  }
  return out;
}

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('SegmentBuffer', () => {
  it('keeps segments sorted whatever the arrival order', () => {
    const budget = { bytes: 0 };
    const b = new SegmentBuffer(budget);
    expect(b.insert(20, 23, B('ghi'), 20, 0)).toBe(STORED_NEW);
    expect(b.insert(10, 13, B('abc'), 10, 0)).toBe(STORED_NEW);
    expect(b.insert(15, 18, B('def'), 15, 0)).toBe(STORED_NEW);
    expect(b.bytes).toBe(9 + 3 * SEGMENT_OVERHEAD_BYTES);
    expect(budget.bytes).toBe(b.bytes);
    expect(contents(b)).toEqual(['10-13:abc', '15-18:def', '20-23:ghi']);
    expect(budget.bytes).toBe(0);
  });

  it('keeps the first copy of overlapping bytes and fills only what is new', () => {
    const b = new SegmentBuffer({ bytes: 0 });
    b.insert(10, 13, B('abc'), 10, 0);
    b.insert(16, 19, B('ghi'), 16, 0);
    // Covers both and the hole between; the overlapping bytes agree.
    expect(b.insert(8, 21, B('__abcdefghi__'), 8, 0)).toBe(STORED_NEW | STORED_DUPLICATE);
    expect(contents(b)).toEqual(['8-10:__', '10-13:abc', '13-16:def', '16-19:ghi', '19-21:__']);
  });

  it('reports different bytes as a conflict and keeps the old ones', () => {
    const b = new SegmentBuffer({ bytes: 0 });
    b.insert(10, 13, B('abc'), 10, 0);
    expect(b.insert(10, 13, B('abc'), 10, 0)).toBe(STORED_DUPLICATE);
    expect(b.insert(11, 15, B('XYZW'), 11, 0)).toBe(STORED_NEW | STORED_CONFLICT);
    expect(contents(b)).toEqual(['10-13:abc', '13-15:ZW']);
  });

  it('stores a part of a segment (from > payload start) and snaplen-cut segments', () => {
    const b = new SegmentBuffer({ bytes: 0 });
    b.insert(12, 20, B('abcdef'), 10, 0); // bytes 12..16 captured, 16..20 not
    expect(contents(b)).toEqual(['12-20:cdef']);
    b.insert(30, 34, B(''), 30, 0); // nothing captured at all
    expect(contents(b)).toEqual(['30-34:']);
  });

  it('does not compare bytes that one side did not capture', () => {
    const b = new SegmentBuffer({ bytes: 0 });
    b.insert(10, 20, B('abc'), 10, 0);
    expect(b.insert(10, 20, B('abcdefghij'), 10, 0)).toBe(STORED_DUPLICATE);
  });
});
