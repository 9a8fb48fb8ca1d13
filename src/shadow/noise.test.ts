import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Difference } from './compare.js';
import { NoiseDetector } from './noise.js';

const d = (path: string): Difference => ({ kind: path.startsWith('header:') ? 'header' : 'body', path, primary: 'a', shadow: 'b' });

describe('NoiseDetector', () => {
  it('needs minPairs before it says anything', () => {
    const n = new NoiseDetector();
    for (let i = 0; i < 9; i++) n.observe('GET /a', [d('$.time')]);
    expect(n.probableNoise('GET /a')).toEqual([]);
    n.observe('GET /a', [d('$.time')]);
    expect(n.probableNoise('GET /a')).toEqual(['$.time']);
    expect(n.pairs('GET /a')).toBe(10);
    expect(n.probableNoise('GET /other')).toEqual([]);
  });

  it('the ratio threshold is inclusive', () => {
    const n = new NoiseDetector();
    for (let i = 0; i < 20; i++) {
      const diffs = [];
      if (i < 18) diffs.push(d('$.time')); // 0.9
      if (i < 17) diffs.push(d('header:x-pod')); // 0.85
      if (i === 0) diffs.push(d('$.bug'));
      n.observe('GET /a', diffs);
    }
    expect(n.probableNoise('GET /a')).toEqual(['$.time']);
    expect(n.probableNoise('GET /a', 10, 0.8)).toEqual(['$.time', 'header:x-pod']);
    expect(n.probableNoise('GET /a', 21)).toEqual([]);
    expect(n.ignoreOptions('GET /a', 10, 0.8)).toEqual({ ignoreHeaders: ['x-pod'], ignoreJsonPaths: ['$.time'] });
  });

  it('routes are separate; a path repeated in one pair counts once; the ... entry is not a path', () => {
    const n = new NoiseDetector();
    for (let i = 0; i < 10; i++) {
      n.observe('GET /a', [d('$.x'), d('$.x'), d('...')]);
      n.observe('GET /b', []);
    }
    expect(n.probableNoise('GET /a', 10, 1)).toEqual(['$.x']);
    expect(n.probableNoise('GET /b', 1, 0)).toEqual([]);
  });

  it('bounded in routes and paths, with what did not fit counted', () => {
    const n = new NoiseDetector({ maxRoutes: 2, maxPathsPerRoute: 3 });
    n.observe('r1', [d('$.a'), d('$.b'), d('$.c'), d('$.d')]);
    n.observe('r2', []);
    n.observe('r3', [d('$.a')]);
    expect(n.droppedRoutes).toBe(1);
    expect(n.droppedPaths).toBe(1);
    expect(n.pairs('r3')).toBe(0);
    expect(n.probableNoise('r1', 1, 1)).toEqual(['$.a', '$.b', '$.c']);
  });
});

describe('isProbableNoise', () => {
  it('is membership in probableNoise, on generated observations', () => {
    const path = fc.constantFrom('$.a', '$.b', 'header:x', 'status', '...');
    const observation = fc.tuple(fc.constantFrom('r1', 'r2'), fc.array(path, { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 40 }), fc.nat({ max: 12 }), fc.constantFrom(0, 0.5, 0.9, 1), (observations, minPairs, ratio) => {
        const n = new NoiseDetector();
        for (const [route, paths] of observations) n.observe(route, paths.map((p) => ({ kind: 'body', path: p, primary: null, shadow: null })));
        for (const route of ['r1', 'r2', 'r3']) {
          const listed = n.probableNoise(route, minPairs, ratio);
          for (const p of ['$.a', '$.b', 'header:x', 'status', '...']) expect(n.isProbableNoise(route, p, minPairs, ratio)).toBe(listed.includes(p));
        }
      }),
      { numRuns: 500 },
    );
  });
});
