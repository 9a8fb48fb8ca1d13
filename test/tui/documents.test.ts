/** The pure text the TUI draws: the terminal gate, body lines, the side-by-side detail, packets. */
import { describe, expect, it } from 'vitest';
import { asciiDump, hexAsciiDump } from '../../src/render/tcpdump/dump.js';
import { bodyLines, jsonLines, pathShowsDifference } from '../../src/tui/format/body-lines.js';
import { alignByKey, messagesDocument, type DetailLine } from '../../src/tui/format/detail-document.js';
import { dumpLines, packetsDocument } from '../../src/tui/format/packets-document.js';
import { fit, fitRight, fromColumn, screenSafe } from '../../src/tui/format/text.js';
import { bodyCapture, exchange, pairReport } from '../helpers/exchange-builder.js';
import { entry, entryOf, primary, shadow } from './helpers/entries.js';

describe('the terminal gate', () => {
  it('no control character reaches the terminal: escape sequences, C1 controls, bidi and invisible marks are made visible', () => {
    const attacks = ['\x1b[2J', '\x1b]52;c;ZXZpbA==\x07', '\x9b31m', '\x1b]8;;http://x\x1b\\', 'a\rb', '\x00\x7f', '\u202eevil', 'zero\u200bwidth', '\u2028'];
    for (const attack of attacks) {
      const safe = screenSafe(attack);
      expect(safe).not.toMatch(/[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
    }
    expect(screenSafe('\x1b[2J')).toBe('\\e[2J');
    expect(screenSafe('\x9b\u202e')).toBe('\\x9b\\u{202e}');
  });

  it('tabs become spaces to the next 8-column stop', () => {
    expect(screenSafe('\tx\ty')).toBe('        x       y');
  });

  it('fit clips with a mark or pads, to exactly the width', () => {
    expect(fit('abcdef', 4)).toBe('abc~');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('ab', 0)).toBe('');
    expect(fitRight('7', 3)).toBe('  7');
    expect(fit('\x1b[2J', 10)).toBe('\\e[2J     ');
    expect(fromColumn('0123456789', 4)).toBe('~56789');
    expect(fromColumn('0123', 8)).toBe('');
  });
});

describe('body lines', () => {
  it('JSON pretty-printed, every line with the path compare.ts gives its value', () => {
    const lines = jsonLines({ a: 1, list: [{ b: 'x' }, 2], 'odd key': null, empty: [] });
    expect(lines.map((l) => [l.text, l.path])).toEqual([
      ['{', '$'],
      ['  "a": 1,', '$.a'],
      ['  "list": [', '$.list'],
      ['    {', '$.list[0]'],
      ['      "b": "x"', '$.list[0].b'],
      ['    },', '$.list[0]'],
      ['    2', '$.list[1]'],
      ['  ],', '$.list'],
      ['  "odd key": null,', '$["odd key"]'],
      ['  "empty": []', '$.empty'],
      ['}', '$'],
    ]);
  });

  it('a difference marks its line, the lines inside it, and an array whose length differs', () => {
    expect(pathShowsDifference('$.a', '$.a')).toBe(true);
    expect(pathShowsDifference('$.a.b', '$.a')).toBe(true);
    expect(pathShowsDifference('$.a[2]', '$.a')).toBe(true);
    expect(pathShowsDifference('$.ab', '$.a')).toBe(false);
    expect(pathShowsDifference('$.list', '$.list.length')).toBe(true);
    expect(pathShowsDifference('$', '$.a')).toBe(false);
  });

  it('text line by line (escaped), binary as a hex dump, with notes on decoding and cuts', () => {
    expect(bodyLines(bodyCapture('a\r\nb\x1b[2J\n')).lines.map((l) => [l.text, l.lineNumber])).toEqual([
      ['a', 1],
      ['b\\e[2J', 2],
    ]);
    const binary = bodyLines(bodyCapture(Buffer.from([0, 1, 2, 0xff, 0x1b])));
    expect(binary.format).toBe('binary');
    expect(binary.lines.map((l) => l.text)).toEqual([hexAsciiDump(Buffer.from([0, 1, 2, 0xff, 0x1b]), '').trim()]);
    const decoded = bodyLines(bodyCapture({ data: 'xx', wireBytes: 9, decoded: '{"a":1}' }));
    expect(decoded.format).toBe('json');
    expect(decoded.note).toBe('[gzip-decoded from 9 bytes; capture kept 2 of 9 bytes]');
    expect(bodyLines(bodyCapture('')).format).toBe('none');
  });

  it('bounded in lines, however deep or long the document', () => {
    expect(bodyLines(bodyCapture(`${'['.repeat(5000)}${']'.repeat(5000)}`), 100).lines).toHaveLength(100);
    expect(bodyLines(bodyCapture('x\n'.repeat(5000)), 100).note).toBe('[more lines not shown]');
  });
});

describe('the side-by-side detail', () => {
  const texts = (lines: readonly DetailLine[]): string[] =>
    lines.map((l) => (l.kind === 'sides' ? `${l.differs ? '*' : ' '}${l.left} | ${l.right}` : l.kind === 'heading' ? `# ${l.text}` : `  ${l.text}`));

  it('aligns headers by name and JSON by path, and marks what the comparison found', () => {
    const p = primary({ id: 'r1', responseHeaders: [['Content-Type', 'application/json'], ['X-Version', 'v1']], responseBody: '{"id":1,"score":70}' });
    const s = shadow({ id: 'r1', status: 201, responseHeaders: [['X-Extra', 'y'], ['x-version', 'v2'], ['Content-Type', 'application/json']], responseBody: '{"id":1,"new":true,"score":71}' });
    const report = pairReport({
      id: 'r1',
      primary: p,
      shadow: s,
      differences: [
        { kind: 'status', path: 'status', primary: '200', shadow: '201', noise: false },
        { kind: 'header', path: 'header:x-version', primary: 'v1', shadow: 'v2', noise: false },
        { kind: 'body', path: '$.new', primary: null, shadow: 'true', noise: false },
        { kind: 'body', path: '$.score', primary: '70', shadow: '71', noise: true },
      ],
    });
    const lines = texts(messagesDocument(entryOf(0, report), false));
    expect(lines.slice(0, 6)).toEqual(['# DIFFERENCES (4)', '    status  200 | 201', '    header:x-version  v1 | v2', '    $.new  (absent) | true', '    $.score  70 | 71  (probable noise)', ' PRIMARY 10.1.0.5:40000 > 10.1.0.20:8000 | SHADOW 10.1.0.5:40000 > 10.1.0.30:8000']);
    const response = lines.slice(lines.indexOf('# RESPONSE') + 1);
    expect(response).toEqual([
      '*HTTP/1.1 200 OK | HTTP/1.1 201 Created',
      ' Content-Type: application/json | Content-Type: application/json',
      '*X-Version: v1 | x-version: v2',
      '  | X-Extra: y',
      '  | ',
      ' body (json) | body (json)',
      ' { | {',
      ' "id": 1, |   "id": 1,'.replace(' "id"', '   "id"'),
      '* |   "new": true,',
      '*  "score": 70 |   "score": 71',
      ' } | }',
    ]);
    const diffOnly = texts(messagesDocument(entryOf(0, report), true));
    expect(diffOnly.slice(5)).toEqual([
      ' PRIMARY 10.1.0.5:40000 > 10.1.0.20:8000 | SHADOW 10.1.0.5:40000 > 10.1.0.30:8000',
      '# RESPONSE',
      '*HTTP/1.1 200 OK | HTTP/1.1 201 Created',
      '*X-Version: v1 | x-version: v2',
      '* |   "new": true,',
      '*  "score": 70 |   "score": 71',
    ]);
  });

  it('text bodies are shown and marked line by line, as they are compared', () => {
    const e = entry(0, { body: 'same\nold\nsame', shadowBody: 'same\nnew\nsame\nextra' });
    const body = texts(messagesDocument(e, false)).filter((l) => /same|old|new|extra/.test(l));
    expect(body).toEqual([' same | same', '*old | new', ' same | same', '* | extra']);
  });

  it('a missing side says so; nothing to compare says why', () => {
    const e = entry(0, { shadowStatus: 'none' });
    const lines = texts(messagesDocument(e, false));
    expect(lines).toContain(' PRIMARY 10.1.0.5:40000 > 10.1.0.20:8000 | SHADOW (not seen)');
    expect(texts(messagesDocument(e, true))).toContain('  no shadow leg was seen: nothing to compare');
  });

  it('every wire string is printable in the document', () => {
    const evil = '\x1b]52;c;ZXZpbA==\x07\x1b[2J';
    const p = exchange({ id: 'x', target: `/a${evil}`, headers: [[`X-${evil}`, evil]], responseHeaders: [['Server', evil]], responseBody: `{"k":"${'\\u001b'}[2J"}` });
    const s = exchange({ id: 'x', host: 'h-shadow', server: '10.0.0.9:80', responseBody: evil });
    const lines = messagesDocument(entryOf(0, pairReport({ id: 'x', primary: p, shadow: s, differences: [{ kind: 'body', path: 'body:sha256', primary: evil, shadow: 'b', noise: false }] })), false);
    const all = lines.flatMap((l) => (l.kind === 'sides' ? [l.left, l.right] : [l.text])).join('\n');
    expect(all).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(all).toContain('\\e]52;c;ZXZpbA==\\x07\\e[2J');
  });

  it('greedy alignment pairs equal keys and waits for a key that comes a little later', () => {
    const line = (key: string) => ({ text: key, key, path: key, lineNumber: null });
    const rows = alignByKey(['a', 'b', 'c'].map(line), ['a', 'x', 'b', 'c', 'd'].map(line));
    expect(rows.map(([l, r]) => `${l?.key ?? '-'}${r?.key ?? '-'}`)).toEqual(['aa', '-x', 'bb', 'cc', '-d']);
  });
});

describe('the packet tab', () => {
  it("payload dumps are tcpdump's own -A and -X", () => {
    const packet = { at: 0, line: 'l', dump: Buffer.from('E\x00\x00\x2a\x1b[2JGET / HTTP/1.1\r\n\r\n'), ipStart: 0, wireLength: 30 };
    expect(dumpLines(packet, 'ascii')).toEqual(asciiDump(packet.dump).split('\n').slice(1));
    expect(dumpLines(packet, 'hex')).toEqual(hexAsciiDump(packet.dump).split('\n').slice(1));
    for (const l of [...dumpLines(packet, 'ascii'), ...dumpLines(packet, 'hex')]) expect(l).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\xff]/);
  });

  it('each leg with the packets of its request and response', () => {
    const lines = packetsDocument(entry(0), 'ascii').map((l) => (l.kind === 'heading' ? `# ${l.text}` : l.kind === 'text' ? l.text : `${l.left} | ${l.right}`));
    expect(lines.filter((l) => l.startsWith('#') || l.includes(' IP '))).toEqual([
      '# PRIMARY 10.1.0.5:40000 > 10.1.0.20:8000',
      '08:00:00.000000 IP 10.1.0.5.40000 > 10.1.0.20.8000: Flags [P.], length 10',
      '08:00:00.002000 IP 10.1.0.20.8000 > 10.1.0.5.40000: Flags [P.], length 10',
      '# SHADOW 10.1.0.5:40000 > 10.1.0.30:8000',
      '08:00:00.000000 IP 10.1.0.5.40000 > 10.1.0.30.8000: Flags [P.], length 10',
      '08:00:00.002000 IP 10.1.0.30.8000 > 10.1.0.5.40000: Flags [P.], length 10',
    ]);
  });
});
