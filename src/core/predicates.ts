/**
 * What the packet filter and the TUI's pair filter both build their tests from. The combinators
 * return one plain closure each (no arrays, no loops): the packet filter runs them per packet.
 */
export type Predicate<T> = (x: T) => boolean;

/** True when both hold; `right` is not run when `left` fails. */
export function and<T>(left: Predicate<T>, right: Predicate<T>): Predicate<T> {
  return (x) => left(x) && right(x);
}

/** True when either holds; `right` is not run when `left` holds. */
export function or<T>(left: Predicate<T>, right: Predicate<T>): Predicate<T> {
  return (x) => left(x) || right(x);
}

export function not<T>(operand: Predicate<T>): Predicate<T> {
  return (x) => !operand(x);
}

/** The comparisons both filter languages write between numbers. */
export type NumberRelation = '=' | '!=' | '<' | '<=' | '>' | '>=';

export function compareNumbers(a: number, op: NumberRelation, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}
