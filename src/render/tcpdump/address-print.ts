import { formatIpv4, formatIpv6 } from '../../core/address.js';
import type { LineSink } from '../line-sink.js';
import type { AddressNames } from './options.js';

/** Where a packet's two addresses sit, so they are printed from the bytes without strings. */
export interface IpAddresses {
  readonly version: 4 | 6;
  readonly data: Buffer;
  readonly src: number;
  readonly dst: number;
  readonly names?: AddressNames;
}

export function printAddress(out: LineSink, ip: IpAddresses, at: number): void {
  if (ip.names !== undefined) {
    const text = ip.version === 6 ? formatIpv6(ip.data, at) : formatIpv4(ip.data, at);
    return out.print(ip.names(text) ?? text);
  }
  if (ip.version === 6) return out.print(formatIpv6(ip.data, at));
  const d = ip.data;
  out.printNumber(d[at]);
  out.print('.');
  out.printNumber(d[at + 1]);
  out.print('.');
  out.printNumber(d[at + 2]);
  out.print('.');
  out.printNumber(d[at + 3]);
}

/** "src > dst" */
export function printAddressPair(out: LineSink, ip: IpAddresses): void {
  printAddress(out, ip, ip.src);
  out.print(' > ');
  printAddress(out, ip, ip.dst);
}
