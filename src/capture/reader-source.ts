import type { FrameBatch } from '../core/frame.js';
import type { SourceWarning } from '../core/warnings.js';
import type { CaptureFormat, CaptureInterface, CaptureSource } from './source.js';

/** What each format reader implements: the next batch (null at the end), and release. */
export interface BatchReader {
  next(): Promise<FrameBatch | null>;
  close(): void;
}

export interface SourceInfo {
  readonly name: string;
  readonly format: CaptureFormat;
  readonly linkType: number;
  readonly snaplen: number;
  readonly warnings: SourceWarning[];
  readonly interfaces: readonly CaptureInterface[];
}

/** Wraps a BatchReader as a CaptureSource: iterable once, and the file is released however the loop ends. */
export function readerSource(info: SourceInfo, reader: BatchReader): CaptureSource {
  let started = false;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    reader.close();
  };
  async function* iterate(): AsyncGenerator<FrameBatch> {
    try {
      for (;;) {
        const batch = await reader.next();
        if (batch === null) return;
        yield batch;
      }
    } finally {
      close();
    }
  }
  return {
    ...info,
    batches(): AsyncIterable<FrameBatch> {
      if (started) throw new Error(`batches() of ${info.name} can only be iterated once`);
      started = true;
      if (closed) throw new Error(`${info.name} was closed before it was read`);
      return iterate();
    },
    close,
  };
}
