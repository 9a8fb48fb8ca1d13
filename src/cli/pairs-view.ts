import { analyzePairs, type PairRun, type PairsOptions } from '../pipeline/pairs.js';
import { ndjsonLine } from '../render/exchange-json.js';
import { FlowFileWriter } from '../render/flow-files.js';
import { HarWriter } from '../render/har.js';
import { pairJsonBytes } from '../render/pair-json.js';
import { PacketLineRecorder } from '../render/packet-lines.js';
import { pairLines, type PairTextOptions } from '../render/pair-text.js';
import { PacketPrinter } from '../render/tcpdump/packet-printer.js';
import { summaryLines, summaryRecord, type RunSummary } from '../render/summary-text.js';
import { TimestampFormatter } from '../render/tcpdump/timestamp.js';
import { evaluateGate, GATE_EXIT_CODE, type GateCondition } from '../shadow/gate.js';
import type { PairAnalyzer, PairAnalyzerOptions } from '../shadow/pair-analyzer.js';
import { RouteStats } from '../shadow/route-stats.js';
import { parseShadowDestination } from '../shadow/shadow-destination.js';
import type { CliOptions } from './args.js';
import { addressNames, type ViewContext } from './view-context.js';
import type { PodDirectory } from '../core/pod-directory.js';
import { UsageError } from '../core/errors.js';

/** The command line's pairing options as the shadow stage takes them (usage errors here, before reading). */
export function pairAnalyzerOptions(options: CliOptions, pods: PodDirectory | null): PairAnalyzerOptions {
  const p = options.pairing;
  const shadowDestinations = p.shadowDestinations.map(parseShadowDestination);
  const label = shadowDestinations.find((d) => d.kind === 'label');
  if (label !== undefined && pods === null) throw new UsageError(`--shadow-dst ${label.text} names a pod label: give the pods with --pods FILE or --k8s`);
  return {
    correlation: {
      key: p.key,
      shadowSuffix: p.shadowSuffix,
      shadowDestinations,
      window: Math.round(p.windowSeconds * 1_000_000),
      podLabels: pods === null ? undefined : (ip) => pods.pod(ip)?.labels,
    },
    compare: { ignoreHeaders: p.ignoreHeaders, ignoreJsonPaths: p.ignoreJsonPaths },
  };
}

/**
 * `--view pairs` (the default) and `--view summary`: every mirrored request with its verdict as
 * text or NDJSON, optionally HAR, the per-route summary at the end, and the --fail-on gate.
 * Resolves to the exit code.
 */
export async function pairsView(context: ViewContext, pairing: PairAnalyzerOptions, gate: readonly GateCondition[], version: string): Promise<number> {
  const { options, out } = context;
  const har = options.harFile === null ? null : await HarWriter.open(options.harFile, version);
  const routes = new RouteStats();
  const stamps = new TimestampFormatter(options.timestamps);
  const printPairs = options.view === 'pairs';
  // The text view shows the real packets under each message: tcpdump's lines, kept for a while.
  const names = addressNames(context);
  const recorder = printPairs && !options.json ? new PacketLineRecorder(new PacketPrinter({ timestamps: options.timestamps, payload: 'none', numericPorts: options.numeric >= 1, addressNames: names })) : null;
  const textOptions: PairTextOptions = {
    stamp: (at) => stamps.formatMicros(at),
    payload: options.quiet ? 'none' : options.payload === 'none' ? 'ascii' : options.payload,
    packetLines: recorder === null ? undefined : (from, to, start, end) => recorder.linesBetween(from, to, start, end),
    addressNames: names,
  };
  const flows = options.flowsDir === null ? null : new FlowFileWriter(options.flowsDir);
  const run = countedPairs(context, pairing, { streamSinks: flows === null ? [] : [flows], onBatch: (batch) => recorder?.observe(batch) });
  try {
    for await (const batch of run.batches) {
      for (const found of batch) {
        routes.add(found);
        const report = context.redactor === null ? found : context.redactor.report(found);
        if (har !== null) await har.add(report); // (not `await har?.add()`: a microtask per pair without a HAR)
        if (!printPairs) continue;
        if (options.json) {
          // Straight from the record writer's buffer into the output block: no string in between.
          const record = pairJsonBytes(report);
          out.lines.printBytes(record, 0, record.length);
          out.endLine();
        } else {
          for (const line of pairLines(report, textOptions)) out.line(line);
          out.line('');
        }
      }
      await out.pace();
      if (out.isClosed) break;
    }
  } finally {
    flows?.close();
    await har?.close();
  }

  return finishPairs(context, { routes, analyzer: run.analyzer, packets: run.packets, gate, print: options.summary || options.view === 'summary' });
}

/** A pairs run that also counts the packets read so far (for the summary and the TUI's counters). */
export interface CountedPairRun extends PairRun {
  readonly packets: number;
}

/** The pairs pipeline as both the text view and the TUI start it; `own` holds the view's sinks and per-batch work (called after counting). */
export function countedPairs(context: ViewContext, pairing: PairAnalyzerOptions, own: Pick<PairsOptions, 'streamSinks' | 'onBatch' | 'onOther'>): CountedPairRun {
  const { options, source, filter, anomalies } = context;
  let packets = 0;
  const run = analyzePairs(source, {
    filter,
    count: options.count,
    anomalies,
    pairing,
    ...own,
    onBatch: (batch) => {
      packets += batch.length;
      own.onBatch?.(batch);
    },
  });
  return {
    batches: run.batches,
    analyzer: run.analyzer,
    get packets() {
      return packets;
    },
  };
}

/** What every pairs run ends with (text or TUI): the summary when asked for, then the --fail-on gate. Resolves to the exit code. */
export function finishPairs(
  context: ViewContext,
  run: { readonly routes: RouteStats; readonly analyzer: PairAnalyzer; readonly packets: number; readonly gate: readonly GateCondition[]; readonly print: boolean },
): number {
  const { options, out, anomalies, source } = context;
  const summary: RunSummary = {
    ...run.routes.summary(),
    correlation: run.analyzer.correlation,
    exchanges: run.analyzer.exchanges,
    packets: run.packets,
    anomalies: anomalies.entries(),
    skipped: source.warnings.map((w) => w.message),
    capture: context.captureCounts?.(),
  };
  if (run.print) {
    if (options.json) out.line(ndjsonLine(summaryRecord(summary)));
    else for (const line of summaryLines(summary)) out.line(line);
  }
  const failed = evaluateGate(run.gate, summary);
  for (const reason of failed) context.note(`shadowdump: --fail-on ${reason}`);
  return failed.length > 0 ? GATE_EXIT_CODE : 0;
}
