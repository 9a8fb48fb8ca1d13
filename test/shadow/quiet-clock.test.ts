/**
 * A live capture that goes quiet still moves packet time on (the source's clock batches), so
 * pairs settle while the capture runs instead of waiting for the next packet: checked on the
 * lab capture's first mirrored request, fed as a live source would feed it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import type { CaptureSource } from '../../src/capture/source.js';
import { clockBatch, type Frame, type FrameBatch } from '../../src/core/frame.js';
import { frameMicros } from '../../src/core/time.js';
import { analyzePairs } from '../../src/pipeline/pairs.js';
import type { PairReport } from '../../src/shadow/verdict.js';
import { LAB_CAPTURES } from '../helpers/captures.js';

const SECOND = 1_000_000;

async function labFrames(): Promise<Frame[]> {
  const source = await openCapture(join(LAB_CAPTURES, 'lab', 'client-eth0.pcap'));
  const frames: Frame[] = [];
  for await (const batch of source.batches()) frames.push(...batch);
  return frames;
}

/** The frames up to the end of the first pair's later leg (the capture goes on after it). */
async function firstPairFrames(): Promise<{ frames: Frame[]; id: string }> {
  const all = await labFrames();
  const run = analyzePairs(sourceOf(all, []));
  for await (const batch of run.batches) {
    const first = batch.find((r) => r.pair.primary?.response && r.pair.shadow?.response);
    if (first === undefined) continue;
    const end = Math.max(first.pair.primary?.timing.responseEnd ?? 0, first.pair.shadow?.timing.responseEnd ?? 0);
    return { frames: all.filter((f) => frameMicros(f) <= end), id: first.pair.id };
  }
  throw new Error('the lab capture has no complete pair');
}

/** A live-like source: the frames, then the clock batches, then `ended` is set and it ends. */
function sourceOf(frames: readonly Frame[], clocks: readonly number[], state = { ended: false }): CaptureSource {
  return {
    name: 'test',
    format: 'live',
    linkType: frames[0]?.linkType ?? 1,
    snaplen: 262144,
    warnings: [],
    async *batches(): AsyncGenerator<FrameBatch> {
      yield frames;
      for (const clock of clocks) yield clockBatch<Frame>(clock);
      state.ended = true;
    },
  };
}

describe('a quiet live capture', () => {
  it('settles a pair on its clock batches, before the capture ends', async () => {
    const { frames, id } = await firstPairFrames();
    const last = frameMicros(frames[frames.length - 1]);
    const state = { ended: false };
    const clocks = Array.from({ length: 5 }, (_, i) => last + (i + 1) * SECOND);
    let seenWhileRunning: PairReport | undefined;
    for await (const batch of analyzePairs(sourceOf(frames, clocks, state)).batches) {
      const report = batch.find((r) => r.pair.id === id);
      if (report !== undefined && !state.ended) seenWhileRunning = report;
    }
    expect(seenWhileRunning?.pair.shadow?.response, 'the pair came out while the capture was still running').toBeTruthy();
    expect(seenWhileRunning?.verdict).toMatch(/^(match|differ|shadow-error)$/);
  });

  it('without clock batches, the same pair waits for the end of the capture', async () => {
    const { frames, id } = await firstPairFrames();
    const state = { ended: false };
    let endedBeforePair: boolean | undefined;
    for await (const batch of analyzePairs(sourceOf(frames, [], state)).batches) {
      if (batch.some((r) => r.pair.id === id)) endedBeforePair = state.ended;
    }
    expect(endedBeforePair).toBe(true);
  });

  it('a clock batch behind the packets changes nothing', async () => {
    const { frames, id } = await firstPairFrames();
    const state = { ended: false };
    let endedBeforePair: boolean | undefined;
    for await (const batch of analyzePairs(sourceOf(frames, [frameMicros(frames[0])], state)).batches) {
      if (batch.some((r) => r.pair.id === id)) endedBeforePair = state.ended;
    }
    expect(endedBeforePair).toBe(true);
  });
});
