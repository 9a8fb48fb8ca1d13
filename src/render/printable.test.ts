import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable: wire text never reaches the terminal raw', () => {
  it.each([
    ['plain text stays as it is', 'GET /users/1 HTTP/1.1', 'GET /users/1 HTTP/1.1'],
    ['escape sequences become visible', '/\x1b]0;owned\x07\x1b[2J', '/\\e]0;owned\\x07\\e[2J'],
    ['carriage returns and newlines cannot rewrite the line', 'a\rb\nc\td', 'a\\rb\\nc\\td'],
    ['a backslash is doubled so escapes stay unambiguous', 'C:\\x41', 'C:\\\\x41'],
    ['Latin-1 bytes from the wire are shown as hex', 'caf\xe9', 'caf\\xe9'],
    ['DEL and NUL are escaped', '\x7f\x00', '\\x7f\\x00'],
    ['characters beyond Latin-1 are escaped', 'snow\u2603', 'snow\\u{2603}'],
  ])('%s', (_name, input, expected) => {
    expect(printable(input)).toBe(expected);
    expect(printable(input)).toMatch(/^[\x20-\x7e]*$/);
  });
});
