/** The live options on the command line, and the counters printed at exit (no root needed). */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { captureCountLines } from '../../src/cli/live.js';
import { runCli } from '../helpers/run-cli.js';

describe('live options', () => {
  it('-s, -B and -Z, as tcpdump takes them', () => {
    expect(parseArgs(['-i', 'eth0']).live).toEqual({ snaplen: 262144, bufferKiB: null, dropUser: null });
    expect(parseArgs(['-i', 'eth0', '-s', '0']).live.snaplen).toBe(262144);
    expect(parseArgs(['-i', 'eth0', '-s96', '-B', '4096', '-Z', 'nobody']).live).toEqual({ snaplen: 96, bufferKiB: 4096, dropUser: 'nobody' });
    expect(parseArgs(['-i', 'eth0', '-s', '999999']).live.snaplen).toBe(262144);
  });

  it('-w alone prints no view, as tcpdump -w; a view option brings one back', () => {
    expect(parseArgs(['-i', 'eth0', '-w', 'f.pcap']).view).toBe('none');
    expect(parseArgs(['-i', 'eth0', '-w', 'f.pcap', '--json']).view).toBe('pairs');
    expect(parseArgs(['-i', 'eth0', '-w', 'f.pcap', '--summary']).view).toBe('pairs');
    expect(parseArgs(['-i', 'eth0', '-w', 'f.pcap', '--view', 'packets']).view).toBe('packets');
    expect(parseArgs(['-i', 'eth0']).view).toBe('pairs');
  });

  it.each([
    [['-i', 'eth0', '-B', '0'], '-B needs a positive whole number, got "0"'],
    [['-i', 'eth0', '-s', 'x'], '-s needs a positive whole number, got "x"'],
    [['-r', 'x.pcap', '-s', '96'], '-s and -B apply to a live capture (with -i IFACE)'],
    [[], 'nothing to read: give a capture with -r FILE (or -r - for standard input), or capture live with -i IFACE (-i any: every interface)'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`shadowdump: ${message}\n`);
  });
});

describe('counters at exit', () => {
  it('as tcpdump prints them, then what the analysis skipped', () => {
    const counts = { captured: 1, receivedByFilter: 12, droppedByKernel: 0, droppedByInterface: 0, droppedByAnalysis: 3 };
    expect(captureCountLines(counts, true)).toEqual([
      '1 packet captured',
      '12 packets received by filter',
      '0 packets dropped by kernel',
      '3 packets dropped by shadowdump (analysis fell behind the capture)',
    ]);
    expect(captureCountLines({ ...counts, droppedByInterface: 2 }, false)).toEqual(['1 packet captured', '12 packets received by filter', '0 packets dropped by kernel', '2 packets dropped by interface']);
  });
});
