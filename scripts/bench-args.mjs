// What every benchmark script needs first: where the repository and the built binary are, and
// its `--name value` options.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(root, 'dist/cli/main.js');
export const args = process.argv.slice(2);

/** The value after `--name` on the command line, or `fallback`. */
export function option(name, fallback) {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
}
