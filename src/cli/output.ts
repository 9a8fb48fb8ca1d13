import type { Writable } from 'node:stream';
import { BlockLines } from '../render/line-sink.js';

const BLOCK_BYTES = 256 * 1024;

/**
 * Line output for the CLI: printers write into 256 KiB blocks (see BlockLines) that go to the
 * stream as they fill, with real backpressure: a slow pipe slows the reader instead of growing
 * memory. A closed pipe (`| head`) ends output quietly, as tcpdump does.
 */
export class LineOutput {
  readonly lines: BlockLines;
  private waiting = false;
  private closed = false;

  /** `live`: send what is there at every pace() (a live capture's lines must not wait for a full block). */
  constructor(
    private readonly stream: Writable,
    private readonly live = false,
  ) {
    this.lines = new BlockLines(BLOCK_BYTES, (block) => this.send(block));
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends the current line. */
  endLine(): void {
    this.lines.newline();
  }

  /** A whole line given as a string. */
  line(text: string): void {
    this.lines.print(text);
    this.lines.newline();
  }

  private send(block: Buffer): void {
    if (!this.closed && !this.stream.write(block)) this.waiting = true;
  }

  /** Waits while the stream asks us to (call between batches). */
  async pace(): Promise<void> {
    if (this.live) this.lines.flush();
    if (!this.waiting || this.closed) return;
    this.waiting = false;
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

  /** Sends what is left and waits until the stream has taken it. */
  async finish(): Promise<void> {
    this.lines.flush();
    await this.pace();
  }
}
