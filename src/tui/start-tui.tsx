/**
 * Starts the TUI on the terminal and gives it back afterwards. The only module that touches the
 * terminal itself: the alternate screen (so the shell's screen comes back as it was), the
 * cursor, and raw-mode keyboard input, from /dev/tty when standard input carries the capture.
 * The terminal is restored on quit, on Ctrl+C, on an error and on process exit alike.
 */
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { render } from 'ink';
import { ShadowdumpError } from '../core/errors.js';
import { App } from './components/App.js';
import { writePairs } from './export/write-pairs.js';
import type { EventSource } from './feed/pair-feed.js';
import type { TuiState } from './state/state.js';

const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const ENTER_ALTERNATE_SCREEN = `\x1b[?1049h${CLEAR_SCREEN}`;
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface TuiHandle {
  /** Resolves once the user quit and the terminal is restored. */
  readonly exited: Promise<void>;
  /** The user has quit: the pipeline can stop. */
  readonly closed: () => boolean;
  /**
   * Puts the keyboard back in raw mode. A Node.js program upstream of `-r -` (a feeder script)
   * restores the terminal's cooked mode when it exits, which would leave our keys echoed and
   * line-buffered: called when the piped input ends.
   */
  readonly reassertKeyboard: () => void;
}

export interface StartOptions {
  readonly initial: TuiState;
  readonly version: string;
  readonly feed: EventSource;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
}

/** The terminal the keys come from: standard input, or the controlling terminal when stdin is not one. */
export function keyboard(stdin: NodeJS.ReadStream = process.stdin): { stream: NodeJS.ReadStream; close: () => void } {
  if (stdin.isTTY) return { stream: stdin, close: () => {} };
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r');
  } catch {
    throw new ShadowdumpError('usage', 'the TUI needs a terminal for keys, and neither standard input nor /dev/tty is one: use --no-tui');
  }
  const tty = new ReadStream(fd);
  return { stream: tty as unknown as NodeJS.ReadStream, close: () => tty.destroy() };
}

export function startTui(options: StartOptions): TuiHandle {
  const stdout = options.stdout ?? process.stdout;
  const keys = keyboard(options.stdin);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };
  process.once('exit', restore);
  stdout.write(ENTER_ALTERNATE_SCREEN);
  let quit = false;
  const instance = render(
    <App initial={options.initial} version={options.version} feed={options.feed} runEffect={(effect) => writePairs(effect, options.version)} />,
    // Ctrl+C is a key like q (the key table quits on it), so quitting always takes the same path.
    // Each frame is redrawn whole, inside ink's synchronized-output markers (no flicker where the
    // terminal supports them): ink 6.8's incrementalRendering puts every frame after the first one
    // line too low when frames end in a newline, as ours do (one row short of the terminal).
    { stdout, stdin: keys.stream, exitOnCtrlC: false, patchConsole: true, maxFps: 30 },
  );
  // After a resize the terminal may have rewrapped or scrolled the last frame, so ink's count of
  // the lines to erase is wrong: start from a clear screen instead. This listener runs after
  // ink's own (it was added first, by render) and before the app's, which redraws at the new size.
  const redraw = (): void => {
    stdout.write(CLEAR_SCREEN);
    instance.clear();
  };
  stdout.on('resize', redraw);
  // A signal ends the TUI as q does (the CLI's own handlers stop the capture), so the terminal
  // is given back and the summary, --har and --fail-on still happen.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const quitOnSignal = (): void => instance.unmount();
  for (const s of signals) process.on(s, quitOnSignal);
  const exited = instance.waitUntilExit().finally(() => {
    for (const s of signals) process.off(s, quitOnSignal);
    stdout.off('resize', redraw);
    quit = true;
    instance.cleanup();
    keys.close();
    keys.stream.pause();
    restore();
    process.off('exit', restore);
  });
  const reassertKeyboard = (): void => {
    const tty = keys.stream;
    // The same mode again is a no-op for libuv: off and on makes it set the terminal again.
    if (quit || !tty.isTTY || !tty.isRaw) return;
    tty.setRawMode(false);
    tty.setRawMode(true);
  };
  return { exited: exited.then(() => undefined), closed: () => quit, reassertKeyboard };
}
