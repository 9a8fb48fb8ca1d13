import { readFileSync } from 'node:fs';

/**
 * With -n (but not -nn) tcpdump names ports from the system's services database. We read the
 * same file, once, on first use; without it ports stay numeric.
 */
let tcpServices: Map<number, string> | null = null;

function load(): Map<number, string> {
  const map = new Map<number, string>();
  try {
    for (const line of readFileSync('/etc/services', 'latin1').split('\n')) {
      const m = /^([^\s#]+)\s+(\d+)\/tcp\b/.exec(line);
      if (m && !map.has(Number(m[2]))) map.set(Number(m[2]), m[1]);
    }
  } catch {
    // No services database: numeric ports, as tcpdump prints them then.
  }
  return map;
}

export function portName(port: number): string | undefined {
  tcpServices ??= load();
  return tcpServices.get(port);
}
