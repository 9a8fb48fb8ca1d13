import type { Frame } from '../core/frame.js';

/**
 * What the decoders make of a frame. Decoding never throws: whatever could not be decoded is
 * described by `failure`, and the layers decoded so far are kept.
 */
export interface DecodedPacket {
  readonly frame: Frame;
  readonly link: LinkLayer;
  /** 802.1Q/802.1ad tags from outermost to innermost (VLAN ids only). */
  readonly vlans: readonly number[];
  /** Network protocol (EtherType) carried, or -1 when the link layer does not say. */
  readonly etherType: number;
  readonly ip: IpHeader | null;
  readonly tcp: TcpHeader | null;
  /** Source/destination ports for UDP (for filters); null otherwise. */
  readonly udp: { readonly srcPort: number; readonly dstPort: number } | null;
  /** First problem met while decoding, if any. */
  readonly failure: DecodeFailure | null;
}

export interface LinkLayer {
  /** Bytes in front of the network header. */
  readonly headerLength: number;
  /**
   * Bytes of link framing proper (Ethernet, VLAN tags, cooked header) without encapsulations
   * such as PPPoE: what tcpdump -A/-X leave out.
   */
  readonly framingLength: number;
  /** Linux cooked capture: packet type (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing). */
  readonly sllPacketType: number;
  /** Linux cooked capture v2: interface index; -1 otherwise. */
  readonly sllInterfaceIndex: number;
  /** PPPoE session id, -1 when not PPPoE. */
  readonly pppoeSession: number;
}

export type DecodeFailureKind =
  | 'truncated-link'
  | 'unknown-link-type'
  | 'truncated-ip'
  | 'bad-ip-header'
  | 'truncated-tcp'
  | 'bad-tcp-header';

export interface DecodeFailure {
  readonly kind: DecodeFailureKind;
  readonly detail: string;
}

export interface IpHeader {
  readonly version: 4 | 6;
  /** Addresses in their printed form (dotted quad; RFC 5952 for IPv6). */
  readonly src: string;
  readonly dst: string;
  /** Raw address bytes (4 or 16), for net/mask filters. */
  readonly srcBytes: Buffer;
  readonly dstBytes: Buffer;
  /** Upper-layer protocol after IPv6 extension headers. */
  readonly protocol: number;
  /** IPv6: the Next Header field of the fixed header (differs from protocol when extension headers follow). */
  readonly firstNextHeader: number;
  /** Offset in frame.data of the IP header. */
  readonly offset: number;
  /** Length of the IP header(s) including options / extension headers. */
  readonly headerLength: number;
  /** Total length of the IP packet as the header states it (IPv4 total length, IPv6 40 + payload length). */
  readonly totalLength: number;
  /** Bytes the packet had on the wire from the IP header on (frame.origLen minus the link header). */
  readonly wireLength: number;
  /** Fragment offset in bytes; non-first fragments carry no transport header. */
  readonly fragmentOffset: number;
  readonly moreFragments: boolean;
  readonly ttl: number;
}

export interface TcpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Unsigned 32-bit sequence and acknowledgement numbers. */
  readonly seq: number;
  readonly ack: number;
  /** Flag bits of the 12-bit flags field (including AE/reserved bits). */
  readonly flags: number;
  readonly window: number;
  readonly urgentPointer: number;
  /** Offset in frame.data of the TCP header. */
  readonly offset: number;
  /** Data offset field times four, as sent (validated: 20 <= n <= segment length). */
  readonly headerLength: number;
  /** Raw option bytes (may be shorter than declared when truncated). */
  readonly options: Buffer;
  /** Payload length as the IP header states it (may exceed the captured bytes). */
  readonly payloadLength: number;
  /** The captured part of the payload (never past the end of the IP packet). */
  readonly payload: Buffer;
  /** payload.length, without making a view. */
  readonly capturedPayloadLength: number;
}

export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  AE: 0x100,
} as const;

export const IpProtocol = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD_9100: 0x9100,
  QINQ_OLD_9200: 0x9200,
  IPV6: 0x86dd,
  PPPOE_SESSION: 0x8864,
} as const;
