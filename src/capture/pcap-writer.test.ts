import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../core/frame.js';
import { ShadowdumpError } from '../core/errors.js';
import { LAB_CAPTURES } from '../../test/helpers/captures.js';
import { HOST_LITTLE_ENDIAN, RECORD_HEADER_BYTES } from './live-records.js';
import { openCapture } from './open-capture.js';
import { PcapFileWriter, pcapFileHeader } from './pcap-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'shadowdump-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLIENT_ETH0 = join(LAB_CAPTURES, 'lab', 'client-eth0.pcap');

async function frames(path: string): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const batch of (await openCapture(path)).batches()) out.push(...batch);
  return out;
}

/** A frame as a record in the live form (host byte order), as the capture thread writes it. */
function record(f: Frame): Buffer {
  const head = Buffer.alloc(RECORD_HEADER_BYTES);
  const view = new DataView(head.buffer, head.byteOffset, RECORD_HEADER_BYTES);
  [f.tsSec, f.tsNsec / 1000, f.data.length, f.origLen].forEach((v, i) => view.setUint32(4 * i, v, HOST_LITTLE_ENDIAN));
  return Buffer.concat([head, f.data]);
}

describe('the -w writer', () => {
  it('writes the file header tcpdump writes', () => {
    const out = join(dir, 'tcpdump-copy.pcap');
    expect(spawnSync('tcpdump', ['-r', CLIENT_ETH0, '-w', out]).status).toBe(0);
    expect(pcapFileHeader(1, 262144).equals(readFileSync(out).subarray(0, 24))).toBe(true);
  });

  it('writes records that tcpdump and shadowdump read back as they were', async () => {
    const original = await frames(CLIENT_ETH0);
    const out = join(dir, 'copy.pcap');
    const writer = PcapFileWriter.open(out, 1, 262144);
    // In uneven chunks, as the capture thread hands them over.
    for (let i = 0; i < original.length; i += 37) writer.write(Buffer.concat(original.slice(i, i + 37).map(record)));
    writer.close();
    const copy = await frames(out);
    expect(copy.map((f) => [f.tsSec, f.tsNsec, f.origLen, f.data.toString('hex')])).toEqual(original.map((f) => [f.tsSec, f.tsNsec, f.origLen, f.data.toString('hex')]));
    const ours = spawnSync('tcpdump', ['-nn', '-tt', '-r', out], { encoding: 'utf8' }).stdout;
    expect(ours).toBe(spawnSync('tcpdump', ['-nn', '-tt', '-r', CLIENT_ETH0], { encoding: 'utf8' }).stdout);
  });

  it('cannot create the file: one line', () => {
    const err = (() => {
      try {
        PcapFileWriter.open(join(dir, 'missing', 'x.pcap'), 1, 65535);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ShadowdumpError);
    expect((err as ShadowdumpError).code).toBe('output-failed');
    expect((err as ShadowdumpError).message).toMatch(/^cannot write .*missing\/x\.pcap: ENOENT/);
  });
});
