#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-old-space-size=256 --initial-old-space-size=64
// The heap cap keeps V8 from letting garbage pile up to gigabytes on a big node (its default
// limit grows with the machine's memory): every collection in shadowdump is bounded, so the
// live set stays far below it, and resident memory stays under about 256 MB. With so small a
// cap V8 grows the heap by a factor of only 1.3 and starts a full collection whenever the
// room left is below the young generation's size: on a big capture, one every few hundred
// milliseconds (241 on the 3M-packet lab capture, 14 with this flag). Starting the old
// generation at 64 MB costs about 30 MB of resident memory and a tenth of the run time.
// MALLOC_ARENA_MAX=2: memory moved between threads (stream events, records: see
// exchange-shard.ts) is freed by the thread that did not make it, and glibc's default of a
// pool per thread then held about 10 MB more at the peak, for no speed measured.
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
