export { HttpExchangeBuilder } from './exchange-builder.js';
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from './limits.js';
export { HttpParseError, type HttpParseErrorCode } from './errors.js';
export { decodeContent, type DecodeResult } from './content-decoding.js';
export type * from './types.js';
