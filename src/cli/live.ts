import type { CaptureCounts } from '../core/capture-stats.js';
import { UsageError } from '../core/errors.js';
import { STANDARD_MAX_SNAPLEN } from '../capture/limits.js';
import { linkTypeDescription, linkTypeName } from '../core/link-type.js';
import { listInterfaces } from '../capture/live-interfaces.js';
import { openLive, type LiveSource } from '../capture/live-source.js';
import type { CliOptions } from './args.js';

/** Live options that do not fit the rest of the command line. */
export function rejectLiveMisuse(options: CliOptions): void {
  if (options.listInterfaces) return;
  const live = options.interface !== null;
  if (live && options.readFiles.length > 0) throw new UsageError('-i and -r: capture live or read files, not both');
  if (!live && options.writeFile !== null) throw new UsageError('-w writes a live capture (with -i IFACE); to filter a file into another use tcpdump -r IN -w OUT EXPRESSION');
  if (!live && (options.live.bufferKiB !== null || options.live.snaplen !== STANDARD_MAX_SNAPLEN)) throw new UsageError('-s and -B apply to a live capture (with -i IFACE)');
  if (options.writeFile === '-' && options.view !== 'none') {
    throw new UsageError('-w - writes the capture to standard output, so no view can go there: leave out the view options, or -w to a file');
  }
}

/** Where the live parts of the command line write their lines. */
export interface LiveIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** `-D`: every interface libpcap can open, as tcpdump lists them, with their addresses. */
export function printInterfaces(io: LiveIo): number {
  for (const line of listInterfaces()) io.out(line);
  return 0;
}

/** Whether the run needs frames at all (with only -w, the capture thread just writes). */
export function analysing(options: CliOptions): boolean {
  return options.view !== 'none' || options.flowsDir !== null;
}

/**
 * `-i IFACE`: opens the device (the filter compiled by libpcap, in the kernel), says what it
 * listens on as tcpdump does, and returns the source, not yet started (see LiveSource.start).
 */
export async function openInterface(options: CliOptions, io: LiveIo): Promise<LiveSource> {
  const source = await openLive({
    device: options.interface ?? 'any',
    filter: options.expression,
    snaplen: options.live.snaplen,
    bufferBytes: options.live.bufferKiB === null ? undefined : options.live.bufferKiB * 1024,
    count: options.count,
    analyse: analysing(options),
  });
  if (source.warning !== null) io.err(`shadowdump: WARNING: ${source.name}: ${source.warning}`);
  io.err(`shadowdump: listening on ${source.name}, link-type ${linkTypeName(source.linkType)} (${linkTypeDescription(source.linkType)}), snapshot length ${source.snaplen} bytes`);
  return source;
}

const plural = (n: number, what: string): string => `${n} ${what.replace('packets', n === 1 ? 'packet' : 'packets')}`;

/**
 * What tcpdump prints at exit (captured, received by filter, dropped by kernel, and dropped by
 * the interface when it did), then the packets shadowdump's own analysis had to skip.
 */
export function captureCountLines(counts: CaptureCounts, analysed: boolean): string[] {
  const lines = [plural(counts.captured, 'packets captured'), plural(counts.receivedByFilter, 'packets received by filter'), plural(counts.droppedByKernel, 'packets dropped by kernel')];
  if (counts.droppedByInterface > 0) lines.push(plural(counts.droppedByInterface, 'packets dropped by interface'));
  if (analysed) lines.push(plural(counts.droppedByAnalysis, 'packets dropped by shadowdump (analysis fell behind the capture)'));
  return lines;
}

/**
 * Waits for the capture to end and prints its counters on stderr; a capture that stopped on an
 * error (the interface went away) still prints them, then the error is thrown.
 */
export async function finishCapture(source: LiveSource, analysed: boolean, io: LiveIo): Promise<CaptureCounts> {
  let failure: unknown = null;
  const counts = await source.ended.catch((err: unknown) => {
    failure = err;
    return source.counts();
  });
  for (const line of captureCountLines(counts, analysed)) io.err(line);
  if (failure !== null) throw failure;
  return counts;
}
