import type { CaptureSource } from '../capture/source.js';
import type { Exchange } from '../http/types.js';
import { PairAnalyzer, type PairAnalyzerOptions } from '../shadow/pair-analyzer.js';
import type { PairReport } from '../shadow/verdict.js';
import { analyzeExchanges, type AnalyzeOptions } from './analyze.js';

export interface PairsOptions extends AnalyzeOptions {
  readonly pairing?: PairAnalyzerOptions;
  /** Exchanges that join no pair (no id header, or a leg after its pair was reported). */
  readonly onOther?: (e: Exchange) => void;
}

export interface PairRun {
  /** Reports in the order their pairs settle. */
  readonly batches: AsyncIterable<readonly PairReport[]>;
  /** Counts so far (exchanges, others, correlation); complete once `batches` is done. */
  readonly analyzer: PairAnalyzer;
}

/**
 * Packets -> exchanges -> pairs. The correlator's clock is the start of the latest exchange
 * handed to it: exchanges come out in start order about a second behind the capture, so a pair
 * settles only after the legs that started with it (loopback and inbound legs, retries) had
 * their chance to arrive. A quiet live capture moves the clock on without exchanges.
 */
export function analyzePairs(source: CaptureSource, options: PairsOptions = {}): PairRun {
  let done: PairReport[] = [];
  const analyzer = new PairAnalyzer((r) => done.push(r), { ...options.pairing, anomalies: options.anomalies }, options.onOther);
  async function* batches(): AsyncIterable<readonly PairReport[]> {
    let clock = -Infinity;
    for await (const exchanges of analyzeExchanges(source, options)) {
      for (const e of exchanges) {
        analyzer.add(e);
        if (e.timing.requestStart > clock) clock = e.timing.requestStart;
      }
      if (exchanges.clock !== undefined && exchanges.clock > clock) clock = exchanges.clock;
      analyzer.advance(clock);
      if (done.length > 0) {
        yield done;
        done = [];
      }
    }
    analyzer.finish();
    if (done.length > 0) yield done;
    done = [];
  }
  return { batches: batches(), analyzer };
}
