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
  const stdout = new Collect();
  await run(args, { stdout, stderr: new Collect() });
  return stdout.text;
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
