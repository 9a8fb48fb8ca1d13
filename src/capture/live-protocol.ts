import type { CaptureCounts } from '../core/capture-stats.js';
import type { ErrorCode } from '../core/errors.js';

/**
 * Messages between the capture thread (live-worker.ts) and the analysis thread
 * (live-source.ts). The capture thread only copies libpcap's records, writes -w and hands
 * chunks over, so a slow analysis never keeps it from emptying the kernel's ring buffer.
 */

export interface LiveWorkerConfig {
  readonly device: string;
  /** libpcap filter expression, '' for none. */
  readonly filter: string;
  readonly snaplen: number;
  /** Kernel ring buffer size (pcap_set_buffer_size). */
  readonly bufferBytes: number;
  /** Stop after this many packets (-c), or null. */
  readonly count: number | null;
  /** DLT to select (LINUX_SLL2 on "any", as tcpdump), or null. */
  readonly linkType: number | null;
  /** Hand chunks to the analysis; false when only -w is wanted. */
  readonly analyse: boolean;
  /** Most bytes handed over and not yet analysed; beyond it chunks are dropped and counted. */
  readonly queueBytes: number;
  /** Int32 at index 0: bytes handed over and not yet analysed (the analysis subtracts). */
  readonly inFlight: SharedArrayBuffer;
  /** The kernel hands over a partly filled ring block after this long (pcap_set_timeout). */
  readonly blockTimeoutMs: number;
}

export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type WorkerMessage =
  | { readonly kind: 'opened'; readonly linkType: number; readonly snaplen: number; readonly warning: string | null }
  /** Whole pcap records (see live-records.ts); the ArrayBuffer is transferred. */
  | { readonly kind: 'records'; readonly chunk: ArrayBuffer; readonly packets: number }
  | { readonly kind: 'stats'; readonly counts: CaptureCounts }
  /** Last message. With an error the capture stopped on it (counts are as far as it got). */
  | { readonly kind: 'ended'; readonly counts: CaptureCounts; readonly error: WireError | null };

export type MainMessage =
  /** Privileges are dropped (-Z): open -w and start handing packets over. */
  | { readonly kind: 'start'; readonly writeFile: string | null }
  /** SIGINT/SIGTERM, or the analysis is done: deliver what the kernel has, then end. */
  | { readonly kind: 'stop' };
