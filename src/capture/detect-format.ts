import { ShadowdumpError } from '../core/errors.js';
import { describeBytes, oneLine } from './messages.js';

export type DetectedFormat =
  | { readonly kind: 'pcap'; readonly littleEndian: boolean; readonly nanosecond: boolean }
  | { readonly kind: 'pcapng' };

/** First four bytes of a file, read big-endian. The byte order a pcap was written in flips them. */
const MAGICS: ReadonlyMap<number, DetectedFormat> = new Map([
  [0xa1b2c3d4, { kind: 'pcap', littleEndian: false, nanosecond: false }],
  [0xd4c3b2a1, { kind: 'pcap', littleEndian: true, nanosecond: false }],
  [0xa1b23c4d, { kind: 'pcap', littleEndian: false, nanosecond: true }],
  [0x4d3cb2a1, { kind: 'pcap', littleEndian: true, nanosecond: true }],
  // The pcapng Section Header Block type is a palindrome: the same in both byte orders.
  [0x0a0d0d0a, { kind: 'pcapng' }],
]);

/** Formats worth naming when we see them, with what to do instead. */
const KNOWN_OTHERS: ReadonlyArray<readonly [prefix: number[], what: string, fix: string]> = [
  [[0x1f, 0x8b], 'gzip-compressed', 'decompress it first (gunzip)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed', 'decompress it first (unzstd)'],
  [[0xfd, 0x37, 0x7a, 0x58], 'xz-compressed', 'decompress it first (unxz)'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed', 'decompress it first (bunzip2)'],
];

/** Kuznetsov's "modified" pcap (a1b2cd34) has longer record headers that nothing writes any more. */
const MODIFIED_PCAP = new Set([0xa1b2cd34, 0x34cdb2a1]);

const EXPECTED = 'expected a pcap or pcapng capture, e.g. one written by tcpdump -w';

/** Tells the capture format from the first four bytes (never from the file name). */
export function detectFormat(head: Buffer, label: string): DetectedFormat {
  if (head.length < 4) {
    const isPrefix = [...MAGICS.keys()].some((magic) => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(magic);
      return bytes.subarray(0, head.length).equals(head);
    });
    if (isPrefix) {
      throw new ShadowdumpError(
        'corrupt-capture',
        oneLine(`${label}: truncated dump file; tried to read 4 file header bytes, only got ${head.length}; the capture was cut off, capture again`),
      );
    }
    throw new ShadowdumpError('not-a-capture', oneLine(`${label} is not a capture file (only ${head.length} bytes: ${describeBytes(head)}); ${EXPECTED}`));
  }
  const magic = head.readUInt32BE(0);
  const format = MAGICS.get(magic);
  if (format) return format;
  if (MODIFIED_PCAP.has(magic)) {
    throw new ShadowdumpError(
      'unsupported-capture',
      oneLine(`${label} is a "modified" (Kuznetsov) pcap (magic ${describeBytes(head.subarray(0, 4))}), which is not supported; convert it with editcap -F pcap ${label} out.pcap`),
    );
  }
  for (const [prefix, what, fix] of KNOWN_OTHERS) {
    if (prefix.every((b, i) => head[i] === b)) {
      throw new ShadowdumpError('not-a-capture', oneLine(`${label} is ${what}, not a capture file; ${fix}; ${EXPECTED}`));
    }
  }
  throw new ShadowdumpError(
    'not-a-capture',
    oneLine(`${label} is not a capture file (it starts with bytes ${describeBytes(head.subarray(0, 4))}); ${EXPECTED}`),
  );
}
