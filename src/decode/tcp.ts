import type { DecodeFailure, IpHeader, TcpHeader } from './types.js';

const TCP_MIN_HEADER = 20;
const EMPTY = Buffer.alloc(0);

/**
 * TCP header of the segment that `ip` carries, read into `tcp`; returns null, or what is wrong
 * (then `tcp` is not to be used). The segment ends where the IP header says the packet ends
 * (not at the end of the frame: Ethernet padding and FCS are not payload).
 */
export function decodeTcp(data: Buffer, ip: IpHeader, tcp: TcpView): DecodeFailure | null {
  const offset = ip.offset + ip.headerLength;
  const segmentLength = ip.totalLength - ip.headerLength;
  const end = Math.min(data.length, ip.offset + ip.totalLength);
  if (end - offset < TCP_MIN_HEADER) return { kind: 'truncated-tcp', detail: `only ${Math.max(0, end - offset)} bytes of TCP header captured` };
  const headerLength = (data[offset + 12] >> 4) * 4;
  if (headerLength < TCP_MIN_HEADER || headerLength > segmentLength) {
    return { kind: 'bad-tcp-header', detail: `bad TCP header length ${headerLength} in a ${segmentLength}-byte segment` };
  }
  tcp.set(data, offset, headerLength, segmentLength - headerLength, end);
  return null;
}

/**
 * A TCP header read in place; option and payload views are made only when asked for. set()
 * reads another header into it (see PacketDecoder).
 */
export class TcpView implements TcpHeader {
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  urgentPointer = 0;
  offset = 0;
  headerLength = 0;
  payloadLength = 0;
  private data: Buffer = EMPTY;
  /** End of the captured bytes that belong to this segment. */
  private end = 0;

  set(data: Buffer, offset: number, headerLength: number, payloadLength: number, end: number): void {
    this.data = data;
    this.offset = offset;
    this.headerLength = headerLength;
    this.payloadLength = payloadLength;
    this.end = end;
    this.srcPort = data.readUInt16BE(offset);
    this.dstPort = data.readUInt16BE(offset + 2);
    this.seq = data.readUInt32BE(offset + 4);
    this.ack = data.readUInt32BE(offset + 8);
    this.flags = ((data[offset + 12] & 0x01) << 8) | data[offset + 13];
    this.window = data.readUInt16BE(offset + 14);
    this.urgentPointer = data.readUInt16BE(offset + 18);
  }

  private get payloadStart(): number {
    return Math.min(this.offset + this.headerLength, this.end);
  }

  get options(): Buffer {
    return this.data.subarray(this.offset + TCP_MIN_HEADER, this.payloadStart);
  }

  get payload(): Buffer {
    return this.data.subarray(this.payloadStart, this.end);
  }

  /** Captured payload bytes, without making a view. */
  get capturedPayloadLength(): number {
    return this.end - this.payloadStart;
  }
}
