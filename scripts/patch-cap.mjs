#!/usr/bin/env node
// Applies patches/cap-timestamps-stats.patch to node_modules/cap and rebuilds the addon, so
// that live capture gets libpcap's timestamps, original lengths and pcap_stats (see the patch
// for what it changes). Runs as the `postinstall` script; idempotent: a stamp file records
// which patch the source and the build carry, and nothing is done when both are current.
// A changed patch is applied to the pristine source kept next to it (binding.cc.orig).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PATCH = join(ROOT, 'patches', 'cap-timestamps-stats.patch');
const CAP_VERSION = '0.2.1';

function fail(message) {
  process.stderr.write(`patch-cap: ${message}\n`);
  process.exit(1);
}

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (r.error) fail(`${command}: ${r.error.message}${r.error.code === 'ENOENT' ? ' (run scripts/install-system-deps.sh)' : ''}`);
  if (r.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${r.status}) in ${cwd}`);
}

/** True when the built addon has the patch's methods (checked in a child: a bad build may crash). */
function buildIsPatched(capDir) {
  const probe = `const { Cap } = require(${JSON.stringify(capDir)}); process.exit(typeof Cap.prototype.stats === 'function' && typeof Cap.prototype.drain === 'function' ? 0 : 1);`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

/** node-gyp as npm runs it for install scripts, else the one bundled with npm, else PATH. */
function nodeGyp() {
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const script = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : null);
  return script === null ? ['node-gyp', []] : [process.execPath, [script]];
}

function rebuild(capDir) {
  const [command, prefix] = nodeGyp();
  const args = [...prefix, 'rebuild'];
  // Outside npm (run by hand), use the installed headers when node has them instead of downloading.
  const prefixDir = join(dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(join(prefixDir, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefixDir}`);
  run(command, args, capDir);
}

let capDir;
try {
  capDir = dirname(createRequire(join(ROOT, 'package.json')).resolve('cap/package.json'));
} catch {
  fail('node_modules/cap is not installed (npm ci first)');
}
const version = JSON.parse(readFileSync(join(capDir, 'package.json'), 'utf8')).version;
if (version !== CAP_VERSION) fail(`the patch is for cap ${CAP_VERSION}, installed is ${version}: update ${PATCH}`);

const patchHash = createHash('sha256').update(readFileSync(PATCH)).digest('hex').slice(0, 16);
const source = join(capDir, 'src', 'binding.cc');
const pristine = `${source}.orig`;
const stampFile = join(capDir, '.shadowdump-patch');
const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';

if (stamp !== patchHash) {
  if (existsSync(pristine)) copyFileSync(pristine, source);
  else if (readFileSync(source, 'utf8').includes('shadowdump patch')) fail(`${source} is patched but its pristine copy is gone: reinstall (rm -rf node_modules && npm ci)`);
  else copyFileSync(source, pristine);
  run('patch', ['-p1', '--forward', '--quiet', '--no-backup-if-mismatch', '-i', PATCH], capDir);
  rebuild(capDir);
} else if (!buildIsPatched(capDir)) {
  rebuild(capDir);
}
if (!buildIsPatched(capDir)) fail(`${capDir}/build/Release/cap.node still lacks the patch after rebuilding`);
writeFileSync(stampFile, `${patchHash}\n`);
if (stamp !== patchHash) process.stdout.write(`patch-cap: cap ${version} patched (${patchHash}) and rebuilt\n`);
