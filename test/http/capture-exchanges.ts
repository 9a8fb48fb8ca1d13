import { openCapture } from '../../src/capture/open-capture.js';
import { AnomalyCounter } from '../../src/core/anomalies.js';
import { frameMicros, type Micros } from '../../src/core/time.js';
import type { Exchange } from '../../src/http/types.js';
import { analyzeExchanges } from '../../src/pipeline/analyze.js';

export interface CaptureExchanges {
  readonly exchanges: Exchange[];
  /** Packet time of every frame, by frame number (1-based, as tshark numbers them; [0] unused). */
  readonly frameTimes: Micros[];
  readonly anomalies: AnomalyCounter;
}

/** The middle of the pipeline over one capture file, as the CLI runs it (default options). */
export async function captureExchanges(path: string): Promise<CaptureExchanges> {
  const anomalies = new AnomalyCounter();
  const exchanges: Exchange[] = [];
  for await (const batch of analyzeExchanges(await openCapture(path), { anomalies })) exchanges.push(...batch);
  const frameTimes: Micros[] = [0];
  for await (const batch of (await openCapture(path)).batches()) for (const frame of batch) frameTimes.push(frameMicros(frame));
  return { exchanges, frameTimes, anomalies };
}
