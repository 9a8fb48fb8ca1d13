import { AnomalyCounter } from '../core/anomalies.js';
import { frameMicros, type Micros } from '../core/time.js';
import type { CaptureSource } from '../capture/source.js';
import { HttpExchangeBuilder, type HttpLimits } from '../http/index.js';
import type { Exchange } from '../http/types.js';
import { TcpReassembler } from '../tcp/reassembler.js';
import type { StreamSink } from '../tcp/types.js';
import { FanOutSink } from './fan-out.js';
import type { DecodedPacket } from '../decode/types.js';
import { eachPacket, type PacketFilter, type PacketStreamOptions } from './packets.js';
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
export async function* analyzeExchanges(source: CaptureSource, options: AnalyzeOptions = {}): AsyncIterable<readonly Exchange[]> {
  const anomalies = options.anomalies ?? new AnomalyCounter();
  let done: Exchange[] = [];
  const http = new HttpExchangeBuilder((e) => done.push(e), options.http, anomalies);
  const sinks = options.streamSinks ?? [];
  const reassembler = new TcpReassembler(sinks.length > 0 ? new FanOutSink([http, ...sinks]) : http, {}, anomalies);
  const order = new StartOrder();
  let last: Micros = 0;
  const feed = (packet: DecodedPacket): void => {
    last = frameMicros(packet.frame);
    reassembler.addPacket(packet, last);
  };
  for await (const _ of eachPacket(source, { filter: options.filter, count: options.count, anomalies, onBatch: options.onBatch }, feed)) {
    order.add(done);
    done = [];
    const ready = order.release(last);
    if (ready.length > 0) yield ready;
  }
  reassembler.finish(last);
  order.add(done);
  const rest = order.drain();
  if (rest.length > 0) yield rest;
}
