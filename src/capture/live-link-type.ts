import { LinkType } from '../core/link-type.js';

/** DLT_LINUX_SLL2: what tcpdump selects on the "any" device (it keeps the interface index). */
export const DLT_LINUX_SLL2 = 276;

/**
 * pcap_datalink() gives DLT_ values; files and frames carry LINKTYPE_ values. They are the same
 * number except for a few old ones, of which only raw IP (DLT_RAW 12 on Linux, 14 on OpenBSD)
 * can come from a Linux interface (tun devices); libpcap writes it as LINKTYPE_RAW.
 */
export function linkTypeFromDlt(dlt: number): number {
  return dlt === 12 || dlt === 14 ? LinkType.RAW : dlt;
}

/** The link type to ask libpcap for, as tcpdump 4.99 does: LINUX_SLL2 on "any", else the device's own. */
export function preferredDlt(device: string): number | null {
  return device === 'any' ? DLT_LINUX_SLL2 : null;
}
