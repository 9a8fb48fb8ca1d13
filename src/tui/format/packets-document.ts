/**
 * The detail's packet tab: the packets that carried each message of each leg, as tcpdump
 * prints them, with the payload as `-A` (ASCII) or `-X` (hex and ASCII) would show it. The
 * dumps are made here from the bytes the recorder kept, by tcpdump's own dump functions, and
 * they print only printable ASCII ('.' for anything else), so no wire byte reaches the screen.
 */
import { formatEndpoint } from '../../core/flow.js';
import type { RecordedPacket } from '../../render/packet-lines.js';
import { asciiDump, hexAsciiDump } from '../../render/tcpdump/dump.js';
import type { LegPackets, MessagePackets, PairEntry } from '../model/pair-entry.js';
import type { DetailLine, Tone } from './detail-document.js';

export type DumpStyle = 'ascii' | 'hex';

export function packetsDocument(entry: PairEntry, style: DumpStyle): DetailLine[] {
  const out: DetailLine[] = [];
  for (const leg of entry.legs) {
    const e = leg.exchange;
    out.push({ kind: 'heading', text: `${leg.role.toUpperCase()} ${formatEndpoint(e.client)} > ${formatEndpoint(e.server)}` });
    const tone: Tone = leg.role === 'shadow' ? 'shadow' : 'primary';
    out.push(...messageLines(leg, leg.request, 'request', tone, style));
    if (leg.response !== null) out.push(...messageLines(leg, leg.response, 'response', tone, style));
    else out.push({ kind: 'text', text: '(no response)', tone: 'note' });
  }
  if (entry.legs.length === 0) out.push({ kind: 'text', text: '(no legs with packets)', tone: 'note' });
  return out;
}

function messageLines(leg: LegPackets, message: MessagePackets, what: string, tone: Tone, style: DumpStyle): DetailLine[] {
  if (message.packets.length === 0) return [{ kind: 'text', text: `(the packets of this ${what} are no longer kept: the recorder's bounds dropped them)`, tone: 'note' }];
  const out: DetailLine[] = [];
  for (const p of message.packets) {
    out.push({ kind: 'text', text: p.line, tone });
    for (const line of dumpLines(p, style)) out.push({ kind: 'text', text: line, tone: 'plain' });
  }
  if (message.omitted > 0) out.push({ kind: 'text', text: `(${message.omitted} more packets of this ${what} of the ${leg.role} not kept)`, tone: 'note' });
  return out;
}

/** The lines tcpdump prints under a packet's line with -A or -X. */
export function dumpLines(p: RecordedPacket, style: DumpStyle): string[] {
  if (p.dump === null || p.dump.length === 0) return [];
  const dump = style === 'ascii' ? asciiDump(p.dump) : hexAsciiDump(p.dump);
  return dump.split('\n').slice(1);
}
