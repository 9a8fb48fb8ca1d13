#!/usr/bin/env node
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
