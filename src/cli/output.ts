import type { Writable } from 'node:stream';

const BUFFER_BYTES = 256 * 1024;

/**
 * Line output written in 256 KiB blocks with real backpressure: a slow pipe slows the reader
 * instead of growing memory. A closed pipe (`| head`) ends output quietly, as tcpdump does.
 * Lines are written as Latin-1 bytes: every byte that reaches a line is printable ASCII, and
 * encoding straight into a block avoids building and re-encoding one big string.
 */
export class LineWriter {
  private block = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
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

  /** Queues a line; true when a block is full and the caller should await flush(). */
  push(text: string): boolean {
    const needed = text.length + 1;
    if (this.used + needed > this.block.length) {
      if (this.used > 0) this.sendBlock();
      if (needed > this.block.length) this.block = Buffer.allocUnsafe(needed);
    }
    this.used += this.block.write(text, this.used, 'latin1');
    this.block[this.used++] = 0x0a;
    return this.pendingWrite;
  }

  private pendingWrite = false;

  private sendBlock(): void {
    if (!this.closed && !this.stream.write(this.block.subarray(0, this.used))) this.pendingWrite = true;
    // The stream keeps the written block until it is flushed, so the next lines need a new one.
    this.block = Buffer.allocUnsafe(this.block.length);
    this.used = 0;
  }

  /** Writes what is queued and waits while the stream asks us to. */
  async flush(): Promise<void> {
    if (this.used > 0) this.sendBlock();
    if (!this.pendingWrite || this.closed) return;
    this.pendingWrite = false;
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
