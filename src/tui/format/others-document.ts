/** The "others" screen as lines: exchanges that joined no pair, then connections without HTTP. */
import type { OthersState } from '../state/state.js';
import type { DetailLine } from './detail-document.js';

const count = (shown: number, dropped: number): string => `${shown}${dropped > 0 ? ` shown, ${dropped} older ones dropped` : ''}`;

let last: { readonly others: OthersState; readonly lines: readonly DetailLine[] } | null = null;

/** Made again only when the rows changed (the reducer and the screen both ask on every key). */
export function othersDocument(others: OthersState): readonly DetailLine[] {
  if (last !== null && last.others.unpaired === others.unpaired && last.others.flows === others.flows && last.others.droppedUnpaired === others.droppedUnpaired && last.others.droppedFlows === others.droppedFlows) return last.lines;
  const lines = build(others);
  last = { others, lines };
  return lines;
}

function build(others: OthersState): DetailLine[] {
  const out: DetailLine[] = [];
  out.push({ kind: 'heading', text: `UNPAIRED EXCHANGES (${count(others.unpaired.length, others.droppedUnpaired)}): HTTP exchanges that joined no pair` });
  if (others.unpaired.length === 0) out.push({ kind: 'text', text: '  none', tone: 'dim' });
  for (const u of others.unpaired) out.push({ kind: 'text', text: `${u.time}  ${u.flow}  ${u.request} -> ${u.status}  (${u.reason})`, tone: 'plain' });
  out.push({ kind: 'text', text: '', tone: 'plain' });
  out.push({
    kind: 'heading',
    text: `CONNECTIONS WITHOUT HTTP (${count(others.flows.length, others.droppedFlows)}): no HTTP/1 request or status line at their start`,
  });
  if (others.flows.length === 0) out.push({ kind: 'text', text: '  none', tone: 'dim' });
  for (const f of others.flows) {
    const gaps = f.gaps > 0 ? `, ${f.gaps} gaps` : '';
    out.push({
      kind: 'text',
      text: `${f.time}  ${f.flow}  ${f.clientBytes}/${f.serverBytes} bytes, ${f.end}${gaps}  client "${f.clientPreview}" server "${f.serverPreview}"`,
      tone: 'plain',
    });
  }
  return out;
}
