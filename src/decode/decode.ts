import type { Frame } from '../core/frame.js';
import { decodeIpv4, decodeIpv6, type IpDecode } from './ip.js';
import { decodeLink } from './link.js';
import { decodeTcp } from './tcp.js';
import { EtherType, IpProtocol, type DecodedPacket, type DecodeFailure, type IpHeader, type TcpHeader } from './types.js';

const NOT_IP: IpDecode = { ip: null, failure: null };

/** Decodes a frame as far as it goes: link layer, IPv4/IPv6, TCP (UDP ports for filters). Never throws. */
export function decodeFrame(frame: Frame): DecodedPacket {
  const data = frame.data;
  const walked = decodeLink(frame.linkType, data);
  let ip: IpHeader | null = null;
  let tcp: TcpHeader | null = null;
  let udp: { srcPort: number; dstPort: number } | null = null;
  let failure: DecodeFailure | null = walked.failure;

  if (!failure) {
    const offset = walked.link.headerLength;
    const wireLength = frame.origLen - offset;
    const decoded =
      walked.etherType === EtherType.IPV4
        ? decodeIpv4(data, offset, wireLength)
        : walked.etherType === EtherType.IPV6
          ? decodeIpv6(data, offset, wireLength)
          : NOT_IP;
    ip = decoded.ip;
    failure = decoded.failure;
    // Non-first fragments carry no transport header.
    if (ip && ip.fragmentOffset === 0) {
      if (ip.protocol === IpProtocol.TCP) {
        const t = decodeTcp(data, ip);
        tcp = t.tcp;
        failure = t.failure;
      } else if (ip.protocol === IpProtocol.UDP) {
        const at = ip.offset + ip.headerLength;
        if (data.length >= at + 4) udp = { srcPort: data.readUInt16BE(at), dstPort: data.readUInt16BE(at + 2) };
      }
    }
  }
  // One object literal with every field: a single hidden class keeps the hot path monomorphic.
  return { frame, link: walked.link, vlans: walked.vlans, etherType: walked.etherType, ip, tcp, udp, failure };
}
