/** Colours, in one place. Named ANSI colours only: they follow the user's terminal palette. */
import type { Verdict } from '../../shadow/verdict.js';
import type { Tone } from '../format/detail-document.js';

export type Colour = 'green' | 'yellow' | 'red' | 'magenta' | 'cyan' | 'gray' | 'blue' | 'white';

export const VERDICT_COLOURS: Readonly<Record<Verdict, Colour>> = {
  match: 'green',
  differ: 'yellow',
  'shadow-error': 'red',
  'shadow-missing': 'magenta',
  'primary-missing': 'magenta',
  incomplete: 'gray',
  ambiguous: 'cyan',
};

export const TONE_COLOURS: Readonly<Record<Tone, Colour | undefined>> = {
  plain: undefined,
  title: undefined,
  primary: 'cyan',
  shadow: 'magenta',
  differs: 'yellow',
  note: 'gray',
  dim: 'gray',
};

/** What marks a differing row in the detail. */
export const DIFFERS_COLOUR: Colour = 'yellow';
export const DIFFERS_GUTTER = '*';
export const ERROR_COLOUR: Colour = 'red';
export const HEADING_COLOUR: Colour = 'blue';
