/**
 * Bytes written on one thread to be moved to another (postMessage with a transfer list), whose
 * memory comes back (recycle) to be written again. Reuse matters beyond the allocation: memory
 * made by one thread and freed by the other leaves the allocator's per-thread pools fragmented.
 */
export class TransferBuffer {
  bytes: Uint8Array;
  view: DataView;
  /** Bytes written. */
  at = 0;
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly initialBytes: number) {
    this.bytes = new Uint8Array(initialBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `n` more bytes at `at`. */
  room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    bigger.set(this.bytes.subarray(0, this.at));
    this.use(bigger);
  }

  /** The bytes written, in memory of their own (to transfer); writing goes on in spare memory, or new. */
  take(): Uint8Array {
    const taken = this.bytes.subarray(0, this.at);
    const spare = this.spare.pop();
    this.use(spare === undefined ? new Uint8Array(this.initialBytes) : new Uint8Array(spare));
    this.at = 0;
    return taken;
  }

  /** Memory of a taken buffer, given back once the other side is done with it (kept if not too big). */
  recycle(memory: ArrayBuffer): void {
    if (this.spare.length < MAX_SPARE && memory.byteLength <= MAX_KEPT_BYTES) this.spare.push(memory);
  }

  private use(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }
}

const MAX_SPARE = 2;
/** Memory grown for one huge batch is left to the collector rather than kept. */
const MAX_KEPT_BYTES = 4 << 20;
