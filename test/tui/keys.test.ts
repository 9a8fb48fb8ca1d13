/** The key table and how ink's key events become its key names. */
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { BINDING_GROUPS, commandFor, commandsOf, KEY_BINDINGS, keyLabels, type BindingGroup, type Command } from '../../src/tui/keys/key-bindings.js';
import { fromInk, keypress } from '../../src/tui/keys/keypress.js';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The groups active together in one context (see the reducer). */
const CONTEXTS: ReadonlyArray<readonly BindingGroup[]> = [['move', 'app', 'list'], ['move', 'app', 'detail'], ['move', 'app'], ['edit']];

describe('the key table', () => {
  it('no key means two commands in any context', () => {
    for (const groups of CONTEXTS) {
      const owner = new Map<string, Command>();
      for (const group of groups) {
        for (const command of commandsOf(group)) {
          for (const key of KEY_BINDINGS[command].keys) {
            expect(owner.get(key), `${key} in ${groups.join('+')}`).toBeUndefined();
            owner.set(key, command);
          }
        }
      }
    }
  });

  it('has the keys the issue asks for', () => {
    const expected: Array<[string, readonly BindingGroup[], Command]> = [
      ['up', ['move'], 'up'],
      ['k', ['move'], 'up'],
      ['down', ['move'], 'down'],
      ['j', ['move'], 'down'],
      ['g', ['move'], 'top'],
      ['G', ['move'], 'bottom'],
      ['pageup', ['move'], 'page-up'],
      ['pagedown', ['move'], 'page-down'],
      ['enter', ['list'], 'open'],
      ['escape', ['app'], 'back'],
      ['tab', ['app'], 'next-pane'],
      ['/', ['app'], 'filter'],
      ['f', ['list'], 'follow'],
      ['s', ['list'], 'sort'],
      ['w', ['app'], 'write'],
      ['?', ['app'], 'help'],
      ['q', ['app'], 'quit'],
    ];
    for (const [key, groups, command] of expected) expect(commandFor(keypress(key), groups), key).toBe(command);
    expect(commandFor(keypress('q'), ['edit'])).toBeNull();
  });

  it('every command has help, and every group a title', () => {
    for (const command of Object.keys(KEY_BINDINGS) as Command[]) {
      expect(KEY_BINDINGS[command].help.length).toBeGreaterThan(3);
      expect(keyLabels(command).length).toBeGreaterThan(0);
    }
    expect(new Set(BINDING_GROUPS.map((g) => g.group))).toEqual(new Set(Object.values(KEY_BINDINGS).map((b) => b.group)));
    expect(keyLabels('page-down')).toBe('PgDn Ctrl+f Space');
  });
});

describe('ink key events to key names', () => {
  it('named keys, Shift+Tab, Ctrl and Meta', () => {
    expect(fromInk('', { ...NO_KEY, downArrow: true })).toEqual([{ name: 'down', text: '' }]);
    expect(fromInk('', { ...NO_KEY, return: true })).toEqual([{ name: 'enter', text: '' }]);
    expect(fromInk('', { ...NO_KEY, tab: true, shift: true })).toEqual([{ name: 'shift+tab', text: '' }]);
    expect(fromInk('', { ...NO_KEY, delete: true })).toEqual([{ name: 'backspace', text: '' }]);
    expect(fromInk('c', { ...NO_KEY, ctrl: true })).toEqual([{ name: 'ctrl+c', text: '' }]);
    expect(fromInk('G', { ...NO_KEY, shift: true })).toEqual([{ name: 'G', text: 'G' }]);
    expect(fromInk(' ', NO_KEY)).toEqual([{ name: 'space', text: ' ' }]);
  });

  it('several characters in one read are several key presses, control bytes included', () => {
    expect(fromInk('jj', NO_KEY).map((k) => k.name)).toEqual(['j', 'j']);
    expect(fromInk('a.har\r', NO_KEY).map((k) => k.name)).toEqual(['a', '.', 'h', 'a', 'r', 'enter']);
    expect(fromInk('x\x7f\t\x15', NO_KEY).map((k) => k.name)).toEqual(['x', 'backspace', 'tab', 'ctrl+u']);
    // Nothing unprintable is typed.
    expect(fromInk('\u00e9\x00', NO_KEY)).toEqual([]);
  });
});
