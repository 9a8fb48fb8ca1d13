import { describe, expect, it } from 'vitest';
import { LinkType } from '../../core/link-type.js';
import type { DecodedPacket, IpHeader, TcpHeader } from '../types.js';
import { compileFilter } from './index.js';

/**
 * Packets built by hand, bytes and decoded fields together, so that these tests depend only on
 * the DecodedPacket contract (not on the decoder). The filter reads addresses from
 * ip.srcBytes/dstBytes, ports and loads from frame.data.
 */
interface Spec {
  readonly family?: 4 | 6 | 'none';
  readonly src?: string;
  readonly dst?: string;
  /** Upper-layer protocol; 6 (TCP) by default. */
  readonly protocol?: number;
  readonly sport?: number;
  readonly dport?: number;
  readonly tcpFlags?: number;
  readonly vlans?: readonly number[];
  readonly payload?: string;
  /** IPv4 fragment offset in bytes. */
  readonly fragmentOffset?: number;
  /** IPv6: a hop-by-hop header before the upper-layer protocol. */
  readonly hopByHop?: boolean;
  /** Wire length beyond the captured bytes. */
  readonly extraWire?: number;
  /** Cut the captured bytes to this many. */
  readonly snap?: number;
  /** Keep the EtherType but leave the IP header undecoded (as after a decoding failure). */
  readonly ipUndecoded?: boolean;
  readonly etherType?: number;
}

function ipv4Bytes(text: string): number[] {
  return text.split('.').map((n) => parseInt(n, 10));
}

function ipv6Bytes(text: string): number[] {
  const [head, tail = ''] = text.includes('::') ? text.split('::') : [text, ''];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = groups(tail);
  const words = text.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function packet(spec: Spec = {}): DecodedPacket {
  const family = spec.family ?? 4;
  const protocol = spec.protocol ?? 6;
  const vlans = spec.vlans ?? [];
  const etherType = spec.etherType ?? (family === 4 ? 0x0800 : family === 6 ? 0x86dd : 0x0806);
  const bytes: number[] = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
  for (const id of vlans) bytes.push(0x81, 0x00, id >> 8, id & 0xff);
  bytes.push(etherType >> 8, etherType & 0xff);
  const linkLength = bytes.length;

  let transport: number[] = [];
  const sport = spec.sport ?? 40000;
  const dport = spec.dport ?? 80;
  const payload = [...Buffer.from(spec.payload ?? '')];
  if (protocol === 6) {
    transport = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, spec.tcpFlags ?? 0x18, 0xff, 0xff, 0, 0, 0, 0, ...payload];
  } else if (protocol === 17 || protocol === 132) {
    const length = 8 + payload.length;
    transport = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, length >> 8, length & 0xff, 0, 0, ...payload];
  } else if (protocol === 1 || protocol === 58) {
    transport = [8, 0, 0, 0, 0, 1, 0, 1, ...payload];
  }
  const fragmented = (spec.fragmentOffset ?? 0) !== 0;
  if (fragmented) transport = payload;

  let ip: IpHeader | null = null;
  if (family === 4) {
    const src = ipv4Bytes(spec.src ?? '10.0.0.1');
    const dst = ipv4Bytes(spec.dst ?? '10.0.0.2');
    const total = 20 + transport.length;
    const frag = (spec.fragmentOffset ?? 0) / 8;
    bytes.push(0x45, 0, total >> 8, total & 0xff, 0, 1, frag >> 8, frag & 0xff, 64, protocol, 0, 0, ...src, ...dst);
  } else if (family === 6) {
    const src = ipv6Bytes(spec.src ?? '2001:db8::1');
    const dst = ipv6Bytes(spec.dst ?? '2001:db8::2');
    const ext = spec.hopByHop ? [protocol, 0, 1, 4, 0, 0, 0, 0] : [];
    const payloadLength = ext.length + transport.length;
    const first = spec.hopByHop ? 0 : protocol;
    bytes.push(0x60, 0, 0, 0, payloadLength >> 8, payloadLength & 0xff, first, 64, ...src, ...dst, ...ext);
  }
  const ipLength = bytes.length - linkLength;
  bytes.push(...transport);
  let data = Buffer.from(bytes);
  const origLen = data.length + (spec.extraWire ?? 0);
  if (spec.snap !== undefined) data = data.subarray(0, spec.snap);

  if ((family === 4 || family === 6) && !spec.ipUndecoded) {
    const at = linkLength;
    ip = {
      version: family,
      src: spec.src ?? (family === 4 ? '10.0.0.1' : '2001:db8::1'),
      dst: spec.dst ?? (family === 4 ? '10.0.0.2' : '2001:db8::2'),
      srcBytes: family === 4 ? data.subarray(at + 12, at + 16) : data.subarray(at + 8, at + 24),
      dstBytes: family === 4 ? data.subarray(at + 16, at + 20) : data.subarray(at + 24, at + 40),
      protocol,
      firstNextHeader: family === 6 && spec.hopByHop ? 0 : protocol,
      offset: at,
      headerLength: ipLength,
      totalLength: ipLength + transport.length,
      wireLength: origLen - at,
      fragmentOffset: spec.fragmentOffset ?? 0,
      moreFragments: false,
      ttl: 64,
    };
  }
  const transportAt = linkLength + ipLength;
  const hasPorts = ip !== null && !fragmented && data.length >= transportAt + 4;
  let tcp: TcpHeader | null = null;
  if (hasPorts && protocol === 6 && data.length >= transportAt + 20) {
    tcp = {
      srcPort: sport,
      dstPort: dport,
      seq: 1,
      ack: 0,
      flags: spec.tcpFlags ?? 0x18,
      window: 0xffff,
      urgentPointer: 0,
      offset: transportAt,
      headerLength: 20,
      options: Buffer.alloc(0),
      payloadLength: payload.length,
      payload: data.subarray(transportAt + 20),
      capturedPayloadLength: data.length - (transportAt + 20),
    };
  }
  return {
    frame: { tsSec: 0, tsNsec: 0, linkType: LinkType.ETHERNET, data, origLen, interfaceId: 0 },
    link: { headerLength: linkLength, framingLength: linkLength, sllPacketType: -1, sllInterfaceIndex: -1, pppoeSession: -1 },
    vlans,
    etherType,
    ip,
    tcp,
    udp: hasPorts && protocol === 17 ? { srcPort: sport, dstPort: dport } : null,
    failure: null,
  };
}

const matches = (expression: string, p: DecodedPacket): boolean => compileFilter(expression)(p);

describe('compileFilter on hand-built packets', () => {
  const web = packet({ src: '10.0.0.1', dst: '192.168.1.20', sport: 40000, dport: 80 });
  const webReply = packet({ src: '192.168.1.20', dst: '10.0.0.1', sport: 80, dport: 40000 });
  const dns = packet({ protocol: 17, src: '10.0.0.1', dst: '8.8.8.8', sport: 5353, dport: 53 });
  const ping = packet({ protocol: 1, src: '10.0.0.1', dst: '10.0.0.9' });
  const web6 = packet({ family: 6, src: '2001:db8::1', dst: 'fe80::217:f2ff:fed7:cf65', sport: 40000, dport: 8080 });
  const ping6 = packet({ family: 6, protocol: 58, src: 'fe80::1', dst: 'ff02::1' });
  const arp = packet({ family: 'none' });
  const tagged = packet({ vlans: [120], src: '192.168.202.94', dst: '192.168.28.253', dport: 8000 });
  const qinq = packet({ vlans: [30, 20, 10] });

  it.each<[string, DecodedPacket, boolean]>([
    ['host 10.0.0.1', web, true],
    ['host 10.0.0.1', webReply, true],
    ['host 10.0.0.3', web, false],
    ['src host 10.0.0.1', web, true],
    ['src host 10.0.0.1', webReply, false],
    ['dst 10.0.0.1', webReply, true],
    ['src and dst host 10.0.0.1', web, false],
    ['src and dst net 10', ping, true],
    ['src or dst 192.168.1.20', web, true],
    ['net 192.168', web, true],
    ['net 192.168.1.0/24', web, true],
    ['net 192.168.2.0/24', web, false],
    ['net 10.0.0.0 mask 255.255.255.0', dns, true],
    ['dst net 8', dns, true],
    ['host 10', web, false],
    ['net 0.0.0.0/0', web, true],
    ['net 0.0.0.0/0', web6, false],
    ['host 2001:db8::1', web6, true],
    ['host 2001:db8:0::1', web6, true],
    ['dst host 2001:db8::1', web6, false],
    ['net 2001:db8::/32', web6, true],
    ['net 2001:db9::/32', web6, false],
    ['net fe80::/10', web6, true],
    ['dst net fe80::/64', web6, true],
    ['net ::/0', web6, true],
    ['net ::/0', web, false],
    ['host 10.0.0.1', web6, false],
    ['ip6 host fe80::217:f2ff:fed7:cf65', web6, true],
    ['port 80', web, true],
    ['port 80', webReply, true],
    ['src port 80', web, false],
    ['src port 80', webReply, true],
    ['dst port 80', web, true],
    ['tcp port 80', web, true],
    ['udp port 80', web, false],
    ['port 53', dns, true],
    ['udp port 53', dns, true],
    ['tcp port 53', dns, false],
    ['port domain', dns, true],
    ['port http', web, true],
    ['src and dst port 80', web, false],
    ['port 8080', web6, true],
    ['tcp dst port 8080', web6, true],
    ['portrange 8000-8100', web6, true],
    ['portrange 8081-8100', web6, false],
    ['src portrange 39999-40001', web, true],
    ['dst portrange 1-79', web, false],
    ['port 80', ping, false],
    ['port 80', arp, false],
    ['sctp port 53', dns, false],
    ['tcp', web, true],
    ['tcp', web6, true],
    ['tcp', dns, false],
    ['udp', dns, true],
    ['icmp', ping, true],
    ['icmp', ping6, false],
    ['icmp6', ping6, true],
    ['ip', web, true],
    ['ip', web6, false],
    ['ip6', web6, true],
    ['ip6', arp, false],
    ['arp', arp, true],
    ['arp', web, false],
    ['ip proto 17', dns, true],
    ['ip6 proto 6', web6, true],
    ['ip6 proto 6', web, false],
    ['proto 6', web6, true],
    ['proto 6', web, true],
    ['ip proto \\udp', dns, true],
    ['vlan', tagged, true],
    ['vlan', web, false],
    ['vlan 120', tagged, true],
    ['vlan 121', tagged, false],
    ['vlan 20', qinq, true],
    ['vlan 30 and vlan 10', qinq, true],
    // the decoded model: primitives see through VLAN tags (libpcap would need "vlan and ...")
    ['tcp port 8000 and host 192.168.28.253', tagged, true],
    ['less 54', web, true],
    ['less 53', web, false],
    ['greater 54', web, true],
    ['greater 55', web, false],
    ['len = 54', web, true],
    // operators
    ['tcp and port 80', web, true],
    ['tcp and port 81', web, false],
    ['udp or port 80', web, true],
    ['not udp', web, true],
    ['not tcp', web, false],
    ['tcp or udp and port 53', web, false],
    ['tcp or (udp and port 53)', web, true],
    ['host 10.0.0.9 or 10.0.0.1', web, true],
    ['host 10.0.0.9 or 10.0.0.8', web, false],
    ['port 443 or 80', webReply, true],
    ['tcp port 443 or 80', dns, false],
    ['not host 10.0.0.1 or 192.168.1.20', web, true],
    ['host 10.0.0.1 and not 192.168.1.20', web, false],
    ['host (10.0.0.5 or 192.168.1.20)', web, true],
  ])('%s on packet %#', (expression, p, expected) => {
    expect(matches(expression, p)).toBe(expected);
  });
});

describe('compileFilter: comparisons and loads', () => {
  const syn = packet({ tcpFlags: 0x02 });
  const ack = packet({ tcpFlags: 0x10, payload: 'GET / HTTP/1.1\r\n' });
  const ping = packet({ protocol: 1 });
  const ping6 = packet({ family: 6, protocol: 58 });

  it.each<[string, DecodedPacket, boolean]>([
    ['tcp[13] & 2 != 0', syn, true],
    ['tcp[13] & 2 != 0', ack, false],
    ['tcp[tcpflags] & tcp-syn != 0', syn, true],
    ['tcp[tcpflags] & (tcp-syn|tcp-fin) != 0', ack, false],
    ['tcp[tcpflags] = tcp-ack', ack, true],
    ['tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420', ack, true],
    ['tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420', syn, false],
    ['tcp[0:2] = 40000', syn, true],
    ['tcp[2:2] = 80', syn, true],
    ['ip[0] & 0xf = 5', syn, true],
    ['ip[8] = 64', syn, true],
    ['ip[9] = 6', syn, true],
    ['ip[2:2] = 40', syn, true],
    ['ip[12:4] = 0x0a000001', syn, true],
    ['ip6[6] = 58', ping6, true],
    ['ip6[6] = 58', ping, false],
    ['ip[0] = 0x45', ping6, false],
    ['icmp[icmptype] = icmp-echo', ping, true],
    ['icmp[0] = 8', ping6, false],
    ['icmp6[icmp6type] = 8', ping6, true],
    ['ether[12:2] = 0x0800', syn, true],
    ['link[0] & 1 = 0', syn, true],
    ['len > 100', ack, false],
    ['len - 54 = 16', ack, true],
    ['tcp[len - 1] = 0', syn, false],
    // loads past the captured bytes make the comparison false (and its negation true)
    ['tcp[100] = 0', syn, false],
    ['tcp[100] != 0', syn, false],
    ['not tcp[100] = 0', syn, true],
    ['ip[0:4] = 0', packet({ snap: 16 }), false],
    // runtime division by zero
    ['len / (tcp[0] & 0) = 0', syn, false],
    ['len % (tcp[0] & 0) = 0', syn, false],
    ['tcp[0] / 2 = 78', syn, true],
    ['-1 = 0xffffffff', syn, true],
    ['1 > 2', syn, false],
    ['len >> tcp[4] = 54', syn, true],
  ])('%s on packet %#', (expression, p, expected) => {
    expect(matches(expression, p)).toBe(expected);
  });
});

describe('compileFilter: partly decoded packets and edge cases', () => {
  it('a packet without an IP layer matches no IP-level primitive', () => {
    const undecoded = packet({ ipUndecoded: true });
    for (const expression of ['host 10.0.0.1', 'net 0.0.0.0/0', 'tcp', 'port 80', 'ip proto 6', 'tcp[0] = 0']) {
      expect(matches(expression, undecoded), expression).toBe(false);
      expect(matches(`not (${expression})`, undecoded), expression).toBe(true);
    }
    // ip / ip6 fall back on the EtherType, like BPF; ip[] loads then start after the link header
    expect(matches('ip', undecoded)).toBe(true);
    expect(matches('ip6', undecoded)).toBe(false);
    expect(matches('ip[9] = 6', undecoded)).toBe(true);
  });

  it('reads ports from the bytes, even when the TCP header was not decoded', () => {
    const cut = packet({ snap: 14 + 20 + 8, dport: 80 });
    expect(cut.tcp).toBeNull();
    expect(matches('tcp port 80', cut)).toBe(true);
    const tooShort = packet({ snap: 14 + 20 + 3 });
    expect(matches('port 80 or port 40000', tooShort)).toBe(false);
  });

  it('does not match ports of non-first fragments', () => {
    const fragment = packet({ fragmentOffset: 1480, payload: '\x00\x50\x00\x50' });
    expect(matches('tcp', fragment)).toBe(true);
    expect(matches('port 80', fragment)).toBe(false);
    expect(matches('tcp[0:2] = 80', fragment)).toBe(false);
  });

  it('uses the protocol after IPv6 extension headers, and the first next header for ip6 proto', () => {
    const hop = packet({ family: 6, hopByHop: true, dport: 443 });
    expect(matches('tcp', hop)).toBe(true);
    expect(matches('tcp port 443', hop)).toBe(true);
    expect(matches('ip6 proto 6', hop)).toBe(true);
    expect(matches('ip6 proto 0', hop)).toBe(true);
    expect(matches('ip6 proto 17', hop)).toBe(false);
  });

  it('uses the length on the wire for less/greater/len', () => {
    const cut = packet({ snap: 40, extraWire: 1000 });
    expect(matches('greater 1000', cut)).toBe(true);
    expect(matches('len > 1000', cut)).toBe(true);
  });

  it('compiles once and runs many times without state', () => {
    const filter = compileFilter('tcp dst port 80 and (host 10.0.0.1 or 10.0.0.3)');
    const yes = packet({ dport: 80 });
    const no = packet({ dport: 81 });
    for (let i = 0; i < 1000; i++) {
      expect(filter(i % 2 ? yes : no)).toBe(i % 2 === 1);
    }
  });
});
