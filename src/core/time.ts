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

/** ISO 8601 in UTC with microseconds, e.g. 2026-11-22T02:58:29.848451Z. */
export function isoMicros(t: Micros): string {
  const ms = Math.floor(t / 1000);
  const iso = new Date(ms).toISOString(); // ...T02:58:29.848Z
  return `${iso.slice(0, 23)}${String(t % 1000).padStart(3, '0')}Z`;
}
