/**
 * A capture whose HTTP traffic carries terminal escape sequences (screen clears, OSC 52
 * clipboard writes, window titles, hyperlinks, colours, C1 controls, bidi overrides) in the
 * request target, headers and bodies of both legs of one mirrored request: what an attacker who
 * can send requests through the mesh could try against the SRE reading the traffic.
 * Ethernet/IPv4/TCP frames with real handshakes, made here byte by byte (checksums included).
 */
import { buildPcap, type PcapRecord } from '../../helpers/pcap-builder.js';

/** Each sequence and what it would do if printed raw. */
export const ATTACKS = {
  clear: '\x1b[2J\x1b[H',
  clipboard: '\x1b]52;c;cHduZWQ=\x07',
  title: '\x1b]2;pwned-title\x07',
  hyperlink: '\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\',
  colour: '\x1b[41;97m',
  c1: '\x9b2J',
  bidi: '\u202e',
} as const;

const MAC_A = Buffer.from('020000000001', 'hex');
const MAC_B = Buffer.from('020000000002', 'hex');

function checksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) + (i + 1 < bytes.length ? bytes[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const ip4 = (text: string): Buffer => Buffer.from(text.split('.').map(Number));

interface Segment {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly payload?: Buffer;
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

function frame(s: Segment): Buffer {
  const payload = s.payload ?? Buffer.alloc(0);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(s.sport, 0);
  tcp.writeUInt16BE(s.dport, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4);
  tcp.writeUInt32BE(s.ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = s.flags;
  tcp.writeUInt16BE(65535, 14);
  const pseudo = Buffer.concat([ip4(s.src), ip4(s.dst), Buffer.from([0, 6]), Buffer.from([0, 0])]);
  pseudo.writeUInt16BE(20 + payload.length, 10);
  tcp.writeUInt16BE(checksum(Buffer.concat([pseudo, tcp, payload])), 16);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  ip4(s.src).copy(ip, 12);
  ip4(s.dst).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);
  return Buffer.concat([MAC_B, MAC_A, Buffer.from([0x08, 0x00]), ip, tcp, payload]);
}

/** One connection: handshake, request, response, FIN from both sides. */
function exchange(client: string, cport: number, server: string, request: Buffer, response: Buffer): Segment[] {
  const c = 1000;
  const s = 5000;
  const out = { src: client, dst: server, sport: cport, dport: 80 };
  const back = { src: server, dst: client, sport: 80, dport: cport };
  return [
    { ...out, seq: c, ack: 0, flags: SYN },
    { ...back, seq: s, ack: c + 1, flags: SYN | ACK },
    { ...out, seq: c + 1, ack: s + 1, flags: ACK },
    { ...out, seq: c + 1, ack: s + 1, flags: PSH | ACK, payload: request },
    { ...back, seq: s + 1, ack: c + 1 + request.length, flags: PSH | ACK, payload: response },
    { ...out, seq: c + 1 + request.length, ack: s + 1 + response.length, flags: FIN | ACK },
    { ...back, seq: s + 1 + response.length, ack: c + 2 + request.length, flags: FIN | ACK },
    { ...out, seq: c + 2 + request.length, ack: s + 2 + response.length, flags: ACK },
  ];
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

function request(host: string): Buffer {
  const a = ATTACKS;
  return latin1(
    `GET /search?q=${a.clear}${a.title} HTTP/1.1\r\nHost: ${host}\r\nX-Request-Id: evil-1\r\nUser-Agent: ${a.clipboard}curl\r\nX-Link: ${a.hyperlink}\r\nX-C1: ${a.c1}\r\n\r\n`,
  );
}

/** Bodies are UTF-8 text (so they are compared and shown as text), with the C1 CSI as U+009B. */
function response(body: string, server: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([latin1(`HTTP/1.1 200 OK\r\nServer: ${server}\r\nContent-Type: text/plain\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes]);
}

/** The capture: the primary and the shadow leg of request `evil-1`, both answers full of escapes. */
export function escapeCapture(): Buffer {
  const a = ATTACKS;
  const primary = exchange('10.9.0.1', 41000, '10.9.0.2', request('api:80'), response(`ok ${a.colour}${a.clear}${a.bidi}\n`, `nginx${a.title}`));
  const shadow = exchange('10.9.0.1', 42000, '10.9.0.3', request('api-shadow:80'), response(`changed ${a.clipboard}${a.c1}${a.bidi}\n`, `nginx${a.title}`));
  const records: PcapRecord[] = [...primary, ...shadow].map((s, i) => ({ tsSec: 1_800_000_000, tsSub: i * 100, data: frame(s) }));
  return buildPcap(records);
}
