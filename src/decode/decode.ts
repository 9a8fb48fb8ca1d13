import type { Frame } from '../core/frame.js';
import { decodeIpv4, decodeIpv6, IpView } from './ip.js';
import { decodeLink, type LinkTarget } from './link.js';
import { decodeTcp, TcpView } from './tcp.js';
import { EtherType, IpProtocol, type DecodedPacket, type DecodeFailure, type IpHeader, type LinkLayer, type TcpHeader } from './types.js';

const NO_LINK: LinkLayer = Object.freeze({ headerLength: 0, framingLength: 0, sllPacketType: -1, sllInterfaceIndex: -1, pppoeSession: -1 });
const NO_VLANS: readonly number[] = [];
const NO_FRAME: Frame = { tsSec: 0, tsNsec: 0, linkType: -1, data: Buffer.alloc(0), origLen: 0, interfaceId: 0 };

/** A packet being decoded: every field is written by decodeInto (one hidden class keeps the hot path monomorphic). */
class Packet implements DecodedPacket, LinkTarget {
  frame: Frame = NO_FRAME;
  link: LinkLayer = NO_LINK;
  vlans: readonly number[] = NO_VLANS;
  etherType = -1;
  ip: IpHeader | null = null;
  tcp: TcpHeader | null = null;
  udp: { readonly srcPort: number; readonly dstPort: number } | null = null;
  failure: DecodeFailure | null = null;
}

/** Decodes a frame as far as it goes: link layer, IPv4/IPv6, TCP (UDP ports for filters). Never throws. */
export function decodeFrame(frame: Frame): DecodedPacket {
  return decodeInto(new Packet(), frame, null, null);
}

/**
 * decodeFrame into one packet, IP header and TCP header that every decode() reuses: no garbage
 * per packet. A packet is valid until the next decode(), so only for consumers that keep
 * nothing of it (the reassembler copies what it keeps; strings and views it hands out stay valid).
 */
export class PacketDecoder {
  private readonly packet = new Packet();
  private readonly ip = new IpView();
  private readonly tcp = new TcpView();

  decode(frame: Frame): DecodedPacket {
    return decodeInto(this.packet, frame, this.ip, this.tcp);
  }
}

/** Decodes `frame` into `p`, with the given header views or new ones (null). */
function decodeInto(p: Packet, frame: Frame, ipView: IpView | null, tcpView: TcpView | null): Packet {
  const data = frame.data;
  p.frame = frame;
  p.ip = null;
  p.tcp = null;
  p.udp = null;
  decodeLink(frame.linkType, data, p);
  if (p.failure !== null) return p;
  const offset = p.link.headerLength;
  const wireLength = frame.origLen - offset;
  let ip: IpView;
  if (p.etherType === EtherType.IPV4) {
    ip = ipView ?? new IpView();
    p.failure = decodeIpv4(data, offset, wireLength, ip);
  } else if (p.etherType === EtherType.IPV6) {
    ip = ipView ?? new IpView();
    p.failure = decodeIpv6(data, offset, wireLength, ip);
  } else {
    return p;
  }
  if (p.failure !== null) return p;
  p.ip = ip;
  // Non-first fragments carry no transport header.
  if (ip.fragmentOffset !== 0) return p;
  if (ip.protocol === IpProtocol.TCP) {
    const tcp = tcpView ?? new TcpView();
    p.failure = decodeTcp(data, ip, tcp);
    if (p.failure === null) p.tcp = tcp;
  } else if (ip.protocol === IpProtocol.UDP) {
    const at = ip.offset + ip.headerLength;
    if (data.length >= at + 4) p.udp = { srcPort: data.readUInt16BE(at), dstPort: data.readUInt16BE(at + 2) };
  }
  return p;
}
