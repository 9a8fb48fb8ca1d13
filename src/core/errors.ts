/**
 * Errors that reach the user. Only the edges (capture, cli) throw; each error carries a stable
 * code that tests and scripts can rely on, and a message that is one line naming the problem
 * and what to do about it.
 */
export type ErrorCode =
  | 'usage'
  | 'bad-filter'
  | 'file-not-found'
  | 'file-unreadable'
  | 'file-empty'
  | 'not-a-capture'
  | 'unsupported-capture'
  | 'corrupt-capture'
  | 'capture-permission'
  | 'no-such-interface'
  | 'libpcap-missing'
  | 'capture-failed'
  | 'output-failed'
  | 'pods-unavailable';

export class ShadowdumpError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ShadowdumpError';
    this.code = code;
  }

  /** Process exit code: 2 for usage mistakes, 1 for everything else (DESIGN.md). */
  get exitCode(): number {
    return this.code === 'usage' || this.code === 'bad-filter' ? 2 : 1;
  }
}

export class UsageError extends ShadowdumpError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}
