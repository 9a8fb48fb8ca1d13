import { LinkType } from '../core/link-type.js';
import { EtherType, type DecodeFailure, type LinkLayer } from './types.js';

/** Where decodeLink puts what it found (a packet being decoded): the network header's start and type. */
export interface LinkTarget {
  link: LinkLayer;
  etherType: number;
  vlans: readonly number[];
  /** Why the link layer could not be walked, or null. */
  failure: DecodeFailure | null;
}

type LinkFailureKind = 'truncated-link' | 'unknown-link-type';

const NO_SLL = -1;
const ETHERNET_HEADER = 14;
const SLL_HEADER = 16;
const SLL2_HEADER = 20;
const PPPOE_HEADER = 6;
const PPP_PROTO_IPV4 = 0x0021;
const PPP_PROTO_IPV6 = 0x0057;
const MAX_8023_LENGTH = 1500;
const NFLOG_HEADER = 4;
const NFULA_PAYLOAD = 9;

const NO_VLANS: readonly number[] = [];

/** Link layers without SLL or PPPoE fields, by header length: shared (frozen), as every packet of a capture has the same. */
const PLAIN_LINKS: LinkLayer[] = [];

function plainLink(headerLength: number): LinkLayer {
  return (PLAIN_LINKS[headerLength] ??= Object.freeze({ headerLength, framingLength: headerLength, sllPacketType: NO_SLL, sllInterfaceIndex: NO_SLL, pppoeSession: NO_SLL }));
}

/**
 * The network header starts at `headerLength` and carries `etherType`. A link layer with
 * nothing but its length is shared; SLL and PPPoE fields make one of its own.
 */
function found(
  into: LinkTarget,
  headerLength: number,
  etherType: number,
  vlans: readonly number[],
  sllPacketType = NO_SLL,
  sllInterfaceIndex = NO_SLL,
  pppoeSession = NO_SLL,
  framingLength = headerLength,
): void {
  const plain = sllPacketType === NO_SLL && sllInterfaceIndex === NO_SLL && pppoeSession === NO_SLL && framingLength === headerLength;
  into.link = plain ? plainLink(headerLength) : { headerLength, framingLength, sllPacketType, sllInterfaceIndex, pppoeSession };
  into.etherType = etherType;
  into.vlans = vlans;
  into.failure = null;
}

function failed(into: LinkTarget, kind: LinkFailureKind, detail: string, headerLength = 0): void {
  found(into, headerLength, -1, NO_VLANS);
  into.failure = { kind, detail };
}


function isVlanType(type: number): boolean {
  return type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD_9100 || type === EtherType.QINQ_OLD_9200;
}

/**
 * Follows a type/length field `type` whose payload starts at `offset` through VLAN tags,
 * LLC/SNAP and PPPoE to the network protocol.
 */
function walkEtherType(into: LinkTarget, data: Buffer, type: number, offset: number, sllPacketType = NO_SLL, sllInterfaceIndex = NO_SLL): void {
  let vlans: number[] | null = null;
  while (isVlanType(type)) {
    if (data.length < offset + 4) return failed(into, 'truncated-link', 'frame ends inside a VLAN tag', data.length);
    (vlans ??= []).push(data.readUInt16BE(offset) & 0x0fff);
    type = data.readUInt16BE(offset + 2);
    offset += 4;
  }
  if (type <= MAX_8023_LENGTH) {
    // 802.3 length field: only LLC/SNAP carrying an EtherType is followed.
    if (data.length < offset + 3) return failed(into, 'truncated-link', 'frame ends inside the 802.2 LLC header', data.length);
    if (data[offset] === 0xaa && data[offset + 1] === 0xaa && data[offset + 2] === 0x03) {
      if (data.length < offset + 8) return failed(into, 'truncated-link', 'frame ends inside the SNAP header', data.length);
      return found(into, offset + 8, data.readUInt16BE(offset + 6), vlans ?? NO_VLANS, sllPacketType, sllInterfaceIndex);
    }
    return found(into, offset, -1, vlans ?? NO_VLANS, sllPacketType, sllInterfaceIndex);
  }
  if (type === EtherType.PPPOE_SESSION) {
    if (data.length < offset + PPPOE_HEADER + 2) return failed(into, 'truncated-link', 'frame ends inside the PPPoE header', data.length);
    const session = data.readUInt16BE(offset + 2);
    // PPP protocol field compression: an odd first byte is a one-byte protocol number.
    const compressed = (data[offset + PPPOE_HEADER] & 1) === 1;
    const pppProto = compressed ? data[offset + PPPOE_HEADER] : data.readUInt16BE(offset + PPPOE_HEADER);
    const inner = pppProto === PPP_PROTO_IPV4 ? EtherType.IPV4 : pppProto === PPP_PROTO_IPV6 ? EtherType.IPV6 : -1;
    return found(into, offset + PPPOE_HEADER + (compressed ? 1 : 2), inner, vlans ?? NO_VLANS, sllPacketType, sllInterfaceIndex, session, offset);
  }
  return found(into, offset, type, vlans ?? NO_VLANS, sllPacketType, sllInterfaceIndex);
}

/** BSD loopback address families that mean IPv4 or IPv6 (values differ between BSDs and Linux). */
function familyToEtherType(family: number): number {
  if (family === 2) return EtherType.IPV4;
  if (family === 10 || family === 24 || family === 28 || family === 30) return EtherType.IPV6;
  return -1;
}

function ipVersionEtherType(data: Buffer, offset: number): number {
  if (data.length <= offset) return -1;
  const version = data[offset] >> 4;
  return version === 4 ? EtherType.IPV4 : version === 6 ? EtherType.IPV6 : -1;
}

function decodeNflog(into: LinkTarget, data: Buffer): void {
  if (data.length < NFLOG_HEADER) return failed(into, 'truncated-link', 'frame ends inside the NFLOG header', data.length);
  const family = data[0];
  let offset = NFLOG_HEADER;
  // TLVs in host byte order (little-endian on the hosts that write these), padded to 4 bytes.
  while (offset + 4 <= data.length) {
    const length = data.readUInt16LE(offset);
    const type = data.readUInt16LE(offset + 2);
    if (length < 4) break;
    if (type === NFULA_PAYLOAD) return found(into, offset + 4, familyToEtherType(family), NO_VLANS);
    offset += (length + 3) & ~3;
  }
  return failed(into, 'truncated-link', 'NFLOG record has no payload', data.length);
}

const ARCNET_SHORT_HEADER = 5;
const ARCNET_HEADER = 8;
const ARCNET_TYPES: Record<number, number> = { 212: EtherType.IPV4, 240: EtherType.IPV4, 213: EtherType.ARP, 241: EtherType.ARP, 0xc4: EtherType.IPV6 };

/** Linux ARCNET: RFC 1201 types carry a split-flag and sequence number; the old ones do not. */
function decodeArcnet(into: LinkTarget, data: Buffer): void {
  if (data.length < ARCNET_SHORT_HEADER) return failed(into, 'truncated-link', 'frame shorter than an ARCNET header', data.length);
  const type = data[4];
  const headerLength = type === 240 || type === 241 || type === 0x80 ? ARCNET_SHORT_HEADER : ARCNET_HEADER;
  if (data.length < headerLength) return failed(into, 'truncated-link', 'frame shorter than an ARCNET header', data.length);
  return found(into, headerLength, ARCNET_TYPES[type] ?? -1, NO_VLANS);
}

/** Walks the link layer of a frame of `linkType` to the network header; the result goes `into` the packet. */
export function decodeLink(linkType: number, data: Buffer, into: LinkTarget): void {
  switch (linkType) {
    case LinkType.ETHERNET:
      if (data.length < ETHERNET_HEADER) return failed(into, 'truncated-link', 'frame shorter than an Ethernet header', data.length);
      return walkEtherType(into, data, data.readUInt16BE(12), ETHERNET_HEADER);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (data.length < 4) return failed(into, 'truncated-link', 'frame shorter than a loopback header', data.length);
      // DLT_NULL is in the writer's byte order: a family fits in the low bytes either way.
      const family = linkType === LinkType.LOOP ? data.readUInt32BE(0) : data.readUInt32LE(0) <= 0xffff ? data.readUInt32LE(0) : data.readUInt32BE(0);
      return found(into, 4, familyToEtherType(family), NO_VLANS);
    }
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.IPV4:
    case LinkType.IPV6:
      if (data.length === 0) return failed(into, 'truncated-link', 'empty raw IP frame');
      return found(into, 0, ipVersionEtherType(data, 0), NO_VLANS);
    case LinkType.LINUX_SLL:
      if (data.length < SLL_HEADER) return failed(into, 'truncated-link', 'frame shorter than a Linux cooked header', data.length);
      return walkEtherType(into, data, data.readUInt16BE(14), SLL_HEADER, data.readUInt16BE(0));
    case LinkType.LINUX_SLL2:
      if (data.length < SLL2_HEADER) return failed(into, 'truncated-link', 'frame shorter than a Linux cooked v2 header', data.length);
      return walkEtherType(into, data, data.readUInt16BE(0), SLL2_HEADER, data[10], data.readUInt32BE(4));
    case LinkType.NFLOG:
      return decodeNflog(into, data);
    case LinkType.ARCNET_LINUX:
      return decodeArcnet(into, data);
    default:
      return failed(into, 'unknown-link-type', `link type ${linkType} is not supported`);
  }
}
