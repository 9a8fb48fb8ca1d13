/**
 * Bounds under attack, through the real binary: each hostile capture is generated here (never
 * committed), analysed by the full pipeline (`--view summary --json`), and must finish with exit
 * 0, resident memory under 256 MB, and a summary that names the bound it hit. The exchanges
 * view on two threads (exchange-shard.ts) must do the same, with one record per exchange.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endlessChunked, gzipBomb, hugeHeaders, largeUnmirroredBodies, sharedRequestId, synFlood } from '../helpers/attack-captures.js';
import { REPO_ROOT } from '../helpers/captures.js';

const BIN = join(REPO_ROOT, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-attacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MEMORY_LIMIT_MB = 256;

interface Summary {
  readonly exchanges: number;
  readonly pairs: number;
  readonly verdicts: Record<string, number>;
  readonly correlation: Record<string, number>;
  readonly anomalies: Record<string, number>;
}

/**
 * Runs the binary as users do (its #! line) under GNU time, checks what every hostile capture
 * must give (exit 0, peak RSS under the limit), and returns the summary record.
 */
function analyseBounded(capture: string): Summary {
  const timeFile = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, BIN, '--view', 'summary', '--json', '-r', capture], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const peakMb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) / 1024;
  expect(r.status, r.stderr).toBe(0);
  expect(peakMb).toBeLessThan(MEMORY_LIMIT_MB);
  const summary = JSON.parse(r.stdout) as Summary;
  expect(exchangeRecordsOnTwoThreads(capture)).toBe(summary.exchanges);
  return summary;
}

/** `--view exchanges --json` with the second thread asked for: exit 0, peak RSS under the limit; the number of records. */
function exchangeRecordsOnTwoThreads(capture: string): number {
  const timeFile = join(dir, 'time-two-threads.txt');
  const script = 'set -o pipefail; /usr/bin/time -f %M -o "$0" "$1" --view exchanges --json -r "$2" | wc -l';
  const r = spawnSync('bash', ['-c', script, timeFile, BIN, capture], { encoding: 'utf8', env: { ...process.env, SHADOWDUMP_THREADS: '2' } });
  expect(r.status, r.stderr).toBe(0);
  const peakMb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) / 1024;
  expect(peakMb).toBeLessThan(MEMORY_LIMIT_MB);
  return Number(r.stdout.trim());
}

describe('hostile captures finish, bounded, and say which bound they hit', () => {
  it('1,000,000 half-open connections (SYN flood)', async () => {
    const file = join(dir, 'syn-flood.pcap');
    await synFlood(file, 1_000_000);
    const summary = analyseBounded(file);
    expect(summary.anomalies['tcp.limit-connections']).toBeGreaterThan(0);
    expect(summary.exchanges).toBe(0);
  }, 120_000);

  it('one chunked body that never ends (128 MB of chunks)', async () => {
    const file = join(dir, 'endless.pcap');
    await endlessChunked(file, 128);
    const summary = analyseBounded(file);
    expect(summary.anomalies['http.body-limit']).toBe(1);
    expect(summary.exchanges).toBe(1);
  }, 120_000);

  it('a 1 GiB gzip bomb answered by primary and shadow', async () => {
    const file = join(dir, 'bomb.pcap');
    await gzipBomb(file, 1 << 30);
    const summary = analyseBounded(file);
    expect(summary.anomalies['http.decode-limit']).toBe(2);
    // Identical bombs: cut at the decode limit, so their wire bytes are compared, and they agree.
    expect(summary.verdicts.match).toBe(1);
  }, 120_000);

  it('100,000 requests sharing one x-request-id', async () => {
    const file = join(dir, 'shared-id.pcap');
    await sharedRequestId(file, 100_000);
    const summary = analyseBounded(file);
    expect(summary.exchanges).toBe(100_000);
    expect(summary.correlation.fullGroups).toBeGreaterThan(1000);
  }, 120_000);

  it('400 downloads of 1 MiB that were never mirrored (all waiting for their shadow at once)', async () => {
    const file = join(dir, 'downloads.pcap');
    await largeUnmirroredBodies(file, 400, 1 << 20);
    const summary = analyseBounded(file);
    expect(summary.exchanges).toBe(400);
    expect(summary.verdicts['shadow-missing']).toBe(400);
    expect(summary.correlation.evicted).toBeGreaterThan(0);
  }, 120_000);

  it('10 MB of request headers', async () => {
    const file = join(dir, 'headers.pcap');
    await hugeHeaders(file, 10);
    const summary = analyseBounded(file);
    expect(summary.anomalies['http.parse-error.HPE_HEADER_OVERFLOW']).toBe(1);
    // The request after the huge one is still found.
    expect(summary.exchanges).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
