import { Worker } from 'node:worker_threads';
import type { CaptureCounts } from '../core/capture-stats.js';
import { ShadowdumpError } from '../core/errors.js';
import { clockBatch, type Frame, type FrameBatch } from '../core/frame.js';
import type { SourceWarning } from '../core/warnings.js';
import { DEFAULT_BATCH_FRAMES, STANDARD_MAX_SNAPLEN } from './limits.js';
import { preferredDlt } from './live-link-type.js';
import type { LiveWorkerConfig, MainMessage, WireError, WorkerMessage } from './live-protocol.js';
import { recordsToFrames } from './live-records.js';
import type { CaptureSource } from './source.js';

export interface LiveCaptureOptions {
  readonly device: string;
  /** libpcap filter expression (compiled by libpcap, in the kernel); '' for none. */
  readonly filter: string;
  /** Default 262144, as tcpdump. */
  readonly snaplen?: number;
  /** Kernel ring buffer (-B); default DEFAULT_LIVE_BUFFER_BYTES. */
  readonly bufferBytes?: number;
  readonly count?: number;
  /** false: capture only for -w, no frames come out of batches(). */
  readonly analyse?: boolean;
  /** Bound of the queue between capture and analysis. Default 64 MiB. */
  readonly queueBytes?: number;
  readonly batchFrames?: number;
  /** Block timeout: the longest a packet waits in the kernel before it is handed over. Default 100 ms. */
  readonly blockTimeoutMs?: number;
}

/**
 * 32 MiB, where tcpdump keeps libpcap's 2 MiB: the analysis shares the CPUs with the capture
 * thread, and at a few hundred MB/s a 2 MiB ring overflows within the few milliseconds a
 * busy machine may take to schedule the capture (measured: scripts/bench-live.mjs).
 */
export const DEFAULT_LIVE_BUFFER_BYTES = 32 * 1024 * 1024;
const DEFAULT_QUEUE_BYTES = 64 * 1024 * 1024;
const DEFAULT_BLOCK_TIMEOUT_MS = 100;
/**
 * How far behind the wall clock packet time is taken to be when the capture thread reports in
 * (every second, packets or not): packets reach us up to a block timeout after the kernel
 * stamped them, plus however long a busy machine takes to schedule the capture thread.
 */
const CLOCK_LAG_MICROS = 2_000_000;

/**
 * A live capture. Open it (the device is open when openLive resolves), drop privileges if
 * asked, then start() (which opens the -w file) and read batches() like any other source.
 * stop() ends it cleanly: what the kernel already has is still delivered and written.
 */
export interface LiveSource extends CaptureSource {
  readonly format: 'live';
  /** libpcap's activation warning (e.g. promiscuous mode not supported), or null. */
  readonly warning: string | null;
  start(writeFile: string | null): void;
  stop(): void;
  /** The latest counters (updated every second, final once `ended` resolved). */
  counts(): CaptureCounts;
  /**
   * Resolves with the final counters once the capture thread is done; rejects with the error
   * it stopped on (batches() then just ends).
   */
  readonly ended: Promise<CaptureCounts>;
}

const ZERO: CaptureCounts = { captured: 0, receivedByFilter: 0, droppedByKernel: 0, droppedByInterface: 0, droppedByAnalysis: 0 };

/** The worker is compiled JavaScript; tests that run this file from src use the build in dist. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../../dist/capture/live-worker.js', import.meta.url) : new URL('./live-worker.js', import.meta.url);
}

function toError(e: WireError): ShadowdumpError {
  return new ShadowdumpError(e.code, e.message);
}

/** Opens the device on a capture thread; rejects with the one-line error when it cannot. */
export async function openLive(options: LiveCaptureOptions): Promise<LiveSource> {
  const inFlight = new SharedArrayBuffer(4);
  const config: LiveWorkerConfig = {
    device: options.device,
    filter: options.filter,
    snaplen: options.snaplen ?? STANDARD_MAX_SNAPLEN,
    bufferBytes: options.bufferBytes ?? DEFAULT_LIVE_BUFFER_BYTES,
    count: options.count ?? null,
    linkType: preferredDlt(options.device),
    analyse: options.analyse ?? true,
    queueBytes: options.queueBytes ?? DEFAULT_QUEUE_BYTES,
    inFlight,
    blockTimeoutMs: options.blockTimeoutMs ?? DEFAULT_BLOCK_TIMEOUT_MS,
  };
  const worker = new Worker(workerUrl(), { workerData: config });
  const inbox = new Inbox(worker);
  const first = await inbox.next();
  if (first.kind === 'ended') {
    throw first.error === null ? new ShadowdumpError('capture-failed', `capture on ${options.device} ended before it started`) : toError(first.error);
  }
  if (first.kind !== 'opened') throw new Error(`capture thread sent ${first.kind} before opening`);
  return liveSource(options, first, worker, inbox, new Int32Array(inFlight));
}

function liveSource(options: LiveCaptureOptions, opened: Extract<WorkerMessage, { kind: 'opened' }>, worker: Worker, inbox: Inbox, inFlight: Int32Array): LiveSource {
  const batchFrames = options.batchFrames ?? DEFAULT_BATCH_FRAMES;
  const warnings: SourceWarning[] = [];
  let started = false;
  let stopped = false;
  let iterated = false;
  const post = (message: MainMessage): void => worker.postMessage(message);
  const start = (writeFile: string | null): void => {
    if (started) return;
    started = true;
    post({ kind: 'start', writeFile });
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    post({ kind: 'stop' });
  };

  async function* iterate(): AsyncGenerator<FrameBatch> {
    start(null);
    let finished = false;
    try {
      for (;;) {
        const message = await inbox.next();
        if (message.kind === 'ended') {
          // Ended on an error too (the interface went away): the reader sees a normal end, so
          // views flush what they have; `ended` rejects with the error.
          finished = true;
          return;
        }
        if (message.kind === 'stats') {
          // Packet time moves on while the link is quiet: idle connections close and pairs settle.
          yield clockBatch(Date.now() * 1000 - CLOCK_LAG_MICROS);
          continue;
        }
        if (message.kind !== 'records') continue;
        const chunk = message.chunk;
        for (let pos = 0; pos < chunk.byteLength; ) {
          const frames: Frame[] = [];
          pos = recordsToFrames(chunk, pos, opened.linkType, batchFrames, frames);
          if (frames.length === 0) break;
          yield frames;
        }
        // Analysed: room in the queue again.
        Atomics.sub(inFlight, 0, chunk.byteLength);
      }
    } finally {
      if (!finished) {
        // The reader stopped early (-c reached, output closed): end the capture, keep -w whole.
        stop();
        await inbox.ended.catch(() => undefined);
      }
    }
  }

  return {
    name: options.device,
    format: 'live',
    linkType: opened.linkType,
    snaplen: opened.snaplen,
    warnings,
    warning: opened.warning,
    batches(): AsyncIterable<FrameBatch> {
      if (iterated) throw new Error(`batches() of ${options.device} can only be iterated once`);
      iterated = true;
      return iterate();
    },
    close: stop,
    start,
    stop,
    counts: () => inbox.counts,
    ended: inbox.ended,
  };
}

/** The capture thread's messages, in order, for one reader; keeps the latest counters. */
class Inbox {
  counts: CaptureCounts = ZERO;
  readonly ended: Promise<CaptureCounts>;
  private readonly queue: WorkerMessage[] = [];
  private waiting: ((m: WorkerMessage) => void) | null = null;
  private settle!: { resolve: (c: CaptureCounts) => void; reject: (e: Error) => void };
  private done = false;

  constructor(worker: Worker) {
    this.ended = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody may be listening (only -w, or an error already thrown): no unhandled rejection.
    this.ended.catch(() => undefined);
    worker.on('message', (m: WorkerMessage) => this.receive(m));
    worker.on('error', (err) => this.receive({ kind: 'ended', counts: this.counts, error: { code: 'capture-failed', message: `capture thread failed: ${err.message}` } }));
    worker.on('exit', (code) => {
      if (!this.done) this.receive({ kind: 'ended', counts: this.counts, error: { code: 'capture-failed', message: `capture thread exited (code ${code}) before the capture ended` } });
    });
  }

  private receive(message: WorkerMessage): void {
    if (this.done) return;
    if (message.kind === 'stats' || message.kind === 'ended') this.counts = message.counts;
    // A report waiting unread says no more than the next one: keep one (a -w-only run reads none).
    if (message.kind === 'stats' && this.waiting === null && this.queue.at(-1)?.kind === 'stats') {
      this.queue[this.queue.length - 1] = message;
      return;
    }
    if (message.kind === 'ended') {
      this.done = true;
      if (message.error === null) this.settle.resolve(message.counts);
      else this.settle.reject(toError(message.error));
    }
    if (this.waiting !== null) {
      const wake = this.waiting;
      this.waiting = null;
      wake(message);
    } else this.queue.push(message);
  }

  next(): Promise<WorkerMessage> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}
