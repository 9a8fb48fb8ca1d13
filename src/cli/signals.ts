import type { FrameBatch } from '../core/frame.js';
import type { CaptureSource } from '../capture/source.js';

/**
 * A source that SIGINT/SIGTERM end cleanly: a live capture is told to stop (it still delivers
 * what the kernel has, and -w stays whole), a file stops at the next batch. Either way the
 * views see a normal end, so they flush, print the summary and close --har/--flows files.
 * A second signal exits at once, as tcpdump does when it is stuck.
 */
export function stopOnSignals(source: CaptureSource, stopLive?: () => void): { readonly source: CaptureSource; readonly dispose: () => void } {
  let stopped = false;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopped = true;
    stopLive?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const dispose = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  if (stopLive !== undefined) return { source, dispose };

  async function* untilStopped(): AsyncGenerator<FrameBatch> {
    for await (const batch of source.batches()) {
      yield batch;
      if (stopped) return;
    }
  }
  return { source: { ...source, batches: untilStopped }, dispose };
}
