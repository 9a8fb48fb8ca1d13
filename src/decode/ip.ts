import { formatIpv4, formatIpv6 } from '../core/address.js';
import type { DecodeFailure, IpHeader } from './types.js';

const EMPTY = Buffer.alloc(0);
const IPV4_MIN_HEADER = 20;
const IPV6_HEADER = 40;
const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DEST_OPTS = 60;
const IPV6_AUTH = 51;

const fail = (kind: DecodeFailure['kind'], detail: string): DecodeFailure => ({ kind, detail });

/**
 * IPv4 header at `offset`, read into `ip`; returns null, or what is wrong (then `ip` is not
 * to be used). `wireLength` is what the packet had on the wire from here on, so a snaplen cut
 * (captured < wire) is told apart from a lying total-length field.
 */
export function decodeIpv4(data: Buffer, offset: number, wireLength: number, ip: IpView): DecodeFailure | null {
  const captured = data.length - offset;
  if (captured < IPV4_MIN_HEADER || wireLength < IPV4_MIN_HEADER) return fail('truncated-ip', `only ${Math.min(captured, wireLength)} bytes of IPv4 header`);
  const first = data[offset];
  if (first >> 4 !== 4) return fail('bad-ip-header', `IP version ${first >> 4} in an IPv4 packet`);
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER) return fail('bad-ip-header', `bad-hlen ${headerLength}`);
  const totalLength = data.readUInt16BE(offset + 2);
  if (totalLength < headerLength) return fail('bad-ip-header', `bad-len ${totalLength}`);
  if (captured < headerLength) return fail('truncated-ip', `IPv4 options cut off (${captured} of ${headerLength} header bytes captured)`);
  const fragmentField = data.readUInt16BE(offset + 6);
  ip.set(4, data, offset, 12, data[offset + 9], data[offset + 9], headerLength, totalLength, wireLength, (fragmentField & 0x1fff) * 8, (fragmentField & 0x2000) !== 0, data[offset + 8]);
  return null;
}

function isExtensionHeader(nextHeader: number): boolean {
  return (
    nextHeader === IPV6_HOP_BY_HOP ||
    nextHeader === IPV6_ROUTING ||
    nextHeader === IPV6_FRAGMENT ||
    nextHeader === IPV6_DEST_OPTS ||
    nextHeader === IPV6_AUTH
  );
}

/** IPv6 header at `offset`, walking extension headers to the upper-layer protocol; as decodeIpv4. */
export function decodeIpv6(data: Buffer, offset: number, wireLength: number, ip: IpView): DecodeFailure | null {
  const captured = data.length - offset;
  if (captured < IPV6_HEADER || wireLength < IPV6_HEADER) return fail('truncated-ip', `only ${Math.min(captured, wireLength)} bytes of IPv6 header`);
  if (data[offset] >> 4 !== 6) return fail('bad-ip-header', `IP version ${data[offset] >> 4} in an IPv6 packet`);
  const payloadLength = data.readUInt16BE(offset + 4);
  // A zero payload length means a jumbogram or TSO; take the wire length then.
  const totalLength = payloadLength === 0 ? wireLength : payloadLength + IPV6_HEADER;
  const firstNextHeader = data[offset + 6];
  let nextHeader = firstNextHeader;
  let headerLength = IPV6_HEADER;
  let fragmentOffset = 0;
  let moreFragments = false;
  while (isExtensionHeader(nextHeader)) {
    const at = offset + headerLength;
    if (data.length < at + 8) return fail('truncated-ip', 'IPv6 extension header cut off');
    let length: number;
    if (nextHeader === IPV6_FRAGMENT) {
      const field = data.readUInt16BE(at + 2);
      fragmentOffset = field & 0xfff8;
      moreFragments = (field & 1) !== 0;
      length = 8;
    } else if (nextHeader === IPV6_AUTH) {
      length = (data[at + 1] + 2) * 4;
    } else {
      length = (data[at + 1] + 1) * 8;
    }
    nextHeader = data[at];
    headerLength += length;
    if (headerLength > totalLength) return fail('bad-ip-header', 'IPv6 extension headers run past the payload length');
  }
  ip.set(6, data, offset, 8, nextHeader, firstNextHeader, headerLength, totalLength, wireLength, fragmentOffset, moreFragments, data[offset + 7]);
  return null;
}

/**
 * An IP header read in place. Addresses are formatted and sliced only when asked for: most
 * packets only need numbers, and per-packet strings and views are the main allocation cost.
 * set() reads another header into it (see PacketDecoder).
 */
export class IpView implements IpHeader {
  version: 4 | 6 = 4;
  private data: Buffer = EMPTY;
  offset = 0;
  /** Where the source address starts within the header; the destination follows it. */
  private addressOffset = 0;
  protocol = 0;
  firstNextHeader = 0;
  headerLength = 0;
  totalLength = 0;
  wireLength = 0;
  fragmentOffset = 0;
  moreFragments = false;
  ttl = 0;
  private srcText: string | undefined = undefined;
  private dstText: string | undefined = undefined;

  set(
    version: 4 | 6,
    data: Buffer,
    offset: number,
    addressOffset: number,
    protocol: number,
    firstNextHeader: number,
    headerLength: number,
    totalLength: number,
    wireLength: number,
    fragmentOffset: number,
    moreFragments: boolean,
    ttl: number,
  ): void {
    this.version = version;
    this.data = data;
    this.offset = offset;
    this.addressOffset = addressOffset;
    this.protocol = protocol;
    this.firstNextHeader = firstNextHeader;
    this.headerLength = headerLength;
    this.totalLength = totalLength;
    this.wireLength = wireLength;
    this.fragmentOffset = fragmentOffset;
    this.moreFragments = moreFragments;
    this.ttl = ttl;
    this.srcText = undefined;
    this.dstText = undefined;
  }

  private get addressLength(): number {
    return this.version === 4 ? 4 : 16;
  }

  get srcBytes(): Buffer {
    const at = this.offset + this.addressOffset;
    return this.data.subarray(at, at + this.addressLength);
  }

  get dstBytes(): Buffer {
    const at = this.offset + this.addressOffset + this.addressLength;
    return this.data.subarray(at, at + this.addressLength);
  }

  get src(): string {
    return (this.srcText ??= this.format(this.offset + this.addressOffset));
  }

  get dst(): string {
    return (this.dstText ??= this.format(this.offset + this.addressOffset + this.addressLength));
  }

  private format(at: number): string {
    return this.version === 4 ? formatIpv4(this.data, at) : formatIpv6(this.data, at);
  }
}
