import { decodeContent, type DecodeResult } from './content-decoding.js';

interface Decoded {
  readonly data: Buffer;
  readonly contentEncoding: string;
  readonly inputComplete: boolean;
  readonly limit: number;
  readonly result: DecodeResult;
  readonly bytes: number;
}

/**
 * decodeContent with a memory of the last bodies it decoded. Mirrored traffic sends the same
 * compressed answer again and again (a static page, a cached API answer, the primary's and the
 * shadow's when they agree): decoding it again costs a zlib stream each time, finding it here
 * costs a comparison of bytes. Results are shared, so they must not be written to (nothing does).
 */
export class RecentDecodes {
  /** Least recently used first. */
  private readonly kept: Decoded[] = [];
  private keptBytes = 0;

  constructor(
    private readonly maxEntries = 8,
    /** Body and decoded bytes kept, all entries together. */
    private readonly maxBytes = 8 << 20,
  ) {}

  decode(data: Buffer, contentEncoding: string, inputComplete: boolean, limit: number): DecodeResult {
    const kept = this.kept;
    for (let i = kept.length - 1; i >= 0; i--) {
      const d = kept[i];
      if (d.data.length === data.length && d.contentEncoding === contentEncoding && d.inputComplete === inputComplete && d.limit === limit && d.data.equals(data)) {
        if (i !== kept.length - 1) kept.push(...kept.splice(i, 1));
        return d.result;
      }
    }
    const result = decodeContent(data, contentEncoding, inputComplete, limit);
    this.keep(data, contentEncoding, inputComplete, limit, result);
    return result;
  }

  private keep(data: Buffer, contentEncoding: string, inputComplete: boolean, limit: number, result: DecodeResult): void {
    const bytes = data.length + (result.decoded?.length ?? 0);
    if (bytes > this.maxBytes / 2) return;
    // (a copy: the body may be a view of a much larger buffer, which keeping it would pin)
    this.kept.push({ data: Buffer.from(data), contentEncoding, inputComplete, limit, result, bytes });
    this.keptBytes += bytes;
    while (this.kept.length > this.maxEntries || this.keptBytes > this.maxBytes) this.keptBytes -= (this.kept.shift() as Decoded).bytes;
  }
}
