/** Address helpers for filter expressions, following libpcap's parsing rules. */

/**
 * libpcap's __pcap_atoin(): "10", "10.1", "10.1.2" or "10.1.2.3" (decimal parts 0-255) as a
 * number right-aligned in `len` bits (8 per part). Null if a part is not a decimal byte.
 */
export function parseDottedIpv4(text: string): { readonly value: number; readonly bits: number } | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^[0-9]+$/.test(part)) return null;
    const n = parseInt(part, 10);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return { value, bits: parts.length * 8 };
}

/** `value << count` on unsigned 32-bit numbers, with shifts of 32 or more giving 0. */
export function shiftLeft32(value: number, count: number): number {
  return count >= 32 ? 0 : (value << count) >>> 0;
}

export function formatIpv4Number(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** Bytes of a textual IPv6 address already checked with net.isIPv6 (compressed and IPv4-suffixed forms). */
export function parseIpv6(text: string): Buffer {
  const bytes = Buffer.alloc(16);
  let head = text;
  let tail = '';
  const gap = text.indexOf('::');
  if (gap >= 0) {
    head = text.slice(0, gap);
    tail = text.slice(gap + 2);
  }
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (group.includes('.')) {
        const v4 = group.split('.').map((n) => parseInt(n, 10));
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else out.push(parseInt(group, 16));
    }
    return out;
  };
  const first = groups(head);
  const last = groups(tail);
  const words = gap >= 0 ? [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last] : first;
  words.forEach((word, i) => bytes.writeUInt16BE(word, 2 * i));
  return bytes;
}

/** A 16-byte mask with the first `prefix` bits set. */
export function ipv6Mask(prefix: number): Buffer {
  const mask = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, prefix - 8 * i));
    mask[i] = bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
  }
  return mask;
}
