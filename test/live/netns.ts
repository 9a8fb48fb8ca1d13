/**
 * Network namespaces for the live-capture tests: each test file makes its own (named after its
 * PID, so parallel runs never collide and leftovers of dead runs are recognised), with a veth
 * pair inside, and removes them and everything running in them afterwards. Nothing touches the
 * host's own network.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { REPO_ROOT } from '../helpers/captures.js';

export const BIN = join(REPO_ROOT, 'dist/cli/main.js');

/** Live capture needs root (namespaces, packet sockets). */
export const IS_ROOT = process.getuid?.() === 0;
const SKIP_REASON = 'SKIPPED: the live-capture tests need root (network namespaces, packet sockets): run npm test with sudo';
if (!IS_ROOT) process.stderr.write(`\n*** ${SKIP_REASON} ***\n\n`);

/** describe() that runs only as root, and says loudly why it did not. */
export function describeAsRoot(name: string, body: () => void): void {
  if (IS_ROOT) describe(name, body);
  else describe.skip(`${name} (${SKIP_REASON})`, body);
}

const PREFIX = 'sdlive';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function namespaces(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n !== '');
}

function kill(pids: string): void {
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

function removeNamespace(name: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
  kill(pids);
  spawnSync('ip', ['netns', 'delete', name]);
}

/** Namespaces of test runs whose process is gone (killed with SIGKILL, a crashed worker). */
function removeStale(): void {
  for (const name of namespaces()) {
    const m = new RegExp(`^${PREFIX}-(\\d+)-`).exec(name);
    if (m === null) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      removeNamespace(name);
    }
  }
}

let serial = 0;

/**
 * A namespace with lo up and a veth pair `va` <-> `vb` (both up, MTU 65535 so that replayed
 * captures with offloaded segments larger than 1500 bytes go through).
 */
export class Netns {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  static create(): Netns {
    removeStale();
    const ns = new Netns(`${PREFIX}-${process.pid}-${serial++}`);
    ip('netns', 'add', ns.name);
    ip('-n', ns.name, 'link', 'set', 'lo', 'up');
    ip('-n', ns.name, 'link', 'add', 'name', 'va', 'mtu', '65535', 'type', 'veth', 'peer', 'name', 'vb', 'mtu', '65535');
    ip('-n', ns.name, 'link', 'set', 'dev', 'va', 'up');
    ip('-n', ns.name, 'link', 'set', 'dev', 'vb', 'up');
    // No IPv6: no router solicitations or MLD reports appearing in captures at random moments.
    spawnSync('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
    return ns;
  }

  /** Runs a command in the namespace to its end. */
  run(command: string, args: readonly string[], options: { timeoutMs?: number; input?: string } = {}): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync('ip', ['netns', 'exec', this.name, command, ...args], {
      encoding: 'latin1',
      timeout: options.timeoutMs ?? 60_000,
      input: options.input,
      maxBuffer: 1 << 28,
      env: { ...process.env, TZ: 'UTC' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Starts a command in the namespace; `ip netns exec` execs, so the child's PID is the command's. */
  spawn(command: string, args: readonly string[]): Background {
    return new Background(spawn('ip', ['netns', 'exec', this.name, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } }));
  }

  destroy(): void {
    removeNamespace(this.name);
  }
}

/** A running capture tool: its output so far, waiting for its banner, stopping it with a signal. */
export class Background {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('latin1').on('data', (d: string) => (this.stdout += d));
    child.stderr?.setEncoding('latin1').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  /** Waits until stderr matches (e.g. "listening on": the socket is open, nothing will be missed). */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stderr)) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`never printed ${pattern}: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGINT', timeoutMs = 20_000): Promise<number | null> {
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

const LOCK = join(tmpdir(), 'shadowdump-live-tests.lock');

/**
 * Runs `fn` while no other heavy live test runs (test files run in parallel): a load test
 * saturating the CPUs next to the lab test would make tcpdump, the lab's oracle, lose packets.
 */
export async function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
  const deadline = Date.now() + 300_000;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`${LOCK} still held after 5 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Takes the lock, or removes it when its holder is gone (the file names the holder's PID). */
function tryLock(): boolean {
  try {
    writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let holder: number;
    try {
      holder = Number(readFileSync(LOCK, 'utf8'));
    } catch {
      return false; // released meanwhile: try again
    }
    // Empty: its holder is between creating and writing it.
    if (!(holder > 0)) return false;
    try {
      process.kill(holder, 0);
    } catch {
      rmSync(LOCK, { force: true });
    }
    return false;
  }
}

/** "N packets dropped by kernel" and the other counters a capture tool printed at exit. */
export function exitCounts(stderr: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of stderr.matchAll(/^(\d+) packets? (captured|received by filter|dropped by kernel|dropped by interface|dropped by shadowdump)/gm)) counts[m[2]] = Number(m[1]);
  return counts;
}
