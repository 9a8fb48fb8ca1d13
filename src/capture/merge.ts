import type { Frame, FrameBatch } from '../core/frame.js';
import type { SourceWarning } from '../core/warnings.js';
import type { CaptureSource } from './source.js';
import { DEFAULT_BATCH_FRAMES } from './limits.js';

/** One input of the merge: its iterator and the batch it is in. */
interface Cursor {
  readonly index: number;
  readonly source: CaptureSource;
  readonly iterator: AsyncIterator<FrameBatch>;
  batch: FrameBatch;
  pos: number;
}

/**
 * Would frame f (from input `index`) come out before cursor c's next frame? Time first; on equal
 * times the later input goes first, as mergecap does, so `-r a -r b` prints what
 * `mergecap a b | tcpdump -r -` prints.
 */
function frameBefore(f: Frame, index: number, c: Cursor): boolean {
  const g = c.batch[c.pos];
  if (f.tsSec !== g.tsSec) return f.tsSec < g.tsSec;
  if (f.tsNsec !== g.tsNsec) return f.tsNsec < g.tsNsec;
  return index > c.index;
}

/** Strict order on the cursors' next frames. */
function before(a: Cursor, b: Cursor): boolean {
  return frameBefore(a.batch[a.pos], a.index, b);
}

/** Binary min-heap of cursors, ordered by their next frame. */
class CursorHeap {
  readonly items: Cursor[] = [];

  get size(): number {
    return this.items.length;
  }

  push(c: Cursor): void {
    const items = this.items;
    items.push(c);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Cursor | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l], items[m])) m = l;
        if (r < items.length && before(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }

  /** The cursor that would come out first, without removing it. */
  peek(): Cursor | undefined {
    return this.items[0];
  }
}

export interface MergeOptions {
  /** Most frames per merged batch. */
  readonly batchSize?: number;
}

/**
 * Merges sources into one, in timestamp order (like mergecap): a k-way merge by (tsSec,
 * tsNsec); on equal times the later input first, as mergecap does. Inputs are expected in time order, as
 * captures are; each input's own order is kept whatever it is. Reads each
 * input only as far as needed (one batch ahead), so backpressure carries through. Frames keep
 * their own linkType and interfaceId; the merged source reports the first input's link type.
 * Warnings of each input are copied, prefixed with its name, once that input has ended.
 */
export function mergeSources(sources: readonly CaptureSource[], options: MergeOptions = {}): CaptureSource {
  if (sources.length === 0) throw new Error('mergeSources needs at least one source');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_FRAMES;
  const warnings: SourceWarning[] = [];
  let started = false;

  const collectWarnings = (source: CaptureSource): void => {
    for (const w of source.warnings) warnings.push({ code: w.code, message: `${source.name}: ${w.message}` });
  };

  async function* merge(): AsyncGenerator<FrameBatch> {
    const heap = new CursorHeap();
    const open = new Set<Cursor>();
    // Moves a cursor to its next non-empty batch; false when its input has ended.
    const advance = async (c: Cursor): Promise<boolean> => {
      for (;;) {
        const r = await c.iterator.next();
        if (r.done) {
          open.delete(c);
          collectWarnings(c.source);
          return false;
        }
        if (r.value.length > 0) {
          c.batch = r.value;
          c.pos = 0;
          return true;
        }
      }
    };
    try {
      const cursors = sources.map((source, index): Cursor => ({ index, source, iterator: source.batches()[Symbol.asyncIterator](), batch: [], pos: 0 }));
      for (const c of cursors) open.add(c);
      for (const c of cursors) if (await advance(c)) heap.push(c);

      let out: Frame[] = [];
      for (;;) {
        const c = heap.pop();
        if (c === undefined) break;
        const next = heap.peek();
        if (next === undefined) {
          // The last input left: pass its batches through untouched.
          if (out.length > 0) {
            yield out;
            out = [];
          }
          yield c.pos > 0 ? c.batch.slice(c.pos) : c.batch;
          while (await advance(c)) yield c.batch;
          break;
        }
        // Take c's frames while they come before every other input's next frame.
        for (;;) {
          const batch = c.batch;
          if (c.pos === 0 && out.length === 0 && frameBefore(batch[batch.length - 1], c.index, next)) {
            // The whole batch goes first (inputs that do not overlap in time): no copy.
            yield batch;
            c.pos = batch.length;
          } else {
            while (c.pos < batch.length && frameBefore(batch[c.pos], c.index, next)) {
              out.push(batch[c.pos++]);
              if (out.length >= batchSize) {
                yield out;
                out = [];
              }
            }
          }
          if (c.pos < batch.length) {
            heap.push(c);
            break;
          }
          if (!(await advance(c))) break;
          if (!frameBefore(c.batch[0], c.index, next)) {
            heap.push(c);
            break;
          }
        }
      }
      if (out.length > 0) yield out;
    } finally {
      // Early exit or failure: release every input still open.
      for (const c of open) c.iterator.return?.()?.catch(() => undefined);
      for (const s of sources) s.close?.();
    }
  }

  const first = sources[0];
  return {
    name: sources.map((s) => s.name).join(', '),
    format: first.format,
    linkType: first.linkType,
    snaplen: Math.max(...sources.map((s) => s.snaplen)),
    warnings,
    // A getter: pcapng inputs learn interfaces while they are read.
    get interfaces() {
      return sources.flatMap((s) => s.interfaces ?? []);
    },
    batches(): AsyncIterable<FrameBatch> {
      if (started) throw new Error('batches() of a merged source can only be iterated once');
      started = true;
      return merge();
    },
    close(): void {
      for (const s of sources) s.close?.();
    },
  };
}
