import type { Micros } from '../core/time.js';
import { TransferBuffer } from '../core/transfer-buffer.js';
import { compareStarts } from '../pipeline/start-order.js';
import type { ExchangeRecords, HeldRecord } from './exchange-records.js';
import type { LineSink } from './line-sink.js';

/**
 * Released NDJSON records with their request-start keys, as bytes to send to another thread:
 * per record, start (f64), connection (u32), position (u32), length (u32), then its bytes.
 */
const KEY_BYTES = 20;
const INITIAL_BYTES = 64 * 1024;

export class RecordBatchWriter {
  private readonly out = new TransferBuffer(INITIAL_BYTES);
  private readonly sink = { printBytes: (bytes: Buffer, start: number, end: number): void => this.copy(bytes, start, end) };

  /** Appends a released record of `records` (and gives its room back to them). */
  add(record: HeldRecord, records: ExchangeRecords): void {
    const out = this.out;
    out.room(KEY_BYTES);
    const head = out.at;
    out.at += KEY_BYTES;
    records.writeTo(record, this.sink);
    // (the buffer may have grown while the record was copied: its view is read after)
    out.view.setFloat64(head, record.start, true);
    out.view.setUint32(head + 8, record.connectionId, true);
    out.view.setUint32(head + 12, record.index, true);
    out.view.setUint32(head + 16, out.at - head - KEY_BYTES, true);
  }

  /** The records added since the last take(), as memory of their own (to transfer); see TransferBuffer. */
  take(): Uint8Array {
    return this.out.take();
  }

  /** Memory of a taken batch, given back once its records are written. */
  recycle(memory: ArrayBuffer): void {
    this.out.recycle(memory);
  }

  private copy(bytes: Buffer, start: number, end: number): void {
    const out = this.out;
    out.room(end - start);
    out.bytes.set(bytes.subarray(start, end), out.at);
    out.at += end - start;
  }
}

/** The records of a RecordBatchWriter's batch, read back. */
export class RecordBatch {
  readonly count: number;
  private readonly data: Buffer;
  private readonly starts: Float64Array;
  private readonly keys: Uint32Array; // connection, position, offset, length per record

  constructor(bytes: Uint8Array) {
    this.data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let count = 0;
    for (let at = 0; at < bytes.length; at += KEY_BYTES + view.getUint32(at + 16, true)) count++;
    this.count = count;
    this.starts = new Float64Array(count);
    this.keys = new Uint32Array(count * 4);
    for (let i = 0, at = 0; i < count; i++) {
      const length = view.getUint32(at + 16, true);
      this.starts[i] = view.getFloat64(at, true);
      this.keys[4 * i] = view.getUint32(at + 8, true);
      this.keys[4 * i + 1] = view.getUint32(at + 12, true);
      this.keys[4 * i + 2] = at + KEY_BYTES;
      this.keys[4 * i + 3] = length;
      at += KEY_BYTES + length;
    }
  }

  /** Request-start order of record i against a held record (negative: i comes first). */
  compareTo(i: number, r: HeldRecord): number {
    return compareStarts(this.starts[i] as Micros, this.keys[4 * i], this.keys[4 * i + 1], r.start, r.connectionId, r.index);
  }

  /** Writes record i's bytes (no newline). */
  writeTo(i: number, out: LineSink): void {
    const at = this.keys[4 * i + 2];
    out.printBytes(this.data, at, at + this.keys[4 * i + 3]);
  }
}
