import { shiftLeft32 } from './address.js';
import type { ArithOp } from './ast.js';

/** Folds a binary operation on two constants the way the BPF optimizer does (unsigned 32-bit). */
export function foldArith(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return (a + b) >>> 0;
    case '-':
      return (a - b) >>> 0;
    case '*':
      return Math.imul(a, b) >>> 0;
    case '/':
      return Math.floor(a / b) >>> 0;
    case '%':
      return a % b >>> 0;
    case '&':
      return (a & b) >>> 0;
    case '|':
      return (a | b) >>> 0;
    case '^':
      return (a ^ b) >>> 0;
    case '<<':
      return shiftLeft32(a, b);
    case '>>':
      return b >= 32 ? 0 : a >>> b;
  }
}
