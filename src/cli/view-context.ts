import type { AnomalyCounter } from '../core/anomalies.js';
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
}
