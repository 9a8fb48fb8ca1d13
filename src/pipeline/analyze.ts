import { AnomalyCounter } from '../core/anomalies.js';
import { frameMicros, type Micros } from '../core/time.js';
import type { Batch } from '../core/frame.js';
import type { CaptureSource } from '../capture/source.js';
import { HttpExchangeBuilder, type HttpLimits } from '../http/index.js';
import type { Exchange } from '../http/types.js';
import { TcpReassembler } from '../tcp/reassembler.js';
import type { StreamSink } from '../tcp/types.js';
import { FanOutSink } from './fan-out.js';
import { packetStream, type PacketFilter, type PacketStreamOptions } from './packets.js';
import { StartOrder } from './start-order.js';

export interface AnalyzeOptions extends Pick<PacketStreamOptions, 'onBatch'> {
  readonly filter?: PacketFilter;
  /** Stop after this many packets (-c). */
  readonly count?: number;
  /** Where every stage counts what it could not make sense of. */
  readonly anomalies?: AnomalyCounter;
  readonly http?: Partial<HttpLimits>;
  /** Further consumers of the reassembled streams (e.g. the --flows writer). */
  readonly streamSinks?: readonly StreamSink[];
}

/**
 * The one place that wires the stages: packets -> TCP reassembly -> HTTP exchanges. Yields
 * exchanges in the order their requests began (see StartOrder); at the end of the capture the
 * streams are flushed and the rest come out.
 */
export async function* analyzeExchanges(source: CaptureSource, options: AnalyzeOptions = {}): AsyncIterable<Batch<Exchange>> {
  const anomalies = options.anomalies ?? new AnomalyCounter();
  let done: Exchange[] = [];
  const http = new HttpExchangeBuilder((e) => done.push(e), options.http, anomalies);
  const sinks = options.streamSinks ?? [];
  const reassembler = new TcpReassembler(sinks.length > 0 ? new FanOutSink([http, ...sinks]) : http, {}, anomalies);
  const order = new StartOrder();
  let last: Micros = 0;
  for await (const batch of packetStream(source, { filter: options.filter, count: options.count, anomalies, onBatch: options.onBatch })) {
    for (const packet of batch) {
      last = frameMicros(packet.frame);
      reassembler.addPacket(packet, last);
    }
    if (batch.clock !== undefined && batch.clock > last) {
      last = batch.clock;
      reassembler.advanceTime(last);
    }
    order.add(done);
    done = [];
    const ready = order.release(last);
    // A quiet live capture: the stages after this one move on in packet time too, to the
    // start time before which every exchange has come out.
    if (batch.clock !== undefined) yield Object.assign(ready, { clock: order.horizon(last) });
    else if (ready.length > 0) yield ready;
  }
  reassembler.finish(last);
  order.add(done);
  const rest = order.drain();
  if (rest.length > 0) yield rest;
}
