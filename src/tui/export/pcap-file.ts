/**
 * A classic pcap file of the packets the TUI kept for the chosen pairs: the packets that carried
 * their messages (not the handshakes or bare ACKs), as raw IP (LINKTYPE_RAW, 101), so packets
 * from different link types can share one file. tcpdump, tshark and Wireshark read it.
 */
import type { Micros } from '../../core/time.js';
import type { RecordedPacket } from '../../render/packet-lines.js';

const LINKTYPE_RAW = 101;
const SNAPLEN = 262144;

export function pcapHeader(): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(SNAPLEN, 16);
  b.writeUInt32LE(LINKTYPE_RAW, 20);
  return b;
}

/** One record, or null when the packet's bytes were not kept. */
export function pcapRecord(p: RecordedPacket): Buffer | null {
  if (p.dump === null) return null;
  const ip = p.dump.subarray(p.ipStart);
  const head = Buffer.alloc(16);
  const at: Micros = p.at;
  head.writeUInt32LE(Math.floor(at / 1_000_000), 0);
  head.writeUInt32LE(at % 1_000_000, 4);
  head.writeUInt32LE(ip.length, 8);
  head.writeUInt32LE(Math.max(ip.length, p.wireLength - p.ipStart), 12);
  return Buffer.concat([head, ip]);
}
