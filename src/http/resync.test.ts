import { describe, expect, it } from 'vitest';
import { StartLineScanner, type ScanWant } from './resync.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Where (as an offset in the whole stream) the scanner finds a start, feeding `chunks`. */
function find(chunks: readonly string[], want: ScanWant, atLineStart = true): { at: number; kind: string } | null {
  const s = new StartLineScanner(16 * 1024);
  s.restart(atLineStart);
  let consumed = 0;
  for (const c of chunks) {
    const r = s.scan(b(c), 0, want);
    if (r.found) return { at: consumed - (r.data.length - c.length) + r.offset, kind: r.kind };
    consumed += c.length;
  }
  return null;
}

describe('StartLineScanner', () => {
  it('finds a status line right after a body (no line break before it)', () => {
    expect(find(['{"a":1}HTTP/1.1 200 OK\r\n'], 'response')).toEqual({ at: 7, kind: 'response' });
  });

  it('finds a request line after a body by its known method, any token at a line start', () => {
    expect(find(['x=1&y=2POST /p HTTP/1.1\r\n'], 'request')).toEqual({ at: 7, kind: 'request' });
    expect(find(['junk\r\nCCM_POST / HTTP/1.0\r\n'], 'request')).toEqual({ at: 6, kind: 'request' });
    expect(find(['junk\x00XYZ_QUUX / HTTP/1.0\r\n'], 'request')).toBeNull();
    expect(find(['..GET / HTTP/1.1\r\n'], 'request')).toEqual({ at: 2, kind: 'request' });
  });

  it('the first byte after a gap may start a message; otherwise only after a line break', () => {
    expect(find(['FOO / HTTP/1.1\r\n'], 'request', true)).toEqual({ at: 0, kind: 'request' });
    expect(find(['FOO / HTTP/1.1\r\n'], 'request', false)).toBeNull();
  });

  it('rejects look-alikes', () => {
    expect(find(['HTTP/1.1 20 OK\r\nHTTP/2 200 \r\nHTTP/1.1 2000\r\n'], 'response')).toBeNull();
    expect(find(['GET /a b HTTP/1.1\r\nGET / HTTP/1.1 \r\nGET  HTTP/1.1\r\n'], 'request')).toBeNull();
  });

  it('with roles unknown, reports which kind it found first', () => {
    expect(find(['..GET / HTTP/1.1\r\nHTTP/1.1 200 OK\r\n'], 'either')).toEqual({ at: 2, kind: 'request' });
    expect(find(['xxHTTP/1.1 200 OK\r\nGET / HTTP/1.1\r\n'], 'either')).toEqual({ at: 2, kind: 'response' });
  });

  it('finds the same start wherever the stream is cut', () => {
    const streams: Array<[string, ScanWant]> = [
      ['binary\x00\x01body}HTTP/1.1 204 No Content\r\n\r\n', 'response'],
      ['garbage line\r\nmore{"x":"GET / HTTP/1.0"}\r\nPUT /up HTTP/1.1\r\nHost: h\r\n', 'request'],
      ['tail of body</html>GET /next HTTP/1.1\r\n', 'request'],
    ];
    for (const [text, want] of streams) {
      const whole = find([text], want);
      expect(whole).not.toBeNull();
      for (let i = 1; i < text.length; i++) {
        for (let j = i + 1; j < text.length; j += 7) {
          expect(find([text.slice(0, i), text.slice(i, j), text.slice(j)], want), `${i}/${j}`).toEqual(whole);
        }
      }
    }
  });

  it('keeps at most maxLine bytes of an unfinished line', () => {
    const s = new StartLineScanner(100);
    s.restart(true);
    const r = s.scan(b('GET /' + 'a'.repeat(1000)), 0, 'request');
    expect(r).toEqual({ found: false, discarded: 1005 - 100 });
    const partial = s.takePartialLine();
    expect(partial).toBeNull(); // the kept tail does not begin a line
  });

  it('hands over a start line cut by a gap', () => {
    const s = new StartLineScanner(1000);
    s.restart(false);
    s.scan(b('...\r\nGET /get?page=2 HTT'), 42, 'request');
    expect(s.takePartialLine()).toEqual({ text: 'GET /get?page=2 HTT', first: 42 });
    expect(s.takePartialLine()).toBeNull();
  });
});
