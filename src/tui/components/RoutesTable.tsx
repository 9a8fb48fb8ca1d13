/** The routes screen: per-route statistics of the whole run, and what differs on the selected route. */
import { Box, Text } from 'ink';
import type { RouteSummary } from '../../shadow/route-stats.js';
import { routePanel, routeRow, routesHeader } from '../format/routes-rows.js';
import { fit } from '../format/text.js';
import type { ListScroll } from '../state/scroll.js';

export interface RoutesTableProps {
  readonly routes: readonly RouteSummary[];
  readonly scroll: ListScroll;
  readonly rows: number;
  readonly panel: number;
  readonly width: number;
}

export function RoutesTable({ routes, scroll, rows, panel, width }: RoutesTableProps) {
  const shown = routes.slice(scroll.top, scroll.top + rows);
  const selected = routes[scroll.cursor];
  const panelLines = panel > 0 && selected !== undefined ? routePanel(selected).slice(0, panel) : [];
  const filler = (n: number) => (n > 0 ? <Text>{Array.from({ length: n }, () => ' ').join('\n')}</Text> : null);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {fit(routesHeader(width), width)}
      </Text>
      {shown.map((r, i) => (
        <Text key={r.key} inverse={scroll.top + i === scroll.cursor} wrap="truncate">
          {fit(routeRow(r, width, scroll.top + i === scroll.cursor), width)}
        </Text>
      ))}
      {shown.length === 0 && <Text color="gray">{fit('  no routes yet', width)}</Text>}
      {filler(rows - Math.max(1, shown.length))}
      {panelLines.map((line, i) => (
        <Text key={i} color={i === 0 ? undefined : 'yellow'} bold={i === 0} wrap="truncate">
          {fit(line, width)}
        </Text>
      ))}
      {filler(panel - panelLines.length)}
    </Box>
  );
}
