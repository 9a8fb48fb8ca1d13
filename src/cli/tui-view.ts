/**
 * The interactive view (`--tui`, the default on a terminal): the same pipeline as `--view pairs`
 * (pairs, --har, --flows, --redact, --summary and --fail-on behave as there), shown in the TUI
 * instead of printed. The TUI itself (ink, React) is imported here, lazily, so that a piped run
 * never loads it; run.ts imports this module lazily too, where it picks the pairs view.
 * Resolves to the exit code once the user has quit and the terminal is restored.
 */
import { getHeapStatistics } from 'node:v8';
import { UsageError } from '../core/errors.js';
import { FlowFileWriter } from '../render/flow-files.js';
import { HarWriter } from '../render/har.js';
import { PacketLineRecorder } from '../render/packet-lines.js';
import { PacketPrinter } from '../render/tcpdump/packet-printer.js';
import { TimestampFormatter } from '../render/tcpdump/timestamp.js';
import type { GateCondition } from '../shadow/gate.js';
import type { PairAnalyzerOptions } from '../shadow/pair-analyzer.js';
import { RouteStats } from '../shadow/route-stats.js';
import type { StreamSink } from '../tcp/types.js';
import { FlowTracker } from '../tui/feed/flow-tracker.js';
import { PairFeed } from '../tui/feed/pair-feed.js';
import { unpairedRow } from '../tui/model/other-rows.js';
import { pairEntry } from '../tui/model/pair-entry.js';
import { DEFAULT_STORE_LIMITS, type StoreLimits } from '../tui/state/pair-store.js';
import { initialState } from '../tui/state/state.js';
import { countedPairs, finishPairs } from './pairs-view.js';
import { addressNames, type ViewContext } from './view-context.js';

/** How often the counters and the routes table are recomputed while reading (it sorts every route). */
const STATS_EVERY_MS = 200;
/** The longest the pipeline runs before letting keys and frames through. */
const YIELD_EVERY_MS = 20;
const MAX_OTHERS = 10_000;
/**
 * Share of V8's heap limit the kept pairs may take, by their estimated weight: the pipeline,
 * React and ink need the rest. The CLI runs with a 256 MB heap, so about 130 MB of pairs.
 */
const HEAP_SHARE = 0.5;

export interface TuiViewOptions {
  /** Pairs the TUI keeps (--max-pairs); default DEFAULT_STORE_LIMITS.maxPairs. */
  readonly maxPairs?: number;
  /** Approximate bytes of pairs the TUI keeps; default HEAP_SHARE of the heap limit (at most DEFAULT_STORE_LIMITS.maxBytes). */
  readonly maxBytes?: number;
}

const yieldToUi = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function tuiView(context: ViewContext, pairing: PairAnalyzerOptions, gate: readonly GateCondition[], version: string, tuiOptions: TuiViewOptions = {}): Promise<number> {
  const { options, source, anomalies } = context;
  const stdout = process.stdout;
  if (!stdout.isTTY) throw new UsageError('the TUI needs a terminal on standard output: drop --tui to print the pairs (or use --no-tui)');
  // React's development build (its default) costs about 2.5x per frame; set before React loads.
  process.env.NODE_ENV ??= 'production';
  const { startTui } = await import('../tui/start-tui.js');

  const heapShare = Math.floor(getHeapStatistics().heap_size_limit * HEAP_SHARE);
  const limits: StoreLimits = {
    maxPairs: tuiOptions.maxPairs ?? DEFAULT_STORE_LIMITS.maxPairs,
    maxBytes: tuiOptions.maxBytes ?? Math.min(DEFAULT_STORE_LIMITS.maxBytes, heapShare),
  };
  const har = options.harFile === null ? null : await HarWriter.open(options.harFile, version);
  const flows = options.flowsDir === null ? null : new FlowFileWriter(options.flowsDir);
  const routes = new RouteStats();
  const stamps = new TimestampFormatter('local-time');
  const time = (at: number): string => stamps.formatMicros(at).trimEnd();
  // Payload bytes are kept with each packet line, so the packet tab can show -A or -X later.
  const { redactor } = context;
  const printer = new PacketPrinter({ timestamps: options.timestamps, payload: 'none', numericPorts: options.numeric >= 1, addressNames: addressNames(context) });
  const recorder = new PacketLineRecorder(printer, { keepBytes: true, redact: redactor === null ? null : (bytes) => redactor.payload(bytes) });
  const feed = new PairFeed({ maxPairs: limits.maxPairs, maxBytes: limits.maxBytes, maxOthers: MAX_OTHERS });
  const tracker = new FlowTracker({ onFlow: (row) => feed.addFlow(row), time });
  const sinks: StreamSink[] = flows === null ? [tracker] : [tracker, flows];

  const run = countedPairs(context, pairing, {
    streamSinks: sinks,
    onBatch: (batch) => {
      recorder.observe(batch);
      // Pairs settle in packet time (up to the window after their request): meanwhile the counts move.
      publish(false);
    },
    onOther: (e) => feed.addUnpaired(unpairedRow(e, options.pairing.key, time)),
  });

  const ui = startTui({
    initial: initialState({
      size: { columns: stdout.columns, rows: stdout.rows },
      source: source.name,
      limits,
      maxOthers: MAX_OTHERS,
      dump: options.payload === 'hex-ascii' ? 'hex' : 'ascii',
    }),
    version,
    feed,
  });

  let published = 0;
  function publish(now: boolean): void {
    const at = Date.now();
    if (!now && at - published < STATS_EVERY_MS) return;
    published = at;
    const s = routes.summary();
    feed.setStats({ source: source.name, packets: run.packets, exchanges: run.analyzer.exchanges, pairs: s.pairs, verdicts: s.verdicts, mirrorRate: s.mirrorRate, anomalies: anomalies.total });
    feed.setRoutes(s);
  }

  let seq = 0;
  let failure: unknown = null;
  let inputEnded = false;
  // Quitting while the input still runs (a quiet live capture yields nothing to notice it by):
  // the CLI's signal handling ends the input cleanly, as Ctrl+C does without the TUI.
  void ui.exited
    .catch(() => undefined)
    .then(() => {
      if (!inputEnded) process.emit('SIGINT', 'SIGINT');
    });
  try {
    let lastYield = Date.now();
    for await (const batch of run.batches) {
      for (const found of batch) {
        routes.add(found);
        // --redact: before anything is shown or exported.
        const report = redactor === null ? found : redactor.report(found);
        await har?.add(report);
        feed.addPair(pairEntry(seq++, report, (from, to, start, end) => recorder.packetsBetween(from, to, start, end), { time }));
      }
      publish(false);
      if (ui.closed()) break;
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await yieldToUi();
        lastYield = Date.now();
      }
    }
    publish(true);
  } catch (err) {
    // Shown in the TUI while it stays open; reported on the restored terminal after.
    failure = err;
  } finally {
    flows?.close();
    try {
      await har?.close();
    } catch (err) {
      failure ??= err;
    }
  }
  inputEnded = true;
  feed.finish(failure === null ? null : failure instanceof Error ? failure.message : String(failure));
  if (options.readFiles.includes('-')) {
    // The program that fed the pipe may reset the terminal as it exits, now or a moment later.
    ui.reassertKeyboard();
    for (const ms of [250, 1000, 3000]) setTimeout(ui.reassertKeyboard, ms).unref();
  }
  await ui.exited;
  if (failure !== null) throw failure;

  return finishPairs(context, { routes, analyzer: run.analyzer, packets: run.packets, gate, print: options.summary });
}
