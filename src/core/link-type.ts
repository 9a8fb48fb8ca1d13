/** LINKTYPE_* values (pcap/pcapng header) this project knows by name. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW_BSD: 12,
  RAW: 101,
  IEEE802_11: 105,
  LOOP: 108,
  LINUX_SLL: 113,
  IEEE802_11_RADIOTAP: 127,
  ARCNET_LINUX: 129,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

/** Name and description as tcpdump prints them in "reading from file ..., link-type X (Y)". */
const NAMES: Record<number, readonly [string, string]> = {
  [LinkType.NULL]: ['NULL', 'BSD loopback'],
  [LinkType.ETHERNET]: ['EN10MB', 'Ethernet'],
  [LinkType.RAW_BSD]: ['RAW', 'Raw IP'],
  [LinkType.RAW]: ['RAW', 'Raw IP'],
  [LinkType.IEEE802_11]: ['IEEE802_11', '802.11'],
  [LinkType.LOOP]: ['LOOP', 'OpenBSD loopback'],
  [LinkType.LINUX_SLL]: ['LINUX_SLL', 'Linux cooked v1'],
  [LinkType.IEEE802_11_RADIOTAP]: ['IEEE802_11_RADIO', '802.11 plus radiotap header'],
  [LinkType.ARCNET_LINUX]: ['ARCNET_LINUX', 'Linux ARCNET'],
  [LinkType.IPV4]: ['IPV4', 'Raw IPv4'],
  [LinkType.IPV6]: ['IPV6', 'Raw IPv6'],
  [LinkType.NFLOG]: ['NFLOG', 'Linux netfilter log messages'],
  [LinkType.LINUX_SLL2]: ['LINUX_SLL2', 'Linux cooked v2'],
};

export function linkTypeName(linkType: number): string {
  return NAMES[linkType]?.[0] ?? `DLT_${linkType}`;
}

export function linkTypeDescription(linkType: number): string {
  return NAMES[linkType]?.[1] ?? 'unknown';
}
