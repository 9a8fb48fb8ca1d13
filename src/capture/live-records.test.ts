import { describe, expect, it } from 'vitest';
import type { Frame } from '../core/frame.js';
import { HOST_LITTLE_ENDIAN, RECORD_HEADER_BYTES, recordsToFrames, walkRecords } from './live-records.js';

/** Records as the patched cap writes them: host byte order, ts_sec, ts_usec, caplen, len, data. */
function records(list: ReadonlyArray<{ sec: number; usec: number; data: string; len?: number }>): ArrayBuffer {
  const size = list.reduce((n, r) => n + RECORD_HEADER_BYTES + r.data.length, 0);
  const buf = new ArrayBuffer(size);
  const view = new DataView(buf);
  let pos = 0;
  for (const r of list) {
    view.setUint32(pos, r.sec, HOST_LITTLE_ENDIAN);
    view.setUint32(pos + 4, r.usec, HOST_LITTLE_ENDIAN);
    view.setUint32(pos + 8, r.data.length, HOST_LITTLE_ENDIAN);
    view.setUint32(pos + 12, r.len ?? r.data.length, HOST_LITTLE_ENDIAN);
    Buffer.from(buf, pos + RECORD_HEADER_BYTES, r.data.length).write(r.data, 'latin1');
    pos += RECORD_HEADER_BYTES + r.data.length;
  }
  return buf;
}

const chunk = records([
  { sec: 1700000000, usec: 1, data: 'first' },
  { sec: 1700000000, usec: 999999, data: 'second', len: 1500 },
  { sec: 1700000001, usec: 0, data: '' },
]);

describe('live records', () => {
  it('walks whole records, and stops after a given count', () => {
    const view = new DataView(chunk);
    expect(walkRecords(view, chunk.byteLength)).toEqual({ count: 3, end: chunk.byteLength });
    expect(walkRecords(view, chunk.byteLength, 1)).toEqual({ count: 1, end: RECORD_HEADER_BYTES + 5 });
    expect(walkRecords(view, chunk.byteLength - 1)).toEqual({ count: 2, end: chunk.byteLength - RECORD_HEADER_BYTES });
    expect(walkRecords(view, 10)).toEqual({ count: 0, end: 0 });
  });

  it('cuts records into frames: microseconds become nanoseconds, caplen and len kept apart', () => {
    const frames: Frame[] = [];
    expect(recordsToFrames(chunk, 0, 1, 100, frames)).toBe(chunk.byteLength);
    expect(frames.map((f) => [f.tsSec, f.tsNsec, f.data.toString('latin1'), f.origLen, f.linkType])).toEqual([
      [1700000000, 1000, 'first', 5, 1],
      [1700000000, 999999000, 'second', 1500, 1],
      [1700000001, 0, '', 0, 1],
    ]);
    // The frames are views into the chunk, not copies.
    expect(frames[0].data.buffer).toBe(chunk);
  });

  it('takes at most `max` frames and says where it stopped', () => {
    const frames: Frame[] = [];
    const pos = recordsToFrames(chunk, 0, 1, 2, frames);
    expect(frames).toHaveLength(2);
    expect(recordsToFrames(chunk, pos, 1, 2, frames)).toBe(chunk.byteLength);
    expect(frames).toHaveLength(3);
  });
});
