import { openCapture } from '../../src/capture/open-capture.js';
import type { Frame } from '../../src/core/frame.js';

export interface CaptureFile {
  readonly linkType: number;
  readonly snaplen: number;
  readonly frames: Frame[];
}

/** Every frame of a capture file, read by shadowdump's own reader. */
export async function readCapture(path: string): Promise<CaptureFile> {
  const source = await openCapture(path);
  const frames: Frame[] = [];
  for await (const batch of source.batches()) frames.push(...batch);
  return { linkType: source.linkType, snaplen: source.snaplen, frames };
}

/** Microseconds between two frames' timestamps. */
export function microsApart(a: Frame, b: Frame): number {
  return Math.abs((a.tsSec - b.tsSec) * 1e6 + (a.tsNsec - b.tsNsec) / 1e3);
}
