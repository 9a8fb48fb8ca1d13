import type { DecodeFailure, IpHeader, TcpHeader } from './types.js';

export interface TcpDecode {
  readonly tcp: TcpHeader | null;
  readonly failure: DecodeFailure | null;
}

const TCP_MIN_HEADER = 20;

/**
 * TCP header of the segment that `ip` carries. The segment ends where the IP header says the
 * packet ends (not at the end of the frame: Ethernet padding and FCS are not payload).
 */
export function decodeTcp(data: Buffer, ip: IpHeader): TcpDecode {
  const offset = ip.offset + ip.headerLength;
  const segmentLength = ip.totalLength - ip.headerLength;
  const end = Math.min(data.length, ip.offset + ip.totalLength);
  if (end - offset < TCP_MIN_HEADER) return { tcp: null, failure: { kind: 'truncated-tcp', detail: `only ${Math.max(0, end - offset)} bytes of TCP header captured` } };
  const headerLength = (data[offset + 12] >> 4) * 4;
  if (headerLength < TCP_MIN_HEADER || headerLength > segmentLength) {
    return { tcp: null, failure: { kind: 'bad-tcp-header', detail: `bad TCP header length ${headerLength} in a ${segmentLength}-byte segment` } };
  }
  const payloadStart = Math.min(offset + headerLength, end);
  return {
    tcp: {
      srcPort: data.readUInt16BE(offset),
      dstPort: data.readUInt16BE(offset + 2),
      seq: data.readUInt32BE(offset + 4),
      ack: data.readUInt32BE(offset + 8),
      flags: ((data[offset + 12] & 0x01) << 8) | data[offset + 13],
      window: data.readUInt16BE(offset + 14),
      urgentPointer: data.readUInt16BE(offset + 18),
      offset,
      headerLength,
      options: data.subarray(offset + TCP_MIN_HEADER, payloadStart),
      payloadLength: segmentLength - headerLength,
      payload: data.subarray(payloadStart, end),
    },
    failure: null,
  };
}
