import { describe, expect, it } from 'vitest';
import { BlockLines, StringLine, type LineSink } from './line-sink.js';

function writeAll(sink: LineSink): void {
  sink.print('seq ');
  sink.printNumber(0);
  sink.print(':');
  sink.printNumber(4294967295);
  sink.print(' ts ');
  sink.printNumber(1795316279);
  sink.print('.');
  sink.printPadded(42, 6);
  sink.print(' big ');
  sink.printNumber(9007199254740991);
  sink.print(' ' + 'x'.repeat(100) + ' ');
  sink.printBytes(Buffer.from('GET / HTTP/1.1'), 0, 5);
}

describe('line sinks print the same bytes', () => {
  const expected = `seq 0:4294967295 ts 1795316279.000042 big 9007199254740991 ${'x'.repeat(100)} GET /`;

  it('StringLine', () => {
    const line = new StringLine();
    writeAll(line);
    expect(line.text).toBe(expected);
  });

  it.each([7, 64, 4096])('BlockLines with %i-byte blocks (lines span blocks)', (size) => {
    const blocks: Buffer[] = [];
    const lines = new BlockLines(size, (b) => blocks.push(Buffer.from(b)));
    writeAll(lines);
    lines.newline();
    writeAll(lines);
    lines.flush();
    expect(Buffer.concat(blocks).toString('latin1')).toBe(`${expected}\n${expected}`);
  });
});
