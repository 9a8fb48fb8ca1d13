/**
 * A real terminal for end-to-end tests: a tmux server of the test's own (its own socket, so the
 * user's sessions and clipboard are never touched), one window of a fixed size running a
 * command, keys sent as a user types them, and the screen read back with capture-pane.
 * The pane stays after the command ends, to read what it left on the terminal.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TmuxTerminal {
  private static count = 0;
  readonly socket: string;
  readonly session: string;

  constructor(
    command: string,
    readonly columns = 120,
    readonly rows = 40,
  ) {
    const id = `${process.pid}-${Date.now()}-${TmuxTerminal.count++}`;
    this.socket = `shadowdump-e2e-${id}`;
    this.session = `tui-${id}`;
    // -f /dev/null: no user configuration; remain-on-exit keeps the pane once the command ends.
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-x', String(columns), '-y', String(rows), command);
    this.tmux('set-option', '-t', this.session, 'remain-on-exit', 'on');
  }

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** The screen as plain text lines (trailing spaces trimmed). */
  screen(): string[] {
    return this.tmux('capture-pane', '-p', '-t', this.session)
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => l.trimEnd());
  }

  /** The screen with its colours and attributes as escape sequences. */
  screenWithAttributes(): string {
    return this.tmux('capture-pane', '-p', '-e', '-t', this.session);
  }

  /** A tmux format about the pane, e.g. `#{alternate_on}`. */
  pane(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.session, format).trim();
  }

  /** Presses keys by tmux name (`j`, `Enter`, `Escape`, `Tab`, `PageDown`, `C-u`), one at a time. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.tmux('send-keys', '-t', this.session, key);
      // A lone Escape must not be read as the start of the next key's sequence.
      await sleep(key === 'Escape' ? 150 : 40);
    }
  }

  /** Types text literally. */
  async type(text: string): Promise<void> {
    this.tmux('send-keys', '-t', this.session, '-l', text);
    await sleep(60);
  }

  /**
   * Waits until `test` holds for a settled screen: the same on two captures 50 ms apart, because a
   * frame reaches the pty in several writes and tmux may show one half drawn. `moving` skips the
   * settling, for screens that change all the time (counts while reading). Fails with the last
   * screen after `ms`.
   */
  async waitFor(test: (lines: string[]) => boolean, what: string, ms = 15_000, moving = false): Promise<string[]> {
    const until = Date.now() + ms;
    let lines = this.screen();
    for (;;) {
      if (test(lines)) {
        if (moving) return lines;
        await sleep(50);
        const again = this.screen();
        if (again.join('\n') === lines.join('\n')) return lines;
        lines = again;
      } else {
        await sleep(50);
        lines = this.screen();
      }
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen was:\n${lines.join('\n')}`);
    }
  }

  /** Ends the server and everything in it, and removes its socket file (tmux leaves it behind). */
  kill(): void {
    const path = spawnSync('tmux', ['-L', this.socket, 'display-message', '-p', '#{socket_path}'], { encoding: 'utf8' }).stdout.trim();
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { encoding: 'utf8' });
    if (path.endsWith(this.socket)) rmSync(path, { force: true });
  }
}
