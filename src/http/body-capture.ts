import type { DecodeResult } from './content-decoding.js';
import { RecentDecodes } from './recent-decodes.js';
import type { BodyCapture } from './types.js';

/**
 * Body bytes held by exchanges that are not emitted yet, over all connections: with up to
 * maxPendingRequests bodies per connection, the per-body limit alone would not bound memory.
 */
export class BodyBudget {
  private used = 0;
  constructor(private readonly max: number) {}

  /** Grants up to `n` bytes. */
  take(n: number): number {
    const granted = Math.max(0, Math.min(n, this.max - this.used));
    this.used += granted;
    return granted;
  }

  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }

  get inUse(): number {
    return this.used;
  }
}

const EMPTY = Buffer.alloc(0);

export type CaptureStop = 'limit' | 'budget' | 'gap' | null;

/**
 * Collects one message body: exact wire count, bytes copied (the reassembler's buffers may be
 * views into packet memory) up to the per-body limit and the shared budget. Capture stops at
 * the first gap, so `data` is always a true prefix of the body.
 */
export class BodyCollector {
  private wire = 0;
  private kept = 0;
  /** The bytes kept: one copy per add() (most bodies come in one). */
  private part: Buffer | null = null;
  private parts: Buffer[] | null = null;
  private stopped: CaptureStop = null;
  /** Bytes taken from the budget (given back by release()). */
  private reserved = 0;

  constructor(
    private readonly limit: number,
    private readonly budget: BodyBudget | null,
  ) {}

  add(bytes: Buffer): void {
    this.wire += bytes.length;
    if (this.stopped !== null) return;
    let room = Math.min(bytes.length, this.limit - this.kept);
    if (room < bytes.length) this.stopped = 'limit';
    if (this.budget && room > 0) {
      const granted = this.budget.take(room);
      if (granted < room) this.stopped = 'budget';
      room = granted;
      this.reserved += granted;
    }
    if (room > 0) {
      const copy = Buffer.allocUnsafe(room);
      copy.set(room === bytes.length ? bytes : bytes.subarray(0, room));
      if (this.part === null) this.part = copy;
      else (this.parts ??= [this.part]).push(copy);
      this.kept += room;
    }
  }

  gap(length: number): void {
    this.wire += length;
    this.stopped ??= 'gap';
  }

  /** Counts body bytes without keeping them (response without request). */
  get wireBytes(): number {
    return this.wire;
  }

  get stop(): CaptureStop {
    return this.stopped;
  }

  /** Gives the budget back: the exchange now belongs to whoever received it. */
  release(): void {
    this.budget?.give(this.reserved);
    this.reserved = 0;
  }

  /**
   * The body as captured. `decoded`/`decodeProblem` are computed lazily, on first access,
   * and then kept (they are own enumerable getters, so spreading or JSON.stringify of the
   * capture decodes it). `messageComplete` false: the body on the wire was cut (gap, close).
   */
  finish(contentEncoding: string | null, messageComplete: boolean, decodeLimit: number): BodyCapture {
    const data = this.parts !== null ? Buffer.concat(this.parts, this.kept) : (this.part ?? EMPTY);
    this.part = null;
    this.parts = null;
    return capture(this.wire, data, this.stopped !== null || !messageComplete, contentEncoding, decodeLimit);
  }
}

/** What finish() gives for a body that never had a byte or a gap (no collector needed). */
export function emptyBody(contentEncoding: string | null, messageComplete: boolean, decodeLimit: number): BodyCapture {
  return capture(0, EMPTY, !messageComplete, contentEncoding, decodeLimit);
}

/** Bodies decoded lately, and what they decoded to (see RecentDecodes). */
const recentDecodes = new RecentDecodes();

/** Bodies with no bytes and no Content-Encoding (most requests, 204s, HEAD answers): shared, frozen (nothing changes a capture). */
const NO_BODY: BodyCapture = Object.freeze({ wireBytes: 0, data: EMPTY, truncated: false, contentEncoding: null, decoded: null, decodeProblem: null });
const NO_BODY_CUT: BodyCapture = Object.freeze({ ...NO_BODY, truncated: true });

function capture(wireBytes: number, data: Buffer, truncated: boolean, contentEncoding: string | null, decodeLimit: number): BodyCapture {
  if (contentEncoding === null) {
    if (wireBytes === 0 && data.length === 0) return truncated ? NO_BODY_CUT : NO_BODY;
    return { wireBytes, data, truncated, contentEncoding, decoded: null, decodeProblem: null };
  }
  let memo: DecodeResult | null = null;
  const decode = (): DecodeResult => {
    memo ??= recentDecodes.decode(data, contentEncoding, !truncated, decodeLimit);
    return memo;
  };
  return {
    wireBytes,
    data,
    truncated,
    contentEncoding,
    get decoded(): Buffer | null {
      return decode().decoded;
    },
    get decodeProblem(): string | null {
      return decode().problem;
    },
  };
}
