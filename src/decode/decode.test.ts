/**
 * Decoders on real captures and on every truncation of real frames: never an exception, the
 * layers that were there are kept, and what is missing is named. Fields are checked against
 * tshark, which decodes the same frames independently.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../capture/open-capture.js';
import type { Frame } from '../core/frame.js';
import { LinkType } from '../core/link-type.js';
import { PUBLIC_CAPTURES, allCaptures } from '../../test/helpers/captures.js';
import { decodeFrame, PacketDecoder } from './decode.js';
import type { DecodedPacket } from './types.js';
import { IpProtocol } from './types.js';

async function frames(file: string): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const batch of (await openCapture(file)).batches()) out.push(...batch);
  return out;
}

/** tshark's view of each frame: addresses, ports, VLAN ids, TCP payload length. */
function tsharkFields(file: string): string[][] {
  const r = spawnSync(
    'tshark',
    ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.len', '-e', 'vlan.id'],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

describe('decoded fields agree with tshark', () => {
  const cases = [
    ['Ethernet + IPv4', 'zeek-get-gzip.pcap'],
    ['802.1Q VLAN', 'suricata-filecontainer-http.pcap'],
    ['QinQ', 'zeek-http-qinq-0.pcap'],
    ['three VLAN tags', 'zeek-vlan-qinqinq.pcap'],
    ['IPv6 over Ethernet', 'arkime-v6-http.pcap'],
    ['IPv6 over NULL', 'suricata-http-ipv6.pcap'],
    ['Linux SLL', 'suricata-output-multi-eve.pcap'],
    ['Linux SLL2', 'suricata-decode-sll2-02.pcap'],
    ['raw IP in pcapng', 'ndpi-hls.pcapng'],
    ['PPPoE', 'suricata-pppoe-session-http.pcap'],
    ['LLC/SNAP', 'zeek-snap-tcp.pcap'],
    ['NFLOG', 'zeek-nflog-http.pcap'],
    ['snaplen-cut packets', 'zeek-communityid-tcp.pcap'],
  ] as const;
  for (const [what, name] of cases) {
    it(`${what} (${name})`, async () => {
      const file = join(PUBLIC_CAPTURES, name);
      const oracle = tsharkFields(file);
      const ours = await frames(file);
      expect(ours.length).toBe(oracle.length);
      let tcpSeen = 0;
      ours.forEach((frame, i) => {
        const [ip4src, ip6src, ip4dst, ip6dst, sport, dport, tcpLen, vlan] = oracle[i];
        const p = decodeFrame(frame);
        if (ip4src || ip6src) {
          expect(p.ip?.src, `frame ${i + 1}`).toBe((ip4src || ip6src).split(',')[0]);
          expect(p.ip?.dst, `frame ${i + 1}`).toBe((ip4dst || ip6dst).split(',')[0]);
        }
        if (sport) {
          tcpSeen++;
          expect(p.tcp?.srcPort, `frame ${i + 1}`).toBe(Number(sport));
          expect(p.tcp?.dstPort, `frame ${i + 1}`).toBe(Number(dport));
          expect(p.tcp?.payloadLength, `frame ${i + 1}`).toBe(Number(tcpLen));
        }
        expect(p.vlans.join(','), `frame ${i + 1}`).toBe(vlan ?? '');
      });
      expect(tcpSeen).toBeGreaterThan(0);
    });
  }
});

describe('damaged frames', () => {
  it('every truncation of every TCP frame in the corpus decodes without throwing, naming what is missing', async () => {
    const kinds = new Map<string, number>();
    let cuts = 0;
    for (const file of allCaptures()) {
      const all = await frames(file);
      const tcp = all.filter((f) => decodeFrame(f).tcp !== null).slice(0, 8);
      for (const frame of tcp) {
        const full = decodeFrame(frame);
        const fixedEnd = full.tcp!.offset + 20;
        const tcpEnd = full.tcp!.offset + full.tcp!.headerLength;
        for (let cut = 0; cut < Math.min(frame.data.length, tcpEnd + 4); cut++) {
          const p = decodeFrame({ ...frame, data: frame.data.subarray(0, cut) });
          cuts++;
          if (cut < fixedEnd) {
            // Cut before the end of the fixed TCP header: no TCP layer, and a reason.
            expect(p.tcp).toBeNull();
            expect(p.failure, `${file} cut at ${cut}`).not.toBeNull();
            kinds.set(p.failure!.kind, (kinds.get(p.failure!.kind) ?? 0) + 1);
          } else if (cut < tcpEnd) {
            // Cut inside the options: the header is there, its options as far as captured.
            expect(p.tcp?.options.length).toBe(cut - fixedEnd);
            expect(p.tcp?.payload.length).toBe(0);
          } else {
            // Cut in the payload: the header is all there, the payload is what was captured.
            expect(p.tcp?.payloadLength).toBe(full.tcp!.payloadLength);
            expect(p.tcp!.payload.length).toBe(Math.max(0, Math.min(cut, full.tcp!.offset + full.tcp!.payloadLength + full.tcp!.headerLength) - tcpEnd));
          }
        }
      }
    }
    expect(cuts).toBeGreaterThan(10_000);
    expect([...kinds.keys()].sort()).toEqual(['truncated-ip', 'truncated-link', 'truncated-tcp']);
  });

  it('names a lying IPv4 header instead of trusting it', () => {
    const frame = ethernetIpv4Tcp();
    frame.data[14] = 0x44; // header length 16 bytes
    expect(decodeFrame(frame).failure).toEqual({ kind: 'bad-ip-header', detail: 'bad-hlen 16' });
    const zeroLength = ethernetIpv4Tcp();
    zeroLength.data.writeUInt16BE(0, 16); // total length 0 (as TSO captures have)
    expect(decodeFrame(zeroLength).failure).toEqual({ kind: 'bad-ip-header', detail: 'bad-len 0' });
  });

  it('names a TCP data offset that points outside the segment', () => {
    const frame = ethernetIpv4Tcp();
    frame.data[14 + 20 + 12] = 0xf0; // 60-byte header in a 24-byte segment
    const p = decodeFrame(frame);
    expect(p.tcp).toBeNull();
    expect(p.failure?.kind).toBe('bad-tcp-header');
  });

  it('does not read Ethernet padding as payload', () => {
    const frame = ethernetIpv4Tcp();
    const padded: Frame = { ...frame, data: Buffer.concat([frame.data, Buffer.alloc(6, 0xee)]), origLen: frame.data.length + 6 };
    const p = decodeFrame(padded);
    expect(p.tcp?.payload.toString()).toBe('GET ');
  });

  it('skips non-first IPv4 fragments at the transport layer', () => {
    const frame = ethernetIpv4Tcp();
    frame.data.writeUInt16BE(0x0010, 14 + 6); // fragment offset 128 bytes
    const p = decodeFrame(frame);
    expect(p.ip?.fragmentOffset).toBe(128);
    expect(p.tcp).toBeNull();
    expect(p.failure).toBeNull();
  });

  it('reports an unknown link type', () => {
    const p = decodeFrame({ ...ethernetIpv4Tcp(), linkType: 147 });
    expect(p.failure?.kind).toBe('unknown-link-type');
    expect(p.ip).toBeNull();
  });
});

/** Everything a decoded packet tells, as plain data (the views read out). */
function described(p: DecodedPacket): unknown {
  const { ip, tcp } = p;
  return {
    frame: p.frame,
    link: { ...p.link },
    vlans: [...p.vlans],
    etherType: p.etherType,
    ip: ip && {
      version: ip.version, src: ip.src, dst: ip.dst, srcBytes: [...ip.srcBytes], dstBytes: [...ip.dstBytes], protocol: ip.protocol, firstNextHeader: ip.firstNextHeader,
      offset: ip.offset, headerLength: ip.headerLength, totalLength: ip.totalLength, wireLength: ip.wireLength, fragmentOffset: ip.fragmentOffset, moreFragments: ip.moreFragments, ttl: ip.ttl,
    },
    tcp: tcp && {
      srcPort: tcp.srcPort, dstPort: tcp.dstPort, seq: tcp.seq, ack: tcp.ack, flags: tcp.flags, window: tcp.window, urgentPointer: tcp.urgentPointer, offset: tcp.offset,
      headerLength: tcp.headerLength, options: [...tcp.options], payloadLength: tcp.payloadLength, payload: tcp.payload.toString('latin1'), capturedPayloadLength: tcp.capturedPayloadLength,
    },
    udp: p.udp,
    failure: p.failure,
  };
}

describe('PacketDecoder (one reused packet)', () => {
  it('decodes every frame of every capture, and every truncation of some, as decodeFrame does', async () => {
    const decoder = new PacketDecoder();
    let compared = 0;
    for (const file of allCaptures()) {
      const all = await frames(file);
      // Cut frames too: failures must leave no header of the packet before in the reused packet.
      const cut = all.slice(0, 4).flatMap((f) => Array.from({ length: Math.min(f.data.length, 80) }, (_, n) => ({ ...f, data: f.data.subarray(0, n) })));
      for (const frame of [...all, ...cut]) {
        expect(described(decoder.decode(frame))).toEqual(described(decodeFrame(frame)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});

/** A minimal Ethernet/IPv4/TCP frame carrying "GET " (for cases real captures do not have). */
function ethernetIpv4Tcp(): { -readonly [K in keyof Frame]: Frame[K] } {
  const data = Buffer.alloc(14 + 20 + 20 + 4);
  data.writeUInt16BE(0x0800, 12);
  data[14] = 0x45;
  data.writeUInt16BE(20 + 20 + 4, 16);
  data[14 + 9] = IpProtocol.TCP;
  data.set([10, 0, 0, 1, 10, 0, 0, 2], 14 + 12);
  data.writeUInt16BE(40000, 34);
  data.writeUInt16BE(80, 36);
  data[34 + 12] = 0x50;
  data[34 + 13] = 0x18;
  data.write('GET ', 54, 'latin1');
  return { tsSec: 1, tsNsec: 0, linkType: LinkType.ETHERNET, data, origLen: data.length, interfaceId: 0 };
}
