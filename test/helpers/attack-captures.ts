/**
 * Hostile captures, generated (never committed): a SYN flood, an endless chunked body, a gzip
 * bomb, one x-request-id shared by a flood of requests, and megabytes of request headers. Each
 * is a real classic pcap of Ethernet/IPv4/TCP frames with consistent sequence numbers, written
 * as a stream so that the generator itself stays small in memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { pcapHeader, pcapRecord } from './pcap-builder.js';

const SYN = 0x02;
const ACK = 0x10;
const PSH_ACK = 0x18;
const MSS = 60_000; // payload per segment: offload-sized, as real node captures have them

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

/** One Ethernet/IPv4/TCP frame. Checksums are left zero (offload, as on veths). */
function tcpFrame(src: string, sport: number, dst: string, dport: number, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const frame = Buffer.alloc(14 + 20 + 20 + payload.length);
  frame.writeUInt16BE(0x0800, 12);
  const ip = 14;
  frame[ip] = 0x45;
  frame.writeUInt16BE(Math.min(0xffff, 40 + payload.length), ip + 2);
  frame[ip + 8] = 64;
  frame[ip + 9] = 6;
  ipv4Bytes(src).copy(frame, ip + 12);
  ipv4Bytes(dst).copy(frame, ip + 16);
  const tcp = ip + 20;
  frame.writeUInt16BE(sport, tcp);
  frame.writeUInt16BE(dport, tcp + 2);
  frame.writeUInt32BE(seq >>> 0, tcp + 4);
  frame.writeUInt32BE(ack >>> 0, tcp + 8);
  frame[tcp + 12] = 5 << 4;
  frame[tcp + 13] = flags;
  frame.writeUInt16BE(65535, tcp + 14);
  payload.copy(frame, tcp + 20);
  return frame;
}

/** A pcap file written as a stream, with a packet clock in microseconds. */
export class PcapStream {
  private readonly out: WriteStream;
  private micros = 1_800_000_000_000_000;
  packets = 0;

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.out.write(pcapHeader());
  }

  async frame(data: Buffer, advanceMicros = 10): Promise<void> {
    this.micros += advanceMicros;
    this.packets++;
    const ok = this.out.write(pcapRecord({ tsSec: Math.floor(this.micros / 1e6), tsSub: this.micros % 1e6, data }));
    if (!ok) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** A TCP connection that has done its handshake, sending data each way in MSS-sized segments. */
export class Connection {
  private clientSeq = 1000;
  private serverSeq = 5000;

  constructor(
    private readonly pcap: PcapStream,
    readonly client: string,
    readonly clientPort: number,
    readonly server: string,
    readonly serverPort: number,
  ) {}

  async open(): Promise<this> {
    await this.pcap.frame(tcpFrame(this.client, this.clientPort, this.server, this.serverPort, this.clientSeq - 1, 0, SYN, Buffer.alloc(0)));
    await this.pcap.frame(tcpFrame(this.server, this.serverPort, this.client, this.clientPort, this.serverSeq - 1, this.clientSeq, SYN | ACK, Buffer.alloc(0)));
    await this.pcap.frame(tcpFrame(this.client, this.clientPort, this.server, this.serverPort, this.clientSeq, this.serverSeq, ACK, Buffer.alloc(0)));
    return this;
  }

  async request(bytes: Buffer | string): Promise<void> {
    this.clientSeq = await this.send(Buffer.from(bytes), this.client, this.clientPort, this.server, this.serverPort, this.clientSeq, this.serverSeq);
  }

  async response(bytes: Buffer | string): Promise<void> {
    this.serverSeq = await this.send(Buffer.from(bytes), this.server, this.serverPort, this.client, this.clientPort, this.serverSeq, this.clientSeq);
  }

  private async send(bytes: Buffer, from: string, fromPort: number, to: string, toPort: number, seq: number, ack: number): Promise<number> {
    for (let at = 0; at < bytes.length; at += MSS) {
      const part = bytes.subarray(at, at + MSS);
      await this.pcap.frame(tcpFrame(from, fromPort, to, toPort, seq, ack, PSH_ACK, part));
      seq = (seq + part.length) >>> 0;
    }
    return seq;
  }
}

const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

/** `count` SYNs from distinct client ports and addresses to one server, never answered. */
export async function synFlood(path: string, count: number): Promise<number> {
  const pcap = new PcapStream(path);
  for (let i = 0; i < count; i++) {
    const client = `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${(i & 0xff) | 1}`;
    await pcap.frame(tcpFrame(client, 1024 + (i % 60000), '10.99.0.1', 80, i * 7919, 0, SYN, Buffer.alloc(0)), 1);
  }
  await pcap.close();
  return pcap.packets;
}

/** One response whose chunked body never ends: `megabytes` of 64 KiB chunks. */
export async function endlessChunked(path: string, megabytes: number): Promise<void> {
  const pcap = new PcapStream(path);
  const c = await new Connection(pcap, '10.0.0.1', 40000, '10.0.0.2', 80).open();
  await c.request('GET /stream HTTP/1.1\r\nHost: api:80\r\nx-request-id: endless\r\n\r\n');
  await c.response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
  const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 0x61), Buffer.from('\r\n')]);
  for (let i = 0; i < megabytes * 16; i++) await c.response(chunk);
  await pcap.close();
}

/** gzip of `bytes` zero bytes, made as a stream (1 GiB of zeros compresses to about 1 MB). */
async function gzipOfZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (b: Buffer) => parts.push(b));
  const block = Buffer.alloc(1 << 20);
  for (let done = 0; done < bytes; done += block.length) {
    if (!gzip.write(block)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(gzip, 'end');
  return Buffer.concat(parts);
}

/** A primary/shadow pair whose answers are gzip bombs of `bytes` decoded bytes. */
export async function gzipBomb(path: string, bytes: number): Promise<number> {
  const bomb = await gzipOfZeros(bytes);
  const pcap = new PcapStream(path);
  for (const [server, host] of [
    ['10.0.0.2', 'api:80'],
    ['10.0.0.3', 'api-shadow:80'],
  ]) {
    const c = await new Connection(pcap, '10.0.0.1', host.includes('shadow') ? 40001 : 40000, server, 80).open();
    await c.request(`GET /bomb HTTP/1.1\r\nHost: ${host}\r\nx-request-id: bomb\r\n\r\n`);
    await c.response(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: ${bomb.length}\r\n\r\n`), bomb]));
  }
  await pcap.close();
  return bomb.length;
}

/** `count` requests (half to the shadow Host) that all carry the same x-request-id. */
export async function sharedRequestId(path: string, count: number): Promise<void> {
  const pcap = new PcapStream(path);
  const perConnection = 100;
  for (let n = 0; n < count; n += perConnection) {
    const shadow = (n / perConnection) % 2 === 1;
    const connection = n / perConnection;
    const c = await new Connection(pcap, '10.0.0.1', 1024 + (connection % 60000), shadow ? '10.0.0.3' : '10.0.0.2', 80).open();
    for (let i = 0; i < perConnection && n + i < count; i++) {
      await c.request(`GET /same/${n + i} HTTP/1.1\r\nHost: ${shadow ? 'api-shadow:80' : 'api:80'}\r\nx-request-id: one-id-for-all\r\n\r\n`);
      await c.response(ok('{"ok":true}'));
    }
  }
  await pcap.close();
}

/**
 * `count` requests that were never mirrored (no shadow leg: each waits out the pairing window),
 * each answered with `bodyBytes` of a body of its own, on one keep-alive connection.
 */
export async function largeUnmirroredBodies(path: string, count: number, bodyBytes: number): Promise<void> {
  const pcap = new PcapStream(path);
  const c = await new Connection(pcap, '10.0.0.1', 40000, '10.0.0.2', 80).open();
  const body = Buffer.alloc(bodyBytes, 0x62);
  for (let i = 0; i < count; i++) {
    await c.request(`GET /download/${i} HTTP/1.1\r\nHost: api:80\r\nx-request-id: download-${i}\r\n\r\n`);
    body.write(`${i}`.padStart(12, '0'));
    await c.response(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bodyBytes}\r\n\r\n`), body]));
  }
  await pcap.close();
}

/** A request whose headers run to `megabytes` MB (one huge cookie), answered normally. */
export async function hugeHeaders(path: string, megabytes: number): Promise<void> {
  const pcap = new PcapStream(path);
  const c = await new Connection(pcap, '10.0.0.1', 40000, '10.0.0.2', 80).open();
  await c.request(`GET /big HTTP/1.1\r\nHost: api:80\r\nx-request-id: big\r\nCookie: ${'c'.repeat(megabytes << 20)}\r\n\r\n`);
  await c.response(ok('{"ok":true}'));
  await c.request('GET /after HTTP/1.1\r\nHost: api:80\r\nx-request-id: after\r\n\r\n');
  await c.response(ok('{"ok":true}'));
  await pcap.close();
}
