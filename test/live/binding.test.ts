/**
 * The patched cap addon (patches/cap-timestamps-stats.patch) on the loopback interface, with a
 * kernel filter on a UDP port of this test's own: libpcap's timestamps and original lengths in
 * every record, pcap_stats, snaplen, the data link type, errors with their stage and status,
 * and the install script that applies the patch doing nothing the second time.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadCap, type CapHandle, type CapOpenError, type CapOpenOptions } from '../../src/capture/cap-binding.js';
import { RECORD_HEADER_BYTES, walkRecords } from '../../src/capture/live-records.js';
import { REPO_ROOT } from '../helpers/captures.js';
import { describeAsRoot } from './netns.js';

interface CapturedRecord {
  readonly tsSec: number;
  readonly tsUsec: number;
  readonly caplen: number;
  readonly len: number;
}

const OPTIONS: CapOpenOptions = { snaplen: 262144, records: true, immediate: false, timeout: 20 };
const PORT = 40000 + (process.pid % 20000);
const open: CapHandle[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

/** Opens lo with a filter for this test's port; the records, as the addon hands them over. */
function capture(options: Partial<CapOpenOptions> = {}, device = 'lo'): { cap: CapHandle; records: CapturedRecord[]; buffer: Buffer } {
  const { Cap } = loadCap();
  const cap = new Cap();
  const buffer = Buffer.alloc(1 << 20);
  const records: CapturedRecord[] = [];
  cap.on('records', (bytes) => {
    const view = new DataView(buffer.buffer, buffer.byteOffset, bytes);
    expect(walkRecords(view, bytes).end).toBe(bytes);
    for (let pos = 0; pos < bytes; pos += RECORD_HEADER_BYTES + view.getUint32(pos + 8, true)) {
      records.push({ tsSec: view.getUint32(pos, true), tsUsec: view.getUint32(pos + 4, true), caplen: view.getUint32(pos + 8, true), len: view.getUint32(pos + 12, true) });
    }
  });
  cap.open(device, `udp port ${PORT}`, 4 << 20, buffer, { ...OPTIONS, ...options });
  open.push(cap);
  return { cap, records, buffer };
}

async function sendDatagrams(sizes: readonly number[]): Promise<{ before: number; after: number }> {
  const socket = createSocket('udp4');
  const before = Date.now() * 1000;
  for (const size of sizes) await new Promise<void>((resolve, reject) => socket.send(Buffer.alloc(size, 0x61), PORT, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  const after = Date.now() * 1000;
  socket.close();
  // Past the ring's block timeout, the kernel has handed everything over.
  await new Promise((r) => setTimeout(r, 100));
  return { before, after };
}

describeAsRoot('the patched cap binding', () => {
  it('gives every packet libpcap’s timestamp and original length, and pcap_stats', async () => {
    const { cap, records } = capture();
    expect([cap.linkType, cap.snaplen]).toEqual([1, 262144]);
    const sizes = [1, 100, 1000, 9000, 30000];
    const { before, after } = await sendDatagrams(sizes);
    cap.drain();
    expect(records.map((r) => r.len)).toEqual(sizes.map((s) => 14 + 20 + 8 + s));
    expect(records.map((r) => r.caplen)).toEqual(records.map((r) => r.len));
    for (const r of records) {
      const micros = r.tsSec * 1e6 + r.tsUsec;
      expect(r.tsUsec).toBeLessThan(1e6);
      expect(micros).toBeGreaterThanOrEqual(before - 1000);
      expect(micros).toBeLessThanOrEqual(after + 1000);
    }
    // On lo the kernel counts each packet twice (sent and received); libpcap keeps one.
    expect(cap.stats()).toEqual({ recv: 2 * sizes.length, drop: 0, ifdrop: 0 });
  });

  it('cuts packets at the snaplen and keeps their original length', async () => {
    const { cap, records } = capture({ snaplen: 64 });
    expect(cap.snaplen).toBe(64);
    await sendDatagrams([500]);
    cap.drain();
    expect(records).toHaveLength(1);
    expect([records[0].caplen, records[0].len]).toEqual([64, 14 + 20 + 8 + 500]);
  });

  it('selects a data link type (LINUX_SLL2 on "any", as tcpdump does)', () => {
    expect(capture({}, 'any').cap.linkType).toBe(113);
    expect(capture({ linkType: 276 }, 'any').cap.linkType).toBe(276);
  });

  it('says where opening failed and libpcap’s status', () => {
    const { Cap } = loadCap();
    const failure = (device: string, filter: string): Pick<CapOpenError, 'stage' | 'status' | 'message'> => {
      try {
        new Cap().open(device, filter, 1 << 20, Buffer.alloc(1 << 20), OPTIONS);
      } catch (err) {
        const e = err as CapOpenError;
        return { stage: e.stage, status: e.status, message: e.message };
      }
      throw new Error('opened');
    };
    expect(failure('no-such-if0', '')).toEqual({ stage: 'activate', status: -5, message: 'No such device exists' });
    expect(failure('lo', 'tcp port')).toEqual({ stage: 'filter', status: -1, message: "can't parse filter expression: syntax error" });
  });

  it('the install script finds the patch applied and the addon built, and does nothing', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/patch-cap.mjs')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
  });
});
