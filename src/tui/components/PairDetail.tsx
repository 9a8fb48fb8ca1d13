/**
 * One pair: two header lines (what was asked, the verdict, both answers and latencies, the
 * tabs), then the messages side by side or the packets, scrolled by the reducer.
 */
import { Box, Text } from 'ink';
import { formatDuration } from '../../render/summary-text.js';
import { detailLines } from '../format/detail-cache.js';
import type { DumpStyle } from '../format/packets-document.js';
import { fit } from '../format/text.js';
import type { DetailState } from '../state/state.js';
import { Lines } from './Lines.js';
import { VERDICT_COLOURS } from './theme.js';

export interface PairDetailProps {
  readonly detail: DetailState;
  readonly dump: DumpStyle;
  readonly rows: number;
  readonly width: number;
}

export function PairDetail({ detail, dump, rows, width }: PairDetailProps) {
  const { entry, tab, diffOnly, offset, column } = detail;
  const lines = detailLines(entry, tab, diffOnly, dump);
  const verdict = ` ${entry.verdict} `;
  const title = `${entry.method} ${entry.host} ${entry.target}  id ${entry.id}`;
  const status = (s: number | null): string => (s === null ? '-' : String(s));
  const slower = entry.slowerBy === null ? '' : ` (${entry.slowerBy >= 0 ? '+' : ''}${formatDuration(entry.slowerBy)})`;
  const answers = `primary ${status(entry.primaryStatus)} ${entry.primaryLatencyText}   shadow ${status(entry.shadowStatus)} ${entry.shadowLatencyText}${slower}`;
  const dumpFlag = dump === 'ascii' ? '-A' : '-X';
  const tabs = tab === 'messages' ? `[Messages${diffOnly ? ': diff only' : ''}]  Packets ${dumpFlag}` : `Messages  [Packets ${dumpFlag}]`;
  const position = lines.length === 0 ? '' : ` ${offset + 1}-${Math.min(lines.length, offset + rows)}/${lines.length}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text inverse color={VERDICT_COLOURS[entry.verdict]} bold>
          {verdict}
        </Text>
        <Text bold>{fit(` ${title}`, width - verdict.length)}</Text>
      </Text>
      <Text wrap="truncate">
        {fit(`${answers}   ${tabs}`, Math.max(0, width - position.length))}
        <Text color="gray">{position}</Text>
      </Text>
      <Lines lines={lines} offset={offset} rows={rows} width={width} column={column} />
    </Box>
  );
}
