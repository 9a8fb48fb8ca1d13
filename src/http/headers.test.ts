import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerValue, joinedHeader, lowerEquals } from './headers.js';

describe('lowerEquals', () => {
  it('is text.length === lower.length && text.toLowerCase() === lower for any text and lowercase name', () => {
    const chars = fc.constantFrom('a', 'A', 'z', 'Z', '-', '@', '[', '`', '{', '\r', 'é', 'É', 'İ', 'i', 'K', 'k', 'ß', 'ÿ', 'Ÿ');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 6 }), fc.string({ unit: chars, maxLength: 6 }), (text, name) => {
        const lower = name.toLowerCase();
        expect(lowerEquals(text, lower)).toBe(text.length === lower.length && text.toLowerCase() === lower);
      }),
      { numRuns: 5000 },
    );
    expect(lowerEquals('Content-Length', 'content-length')).toBe(true);
    expect(lowerEquals('Content-Lengt\r', 'content-lengtm')).toBe(false);
  });

  it('finds header values case-insensitively', () => {
    const headers = [['Host', 'a'], ['content-encoding', 'gzip'], ['Content-Encoding', 'br']] as const;
    expect(headerValue(headers, 'host')).toBe('a');
    expect(headerValue(headers, 'HOST')).toBe('a');
    expect(joinedHeader(headers, 'Content-Encoding')).toBe('gzip, br');
    expect(joinedHeader(headers, 'x')).toBeNull();
  });
});
