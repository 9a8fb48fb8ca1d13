import type { Frame } from './frame.js';

/**
 * Packet time inside the pipeline: whole microseconds since the Unix epoch. An integer below
 * 2^53 is exact for any date we meet, cheap to compare and subtract, and fine enough for latency.
 * (Frames keep their nanoseconds for display.)
 */
export type Micros = number;

export function frameMicros(frame: Frame): Micros {
  return frame.tsSec * 1_000_000 + Math.floor(frame.tsNsec / 1000);
}

const MAX_DATE_SECONDS = 8.64e12;
let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * ISO 8601 in UTC with microseconds, e.g. 2026-11-22T02:58:29.848451Z. The date part is cached
 * per second: records come in time order, and building a Date per call dominated NDJSON output.
 */
export function isoMicros(t: Micros): string {
  const second = Math.floor(t / 1_000_000);
  // A damaged or hostile timestamp beyond what a Date holds (±275,760 years): seconds since the epoch.
  if (!(Math.abs(second) <= MAX_DATE_SECONDS)) return `${second}.${String(Math.max(0, t - second * 1_000_000)).padStart(6, '0').slice(0, 6)}`;
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 19); // 2026-11-22T02:58:29
  }
  return `${isoPrefix}.${String(1_000_000 + (t - second * 1_000_000)).slice(1)}Z`;
}
