import { ShadowdumpError } from '../core/errors.js';
import { oneLine } from './messages.js';

const EMPTY = Buffer.alloc(0);

/**
 * A contiguous window over a stream of chunks. Readers parse `buf` from `pos` with `view`
 * directly (no per-record calls into this class) and call fill() only when a record does not
 * fit in what is left. Chunks are never written to, so slices of `buf` may be handed out and
 * kept: a record that spans chunks is parsed from a fresh buffer that joins them.
 */
export class ChunkReader {
  buf: Buffer = EMPTY;
  view: DataView = new DataView(EMPTY.buffer, 0, 0);
  pos = 0;
  /** Bytes of the input before buf[0] (for offsets in messages). */
  consumedBefore = 0;
  private ended = false;
  /** The rest of a chunk whose head was joined to the previous buffer. */
  private queued: Buffer | null = null;

  constructor(
    private readonly chunks: AsyncIterator<Buffer | Uint8Array | string>,
    /** Names the input in error messages ("x.pcap", "standard input"). */
    private readonly label: string,
  ) {}

  get available(): number {
    return this.buf.length - this.pos;
  }

  /** Offset in the input of buf[pos]. */
  get offset(): number {
    return this.consumedBefore + this.pos;
  }

  /** True when bytes beyond `buf` are already here, so fill() needs no I/O. */
  get hasBuffered(): boolean {
    return this.queued !== null;
  }

  /**
   * Makes at least n bytes available from pos. Returns false when the input ended first; then
   * everything that was left is available. A record that spans chunks is joined with only the
   * head of the next chunk it needs (the rest of that chunk is queued, not copied), and chunks
   * are joined once enough have arrived: a large record costs one copy, not one per chunk.
   */
  async fill(n: number): Promise<boolean> {
    const have = this.available;
    if (have >= n) return true;
    const parts: Buffer[] = have > 0 ? [this.buf.subarray(this.pos)] : [];
    let total = have;
    while (total < n) {
      const chunk = this.queued ?? (await this.nextChunk());
      this.queued = null;
      if (chunk === null) break;
      if (chunk.length === 0) continue;
      const missing = n - total;
      if (total > 0 && chunk.length > missing) {
        parts.push(chunk.subarray(0, missing));
        this.queued = chunk.subarray(missing);
        total = n;
      } else {
        parts.push(chunk);
        total += chunk.length;
      }
    }
    this.consumedBefore += this.pos;
    this.setBuffer(parts.length === 1 ? parts[0] : Buffer.concat(parts, total));
    return total >= n;
  }

  /** Everything not yet consumed, as chunks: for handing the rest of the input to another parser. */
  async *rest(): AsyncGenerator<Buffer> {
    const head = this.buf.subarray(this.pos);
    const queued = this.queued;
    this.consumedBefore += this.buf.length + (queued?.length ?? 0);
    this.setBuffer(EMPTY);
    this.queued = null;
    if (head.length > 0) yield head;
    if (queued !== null) yield queued;
    for (;;) {
      const chunk = await this.nextChunk();
      if (chunk === null) return;
      this.consumedBefore += chunk.length;
      yield chunk;
    }
  }

  /** Stops reading and releases the underlying stream. */
  close(): void {
    this.queued = null;
    if (this.ended) return;
    this.ended = true;
    // return() destroys a Readable's iterator stream; its errors no longer matter.
    this.chunks.return?.().catch(() => undefined);
  }

  private setBuffer(buf: Buffer): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.pos = 0;
  }

  private async nextChunk(): Promise<Buffer | null> {
    if (this.ended) return null;
    let result: IteratorResult<Buffer | Uint8Array | string>;
    try {
      result = await this.chunks.next();
    } catch (err) {
      this.ended = true;
      if (err instanceof ShadowdumpError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new ShadowdumpError('file-unreadable', oneLine(`cannot read ${this.label}: ${reason}; check the file or device and try again`));
    }
    if (result.done) {
      this.ended = true;
      return null;
    }
    const value = result.value;
    if (Buffer.isBuffer(value)) return value;
    if (typeof value === 'string') return Buffer.from(value, 'latin1');
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
}
