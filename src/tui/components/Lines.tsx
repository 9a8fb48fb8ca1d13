/**
 * Draws document lines (detail, packets, others, help) into a fixed number of rows: headings,
 * full-width text, and two columns side by side with differing rows marked. Exactly `rows`
 * lines come out whatever the document holds, so the frame never changes height.
 */
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { DetailLine } from '../format/detail-document.js';
import { fit, fromColumn } from '../format/text.js';
import { DIFFERS_COLOUR, DIFFERS_GUTTER, HEADING_COLOUR, TONE_COLOURS } from './theme.js';

export interface LinesProps {
  readonly lines: readonly DetailLine[];
  readonly offset: number;
  readonly rows: number;
  readonly width: number;
  /** First column shown (horizontal scrolling). */
  readonly column?: number;
}

export const Lines = memo(function Lines({ lines, offset, rows, width, column = 0 }: LinesProps) {
  const shown = lines.slice(offset, offset + rows);
  const blanks = rows - shown.length;
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        <Line key={i} line={line} width={width} column={column} />
      ))}
      {blanks > 0 && <Text>{Array.from({ length: blanks }, () => ' ').join('\n')}</Text>}
    </Box>
  );
});

function Line({ line, width, column }: { line: DetailLine; width: number; column: number }) {
  switch (line.kind) {
    case 'heading':
      return (
        <Text bold color={HEADING_COLOUR} wrap="truncate">
          {fit(line.text, width)}
        </Text>
      );
    case 'text':
      return (
        <Text color={TONE_COLOURS[line.tone]} wrap="truncate">
          {fit(fromColumn(line.text, column), width)}
        </Text>
      );
    case 'sides': {
      // `*left|*right`: a gutter column before each side carries the mark.
      const side = Math.max(1, Math.floor((width - 3) / 2));
      const rest = Math.max(0, width - 3 - 2 * side);
      const gutter = line.differs ? DIFFERS_GUTTER : ' ';
      const left = fit(fromColumn(line.left, column), side);
      const right = fit(fromColumn(line.right, column), side + rest);
      const colour = line.differs ? DIFFERS_COLOUR : TONE_COLOURS[line.tone];
      const bold = line.differs || line.tone === 'title';
      return (
        <Text wrap="truncate">
          <Text color="red">{gutter}</Text>
          <Text color={colour} bold={bold}>
            {left}
          </Text>
          <Text color="gray">|</Text>
          <Text color="red">{gutter}</Text>
          <Text color={colour} bold={bold}>
            {right}
          </Text>
        </Text>
      );
    }
  }
}
