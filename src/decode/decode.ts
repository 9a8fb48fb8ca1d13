import type { Frame } from '../core/frame.js';
import { decodeIpv4, decodeIpv6, type IpDecode } from './ip.js';
import { decodeLink } from './link.js';
import { decodeTcp } from './tcp.js';
import { EtherType, IpProtocol, type DecodedPacket, type TcpHeader } from './types.js';

const NOT_IP: IpDecode = { ip: null, failure: null };

/** Decodes a frame as far as it goes: link layer, IPv4/IPv6, TCP (UDP ports for filters). Never throws. */
export function decodeFrame(frame: Frame): DecodedPacket {
  const data = frame.data;
  const walked = decodeLink(frame.linkType, data);
  const base = { frame, link: walked.link, vlans: walked.vlans, etherType: walked.etherType };
  if (walked.failure) return { ...base, ip: null, tcp: null, udp: null, failure: walked.failure };

  const offset = walked.link.headerLength;
  const wireLength = frame.origLen - offset;
  const { ip, failure: ipFailure } =
    walked.etherType === EtherType.IPV4
      ? decodeIpv4(data, offset, wireLength)
      : walked.etherType === EtherType.IPV6
        ? decodeIpv6(data, offset, wireLength)
        : NOT_IP;
  if (!ip || ip.fragmentOffset !== 0) return { ...base, ip, tcp: null, udp: null, failure: ipFailure };

  if (ip.protocol === IpProtocol.TCP) {
    const { tcp, failure } = decodeTcp(data, ip);
    return { ...base, ip, tcp: tcp as TcpHeader | null, udp: null, failure };
  }
  if (ip.protocol === IpProtocol.UDP) {
    const at = ip.offset + ip.headerLength;
    const udp = data.length >= at + 4 ? { srcPort: data.readUInt16BE(at), dstPort: data.readUInt16BE(at + 2) } : null;
    return { ...base, ip, tcp: null, udp, failure: null };
  }
  return { ...base, ip, tcp: null, udp: null, failure: null };
}
