import { describe, expect, it } from 'vitest';
import { ndjsonLine } from './exchange-json.js';

describe('ndjsonLine', () => {
  it('keeps ASCII as JSON.stringify writes it', () => {
    expect(ndjsonLine({ a: 'GET /x', n: 1 })).toBe('{"a":"GET /x","n":1}');
  });

  it('escapes control characters, DEL and every non-ASCII character, and round-trips', () => {
    const value = { target: '/\x1b[2J\x7f', host: 'caf\xe9', note: 'snow\u2603' };
    const line = ndjsonLine(value);
    expect(line).toMatch(/^[\x20-\x7e]*$/);
    expect(line).toContain('\\u001b');
    expect(line).toContain('\\u00e9');
    expect(JSON.parse(line)).toEqual(value);
  });
});
