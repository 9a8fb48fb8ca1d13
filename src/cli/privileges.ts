import { execFileSync } from 'node:child_process';
import { ShadowdumpError } from '../core/errors.js';

interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The passwd entry of a user through NSS (getent), so LDAP/SSSD users work as they do for tcpdump. */
function lookupUser(user: string): PasswdEntry | null {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return null;
  }
  const [name, , uid, gid] = line.split(':');
  return name === undefined || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '') ? null : { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * `-Z USER`, as tcpdump: once the capture device (or the input files) is open, a root process
 * takes USER's groups, primary group and user id, and so cannot regain root. Later files
 * (-w, --har, --flows) are created as USER. Without root there is nothing to drop.
 */
export function dropPrivileges(user: string): void {
  if (process.getuid?.() !== 0 && process.geteuid?.() !== 0) return;
  const entry = lookupUser(user);
  if (entry === null) throw new ShadowdumpError('usage', `-Z: no such user "${user}" (give a user name from /etc/passwd, e.g. -Z nobody)`);
  try {
    // initgroups(3): USER's supplementary groups instead of root's (missing from @types/node).
    (process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void }).initgroups?.(entry.name, entry.gid);
    process.setgid?.(entry.gid);
    process.setuid?.(entry.uid);
  } catch (err) {
    throw new ShadowdumpError('capture-permission', `-Z ${user}: could not drop privileges: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (process.getuid?.() !== entry.uid || process.geteuid?.() !== entry.uid) {
    throw new ShadowdumpError('capture-permission', `-Z ${user}: still running as user id ${process.geteuid?.()} after dropping privileges`);
  }
}
