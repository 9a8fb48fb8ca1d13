/**
 * The second thread of `--view exchanges --json` (see exchange-shard.ts): the HTTP layer and
 * the NDJSON records of the connections it is given. It replays the stream events it is sent,
 * and answers each message with the records released at its tick. Memory goes back and forth
 * to be reused: each answer returns the events' memory, each message may return a batch's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HttpExchangeBuilder } from '../http/index.js';
import { replayStreamEvents } from '../pipeline/stream-events.js';
import { ExchangeRecords } from '../render/exchange-records.js';
import { RecordBatchWriter } from '../render/record-batch.js';
import { Redactor } from '../render/redact.js';
import type { Connection } from '../tcp/types.js';
import type { ShardMessage, ShardReply, ShardSetup } from './exchange-shard.js';

const port = parentPort;
if (port === null) throw new Error('exchange-shard-worker.ts runs as a worker thread');
const setup = workerData as ShardSetup;
const held = new ExchangeRecords(setup.redact === null ? null : new Redactor(setup.redact));
// (what the HTTP layer counts is not asked for: the exchanges view reports only what decoding met, on the first thread)
const http = new HttpExchangeBuilder((e) => held.add(e));
const connections = new Map<number, Connection>();
const batch = new RecordBatchWriter();

const target = {
  onOpen: http.onOpen.bind(http),
  onData: http.onData.bind(http),
  onGap: http.onGap.bind(http),
  onClose: http.onClose.bind(http),
  tick(now: number): void {
    for (const r of held.release(now)) batch.add(r, held);
  },
  end(): void {
    for (const r of held.drain()) batch.add(r, held);
  },
};

port.on('message', ({ events, spare }: ShardMessage) => {
  if (spare !== null) batch.recycle(spare);
  replayStreamEvents(events, target, connections);
  const records = batch.take();
  const reply: ShardReply = { records, spare: events.buffer as ArrayBuffer };
  port.postMessage(reply, [records.buffer as ArrayBuffer, reply.spare]);
});
