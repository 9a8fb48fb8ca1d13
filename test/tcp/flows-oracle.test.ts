/**
 * `--flows` against the real tcpflow 1.6.1: for every capture in captures/ and the public corpus,
 * `tcpflow -Z -r FILE -o DIR` and our reassembly + FlowFileWriter write their directories, which
 * must match file for file and byte for byte for every connection without gaps (where bytes are
 * missing the two tools legitimately fill differently). Every difference we accept is listed
 * below with its reason, so a regression and an unexpected improvement both fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Direction } from '../../src/core/flow.js';
import type { Micros } from '../../src/core/time.js';
import { FlowFileWriter, type WrittenFlowFile } from '../../src/render/flow-files.js';
import type { Connection, EndReason, StreamSink } from '../../src/tcp/types.js';
import { allCaptures } from '../helpers/captures.js';
import { reassembleCapture } from './reassemble-capture.js';

type DifferenceKind = 'content' | 'only-tcpflow' | 'only-ours';

type Accepted =
  | {
      readonly reason: string;
      /** File name -> how it differs. */
      readonly files: Readonly<Record<string, DifferenceKind>>;
    }
  | {
      readonly reason: string;
      /** tcpflow cannot read the capture: its directory stays empty and ours has this many files. */
      readonly tcpflowWritesNothing: number;
    };

function expectedDifferences(a: Accepted | undefined, ours: readonly string[]): Record<string, DifferenceKind> {
  if (a === undefined) return {};
  if ('files' in a) return { ...a.files };
  expect(ours).toHaveLength(a.tcpflowWritesNothing);
  return Object.fromEntries(ours.map((n) => [n, 'only-ours' as const]));
}

const ACCEPTED: Record<string, Accepted> = {
  'any.pcap': {
    reason: 'LINUX_SLL2 (tcpdump -i any): tcpflow 1.6.1 cannot read this link type and writes nothing',
    tcpflowWritesNothing: 46,
  },
  'arkime-80211http.pcap': {
    reason: 'IEEE 802.11 + radiotap link layer: our decoder does not decode it (tcpflow does)',
    files: {
      '014.017.032.211.00080-172.005.005.113.49417': 'only-tcpflow',
      '172.005.005.113.49417-014.017.032.211.00080': 'only-tcpflow',
    },
  },
  'arkime-http-500-head.pcap': {
    reason: 'tcpflow takes the 6 bytes of Ethernet padding as payload: appended to both directions, and as new c1 flows after the FINs',
    files: {
      '010.156.206.202.00080-010.172.010.016.49323': 'content',
      '010.156.206.202.00080-010.172.010.016.49323c1': 'only-tcpflow',
      '010.172.010.016.49323-010.156.206.202.00080': 'content',
      '010.172.010.016.49323-010.156.206.202.00080c1': 'only-tcpflow',
    },
  },
  'arkime-http-wrapped-header.pcap': {
    reason: 'tcpflow takes the 6 bytes of Ethernet padding as payload (appended to both directions)',
    files: {
      '010.000.000.001.61462-010.000.000.002.00080': 'content',
      '010.000.000.002.00080-010.000.000.001.61462': 'content',
    },
  },
  'gopacket-test_loopback.pcap': {
    reason: 'IPv6 over DLT_NULL: tcpflow 1.6.1 cannot read it and writes nothing',
    tcpflowWritesNothing: 2,
  },
  'ndpi-fuzz-2006-09-29-28586.pcap': {
    reason: 'fuzzed capture: tcpflow takes Ethernet trailers, and bytes past corrupted IP total lengths, as payload (appended, or as flows of their own for packets without data)',
    files: {
      '172.020.002.013.00080-172.020.003.005.02607': 'content',
      '172.020.003.005.00080-172.020.003.013.53132': 'only-tcpflow',
      '172.020.003.005.00080-172.020.003.013.53136c1': 'only-tcpflow',
      '172.020.003.005.00080-172.020.003.013.53136c2': 'only-tcpflow',
      '172.020.003.005.00080-172.020.035.013.53136': 'only-tcpflow',
      '172.020.003.005.02600-172.020.003.013.00080': 'only-tcpflow',
      '172.020.003.005.02601-172.020.003.013.00080c1': 'only-tcpflow',
      '172.020.003.005.02602-172.020.003.013.00080': 'content',
      '172.020.003.005.02602-172.020.003.013.00080c1': 'only-tcpflow',
      '172.020.003.005.02602-172.021.003.013.00080': 'only-tcpflow',
      '172.020.003.005.02603-068.037.115.000.00080': 'only-tcpflow',
      '172.020.003.005.02603-072.020.003.013.00080': 'only-tcpflow',
      '172.020.003.005.02603-172.020.003.013.00080': 'only-tcpflow',
      '172.020.003.005.02603-172.020.003.077.00080': 'only-tcpflow',
      '172.020.003.005.02606-172.020.003.013.00080c1': 'only-tcpflow',
      '172.020.003.005.02608-172.020.003.013.00080': 'content',
    },
  },
  'ndpi-http_starting_with_reply.pcapng': {
    reason: 'tcpflow takes the 6 bytes of Ethernet padding as payload: appended, and as a c1 flow after the FIN',
    files: {
      '192.168.001.146.00080-192.168.001.103.01044': 'content',
      '192.168.001.146.00080-192.168.001.103.01044c1': 'only-tcpflow',
    },
  },
  'suricata-decode-sll2-02.pcap': {
    reason: 'LINUX_SLL2: tcpflow 1.6.1 cannot read this link type and writes nothing',
    tcpflowWritesNothing: 2,
  },
  'suricata-http-ipv6.pcap': {
    reason: 'IPv6 over DLT_NULL: tcpflow 1.6.1 cannot read it and writes nothing',
    tcpflowWritesNothing: 2,
  },
  'suricata-http-pipeline-files-with-gap.pcap': {
    reason: 'tcpflow turns the Ethernet padding of a packet after the FIN into a c1 flow (the appended padding itself is in a flow with a gap, not compared)',
    files: {
      '192.168.122.155.51001-216.239.138.068.00080c1': 'only-tcpflow',
    },
  },
  'suricata-pppoe-session-http.pcap': {
    reason: 'PPPoE session: tcpflow 1.6.1 cannot read it and writes nothing',
    tcpflowWritesNothing: 2,
  },
  'suricata-response_identity_identity_gzip_identity_gzip_gzip.pcap': {
    reason: 'tcpflow takes the 6 bytes of Ethernet padding as payload: appended, and as a c1 flow after the FIN',
    files: {
      '192.168.235.101.08080-192.168.235.001.55371': 'content',
      '192.168.235.101.08080-192.168.235.001.55371c1': 'only-tcpflow',
    },
  },
  'suricata-syn_retransmit_with_ts.pcap': {
    reason: 'frames carry a 4-byte FCS that tcpflow takes as payload: appended to the client flow, as a c1 flow after the FIN, and written over 4 bytes in the middle of the server flow (at offset 13032, by a retransmission with an FCS)',
    files: {
      '010.038.251.146.33372-010.038.251.147.00080--3136': 'content',
      '010.038.251.146.33372-010.038.251.147.00080--3136c1': 'only-tcpflow',
      '010.038.251.147.00080-010.038.251.146.33372': 'content',
    },
  },
  'suricata-with_evasion_linux.pcap': {
    reason: 'RST, then a SYN-ACK on the same 4-tuple: we close at the RST and open connection 2 at the SYN-ACK; its 338-byte request takes the plain name because connection 1 wrote nothing, while tcpflow wrote 6 bytes of padding of the client RST under it and put the request in c1',
    files: {
      '192.168.001.043.35532-192.168.001.090.00080': 'content',
      '192.168.001.043.35532-192.168.001.090.00080c1': 'only-tcpflow',
    },
  },
  'tcpdump-arcnet-rfc1201-arp-icmp-http.pcap': {
    reason: 'ARCNET: tcpflow 1.6.1 cannot read this link type and writes nothing',
    tcpflowWritesNothing: 2,
  },
  'zeek-100-continue.pcap': {
    reason: 'tcpflow turns the Ethernet padding of a packet after the FIN into a c1 flow',
    files: {
      '128.146.216.051.00080-192.168.003.103.54102c1': 'only-tcpflow',
    },
  },
  'zeek-206_example_b.pcap': {
    reason: 'tcpflow takes Ethernet padding (2 or 6 bytes) as payload, appended to both directions of both connections',
    files: {
      '065.054.095.014.00080-192.168.072.014.03257': 'content',
      '065.054.095.206.00080-192.168.072.014.03254': 'content',
      '192.168.072.014.03254-065.054.095.206.00080': 'content',
      '192.168.072.014.03257-065.054.095.014.00080': 'content',
    },
  },
  'zeek-bro.org.pcap': {
    reason: 'tcpflow takes Ethernet padding as payload: appended to the server flows, as c1 flows after the FINs, and as 6-byte flows for server directions that sent no data',
    files: {
      '192.150.187.043.00080-010.000.002.015.55079': 'content',
      '192.150.187.043.00080-010.000.002.015.55079c1': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55080': 'content',
      '192.150.187.043.00080-010.000.002.015.55080c1': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55082': 'content',
      '192.150.187.043.00080-010.000.002.015.55082c1': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55083': 'content',
      '192.150.187.043.00080-010.000.002.015.55083c1': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55085': 'content',
      '192.150.187.043.00080-010.000.002.015.55085c1': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55120': 'content',
      '192.150.187.043.00080-010.000.002.015.55120c1': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55128': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55129': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55130': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55131': 'only-tcpflow',
      '192.150.187.043.00080-010.000.002.015.55132': 'only-tcpflow',
    },
  },
  'zeek-get-to-ssh-server.pcap': {
    reason: 'tcpflow turns the Ethernet padding of a packet after the FIN into a c1 flow',
    files: {
      '130.074.164.231.00022-136.216.042.040.44338c1': 'only-tcpflow',
    },
  },
  'zeek-http-qinq-0.pcap': {
    reason: 'tcpflow names VLANs by the raw outer 802.1Q TCI (priority 5 and DEI set: 45056), we by the VLAN id (0)',
    files: {
      '141.142.228.005.59856-192.150.187.043.00080--45056': 'only-tcpflow',
      '192.150.187.043.00080-141.142.228.005.59856--45056': 'only-tcpflow',
      '141.142.228.005.59856-192.150.187.043.00080--0': 'only-ours',
      '192.150.187.043.00080-141.142.228.005.59856--0': 'only-ours',
    },
  },
  'zeek-nflog-http.pcap': {
    reason: 'NFLOG: tcpflow 1.6.1 cannot read this link type and writes nothing',
    tcpflowWritesNothing: 2,
  },
  'zeek-pipelined-requests.pcap': {
    reason: 'tcpflow takes Ethernet padding plus the 4-byte FCS (10 bytes) as payload: appended to the client flow, and as a c1 flow after the FIN',
    files: {
      '192.168.001.104.01673-063.245.209.011.00080': 'content',
      '192.168.001.104.01673-063.245.209.011.00080c1': 'only-tcpflow',
    },
  },
  'zeek-snap-tcp.pcap': {
    reason: 'IPv4 in 802.2 LLC/SNAP: tcpflow 1.6.1 cannot read it and writes nothing',
    tcpflowWritesNothing: 2,
  },
  'zeek-vnd.ms-cab-compressed-multi-conn.pcap': {
    reason: 'tcpflow takes Ethernet padding plus the 4-byte FCS (10 bytes) as payload, appended to the client flows',
    files: {
      '192.168.001.105.49433-065.054.095.007.00080': 'content',
      '192.168.001.105.49459-065.054.095.007.00080': 'content',
      '192.168.001.105.49461-065.054.095.007.00080': 'content',
      '192.168.001.105.49462-065.054.095.007.00080': 'content',
      '192.168.001.105.49463-065.054.095.007.00080': 'content',
    },
  },
};

const work = mkdtempSync(join(tmpdir(), 'shadowdump-flows-'));
// FLOWS_KEEP=1 keeps both tools' directories (path printed) for a closer look.
afterAll(() => (process.env.FLOWS_KEEP ? console.log(`flow directories kept in ${work}`) : rmSync(work, { recursive: true, force: true })));

/** Passes everything to the writer and notes the connections that had a gap. */
class GapNotingSink implements StreamSink {
  readonly gapped = new Set<number>();
  constructor(private readonly next: StreamSink) {}
  onOpen(conn: Connection): void {
    this.next.onOpen(conn);
  }
  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void {
    this.next.onData(conn, dir, bytes, first, last);
  }
  onGap(conn: Connection, dir: Direction, length: number, at: Micros): void {
    this.gapped.add(conn.id);
    this.next.onGap(conn, dir, length, at);
  }
  onClose(conn: Connection, reason: EndReason, at: Micros): void {
    this.next.onClose(conn, reason, at);
  }
}

async function ours(file: string, dir: string): Promise<{ gappedFiles: Set<string> }> {
  const created: WrittenFlowFile[] = [];
  const writer = new FlowFileWriter(dir, { onFileCreated: (f) => created.push(f) });
  const sink = new GapNotingSink(writer);
  await reassembleCapture(file, sink);
  writer.close();
  const gappedFiles = new Set(created.filter((w) => sink.gapped.has(w.connectionId)).map((w) => basename(w.path)));
  return { gappedFiles };
}

function tcpflow(file: string, dir: string): void {
  const r = spawnSync('tcpflow', ['-Z', '-r', file, '-o', dir], { encoding: 'latin1' });
  if (r.error) throw r.error;
}

function listFlows(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n !== 'report.xml').sort();
}

async function differences(file: string): Promise<{ found: Record<string, DifferenceKind>; mine: string[] }> {
  const name = basename(file);
  const theirDir = join(work, `${name}.tcpflow`);
  const ourDir = join(work, `${name}.ours`);
  tcpflow(file, theirDir);
  const { gappedFiles } = await ours(file, ourDir);
  const theirs = listFlows(theirDir).filter((n) => !gappedFiles.has(n));
  const mine = listFlows(ourDir).filter((n) => !gappedFiles.has(n));
  const out: Record<string, DifferenceKind> = {};
  const mineSet = new Set(mine);
  for (const n of theirs) {
    if (!mineSet.has(n)) out[n] = 'only-tcpflow';
    else if (!readFileSync(join(theirDir, n)).equals(readFileSync(join(ourDir, n)))) out[n] = 'content';
  }
  const theirSet = new Set(theirs);
  for (const n of mine) if (!theirSet.has(n)) out[n] = 'only-ours';
  return { found: out, mine };
}

const captures = allCaptures();

describe('--flows against tcpflow', () => {
  it.each(captures.map((c) => [basename(c), c]))('%s', async (name, file) => {
    const { found, mine } = await differences(file);
    // FLOWS_DUMP=1 prints what was found, to update the table.
    if (process.env.FLOWS_DUMP) console.log(`DUMP ${JSON.stringify({ name, found })}`);
    expect(found).toEqual(expectedDifferences(ACCEPTED[name], mine));
  });

  it('lists only captures that exist', () => {
    const names = new Set(captures.map((c) => basename(c)));
    expect(Object.keys(ACCEPTED).filter((n) => !names.has(n))).toEqual([]);
  });
});
