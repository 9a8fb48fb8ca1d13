import { describe, expect, it } from 'vitest';
import { ChunkReader } from './chunk-reader.js';
import { ShadowdumpError } from '../core/errors.js';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

describe('ChunkReader', () => {
  it('joins a record across chunks from the head of the next chunk only, then goes on in that chunk', async () => {
    const second = Buffer.from('efghij');
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('abcd');
      yield second;
    }
    const r = new ChunkReader(source(), 'test');
    expect(await r.fill(2)).toBe(true);
    expect(r.buf.toString()).toBe('abcd');
    r.pos = 3; // consumed "abc"
    expect(await r.fill(3)).toBe(true);
    expect(r.buf.subarray(r.pos, r.pos + 3).toString()).toBe('def');
    expect(r.offset).toBe(3);
    expect(r.hasBuffered).toBe(true);
    r.pos += 3;
    expect(await r.fill(4)).toBe(true);
    // No copy: the rest of the second chunk is the chunk's own memory.
    expect(r.buf.buffer).toBe(second.buffer);
    expect(r.buf.subarray(r.pos).toString()).toBe('ghij');
    expect(r.offset).toBe(6);
    r.pos += 4;
    expect(await r.fill(1)).toBe(false);
    expect(r.available).toBe(0);
  });

  it('gathers several chunks for a large record, and reports what was left at the end', async () => {
    const r = new ChunkReader(chunks('ab', 'cd', 'ef', 'gh'), 'test');
    expect(await r.fill(5)).toBe(true);
    expect(r.buf.toString()).toBe('abcde');
    r.pos = 5;
    expect(await r.fill(10)).toBe(false);
    expect(r.buf.subarray(r.pos).toString()).toBe('fgh');
  });

  it('hands over the unconsumed rest, including a queued chunk tail', async () => {
    const r = new ChunkReader(chunks('abc', 'defg', 'hi'), 'test');
    await r.fill(1);
    r.pos = 2;
    await r.fill(3); // "cde", "fg" queued
    r.pos = 1;
    const rest: string[] = [];
    for await (const c of r.rest()) rest.push(c.toString());
    expect(rest.join('')).toBe('defghi');
  });

  it('turns stream errors into file-unreadable errors naming the input', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('ab');
      throw new Error('EIO: i/o error, read');
    }
    const r = new ChunkReader(failing(), 'x.pcap');
    await r.fill(1);
    const err = await r.fill(10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShadowdumpError);
    expect((err as ShadowdumpError).code).toBe('file-unreadable');
    expect((err as ShadowdumpError).message).toContain('cannot read x.pcap: EIO');
  });
});
