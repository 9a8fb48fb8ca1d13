/**
 * Oracle: the packets our filter keeps, over real public captures, against the packets
 * tcpdump (libpcap's BPF) keeps for the same expression. Packets are compared one by one by
 * (timestamp, wire length), in order, not just counted.
 *
 * Where the decoded model legitimately means something else than libpcap's fixed-offset BPF
 * code, the case says so (`why`) and gives the tcpdump expression that selects what we mean;
 * the test then also checks that the plain expression really does differ under tcpdump, so
 * the list of differences cannot go stale silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../capture/open-capture.js';
import { decodeFrame } from '../decode.js';
import { compileFilter } from './index.js';

const PUBLIC = join(import.meta.dirname, '../../../../shared/captures/public');
const haveTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

interface OracleCase {
  readonly file: string;
  /** Our expression. */
  readonly expr: string;
  /** What tcpdump needs to select the same packets, when that is not `expr` itself. */
  readonly tcpdump?: string;
  /** Why the decoded model differs from libpcap here. */
  readonly why?: string;
  /** The expression legitimately matches nothing in this capture. */
  readonly none?: boolean;
}

const WIKI = 'zeek-wikipedia.pcap'; // Ethernet: IPv4 and IPv6, ARP, STP, several hosts, HTTP, mDNS, NetBIOS
const METHODS = 'zeek-methods.pcap'; // Ethernet, IPv4, many HTTP connections
const VLAN = 'suricata-filecontainer-http.pcap'; // every frame 802.1Q-tagged (VLAN 120)
const QINQ = 'zeek-http-qinq-0.pcap'; // two 802.1Q tags (both VLAN 0)
const QINQINQ = 'zeek-vlan-qinqinq.pcap'; // three tags: 30, 20, 10
const NULL_V4 = 'suricata-http-range-multiflows.pcap'; // DLT_NULL loopback, IPv4, 41 connections
const NULL_V6 = 'suricata-http-ipv6.pcap'; // DLT_NULL loopback, IPv6
const V6 = 'arkime-v6-http.pcap'; // Ethernet, IPv6 with ICMPv6 neighbour discovery
const SLL2 = 'suricata-decode-sll2-02.pcap'; // Linux cooked v2
const RAW = 'ndpi-hls.pcapng'; // raw IP (pcapng)
const PPPOE = 'suricata-pppoe-session-http.pcap'; // PPPoE session over Ethernet
const SNAP = 'zeek-snap-tcp.pcap'; // 802.3 frames with LLC/SNAP headers
const FUZZ = 'ndpi-fuzz-2006-09-29-28586.pcap'; // randomly corrupted bytes
const TSO = 'tcpdump-ipv4_tcp_http_xml_tso.pcap'; // one TSO packet whose IPv4 total length is 0

const VLAN_OFFSETS =
  'libpcap tests the EtherType right after the MAC addresses, so an IP primitive needs "vlan and" per tag in front of it; ' +
  'our primitives see through VLAN tags and "vlan" shifts nothing';

const IPV6_EXTENSIONS =
  'libpcap looks at the first Next Header only (plus one fragment header), so ICMPv6 behind a hop-by-hop header (MLD reports) ' +
  'is not icmp6 to it; ours uses the protocol after the extension headers';

const CASES: readonly OracleCase[] = [
  // host / net, IPv4 and IPv6, inheritance
  { file: WIKI, expr: 'host 141.142.220.118' },
  { file: WIKI, expr: 'src host 208.80.152.3 or 208.80.152.2' },
  { file: WIKI, expr: 'dst 141.142.220.118 and src net 208.80.152.0/24' },
  { file: WIKI, expr: 'net 208.80' },
  { file: WIKI, expr: 'net 224.0.0.0 mask 240.0.0.0' },
  {
    file: WIKI,
    expr: 'net 141.142.220.0/24',
    tcpdump: 'ip net 141.142.220.0/24',
    why: 'libpcap host/net without a protocol also match ARP/RARP sender/target addresses; ARP is not decoded here',
  },
  { file: WIKI, expr: 'host fe80::3074:17d5:2052:c324' },
  { file: WIKI, expr: 'net ff02::/16 or fe80::217:f2ff:fed7:cf65' },
  { file: WIKI, expr: 'ip6 and not dst net ff02::1:0/112' },
  // ports, port ranges, protocols
  { file: WIKI, expr: 'tcp port 80' },
  { file: WIKI, expr: 'udp port 5353 or 5355' },
  { file: WIKI, expr: 'port 137 or http' },
  { file: WIKI, expr: 'portrange 49996-50001' },
  { file: WIKI, expr: 'udp dst portrange 5353-5355' },
  { file: WIKI, expr: 'src port 80 and not dst 141.142.220.118' },
  { file: WIKI, expr: 'ip' },
  { file: WIKI, expr: 'ip6' },
  { file: WIKI, expr: 'arp' },
  { file: WIKI, expr: 'not tcp and not udp' },
  { file: WIKI, expr: 'ip proto 17 or 6' },
  { file: WIKI, expr: 'ip6 proto \\udp' },
  { file: WIKI, expr: '(tcp or udp) and not port 80' },
  { file: WIKI, expr: 'tcp[tcpflags] & (tcp-syn|tcp-fin) != 0' },
  { file: WIKI, expr: 'tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420' },
  { file: WIKI, expr: 'greater 1000 or less 60' },
  { file: WIKI, expr: 'ip[8] < 64 and udp' },
  { file: METHODS, expr: 'host 173.194.75.103 and tcp dst port 80' },
  { file: METHODS, expr: 'src port 80 and len > 1000' },
  { file: METHODS, expr: 'not src host 128.2.6.136' },
  { file: METHODS, expr: 'tcp and src portrange 46560-46570 and tcp[13] & 0x12 = 2' },
  // VLAN
  { file: VLAN, expr: 'vlan' },
  { file: VLAN, expr: 'vlan 120' },
  { file: VLAN, expr: 'vlan 121', none: true },
  { file: VLAN, expr: 'vlan 120 and tcp dst port 8000' },
  { file: VLAN, expr: 'tcp port 8000', tcpdump: 'vlan and tcp port 8000', why: VLAN_OFFSETS },
  { file: VLAN, expr: 'src host 192.168.28.253', tcpdump: 'vlan and src host 192.168.28.253', why: VLAN_OFFSETS },
  { file: QINQ, expr: 'vlan and vlan and tcp port 80' },
  { file: QINQ, expr: 'vlan 0' },
  { file: QINQ, expr: 'host 192.150.187.43', tcpdump: 'vlan and vlan and host 192.150.187.43', why: VLAN_OFFSETS },
  {
    file: QINQINQ,
    expr: 'vlan 20',
    tcpdump: 'vlan and vlan 20',
    why: 'libpcap "vlan N" tests the tag at the current depth (the outermost first); ours asks whether any tag has id N',
  },
  { file: QINQINQ, expr: 'vlan 10 and tcp', tcpdump: 'vlan and vlan and vlan 10 and tcp', why: VLAN_OFFSETS },
  // other link types
  { file: NULL_V4, expr: 'ip' },
  { file: NULL_V4, expr: 'tcp dst port 8000' },
  { file: NULL_V4, expr: 'src port 8000 and greater 1000' },
  { file: NULL_V4, expr: 'host 127.0.0.1 and portrange 55229-55240' },
  { file: NULL_V4, expr: 'tcp[tcpflags] & (tcp-syn|tcp-fin) != 0' },
  { file: NULL_V4, expr: 'ip6', none: true },
  { file: NULL_V6, expr: 'ip6 and tcp port 8000' },
  { file: NULL_V6, expr: 'host ::1 and src port 55717' },
  { file: V6, expr: 'icmp6', tcpdump: 'icmp6 or (ip6[6] = 0 and ip6[40] = 58)', why: IPV6_EXTENSIONS },
  { file: V6, expr: 'ip6 proto 58', tcpdump: 'ip6 proto 58 or (ip6[6] = 0 and ip6[40] = 58)', why: IPV6_EXTENSIONS },
  { file: V6, expr: 'icmp6 and not ip6[6] = 0' },
  { file: V6, expr: 'icmp6[icmp6type] = icmp6-neighborsolicit' },
  { file: V6, expr: 'net 2001:6f8:102d::/48 and tcp' },
  { file: SLL2, expr: 'tcp port 80 and greater 5000' },
  { file: SLL2, expr: 'ip' },
  { file: RAW, expr: 'tcp port 8080' },
  { file: RAW, expr: 'ip and tcp[13] = 0x18' },
  {
    file: PPPOE,
    expr: 'tcp port 80',
    // PPP protocol 0x21 in one byte at 20, IPv4 from 21 (protocol at 30, TCP ports at 41 and 43).
    tcpdump: 'ether[12:2] = 0x8864 and ether[20] = 0x21 and ether[30] = 6 and (ether[41:2] = 80 or ether[43:2] = 80)',
    why:
      'libpcap needs "pppoes and" to look inside PPPoE sessions, and even then expects a two-byte PPP protocol field, ' +
      'while this capture uses protocol field compression (0x21 in one byte); the decoder follows both to the IP packet',
  },
  {
    file: SNAP,
    expr: 'tcp port 80',
    // 14 bytes of 802.3 header, 8 of LLC/SNAP, then IPv4 at 22 (protocol at 31, TCP ports at 42 and 44).
    tcpdump: 'ether[12:2] <= 1500 and ether[14:2] = 0xaaaa and ether[20:2] = 0x0800 and ether[31] = 6 and (ether[42:2] = 80 or ether[44:2] = 80)',
    why: 'libpcap "ip"/"tcp" on Ethernet mean EtherType 0x0800 in an Ethernet II header; the decoder also follows 802.3 LLC/SNAP',
  },
  {
    file: FUZZ,
    expr: 'tcp',
    tcpdump: 'tcp and ip[0] & 0xf0 = 0x40',
    why: 'a packet whose IP header cannot be decoded (here: IP version 1 or 2 under EtherType IPv4) matches no IP-level primitive; BPF reads the protocol byte anyway',
  },
  {
    file: TSO,
    expr: 'tcp',
    tcpdump: 'tcp and ip[2:2] != 0',
    none: true,
    why: 'an IPv4 total length of 0 (TSO) is a bad IP header to the decoder, so nothing IP-level matches; BPF reads the protocol byte anyway',
  },
];

/** (seconds.microseconds, wire length) of every record of a classic pcap file (tcpdump -w output). */
function pcapRecordKeys(buf: Buffer): string[] {
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (at: number): number => (littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const keys: string[] = [];
  for (let at = 24; at + 16 <= buf.length; ) {
    const sec = u32(at);
    const frac = nano ? Math.floor(u32(at + 4) / 1000) : u32(at + 4);
    const caplen = u32(at + 8);
    keys.push(`${sec}.${String(frac).padStart(6, '0')} ${u32(at + 12)}`);
    at += 16 + caplen;
  }
  return keys;
}

function tcpdumpKeys(file: string, expr: string): string[] {
  const result = spawnSync('tcpdump', ['-r', file, '-w', '-', expr], { maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`tcpdump failed for ${expr}: ${result.stderr.toString()}`);
  return pcapRecordKeys(result.stdout);
}

async function ourKeys(file: string, expr: string): Promise<string[]> {
  const filter = compileFilter(expr);
  const source = await openCapture(file);
  const keys: string[] = [];
  for await (const batch of source.batches()) {
    for (const frame of batch) {
      if (filter(decodeFrame(frame))) keys.push(`${frame.tsSec}.${String(Math.floor(frame.tsNsec / 1000)).padStart(6, '0')} ${frame.origLen}`);
    }
  }
  return keys;
}

describe.runIf(haveTcpdump && existsSync(PUBLIC))('filter against tcpdump on public captures', () => {
  it.concurrent.each(CASES.map((c) => [`${c.file}: ${c.expr}${c.tcpdump ? `  (tcpdump: ${c.tcpdump})` : ''}`, c] as const))('%s', async (_name, c) => {
    const file = join(PUBLIC, c.file);
    const ours = await ourKeys(file, c.expr);
    const theirs = tcpdumpKeys(file, c.tcpdump ?? c.expr);
    expect(ours).toEqual(theirs);
    if (!c.none) expect(ours.length).toBeGreaterThan(0);
    if (c.tcpdump) {
      // The difference is real: tcpdump with our expression keeps other packets.
      expect(c.why).toBeTruthy();
      expect(tcpdumpKeys(file, c.expr)).not.toEqual(ours);
    }
  });

  it('covers every kind of primitive', () => {
    const all = CASES.map((c) => c.expr).join(' ');
    for (const word of ['host', 'net', 'mask', 'port', 'portrange', 'src', 'dst', 'tcp', 'udp', 'ip6', 'proto', 'vlan', 'not', 'or', 'and', '(', 'less', 'greater', '::']) {
      expect(all, word).toContain(word);
    }
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });
});
