/**
 * The capture thread: opens the device with the patched cap, copies each buffer of pcap
 * records out of cap's buffer, appends it to the -w file and hands it to the analysis thread.
 * No per-packet JavaScript beyond walking record headers, and nothing here waits for the
 * analysis: when it falls behind, chunks are dropped for it (and counted), never for -w.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureCounts } from '../core/capture-stats.js';
import { ShadowdumpError } from '../core/errors.js';
import { loadCap, type CapHandle, type CapOpenError } from './cap-binding.js';
import { openError, readError } from './live-errors.js';
import { RECORD_HEADER_BYTES, walkRecords } from './live-records.js';
import { linkTypeFromDlt } from './live-link-type.js';
import type { LiveWorkerConfig, MainMessage, WireError, WorkerMessage } from './live-protocol.js';
import { PcapFileWriter } from './pcap-writer.js';

/** cap's buffer holds many records per 'records' event (one event per buffer, not per packet). */
const CAP_BUFFER_BYTES = 4 << 20;
const STATS_INTERVAL_MS = 1000;
const CAPTURE_THREAD_NICE = -10;

const config = workerData as LiveWorkerConfig;
const port = parentPort;
if (port === null) throw new Error('live-worker.ts runs as a worker thread');
const inFlight = new Int32Array(config.inFlight);
// cap keeps only a raw pointer to this buffer: it must stay referenced for the whole capture.
const capBuffer = Buffer.alloc(Math.max(CAP_BUFFER_BYTES, 2 * (config.snaplen + RECORD_HEADER_BYTES)));

let cap: CapHandle | null = null;
let writer: PcapFileWriter | null = null;
let started = false;
let ended = false;
/** Records that arrived between opening and 'start' (privileges being dropped). */
const early: Array<{ bytes: Uint8Array; packets: number }> = [];
let captured = 0;
let droppedByAnalysis = 0;
let last = { recv: 0, drop: 0, ifdrop: 0 };
let statsTimer: NodeJS.Timeout | null = null;

function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function counts(): CaptureCounts {
  if (cap !== null && !ended) {
    try {
      last = cap.stats();
    } catch {
      // Not open any more: keep the last numbers.
    }
  }
  return { captured, receivedByFilter: last.recv, droppedByKernel: last.drop, droppedByInterface: last.ifdrop, droppedByAnalysis };
}

function wire(err: unknown): WireError {
  if (err instanceof ShadowdumpError) return { code: err.code, message: err.message };
  return { code: 'capture-failed', message: `capture thread failed: ${err instanceof Error ? err.message : String(err)}` };
}

/** Ends the capture once: final stats, device and file closed, 'ended' sent, thread left to exit. */
function finish(error: WireError | null): void {
  if (ended) return;
  const final = counts();
  ended = true;
  if (statsTimer !== null) clearInterval(statsTimer);
  cap?.close();
  try {
    writer?.close();
  } catch (err) {
    error ??= wire(err);
  }
  send({ kind: 'ended', counts: final, error });
  port?.close();
}

function deliver(bytes: Uint8Array, packets: number): void {
  writer?.write(bytes);
  if (!config.analyse) return;
  if (Atomics.load(inFlight, 0) + bytes.byteLength > config.queueBytes) {
    droppedByAnalysis += packets;
    return;
  }
  Atomics.add(inFlight, 0, bytes.byteLength);
  send({ kind: 'records', chunk: bytes.buffer as ArrayBuffer, packets }, [bytes.buffer as ArrayBuffer]);
}

function onRecords(length: number): void {
  if (ended) return;
  try {
    const view = new DataView(capBuffer.buffer, capBuffer.byteOffset, length);
    const { count, end } = walkRecords(view, length, config.count === null ? Infinity : config.count - captured);
    // Copied before the next event: cap reuses its buffer.
    const bytes = new Uint8Array(end);
    bytes.set(capBuffer.subarray(0, end));
    captured += count;
    if (started) deliver(bytes, count);
    else early.push({ bytes, packets: count });
    if (config.count !== null && captured >= config.count && started) finish(null);
  } catch (err) {
    finish(wire(err));
  }
}

function start(writeFile: string | null): void {
  if (started || ended || cap === null) return;
  try {
    if (writeFile !== null) writer = PcapFileWriter.open(writeFile, linkTypeFromDlt(cap.linkType), cap.snaplen);
    started = true;
    for (const { bytes, packets } of early.splice(0)) deliver(bytes, packets);
    if (config.count !== null && captured >= config.count) finish(null);
  } catch (err) {
    finish(wire(err));
  }
}

function stop(): void {
  if (ended) return;
  // The kernel hands a partly filled ring block over after the block timeout: wait for it,
  // then read everything that is there, so every packet seen before the stop is delivered.
  setTimeout(() => {
    try {
      if (cap !== null && started) while (!ended && cap.drain() > 0);
      finish(null);
    } catch (err) {
      finish(wire(err));
    }
  }, config.blockTimeoutMs + 50);
}

/**
 * This thread must never wait behind the analysis for a CPU, or the kernel's ring overflows:
 * a higher priority for it alone (Linux's nice value is per thread). Needs root, as capturing
 * does; without it the capture runs at the normal priority.
 */
function raisePriority(): void {
  try {
    setPriority(0, CAPTURE_THREAD_NICE);
  } catch {
    // Not permitted (capabilities without CAP_SYS_NICE): normal priority.
  }
}

function open(): void {
  const { Cap } = loadCap();
  const handle = new Cap();
  handle.on('records', onRecords);
  handle.on('error', (err) => finish(wire(readError(config.device, err.message))));
  try {
    handle.open(config.device, config.filter, config.bufferBytes, capBuffer, {
      snaplen: config.snaplen,
      linkType: config.linkType ?? undefined,
      records: true,
      immediate: false,
      timeout: config.blockTimeoutMs,
    });
  } catch (err) {
    const e = err as CapOpenError;
    throw openError(config.device, config.filter, { stage: e.stage, status: e.status, message: e.message ?? String(err) });
  }
  cap = handle;
  send({ kind: 'opened', linkType: linkTypeFromDlt(handle.linkType), snaplen: handle.snaplen, warning: handle.warning ?? null });
  statsTimer = setInterval(() => send({ kind: 'stats', counts: counts() }), STATS_INTERVAL_MS);
}

port.on('message', (message: MainMessage) => {
  if (message.kind === 'start') start(message.writeFile);
  else stop();
});
try {
  raisePriority();
  open();
} catch (err) {
  finish(wire(err));
}
