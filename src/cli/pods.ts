import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ShadowdumpError, UsageError } from '../core/errors.js';
import { PodDirectory } from '../core/pod-directory.js';
import type { CliOptions } from './args.js';

const KUBECTL_TIMEOUT_MS = 20_000;

/** The pod directory asked for with --pods FILE or --k8s, or null. Failures are one line each. */
export async function loadPods(options: CliOptions): Promise<PodDirectory | null> {
  if (options.podsFile !== null && options.k8s) throw new UsageError('--pods and --k8s both name the pods: give one');
  if (options.podsFile !== null) return parse(await readPodsFile(options.podsFile), options.podsFile);
  if (options.k8s) return parse(await kubectlPods(), 'kubectl get pods -A -o json');
  return null;
}

async function readPodsFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new ShadowdumpError('pods-unavailable', `--pods ${path}: ${why}; make it with: kubectl get pods -A -o json > ${path}`);
  }
}

async function kubectlPods(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('kubectl', ['get', 'pods', '-A', '-o', 'json'], { timeout: KUBECTL_TIMEOUT_MS, maxBuffer: 256 << 20 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    const why = e.code === 'ENOENT' ? 'kubectl is not on the PATH' : e.killed ? `kubectl did not answer within ${KUBECTL_TIMEOUT_MS / 1000} s` : `kubectl failed: ${lastLine(e.stderr ?? e.message)}`;
    throw new ShadowdumpError('pods-unavailable', `--k8s: ${why}; or save the list elsewhere and use --pods FILE`);
  }
}

/** kubectl's last error line without klog's prefix ("E1122 05:11:41.023986 27930 memcache.go:265] "). */
function lastLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines[lines.length - 1].replace(/^[EIWF]\d{4} [\d:.]+\s+\d+ \S+\] /, '').slice(0, 300);
}

function parse(text: string, origin: string): PodDirectory {
  try {
    return PodDirectory.fromKubectlJson(text);
  } catch (err) {
    throw new ShadowdumpError('pods-unavailable', `${origin}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
