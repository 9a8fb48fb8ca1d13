/**
 * Generated HTTP/1.x traffic for differential tests: mostly well-formed messages in their
 * common forms, mixed with every unusual form the parser has to judge (obs-fold, bare LF and
 * lone CR line ends, header lines the library drops, odd or repeated Content-Length and
 * Transfer-Encoding, Upgrade, CONNECT, 1xx/101/204/304, bodies that run to the close, chunked
 * bodies with extensions and trailers, bytes of every value), then cut at random points.
 */
import fc from 'fast-check';

const latin1 = (codes: readonly number[]): string => String.fromCharCode(...codes);

/** Text for targets and values: mostly plain, sometimes any byte but CR and LF. */
const wireText = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9/._~=?&%-]{0,12}$/) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }).filter((c) => c !== 0x0d && c !== 0x0a), { maxLength: 8 }).map(latin1) },
  { weight: 1, arbitrary: fc.constantFrom('"q"', 'a\\b', ' lead', 'trail ', '\ttab\t', 'caf\xe9', '\x00', '\x7f', ' ', '') },
);

const lineEnd = fc.oneof({ weight: 12, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constantFrom('\n', '\r', '\r\r\n') });
const ows = fc.constantFrom('', ' ', '', ' ', '\t', '  ', ' \t');

const headerName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Host', 'host', 'X-Request-Id', 'User-Agent', 'Accept', 'Content-Type', 'Connection', 'Date', 'Server', 'content-encoding', 'Trailer') },
  { weight: 1, arbitrary: fc.constantFrom('X Y', 'X\tY', '', ' Host', 'X\x80', 'Weird"Name', 'a:b') },
);

/** One header line (without its line end). */
const headerLine = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(headerName, ows, wireText, ows).map(([n, a, v, b]) => `${n}:${a}${v}${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(' ', '\t'), wireText).map(([w, v]) => `${w}${v}`) }, // obs-fold
  { weight: 1, arbitrary: fc.constantFrom('no colon here', ':empty name', 'X: a\rb', 'Upgrade: websocket', 'Connection: Upgrade', 'Transfer-Encoding: gzip') },
);

type Framing =
  | { readonly kind: 'length'; readonly length: number; readonly spelled: string }
  | { readonly kind: 'chunked'; readonly spelled: string; readonly chunks: readonly number[]; readonly trailers: readonly string[]; readonly extension: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'odd'; readonly lines: readonly string[] };

const framing: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('length' as const), length: fc.nat({ max: 40 }), spelled: fc.constantFrom('Content-Length', 'content-length', 'CONTENT-LENGTH') }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('chunked' as const),
      spelled: fc.constantFrom('Transfer-Encoding: chunked', 'transfer-encoding: Chunked', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding:chunked  '),
      chunks: fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 3 }),
      trailers: fc.array(fc.constantFrom('X-T: 1', 'Checksum: abc'), { maxLength: 2 }),
      extension: fc.constantFrom('', '', ';ext=1', ' '),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('odd' as const),
      lines: fc.array(
        fc.constantFrom(
          'Content-Length: 3',
          'Content-Length: 3, 3',
          'Content-Length: 1,2',
          'Content-Length: abc',
          'Content-Length: -1',
          'Content-Length: +3',
          'Content-Length:',
          'Content-Length: 0',
          'Transfer-Encoding: chunked',
          'Transfer-Encoding: identity',
          'Transfer-Encoding:',
          'Upgrade: h2c',
          'Connection: keep-alive, Upgrade',
        ),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  },
);

function body(length: number, seed: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode((seed + i * 7) % 256);
  return s;
}

/** The message text for a head (start line and header lines), a framing, and line ends. */
function message(start: string, headers: readonly string[], f: Framing, ends: readonly string[], seed: number): string {
  const end = (i: number): string => ends[i % ends.length] ?? '\r\n';
  let text = start + end(0);
  headers.forEach((h, i) => (text += h + end(i + 1)));
  let tail = '';
  switch (f.kind) {
    case 'length':
      text += `${f.spelled}: ${f.length}\r\n`;
      tail = body(f.length, seed);
      break;
    case 'chunked':
      text += `${f.spelled}\r\n`;
      for (const n of f.chunks) tail += `${n.toString(16)}${f.extension}\r\n${body(n, seed + n)}\r\n`;
      tail += `0\r\n${f.trailers.map((t) => `${t}\r\n`).join('')}\r\n`;
      break;
    case 'none':
      break;
    case 'odd':
      for (const l of f.lines) text += `${l}\r\n`;
      tail = body(3, seed);
      break;
  }
  return `${text}\r\n${tail}`;
}

const requestLine = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
        fc.oneof(fc.constantFrom('/', '/users/0', '/get?a=1&b=2', '*', 'http://h:8000/p'), wireText.map((t) => `/${t}`)),
        fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'),
      )
      .map(([m, t, v]) => `${m} ${t} ${v}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'CONNECT host:443 HTTP/1.1',
      'CCM_POST /x HTTP/1.1',
      'QUERY /q HTTP/1.1',
      'get /lower HTTP/1.1',
      'GET /two  spaces HTTP/1.1',
      'GET  /lead HTTP/1.1',
      'GET / HTTP/2.0',
      'GET / HTTP/1.10',
      'GET / http/1.1',
      'GET /a\tb HTTP/1.1',
      'G(T / HTTP/1.1',
      'GET /',
      'GET / HTTP/1.1 ',
    ),
  },
);

const statusLine = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'), fc.constantFrom('200 OK', '201 Created', '404 Not Found', '500 Internal Server Error', '204 No Content', '304 Not Modified'))
      .map(([v, s]) => `${v} ${s}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'HTTP/1.1 100 Continue',
      'HTTP/1.1 103 Early Hints',
      'HTTP/1.1 101 Switching Protocols',
      'HTTP/1.1 200',
      'HTTP/1.1 200 ',
      'HTTP/1.1 200  Two Spaces',
      'HTTP/1.1 2000 Four Digits',
      'HTTP/1.1 20 Short',
      'HTTP/2.0 200 OK',
      'HTTP/1.1 200 Caf\xe9 "quoted"',
      'HTTP/1.1 200 a\tb',
      'HTTP/1.1 200 OK\r',
      'http/1.1 200 OK',
    ),
  },
);

const leading = fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('\r\n', '\n', '\r\n\r\n', '\r') });

/** One message of the given kind, as raw text (Latin-1). */
export function messageText(kind: 'request' | 'response'): fc.Arbitrary<string> {
  return fc
    .record({
      lead: leading,
      start: kind === 'request' ? requestLine : statusLine,
      headers: fc.array(headerLine, { maxLength: 5 }),
      framing,
      ends: fc.array(lineEnd, { minLength: 1, maxLength: 4 }),
      seed: fc.nat({ max: 255 }),
    })
    .map(({ lead, start, headers, framing: f, ends, seed }) => lead + message(start, headers, f, ends, seed));
}

/** Cuts `text` at the given points (taken modulo its length) into pieces. */
export function cut(text: string, points: readonly number[]): string[] {
  if (text.length === 0) return [];
  const at = [...new Set(points.map((p) => p % text.length))].filter((p) => p > 0).sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of at) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}

/**
 * Several messages of one kind that repeat each other line for line, as heads on one connection
 * do, with small changes: a value of the same length or not, a line dropped or added, another
 * start line, a framing field that comes, goes or changes (for the reader that compares each
 * head with the one before it).
 */
export function similarMessages(kind: 'request' | 'response'): fc.Arbitrary<string[]> {
  const start = kind === 'request' ? requestLine : statusLine;
  const line = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('Host', 'X-Request-Id', 'Accept', 'Date', 'Server', 'content-type'), fc.constantFrom('a', 'bb', 'abc', 'xyz', 'abcd', '')).map(([n, v]) => `${n}: ${v}`) },
    { weight: 1, arbitrary: fc.constantFrom('Content-Length: 3', 'Content-Length: 12', 'content-length: 3', 'Transfer-Encoding: chunked', 'Content-Length: x', 'Upgrade: h2c', 'X  Y: 1', ' folded', 'Host:abc ') },
  );
  const change = fc.record({
    start: fc.option(start, { freq: 3 }),
    edits: fc.array(fc.tuple(fc.nat({ max: 3 }), fc.constantFrom('keep', 'same-length', 'same-length', 'revert', 'other', 'drop', 'insert'), line), { maxLength: 3 }),
  });
  return fc
    .record({ first: start, lines: fc.array(line, { maxLength: 6 }), changes: fc.array(change, { minLength: 1, maxLength: 8 }), seed: fc.nat({ max: 255 }) })
    .map(({ first, lines, changes, seed }) => {
      const out: string[] = [];
      let startLine = first;
      const current = [...lines];
      let before = [...lines];
      const render = (n: number): string => {
        const lengthLine = current.find((l) => /^content-length: *\d+$/i.test(l));
        const chunked = current.some((l) => /^transfer-encoding: chunked$/i.test(l));
        const length = lengthLine === undefined ? 0 : Number(lengthLine.split(':')[1]);
        const bodyText = chunked ? `2\r\n${body(2, seed + n)}\r\n0\r\n\r\n` : body(length, seed + n);
        return `${startLine}\r\n${current.map((l) => `${l}\r\n`).join('')}\r\n${bodyText}`;
      };
      out.push(render(0));
      changes.forEach((c, n) => {
        if (c.start !== null) startLine = c.start;
        const previous = [...current];
        for (const [at, edit, text] of c.edits) {
          const i = current.length === 0 ? 0 : at % current.length;
          if (edit === 'insert' || current.length === 0) current.splice(i, 0, text);
          else if (edit === 'drop') current.splice(i, 1);
          else if (edit === 'same-length') current[i] = current[i].replace(/[a-z]$/, (ch) => (ch === 'a' ? 'b' : 'a'));
          else if (edit === 'other') current[i] = text;
          else if (edit === 'revert' && i < before.length) current[i] = before[i];
        }
        before = previous;
        out.push(render(n + 1));
      });
      return out;
    });
}
