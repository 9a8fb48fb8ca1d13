import type { Writable } from 'node:stream';

const FLUSH_BYTES = 64 * 1024;

/**
 * Line output with one write per ~64 KiB and real backpressure: a slow pipe slows the reader
 * instead of growing memory. A closed pipe (`| head`) ends output quietly, as tcpdump does.
 */
export class LineWriter {
  private pending: string[] = [];
  private pendingBytes = 0;
  private closed = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues a line; true when enough is queued that the caller should await flush(). */
  push(text: string): boolean {
    this.pending.push(text);
    this.pendingBytes += text.length + 1;
    return this.pendingBytes >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0 || this.closed) {
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
        this.stream.on('error', done);
      });
    }
  }
}
