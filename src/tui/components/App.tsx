/**
 * The app: holds the state (the reducer), feeds it keys, terminal resizes and the pipeline's
 * batches (polled once a frame), runs the side effects the state asks for, and exits when the
 * state says quit. Everything it draws is <Frame>, a function of the state.
 */
import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useReducer } from 'react';
import type { EventSource } from '../feed/pair-feed.js';
import { fromInk } from '../keys/keypress.js';
import type { Effect } from '../state/events.js';
import { reduce } from '../state/reducer.js';
import type { TuiState } from '../state/state.js';
import { Frame } from './Frame.js';

/** About 30 frames a second. */
export const FRAME_MS = 33;

export interface AppProps {
  readonly initial: TuiState;
  readonly version: string;
  readonly feed?: EventSource;
  readonly runEffect?: (effect: Effect) => Promise<{ readonly ok: boolean; readonly message: string }>;
  /** Follow the terminal's size (off in tests, which give a size). Default true. */
  readonly trackResize?: boolean;
  readonly frameMs?: number;
}

export function App({ initial, version, feed, runEffect, trackResize = true, frameMs = FRAME_MS }: AppProps) {
  const [state, dispatch] = useReducer(reduce, initial);
  const { exit } = useApp();
  const { stdout } = useStdout();

  useInput((input, key) => {
    const keys = fromInk(input, key);
    if (keys.length === 1) dispatch({ kind: 'key', key: keys[0] });
    else if (keys.length > 1) dispatch({ kind: 'batch', events: keys.map((k) => ({ kind: 'key', key: k })) });
  });

  useEffect(() => {
    if (feed === undefined) return;
    const timer = setInterval(() => {
      const event = feed.drain();
      if (event !== null) dispatch(event);
      if (feed.finished) clearInterval(timer);
    }, frameMs);
    return () => clearInterval(timer);
  }, [feed, frameMs]);

  useEffect(() => {
    if (!trackResize) return;
    const resized = (): void => dispatch({ kind: 'resize', size: { columns: stdout.columns, rows: stdout.rows } });
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, trackResize]);

  const { effect } = state;
  useEffect(() => {
    if (effect === null || runEffect === undefined) return;
    void runEffect(effect).then((outcome) => dispatch({ kind: 'effect-done', id: effect.id, ...outcome }));
  }, [effect, runEffect]);

  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  return <Frame state={state} version={version} />;
}
