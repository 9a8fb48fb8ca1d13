import { Readable } from 'node:stream';
import pcapParser from 'pcap-parser';
import type { Frame, FrameBatch } from '../core/frame.js';
import { ShadowdumpError } from '../core/errors.js';
import type { SourceWarning } from '../core/warnings.js';
import type { ChunkReader } from './chunk-reader.js';
import type { BatchReader } from './reader-source.js';
import type { PcapFileHeader } from './pcap-reader.js';
import { PCAP_RECORD_HEADER_BYTES } from './pcap-reader.js';
import { badBlock, oneLine, truncatedFile } from './messages.js';
import { READ_CHUNK_BYTES, maxCapturedLength } from './limits.js';

/**
 * Classic microsecond pcap through npm pcap-parser. The parser pushes events for a whole chunk
 * at a time and never waits, so frames are queued here in batches and the stream is paused
 * while the queue is long: memory stays bounded by the queue plus one chunk.
 */
export class PcapParserReader implements BatchReader {
  private readonly stream: Readable;
  private readonly parser: pcapParser.Parser;
  private readonly queue: FrameBatch[] = [];
  private queuedFrames = 0;
  private current: Frame[] = [];
  /** Header of a record whose data has not arrived (pcap-parser keeps it only internally). */
  private pendingHeader: pcapParser.PacketHeader | null = null;
  private ended = false;
  private stopped = false;
  private failure: unknown = null;
  private paused = false;
  private wake: (() => void) | null = null;
  private readonly maxCaplen: number;
  private readonly highWater: number;

  constructor(
    private readonly input: ChunkReader,
    private readonly header: PcapFileHeader,
    private readonly label: string,
    private readonly warnings: SourceWarning[],
    private readonly batchSize: number,
  ) {
    this.maxCaplen = maxCapturedLength(header.snaplen);
    this.highWater = batchSize * 8;
    // pcap-parser parses the file header again itself: the input is handed over unconsumed.
    this.stream = Readable.from(input.rest(), { objectMode: false, highWaterMark: READ_CHUNK_BYTES });
    this.parser = pcapParser.parse(this.stream);
    this.parser.on('packetHeader', (h) => this.onPacketHeader(h));
    this.parser.on('packet', (p) => this.onPacket(p));
    // Registered after the parser's own 'data' listener: runs once a chunk has been parsed.
    this.stream.on('data', () => this.endOfChunk());
    this.parser.on('end', () => this.onEnd());
    this.parser.on('error', (err) => this.finish(err));
  }

  async next(): Promise<FrameBatch | null> {
    for (;;) {
      const batch = this.queue.shift();
      if (batch !== undefined) {
        this.queuedFrames -= batch.length;
        if (this.paused && this.queuedFrames <= this.batchSize && !this.ended) {
          this.paused = false;
          this.stream.resume();
        }
        return batch;
      }
      if (this.failure !== null) throw this.asError(this.failure);
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    if (!this.ended) this.finish(null);
    this.stream.destroy();
    this.input.close();
  }

  private onPacketHeader(h: pcapParser.PacketHeader): void {
    if (this.stopped) return;
    if (h.capturedLength > this.maxCaplen) {
      // pcap-parser would wait for (and keep joining) that many bytes: stop here instead.
      this.warnings.push(badBlock(`invalid packet capture length ${h.capturedLength}, bigger than maximum of ${this.maxCaplen}; the rest of the file is skipped`));
      this.finish(null);
      this.stream.destroy();
      return;
    }
    this.pendingHeader = h;
  }

  private onPacket(p: pcapParser.Packet): void {
    if (this.stopped) return;
    this.pendingHeader = null;
    const h = p.header;
    let tsSec = h.timestampSeconds;
    let tsNsec = h.timestampMicroseconds * 1000;
    if (tsNsec >= 1e9) {
      tsSec += Math.floor(tsNsec / 1e9);
      tsNsec %= 1e9;
    }
    this.current.push({ tsSec, tsNsec, linkType: this.header.linkType, data: p.data, origLen: h.originalLength, interfaceId: 0 });
    if (this.current.length >= this.batchSize) this.endOfChunk();
  }

  /** Queues the frames parsed so far, and pauses the input while the queue is long. */
  private endOfChunk(): void {
    if (this.current.length > 0) {
      this.queue.push(this.current);
      this.queuedFrames += this.current.length;
      this.current = [];
      this.wakeUp();
    }
    if (!this.paused && !this.stopped && this.queuedFrames >= this.highWater) {
      this.paused = true;
      this.stream.pause();
    }
  }

  private onEnd(): void {
    if (this.stopped) return;
    // pcap-parser ends silently with an unfinished record in its buffer.
    const left = this.parser.buffer?.length ?? 0;
    if (this.pendingHeader !== null) {
      this.warnings.push(truncatedFile('captured bytes', this.pendingHeader.capturedLength, left));
    } else if (left > 0) {
      this.warnings.push(truncatedFile('header bytes', PCAP_RECORD_HEADER_BYTES, left));
    }
    this.finish(null);
  }

  private finish(failure: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.endOfChunk();
    this.ended = true;
    this.failure = failure;
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private asError(failure: unknown): Error {
    if (failure instanceof ShadowdumpError) return failure;
    const reason = failure instanceof Error ? failure.message : String(failure);
    return new ShadowdumpError('file-unreadable', oneLine(`cannot read ${this.label}: ${reason}; check the file and try again`));
  }
}
