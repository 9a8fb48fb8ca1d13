import { describe, expect, it } from 'vitest';
import type { Exchange } from '../http/types.js';
import { StartOrder } from './start-order.js';

const exchange = (start: number, id = 0): Exchange => ({ connectionId: id, index: 0, timing: { requestStart: start, requestEnd: start, responseStart: null, responseEnd: null } }) as unknown as Exchange;
const starts = (list: readonly Exchange[]): number[] => list.map((e) => e.timing.requestStart);

describe('StartOrder', () => {
  it('releases in request-start order once the window has passed', () => {
    const order = new StartOrder({ window: 100, maxHeld: 10 });
    order.add([exchange(50), exchange(10)]);
    expect(order.release(100)).toEqual([]);
    expect(starts(order.release(120))).toEqual([10]);
    expect(starts(order.release(151))).toEqual([50]);
    order.add([exchange(300), exchange(200)]);
    expect(starts(order.drain())).toEqual([200, 300]);
  });

  it('stays bounded: beyond maxHeld the earliest go out at once', () => {
    const order = new StartOrder({ window: 1_000_000, maxHeld: 3 });
    order.add([5, 1, 4, 2, 3].map((t) => exchange(t)));
    expect(starts(order.release(10))).toEqual([1, 2]);
    expect(starts(order.drain())).toEqual([3, 4, 5]);
  });
});
