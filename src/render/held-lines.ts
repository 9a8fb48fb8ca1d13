import type { LineSink } from './line-sink.js';

const CHUNK_BYTES = 256 * 1024;
/** Empty chunks kept for reuse; beyond, they are left to the garbage collector. */
const SPARE_CHUNKS = 4;

interface Chunk {
  readonly bytes: Buffer;
  used: number;
  /** Lines in it not written out yet. */
  live: number;
}

/** A line kept by HeldLines, until it is written out (once). */
export interface HeldLine {
  readonly chunk: Chunk;
  readonly at: number;
  readonly length: number;
}

/**
 * Lines made now but written later, in another order (a view holding records until those
 * that began earlier are done), kept as Latin-1 bytes in reused chunks outside the JavaScript
 * heap. Held as strings or objects, each would be copied by every young-generation collection
 * it lives through and then promoted: with thousands held at once, that was most of the
 * garbage collector's work. A chunk is reused once every line in it was written out.
 */
export class HeldLines {
  private current: Chunk = newChunk(CHUNK_BYTES);
  private readonly spare: Chunk[] = [];

  /** Keeps a copy of `bytes` (a line already written as bytes, e.g. into a reused buffer). */
  keep(bytes: Uint8Array): HeldLine {
    const length = bytes.length;
    if (this.current.used + length > this.current.bytes.length) this.current = this.nextChunk(length);
    const chunk = this.current;
    const at = chunk.used;
    chunk.bytes.set(bytes, at);
    chunk.used += length;
    chunk.live++;
    return { chunk, at, length };
  }

  /** Writes a held line out (its bytes, no newline); its room may be reused after. */
  writeTo(line: HeldLine, out: Pick<LineSink, 'printBytes'>): void {
    const chunk = line.chunk;
    out.printBytes(chunk.bytes, line.at, line.at + line.length);
    if (--chunk.live > 0) return;
    // Every line in it is out: fill it again.
    chunk.used = 0;
    if (chunk !== this.current) this.recycle(chunk);
  }

  /** A chunk with room for `length` bytes, to replace the current one (kept by its lines until they are out). */
  private nextChunk(length: number): Chunk {
    if (this.current.live === 0) this.recycle(this.current);
    return length > CHUNK_BYTES ? newChunk(length) : (this.spare.pop() ?? newChunk(CHUNK_BYTES));
  }

  private recycle(chunk: Chunk): void {
    if (chunk.bytes.length === CHUNK_BYTES && this.spare.length < SPARE_CHUNKS) this.spare.push(chunk);
  }
}

function newChunk(size: number): Chunk {
  // Unpooled: each chunk is its own memory, reused as a whole.
  return { bytes: Buffer.allocUnsafeSlow(size), used: 0, live: 0 };
}
