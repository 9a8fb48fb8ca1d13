import { ShadowdumpError } from '../../core/errors.js';

/**
 * A problem found while reading an expression. `tokenIndex` says how far the parser got, so
 * that when several readings of the same words fail, the one that got furthest is reported.
 * A fatal problem (a bad port number, a bad address) is final: the words were understood, and
 * no other reading is tried.
 */
export class FilterProblem extends Error {
  constructor(
    readonly problem: string,
    readonly tokenIndex: number,
    readonly fatal: boolean,
  ) {
    super(problem);
    this.name = 'FilterProblem';
  }
}

/** Puts "at word N" where the problem says `{at}`, or at its end. */
export function placeWord(problem: string, word: number): string {
  return problem.includes('{at}') ? problem.replace('{at}', `at word ${word}`) : `${problem} at word ${word}`;
}

/** The one-line message the user sees, e.g. `bad filter expression: unexpected "prot" at word 3 in "tcp and prot 80" (see man 7 pcap-filter)`. */
export function badFilter(expression: string, problem: string): ShadowdumpError {
  const oneLine = expression.replace(/[\t\r\n]/g, ' ');
  return new ShadowdumpError('bad-filter', `bad filter expression: ${problem} in "${oneLine}" (see man 7 pcap-filter)`);
}
