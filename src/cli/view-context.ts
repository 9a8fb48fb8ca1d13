import type { AnomalyCounter } from '../core/anomalies.js';
import type { CaptureCounts } from '../core/capture-stats.js';
import type { PodDirectory } from '../core/pod-directory.js';
import type { Redactor } from '../render/redact.js';
import type { AddressNames } from '../render/tcpdump/options.js';
import type { CaptureSource } from '../capture/source.js';
import type { PacketFilter } from '../pipeline/packets.js';
import type { CliOptions } from './args.js';
import type { LineOutput } from './output.js';

/** What every view gets: the merged source, the filter, where to write, and the anomaly count. */
export interface ViewContext {
  readonly options: CliOptions;
  readonly source: CaptureSource;
  readonly filter: PacketFilter | undefined;
  readonly out: LineOutput;
  readonly anomalies: AnomalyCounter;
  /** Where one-line notes for the user go (gate results), apart from the view's output. */
  readonly note: (line: string) => void;
  /** Pod names and labels by IP (--pods, --k8s), or null. */
  readonly pods: PodDirectory | null;
  /** --redact: applied to everything before it is shown or exported; null without it. */
  readonly redactor: Redactor | null;
  /** A live capture's counters so far (final once the source has ended); absent for files. */
  readonly captureCounts?: () => CaptureCounts;
}

/** Pod names in place of addresses, when a pod directory is known. */
export function addressNames(context: ViewContext): AddressNames | undefined {
  const pods = context.pods;
  return pods === null ? undefined : (ip) => pods.nameOf(ip);
}
