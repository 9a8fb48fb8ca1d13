import type { Frame } from '../../core/frame.js';
import { formatIpv4 } from '../../core/address.js';
import { LinkType, linkTypeName } from '../../core/link-type.js';
import { EtherType, IpProtocol, type DecodedPacket } from '../../decode/types.js';
import { asciiDump, hexAsciiDump } from './dump.js';
import { interfaceName } from './interface-names.js';
import type { TcpdumpOptions } from './options.js';
import { TcpPrinter } from './tcp-print.js';
import { printAddress, printAddressPair, type IpAddresses } from './address-print.js';
import { TcpSeqTracker, type AddressKey } from './tcp-seq-tracker.js';
import { TimestampFormatter } from './timestamp.js';
import { Truncated } from './truncation.js';
import { StringLine, type LineSink } from '../line-sink.js';

const SLL_PACKET_TYPES: Record<number, string> = { 0: 'In', 1: 'B', 2: 'M', 3: 'P', 4: 'Out' };
const MAXIMUM_SNAPLEN = 262144;
const IP_PROTOCOLS_WITH_PORTS = new Set([IpProtocol.TCP, IpProtocol.UDP, 33 /* DCCP */, 132 /* SCTP */]);

const hardwareAddress = (data: Buffer, at: number, length: number): string =>
  Array.from(data.subarray(at, at + length), (b) => b.toString(16).padStart(2, '0')).join(':');
const macAddress = (data: Buffer, at: number): string => hardwareAddress(data, at, 6);

/**
 * `--view packets`: one line per frame, as `tcpdump` 4.99 prints it for the same options.
 * Stateful (relative sequence numbers, timestamp deltas), so one printer per run.
 */
export class PacketPrinter {
  private readonly timestamps: TimestampFormatter;
  private readonly tcp: TcpPrinter;

  constructor(private readonly options: TcpdumpOptions) {
    this.timestamps = new TimestampFormatter(options.timestamps);
    this.tcp = new TcpPrinter(new TcpSeqTracker(), options.numericPorts);
  }

  /** The text for one packet, without the trailing newline (may span lines with -A/-X). */
  format(packet: DecodedPacket): string {
    const line = new StringLine();
    this.print(packet, line);
    return line.text;
  }

  /** Prints one packet to `out`, without the trailing newline. */
  print(packet: DecodedPacket, out: LineSink): void {
    const frame = packet.frame;
    this.timestamps.print(frame, out);
    const invalid = invalidHeader(frame);
    if (invalid) return out.print(invalid);
    let dumpFrom: number;
    try {
      dumpFrom = this.printLink(out, packet);
    } catch (e) {
      if (!(e instanceof Truncated)) throw e;
      out.print(` [|${e.protocol}]`);
      dumpFrom = 0;
    }
    if (this.options.payload !== 'none' && frame.data.length > dumpFrom) {
      const raw = frame.data.subarray(dumpFrom);
      const bytes = this.options.redactPayload?.(raw) ?? raw;
      out.print(this.options.payload === 'ascii' ? asciiDump(bytes) : hexAsciiDump(bytes));
    }
  }

  /** Prints the link layer and what it carries; returns the link header length (for -A/-X). */
  private printLink(out: LineSink, packet: DecodedPacket): number {
    const { frame, link } = packet;
    const { data } = frame;
    const linkFailure = packet.failure?.kind === 'unknown-link-type' || packet.failure?.kind === 'truncated-link' ? packet.failure : null;
    if (linkFailure?.kind === 'unknown-link-type') {
      out.print(`[link type ${frame.linkType} (${linkTypeName(frame.linkType)}) not decoded], length ${frame.origLen}`);
      return 0;
    }
    if (frame.linkType === LinkType.LINUX_SLL2 && data.length >= 20) {
      out.print(`${interfaceName(link.sllInterfaceIndex).padEnd(5)} ${(SLL_PACKET_TYPES[link.sllPacketType] ?? '?').padEnd(3)} `);
    }
    if (linkFailure) throw new Truncated(linkProtocol(frame.linkType));
    if (link.pppoeSession >= 0) out.print(`PPPoE  [ses 0x${link.pppoeSession.toString(16)}] `);

    const offset = link.headerLength;
    const wireLength = frame.origLen - offset;
    switch (packet.etherType) {
      case EtherType.IPV4:
        this.printIpv4(out, data, offset, wireLength);
        break;
      case EtherType.IPV6:
        this.printIpv6(out, data, offset, wireLength);
        break;
      case EtherType.ARP:
        printArp(out, data, offset, wireLength);
        break;
      default:
        if (frame.linkType === LinkType.ETHERNET && packet.etherType > 1500) {
          out.print(`${macAddress(data, 6)} > ${macAddress(data, 0)}, ethertype Unknown (0x${packet.etherType.toString(16).padStart(4, '0')}), length ${frame.origLen}: `);
          out.print(hexAsciiDump(data.subarray(offset)));
        } else {
          out.print(`[network protocol 0x${Math.max(packet.etherType, 0).toString(16).padStart(4, '0')} not decoded], length ${wireLength}`);
        }
    }
    return link.framingLength;
  }

  private printIpv4(out: LineSink, data: Buffer, offset: number, wireLength: number): void {
    if (data.length <= offset) throw new Truncated('ip');
    const version = data[offset] >> 4;
    if (version !== 4) {
      out.print(version === 6 ? 'IP6, wrong link-layer encapsulation (invalid)' : `IP${version} (invalid)`);
      return;
    }
    out.print('IP ');
    if (data.length - offset < 20) throw new Truncated('ip');
    if (wireLength < 20) return out.print(`truncated-ip ${wireLength}`);
    const hlen = (data[offset] & 0x0f) * 4;
    if (hlen < 20) return out.print(`bad-hlen ${hlen}`);
    const len = data.readUInt16BE(offset + 2);
    if (wireLength < len) out.print(`truncated-ip - ${len - wireLength} bytes missing! `);
    if (len < hlen) return out.print(`bad-len ${len}`);
    const snapEnd = Math.min(data.length, offset + len);
    const fragment = data.readUInt16BE(offset + 6);
    const protocol = data[offset + 9];
    const addresses: IpAddresses = { version: 4, data, src: offset + 12, dst: offset + 16, names: this.options.addressNames };
    if ((fragment & 0x1fff) !== 0) {
      printAddressPair(out, addresses);
      return out.print(`: ip-proto-${protocol}`);
    }
    if (!IP_PROTOCOLS_WITH_PORTS.has(protocol)) {
      printAddressPair(out, addresses);
      out.print(': ');
    }
    if (snapEnd - offset < hlen) {
      out.print(` [remaining caplen(${snapEnd - offset}) < header length(${hlen})]`);
      throw new Truncated('ip');
    }
    const srcKey = data.readUInt32BE(offset + 12);
    const dstKey = data.readUInt32BE(offset + 16);
    this.printTransport(out, data, protocol, offset + hlen, snapEnd, len - hlen, addresses, srcKey, dstKey, false);
  }

  private printIpv6(out: LineSink, data: Buffer, offset: number, wireLength: number): void {
    if (data.length - offset < 40) throw new Truncated('ip6');
    if (wireLength < 40) return out.print(`truncated-ip6 ${wireLength}`);
    out.print('IP6 ');
    const version = data[offset] >> 4;
    if (version !== 6) return out.print(`version error: ${version} != 6`);
    const payloadLength = data.readUInt16BE(offset + 4);
    let len = payloadLength !== 0 ? payloadLength + 40 : wireLength + 40;
    if (payloadLength !== 0 && wireLength < len) out.print(`truncated-ip6 - ${len - wireLength} bytes missing!`);
    const snapEnd = Math.min(data.length, offset + len);
    const addresses: IpAddresses = { version: 6, data, src: offset + 8, dst: offset + 24, names: this.options.addressNames };
    const first = data[offset + 6];
    // Extension headers are walked by the decoder; tcpdump prints their details, we only skip them.
    let nextHeader = first;
    let at = offset + 40;
    while (nextHeader === 0 || nextHeader === 43 || nextHeader === 44 || nextHeader === 60) {
      if (at + 8 > snapEnd) throw new Truncated('ip6');
      const extLength = nextHeader === 44 ? 8 : (data[at + 1] + 1) * 8;
      nextHeader = data[at];
      at += extLength;
    }
    if (!IP_PROTOCOLS_WITH_PORTS.has(first)) {
      printAddressPair(out, addresses);
      out.print(': ');
    }
    len = payloadLength === 0 ? 0 : len - (at - offset);
    const srcKey = data.toString('hex', offset + 8, offset + 24);
    const dstKey = data.toString('hex', offset + 24, offset + 40);
    this.printTransport(out, data, nextHeader, at, snapEnd, len, addresses, srcKey, dstKey, first !== IpProtocol.TCP);
  }

  private printTransport(
    out: LineSink,
    data: Buffer,
    protocol: number,
    offset: number,
    snapEnd: number,
    length: number,
    addresses: IpAddresses,
    srcKey: AddressKey,
    dstKey: AddressKey,
    portsOnly: boolean,
  ): void {
    switch (protocol) {
      case IpProtocol.TCP:
        this.tcp.print(out, { data, offset, snapEnd, length, addresses, srcKey, dstKey, portsOnly });
        return;
      case IpProtocol.UDP:
        if (snapEnd - offset < 8) throw new Truncated('udp');
        printAddress(out, addresses, addresses.src);
        out.print(`.${data.readUInt16BE(offset)} > `);
        printAddress(out, addresses, addresses.dst);
        out.print(`.${data.readUInt16BE(offset + 2)}: UDP, length ${data.readUInt16BE(offset + 4) - 8}`);
        return;
      case IpProtocol.ICMP:
      case IpProtocol.ICMPV6:
        printIcmp(out, data, offset, snapEnd, length, protocol === IpProtocol.ICMPV6);
        return;
      default:
        out.print(` ip-proto-${protocol} ${length}`);
    }
  }
}

function printIcmp(out: LineSink, data: Buffer, offset: number, snapEnd: number, length: number, v6: boolean): void {
  if (snapEnd - offset < 8) throw new Truncated(v6 ? 'icmp6' : 'icmp');
  const type = data[offset];
  const echo: Record<number, string> = v6 ? { 128: 'echo request', 129: 'echo reply' } : { 8: 'echo request', 0: 'echo reply' };
  const name = echo[type];
  const prefix = v6 ? 'ICMP6, ' : 'ICMP ';
  if (name) out.print(`${prefix}${name}, id ${data.readUInt16BE(offset + 4)}, seq ${data.readUInt16BE(offset + 6)}, length ${length}`);
  else out.print(`${prefix}type ${type}, code ${data[offset + 1]}, length ${length}`);
}

function printArp(out: LineSink, data: Buffer, offset: number, wireLength: number): void {
  const hardwareLength = data[offset + 4];
  const protocolLength = data[offset + 5];
  const end = offset + 8 + 2 * (hardwareLength + protocolLength);
  if (data.length < end || data.readUInt16BE(offset + 2) !== EtherType.IPV4 || protocolLength !== 4) {
    out.print(`ARP, length ${wireLength}`);
    return;
  }
  const op = data.readUInt16BE(offset + 6);
  const senderHw = offset + 8;
  const senderIp = formatIpv4(data, senderHw + hardwareLength);
  const targetIp = formatIpv4(data, senderHw + 2 * hardwareLength + 4);
  if (op === 1) out.print(`ARP, Request who-has ${targetIp} tell ${senderIp}, length ${wireLength}`);
  else if (op === 2) out.print(`ARP, Reply ${senderIp} is-at ${hardwareAddress(data, senderHw, hardwareLength)}, length ${wireLength}`);
  else out.print(`ARP, op ${op}, length ${wireLength}`);
}

function linkProtocol(linkType: number): string {
  switch (linkType) {
    case LinkType.ETHERNET:
      return 'ether';
    case LinkType.LINUX_SLL:
      return 'sll';
    case LinkType.LINUX_SLL2:
      return 'sll2';
    case LinkType.NULL:
    case LinkType.LOOP:
      return 'null';
    case LinkType.NFLOG:
      return 'nflog';
    default:
      return 'link';
  }
}

/** tcpdump refuses to dissect records whose lengths cannot be right. */
function invalidHeader(frame: Frame): string | null {
  const problems: string[] = [];
  const caplen = frame.data.length;
  if (caplen === 0) problems.push('caplen==0');
  if (frame.origLen === 0) problems.push('len==0');
  else if (frame.origLen < caplen) problems.push(`len(${frame.origLen}) < caplen(${caplen})`);
  if (caplen > MAXIMUM_SNAPLEN) problems.push(`caplen(${caplen}) > ${MAXIMUM_SNAPLEN}`);
  if (frame.origLen > MAXIMUM_SNAPLEN) problems.push(`len(${frame.origLen}) > ${MAXIMUM_SNAPLEN}`);
  if (problems.length === 0) return null;
  return `[Invalid header: ${problems.join(', ')}]`;
}
