/**
 * The pair list: only the rows on screen are drawn (a window over the sorted, filtered rows),
 * so 100,000 pairs cost what 40 do. Each row is one line of pre-formatted text with the verdict
 * coloured; the selected row is drawn inverse.
 */
import { Box, Text } from 'ink';
import { memo } from 'react';
import { listColumns, listHeader, rowText, type ListColumns } from '../format/list-row.js';
import { fit } from '../format/text.js';
import type { PairEntry } from '../model/pair-entry.js';
import type { PairsState } from '../state/state.js';
import { VERDICT_COLOURS } from './theme.js';

export interface PairListProps {
  readonly pairs: PairsState;
  readonly rows: number;
  readonly width: number;
  /** What to say when there are no rows. */
  readonly empty: string;
}

export function PairList({ pairs, rows, width, empty }: PairListProps) {
  const columns = listColumns(width);
  const { cursor, top } = pairs.scroll;
  const shown = pairs.rows.slice(top, top + rows);
  const blanks = rows - shown.length;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {fit(listHeader(columns), width)}
      </Text>
      {shown.map((entry, i) => (
        <Row key={entry.seq} entry={entry} columns={columns} width={width} selected={top + i === cursor} />
      ))}
      {shown.length === 0 && <Text color="gray">{fit(`  ${empty}`, width)}</Text>}
      {blanks > (shown.length === 0 ? 1 : 0) && <Text>{Array.from({ length: blanks - (shown.length === 0 ? 1 : 0) }, () => ' ').join('\n')}</Text>}
    </Box>
  );
}

interface RowProps {
  readonly entry: PairEntry;
  readonly columns: ListColumns;
  readonly width: number;
  readonly selected: boolean;
}

const Row = memo(function Row({ entry, columns, width, selected }: RowProps) {
  const text = rowText(entry, columns, selected);
  const pad = Math.max(0, width - text.before.length - text.verdict.length - text.after.length);
  return (
    <Text inverse={selected} wrap="truncate">
      {text.before}
      <Text color={VERDICT_COLOURS[entry.verdict]} bold={entry.verdict !== 'match'}>
        {text.verdict}
      </Text>
      {text.after}
      {' '.repeat(pad)}
    </Text>
  );
});
