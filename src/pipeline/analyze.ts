import { AnomalyCounter } from '../core/anomalies.js';
import { frameMicros, type Micros } from '../core/time.js';
import type { Batch } from '../core/frame.js';
import type { CaptureSource } from '../capture/source.js';
import { HttpExchangeBuilder, type HttpLimits } from '../http/index.js';
import type { Exchange } from '../http/types.js';
import { TcpReassembler } from '../tcp/reassembler.js';
import type { StreamSink } from '../tcp/types.js';
import { FanOutSink } from './fan-out.js';
import type { DecodedPacket } from '../decode/types.js';
import { eachPacket, type PacketFilter, type PacketStreamOptions } from './packets.js';
import { EXCHANGE_STARTS, StartOrder } from './start-order.js';

export interface AnalyzeOptions extends Pick<PacketStreamOptions, 'onBatch'> {
  readonly filter?: PacketFilter;
  /** Stop after this many packets (-c). */
  readonly count?: number;
  /** Where every stage counts what it could not make sense of. */
  readonly anomalies?: AnomalyCounter;
  readonly http?: Partial<HttpLimits>;
  /** Further consumers of the reassembled streams (e.g. the --flows writer). */
  readonly streamSinks?: readonly StreamSink[];
  /** What the streams go to in place of the HTTP layer, given it (e.g. a sink that hands some connections to another thread). */
  readonly httpSink?: (http: HttpExchangeBuilder) => StreamSink;
}

/** Packet time after a batch; `quiet`: it moved on without packets (a quiet live capture's clock). */
export interface PacketTime {
  readonly now: Micros;
  readonly quiet: boolean;
}

/**
 * The one place that wires the stages: packets -> TCP reassembly -> HTTP exchanges. Each
 * exchange goes to `onExchange` as soon as it is complete (its response over), in that order;
 * the packet time reached is yielded after each batch of packets. At the end of the capture
 * the streams are flushed: the last exchanges come before the generator ends.
 */
export async function* completeExchanges(source: CaptureSource, options: AnalyzeOptions, onExchange: (e: Exchange) => void): AsyncIterable<PacketTime> {
  const anomalies = options.anomalies ?? new AnomalyCounter();
  const builder = new HttpExchangeBuilder(onExchange, options.http, anomalies);
  const http = options.httpSink?.(builder) ?? builder;
  const sinks = options.streamSinks ?? [];
  const reassembler = new TcpReassembler(sinks.length > 0 ? new FanOutSink([http, ...sinks]) : http, {}, anomalies);
  let last: Micros = 0;
  const feed = (packet: DecodedPacket): void => {
    last = frameMicros(packet.frame);
    reassembler.addPacket(packet, last);
  };
  for await (const clock of eachPacket(source, { filter: options.filter, count: options.count, anomalies, onBatch: options.onBatch }, feed)) {
    if (clock === undefined) yield { now: last, quiet: false };
    else {
      if (clock > last) {
        last = clock;
        reassembler.advanceTime(last);
      }
      yield { now: last, quiet: true };
    }
  }
  reassembler.finish(last);
}

/**
 * The exchanges of completeExchanges in the order their requests began (see StartOrder), in
 * batches; at the end of the capture the rest come out. While a live capture is quiet, each
 * batch carries the start time before which every exchange has come out (its `clock`), so
 * that the stages after this one move on in packet time too.
 */
export async function* analyzeExchanges(source: CaptureSource, options: AnalyzeOptions = {}): AsyncIterable<Batch<Exchange>> {
  const order = new StartOrder(EXCHANGE_STARTS);
  for await (const { now, quiet } of completeExchanges(source, options, (e) => order.add(e))) {
    const ready = order.release(now);
    if (quiet) yield Object.assign(ready, { clock: order.horizon(now) });
    else if (ready.length > 0) yield ready;
  }
  const rest = order.drain();
  if (rest.length > 0) yield rest;
}
