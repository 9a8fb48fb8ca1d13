/**
 * The one way component tests draw the TUI: the real <App> under ink-testing-library, started
 * from a state built by the reducer from events, at a given terminal size. `press` types keys
 * as a terminal sends them and waits for the frame; `screen` is the last frame without colours.
 */
import { render } from 'ink-testing-library';
import { App } from '../../../src/tui/components/App.js';
import type { EventSource } from '../../../src/tui/feed/pair-feed.js';
import type { Effect, TuiEvent } from '../../../src/tui/state/events.js';
import { reduce } from '../../../src/tui/state/reducer.js';
import { initialState, type TuiState } from '../../../src/tui/state/state.js';

/** What a terminal sends for the keys the tests press. */
export const KEYS = {
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export interface RenderOptions {
  readonly columns?: number;
  readonly rows?: number;
  readonly events?: readonly TuiEvent[];
  readonly state?: TuiState;
  readonly feed?: EventSource;
  readonly runEffect?: (effect: Effect) => Promise<{ ok: boolean; message: string }>;
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function renderTui(options: RenderOptions = {}) {
  const size = { columns: options.columns ?? 100, rows: options.rows ?? 24 };
  const initial = (options.events ?? []).reduce(reduce, options.state ?? initialState({ size, source: 'test.pcap' }));
  const instance = render(<App initial={initial} version="test" feed={options.feed} runEffect={options.runEffect} trackResize={false} frameMs={5} />);
  return {
    ...instance,
    /** The frame as plain text lines. */
    screen(): string[] {
      return (instance.lastFrame() ?? '').replace(ANSI, '').split('\n');
    },
    /** The frame with its colour codes. */
    raw(): string {
      return instance.lastFrame() ?? '';
    },
    /** Sends keys one at a time (a lone Escape needs a moment to be told from a sequence). */
    async press(...keys: string[]): Promise<void> {
      for (const k of keys) {
        instance.stdin.write(k);
        await tick(k === KEYS.escape ? 30 : 5);
      }
      await tick(10);
    },
    tick,
  };
}
