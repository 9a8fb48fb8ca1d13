/** The frame's top line (screens, sort, follow) and its two bottom lines (bar, status). */
import { Text } from 'ink';
import { firstKey } from '../keys/key-bindings.js';
import { SORT_LABELS } from '../state/pair-rows.js';
import { SCREENS, type Screen, type TuiState } from '../state/state.js';
import { statusParts } from '../format/status-line.js';
import { CLIP_MARK, fit, screenSafe } from '../format/text.js';
import { ERROR_COLOUR, VERDICT_COLOURS } from './theme.js';

const SCREEN_TITLES: Readonly<Record<Screen, string>> = { pairs: 'Pairs', routes: 'Routes', others: 'Others' };

export function TopLine({ state, version }: { state: TuiState; version: string }) {
  const width = state.size.columns;
  const count = (s: Screen): number =>
    s === 'pairs' ? state.pairs.rows.length : s === 'routes' ? (state.routes.snapshot?.routes.length ?? 0) : state.others.unpaired.length + state.others.flows.length;
  const tabs = SCREENS.map((s, i) => ({ screen: s, text: ` ${i + 1} ${SCREEN_TITLES[s]} (${count(s)}) ` }));
  const flags = [`sort: ${SORT_LABELS[state.pairs.sort]}`, state.pairs.follow ? 'following' : '', state.pairs.filter === null ? '' : `filter: ${state.pairs.filter.text}`]
    .filter((f) => f !== '')
    .join('  ');
  const title = ` shadowdump ${version} `;
  const used = title.length + tabs.reduce((n, t) => n + t.text.length, 0);
  return (
    <Text wrap="truncate">
      <Text bold>{title.slice(0, width)}</Text>
      {tabs.map((t) => (
        <Text key={t.screen} inverse={t.screen === state.screen} bold={t.screen === state.screen}>
          {t.text}
        </Text>
      ))}
      <Text color="gray">{fit(` ${flags}`, Math.max(0, width - used))}</Text>
    </Text>
  );
}

/** The line above the status bar: the filter bar, the write prompt, a message, or the key hints. */
export function BottomBar({ state }: { state: TuiState }) {
  const width = state.size.columns;
  if (state.filterBar !== null) {
    const bar = state.filterBar;
    const right = bar.error !== null ? `  ${bar.error.message} (at ${bar.error.at + 1})` : `  ${state.pairs.rows.length} of ${state.store.entries.length} pairs`;
    return <Field prefix="/" field={bar.field.text} cursor={bar.field.cursor} width={width} right={right} rightColour={bar.error !== null ? ERROR_COLOUR : 'gray'} invalid={bar.error !== null} />;
  }
  if (state.writePrompt !== null) {
    const p = state.writePrompt;
    const scope = p.scope === 'shown' ? `the ${state.pairs.rows.length} pairs shown` : 'the selected pair';
    const other = p.scope === 'shown' ? 'the selected pair' : 'the pairs shown';
    return <Field prefix={`write ${scope} to: `} field={p.field.text} cursor={p.field.cursor} width={width} right={`  (.har or .pcap; Tab: ${other}; Esc cancels)`} rightColour="gray" invalid={false} />;
  }
  if (state.message !== null) {
    return <Text color={state.message.tone === 'error' ? ERROR_COLOUR : 'green'}>{fit(` ${state.message.text}`, width)}</Text>;
  }
  if (state.failure !== null) return <Text color={ERROR_COLOUR}>{fit(` reading stopped: ${state.failure}`, width)}</Text>;
  return <Text color="gray">{fit(` ${hints(state)}`, width)}</Text>;
}

function hints(state: TuiState): string {
  const k = firstKey;
  if (state.help !== null) return `${k('up')}/${k('down')} scroll  ${k('back')} close  ${k('quit')} quit`;
  if (state.detail !== null) return `${k('next-pane')} messages/packets  ${k('diff-only')} diff only  ${k('dump-style')} -A/-X  ${k('next-pair')}/${k('previous-pair')} next/previous  ${k('scroll-left')}/${k('scroll-right')} scroll  ${k('write')} write  ${k('back')} back  ${k('help')} help`;
  const common = `${k('filter')} filter  ${k('write')} write  ${k('next-pane')} screens  ${k('help')} help  ${k('quit')} quit`;
  if (state.screen === 'routes') return `${k('open')} show the route's pairs  ${common}`;
  if (state.screen === 'others') return `${k('up')}/${k('down')} scroll  ${common}`;
  return `${k('open')} open  ${k('filter')} filter${state.pairs.filter !== null ? ` (${k('back')} clears)` : ''}  ${k('sort')} sort  ${k('follow')} follow  ${k('write')} write  ${k('next-pane')} screens  ${k('help')} help  ${k('quit')} quit`;
}

interface FieldProps {
  readonly prefix: string;
  readonly field: string;
  readonly cursor: number;
  readonly width: number;
  readonly right: string;
  readonly rightColour: string;
  readonly invalid: boolean;
}

/** An edited line with its cursor drawn inverse; long text scrolls so the cursor stays in view. */
function Field({ prefix, field, cursor, width, right, rightColour, invalid }: FieldProps) {
  const room = Math.max(1, width - prefix.length - 1 - Math.min(right.length, Math.floor(width / 2)));
  const safe = screenSafe(field);
  const start = Math.max(0, cursor - room + 1);
  const visible = safe.slice(start, start + room);
  const at = cursor - start;
  const before = (start > 0 ? CLIP_MARK : '') + visible.slice(start > 0 ? 1 : 0, at);
  const under = visible[at] ?? ' ';
  const after = visible.slice(at + 1);
  const used = prefix.length + before.length + 1 + after.length;
  return (
    <Text wrap="truncate">
      <Text bold>{prefix}</Text>
      <Text color={invalid ? ERROR_COLOUR : undefined}>{before}</Text>
      <Text inverse>{under}</Text>
      <Text color={invalid ? ERROR_COLOUR : undefined}>{after}</Text>
      <Text color={rightColour}>{fit(right, Math.max(0, width - used))}</Text>
    </Text>
  );
}

export function StatusLine({ state }: { state: TuiState }) {
  const width = state.size.columns;
  let left = width;
  const parts = statusParts(state).map((p) => {
    const text = left <= 0 ? '' : p.text.length <= left ? p.text : `${p.text.slice(0, Math.max(0, left - 1))}${CLIP_MARK}`;
    left -= text.length;
    return { ...p, text };
  });
  return (
    <Text inverse wrap="truncate">
      {parts.map((p, i) => (
        <Text key={i} color={p.verdict !== undefined ? VERDICT_COLOURS[p.verdict] : p.alert ? ERROR_COLOUR : undefined} bold={p.verdict !== undefined || p.alert}>
          {screenSafe(p.text)}
        </Text>
      ))}
      {' '.repeat(Math.max(0, left))}
    </Text>
  );
}
