import zlib from 'node:zlib';

export interface DecodeResult {
  /** Decoded bytes (possibly partial, see problem), or null when nothing could be decoded. */
  readonly decoded: Buffer | null;
  /**
   * null: fully decoded. "limit": output cut at the decode limit. "truncated": the body was
   * incomplete (capture limit, gap, connection cut), the output is what its prefix decodes to.
   * "unsupported encoding: X", "corrupt gzip: <zlib message>": nothing decoded.
   */
  readonly problem: string | null;
}

type SyncDecoder = (input: Buffer, options: zlib.ZlibOptions | zlib.BrotliOptions) => Buffer;

interface Codec {
  readonly name: string;
  readonly decode: SyncDecoder;
  /** finishFlush value that accepts a truncated input (output = what the prefix decodes to). */
  readonly partialFlush: number;
  readonly isBrotli: boolean;
}

const GZIP: Codec = { name: 'gzip', decode: zlib.gunzipSync, partialFlush: zlib.constants.Z_SYNC_FLUSH, isBrotli: false };
const ZLIB: Codec = { name: 'deflate', decode: zlib.inflateSync, partialFlush: zlib.constants.Z_SYNC_FLUSH, isBrotli: false };
const RAW: Codec = { name: 'deflate', decode: zlib.inflateRawSync, partialFlush: zlib.constants.Z_SYNC_FLUSH, isBrotli: false };
const BROTLI: Codec = { name: 'br', decode: zlib.brotliDecompressSync, partialFlush: zlib.constants.BROTLI_OPERATION_FLUSH, isBrotli: true };

/** "deflate" should be zlib-wrapped (RFC 9110 8.4.1.2) but some servers send raw deflate. */
function deflateCodec(data: Buffer): Codec {
  if (data.length >= 2) {
    const cmf = data[0];
    const flg = data[1];
    if ((cmf & 0x0f) === 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 === 0) return ZLIB;
  }
  return RAW;
}

function codecFor(token: string, data: Buffer): Codec | null {
  switch (token) {
    case 'gzip':
    case 'x-gzip':
      return GZIP;
    case 'deflate':
      return deflateCodec(data);
    case 'br':
      return BROTLI;
    default:
      return null;
  }
}

/** Content-Encoding tokens in the order they were applied ("identity" dropped). */
export function contentCodings(contentEncoding: string): string[] {
  return contentEncoding
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && t !== 'identity');
}

/**
 * Decodes a body for display: codings undone in reverse order of application, each stage's
 * output bounded by `limit` (zlib's maxOutputLength: a gzip bomb costs at most `limit` bytes
 * per attempt, never its full size). Pure and synchronous; failures are returned, not thrown.
 */
export function decodeContent(data: Buffer, contentEncoding: string, inputComplete: boolean, limit: number): DecodeResult {
  const codings = contentCodings(contentEncoding);
  if (codings.length === 0 || data.length === 0) return { decoded: null, problem: null };
  let current = data;
  let complete = inputComplete;
  let problem: string | null = null;
  for (let i = codings.length - 1; i >= 0; i--) {
    const codec = codecFor(codings[i], current);
    if (!codec) return { decoded: null, problem: `unsupported encoding: ${codings[i]}` };
    const stage = decodeStage(codec, current, complete, limit);
    if (stage.out === null) return { decoded: null, problem: stage.problem };
    current = stage.out;
    if (stage.problem !== null) {
      problem ??= stage.problem;
      complete = false;
    }
  }
  return { decoded: current, problem };
}

interface Stage {
  readonly out: Buffer | null;
  readonly problem: string | null;
}

function isTooLarge(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ERR_BUFFER_TOO_LARGE';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function run(codec: Codec, input: Buffer, partial: boolean, limit: number): Buffer {
  const options: zlib.ZlibOptions & zlib.BrotliOptions = { maxOutputLength: Math.max(1, limit) };
  if (partial) options.finishFlush = codec.partialFlush;
  return codec.decode(input, options);
}

function decodeStage(codec: Codec, input: Buffer, complete: boolean, limit: number): Stage {
  try {
    return { out: run(codec, input, !complete, limit), problem: complete ? null : 'truncated' };
  } catch (err) {
    if (isTooLarge(err)) return { out: boundedPrefix(codec, input, limit), problem: 'limit' };
    if (complete) {
      // A body that ends early (server cut it) still decodes as far as it goes.
      try {
        const out = run(codec, input, true, limit);
        return { out, problem: `corrupt ${codec.name}: ${message(err)}` };
      } catch (err2) {
        if (isTooLarge(err2)) return { out: boundedPrefix(codec, input, limit), problem: 'limit' };
      }
    }
    return { out: null, problem: `corrupt ${codec.name}: ${message(err)}` };
  }
}

/**
 * The output is larger than `limit`: zlib's sync API then returns nothing, so find (by
 * bisection on the input length, about log2(input/1 KiB) attempts, each bounded by `limit`)
 * the longest input prefix whose output still fits, and return that output.
 */
function boundedPrefix(codec: Codec, input: Buffer, limit: number): Buffer {
  let good = 0;
  let best: Buffer = Buffer.alloc(0);
  let bad = input.length;
  const precision = Math.max(256, input.length >> 12);
  while (bad - good > precision) {
    const mid = good + ((bad - good) >> 1);
    try {
      best = run(codec, input.subarray(0, mid), true, limit);
      good = mid;
    } catch {
      bad = mid;
    }
  }
  return best;
}
