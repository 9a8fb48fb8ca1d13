import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { HttpExchangeBuilder } from '../http/index.js';
import { completeExchanges, type AnalyzeOptions } from '../pipeline/analyze.js';
import { SplitSink } from '../pipeline/fan-out.js';
import { StreamEventWriter } from '../pipeline/stream-events.js';
import { ExchangeRecords, type HeldRecord } from '../render/exchange-records.js';
import { RecordBatch } from '../render/record-batch.js';
import type { LineOutput } from './output.js';
import type { ViewContext } from './view-context.js';

/**
 * `--view exchanges --json` on two threads. This thread reads, decodes and reassembles every
 * packet, and runs HTTP and the NDJSON records for half of the connections; the other half's
 * streams go, as bytes (StreamEventWriter), to a second thread that does the same for them and
 * sends back its records with their request-start keys. Both sides release records at the same
 * packet times, so merging the two sorted lists of each tick gives the order of one thread.
 * (The records come back a little later: each tick's list waits here for its answer.)
 */

export interface ShardSetup {
  readonly redact: readonly string[] | null;
}

/** To the second thread: stream events, and memory of a batch of records it may fill again. */
export interface ShardMessage {
  readonly events: Uint8Array;
  readonly spare: ArrayBuffer | null;
}

/** From it: the records of a tick, and the memory of the events it replayed. */
export interface ShardReply {
  readonly records: Uint8Array;
  readonly spare: ArrayBuffer;
}

/** Captures smaller than this are read by one thread (a second one costs more to start than it saves). */
const SHARD_FROM_BYTES = 64 << 20;
/**
 * Ticks sent and not answered yet before this thread waits for the other. A tick's work comes
 * in bursts (a few connections close at once): with two ticks ahead each thread stood idle
 * about 30% of the time waiting for the other. Eight kept both busy but, on the 3M-packet lab
 * capture, peaked at 234-261 MB (runs differ); four peaked at 230-235 MB, as fast within the noise.
 */
const MAX_TICKS_AHEAD = 4;
/**
 * The second thread's heap: it holds only half the connections' HTTP state, and what it makes
 * dies young. A small young generation keeps the process under 256 MB (V8's default for a
 * thread took about 15 MB more, for no speed measured).
 */
const SHARD_HEAP_MB = 128;
const SHARD_YOUNG_MB = 4;

/**
 * Whether to use a second thread: SHADOWDUMP_THREADS=1 or 2 decides; otherwise two when the
 * machine has two CPUs and the capture files come to SHARD_FROM_BYTES (not for live captures
 * or standard input).
 */
export function useSecondThread(context: ViewContext): boolean {
  const forced = process.env.SHADOWDUMP_THREADS;
  if (forced === '1' || forced === '2') return forced === '2' && context.source.format !== 'live';
  if (context.source.format === 'live' || availableParallelism() < 2) return false;
  let bytes = 0;
  for (const file of context.options.readFiles) {
    if (file === '-') return false;
    try {
      bytes += statSync(file).size;
    } catch {
      return false;
    }
  }
  return bytes >= SHARD_FROM_BYTES;
}

/** The second thread, and its answers in order. */
class ShardThread {
  private readonly worker: Worker;
  private readonly replies: ShardReply[] = [];
  private waiting: { resolve: () => void; reject: (err: Error) => void } | null = null;
  private failed: Error | null = null;

  constructor(setup: ShardSetup) {
    this.worker = new Worker(workerUrl(), { workerData: setup, stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: SHARD_HEAP_MB, maxYoungGenerationSizeMb: SHARD_YOUNG_MB } });
    this.worker.on('message', (reply: ShardReply) => {
      this.replies.push(reply);
      this.wake();
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the second analysis thread stopped (exit code ${code})`)));
  }

  send(message: ShardMessage): void {
    if (this.failed !== null) throw this.failed;
    const memory = [message.events.buffer as ArrayBuffer];
    if (message.spare !== null) memory.push(message.spare);
    this.worker.postMessage(message, memory);
  }

  /** The next answer not taken yet, if it has come. */
  take(): ShardReply | undefined {
    return this.replies.shift();
  }

  get answered(): number {
    return this.replies.length;
  }

  /** Resolves when an answer comes (at once when one is here); rejects if the thread failed. */
  async next(): Promise<void> {
    if (this.failed !== null) throw this.failed;
    if (this.replies.length > 0) return;
    await new Promise<void>((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  stop(): void {
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve();
  }

  private fail(err: Error): void {
    this.failed ??= err;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(this.failed);
  }
}

function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../../dist/cli/exchange-shard-worker.js', import.meta.url) : new URL('./exchange-shard-worker.js', import.meta.url);
}

/** The NDJSON records of `--view exchanges --json`, written by two threads (see the top). */
export async function shardedExchangeRecords(context: ViewContext, analysis: AnalyzeOptions): Promise<void> {
  const { out } = context;
  const records = new ExchangeRecords(context.redactor);
  const events = new StreamEventWriter();
  const shard = new ShardThread({ redact: context.options.redact });
  // Each tick's own records, waiting for the other thread's of the same tick.
  const ticks: HeldRecord[][] = [];
  // Memory of the other thread's batches, written out: sent back to be filled again.
  let spare: ArrayBuffer | null = null;
  const send = (): void => {
    shard.send({ events: events.take(), spare });
    spare = null;
  };
  const writeAnswered = (): void => {
    while (ticks.length > 0) {
      const reply = shard.take();
      if (reply === undefined) return;
      writeMerged(ticks.shift() as HeldRecord[], new RecordBatch(reply.records), records, out);
      events.recycle(reply.spare);
      spare = reply.records.buffer as ArrayBuffer;
    }
  };
  try {
    // Connections alternate between the threads, in the order they open.
    const split = { ...analysis, httpSink: (http: HttpExchangeBuilder) => new SplitSink(http, events, (conn) => conn.id % 2 === 1) };
    for await (const { now } of completeExchanges(context.source, split, (e) => records.add(e))) {
      events.tick(now);
      send();
      ticks.push(records.release(now));
      while (ticks.length > MAX_TICKS_AHEAD && shard.answered === 0) await shard.next();
      writeAnswered();
      await out.pace();
      if (out.isClosed) return;
    }
    // (the capture's end closed the last connections: their events go before the end)
    events.end();
    send();
    ticks.push(records.drain());
    while (ticks.length > 0) {
      await shard.next();
      writeAnswered();
      await out.pace();
      if (out.isClosed) return;
    }
  } finally {
    shard.stop();
  }
}

/** One tick's records of both threads, in request-start order. */
function writeMerged(own: readonly HeldRecord[], other: RecordBatch, records: ExchangeRecords, out: LineOutput): void {
  let i = 0;
  let j = 0;
  while (i < own.length || j < other.count) {
    if (j === other.count || (i < own.length && other.compareTo(j, own[i]) > 0)) records.writeTo(own[i++], out.lines);
    else other.writeTo(j++, out.lines);
    out.endLine();
  }
}
