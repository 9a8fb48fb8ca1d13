/**
 * Reassembly against tshark's "Follow TCP stream" for every public capture, from the stored
 * oracle (captures/public/oracle/follow/<capture>/tshark: `tshark -z follow,tcp,raw,N`, one
 * file per stream and direction). Unlike the tcpflow comparison this covers the link types
 * tcpflow cannot read (SLL2, NFLOG, IPv6 on DLT_NULL, PPPoE, LLC/SNAP, ARCNET) and connections
 * with gaps: tshark writes "[N bytes missing in capture file]" and a NUL where bytes are
 * missing, which is compared as N zero bytes, and our gaps are filled with zeros the same way.
 *
 * Streams are matched by their two endpoints, in order. Every difference we accept is listed
 * with its reason, so regressions and unexpected improvements both fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEndpoint, type Direction } from '../../src/core/flow.js';
import type { Connection, StreamSink } from '../../src/tcp/types.js';
import { allCaptures, PUBLIC_CAPTURES } from '../helpers/captures.js';
import { reassembleCapture } from './reassemble-capture.js';

/** `stream N nodeK` -> what differs ('missing': we have no connection for the stream; 'content': bytes differ). */
type Differences = Record<string, 'missing' | 'content'>;

const ACCEPTED: Record<string, { readonly reason: string; readonly differences: Differences }> = {
  'arkime-80211http.pcap': {
    reason: 'IEEE 802.11 + radiotap: our decoder does not decode this link type',
    differences: { 'stream 0': 'missing' },
  },
  'ndpi-fuzz-2006-09-29-28586.pcap': {
    reason:
      'fuzzed capture: corrupted addresses and ports move segments out of their connections; where the ACKs ' +
      'and FINs show that bytes went missing we report gaps (zeros here), where tshark shows nothing or stops',
    differences: {
      'stream 1 node0': 'content',
      'stream 4 node1': 'content',
      'stream 17 node0': 'content',
      'stream 19 node0': 'content',
      'stream 33 node0': 'content',
      'stream 33 node1': 'content',
    },
  },
  'ndpi-quickplay.pcap': {
    reason: 'tshark leaves out the data after a hole here, without a gap marker (MANIFEST "Oracle caveats"); we (and tcpflow) have it',
    differences: { 'stream 0 node1': 'content', 'stream 1 node1': 'content' },
  },
  'suricata-TLPW1-tcp-174.56.47.59-10.3.11.101-tcp-80-49309.pcap': {
    reason: 'snaplen-cut packets: tshark keeps only the captured bytes, we report the rest as gaps (zeros here, as tcpflow writes)',
    differences: { 'stream 0 node1': 'content' },
  },
  'suricata-syn_retransmit_with_ts.pcap': {
    reason: 'the client side is VLAN-tagged and the server side is not: with VLANs in the key (the default) they are two connections for us',
    differences: { 'stream 0 node1': 'content' },
  },
  'tcpdump-ipv4_tcp_http_xml_tso.pcap': {
    reason: 'a TSO packet with IPv4 total length 0: tshark takes the captured length, our decoder rejects the header',
    differences: { 'stream 0': 'missing' },
  },
  'zeek-communityid-tcp.pcap': {
    reason: 'snaplen-cut packets: tshark keeps only the captured bytes, we report the rest as gaps',
    differences: { 'stream 0 node0': 'content', 'stream 0 node1': 'content' },
  },
};

/** Our streams per connection, gaps filled with zeros. */
class Collector implements StreamSink {
  readonly connections: Array<{ conn: Connection; bytes: Record<Direction, Buffer[]> }> = [];
  private readonly byId = new Map<number, Record<Direction, Buffer[]>>();
  onOpen(conn: Connection): void {
    const bytes = { request: [], response: [] };
    this.byId.set(conn.id, bytes);
    this.connections.push({ conn, bytes });
  }
  onData(conn: Connection, dir: Direction, bytes: Buffer): void {
    this.byId.get(conn.id)![dir].push(Buffer.from(bytes));
  }
  onGap(conn: Connection, dir: Direction, length: number): void {
    this.byId.get(conn.id)![dir].push(Buffer.alloc(length));
  }
  onClose(): void {}
}

/** tshark's raw follow output with each "[N bytes missing in capture file]\0" replaced by N zero bytes. */
function tsharkBytes(file: string): Buffer {
  const text = readFileSync(file).toString('latin1');
  return Buffer.from(
    text.replace(/\[(\d+) bytes missing in capture file\]\0/g, (_m, n: string) => '\0'.repeat(Number(n))),
    'latin1',
  );
}

async function differences(file: string, oracle: string): Promise<Differences> {
  const sink = new Collector();
  await reassembleCapture(file, sink);

  const found: Differences = {};
  // Connections without a byte are left out on both sides (tshark lists them, we may open one
  // for a SYN, or not for a stray ACK); a RST-then-new-handshake pair then matches one stream.
  const used = new Set(sink.connections.filter((c) => c.bytes.request.length + c.bytes.response.length === 0).map((c) => c.conn.id));
  const rows = readFileSync(join(oracle, 'index.tsv'), 'latin1').trim().split('\n').slice(1);
  for (const row of rows) {
    const [stream, node0, node1, bytes0, bytes1] = row.split('\t');
    if (bytes0 === '0' && bytes1 === '0') continue;
    const match = sink.connections.find(({ conn }) => {
      if (used.has(conn.id)) return false;
      const c = formatEndpoint(conn.client);
      const s = formatEndpoint(conn.server);
      return (c === node0 && s === node1) || (c === node1 && s === node0);
    });
    if (!match) {
      found[`stream ${stream}`] = 'missing';
      continue;
    }
    used.add(match.conn.id);
    const node0IsClient = formatEndpoint(match.conn.client) === node0;
    for (const node of [0, 1]) {
      const dir: Direction = (node === 0) === node0IsClient ? 'request' : 'response';
      const theirs = tsharkBytes(join(oracle, `stream${stream}.node${node}.bin`));
      if (!theirs.equals(Buffer.concat(match.bytes[dir]))) found[`stream ${stream} node${node}`] = 'content';
    }
  }
  return found;
}

const captures = allCaptures().filter((c) => existsSync(join(PUBLIC_CAPTURES, 'oracle/follow', basename(c), 'tshark/index.tsv')));

describe('reassembly against tshark follow', () => {
  it.each(captures.map((c) => [basename(c), c]))('%s', async (name, file) => {
    const found = await differences(file, join(PUBLIC_CAPTURES, 'oracle/follow', name, 'tshark'));
    // FOLLOW_DUMP=1 prints what was found, to update the table.
    if (process.env.FOLLOW_DUMP) console.log(`DUMP ${JSON.stringify({ name, found })}`);
    expect(found).toEqual(ACCEPTED[name]?.differences ?? {});
  });

  it('lists only captures that exist', () => {
    const names = new Set(captures.map((c) => basename(c)));
    expect(Object.keys(ACCEPTED).filter((n) => !names.has(n))).toEqual([]);
  });
});
