/**
 * Piped runs never load the TUI: a module-resolution hook records every module the real binary
 * loads, and ink and React are not among them when stdout is a pipe. The control run shows the
 * hook does see them when the TUI module is loaded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_CAPTURES, REPO_ROOT } from '../helpers/captures.js';

const BIN = process.env.SHADOWDUMP_BIN ?? join(REPO_ROOT, 'dist/cli/main.js');
const LAB = join(LAB_CAPTURES, 'lab/client-eth0.pcap');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hooks = join(dir, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_MODULES, resolved.url + '\\n');
  return resolved;
}
`,
);
const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(hooks).href)})`;

function loadedBy(args: readonly string[], name: string): string[] {
  const list = join(dir, `${name}.txt`);
  writeFileSync(list, '');
  const r = spawnSync(process.execPath, ['--import', register, ...args], { encoding: 'utf8', env: { ...process.env, LOADED_MODULES: list } });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(list, 'utf8').trim().split('\n');
}

const uiModules = (urls: readonly string[]): string[] => urls.filter((u) => /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(u) || /\/tui\/(start-tui|components\/)/.test(u));

describe('the TUI is loaded lazily', () => {
  it('a piped run (the default pairs view) loads neither ink nor React nor the TUI', () => {
    const loaded = loadedBy([BIN, '-nn', '-r', LAB], 'piped');
    expect(loaded.some((u) => u.endsWith('/cli/run.js'))).toBe(true);
    expect(uiModules(loaded)).toEqual([]);
  });

  it('control: loading the TUI shows up in the same hook', () => {
    const start = pathToFileURL(join(REPO_ROOT, 'dist/tui/start-tui.js')).href;
    const loaded = loadedBy(['--input-type=module', '-e', `await import(${JSON.stringify(start)})`], 'control');
    expect(uiModules(loaded).some((u) => u.includes('/node_modules/ink/'))).toBe(true);
  });
});
