#!/usr/bin/env -S node --max-old-space-size=256
// The heap cap keeps V8 from letting garbage pile up to gigabytes on a big node (its default
// limit grows with the machine's memory): every collection in shadowdump is bounded, so the
// live set stays far below it, and resident memory stays under about 256 MB.
import { ShadowdumpError } from '../core/errors.js';
import { run } from './run.js';

/** Entry point: maps errors to one line on stderr and the documented exit codes. */
run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ShadowdumpError) {
      process.stderr.write(`shadowdump: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`shadowdump: internal error: ${message.split('\n')[0]} (please report it with the capture that caused it)\n`);
      if (process.env.SHADOWDUMP_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
      process.exitCode = 1;
    }
  },
);
