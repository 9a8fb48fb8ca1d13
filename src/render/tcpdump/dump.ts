/** tcpdump's -A and -X payload dumps, byte for byte. */

const isGraph = (c: number): boolean => c > 0x20 && c < 0x7f;

/** -A: printable bytes as they are, others as '.', CR dropped before LF (and at the very end). */
export function asciiDump(bytes: Uint8Array): string {
  let out = '\n';
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    const remaining = n - i - 1;
    if (c === 0x0d) {
      if (remaining > 1 && bytes[i + 1] !== 0x0a) out += '.';
    } else if (isGraph(c) || c === 0x09 || c === 0x20 || c === 0x0a) {
      out += String.fromCharCode(c);
    } else {
      out += '.';
    }
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_COLUMN_WIDTH = 40;

/** -X: 16 bytes a line, offset, hex in 16-bit groups, then the printable characters. */
export function hexAsciiDump(bytes: Uint8Array, indent = '\n\t'): string {
  let out = '';
  for (let line = 0; line < bytes.length; line += 16) {
    const end = Math.min(line + 16, bytes.length);
    let hex = '';
    let ascii = '';
    for (let i = line; i < end; i += 2) {
      hex += ' ' + HEX[bytes[i]] + (i + 1 < end ? HEX[bytes[i + 1]] : '');
      ascii += isGraph(bytes[i]) ? String.fromCharCode(bytes[i]) : '.';
      if (i + 1 < end) ascii += isGraph(bytes[i + 1]) ? String.fromCharCode(bytes[i + 1]) : '.';
    }
    out += `${indent}0x${line.toString(16).padStart(4, '0')}: ${hex.padEnd(HEX_COLUMN_WIDTH)}  ${ascii}`;
  }
  return out;
}
