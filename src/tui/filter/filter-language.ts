/**
 * The filter bar's language, parsed into a small syntax tree. Pure; never throws: bad input
 * comes back as an error with the reason and the offset where it was found, for the bar to show.
 *
 *   verdict=differ and not method=GET
 *   (status>=500 or shadow.status=503) and route~/users
 *   latency>100ms or delta>50ms
 *   host="httpbin:8000" and diff~$.score
 *
 * Comparisons are FIELD OP VALUE without spaces needed. `and` binds tighter than `or`; `not`
 * (or `!`) tighter still; `&&` and `||` are accepted too. Values are bare words (ending at a space
 * or parenthesis) or quoted with "" or ''. Each field takes the operators and values that make
 * sense for it (see FIELDS); anything else is an error naming what would be accepted.
 */
import { VERDICTS, type Verdict } from '../../shadow/verdict.js';

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~';

/** Whether either side, or a named side, is compared (`status` means primary or shadow). */
export type Side = 'either' | 'primary' | 'shadow';

export type Comparison =
  | { readonly kind: 'verdict'; readonly op: '=' | '!='; readonly verdict: Verdict }
  | { readonly kind: 'status'; readonly side: Side; readonly op: Operator; readonly min: number; readonly max: number }
  | { readonly kind: 'latency'; readonly side: Side | 'delta'; readonly op: NumericOperator; readonly micros: number }
  | { readonly kind: 'text'; readonly field: TextField; readonly op: TextOperator; readonly value: string };

export type NumericOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOperator = '=' | '!=' | '~' | '!~';
export type TextField = 'method' | 'host' | 'route' | 'target' | 'id' | 'diff' | 'anomaly';

export type FilterExpr =
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'not'; readonly expr: FilterExpr }
  | { readonly kind: 'compare'; readonly comparison: Comparison };

export interface FilterError {
  readonly message: string;
  /** Offset in the text where the problem is. */
  readonly at: number;
}

/** `expr` is null for an empty filter (everything passes). */
export type FilterParse = { readonly ok: true; readonly expr: FilterExpr | null } | { readonly ok: false; readonly error: FilterError };

type FieldKind = 'verdict' | 'status' | 'latency' | 'text';

interface FieldSpec {
  readonly kind: FieldKind;
  readonly help: string;
}

/** Every field, with what it means (the help overlay lists these). */
export const FIELDS: Readonly<Record<string, FieldSpec>> = {
  verdict: { kind: 'verdict', help: `verdict=differ (${VERDICTS.join(', ')})` },
  status: { kind: 'status', help: 'status>=500: either side answered so (5xx for a class)' },
  'primary.status': { kind: 'status', help: "the primary's status" },
  'shadow.status': { kind: 'status', help: "the shadow's status" },
  latency: { kind: 'latency', help: 'latency>100ms: either side took so long (us, ms, s; ms if bare)' },
  'primary.latency': { kind: 'latency', help: "the primary's latency" },
  'shadow.latency': { kind: 'latency', help: "the shadow's latency" },
  delta: { kind: 'latency', help: 'delta>50ms: the shadow took that much longer' },
  method: { kind: 'text', help: 'method=POST' },
  host: { kind: 'text', help: 'host~reviews (without the shadow suffix)' },
  route: { kind: 'text', help: 'route~/users: the route template, /users/{id}' },
  target: { kind: 'text', help: 'target~page=2: the request target as sent' },
  id: { kind: 'text', help: 'id=<x-request-id>' },
  diff: { kind: 'text', help: 'diff~score: a differing field (status, header:x, $.json.path, body:...)' },
  anomaly: { kind: 'text', help: 'anomaly~gap: an anomaly of any leg' },
};

const SIDES: Record<string, Side | 'delta'> = {
  status: 'either',
  'primary.status': 'primary',
  'shadow.status': 'shadow',
  latency: 'either',
  'primary.latency': 'primary',
  'shadow.latency': 'shadow',
  delta: 'delta',
};

const OPERATORS: readonly Operator[] = ['!=', '<=', '>=', '!~', '=', '<', '>', '~'];
const NUMERIC: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];
const UNITS: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

class ParseFailure {
  constructor(readonly error: FilterError) {}
}

export function parseFilter(text: string): FilterParse {
  const parser = new Parser(text);
  try {
    return { ok: true, expr: parser.parseAll() };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.error };
    throw e;
  }
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  parseAll(): FilterExpr | null {
    this.skipSpace();
    if (this.at >= this.text.length) return null;
    const expr = this.parseOr();
    this.skipSpace();
    if (this.at < this.text.length) {
      if (this.text[this.at] === ')') this.fail('unmatched )');
      this.fail(`expected "and" or "or" before "${this.preview()}"`);
    }
    return expr;
  }

  private parseOr(): FilterExpr {
    let left = this.parseAnd();
    while (this.keyword('or', '||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parseNot();
    while (this.keyword('and', '&&')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): FilterExpr {
    if (this.keyword('not', '!')) return { kind: 'not', expr: this.parseNot() };
    return this.parsePrimary();
  }

  private parsePrimary(): FilterExpr {
    this.skipSpace();
    if (this.at >= this.text.length) this.fail('expected a comparison such as verdict=differ');
    if (this.text[this.at] === '(') {
      const open = this.at++;
      const expr = this.parseOr();
      this.skipSpace();
      if (this.text[this.at] !== ')') this.fail('missing )', this.at >= this.text.length ? open : this.at);
      this.at++;
      return expr;
    }
    return { kind: 'compare', comparison: this.parseComparison() };
  }

  private parseComparison(): Comparison {
    const start = this.at;
    const name = /^[A-Za-z][A-Za-z.]*/.exec(this.text.slice(this.at))?.[0] ?? '';
    if (name === '') this.fail(`expected a field name, got "${this.preview()}"`);
    const field = name.toLowerCase();
    const spec = FIELDS[field];
    if (spec === undefined) this.fail(`unknown field "${name}": one of ${Object.keys(FIELDS).join(', ')}`, start);
    this.at += name.length;
    this.skipSpace();
    const opAt = this.at;
    const op = OPERATORS.find((o) => this.text.startsWith(o, this.at));
    if (op === undefined) this.fail(`expected an operator after ${field} (= != < <= > >= ~ !~)`);
    this.at += op.length;
    this.skipSpace();
    const valueAt = this.at;
    const value = this.parseValue(field);
    switch (spec.kind) {
      case 'verdict': {
        if (op !== '=' && op !== '!=') this.fail('verdict takes = or !=', opAt);
        const verdict = VERDICTS.find((v) => v === value.toLowerCase());
        if (verdict === undefined) this.fail(`unknown verdict "${value}": one of ${VERDICTS.join(', ')}`, valueAt);
        return { kind: 'verdict', op, verdict };
      }
      case 'status':
        return { kind: 'status', side: SIDES[field] as Side, op, ...this.statusRange(op, value, valueAt) };
      case 'latency':
        if (!NUMERIC.includes(op)) this.fail(`${field} takes = != < <= > >=`, opAt);
        return { kind: 'latency', side: SIDES[field], op: op as NumericOperator, micros: this.duration(value, valueAt) };
      case 'text':
        if (!['=', '!=', '~', '!~'].includes(op)) this.fail(`${field} takes = != ~ !~`, opAt);
        return { kind: 'text', field: field as TextField, op: op as TextOperator, value };
    }
  }

  /** A status code (200) or a class (5xx): the class only with = and !=. */
  private statusRange(op: Operator, value: string, at: number): { min: number; max: number } {
    const klass = /^([1-5])xx$/i.exec(value);
    if (klass !== null) {
      if (op !== '=' && op !== '!=') this.fail('a status class (5xx) takes = or !=', at);
      const base = Number(klass[1]) * 100;
      return { min: base, max: base + 99 };
    }
    if (!/^\d{3}$/.test(value)) this.fail(`expected a status such as 503 or 5xx, got "${value}"`, at);
    if (op === '~' || op === '!~') this.fail('status takes = != < <= > >=', at);
    return { min: Number(value), max: Number(value) };
  }

  /** `100ms`, `1.5s`, `250us`; a bare number is milliseconds; `-5ms` for delta. */
  private duration(value: string, at: number): number {
    const m = /^(-?\d+(?:\.\d+)?)(us|µs|ms|s)?$/i.exec(value);
    if (m === null) this.fail(`expected a duration such as 100ms, 1.5s or 250us, got "${value}"`, at);
    return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]);
  }

  private parseValue(field: string): string {
    const quote = this.text[this.at];
    if (quote === '"' || quote === "'") {
      const close = this.text.indexOf(quote, this.at + 1);
      if (close < 0) this.fail(`unterminated ${quote}`);
      const value = this.text.slice(this.at + 1, close);
      this.at = close + 1;
      return value;
    }
    const m = /^[^\s()]+/.exec(this.text.slice(this.at));
    if (m === null) this.fail(`expected a value after ${field}`);
    this.at += m[0].length;
    return m[0];
  }

  /** Consumes a keyword (whole word, any case) or its symbol. */
  private keyword(word: string, symbol: string): boolean {
    this.skipSpace();
    const rest = this.text.slice(this.at);
    if (rest.startsWith(symbol) && !(symbol === '!' && rest.startsWith('!='))) {
      this.at += symbol.length;
      return true;
    }
    if (rest.slice(0, word.length).toLowerCase() === word && !/^[A-Za-z0-9_.]/.test(rest.slice(word.length))) {
      this.at += word.length;
      return true;
    }
    return false;
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private preview(): string {
    const rest = this.text.slice(this.at);
    return rest.length > 20 ? `${rest.slice(0, 19)}...` : rest;
  }

  private fail(message: string, at = this.at): never {
    throw new ParseFailure({ message, at });
  }
}
