import { Writable } from 'node:stream';
import { run } from '../../src/cli/run.js';
import { ShadowdumpError } from '../../src/core/errors.js';

class Collect extends Writable {
  chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line in-process, as the binary would, capturing its output and exit code. */
export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const stdout = new Collect();
  const stderr = new Collect();
  try {
    const code = await run(argv, { stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } catch (err) {
    if (!(err instanceof ShadowdumpError)) throw err;
    return { code: err.exitCode, stdout: stdout.text, stderr: stderr.text + `shadowdump: ${err.message}\n` };
  }
}
