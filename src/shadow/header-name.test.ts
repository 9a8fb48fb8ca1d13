import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNamed } from './header-name.js';

describe('isNamed', () => {
  it('is name.toLowerCase() === lower, on generated names', () => {
    const unit = fc.constantFrom('x', 'X', '-', 'r', 'R', 'i', 'I', 'd', 'D', '\u0130', '\u0307', '\u212a', 'k', 'K', '\u00c0', '\u00e0', '\u00df');
    const name = fc.array(unit, { maxLength: 6 }).map((u) => u.join(''));
    const lower = fc.oneof(name.map((n) => n.toLowerCase()), fc.constantFrom('x-request-id', 'i\u0307d', 'k', ''));
    fc.assert(
      fc.property(name, lower, (n, l) => {
        expect(isNamed(n, l)).toBe(n.toLowerCase() === l);
      }),
      { numRuns: 5000 },
    );
  });

  it('finds names in any case, and a name that grows when lower-cased', () => {
    expect(isNamed('X-Request-Id', 'x-request-id')).toBe(true);
    expect(isNamed('X-Request-Ix', 'x-request-id')).toBe(false);
    expect(isNamed('\u0130D', 'i\u0307d')).toBe(true);
  });
});
