/**
 * The packet view against the real tcpdump: every capture in captures/ and the public corpus,
 * for -nn -tt, -nn (local time), -nn -A, -nn -X and -n, compared packet by packet. Every TCP packet must be identical;
 * the differences we accept are listed below with their reason and exact count, so both a
 * regression and an unexpected improvement fail. Other packets only need a sensible line.
 */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import type { Frame } from '../../src/core/frame.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { IpProtocol } from '../../src/decode/types.js';
import { PacketPrinter } from '../../src/render/tcpdump/packet-printer.js';
import type { TcpdumpOptions } from '../../src/render/tcpdump/options.js';
import { TimestampFormatter } from '../../src/render/tcpdump/timestamp.js';
import { allCaptures } from '../helpers/captures.js';

process.env.TZ = 'UTC';

interface Variant {
  readonly name: string;
  readonly tcpdumpArgs: readonly string[];
  readonly options: TcpdumpOptions;
}

const VARIANTS: readonly Variant[] = [
  { name: '-nn -tt', tcpdumpArgs: ['-nn', '-tt'], options: { timestamps: 'epoch', payload: 'none', numericPorts: true } },
  { name: '-nn', tcpdumpArgs: ['-nn'], options: { timestamps: 'local-time', payload: 'none', numericPorts: true } },
  { name: '-nn -A', tcpdumpArgs: ['-nn', '-tt', '-A'], options: { timestamps: 'epoch', payload: 'ascii', numericPorts: true } },
  { name: '-nn -X', tcpdumpArgs: ['-nn', '-tt', '-X'], options: { timestamps: 'epoch', payload: 'hex-ascii', numericPorts: true } },
  // tcpdump 4.99 skips its service table altogether with -n: ports stay numbers, as with -nn.
  { name: '-n', tcpdumpArgs: ['-n', '-tt'], options: { timestamps: 'epoch', payload: 'none', numericPorts: true } },
];

/** Deliberate differences: capture -> number of differing TCP packets (same in every variant), and why. */
const ACCEPTED: Record<string, { readonly tcpPackets: number; readonly reason: string }> = {
  'arkime-80211http.pcap': {
    tcpPackets: 26,
    reason: 'IEEE 802.11 + radiotap link layer: tcpdump prints the radio header fields; we do not decode this link type',
  },
};

function tcpdump(file: string, args: readonly string[]): string {
  const result = spawnSync('tcpdump', [...args, '-r', file], { env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 30, encoding: 'latin1' });
  if (result.error) throw result.error;
  return result.stdout;
}

interface OurPacket {
  readonly text: string;
  /** Timestamp prefix tcpdump starts this packet's text with (used to find packet boundaries). */
  readonly prefix: string;
  readonly isTcp: boolean;
}

async function ours(file: string, options: TcpdumpOptions): Promise<OurPacket[]> {
  const printer = new PacketPrinter(options);
  const stamps = new TimestampFormatter(options.timestamps);
  const source = await openCapture(file);
  const packets: OurPacket[] = [];
  for await (const batch of source.batches()) {
    for (const frame of batch) packets.push({ text: printer.format(decodeFrame(frame)), prefix: stamps.format(frame), isTcp: carriesTcp(frame) });
  }
  return packets;
}

function carriesTcp(frame: Frame): boolean {
  const ip = decodeFrame(frame).ip;
  return ip !== null && ip.protocol === IpProtocol.TCP;
}

interface Comparison {
  tcpDiffering: number;
  otherDiffering: number;
  examples: string[];
}

/**
 * Splits tcpdump's text into packets at the timestamp each packet must start with (tcpdump's
 * -A text may hold newlines, so lines alone cannot tell), then compares packet by packet.
 * A packet tcpdump printed as TCP ("Flags [") counts as TCP even where we could not decode it.
 */
function compare(theirs: string, mine: readonly OurPacket[]): Comparison {
  const result: Comparison = { tcpDiffering: 0, otherDiffering: 0, examples: [] };
  let cursor = 0;
  for (let i = 0; i < mine.length; i++) {
    const next = mine[i + 1];
    const end = next === undefined ? theirs.length : theirs.indexOf('\n' + next.prefix, cursor + mine[i].prefix.length) + 1;
    const theirText = theirs.slice(cursor, end > 0 ? end : theirs.length);
    cursor = end > 0 ? end : theirs.length;
    if (theirText === mine[i].text + '\n') continue;
    const isTcp = mine[i].isTcp || /^[^\n]* IP6? [^\n]*(Flags \[|\[\|tcp\])/.test(theirText);
    if (isTcp) {
      result.tcpDiffering++;
      if (result.examples.length < 3) result.examples.push(`packet ${i + 1}\n ours:    ${mine[i].text.slice(0, 400)}\n tcpdump: ${theirText.slice(0, 400)}`);
    } else result.otherDiffering++;
  }
  return result;
}

describe('--view packets is identical to tcpdump for TCP', () => {
  const files = allCaptures();
  it('has captures to compare', () => {
    expect(files.length).toBeGreaterThan(70);
  });
  for (const variant of VARIANTS) {
    describe(variant.name, () => {
      for (const file of files) {
        const name = basename(file);
        it(name, async () => {
          const theirs = tcpdump(file, variant.tcpdumpArgs);
          const mine = await ours(file, variant.options);
          const { tcpDiffering, examples } = compare(theirs, mine);
          const accepted = ACCEPTED[name];
          expect(tcpDiffering, `${accepted?.reason ?? 'TCP packets differ'}\n${examples.join('\n')}`).toBe(accepted?.tcpPackets ?? 0);
        });
      }
    });
  }
});
