/**
 * Imported first by the component tests: ink's colours are decided when chalk loads, and under
 * vitest stdout is not a terminal, so without this no colour (no highlighting) would be drawn.
 */
process.env.FORCE_COLOR = '1';
