/**
 * Where a printer's text goes. The packet view prints millions of lines, so the CLI writes
 * them straight into output blocks as Latin-1 bytes, numbers as digits, payload text copied
 * byte for byte: no per-piece strings to build, join and encode. Tests and other views take
 * the text of each line as a string.
 */
export interface LineSink {
  print(text: string): void;
  /** A non-negative integer in decimal. */
  printNumber(n: number): void;
  /** A non-negative integer in decimal, zero-padded to `width` digits. */
  printPadded(n: number, width: number): void;
  /** Bytes copied as they are (the caller has checked they are printable). */
  printBytes(bytes: Buffer, start: number, end: number): void;
}

/** Collects one line as a string. */
export class StringLine implements LineSink {
  text = '';
  print(text: string): void {
    this.text += text;
  }
  printNumber(n: number): void {
    this.text += n;
  }
  printPadded(n: number, width: number): void {
    this.text += String(n).padStart(width, '0');
  }
  printBytes(bytes: Buffer, start: number, end: number): void {
    this.text += bytes.toString('latin1', start, end);
  }
}

/** Buffer's own Latin-1 writer: write(text, offset, 'latin1') without the argument checks. */
interface LatinWritable {
  latin1Write(text: string, offset: number): number;
}

const DIGIT_0 = 0x30;
/** Up to this length a JavaScript loop beats a call into the native string writer. */
const SHORT_TEXT = 48;

function digitCount(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  let digits = 6;
  for (let t = Math.floor(n / 1000000); t > 0; t = Math.floor(t / 10)) digits++;
  return digits;
}

/**
 * Writes lines into fixed-size blocks and hands each full block to `send`. A line may span
 * blocks: blocks are sent in order, so the bytes arrive in order.
 */
export class BlockLines implements LineSink {
  private block: Buffer;
  private used = 0;

  constructor(
    private readonly blockSize: number,
    private readonly send: (block: Buffer) => void,
  ) {
    this.block = Buffer.allocUnsafe(blockSize);
  }

  /** Sends what is written; the sent block now belongs to the receiver. */
  flush(): void {
    if (this.used === 0) return;
    this.send(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafe(this.blockSize);
    this.used = 0;
  }

  private room(n: number): void {
    if (this.used + n > this.block.length) {
      this.flush();
      if (n > this.block.length) this.block = Buffer.allocUnsafe(n);
    }
  }

  print(text: string): void {
    const n = text.length;
    this.room(n);
    if (n > SHORT_TEXT) {
      this.used += (this.block as unknown as LatinWritable).latin1Write(text, this.used);
      return;
    }
    const block = this.block;
    let at = this.used;
    for (let i = 0; i < n; i++) block[at++] = text.charCodeAt(i);
    this.used = at;
  }

  printNumber(n: number): void {
    this.writeDigits(n, digitCount(n));
  }

  printPadded(n: number, width: number): void {
    this.writeDigits(n, Math.max(digitCount(n), width));
  }

  private writeDigits(n: number, width: number): void {
    this.room(width);
    const block = this.block;
    let at = this.used + width;
    if (n < 0x100000000) {
      // Unsigned 32-bit division: much cheaper than Math.floor on doubles.
      for (let i = 0; i < width; i++) {
        const q = (n / 10) >>> 0;
        block[--at] = DIGIT_0 + n - q * 10;
        n = q;
      }
    } else {
      for (let i = 0; i < width; i++) {
        const q = Math.floor(n / 10);
        block[--at] = DIGIT_0 + (n - q * 10);
        n = q;
      }
    }
    this.used += width;
  }

  printBytes(bytes: Buffer, start: number, end: number): void {
    this.room(end - start);
    this.used += bytes.copy(this.block, this.used, start, end);
  }

  newline(): void {
    this.room(1);
    this.block[this.used++] = 0x0a;
  }
}
