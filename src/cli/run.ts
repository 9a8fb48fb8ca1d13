import type { Writable } from 'node:stream';
import { AnomalyCounter } from '../core/anomalies.js';
import { UsageError } from '../core/errors.js';
import { linkTypeDescription, linkTypeName } from '../core/link-type.js';
import { openCapture } from '../capture/open-capture.js';
import { mergeSources } from '../capture/merge.js';
import type { CaptureSource } from '../capture/source.js';
import { compileFilter } from '../decode/filter/index.js';
import { analyzeExchanges, completeExchanges, type AnalyzeOptions } from '../pipeline/analyze.js';
import type { Exchange } from '../http/types.js';
import { packetStream } from '../pipeline/packets.js';
import { ExchangeRecords, type HeldRecord } from '../render/exchange-records.js';
import { parseGate, type GateCondition } from '../shadow/gate.js';
import type { PairAnalyzerOptions } from '../shadow/pair-analyzer.js';
import type { PodDirectory } from '../core/pod-directory.js';
import type { PacketFilter } from '../pipeline/packets.js';
import type { CaptureCounts } from '../core/capture-stats.js';
import { Redactor } from '../render/redact.js';
import { pairAnalyzerOptions, pairsView } from './pairs-view.js';
import { loadPods } from './pods.js';
import { addressNames, type ViewContext } from './view-context.js';
import { exchangeLine } from '../render/exchange-text.js';
import { FlowFileWriter } from '../render/flow-files.js';
import { PacketPrinter } from '../render/tcpdump/packet-printer.js';
import { TimestampFormatter } from '../render/tcpdump/timestamp.js';
import { parseArgs, usageText, type CliOptions } from './args.js';
import { LineOutput } from './output.js';
import { shardedExchangeRecords, useSecondThread } from './exchange-shard.js';
import { analysing, finishCapture, openInterface, printInterfaces, rejectLiveMisuse, type LiveIo } from './live.js';
import { dropPrivileges } from './privileges.js';
import { stopOnSignals } from './signals.js';

const VERSION = '0.1.0';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const PROCESS_IO: CliIo = { stdout: process.stdout, stderr: process.stderr };


/** Runs one command line; resolves to the exit code. Throws ShadowdumpError for the user. */
export async function run(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const options = parseArgs(argv);
  if (options.help) {
    io.stdout.write(`${usageText()}\n`);
    return 0;
  }
  if (options.version) {
    io.stdout.write(`shadowdump ${VERSION}\n`);
    return 0;
  }
  rejectUnavailable(options);
  const liveIo: LiveIo = { out: (line) => void io.stdout.write(`${line}\n`), err: (line) => void io.stderr.write(`${line}\n`) };
  if (options.listInterfaces) return printInterfaces(liveIo);
  const live = options.interface !== null;
  // A live capture's filter is compiled by libpcap and runs in the kernel (see openInterface).
  const filter = options.expression && !live ? compileFilter(options.expression) : undefined;
  const pairsWanted = options.view === 'pairs' || options.view === 'summary';
  // Option values are checked before anything is read: a typo fails in a millisecond, not after the capture.
  const pods = await loadPods(options);
  const pairing = pairsWanted ? pairAnalyzerOptions(options, pods) : null;
  const gate = options.failOn.flatMap(parseGate);
  const sources = live ? [] : await openSources(options.readFiles);
  const capture = live ? await openInterface(options, liveIo) : null;
  for (const s of sources) {
    io.stderr.write(`reading from file ${s.name}, link-type ${linkTypeName(s.linkType)} (${linkTypeDescription(s.linkType)}), snapshot length ${s.snaplen}\n`);
  }
  const signals = stopOnSignals(capture ?? (sources.length === 1 ? sources[0] : mergeSources(sources)), capture?.stop);
  try {
    // As tcpdump: privileges go once the inputs are open, before any output file is created.
    if (options.live.dropUser !== null) dropPrivileges(options.live.dropUser);
    capture?.start(options.writeFile);
    const code = await runViews({ options, source: signals.source, files: sources, filter, pods, pairing, gate, captureCounts: capture?.counts }, io);
    if (capture !== null) await finishCapture(capture, analysing(options), liveIo);
    return code;
  } finally {
    signals.dispose();
    capture?.stop();
  }
}

interface ViewRun {
  readonly options: CliOptions;
  readonly source: CaptureSource;
  /** The files behind the source (their warnings are reported at the end); none when live. */
  readonly files: readonly CaptureSource[];
  readonly filter: PacketFilter | undefined;
  readonly pods: PodDirectory | null;
  readonly pairing: PairAnalyzerOptions | null;
  readonly gate: readonly GateCondition[];
  readonly captureCounts: (() => CaptureCounts) | undefined;
}

/** The views over an open source; resolves to the exit code. */
/** The interactive view: asked for with --tui, or the pairs view on a terminal unless --no-tui. */
function wantsTui(options: CliOptions, io: CliIo): boolean {
  if (options.tui !== null) return options.tui;
  return options.view === 'pairs' && !options.json && io.stdout === process.stdout && process.stdout.isTTY === true;
}

async function runViews({ options, source, files, filter, pods, pairing, gate, captureCounts }: ViewRun, io: CliIo): Promise<number> {
  // Only -w: the capture thread writes, nothing is analysed.
  if (source.format === 'live' && !analysing(options)) return 0;

  const note = (line: string): void => void io.stderr.write(`${line}\n`);
  const context: ViewContext = { options, source, filter, out: new LineOutput(io.stdout, source.format === 'live'), anomalies: new AnomalyCounter(), note, pods, redactor: options.redact === null ? null : new Redactor(options.redact), captureCounts };
  let code = 0;
  if (pairing !== null && wantsTui(options, io)) {
    // Loaded only here: piped runs never pay for ink and React.
    const { tuiView } = await import('./tui-view.js');
    code = await tuiView(context, pairing, gate, VERSION, { maxPairs: options.maxPairs ?? undefined });
  } else if (pairing !== null) code = await pairsView(context, pairing, gate, VERSION);
  else if (options.view === 'packets') await packetsView(context);
  else await exchangesView(context);
  await context.out.finish();

  for (const s of files) for (const w of s.warnings) io.stderr.write(`shadowdump: warning: ${s.name}: ${w.message}\n`);
  const decodeFailures = context.anomalies.entries().filter(([name]) => name.startsWith('decode.'));
  if (decodeFailures.length > 0) {
    const total = decodeFailures.reduce((sum, [, n]) => sum + n, 0);
    const kinds = decodeFailures.map(([name, n]) => `${name.slice('decode.'.length)} ${n}`);
    io.stderr.write(`shadowdump: ${total} packets could not be fully decoded (${kinds.join(', ')})\n`);
  }
  return code;
}

async function openSources(files: readonly string[]): Promise<CaptureSource[]> {
  const sources: CaptureSource[] = [];
  try {
    for (const file of files) sources.push(await openCapture(file));
  } catch (err) {
    for (const s of sources) s.close?.();
    throw err;
  }
  return sources;
}

/** `--view packets`: tcpdump's lines. */
async function packetsView(context: ViewContext): Promise<void> {
  const { options, source, filter, out, anomalies } = context;
  const printer = new PacketPrinter({
    timestamps: options.timestamps,
    payload: options.payload,
    numericPorts: options.numeric >= 1,
    addressNames: addressNames(context),
    redactPayload: context.redactor === null ? undefined : (bytes) => (context.redactor as Redactor).payload(bytes),
  });
  for await (const batch of packetStream(source, { filter, count: options.count, anomalies })) {
    for (const packet of batch) {
      printer.print(packet, out.lines);
      out.endLine();
    }
    await out.pace();
    if (out.isClosed) break;
  }
}

/** `--view exchanges` (and `--flows DIR`): reassembled streams, HTTP exchanges as lines or NDJSON. */
async function exchangesView(context: ViewContext): Promise<void> {
  const { options, filter, anomalies } = context;
  const flows = options.flowsDir === null ? null : new FlowFileWriter(options.flowsDir);
  const analysis: AnalyzeOptions = { filter, count: options.count, anomalies, streamSinks: flows ? [flows] : [] };
  try {
    if (options.view !== 'exchanges') await analyseOnly(context, analysis);
    else await (options.json ? exchangeRecords(context, analysis) : exchangeLines(context, analysis));
  } finally {
    flows?.close();
  }
}

/** Side outputs alone (`--flows DIR` without a view): the analysis runs, nothing is printed. */
async function analyseOnly(context: ViewContext, analysis: AnalyzeOptions): Promise<void> {
  for await (const _ of completeExchanges(context.source, analysis, () => undefined));
}

/** What the exchanges view asks of the redactor, if any. */
function redacted(context: ViewContext, e: Exchange): Exchange {
  return context.redactor === null ? e : context.redactor.exchange(e);
}

/** Text lines, one per exchange in request-start order (timestamps may depend on the line before). */
async function exchangeLines(context: ViewContext, analysis: AnalyzeOptions): Promise<void> {
  const { options, out } = context;
  const names = addressNames(context);
  const stamps = new TimestampFormatter(options.timestamps);
  for await (const batch of analyzeExchanges(context.source, analysis)) {
    for (const raw of batch) {
      const e = redacted(context, raw);
      out.line(exchangeLine(e, stamps.formatMicros(e.timing.requestStart), names));
    }
    await out.pace();
    if (out.isClosed) break;
  }
}

/**
 * NDJSON, one record per exchange in request-start order (see ExchangeRecords); on a big
 * capture, with a second thread (see exchange-shard.ts).
 */
async function exchangeRecords(context: ViewContext, analysis: AnalyzeOptions): Promise<void> {
  if (useSecondThread(context)) return shardedExchangeRecords(context, analysis);
  const { out } = context;
  const records = new ExchangeRecords(context.redactor);
  const write = (released: readonly HeldRecord[]): void => {
    for (const r of released) {
      records.writeTo(r, out.lines);
      out.endLine();
    }
  };
  for await (const { now } of completeExchanges(context.source, analysis, (e) => records.add(e))) {
    write(records.release(now));
    await out.pace();
    if (out.isClosed) return;
  }
  write(records.drain());
}

/** Combinations that cannot work: refused clearly instead of ignored. */
function rejectUnavailable(options: CliOptions): void {
  rejectLiveMisuse(options);
  const pairing = options.view === 'pairs' || options.view === 'summary';
  if (options.json && options.view === 'packets') throw new UsageError('--json does not apply to --view packets (it prints tcpdump lines): use --view pairs or exchanges');
  if (!pairing) {
    const pairOnly = [options.harFile !== null && '--har', options.summary && '--summary', options.failOn.length > 0 && '--fail-on'].filter((o) => o !== false);
    if (pairOnly.length > 0) throw new UsageError(`${pairOnly.join(', ')} ${pairOnly.length > 1 ? 'need' : 'needs'} --view pairs or summary (the default is pairs)`);
  }
  if (options.flowsDir !== null && options.view === 'packets') throw new UsageError('--flows writes reassembled streams: use it alone or with --view pairs, exchanges or summary, not --view packets');
  if (options.redact !== null && options.flowsDir !== null) throw new UsageError('--flows writes the raw streams, which --redact cannot mask: leave out one of them');
  if (options.harFile === '-') throw new UsageError('--har needs a file name (standard output carries the view): e.g. --har pairs.har');
  if (options.tui === true && options.view !== 'pairs') throw new UsageError(`--tui shows the pairs: drop --view ${options.view} (or --tui)`);
  if (options.tui === true && options.json) throw new UsageError('--tui and --json do not go together: --json prints NDJSON for scripts');
  if (options.maxPairs !== null && options.tui === false) throw new UsageError('--max-pairs bounds the TUI: drop it with --no-tui');
  if (options.quiet && options.view !== 'pairs') throw new UsageError('-q applies to --view pairs (it leaves the message payloads out)');
  if (options.readFiles.length === 0 && options.interface === null && !options.listInterfaces) {
    throw new UsageError('nothing to read: give a capture with -r FILE (or -r - for standard input), or capture live with -i IFACE (-i any: every interface)');
  }
}
