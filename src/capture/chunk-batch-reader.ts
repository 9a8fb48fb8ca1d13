import type { Frame, FrameBatch } from '../core/frame.js';
import type { ChunkReader } from './chunk-reader.js';
import type { BatchReader } from './reader-source.js';

/**
 * The batching loop of the file readers, written once: a subclass parses what is buffered
 * (parseInto, its per-packet hot path) and waits for more (refill); either sets `done` when
 * the input ends or cannot be read further.
 */
export abstract class ChunkBatchReader implements BatchReader {
  protected done = false;

  constructor(
    protected readonly input: ChunkReader,
    protected readonly batchSize: number,
  ) {}

  async next(): Promise<FrameBatch | null> {
    const frames: Frame[] = [];
    while (!this.done) {
      this.parseInto(frames);
      if (frames.length >= this.batchSize || this.done) break;
      // Hand out what is parsed before waiting for input: on a pipe, more may take long.
      if (frames.length > 0 && !this.input.hasBuffered) break;
      await this.refill();
    }
    return frames.length > 0 ? frames : null;
  }

  close(): void {
    this.done = true;
    this.input.close();
  }

  /** Parses whole records from the current buffer into frames, up to batchSize. */
  protected abstract parseInto(frames: Frame[]): void;

  /** Waits for the rest of the record that did not fit; at the end of input, sets done. */
  protected abstract refill(): Promise<void>;
}
