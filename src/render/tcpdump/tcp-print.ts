import { TcpFlag } from '../../decode/types.js';
import { printHttp, printSsh } from './text-protocol.js';
import { byteAt, Truncated, type LineBuffer } from './truncation.js';
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
  readonly src: string;
  readonly dst: string;
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

  print(out: LineBuffer, seg: TcpSegmentView): void {
    const { data, offset, snapEnd } = seg;
    const captured = snapEnd - offset;
    if (captured < 4) {
      out.print(`${seg.src} > ${seg.dst}: [|tcp]`);
      return;
    }
    const srcPort = data.readUInt16BE(offset);
    const dstPort = data.readUInt16BE(offset + 2);
    const sp = this.port(srcPort);
    const dp = this.port(dstPort);
    out.print(seg.portsOnly ? `${sp} > ${dp}: ` : `${seg.src}.${sp} > ${seg.dst}.${dp}: `);
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
    out.print(`Flags [${flagLetters(flags)}]`);

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
      out.print(`, seq ${seq}`);
      if (length > 0) out.print(`:${u32(seq + length)}`);
    }
    if (flags & TcpFlag.ACK) out.print(`, ack ${ack}`);
    out.print(`, win ${win}`);
    if (flags & TcpFlag.URG) out.print(`, urg ${urp}`);
    if (hlen > 20 && this.printOptions(out, data, offset + 20, hlen - 20, snapEnd, bases) === 'stop') return;
    out.print(`, length ${length}`);
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

  private port(port: number): string {
    return this.numericPorts ? String(port) : (portName(port) ?? String(port));
  }

  /** The options list, following tcpdump's walk including its "[bad opt]" and truncation exits. */
  private printOptions(out: LineBuffer, data: Buffer, start: number, total: number, snapEnd: number, bases: SackBases): OptionsEnd {
    const captured = data.subarray(0, snapEnd);
    const get = (i: number): number => byteAt(captured, i, 'tcp');
    let remaining = total;
    let cp = start;
    let separator = '';
    out.print(', options [');
    const bad = (): OptionsEnd => {
      out.print('[bad opt]');
      if (separator) out.print(']');
      return 'stop';
    };
    const trunc = (): OptionsEnd => {
      out.print(' [|tcp]');
      if (separator) out.print('>');
      return 'stop';
    };
    while (remaining > 0) {
      out.print(separator);
      const opt = get(cp++);
      let len: number;
      if (opt === Opt.EOL || opt === Opt.NOP) len = 1;
      else {
        len = get(cp++);
        if (len < 2 || len > remaining) return bad();
        remaining--;
      }
      remaining--;
      // tcpdump's LENCHECK: the option must fit in the header and in the captured bytes.
      const lenCheck = (l: number): OptionsEnd | null => (l > remaining ? bad() : cp + l > snapEnd ? trunc() : null);
      out.print(OPTION_NAMES[opt] ?? `unknown-${opt}`);
      let datalen = 0;
      switch (opt) {
        case Opt.MSS:
        case Opt.SCPS:
        case Opt.UTO: {
          datalen = 2;
          const stop = lenCheck(2);
          if (stop) return stop;
          if (opt === Opt.MSS) out.print(` ${data.readUInt16BE(cp)}`);
          else if (opt === Opt.SCPS) out.print(` cap ${hex2(data[cp])} id ${data[cp + 1]}`);
          else {
            const raw = data.readUInt16BE(cp);
            out.print(` 0x${raw.toString(16)} ${raw & 1 ? (raw >> 1) * 60 : raw >> 1}`);
          }
          break;
        }
        case Opt.WSCALE: {
          datalen = 1;
          const stop = lenCheck(1);
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
            const stop = lenCheck(i + 8);
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
          const stop = lenCheck(4);
          if (stop) return stop;
          out.print(` ${data.readUInt32BE(cp)}`);
          break;
        }
        case Opt.TIMESTAMP: {
          datalen = 8;
          const stop = lenCheck(8);
          if (stop) return stop;
          out.print(` val ${data.readUInt32BE(cp)} ecr ${data.readUInt32BE(cp + 4)}`);
          break;
        }
        case Opt.MD5: {
          datalen = 16;
          const stop = lenCheck(16);
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
          let stop = lenCheck(1);
          if (stop) return stop;
          out.print(` keyid ${data[cp]}`);
          stop = lenCheck(2);
          if (stop) return stop;
          out.print(` rnextkeyid ${data[cp + 1]}`);
          if (datalen > 2) {
            out.print(' mac 0x');
            for (let i = 2; i < datalen; i++) {
              stop = lenCheck(i + 1);
              if (stop) return stop;
              out.print(hex2(data[cp + i]));
            }
          }
          break;
        }
        case Opt.FAST_OPEN:
        case Opt.EXPERIMENT2: {
          datalen = len - 2;
          const stop = lenCheck(datalen);
          if (stop) return stop;
          if (opt === Opt.FAST_OPEN) {
            out.print(' ');
            printFastOpen(out, data, cp, datalen);
          } else {
            if (datalen < 2) return bad();
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
            const stop = lenCheck(i + 1);
            if (stop) return stop;
            out.print(hex2(data[cp + i]));
          }
        }
      }
      cp += datalen;
      remaining -= datalen;
      const expected = datalen + (opt === Opt.EOL || opt === Opt.NOP ? 1 : 2);
      if (expected !== len) out.print(`[len ${len}]`);
      separator = ',';
      if (opt === Opt.EOL) break;
    }
    out.print(']');
    return 'ok';
  }
}

function printFastOpen(out: LineBuffer, data: Buffer, at: number, datalen: number): void {
  if (datalen === 0) out.print(' cookiereq');
  else if (datalen % 2 !== 0 || datalen < 4 || datalen > 16) out.print(' (invalid)');
  else out.print(` cookie ${data.toString('hex', at, at + datalen)}`);
}
