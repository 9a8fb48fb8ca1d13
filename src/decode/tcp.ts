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
  return { tcp: new TcpView(data, offset, headerLength, segmentLength - headerLength, end), failure: null };
}

/** A TCP header read in place; option and payload views are made only when asked for. */
class TcpView implements TcpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly urgentPointer: number;

  constructor(
    private readonly data: Buffer,
    readonly offset: number,
    readonly headerLength: number,
    readonly payloadLength: number,
    /** End of the captured bytes that belong to this segment. */
    private readonly end: number,
  ) {
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
