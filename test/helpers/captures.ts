import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LAB_CAPTURES = join(REPO_ROOT, 'captures');
export const PUBLIC_CAPTURES = resolve(REPO_ROOT, '../shared/captures/public');

const CAPTURE_FILE = /\.(pcap|pcapng)$/;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'oracle') out.push(...walk(path));
    } else if (CAPTURE_FILE.test(name)) out.push(path);
  }
  return out;
}

/** Every capture the oracle tests run over: the lab's committed ones and the public corpus. */
export function allCaptures(): string[] {
  return [...walk(LAB_CAPTURES), ...walk(PUBLIC_CAPTURES)];
}
