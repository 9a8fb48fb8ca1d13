import { LinkType } from '../core/link-type.js';
import { EtherType, type LinkLayer } from './types.js';

/** Result of walking the link layer: where the network header starts and what it is. */
export interface LinkDecode {
  readonly link: LinkLayer;
  readonly etherType: number;
  readonly vlans: readonly number[];
  /** Why the link layer could not be walked, or null. */
  readonly failure: null | { readonly kind: 'truncated-link' | 'unknown-link-type'; readonly detail: string };
}

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

function result(headerLength: number, etherType: number, vlans: readonly number[], extra: Partial<LinkLayer> = {}): LinkDecode {
  return {
    link: {
      headerLength,
      framingLength: extra.framingLength ?? headerLength,
      sllPacketType: extra.sllPacketType ?? NO_SLL,
      sllInterfaceIndex: extra.sllInterfaceIndex ?? NO_SLL,
      pppoeSession: extra.pppoeSession ?? NO_SLL,
    },
    etherType,
    vlans,
    failure: null,
  };
}

function failed(kind: 'truncated-link' | 'unknown-link-type', detail: string, headerLength = 0): LinkDecode {
  return { ...result(headerLength, -1, []), failure: { kind, detail } };
}

const NO_VLANS: readonly number[] = [];

function isVlanType(type: number): boolean {
  return type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD_9100 || type === EtherType.QINQ_OLD_9200;
}

/**
 * Follows a type/length field `type` whose payload starts at `offset` through VLAN tags,
 * LLC/SNAP and PPPoE to the network protocol.
 */
function walkEtherType(data: Buffer, type: number, offset: number, extra: Partial<LinkLayer> = {}): LinkDecode {
  let vlans: number[] | null = null;
  while (isVlanType(type)) {
    if (data.length < offset + 4) return failed('truncated-link', 'frame ends inside a VLAN tag', data.length);
    (vlans ??= []).push(data.readUInt16BE(offset) & 0x0fff);
    type = data.readUInt16BE(offset + 2);
    offset += 4;
  }
  if (type <= MAX_8023_LENGTH) {
    // 802.3 length field: only LLC/SNAP carrying an EtherType is followed.
    if (data.length < offset + 3) return failed('truncated-link', 'frame ends inside the 802.2 LLC header', data.length);
    if (data[offset] === 0xaa && data[offset + 1] === 0xaa && data[offset + 2] === 0x03) {
      if (data.length < offset + 8) return failed('truncated-link', 'frame ends inside the SNAP header', data.length);
      return result(offset + 8, data.readUInt16BE(offset + 6), vlans ?? NO_VLANS, extra);
    }
    return result(offset, -1, vlans ?? NO_VLANS, extra);
  }
  if (type === EtherType.PPPOE_SESSION) {
    if (data.length < offset + PPPOE_HEADER + 2) return failed('truncated-link', 'frame ends inside the PPPoE header', data.length);
    const session = data.readUInt16BE(offset + 2);
    // PPP protocol field compression: an odd first byte is a one-byte protocol number.
    const compressed = (data[offset + PPPOE_HEADER] & 1) === 1;
    const pppProto = compressed ? data[offset + PPPOE_HEADER] : data.readUInt16BE(offset + PPPOE_HEADER);
    const inner = pppProto === PPP_PROTO_IPV4 ? EtherType.IPV4 : pppProto === PPP_PROTO_IPV6 ? EtherType.IPV6 : -1;
    return result(offset + PPPOE_HEADER + (compressed ? 1 : 2), inner, vlans ?? NO_VLANS, { ...extra, pppoeSession: session, framingLength: offset });
  }
  return result(offset, type, vlans ?? NO_VLANS, extra);
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

function decodeNflog(data: Buffer): LinkDecode {
  if (data.length < NFLOG_HEADER) return failed('truncated-link', 'frame ends inside the NFLOG header', data.length);
  const family = data[0];
  let offset = NFLOG_HEADER;
  // TLVs in host byte order (little-endian on the hosts that write these), padded to 4 bytes.
  while (offset + 4 <= data.length) {
    const length = data.readUInt16LE(offset);
    const type = data.readUInt16LE(offset + 2);
    if (length < 4) break;
    if (type === NFULA_PAYLOAD) return result(offset + 4, familyToEtherType(family), NO_VLANS);
    offset += (length + 3) & ~3;
  }
  return failed('truncated-link', 'NFLOG record has no payload', data.length);
}

const ARCNET_SHORT_HEADER = 5;
const ARCNET_HEADER = 8;
const ARCNET_TYPES: Record<number, number> = { 212: EtherType.IPV4, 240: EtherType.IPV4, 213: EtherType.ARP, 241: EtherType.ARP, 0xc4: EtherType.IPV6 };

/** Linux ARCNET: RFC 1201 types carry a split-flag and sequence number; the old ones do not. */
function decodeArcnet(data: Buffer): LinkDecode {
  if (data.length < ARCNET_SHORT_HEADER) return failed('truncated-link', 'frame shorter than an ARCNET header', data.length);
  const type = data[4];
  const headerLength = type === 240 || type === 241 || type === 0x80 ? ARCNET_SHORT_HEADER : ARCNET_HEADER;
  if (data.length < headerLength) return failed('truncated-link', 'frame shorter than an ARCNET header', data.length);
  return result(headerLength, ARCNET_TYPES[type] ?? -1, NO_VLANS);
}

export function decodeLink(linkType: number, data: Buffer): LinkDecode {
  switch (linkType) {
    case LinkType.ETHERNET:
      if (data.length < ETHERNET_HEADER) return failed('truncated-link', 'frame shorter than an Ethernet header', data.length);
      return walkEtherType(data, data.readUInt16BE(12), ETHERNET_HEADER);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (data.length < 4) return failed('truncated-link', 'frame shorter than a loopback header', data.length);
      // DLT_NULL is in the writer's byte order: a family fits in the low bytes either way.
      const family = linkType === LinkType.LOOP ? data.readUInt32BE(0) : data.readUInt32LE(0) <= 0xffff ? data.readUInt32LE(0) : data.readUInt32BE(0);
      return result(4, familyToEtherType(family), NO_VLANS);
    }
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.IPV4:
    case LinkType.IPV6:
      if (data.length === 0) return failed('truncated-link', 'empty raw IP frame');
      return result(0, ipVersionEtherType(data, 0), NO_VLANS);
    case LinkType.LINUX_SLL:
      if (data.length < SLL_HEADER) return failed('truncated-link', 'frame shorter than a Linux cooked header', data.length);
      return walkEtherType(data, data.readUInt16BE(14), SLL_HEADER, { sllPacketType: data.readUInt16BE(0) });
    case LinkType.LINUX_SLL2:
      if (data.length < SLL2_HEADER) return failed('truncated-link', 'frame shorter than a Linux cooked v2 header', data.length);
      return walkEtherType(data, data.readUInt16BE(0), SLL2_HEADER, { sllPacketType: data[10], sllInterfaceIndex: data.readUInt32BE(4) });
    case LinkType.NFLOG:
      return decodeNflog(data);
    case LinkType.ARCNET_LINUX:
      return decodeArcnet(data);
    default:
      return failed('unknown-link-type', `link type ${linkType} is not supported`);
  }
}
