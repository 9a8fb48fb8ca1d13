/**
 * Every key binding, in one table: command -> keys, with the line the help overlay shows. The
 * reducer asks `commandFor` which command a key means in the current context, and the help
 * overlay is built from this same table, so the two cannot disagree.
 */
import type { Keypress } from './keypress.js';

/** Where a binding applies; the reducer names the groups that are active. */
export type BindingGroup = 'move' | 'app' | 'list' | 'detail' | 'edit';

export interface Binding {
  readonly keys: readonly string[];
  readonly group: BindingGroup;
  readonly help: string;
}

export const KEY_BINDINGS = {
  // move: in lists, the detail and the help
  up: { keys: ['up', 'k'], group: 'move', help: 'previous row / scroll up' },
  down: { keys: ['down', 'j'], group: 'move', help: 'next row / scroll down' },
  'page-up': { keys: ['pageup', 'ctrl+b', 'b'], group: 'move', help: 'page up' },
  'page-down': { keys: ['pagedown', 'ctrl+f', 'space'], group: 'move', help: 'page down' },
  top: { keys: ['g', 'home'], group: 'move', help: 'first row / top' },
  bottom: { keys: ['G', 'end'], group: 'move', help: 'last row / bottom' },
  // app: everywhere outside the bars
  'next-pane': { keys: ['tab'], group: 'app', help: 'next screen (pairs, routes, others); in the detail: messages / packets' },
  'previous-pane': { keys: ['shift+tab'], group: 'app', help: 'previous screen or tab' },
  'show-pairs': { keys: ['1'], group: 'app', help: 'pairs screen' },
  'show-routes': { keys: ['2'], group: 'app', help: 'routes screen (per-route statistics)' },
  'show-others': { keys: ['3'], group: 'app', help: 'unpaired exchanges and connections without HTTP' },
  filter: { keys: ['/'], group: 'app', help: 'filter pairs (see the filter language below)' },
  write: { keys: ['w'], group: 'app', help: 'write the shown or the selected pairs to a .har or .pcap file' },
  help: { keys: ['?'], group: 'app', help: 'this help' },
  quit: { keys: ['q', 'ctrl+c'], group: 'app', help: 'quit (restores the terminal)' },
  back: { keys: ['escape'], group: 'app', help: 'back (detail, routes, others, help); on the pairs list: clear the filter' },
  // list: the pairs and routes lists
  open: { keys: ['enter'], group: 'list', help: 'open the pair (on a route: show its pairs)' },
  follow: { keys: ['f'], group: 'list', help: 'follow new pairs as they arrive' },
  sort: { keys: ['s'], group: 'list', help: 'next sort: time, verdict, shadow slower, latency, route' },
  // detail
  'diff-only': { keys: ['d'], group: 'detail', help: 'only what differs' },
  'dump-style': { keys: ['x'], group: 'detail', help: 'packet payloads as -A (ASCII) or -X (hex and ASCII)' },
  'next-pair': { keys: ['n'], group: 'detail', help: 'next pair' },
  'previous-pair': { keys: ['p', 'N'], group: 'detail', help: 'previous pair' },
  'scroll-left': { keys: ['left', 'h'], group: 'detail', help: 'scroll left' },
  'scroll-right': { keys: ['right', 'l'], group: 'detail', help: 'scroll right' },
  // edit: the filter bar and the write prompt
  submit: { keys: ['enter'], group: 'edit', help: 'apply / write' },
  cancel: { keys: ['escape', 'ctrl+c'], group: 'edit', help: 'cancel' },
  'erase-back': { keys: ['backspace', 'ctrl+h'], group: 'edit', help: 'erase the character before the cursor' },
  'erase-word': { keys: ['ctrl+w'], group: 'edit', help: 'erase the word before the cursor' },
  'erase-line': { keys: ['ctrl+u'], group: 'edit', help: 'erase the line' },
  'cursor-left': { keys: ['left'], group: 'edit', help: 'cursor left' },
  'cursor-right': { keys: ['right'], group: 'edit', help: 'cursor right' },
  'line-start': { keys: ['home', 'ctrl+a'], group: 'edit', help: 'start of the line' },
  'line-end': { keys: ['end', 'ctrl+e'], group: 'edit', help: 'end of the line' },
  'toggle-scope': { keys: ['tab'], group: 'edit', help: 'write prompt: shown pairs or the selected one' },
} as const satisfies Record<string, Binding>;

export type Command = keyof typeof KEY_BINDINGS;

const COMMANDS = Object.keys(KEY_BINDINGS) as Command[];

/** The command `key` means when `groups` are active (the first in table order), or null. */
export function commandFor(key: Keypress, groups: readonly BindingGroup[]): Command | null {
  if (key.name === '') return null;
  for (const command of COMMANDS) {
    const binding: Binding = KEY_BINDINGS[command];
    if (groups.includes(binding.group) && binding.keys.includes(key.name)) return command;
  }
  return null;
}

const KEY_LABELS: Record<string, string> = {
  up: 'Up',
  down: 'Down',
  left: 'Left',
  right: 'Right',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'shift+tab': 'Shift+Tab',
  backspace: 'Backspace',
  space: 'Space',
};

/** `Down j`: a binding's keys as the help shows them. */
export function keyLabels(command: Command): string {
  const binding: Binding = KEY_BINDINGS[command];
  return binding.keys.map((k) => KEY_LABELS[k] ?? (k.startsWith('ctrl+') ? `Ctrl+${k.slice(5)}` : k)).join(' ');
}

/** The first key of a command, for hints in the bars (`/ filter`). */
export function firstKey(command: Command): string {
  const binding: Binding = KEY_BINDINGS[command];
  const k = binding.keys[0];
  return KEY_LABELS[k] ?? k;
}

export const BINDING_GROUPS: ReadonlyArray<{ readonly group: BindingGroup; readonly title: string }> = [
  { group: 'move', title: 'Moving' },
  { group: 'app', title: 'Everywhere' },
  { group: 'list', title: 'Lists' },
  { group: 'detail', title: 'Pair detail' },
  { group: 'edit', title: 'Filter bar and write prompt' },
];

export function commandsOf(group: BindingGroup): Command[] {
  return COMMANDS.filter((c) => KEY_BINDINGS[c].group === group);
}
