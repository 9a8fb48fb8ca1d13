/** The help overlay as lines, made from the key table and the filter language's field list. */
import { VERDICTS } from '../../shadow/verdict.js';
import { FIELDS } from '../filter/filter-language.js';
import { BINDING_GROUPS, commandsOf, KEY_BINDINGS, keyLabels, type Binding } from '../keys/key-bindings.js';
import { SORT_KEYS, SORT_LABELS } from '../state/pair-rows.js';
import type { DetailLine } from './detail-document.js';
import { CLIP_MARK } from './text.js';

const KEY_COLUMN = 22;
const FIELD_COLUMN = 18;

let cached: DetailLine[] | null = null;

export function helpDocument(): readonly DetailLine[] {
  if (cached !== null) return cached;
  const out: DetailLine[] = [];
  for (const { group, title } of BINDING_GROUPS) {
    out.push({ kind: 'heading', text: title });
    for (const command of commandsOf(group)) {
      const binding: Binding = KEY_BINDINGS[command];
      out.push({ kind: 'text', text: `  ${keyLabels(command).padEnd(KEY_COLUMN)}${binding.help}`, tone: 'plain' });
    }
    out.push({ kind: 'text', text: '', tone: 'plain' });
  }
  out.push({ kind: 'heading', text: 'Filter language (/)' });
  out.push({ kind: 'text', text: '  FIELD OP VALUE, combined with and, or, not (also && || !) and parentheses:', tone: 'plain' });
  out.push({ kind: 'text', text: '  verdict=differ and (status>=500 or latency>100ms) and not method=GET', tone: 'dim' });
  out.push({ kind: 'text', text: '  = != < <= > >= compare; ~ contains, !~ does not; text is case-insensitive; quote values with spaces', tone: 'plain' });
  for (const [name, spec] of Object.entries(FIELDS)) out.push({ kind: 'text', text: `  ${name.padEnd(FIELD_COLUMN)}${spec.help}`, tone: 'plain' });
  out.push({ kind: 'text', text: '', tone: 'plain' });
  out.push({ kind: 'heading', text: 'List' });
  out.push({ kind: 'text', text: `  sort order (s): ${SORT_KEYS.map((k) => SORT_LABELS[k]).join(' -> ')}`, tone: 'plain' });
  out.push({ kind: 'text', text: '  marks: ! a leg was cut, reset or had a gap;  R the primary was retried;  + related legs seen', tone: 'plain' });
  out.push({ kind: 'text', text: `  verdicts: ${VERDICTS.join(', ')}`, tone: 'plain' });
  out.push({ kind: 'text', text: '  detail rows marked * are what the comparison found different', tone: 'plain' });
  out.push({ kind: 'text', text: `  a line ending in ${CLIP_MARK} goes on past the screen's edge (in the detail, Left/Right scroll it)`, tone: 'plain' });
  out.push({ kind: 'text', text: '  wire bytes are shown escaped: \\e for ESC, \\xNN, \\u{NNNN}; nothing captured reaches the terminal raw', tone: 'plain' });
  cached = out;
  return out;
}
