/**
 * Counters of a live capture, as tcpdump reports them at exit, plus shadowdump's own drops.
 * Kernel drops (no room in the ring buffer) and analysis drops (the analysis fell behind the
 * capture thread) are different problems with different fixes, so they are kept apart.
 */
export interface CaptureCounts {
  /** Packets taken from libpcap (tcpdump's "packets captured"); every one is in the -w file. */
  readonly captured: number;
  /** pcap_stats ps_recv: "packets received by filter". */
  readonly receivedByFilter: number;
  /** pcap_stats ps_drop: "packets dropped by kernel" (the ring buffer was full; raise -B). */
  readonly droppedByKernel: number;
  /** pcap_stats ps_ifdrop: dropped by the interface or its driver. */
  readonly droppedByInterface: number;
  /** Captured packets the analysis never saw: its bounded queue was full. */
  readonly droppedByAnalysis: number;
}
