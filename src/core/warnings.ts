/** A non-fatal problem found by a source (e.g. a file cut off mid-packet): reported, not thrown. */
export interface SourceWarning {
  readonly code: 'truncated-file' | 'unknown-block' | 'bad-block' | 'unknown-link-type';
  readonly message: string;
}
