import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../http/types.js';
import { EXCHANGE_STARTS, StartOrder } from './start-order.js';

const exchange = (start: number, id = 0, bodyBytes = 0): Exchange =>
  ({ connectionId: id, index: 0, timing: { requestStart: start, requestEnd: start, responseStart: null, responseEnd: null }, request: { body: { data: Buffer.alloc(bodyBytes) } }, response: null }) as unknown as Exchange;
const NO_BYTE_BOUND = Infinity;
const addAll = (order: StartOrder<Exchange>, list: readonly Exchange[]): void => list.forEach((e) => order.add(e));
const starts = (list: readonly Exchange[]): number[] => list.map((e) => e.timing.requestStart);

describe('StartOrder', () => {
  it('releases in request-start order once the window has passed', () => {
    const order = new StartOrder(EXCHANGE_STARTS, { window: 100, maxHeld: 10, maxHeldBytes: NO_BYTE_BOUND });
    addAll(order, [exchange(50), exchange(10)]);
    expect(order.release(100)).toEqual([]);
    expect(starts(order.release(120))).toEqual([10]);
    expect(starts(order.release(151))).toEqual([50]);
    addAll(order, [exchange(300), exchange(200)]);
    expect(starts(order.drain())).toEqual([200, 300]);
  });

  it('stays bounded: beyond maxHeld the earliest go out at once', () => {
    const order = new StartOrder(EXCHANGE_STARTS, { window: 1_000_000, maxHeld: 3, maxHeldBytes: NO_BYTE_BOUND });
    addAll(order, [5, 1, 4, 2, 3].map((t) => exchange(t)));
    expect(starts(order.release(10))).toEqual([1, 2]);
    expect(starts(order.drain())).toEqual([3, 4, 5]);
  });

  it('stays bounded in body bytes: beyond maxHeldBytes the earliest go out at once', () => {
    const order = new StartOrder(EXCHANGE_STARTS, { window: 1_000_000, maxHeld: 100, maxHeldBytes: 2500 });
    addAll(order, [exchange(3, 0, 1000), exchange(1, 0, 1000), exchange(2, 0, 1000)]);
    expect(starts(order.release(10))).toEqual([1]);
    expect(starts(order.release(11))).toEqual([]);
    addAll(order, [exchange(4, 0, 600)]);
    expect(starts(order.release(12))).toEqual([2]);
    expect(starts(order.drain())).toEqual([3, 4]);
    addAll(order, [exchange(5, 0, 2000)]);
    expect(starts(order.release(13)), 'what drain gave out no longer counts').toEqual([]);
  });
});

describe('StartOrder against sorting everything held at each release', () => {
  it('releases the same exchanges in the same order for any arrival order, window and bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.nat({ max: 50 }), fc.nat({ max: 3 }), fc.nat({ max: 40 })), { maxLength: 12 }), { maxLength: 10 }),
        fc.nat({ max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 150 }),
        (batches, window, maxHeld, maxHeldBytes) => {
          const order = new StartOrder(EXCHANGE_STARTS, { window, maxHeld, maxHeldBytes });
          const bytes = (list: readonly Exchange[]): number => list.reduce((sum, e) => sum + e.request.body.data.length, 0);
          let reference: Exchange[] = [];
          const byStart = (a: Exchange, b: Exchange): number => a.timing.requestStart - b.timing.requestStart || a.connectionId - b.connectionId || a.index - b.index;
          let now = 0;
          let index = 0;
          for (const batch of batches) {
            const added = batch.map(([start, id, size]) => ({ ...exchange(now + start - 25, id, size), index: index++ }) as Exchange);
            addAll(order, added);
            reference.push(...added);
            now += 10;
            reference.sort(byStart);
            let n = 0;
            while (n < reference.length && (reference[n].timing.requestStart <= now - window || reference.length - n > maxHeld || bytes(reference.slice(n)) > maxHeldBytes)) n++;
            expect(order.release(now)).toEqual(reference.slice(0, n));
            reference = reference.slice(n);
          }
          expect(order.drain()).toEqual(reference.sort(byStart));
        },
      ),
      { numRuns: 500 },
    );
  });
});
