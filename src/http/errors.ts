/**
 * Why a message could not be parsed. Like undici's client-h1 wrapper: a stable code (llhttp's
 * HPE_* names where one exists) plus the offending bytes. These are data: they become named
 * anomalies on the exchange and in the AnomalyCounter, and are never thrown past this folder.
 */
export type HttpParseErrorCode =
  | 'HPE_INVALID_CONSTANT' // start line is not HTTP/1.x
  | 'HPE_INVALID_METHOD'
  | 'HPE_LF_EXPECTED' // stray CR inside a header line
  | 'HPE_INVALID_CONTENT_LENGTH'
  | 'HPE_UNEXPECTED_CONTENT_LENGTH' // several Content-Length values that differ
  | 'HPE_INVALID_TRANSFER_ENCODING'
  | 'HPE_INVALID_CHUNK_SIZE'
  | 'HPE_STRICT' // e.g. missing CRLF after chunk data
  | 'HPE_HEADER_OVERFLOW' // head larger than maxHeaderBytes
  | 'HPE_LINE_OVERFLOW' // chunk-size or trailer line larger than maxHeaderBytes
  | 'HPE_UNKNOWN';

export class HttpParseError extends Error {
  readonly code: HttpParseErrorCode;
  /** Up to 64 bytes from where the parser stopped (copied). */
  readonly bytes: Buffer;

  constructor(code: HttpParseErrorCode, message: string, bytes: Buffer = Buffer.alloc(0)) {
    super(message);
    this.name = 'HttpParseError';
    this.code = code;
    this.bytes = bytes;
  }

  /** Maps what http-parser-js returns or throws to a code. */
  static fromParser(err: unknown, bytes?: Buffer): HttpParseError {
    if (err instanceof HttpParseError) return err;
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    const message = err instanceof Error ? err.message : String(err);
    switch (code) {
      case 'HPE_INVALID_CONSTANT':
      case 'HPE_LF_EXPECTED':
      case 'HPE_UNEXPECTED_CONTENT_LENGTH':
        return new HttpParseError(code, message, bytes);
    }
    if (message === 'invalid request method') return new HttpParseError('HPE_INVALID_METHOD', message, bytes);
    if (message === 'Expected empty line') return new HttpParseError('HPE_STRICT', 'no CRLF after chunk data', bytes);
    if (message === 'max header size exceeded') return new HttpParseError('HPE_HEADER_OVERFLOW', message, bytes);
    return new HttpParseError('HPE_UNKNOWN', message, bytes);
  }
}
