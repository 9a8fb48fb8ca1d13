import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContent } from './content-decoding.js';
import { RecentDecodes } from './recent-decodes.js';

const LIMIT = 4 << 20;
const gzip = (text: string): Buffer => gzipSync(Buffer.from(text));

describe('RecentDecodes', () => {
  it('decodes a body sent again (other memory, the same bytes) once, to what decodeContent gives', () => {
    const recent = new RecentDecodes();
    const body = gzip('{"user":{"id":7,"score":3}}');
    const first = recent.decode(body, 'gzip', true, LIMIT);
    expect(first).toEqual(decodeContent(body, 'gzip', true, LIMIT));
    expect(first.decoded?.toString()).toBe('{"user":{"id":7,"score":3}}');
    expect(recent.decode(Buffer.from(body), 'gzip', true, LIMIT)).toBe(first);
  });

  it('keeps apart what decodes differently: other bytes, a cut body, another limit or coding', () => {
    const recent = new RecentDecodes();
    const body = gzip('a'.repeat(10_000));
    const whole = recent.decode(body, 'gzip', true, LIMIT);
    const cut = recent.decode(body, 'gzip', false, LIMIT);
    const small = recent.decode(body, 'gzip', true, 1000);
    const other = recent.decode(gzip('b'.repeat(10_000)), 'gzip', true, LIMIT);
    expect(new Set([whole, cut, small, other]).size).toBe(4);
    expect(whole.problem).toBeNull();
    expect(cut.problem).toBe('truncated');
    expect(small.problem).toBe('limit');
    expect(small.decoded?.length).toBeLessThanOrEqual(1000);
    expect(other.decoded?.toString()).toBe('b'.repeat(10_000));
    expect(recent.decode(body, 'x-unknown', true, LIMIT).problem).toBe('unsupported encoding: x-unknown');
  });

  it('keeps its own copy: the caller may reuse the memory of a body it decoded', () => {
    const recent = new RecentDecodes();
    const memory = gzip('first body');
    const first = recent.decode(memory, 'gzip', true, LIMIT);
    gzip('other body').copy(memory);
    const second = recent.decode(memory, 'gzip', true, LIMIT);
    expect(second).not.toBe(first);
    expect(second.decoded?.toString()).toBe('other body');
    expect(recent.decode(gzip('first body'), 'gzip', true, LIMIT)).toBe(first);
  });

  it('forgets the least recently used body past its count, and keeps no body too big for its bytes', () => {
    const recent = new RecentDecodes(2, 64 * 1024);
    const [a, b, c] = ['a', 'b', 'c'].map((s) => gzip(s.repeat(100)));
    const ra = recent.decode(a, 'gzip', true, LIMIT);
    const rb = recent.decode(b, 'gzip', true, LIMIT);
    expect(recent.decode(a, 'gzip', true, LIMIT)).toBe(ra); // a is now the most recent
    recent.decode(c, 'gzip', true, LIMIT); // b goes
    expect(recent.decode(a, 'gzip', true, LIMIT)).toBe(ra);
    const rb2 = recent.decode(b, 'gzip', true, LIMIT);
    expect(rb2).not.toBe(rb);
    expect(rb2).toEqual(rb);

    // 40,000 decoded bytes are more than half of 64 KiB: decoded each time, never kept
    const big = gzip('x'.repeat(40_000));
    const once = recent.decode(big, 'gzip', true, LIMIT);
    expect(recent.decode(big, 'gzip', true, LIMIT)).not.toBe(once);
    expect(recent.decode(c, 'gzip', true, LIMIT).decoded?.toString()).toBe('c'.repeat(100));
  });
});
