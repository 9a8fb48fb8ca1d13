import { namedEndpoint } from './endpoint-text.js';
import type { AddressNames } from './tcpdump/options.js';
import { latencyMicros } from '../http/latency.js';
import type { Exchange } from '../http/types.js';
import { printable } from './printable.js';

/** Milliseconds with three decimals (microsecond resolution), as in "12.345 ms". */
export function formatMillis(micros: number): string {
  return `${(micros / 1000).toFixed(3)} ms`;
}


/**
 * `--view exchanges`: one readable line per exchange, led by the request time as the packet view
 * prints it:
 *   03:07:29.113797 10.233.75.12:45832 > 10.233.75.11:80 GET httpbin:8000 /get -> 200 OK 1.204 ms 312 B > 548 B
 * Wire text is made printable; anomalies follow in brackets.
 */
export function exchangeLine(e: Exchange, time: string, names?: AddressNames): string {
  const req = e.request;
  const head = `${time}${namedEndpoint(e.client, names)} > ${namedEndpoint(e.server, names)} ${printable(req.method)} ${printable(req.host ?? '-')} ${printable(req.target)}`;
  const latency = latencyMicros(e);
  const answer = e.response
    ? `-> ${e.response.status} ${printable(e.response.reason)}${latency === null ? '' : ` ${formatMillis(latency)}`}`
    : '-> (no response)';
  const sizes = `${e.requestBytes} B > ${e.responseBytes} B`;
  const notes = e.anomalies.length > 0 ? ` [${e.complete ? '' : 'incomplete: '}${e.anomalies.map(printable).join(', ')}]` : e.complete ? '' : ' [incomplete]';
  return `${head} ${answer} ${sizes}${notes}`;
}
