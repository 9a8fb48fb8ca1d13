/**
 * `--view exchanges --json` writes each record when its exchange completes and holds only the
 * bytes until its turn; the general path orders the exchanges first and writes them after.
 * Both must give the same bytes, on every capture (and with -c, which stops mid-capture).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { allCaptures } from '../../test/helpers/captures.js';
import { openCapture } from '../capture/open-capture.js';
import { analyzeExchanges } from '../pipeline/analyze.js';
import { exchangeJson } from '../render/exchange-json.js';
import { roleFromHost } from '../shadow/classify.js';
import { run } from './run.js';

class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}

async function output(args: readonly string[]): Promise<string> {
  return (await outputs(args)).stdout;
}

async function outputs(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const stdout = new Collect();
  const stderr = new Collect();
  await run(args, { stdout, stderr });
  return { stdout: stdout.text, stderr: stderr.text };
}

/** Runs `body` with SHADOWDUMP_THREADS set to `threads`. */
async function withThreads<T>(threads: '1' | '2', body: () => Promise<T>): Promise<T> {
  const before = process.env.SHADOWDUMP_THREADS;
  process.env.SHADOWDUMP_THREADS = threads;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.SHADOWDUMP_THREADS;
    else process.env.SHADOWDUMP_THREADS = before;
  }
}

const viewOutput = (args: readonly string[]): Promise<string> => output(['--view', 'exchanges', '--json', ...args]);

async function generalPath(file: string, count?: number): Promise<string> {
  let text = '';
  for await (const batch of analyzeExchanges(await openCapture(file), { count })) {
    for (const e of batch) text += `${exchangeJson(e, roleFromHost(e.request.host))}\n`;
  }
  return text;
}

describe('--view exchanges --json against ordering exchanges first', () => {
  it('gives the same records on every capture', async () => {
    let records = 0;
    for (const file of allCaptures()) {
      const expected = await generalPath(file);
      expect(await viewOutput(['-r', file]), file).toBe(expected);
      records += expected.split('\n').length - 1;
    }
    expect(records).toBeGreaterThan(1000);
  });

  it('prints nothing with --flows DIR alone (no view), and writes the same flows as with the view', async () => {
    const file = allCaptures()[0];
    const [alone, withView] = [mkdtempSync(join(tmpdir(), 'flows-')), mkdtempSync(join(tmpdir(), 'flows-'))];
    try {
      expect(await output(['--flows', alone, '-r', file])).toBe('');
      await output(['--view', 'exchanges', '--flows', withView, '-r', file]);
      const files = readdirSync(withView).sort();
      expect(files.length).toBeGreaterThan(0);
      expect(readdirSync(alone).sort()).toEqual(files);
      for (const f of files) expect(readFileSync(join(alone, f)).equals(readFileSync(join(withView, f))), f).toBe(true);
    } finally {
      for (const d of [alone, withView]) rmSync(d, { recursive: true, force: true });
    }
  });

  it('gives the same records when -c stops the capture early', async () => {
    for (const file of allCaptures().slice(0, 20)) expect(await viewOutput(['-c', '25', '-r', file]), file).toBe(await generalPath(file, 25));
  });
});

// Two threads (exchange-shard.ts): half the connections' HTTP and records on a second thread,
// merged back tick by tick. Byte for byte what one thread writes, and the same notes at the end.
describe('--view exchanges --json on two threads against one', () => {
  it('gives the same records and the same notes on every capture', async () => {
    let records = 0;
    for (const file of allCaptures()) {
      const one = await withThreads('1', () => outputs(['--view', 'exchanges', '--json', '-r', file]));
      const two = await withThreads('2', () => outputs(['--view', 'exchanges', '--json', '-r', file]));
      expect(two.stdout, file).toBe(one.stdout);
      expect(two.stderr, file).toBe(one.stderr);
      records += one.stdout.split('\n').length - 1;
    }
    expect(records).toBeGreaterThan(1000);
  });

  it('gives the same records with -c and with --redact', async () => {
    for (const file of allCaptures().slice(0, 20)) {
      for (const extra of [['-c', '25'], ['--redact=x-request-id']]) {
        const args = ['--view', 'exchanges', '--json', ...extra, '-r', file];
        expect(await withThreads('2', () => output(args)), `${file} ${extra.join(' ')}`).toBe(await withThreads('1', () => output(args)));
      }
    }
  });
});
