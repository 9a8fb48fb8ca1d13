import type { SourceWarning } from '../core/warnings.js';

/** Error and warning messages are one line: control characters (a newline in a path) become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ');
}

/** "48 54 54 50 ("HTTP")": the bytes a file starts with, as hex and, when printable, as text. */
export function describeBytes(bytes: Buffer): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const printable = bytes.length > 0 && [...bytes].every((b) => b >= 0x20 && b < 0x7f);
  return printable ? `${hex} ("${bytes.toString('latin1')}")` : hex;
}

/** Wording follows libpcap, so that users can search for it. */
export function truncatedFile(what: string, wanted: number, got: number): SourceWarning {
  return { code: 'truncated-file', message: `truncated dump file; tried to read ${wanted} ${what}, only got ${got}` };
}

export function truncatedPcapng(wanted: number, got: number): SourceWarning {
  return { code: 'truncated-file', message: `truncated pcapng dump file; tried to read ${wanted} bytes, only got ${got}` };
}

export function badBlock(message: string): SourceWarning {
  return { code: 'bad-block', message };
}
