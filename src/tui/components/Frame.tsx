/**
 * The whole screen for one state: top line, the body of the current screen (or the detail, or
 * the help), the bottom bar and the status line. A pure function of the state, always exactly
 * `height` rows of `width` columns.
 */
import { Box, Text } from 'ink';
import { helpDocument } from '../format/help-document.js';
import { othersDocument } from '../format/others-document.js';
import { fit } from '../format/text.js';
import { geometry, MIN_COLUMNS, MIN_ROWS } from '../state/layout.js';
import type { TuiState } from '../state/state.js';
import { BottomBar, StatusLine, TopLine } from './Bars.js';
import { Lines } from './Lines.js';
import { PairDetail } from './PairDetail.js';
import { PairList } from './PairList.js';
import { RoutesTable } from './RoutesTable.js';

export interface FrameProps {
  readonly state: TuiState;
  readonly version: string;
}

export function Frame({ state, version }: FrameProps) {
  const g = geometry(state.size);
  if (g.tooSmall) {
    const lines = ['terminal too small:', `${state.size.columns}x${state.size.rows}, need ${MIN_COLUMNS}x${MIN_ROWS}`, 'q quits'];
    return <Text>{lines.map((l) => fit(l, g.width)).join('\n')}</Text>;
  }
  return (
    <Box flexDirection="column" width={g.width} height={g.height}>
      <TopLine state={state} version={version} />
      <Body state={state} />
      <BottomBar state={state} />
      <StatusLine state={state} />
    </Box>
  );
}

function Body({ state }: { state: TuiState }) {
  const g = geometry(state.size);
  if (state.help !== null) return <Lines lines={helpDocument()} offset={state.help.offset} rows={g.documentRows} width={g.width} />;
  if (state.detail !== null) return <PairDetail detail={state.detail} dump={state.dump} rows={g.detailRows} width={g.width} />;
  switch (state.screen) {
    case 'pairs':
      return <PairList pairs={state.pairs} rows={g.listRows} width={g.width} empty={emptyListText(state)} />;
    case 'routes':
      return <RoutesTable routes={state.routes.snapshot?.routes ?? []} scroll={state.routes.scroll} rows={g.routeRows} panel={g.routePanel} width={g.width} />;
    case 'others':
      return <Lines lines={othersDocument(state.others)} offset={state.others.offset} rows={g.documentRows} width={g.width} />;
  }
}

function emptyListText(state: TuiState): string {
  if (state.pairs.filter !== null && state.store.entries.length > 0) return 'no pair matches the filter (Esc clears it)';
  if (!state.ended) return 'no pairs yet: reading...';
  return 'no pairs: no request id was seen on two legs (see the others screen, 3)';
}
