/**
 * Nothing lost: damage around the packets (a file cut mid-packet, an unknown pcapng block, an
 * interface of a link type we do not decode) must not cost the packets that are readable. The
 * bundled lab capture is damaged in each way; its pairs must all still be found, and the summary
 * must say what was skipped and why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_CAPTURES, REPO_ROOT } from '../helpers/captures.js';
import { idb, packetBlock, pcapngBlock, pcapngBlocks, pcapRecordEnds } from '../helpers/pcap-builder.js';

const BIN = join(REPO_ROOT, 'dist/cli/main.js');
const LAB = join(LAB_CAPTURES, 'lab');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-lost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  readonly packets: number;
  readonly pairs: number;
  readonly verdicts: Record<string, number>;
  readonly anomalies: Record<string, number>;
  readonly skipped: string[];
}

function summary(file: string): Summary {
  const r = spawnSync(BIN, ['--view', 'summary', '--json', '-r', file], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Summary;
}

const intact = summary(join(LAB, 'client-eth0.pcap'));

describe('damage costs only what it touches', () => {
  it('a file cut mid-packet: every whole packet analysed, the cut named', () => {
    const file = readFileSync(join(LAB, 'client-eth0.pcap'));
    const ends = pcapRecordEnds(file);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, file.subarray(0, ends[ends.length - 1] - 10)); // the last packet loses its tail
    const s = summary(cut);
    expect(s.packets).toBe(intact.packets - 1);
    expect(s.pairs).toBe(intact.pairs);
    expect(s.skipped).toEqual([expect.stringMatching(/truncated dump file/)]);
  });

  it('a pcapng block of an unknown type in the middle: read past, and reported', () => {
    const file = readFileSync(join(LAB, 'client-eth0.pcapng'));
    const blocks = pcapngBlocks(file);
    const middle = blocks[Math.floor(blocks.length / 2)].start;
    const damaged = join(dir, 'unknown-block.pcapng');
    writeFileSync(damaged, Buffer.concat([file.subarray(0, middle), pcapngBlock(0x0bad0bad, Buffer.alloc(64, 0x41)), file.subarray(middle)]));
    const s = summary(damaged);
    expect(s.packets).toBe(intact.packets);
    expect(s.verdicts).toEqual(intact.verdicts);
    expect(s.skipped).toEqual([expect.stringMatching(/0x0bad0bad/i)]);
  });

  it('packets of an interface whose link type is not decoded: counted, and the others all analysed', () => {
    const file = readFileSync(join(LAB, 'client-eth0.pcapng'));
    const blocks = pcapngBlocks(file);
    const firstPacket = blocks.findIndex((b) => b.type === 6);
    const head = file.subarray(0, blocks[firstPacket].start);
    const strange = [1, 2, 3].map((n) => packetBlock({ interfaceId: 1, ts: 0n, data: Buffer.alloc(40, n) }));
    const mixed = join(dir, 'unknown-link.pcapng');
    writeFileSync(mixed, Buffer.concat([head, idb({ linkType: 147 }), ...strange, file.subarray(blocks[firstPacket].start)]));
    const s = summary(mixed);
    expect(s.packets).toBe(intact.packets + 3);
    expect(s.verdicts).toEqual(intact.verdicts);
    expect(s.anomalies['decode.unknown-link-type']).toBe(3);
  });
});
