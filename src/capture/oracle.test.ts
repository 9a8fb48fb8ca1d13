/**
 * Every public capture read by openCapture and compared, packet by packet, with tshark:
 * count, timestamp to the nanosecond, captured and original length, interface; and the bytes
 * of every frame for a few captures of each format and link type.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { linkTypeName } from '../core/link-type.js';
import { openCapture } from './open-capture.js';
import { collect, describeFrames } from '../../test/helpers/pcap-builder.js';

const run = promisify(execFile);
const PUBLIC = join(import.meta.dirname, '../../../shared/captures/public');
const captures = existsSync(PUBLIC) ? readdirSync(PUBLIC).filter((f) => /\.pcap(ng)?$/.test(f)).sort() : [];

async function hasTool(tool: string): Promise<boolean> {
  try {
    await run(tool, ['-v']);
    return true;
  } catch {
    return false;
  }
}
const haveTshark = await hasTool('tshark');

/** Runs a tool; its output counts even when it exits non-zero (tshark does on a cut-off file). */
async function runTolerant(tool: string, args: string[], options: { maxBuffer: number }): Promise<{ stdout: string }> {
  try {
    return await run(tool, args, options);
  } catch (err) {
    const stdout = (err as { stdout?: unknown }).stdout;
    if (typeof stdout === 'string' && stdout !== '') return { stdout };
    throw err;
  }
}

/** tshark's view: "sec.nsec caplen len interface" per packet. */
async function tsharkPackets(file: string): Promise<string[]> {
  const { stdout } = await runTolerant(
    'tshark',
    ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len', '-e', 'frame.interface_id'],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  // Classic pcap has no interface id: tshark leaves the field empty, we say 0.
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t').map((field, i) => (i === 3 && field === '' ? '0' : field)).join(' '));
}

/** Every frame's bytes as tshark dumps them. */
async function tsharkBytes(file: string): Promise<string[]> {
  const { stdout } = await runTolerant('tshark', ['-n', '-r', file, '-T', 'json', '-x', '-j', 'frame'], { maxBuffer: 512 * 1024 * 1024 });
  const packets = JSON.parse(stdout) as Array<{ _source: { layers: { frame_raw?: [string, ...unknown[]] } } }>;
  return packets.map((p) => p._source.layers.frame_raw?.[0] ?? '');
}

function ns(n: number): string {
  return String(n).padStart(9, '0');
}

describe.runIf(haveTshark && captures.length > 0)('public captures against tshark', () => {
  it('finds the corpus', () => {
    expect(captures.length).toBeGreaterThanOrEqual(74);
  });

  it.concurrent.each(captures)('%s: every packet with its time (ns), lengths and interface', async (name) => {
    const file = join(PUBLIC, name);
    const [expected, got] = await Promise.all([tsharkPackets(file), openCapture(file).then(collect)]);
    const ours = got.frames.map((f) => `${f.tsSec}.${ns(f.tsNsec)} ${f.data.length} ${f.origLen} ${f.interfaceId}`);
    expect(ours).toEqual(expected);
    // The one capture cut off in the corpus says so, like tcpdump; no other warns.
    if (name === 'suricata-http-mime-truncated.pcap') {
      expect(got.warnings).toEqual([{ code: 'truncated-file', message: 'truncated dump file; tried to read 16 header bytes, only got 1' }]);
    } else {
      expect(got.warnings).toEqual([]);
    }
  });

  const byteChecked = [
    'arkime-http-500-head.pcap', // Ethernet, little-endian usec
    'ndpi-fuzz-2006-09-29-28586.pcap', // big-endian
    'zeek-get-to-ssh-server.pcap', // nanosecond pcap
    'zeek-cooper-grill-dvwa.pcapng', // pcapng, ns if_tsresol
    'ndpi-webdav.pcap', // pcapng named .pcap
    'ndpi-hls.pcapng', // raw IP
    'suricata-decode-sll2-02.pcap', // SLL2, 11 KB frames across read chunks
    'gopacket-test_loopback.pcap', // DLT_NULL
    'suricata-TLPW1-tcp-174.56.47.59-10.3.11.101-tcp-80-49309.pcap', // snaplen-cut frames
  ];
  it.concurrent.each(byteChecked)('%s: frame bytes equal tshark -x', async (name) => {
    const file = join(PUBLIC, name);
    const [expected, got] = await Promise.all([tsharkBytes(file), openCapture(file).then(collect)]);
    expect(got.frames.map((f) => f.data.toString('hex'))).toEqual(expected);
  });

});

describe.runIf(captures.length > 0)('public captures against tcpdump', () => {
  it.each(captures)('%s: link type and snapshot length as tcpdump prints them', async (name) => {
    const stderr = readFileSync(join(PUBLIC, 'oracle', `${name}.tcpdump.stderr.txt`), 'utf8');
    const match = /link-type (\S+) \(.*\), snapshot length (\d+)/.exec(stderr);
    expect(match).not.toBeNull();
    const source = await openCapture(join(PUBLIC, name));
    source.close?.();
    expect(`${linkTypeName(source.linkType)} ${source.snaplen}`).toBe(`${match?.[1]} ${match?.[2]}`);
  });

  it('formats by magic number, not by name', async () => {
    const cases: Array<[string, string]> = [
      ['ndpi-fuzz-2006-09-29-28586.pcap', 'pcap'],
      ['zeek-get-to-ssh-server.pcap', 'pcap-nsec'],
      ['ndpi-webdav.pcap', 'pcapng'],
      ['zeek-cooper-grill-dvwa.pcapng', 'pcapng'],
      ['arkime-http-500-head.pcap', 'pcap'],
    ];
    for (const [name, format] of cases) {
      const source = await openCapture(join(PUBLIC, name));
      source.close?.();
      expect([name, source.format]).toEqual([name, format]);
    }
  });
});

describe.runIf(captures.length > 0)('pcap-parser path', () => {
  it.concurrent.each(captures)('%s: same frames and warnings as the native reader', async (name) => {
    const file = join(PUBLIC, name);
    const native = await collect(await openCapture(file, { pcapReader: 'native' }));
    const parser = await collect(await openCapture(file, { pcapReader: 'pcap-parser' }));
    expect(describeFrames(parser.frames)).toEqual(describeFrames(native.frames));
    expect(parser.warnings).toEqual(native.warnings);
  });
});
