import { readdirSync, readFileSync } from 'node:fs';

/**
 * tcpdump prints a Linux cooked v2 packet's interface by looking its index up on the machine
 * that reads the file (if_indextoname), "?" when there is none. We read the same table from
 * sysfs, once, so that the lines match tcpdump's on the same machine.
 */
let names: Map<number, string> | null = null;

function load(): Map<number, string> {
  const map = new Map<number, string>();
  try {
    for (const name of readdirSync('/sys/class/net')) {
      try {
        map.set(Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8').trim()), name);
      } catch {
        // An interface that vanished while we looked: skip it.
      }
    }
  } catch {
    // No sysfs (not Linux): every index prints as "?".
  }
  return map;
}

export function interfaceName(index: number): string {
  names ??= load();
  return names.get(index) ?? '?';
}
