/**
 * Offline packet filters: the common subset of pcap-filter expressions (man 7 pcap-filter),
 * evaluated on decoded packets when reading capture files. Live capture hands the same
 * expression to libpcap, so only syntax that libpcap accepts is accepted here, with the same
 * meaning (see compile.ts for where the decoded model legitimately differs).
 *
 *   const keep = compileFilter('tcp port 80 and host 10.0.0.1');
 *   for (const p of packets) if (keep(p)) ...
 */
import type { ShadowdumpError } from '../../core/errors.js';
import type { FilterNode } from './ast.js';
import { compileNode, type PacketFilter } from './compile.js';
import { badFilter, FilterProblem } from './errors.js';
import { parseTokens } from './parser.js';

export type { ArithNode, ArithOp, Direction, FilterNode, LoadBase, PortProtocol, RelOp } from './ast.js';
export type { PacketFilter } from './compile.js';

const MATCH_ALL: PacketFilter = () => true;

/**
 * tcpdump joins the words after its options with single spaces (copy_argv), so
 * `tcpdump tcp and port 80` and `tcpdump 'tcp and port 80'` mean the same.
 */
export function filterExpression(expression: string | readonly string[]): string {
  return typeof expression === 'string' ? expression : expression.join(' ');
}

/**
 * Parses an expression into its tree, or null when it is empty (tcpdump then keeps every packet).
 * Throws ShadowdumpError 'bad-filter' (exit code 2) with a one-line message naming the word.
 */
export function parseFilter(expression: string | readonly string[]): FilterNode | null {
  const text = filterExpression(expression);
  try {
    return parseTokens(text);
  } catch (err) {
    if (err instanceof FilterProblem) throw badFilter(text, err.problem) satisfies ShadowdumpError;
    throw err;
  }
}

/** Parses and compiles once; the predicate then runs per packet. An empty expression matches everything. */
export function compileFilter(expression: string | readonly string[]): PacketFilter {
  const tree = parseFilter(expression);
  return tree === null ? MATCH_ALL : compileNode(tree);
}
