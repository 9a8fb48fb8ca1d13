import { and, compareNumbers, not, or } from '../../core/predicates.js';
import type { DecodedPacket } from '../types.js';
import { ipv6Mask, parseIpv6 } from './address.js';
import type { ArithNode, Direction, FilterNode, LoadBase, PortProtocol, RelOp } from './ast.js';
import { foldArith } from './arith.js';

/** A compiled filter: true when the packet matches. Pure and allocation-free per call. */
export type PacketFilter = (p: DecodedPacket) => boolean;

/*
 * Semantics on the decoded model, and where they differ from libpcap's BPF code (each case is
 * also listed by the oracle test against tcpdump):
 *
 * - Layers are found by the decoder, not at fixed offsets: `ip`, `tcp`, `host`, `port` look
 *   through VLAN tags, LLC/SNAP and PPPoE, on every link type the decoder knows (and on none
 *   it does not know, e.g. 802.11). libpcap looks at the EtherType right after the Ethernet
 *   addresses, so it needs `vlan and tcp` for a tagged packet (`pppoes and tcp` for PPPoE);
 *   and its `vlan` is stateful: every primitive after it, in the whole rest of the expression,
 *   reads 4 bytes further on (so `vlan 100 and vlan 200` means outer tag 100, inner tag 200,
 *   and `vlan or tcp` tests tcp at the shifted offset). Here `vlan` and `vlan N` only ask
 *   whether the packet carries a tag / a tag with id N (any of its tags), and shift nothing.
 * - `host`/`net` with no protocol also match ARP/RARP packets in libpcap; ARP is not decoded
 *   here, so only IPv4/IPv6 packets match.
 * - IPv6: `tcp`, `udp`, `port` and `ip6 proto N` use the protocol after extension headers
 *   (libpcap only looks at the first Next Header, plus one fragment header for `proto`), so
 *   packets with extension headers match here and not in libpcap. `ip6 proto N` also
 *   matches when N is the first Next Header (e.g. `ip6 proto 0` for hop-by-hop), as in libpcap.
 * - A packet whose IP header could not be decoded matches no IP-level primitive (BPF would
 *   still read the bytes it can). `ip`/`ip6` fall back on the EtherType then, as BPF does.
 * - Ports come from the decoded TCP/UDP header, or else from the 4 bytes after the IP header
 *   (as BPF reads them): SCTP, and a TCP header too damaged to decode, still match on their
 *   ports; non-first fragments never do.
 * - A load out of the captured bytes, or a division by zero at run time, makes its comparison
 *   false; BPF rejects the whole packet (e.g. `not tcp[100] = 0` differs on short packets).
 */

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

function isIpv4(p: DecodedPacket): boolean {
  return p.ip !== null ? p.ip.version === 4 : p.etherType === ETHERTYPE_IPV4;
}

function isIpv6(p: DecodedPacket): boolean {
  return p.ip !== null ? p.ip.version === 6 : p.etherType === ETHERTYPE_IPV6;
}

/** Combines a test of the source and one of the destination by direction. */
function byDirection(dir: Direction, test: (p: DecodedPacket, src: boolean) => boolean): PacketFilter {
  switch (dir) {
    case 'src':
      return (p) => test(p, true);
    case 'dst':
      return (p) => test(p, false);
    case 'src or dst':
      return (p) => test(p, true) || test(p, false);
    case 'src and dst':
      return (p) => test(p, true) && test(p, false);
  }
}

/** An IPv4 address's four bytes as one unsigned-comparable integer (after masking). */
const ipv4Word = (b: Uint8Array): number => (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];

function ipv4Filter(dir: Direction, addrText: string, maskText: string): PacketFilter {
  const toInt = (text: string): number => text.split('.').reduce((acc, part) => (acc << 8) | parseInt(part, 10), 0);
  const mask = toInt(maskText);
  const addr = toInt(addrText) & mask;
  // Written out per direction: this runs for every packet.
  switch (dir) {
    case 'src':
      return (p) => {
        const ip = p.ip;
        if (ip === null || ip.version !== 4) return false;
        return (ipv4Word(ip.srcBytes) & mask) === addr;
      };
    case 'dst':
      return (p) => {
        const ip = p.ip;
        if (ip === null || ip.version !== 4) return false;
        return (ipv4Word(ip.dstBytes) & mask) === addr;
      };
    case 'src or dst':
      return (p) => {
        const ip = p.ip;
        if (ip === null || ip.version !== 4) return false;
        return (ipv4Word(ip.srcBytes) & mask) === addr || (ipv4Word(ip.dstBytes) & mask) === addr;
      };
    case 'src and dst':
      return (p) => {
        const ip = p.ip;
        if (ip === null || ip.version !== 4) return false;
        return (ipv4Word(ip.srcBytes) & mask) === addr && (ipv4Word(ip.dstBytes) & mask) === addr;
      };
  }
}

function ipv6Filter(dir: Direction, addrText: string, prefix: number): PacketFilter {
  const addrBytes = parseIpv6(addrText);
  const maskBytes = ipv6Mask(prefix);
  const words = (b: Buffer): Int32Array => Int32Array.from([0, 1, 2, 3], (i) => b.readInt32BE(4 * i));
  const mask = words(maskBytes);
  const addr = words(addrBytes).map((w, i) => w & mask[i]);
  const [m0, m1, m2, m3] = mask;
  const [a0, a1, a2, a3] = addr;
  const word = (b: Buffer, i: number): number => (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
  const matches = (b: Buffer): boolean =>
    (word(b, 0) & m0) === a0 && (word(b, 4) & m1) === a1 && (word(b, 8) & m2) === a2 && (word(b, 12) & m3) === a3;
  return byDirection(dir, (p, src) => {
    const ip = p.ip;
    return ip !== null && ip.version === 6 && matches(src ? ip.srcBytes : ip.dstBytes);
  });
}

const TCP = 6;
const UDP = 17;
const SCTP = 132;

/** Offset in frame.data of the transport header's port fields, or -1 (no such protocol, non-first fragment, not captured). */
function portOffset(p: DecodedPacket, single: number): number {
  const ip = p.ip;
  if (ip === null || ip.fragmentOffset !== 0) return -1;
  const protocol = ip.protocol;
  if (single >= 0 ? protocol !== single : protocol !== TCP && protocol !== UDP && protocol !== SCTP) return -1;
  const at = ip.offset + ip.headerLength;
  return at + 4 <= p.frame.data.length ? at : -1;
}

/**
 * Source (which = 0) or destination (which = 2) port, or -1. Decoded TCP and UDP headers are
 * the fast path; otherwise (SCTP, a TCP header too damaged to decode) the bytes are read.
 */
function portOf(p: DecodedPacket, single: number, which: 0 | 2): number {
  const tcp = p.tcp;
  if (tcp !== null) return single === UDP || single === SCTP ? -1 : which === 0 ? tcp.srcPort : tcp.dstPort;
  const udp = p.udp;
  if (udp !== null) return single === TCP || single === SCTP ? -1 : which === 0 ? udp.srcPort : udp.dstPort;
  const at = portOffset(p, single);
  if (at < 0) return -1;
  const d = p.frame.data;
  return (d[at + which] << 8) | d[at + which + 1];
}

function portFilter(dir: Direction, proto: PortProtocol, from: number, to: number): PacketFilter {
  const single = proto === 'tcp' ? TCP : proto === 'udp' ? UDP : proto === 'sctp' ? SCTP : -1;
  const inRange = from === to ? (n: number): boolean => n === from : (n: number): boolean => n >= from && n <= to;
  switch (dir) {
    case 'src':
      return (p) => inRange(portOf(p, single, 0));
    case 'dst':
      return (p) => inRange(portOf(p, single, 2));
    case 'src or dst':
      return (p) => inRange(portOf(p, single, 0)) || inRange(portOf(p, single, 2));
    case 'src and dst':
      return (p) => inRange(portOf(p, single, 0)) && inRange(portOf(p, single, 2));
  }
}

function protoFilter(family: 4 | 6 | 'any', protocol: number): PacketFilter {
  const v4 = (p: DecodedPacket): boolean => p.ip !== null && p.ip.version === 4 && p.ip.protocol === protocol;
  const v6 = (p: DecodedPacket): boolean =>
    p.ip !== null && p.ip.version === 6 && (p.ip.protocol === protocol || p.ip.firstNextHeader === protocol);
  if (family === 4) return v4;
  if (family === 6) return v6;
  return (p) => v4(p) || v6(p);
}

// ---- arithmetic: values are unsigned 32-bit; -1 means "cannot be computed" (the comparison is false) ----

type ArithFn = (p: DecodedPacket) => number;

const TRANSPORT_PROTOCOL: Partial<Record<LoadBase, number>> = {
  tcp: TCP,
  udp: UDP,
  sctp: SCTP,
  icmp: 1,
  igmp: 2,
  igrp: 9,
  pim: 103,
  vrrp: 112,
};

/** Where `base[...]` loads start in frame.data, or -1 when the packet does not have that header. */
function loadBase(base: LoadBase): ArithFn {
  switch (base) {
    case 'link':
      return () => 0;
    case 'ip':
      return (p) => (isIpv4(p) ? (p.ip?.offset ?? p.link.headerLength) : -1);
    case 'ip6':
      return (p) => (isIpv6(p) ? (p.ip?.offset ?? p.link.headerLength) : -1);
    case 'icmp6':
      return (p) => {
        const ip = p.ip;
        return ip !== null && ip.version === 6 && ip.protocol === 58 && ip.fragmentOffset === 0 ? ip.offset + ip.headerLength : -1;
      };
    default: {
      // libpcap: tcp[], udp[], icmp[]... are IPv4 only, first fragments only.
      const protocol = TRANSPORT_PROTOCOL[base] as number;
      return (p) => {
        const ip = p.ip;
        return ip !== null && ip.version === 4 && ip.protocol === protocol && ip.fragmentOffset === 0 ? ip.offset + ip.headerLength : -1;
      };
    }
  }
}

function compileLoad(base: LoadBase, offsetNode: ArithNode, size: 1 | 2 | 4): ArithFn {
  const start = loadBase(base);
  const read = (d: Buffer, at: number): number =>
    at + size > d.length ? -1 : size === 1 ? d[at] : size === 2 ? (d[at] << 8) | d[at + 1] : d.readUInt32BE(at);
  if (offsetNode.kind === 'num') {
    const offset = offsetNode.value;
    return (p) => {
      const b = start(p);
      return b < 0 ? -1 : read(p.frame.data, b + offset);
    };
  }
  const offsetOf = compileArith(offsetNode);
  return (p) => {
    const b = start(p);
    if (b < 0) return -1;
    const offset = offsetOf(p);
    return offset < 0 ? -1 : read(p.frame.data, b + offset);
  };
}

function compileArith(node: ArithNode): ArithFn {
  switch (node.kind) {
    case 'num': {
      const value = node.value;
      return () => value;
    }
    case 'len':
      return (p) => p.frame.origLen;
    case 'load':
      return compileLoad(node.base, node.offset, node.size);
    case 'neg': {
      const operand = compileArith(node.operand);
      return (p) => {
        const v = operand(p);
        return v < 0 ? -1 : (0 - v) >>> 0;
      };
    }
    case 'binary': {
      const left = compileArith(node.left);
      const right = compileArith(node.right);
      const op = node.op;
      const zeroFails = op === '/' || op === '%';
      return (p) => {
        const a = left(p);
        if (a < 0) return -1;
        const b = right(p);
        if (b < 0 || (zeroFails && b === 0)) return -1;
        return foldArith(op, a, b);
      };
    }
  }
}

function compileCompare(op: RelOp, leftNode: ArithNode, rightNode: ArithNode): PacketFilter {
  const left = compileArith(leftNode);
  const right = compileArith(rightNode);
  if (leftNode.kind === 'num' && rightNode.kind === 'num') {
    const constant = compareNumbers(leftNode.value, op, rightNode.value);
    return () => constant;
  }
  return (p) => {
    const a = left(p);
    if (a < 0) return false;
    const b = right(p);
    return b >= 0 && compareNumbers(a, op, b);
  };
}

/** Turns a parsed expression into a predicate made of closures. */
export function compileNode(node: FilterNode): PacketFilter {
  switch (node.kind) {
    case 'and':
      return and(compileNode(node.left), compileNode(node.right));
    case 'or':
      return or(compileNode(node.left), compileNode(node.right));
    case 'not':
      return not(compileNode(node.operand));
    case 'ipv4':
      return ipv4Filter(node.dir, node.addr, node.mask);
    case 'ipv6':
      return ipv6Filter(node.dir, node.addr, node.prefix);
    case 'port':
      return portFilter(node.dir, node.proto, node.from, node.to);
    case 'family':
      return node.family === 4 ? isIpv4 : isIpv6;
    case 'proto':
      return protoFilter(node.family, node.protocol);
    case 'ethertype': {
      const value = node.value;
      return (p) => p.etherType === value;
    }
    case 'vlan': {
      const id = node.id;
      if (id === null) return (p) => p.vlans.length > 0;
      return (p) => p.vlans.includes(id);
    }
    case 'length': {
      const value = node.value;
      return node.op === '<=' ? (p) => p.frame.origLen <= value : (p) => p.frame.origLen >= value;
    }
    case 'compare':
      return compileCompare(node.op, node.left, node.right);
  }
}
