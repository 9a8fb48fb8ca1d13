import type { FrameBatch } from '../core/frame.js';
import type { SourceWarning } from '../core/warnings.js';

export type CaptureFormat = 'pcap' | 'pcap-nsec' | 'pcapng' | 'live';

/**
 * `linkType` of a source whose file ended before saying which link type it has (a pcap cut
 * off inside its file header, a pcapng without an Interface Description Block). Such a source
 * yields no frames.
 */
export const UNKNOWN_LINK_TYPE = -1;

/** One capture interface: the classic pcap file header, or one pcapng Interface Description Block. */
export interface CaptureInterface {
  readonly linkType: number;
  /** 0 means "no limit" (pcapng allows it). */
  readonly snaplen: number;
  /** pcapng `if_name`, when the IDB has one. */
  readonly name?: string;
  /** pcapng section (0-based) the interface belongs to; Frame.interfaceId indexes within it. */
  readonly section: number;
}

/**
 * A packet source: frames in capture order, in batches. Fatal problems (not a capture file,
 * unreadable) are thrown as ShadowdumpError when opening or while iterating; recoverable ones
 * (a file cut off mid-packet, an unknown pcapng block) are appended to `warnings` and reading
 * goes on with every whole packet.
 */
export interface CaptureSource {
  /** File path, "-" for stdin, or interface name. */
  readonly name: string;
  readonly format: CaptureFormat;
  /** Link type of the first interface (what tcpdump prints in "reading from file"). */
  readonly linkType: number;
  readonly snaplen: number;
  /** Recoverable problems, complete once batches() has finished. */
  readonly warnings: SourceWarning[];
  /** Interfaces seen so far, in file order; grows while a pcapng file is read. */
  readonly interfaces?: readonly CaptureInterface[];
  /** Iterable once. Breaking out of the loop releases the file. */
  batches(): AsyncIterable<FrameBatch>;
  /** Releases the file without iterating (e.g. when opening a later file failed). Idempotent. */
  close?(): void;
}
