import { formatEndpoint } from '../core/flow.js';
import { isoMicros } from '../core/time.js';
import type { BodyCapture, Exchange } from '../http/types.js';
import type { Role } from '../shadow/classify.js';
import { latencyMicros } from '../http/latency.js';

const millis = (micros: number | null): number | null => (micros === null ? null : Math.round(micros) / 1000);

function bodyFields(body: BodyCapture) {
  return {
    bodyBytes: body.wireBytes,
    bodyTruncated: body.truncated,
    contentEncoding: body.contentEncoding,
  };
}

const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * One NDJSON line in plain ASCII: wire text is kept byte for byte (as Latin-1 characters), and
 * anything outside ASCII is written as a \u escape, so the output is valid UTF-8 JSON whatever
 * bytes the traffic carried, and no raw byte reaches a terminal.
 */
export function ndjsonLine(value: unknown): string {
  const json = JSON.stringify(value);
  NON_ASCII.lastIndex = 0;
  return NON_ASCII.test(json) ? json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}


/**
 * The NDJSON exchange record of DESIGN.md (`type`, `role`, `ts`, `src`, `dst`, `request`,
 * `response`, `latencyMs`), plus the full timing, sizes and anomalies. JSON.stringify escapes
 * control characters, so wire text is safe in it.
 */
export function exchangeRecord(e: Exchange, role: Role): Record<string, unknown> {
  const t = e.timing;
  return {
    type: 'exchange',
    role,
    ts: isoMicros(t.requestStart),
    src: formatEndpoint(e.client),
    dst: formatEndpoint(e.server),
    request: {
      method: e.request.method,
      target: e.request.target,
      version: e.request.version,
      host: e.request.host,
      headers: e.request.headers,
      ...bodyFields(e.request.body),
    },
    response: e.response
      ? {
          status: e.response.status,
          reason: e.response.reason,
          version: e.response.version,
          headers: e.response.headers,
          ...bodyFields(e.response.body),
          ...(e.response.interim.length > 0 ? { interim: e.response.interim.map((i) => i.status) } : {}),
        }
      : null,
    latencyMs: millis(latencyMicros(e)),
    durationMs: millis(t.responseEnd === null ? null : t.responseEnd - t.requestStart),
    timing: {
      requestStart: isoMicros(t.requestStart),
      requestEnd: isoMicros(t.requestEnd),
      responseStart: t.responseStart === null ? null : isoMicros(t.responseStart),
      responseEnd: t.responseEnd === null ? null : isoMicros(t.responseEnd),
    },
    connection: e.connectionId,
    index: e.index,
    requestBytes: e.requestBytes,
    responseBytes: e.responseBytes,
    complete: e.complete,
    anomalies: e.anomalies,
  };
}

/** The exchange record as JSON text (no newline): for `--view exchanges` lines and inside pair records. */
export function exchangeJson(e: Exchange, role: Role): string {
  return ndjsonLine(exchangeRecord(e, role));
}
