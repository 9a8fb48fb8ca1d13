import type { Micros } from '../core/time.js';

/**
 * Bounds of TCP reassembly, in memory and in (packet) time. Hitting a memory bound never grows
 * state: buffered data is delivered early with a gap, or a connection is evicted, and the event
 * is counted ("tcp.limit-...").
 */
export interface ReassemblyLimits {
  /** Out-of-order bytes buffered per direction before the hole in front of them is given up (reported as a gap). */
  readonly maxBufferedBytesPerDirection: number;
  /** Out-of-order bytes buffered over all connections; past it, the buffering directions are force-delivered, oldest first. */
  readonly maxBufferedBytesTotal: number;
  /**
   * Connections tracked at once (open ones and recently closed ones kept to absorb their stray
   * packets). A new connection beyond it evicts the least recently active, quiet ones first.
   */
  readonly maxConnections: number;
  /**
   * Packet time a hole may hold back the data behind it before it is given up as a gap. Without
   * the other side's ACKs (a one-sided capture) nothing else would release it before the
   * connection ends. A real loss is retransmitted long before: Linux backs off to a 25.6 s
   * retransmission timeout only after seven losses of the same segment.
   */
  readonly holeTimeout: Micros;
  /** Packet time after which an established connection (data seen, no FIN/RST) without packets is closed ('idle'). */
  readonly idleTimeout: Micros;
  /**
   * Packet time after which a quiet-looking connection is dropped: handshake only (no data yet),
   * half-closed (FIN seen), or already closed (kept to absorb late retransmissions and ACKs).
   */
  readonly closedTimeout: Micros;
}

export interface ReassemblyOptions extends ReassemblyLimits {
  /**
   * Make VLAN ids part of the connection identity (like Suricata's default): the same 4-tuple on
   * two VLANs is two connections. When one direction of a connection is tagged and the other is
   * not (a capture on a trunk port), that splits it in two halves; turn it off for such captures.
   * tcpflow does not key on VLANs; it only names files after the first packet's tag.
   */
  readonly keyByVlan: boolean;
}

/**
 * Defaults. Memory: a tracked connection costs about 0.7 KB of heap (0.85 KB once both sides
 * have sent something), so 100,000 connections hold about 70-85 MB, and buffered data adds at
 * most 64 MiB. A SYN flood of a million half-open connections therefore keeps about 70 MB
 * live; measured with node --max-old-space-size=160 its peak RSS is under 200 MB (without a
 * heap cap V8 lets evicted state pile up before collecting: about 370 MB). Time: idle timeouts
 * outlast a proxy's keep-alive idle timeout (nginx 75 s) and any sane request; a connection
 * closed as idle that comes back is picked up again mid-stream.
 */
export const DEFAULT_REASSEMBLY_OPTIONS: ReassemblyOptions = {
  maxBufferedBytesPerDirection: 4 * 1024 * 1024,
  maxBufferedBytesTotal: 64 * 1024 * 1024,
  maxConnections: 100_000,
  holeTimeout: 30_000_000,
  idleTimeout: 600_000_000,
  closedTimeout: 120_000_000,
  keyByVlan: true,
};
