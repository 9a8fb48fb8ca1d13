import { TcpFlag } from '../../decode/types.js';
import { printHttp, printSsh } from './text-protocol.js';
import { Truncated } from './truncation.js';
import type { LineSink } from '../line-sink.js';
import { printAddress, printAddressPair, type IpAddresses } from './address-print.js';
import type { AddressKey, TcpSeqTracker } from './tcp-seq-tracker.js';
import { portName } from './services.js';

/** Where the TCP segment sits and what the IP layer says about it. */
export interface TcpSegmentView {
  readonly data: Buffer;
  /** Offset of the TCP header in data. */
  readonly offset: number;
  /** End of the captured bytes that belong to the IP packet (tcpdump's snapend). */
  readonly snapEnd: number;
  /** Segment length (header + payload) as the IP layer states it. */
  readonly length: number;
  readonly addresses: IpAddresses;
  /** Addresses in a form that compares like memcmp of their bytes. */
  readonly srcKey: AddressKey;
  readonly dstKey: AddressKey;
  /** IPv6 with extension headers in front: tcpdump then prints ports without addresses. */
  readonly portsOnly: boolean;
}

const FLAG_LETTERS: ReadonlyArray<readonly [number, string]> = [
  [TcpFlag.FIN, 'F'],
  [TcpFlag.SYN, 'S'],
  [TcpFlag.RST, 'R'],
  [TcpFlag.PSH, 'P'],
  [TcpFlag.ACK, '.'],
  [TcpFlag.URG, 'U'],
  [TcpFlag.ECE, 'E'],
  [TcpFlag.CWR, 'W'],
];

export function flagLetters(flags: number): string {
  let s = '';
  for (const [bit, letter] of FLAG_LETTERS) if (flags & bit) s += letter;
  return s || 'none';
}

/** "Flags [S.]" for every value of the flags byte, built once. */
const FLAGS_TEXT = Array.from({ length: 256 }, (_, flags) => `Flags [${flagLetters(flags)}]`);

const Opt = {
  EOL: 0, NOP: 1, MSS: 2, WSCALE: 3, SACK_OK: 4, SACK: 5, ECHO: 6, ECHO_REPLY: 7, TIMESTAMP: 8,
  CC: 11, CC_NEW: 12, CC_ECHO: 13, MD5: 19, SCPS: 20, UTO: 28, TCP_AO: 29, MPTCP: 30, FAST_OPEN: 34, EXPERIMENT2: 254,
} as const;

const OPTION_NAMES: Record<number, string> = {
  [Opt.EOL]: 'eol', [Opt.NOP]: 'nop', [Opt.MSS]: 'mss', [Opt.WSCALE]: 'wscale', [Opt.SACK_OK]: 'sackOK',
  [Opt.SACK]: 'sack', [Opt.ECHO]: 'echo', [Opt.ECHO_REPLY]: 'echoreply', [Opt.TIMESTAMP]: 'TS', [Opt.CC]: 'cc',
  [Opt.CC_NEW]: 'ccnew', [Opt.CC_ECHO]: '', [Opt.MD5]: 'md5', [Opt.SCPS]: 'scps', [Opt.UTO]: 'uto',
  [Opt.TCP_AO]: 'tcp-ao', [Opt.MPTCP]: 'mptcp', [Opt.FAST_OPEN]: 'tfo', [Opt.EXPERIMENT2]: 'exp',
};

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const u32 = (n: number): number => n >>> 0;

/** Outcome of the options walk: tcpdump's "bad" and "trunc" exits end the TCP part early. */
type OptionsEnd = 'ok' | 'stop';

interface SackBases {
  readonly reversed: boolean;
  readonly baseSeq: number;
  readonly baseAck: number;
}

const NO_SACK_BASES: SackBases = { reversed: false, baseSeq: 0, baseAck: 0 };

/** Prints one TCP segment the way tcpdump 4.99 does (without -v). */
export class TcpPrinter {
  constructor(
    private readonly tracker: TcpSeqTracker,
    private readonly numericPorts: boolean,
  ) {}

  print(out: LineSink, seg: TcpSegmentView): void {
    const { data, offset, snapEnd } = seg;
    const captured = snapEnd - offset;
    if (captured < 4) {
      printAddressPair(out, seg.addresses);
      out.print(': [|tcp]');
      return;
    }
    const srcPort = data.readUInt16BE(offset);
    const dstPort = data.readUInt16BE(offset + 2);
    if (!seg.portsOnly) printAddress(out, seg.addresses, seg.addresses.src);
    if (!seg.portsOnly) out.print('.');
    this.printPort(out, srcPort);
    out.print(' > ');
    if (!seg.portsOnly) printAddress(out, seg.addresses, seg.addresses.dst);
    if (!seg.portsOnly) out.print('.');
    this.printPort(out, dstPort);
    out.print(': ');
    if (captured < 20) {
      out.print(' [|tcp]');
      return;
    }
    let hlen = (data[offset + 12] >> 4) * 4;
    let length = seg.length;
    if (hlen < 20) {
      out.print(` tcp ${u32(length - hlen)} [bad hdr length ${hlen} - too short, < 20]`);
      return;
    }
    let seq = data.readUInt32BE(offset + 4);
    let ack = data.readUInt32BE(offset + 8);
    const win = data.readUInt16BE(offset + 14);
    const urp = data.readUInt16BE(offset + 18);
    const flags = data[offset + 13];
    out.print(FLAGS_TEXT[flags]);

    let bases: SackBases = NO_SACK_BASES;
    if (flags & TcpFlag.ACK) {
      const rel = this.tracker.relative(seg.srcKey, seg.dstKey, srcPort, dstPort, seq, ack, (flags & TcpFlag.SYN) !== 0);
      seq = rel.seq;
      ack = rel.ack;
      bases = rel;
    }
    if (hlen > length) {
      out.print(` [bad hdr length ${hlen} - too long, > ${length}]`);
      return;
    }
    length -= hlen;
    if (length > 0 || flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) {
      out.print(', seq ');
      out.printNumber(seq);
      if (length > 0) {
        out.print(':');
        out.printNumber(u32(seq + length));
      }
    }
    if (flags & TcpFlag.ACK) {
      out.print(', ack ');
      out.printNumber(ack);
    }
    out.print(', win ');
    out.printNumber(win);
    if (flags & TcpFlag.URG) {
      out.print(', urg ');
      out.printNumber(urp);
    }
    if (hlen > 20 && new OptionWalker(out, data, offset + 20, hlen - 20, snapEnd, bases).walk() === 'stop') return;
    out.print(', length ');
    out.printNumber(length);
    if (length === 0) return;

    hlen = (data[offset + 12] >> 4) * 4;
    if (captured < hlen) {
      out.print(` [remaining caplen(${captured}) < header length(${hlen})]`);
      throw new Truncated('tcp');
    }
    const payload = data.subarray(offset + hlen, snapEnd);
    const isPort = (p: number): boolean => srcPort === p || dstPort === p;
    if (isPort(22)) printSsh(out, payload, length);
    else if (isPort(80) || isPort(8080)) printHttp(out, payload, length);
  }

  private printPort(out: LineSink, port: number): void {
    const name = this.numericPorts ? undefined : portName(port);
    if (name === undefined) out.printNumber(port);
    else out.print(name);
  }
}

/**
 * The options list, following tcpdump's walk including its "[bad opt]" and truncation exits.
 * One walker per packet holds the position, so the checks need no per-call closures.
 */
class OptionWalker {
  private cp: number;
  private remaining: number;
  private separator = '';

  constructor(
    private readonly out: LineSink,
    private readonly data: Buffer,
    start: number,
    total: number,
    private readonly snapEnd: number,
    private readonly bases: SackBases,
  ) {
    this.cp = start;
    this.remaining = total;
  }

  /** tcpdump's GET_U_1: reading past the captured bytes truncates the packet. */
  private get(i: number): number {
    if (i >= this.snapEnd) throw new Truncated('tcp');
    return this.data[i];
  }

  private bad(): OptionsEnd {
    this.out.print('[bad opt]');
    if (this.separator) this.out.print(']');
    return 'stop';
  }

  private trunc(): OptionsEnd {
    this.out.print(' [|tcp]');
    if (this.separator) this.out.print('>');
    return 'stop';
  }

  /** tcpdump's LENCHECK: `l` option bytes must fit in the header and in the captured bytes. */
  private lenCheck(l: number): OptionsEnd | null {
    return l > this.remaining ? this.bad() : this.cp + l > this.snapEnd ? this.trunc() : null;
  }

  walk(): OptionsEnd {
    const { out, data, bases } = this;
    out.print(', options [');
    while (this.remaining > 0) {
      out.print(this.separator);
      const opt = this.get(this.cp++);
      let len: number;
      if (opt === Opt.EOL || opt === Opt.NOP) len = 1;
      else {
        len = this.get(this.cp++);
        if (len < 2 || len > this.remaining) return this.bad();
        this.remaining--;
      }
      this.remaining--;
      const cp = this.cp;
      out.print(OPTION_NAMES[opt] ?? `unknown-${opt}`);
      let datalen = 0;
      let stop: OptionsEnd | null = null;
      switch (opt) {
        case Opt.MSS:
        case Opt.SCPS:
        case Opt.UTO: {
          datalen = 2;
          stop = this.lenCheck(2);
          if (stop) return stop;
          if (opt === Opt.MSS) {
            out.print(' ');
            out.printNumber(data.readUInt16BE(cp));
          }
          else if (opt === Opt.SCPS) out.print(` cap ${hex2(data[cp])} id ${data[cp + 1]}`);
          else {
            const raw = data.readUInt16BE(cp);
            out.print(` 0x${raw.toString(16)} ${raw & 1 ? (raw >> 1) * 60 : raw >> 1}`);
          }
          break;
        }
        case Opt.WSCALE: {
          datalen = 1;
          stop = this.lenCheck(1);
          if (stop) return stop;
          out.print(` ${data[cp]}`);
          break;
        }
        case Opt.SACK: {
          datalen = len - 2;
          if (datalen % 8 !== 0) {
            out.print(' invalid sack');
            break;
          }
          out.print(` ${datalen / 8} `);
          for (let i = 0; i < datalen; i += 8) {
            stop = this.lenCheck(i + 8);
            if (stop) return stop;
            const base = bases.reversed ? bases.baseSeq : bases.baseAck;
            out.print(`{${u32(data.readUInt32BE(cp + i) - base)}:${u32(data.readUInt32BE(cp + i + 4) - base)}}`);
          }
          break;
        }
        case Opt.CC:
        case Opt.CC_NEW:
        case Opt.CC_ECHO:
        case Opt.ECHO:
        case Opt.ECHO_REPLY: {
          datalen = 4;
          stop = this.lenCheck(4);
          if (stop) return stop;
          out.print(` ${data.readUInt32BE(cp)}`);
          break;
        }
        case Opt.TIMESTAMP: {
          datalen = 8;
          stop = this.lenCheck(8);
          if (stop) return stop;
          out.print(' val ');
          out.printNumber(data.readUInt32BE(cp));
          out.print(' ecr ');
          out.printNumber(data.readUInt32BE(cp + 4));
          break;
        }
        case Opt.MD5: {
          datalen = 16;
          stop = this.lenCheck(16);
          if (stop) return stop;
          out.print(` shared secret not supplied with -M, can't check - ${data.toString('hex', cp, cp + 16)}`);
          break;
        }
        case Opt.EOL:
        case Opt.NOP:
        case Opt.SACK_OK:
          break;
        case Opt.TCP_AO: {
          datalen = len - 2;
          // RFC 5925: key ids, then the MAC; a shorter option is invalid.
          if (datalen < 2) {
            out.print(' (invalid)');
            break;
          }
          stop = this.lenCheck(1);
          if (stop) return stop;
          out.print(` keyid ${data[cp]}`);
          stop = this.lenCheck(2);
          if (stop) return stop;
          out.print(` rnextkeyid ${data[cp + 1]}`);
          if (datalen > 2) {
            out.print(' mac 0x');
            for (let i = 2; i < datalen; i++) {
              stop = this.lenCheck(i + 1);
              if (stop) return stop;
              out.print(hex2(data[cp + i]));
            }
          }
          break;
        }
        case Opt.FAST_OPEN:
        case Opt.EXPERIMENT2: {
          datalen = len - 2;
          stop = this.lenCheck(datalen);
          if (stop) return stop;
          if (opt === Opt.FAST_OPEN) {
            out.print(' ');
            printFastOpen(out, data, cp, datalen);
          } else {
            if (datalen < 2) return this.bad();
            const magic = data.readUInt16BE(cp);
            out.print('-');
            if (magic === 0xf989) {
              out.print('tfo');
              printFastOpen(out, data, cp + 2, datalen - 2);
            } else out.print(magic.toString(16).padStart(4, '0'));
          }
          break;
        }
        default: {
          // Unknown options (and MPTCP, whose details we do not print) as hex, like tcpdump's default case.
          datalen = len - 2;
          if (datalen) out.print(' 0x');
          for (let i = 0; i < datalen; i++) {
            stop = this.lenCheck(i + 1);
            if (stop) return stop;
            out.print(hex2(data[cp + i]));
          }
        }
      }
      this.cp += datalen;
      this.remaining -= datalen;
      const expected = datalen + (opt === Opt.EOL || opt === Opt.NOP ? 1 : 2);
      if (expected !== len) out.print(`[len ${len}]`);
      this.separator = ',';
      if (opt === Opt.EOL) break;
    }
    out.print(']');
    return 'ok';
  }
}

function printFastOpen(out: LineSink, data: Buffer, at: number, datalen: number): void {
  if (datalen === 0) out.print(' cookiereq');
  else if (datalen % 2 !== 0 || datalen < 4 || datalen > 16) out.print(' (invalid)');
  else out.print(` cookie ${data.toString('hex', at, at + datalen)}`);
}
