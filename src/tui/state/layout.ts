/**
 * Screen geometry from the terminal size, shared by the reducer (how far a page moves, which
 * rows are visible) and the components (how many rows to draw), so the two always agree.
 *
 * The frame is one row shorter than the terminal: ink clears the whole terminal on every
 * frame as tall as the terminal, which flickers; a frame one row shorter is redrawn in place.
 */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export const MIN_COLUMNS = 40;
export const MIN_ROWS = 10;

export interface Geometry {
  readonly width: number;
  /** Rows of the whole frame. */
  readonly height: number;
  /** Too small to draw the screens: only a message is shown. */
  readonly tooSmall: boolean;
  /** Rows between the top line and the two bottom lines. */
  readonly body: number;
  /** Pair list rows (below its column titles). */
  readonly listRows: number;
  /** Detail lines (below its two header lines). */
  readonly detailRows: number;
  /** Route rows (below the column titles, above the selected route's panel). */
  readonly routeRows: number;
  /** Lines of the selected route's panel under the routes table. */
  readonly routePanel: number;
  /** Lines of the others screen and of the help overlay. */
  readonly documentRows: number;
}

export function geometry(size: TerminalSize): Geometry {
  const width = Math.max(1, size.columns);
  const height = Math.max(1, size.rows - 1);
  const tooSmall = size.columns < MIN_COLUMNS || size.rows < MIN_ROWS;
  const body = Math.max(1, height - 3);
  const routePanel = body >= 16 ? 6 : 0;
  return {
    width,
    height,
    tooSmall,
    body,
    listRows: Math.max(1, body - 1),
    detailRows: Math.max(1, body - 2),
    routeRows: Math.max(1, body - 1 - routePanel),
    routePanel,
    documentRows: body,
  };
}
