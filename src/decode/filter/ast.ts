/**
 * The parsed form of a pcap-filter expression (man 7 pcap-filter), after libpcap's qualifier
 * rules have been applied: every node says exactly what it tests, so the compiler needs no
 * further context. Exported for tests and for tools that want to show what an expression means.
 */

/** Which addresses or ports a primitive looks at: `src`, `dst`, `src or dst` (the default), `src and dst`. */
export type Direction = 'src' | 'dst' | 'src or dst' | 'src and dst';

/** Transport protocols whose ports `port`/`portrange` test; `any` is tcp, udp or sctp (libpcap's default). */
export type PortProtocol = 'tcp' | 'udp' | 'sctp' | 'any';

/** Headers an arithmetic load (`ip[0]`, `tcp[13]`, `ether[12:2]`) is relative to. */
export type LoadBase = 'link' | 'ip' | 'ip6' | 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmp6' | 'igmp' | 'igrp' | 'pim' | 'vrrp';

export type RelOp = '>' | '>=' | '=' | '!=' | '<' | '<=';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>';

export type ArithNode =
  | { readonly kind: 'num'; readonly value: number }
  /** `len`/`length`: the packet's length on the wire. */
  | { readonly kind: 'len' }
  | { readonly kind: 'load'; readonly base: LoadBase; readonly offset: ArithNode; readonly size: 1 | 2 | 4 }
  | { readonly kind: 'binary'; readonly op: ArithOp; readonly left: ArithNode; readonly right: ArithNode }
  | { readonly kind: 'neg'; readonly operand: ArithNode };

export type FilterNode =
  | { readonly kind: 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  /** IPv4 host or net: (address & mask) == addr. A host has mask 255.255.255.255. */
  | { readonly kind: 'ipv4'; readonly dir: Direction; readonly addr: string; readonly mask: string }
  /** IPv6 host or net: the first `prefix` bits equal those of addr. A host has prefix 128. */
  | { readonly kind: 'ipv6'; readonly dir: Direction; readonly addr: string; readonly prefix: number }
  /** `port N` is the range N-N. */
  | { readonly kind: 'port'; readonly dir: Direction; readonly proto: PortProtocol; readonly from: number; readonly to: number }
  /** `ip` (4) or `ip6` (6). */
  | { readonly kind: 'family'; readonly family: 4 | 6 }
  /** `tcp`, `icmp`, `ip proto 17`, `proto 6` (family any). */
  | { readonly kind: 'proto'; readonly family: 4 | 6 | 'any'; readonly protocol: number }
  /** `arp`, `rarp`: the link layer says it carries this EtherType. */
  | { readonly kind: 'ethertype'; readonly value: number }
  /** `vlan` (id null) or `vlan N`. */
  | { readonly kind: 'vlan'; readonly id: number | null }
  /** `less N` (len <= N), `greater N` (len >= N). */
  | { readonly kind: 'length'; readonly op: '<=' | '>='; readonly value: number }
  | { readonly kind: 'compare'; readonly op: RelOp; readonly left: ArithNode; readonly right: ArithNode };
