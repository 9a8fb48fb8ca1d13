import type { Writable } from 'node:stream';
import { AnomalyCounter } from '../core/anomalies.js';
import { ShadowdumpError, UsageError } from '../core/errors.js';
import { linkTypeDescription, linkTypeName } from '../core/link-type.js';
import { openCapture } from '../capture/open-capture.js';
import { mergeSources } from '../capture/merge.js';
import type { CaptureSource } from '../capture/source.js';
import { compileFilter } from '../decode/filter/index.js';
import { packetStream } from '../pipeline/packets.js';
import { PacketPrinter } from '../render/tcpdump/packet-printer.js';
import { parseArgs, usageText, type CliOptions } from './args.js';
import { LineOutput } from './output.js';

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
  const filter = options.expression ? compileFilter(options.expression) : undefined;
  const sources: CaptureSource[] = [];
  for (const file of options.readFiles) sources.push(await openCapture(file));
  const source = sources.length === 1 ? sources[0] : mergeSources(sources);
  for (const s of sources) {
    io.stderr.write(`reading from file ${s.name}, link-type ${linkTypeName(s.linkType)} (${linkTypeDescription(s.linkType)}), snapshot length ${s.snaplen}\n`);
  }

  const printer = new PacketPrinter({ timestamps: options.timestamps, payload: options.payload, numericPorts: options.numeric >= 2 });
  const out = new LineOutput(io.stdout);
  const anomalies = new AnomalyCounter();
  for await (const batch of packetStream(source, { filter, count: options.count, anomalies })) {
    for (const packet of batch) {
      printer.print(packet, out.lines);
      out.endLine();
    }
    await out.pace();
    if (out.isClosed) break;
  }
  await out.finish();
  for (const s of sources) for (const w of s.warnings) io.stderr.write(`shadowdump: warning: ${s.name}: ${w.message}\n`);
  if (anomalies.total > 0) {
    const kinds = anomalies.entries().map(([name, n]) => `${name.replace(/^decode\./, '')} ${n}`);
    io.stderr.write(`shadowdump: ${anomalies.total} packets could not be fully decoded (${kinds.join(', ')})\n`);
  }
  return 0;
}

/** Parts of the command line that later releases fill in: refused clearly instead of ignored. */
function rejectUnavailable(options: CliOptions): void {
  if (options.listInterfaces || options.interface !== null) {
    throw new ShadowdumpError('usage', 'live capture (-i, -D) is not available in this release yet: read a capture file with -r FILE');
  }
  if (options.writeFile !== null) throw new UsageError('-w is not available in this release yet: capture with tcpdump -w and read it with -r');
  if (options.view !== 'packets') throw new UsageError(`--view ${options.view} is not available in this release yet: use --view packets`);
  if (options.json) throw new UsageError('--json is not available for the packet view: use it with --view exchanges or pairs');
  if (options.readFiles.length === 0) throw new UsageError('nothing to read: give a capture with -r FILE (or -r - for standard input)');
}
