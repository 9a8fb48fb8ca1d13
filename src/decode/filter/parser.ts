import { formatIpv6 } from '../../core/address.js';
import { formatIpv4Number, ipv6Mask, parseDottedIpv4, parseIpv6, shiftLeft32 } from './address.js';
import { foldArith } from './arith.js';
import type { ArithNode, ArithOp, Direction, FilterNode, LoadBase, PortProtocol, RelOp } from './ast.js';
import { FilterProblem, placeWord } from './errors.js';
import { tokenize, type Token, type TokenType } from './lexer.js';

/*
 * A recursive-descent reading of libpcap's grammar (grammar.y, libpcap 1.10):
 *
 *   expr  := term | expr (and|or) term | expr (and|or) id     -- and/or: same precedence, left to right
 *   term  := rterm | not term
 *   rterm := head id | '(' expr ')' | pname | arth relop arth | other
 *   head  := [pname] dqual [aqual] | [pname] aqual | [pname] proto
 *   id    := nid | pnum | '(' pid ')'
 *   nid   := ID | HID ['/' NUM | mask HID] | HID6 ['/' NUM] | not id
 *   pid   := nid | qid (and|or) id          qid := pnum | pid
 *   other := less NUM | greater NUM | vlan [pnum]
 *
 * Qualifier inheritance: an id standing alone after and/or (`host 10.0.0.1 or 10.0.0.2`,
 * `tcp port 80 or 8080`) takes the qualifiers of the primitive before it. As in libpcap, a
 * protocol name, a comparison, `vlan`, `less`/`greater` leave nothing to inherit
 * (`tcp or 80` is an error), `not` passes on what its operand had, and after `( expr )` the
 * qualifiers in force before the parenthesis apply again.
 *
 * LALR(1) decides between the readings of `(` and of a number by what follows; here the
 * readings are tried in turn and, if all fail, the failure that got furthest is reported.
 */

type ProtoQual =
  | 'default'
  | 'link'
  | 'ip'
  | 'ip6'
  | 'arp'
  | 'rarp'
  | 'tcp'
  | 'udp'
  | 'sctp'
  | 'icmp'
  | 'icmp6'
  | 'igmp'
  | 'igrp'
  | 'pim'
  | 'vrrp'
  | 'carp'
  | 'ah'
  | 'esp';
type AddrQual = 'default' | 'host' | 'net' | 'port' | 'portrange' | 'proto';

/** libpcap's `struct qual`; null stands for its `qerr` (nothing to inherit). */
interface Qual {
  readonly proto: ProtoQual;
  readonly dir: Direction | 'default';
  readonly addr: AddrQual;
}

interface Parsed {
  readonly node: FilterNode;
  readonly q: Qual | null;
}

/** An id before its qualifiers are applied. */
type RawId =
  | { readonly kind: 'num'; readonly tok: Token }
  | { readonly kind: 'hid'; readonly tok: Token; readonly maskLength: Token | null; readonly mask: Token | null }
  | { readonly kind: 'hid6'; readonly tok: Token; readonly maskLength: Token | null }
  | { readonly kind: 'name'; readonly tok: Token }
  | { readonly kind: 'not'; readonly operand: RawId }
  | { readonly kind: 'and' | 'or'; readonly left: RawId; readonly right: RawId };

const PROTO_NAMES: ReadonlySet<TokenType> = new Set<TokenType>([
  'link',
  'ip',
  'ip6',
  'arp',
  'rarp',
  'tcp',
  'udp',
  'sctp',
  'icmp',
  'icmp6',
  'igmp',
  'igrp',
  'pim',
  'vrrp',
  'carp',
  'ah',
  'esp',
]);

const RELOPS: ReadonlySet<TokenType> = new Set<TokenType>(['>', '>=', '=', '!=', '<', '<=']);

/** Binding strength of the binary arithmetic operators that have one in grammar.y. */
const ARITH_PRECEDENCE: Partial<Record<TokenType, number>> = { '|': 1, '&': 2, '<<': 3, '>>': 3, '+': 4, '-': 4, '*': 5, '/': 5 };

/** Where `x[...]` loads are relative to; arp/rarp/ah/esp loads are not available. */
const LOAD_BASES: Partial<Record<TokenType, LoadBase>> = {
  link: 'link',
  ip: 'ip',
  ip6: 'ip6',
  tcp: 'tcp',
  udp: 'udp',
  sctp: 'sctp',
  icmp: 'icmp',
  icmp6: 'icmp6',
  igmp: 'igmp',
  igrp: 'igrp',
  pim: 'pim',
  vrrp: 'vrrp',
  carp: 'vrrp',
};

/** The primitive a bare protocol name stands for (gen_proto_abbrev). */
const PROTO_ABBREVIATIONS: Readonly<Record<string, FilterNode>> = {
  ip: { kind: 'family', family: 4 },
  ip6: { kind: 'family', family: 6 },
  arp: { kind: 'ethertype', value: 0x0806 },
  rarp: { kind: 'ethertype', value: 0x8035 },
  tcp: { kind: 'proto', family: 'any', protocol: 6 },
  udp: { kind: 'proto', family: 'any', protocol: 17 },
  sctp: { kind: 'proto', family: 'any', protocol: 132 },
  icmp: { kind: 'proto', family: 4, protocol: 1 },
  icmp6: { kind: 'proto', family: 6, protocol: 58 },
  igmp: { kind: 'proto', family: 4, protocol: 2 },
  igrp: { kind: 'proto', family: 4, protocol: 9 },
  pim: { kind: 'proto', family: 'any', protocol: 103 },
  vrrp: { kind: 'proto', family: 4, protocol: 112 },
  carp: { kind: 'proto', family: 4, protocol: 112 },
  ah: { kind: 'proto', family: 'any', protocol: 51 },
  esp: { kind: 'proto', family: 'any', protocol: 50 },
};

/**
 * Service names `port`/`portrange` accept, with the protocol /etc/services gives them on
 * Debian (libpcap looks names up there; `port http` is `tcp port 80` because http is tcp only).
 */
const PORT_NAMES: Readonly<Record<string, { readonly port: number; readonly proto: PortProtocol }>> = {
  http: { port: 80, proto: 'tcp' },
  www: { port: 80, proto: 'tcp' },
  https: { port: 443, proto: 'any' },
  domain: { port: 53, proto: 'any' },
  ssh: { port: 22, proto: 'tcp' },
  'http-alt': { port: 8080, proto: 'tcp' },
};

/** Protocol names `proto` accepts (from /etc/protocols); keywords need a backslash: `ip proto \tcp`. */
const PROTOCOL_NAMES: Readonly<Record<string, number>> = {
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  sctp: 132,
};

const NOT_SUPPORTED = "is not supported by shadowdump's offline filter";

function quoted(tok: Token): string {
  return `"${tok.text}" at word ${tok.word}`;
}

function direction(q: Qual): Direction {
  return q.dir === 'default' ? 'src or dst' : q.dir;
}

function not(operand: FilterNode): FilterNode {
  return { kind: 'not', operand };
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseProgram(): FilterNode | null {
    if (this.is('end')) return null;
    const { node } = this.parseExpr(null);
    if (!this.is('end')) throw this.unexpected();
    return node;
  }

  // ---- token helpers ----

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  private is(type: TokenType, ahead = 0): boolean {
    return this.peek(ahead).type === type;
  }

  private next(): Token {
    const tok = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return tok;
  }

  private expect(type: TokenType): Token {
    if (!this.is(type)) throw this.unexpected();
    return this.next();
  }

  private expectClose(open: Token): void {
    if (this.is(')')) {
      this.next();
      return;
    }
    if (this.is('end')) throw new FilterProblem(`missing ")" to close the "(" at word ${open.word}`, this.pos, false);
    throw this.unexpected();
  }

  /** The current token cannot be read here. */
  private unexpected(tok: Token = this.peek()): FilterProblem {
    const index = this.tokens.indexOf(tok);
    if (tok.type === 'end') {
      const last = this.tokens[index - 1];
      return new FilterProblem(last ? `unexpected end of expression after ${quoted(last)}` : 'empty expression', index, false);
    }
    if (tok.type === 'unsupported') return new FilterProblem(`${quoted(tok)} ${NOT_SUPPORTED}`, index, false);
    return new FilterProblem(`unexpected ${quoted(tok)}`, index, false);
  }

  /** A problem with words that were understood: no other reading is tried. */
  private fatal(tok: Token, problem: string): FilterProblem {
    return new FilterProblem(placeWord(problem, tok.word), this.tokens.indexOf(tok), true);
  }

  /** Runs one reading; on a (non-fatal) failure, rewinds and returns the problem. */
  private attempt<T>(read: () => T): T | FilterProblem {
    const saved = this.pos;
    try {
      return read();
    } catch (err) {
      if (err instanceof FilterProblem && !err.fatal) {
        this.pos = saved;
        return err;
      }
      throw err;
    }
  }

  /** Of failed readings, the one that got furthest (the earlier one on a tie). */
  private static furthest(problems: readonly FilterProblem[]): FilterProblem {
    return problems.reduce((best, p) => (p.tokenIndex > best.tokenIndex ? p : best));
  }

  // ---- boolean structure ----

  private parseExpr(qBefore: Qual | null): Parsed {
    let { node, q } = this.parseTerm(qBefore);
    while (this.is('and') || this.is('or')) {
      const kind = this.next().type as 'and' | 'or';
      const right = this.parseTermOrId(q);
      node = { kind, left: node, right: right.node };
      q = right.q;
    }
    return { node, q };
  }

  private parseTerm(qBefore: Qual | null): Parsed {
    if (this.is('not')) {
      this.next();
      const operand = this.parseTerm(qBefore);
      return { node: not(operand.node), q: operand.q };
    }
    return this.parseRterm(qBefore);
  }

  /** What follows and/or: a term, or an id that inherits `q`. */
  private parseTermOrId(q: Qual | null): Parsed {
    if (this.is('not')) {
      this.next();
      const operand = this.parseTermOrId(q);
      return { node: not(operand.node), q: operand.q };
    }
    const tok = this.peek();
    if (tok.type === 'num') {
      // `port 80 or 443`, unless an operator follows: `port 80 or 443 > len`.
      const compared = this.attempt(() => this.parseComparison());
      if (!(compared instanceof FilterProblem)) return { node: compared, q: null };
    }
    if (tok.type === 'num' || tok.type === 'hid' || tok.type === 'hid6' || tok.type === 'id') {
      return { node: this.applyQualifiers(this.parseRawId(), q), q };
    }
    if (tok.type !== '(') return this.parseRterm(q);
    // `( ... )`: a comparison, a list of ids (`host a or (b or c)`), or a parenthesised expression.
    const compared = this.attempt(() => this.parseComparison());
    if (!(compared instanceof FilterProblem)) return { node: compared, q: null };
    const group = this.attempt(() => this.applyQualifiers(this.parseRawGroup(), q));
    if (!(group instanceof FilterProblem)) return { node: group, q };
    const term = this.attempt(() => this.parseRtermNoArith(q));
    if (!(term instanceof FilterProblem)) return term;
    const failures = [term, group, compared];
    throw Parser.furthest(failures);
  }

  private parseRterm(qBefore: Qual | null): Parsed {
    const tok = this.peek();
    if (tok.type === '(') {
      // A comparison `(tcp[13] & 2) != 0` or a parenthesised expression `(tcp or udp)`.
      const compared = this.attempt(() => this.parseComparison());
      if (!(compared instanceof FilterProblem)) return { node: compared, q: null };
      const term = this.attempt(() => this.parseRtermNoArith(qBefore));
      if (!(term instanceof FilterProblem)) return term;
      throw Parser.furthest([term, compared]);
    }
    if (tok.type === 'num') {
      const compared = this.attempt(() => this.parseComparison());
      if (!(compared instanceof FilterProblem)) return { node: compared, q: null };
      // Nothing arithmetic follows the number: it is an id without qualifiers.
      throw compared.tokenIndex <= this.pos + 1 ? this.needsQualifier(tok) : compared;
    }
    if (this.mayStartArith()) return { node: this.parseComparison(), q: null };
    return this.parseRtermNoArith(qBefore);
  }

  private parseRtermNoArith(qBefore: Qual | null): Parsed {
    const tok = this.peek();
    switch (tok.type) {
      case '(': {
        this.next();
        const inner = this.parseExpr(qBefore);
        this.expectClose(tok);
        return { node: inner.node, q: qBefore };
      }
      case 'less':
      case 'greater': {
        this.next();
        const value = this.expect('num').value;
        return { node: { kind: 'length', op: tok.type === 'less' ? '<=' : '>=', value }, q: null };
      }
      case 'vlan': {
        this.next();
        if (!this.is('num') && !this.is('(')) return { node: { kind: 'vlan', id: null }, q: null };
        const id = this.parsePnum();
        if (id.value > 4095) throw this.fatal(id, `VLAN id ${id.value} {at} is out of range (0-4095)`);
        return { node: { kind: 'vlan', id: id.value }, q: null };
      }
      case 'src':
      case 'dst':
      case 'host':
      case 'net':
      case 'port':
      case 'portrange':
      case 'proto':
        return this.parseHead('default');
      case 'num':
      case 'hid':
      case 'hid6':
      case 'id':
        throw this.needsQualifier(tok);
      default:
        break;
    }
    if (!PROTO_NAMES.has(tok.type)) throw this.unexpected();
    this.next();
    const headed = this.parseHead(tok.type as ProtoQual);
    if (headed) return headed;
    if (tok.type === 'link') throw this.fatal(tok, `"${tok.text}" {at} on its own ${NOT_SUPPORTED} (only ${tok.text}[...] loads are)`);
    return { node: PROTO_ABBREVIATIONS[tok.type], q: null };
  }

  /** A number or address where nothing says whether it is a host, net or port. */
  private needsQualifier(tok: Token): FilterProblem {
    const hint = tok.type === 'id' ? '' : ' (write host, net or port before it)';
    return new FilterProblem(`unexpected ${quoted(tok)}${hint}`, this.tokens.indexOf(tok), false);
  }

  /** `[pname] [dqual] [aqual] id`, `[pname] proto id`; null when no qualifier follows a protocol name. */
  private parseHead(proto: 'default'): Parsed;
  private parseHead(proto: ProtoQual): Parsed | null;
  private parseHead(proto: ProtoQual): Parsed | null {
    let dir: Qual['dir'] = 'default';
    if (this.is('src') || this.is('dst')) {
      const first = this.next().type as 'src' | 'dst';
      const other = first === 'src' ? 'dst' : 'src';
      if ((this.is('or') || this.is('and')) && this.is(other, 1)) {
        dir = this.next().type === 'or' ? 'src or dst' : 'src and dst';
        this.next();
      } else dir = first;
    }
    let addr: AddrQual = 'default';
    const tok = this.peek();
    if (tok.type === 'host' || tok.type === 'net' || tok.type === 'port' || tok.type === 'portrange') {
      this.next();
      addr = tok.type;
    } else if (tok.type === 'proto' && dir === 'default') {
      this.next();
      addr = 'proto';
    } else if (dir === 'default') {
      if (tok.type === 'unsupported') throw this.unexpected();
      if (proto === 'default') throw this.unexpected();
      return null;
    }
    const q: Qual = { proto, dir, addr };
    return { node: this.applyQualifiers(this.parseRawId(), q), q };
  }

  // ---- ids ----

  private parseRawId(): RawId {
    const tok = this.peek();
    switch (tok.type) {
      case 'not':
        this.next();
        return { kind: 'not', operand: this.parseRawId() };
      case 'num':
        this.next();
        return { kind: 'num', tok };
      case '(':
        return this.parseRawGroup();
      default:
        return this.parseRawNid();
    }
  }

  private parseRawNid(): RawId {
    const tok = this.peek();
    switch (tok.type) {
      case 'not':
        this.next();
        return { kind: 'not', operand: this.parseRawId() };
      case 'hid': {
        this.next();
        if (this.is('/')) {
          this.next();
          return { kind: 'hid', tok, maskLength: this.expect('num'), mask: null };
        }
        if (this.is('mask')) {
          this.next();
          return { kind: 'hid', tok, maskLength: null, mask: this.expect('hid') };
        }
        return { kind: 'hid', tok, maskLength: null, mask: null };
      }
      case 'hid6': {
        this.next();
        if (this.is('/')) {
          this.next();
          return { kind: 'hid6', tok, maskLength: this.expect('num') };
        }
        return { kind: 'hid6', tok, maskLength: null };
      }
      case 'id':
        this.next();
        return { kind: 'name', tok };
      default:
        throw this.unexpected();
    }
  }

  /** `( pid )` or `( pnum )`: as in libpcap, the first member of a list may not itself be a parenthesised list. */
  private parseRawGroup(): RawId {
    const open = this.expect('(');
    let node: RawId = this.is('num') || this.is('(') ? { kind: 'num', tok: this.parsePnum() } : this.parseRawNid();
    while (this.is('and') || this.is('or')) {
      const kind = this.next().type as 'and' | 'or';
      node = { kind, left: node, right: this.parseRawId() };
    }
    this.expectClose(open);
    return node;
  }

  /** NUM | ( pnum ) */
  private parsePnum(): Token {
    if (this.is('(')) {
      const open = this.next();
      const tok = this.parsePnum();
      this.expectClose(open);
      return tok;
    }
    return this.expect('num');
  }

  // ---- qualifiers applied to ids (gen_ncode, gen_scode, gen_mcode, gen_mcode6) ----

  private applyQualifiers(raw: RawId, q: Qual | null): FilterNode {
    switch (raw.kind) {
      case 'not':
        return not(this.applyQualifiers(raw.operand, q));
      case 'and':
      case 'or':
        return { kind: raw.kind, left: this.applyQualifiers(raw.left, q), right: this.applyQualifiers(raw.right, q) };
      default:
        break;
    }
    if (q === null) throw this.needsQualifier(raw.tok);
    switch (raw.kind) {
      case 'num':
        return this.numberOrAddress(raw.tok, null, q);
      case 'hid':
        if (raw.maskLength || raw.mask) return this.maskedIpv4(raw.tok, raw.maskLength, raw.mask, q);
        if (q.addr === 'port' || q.addr === 'portrange' || q.addr === 'proto') {
          throw this.fatal(raw.tok, `'${q.addr}' modifier applied to ip host ${raw.tok.text}`);
        }
        return this.numberOrAddress(raw.tok, raw.tok.text, q);
      case 'hid6':
        return this.ipv6(raw.tok, raw.maskLength, q);
      case 'name':
        return this.name(raw.tok, q);
    }
  }

  private ipv4Octets(tok: Token, text: string): { value: number; bits: number } {
    const parsed = parseDottedIpv4(text);
    if (!parsed) throw this.fatal(tok, `bad IPv4 address "${text}"`);
    return parsed;
  }

  /** gen_ncode: a number (`port 80`, `net 10`, `host 10` = 0.0.0.10) or an unmasked dotted address (`host 10.1` = 10.1.0.0/16). */
  private numberOrAddress(tok: Token, dotted: string | null, q: Qual): FilterNode {
    let value = tok.value;
    let bits = 32;
    if (dotted !== null) ({ value, bits } = this.ipv4Octets(tok, dotted));
    switch (q.addr) {
      case 'default':
      case 'host':
      case 'net': {
        let mask = 0xffffffff;
        if (dotted === null && q.addr === 'net') {
          // `net 10` is 10.0.0.0/8, `net 172.16`... (a bare number is promoted byte by byte).
          while (value !== 0 && (value & 0xff000000) === 0) {
            value = shiftLeft32(value, 8);
            mask = shiftLeft32(mask, 8);
          }
        } else {
          value = shiftLeft32(value, 32 - bits);
          mask = shiftLeft32(mask, 32 - bits);
        }
        return this.ipv4Node(tok, value, mask, q, q.addr === 'net' ? 'net' : 'host');
      }
      case 'port':
      case 'portrange': {
        const proto = this.portProtocol(tok, q);
        if (value > 65535) throw this.fatal(tok, `port ${value} {at} is out of range (0-65535)`);
        return { kind: 'port', dir: direction(q), proto, from: value, to: value };
      }
      case 'proto':
        return this.protoNode(tok, value, q);
    }
  }

  /** `net 10.0.0.0/8`, `net 10.0.0.0 mask 255.0.0.0` (gen_mcode). */
  private maskedIpv4(tok: Token, lengthTok: Token | null, maskTok: Token | null, q: Qual): FilterNode {
    const addr = this.ipv4Octets(tok, tok.text);
    const net = shiftLeft32(addr.value, 32 - addr.bits);
    let mask: number;
    let written: string;
    if (maskTok) {
      const m = this.ipv4Octets(maskTok, maskTok.text);
      mask = shiftLeft32(m.value, 32 - m.bits);
      written = `${tok.text} mask ${maskTok.text}`;
    } else {
      const length = (lengthTok as Token).value;
      if (length > 32) throw this.fatal(tok, `mask length ${length} {at} is out of range (0-32)`);
      mask = shiftLeft32(0xffffffff, 32 - length);
      written = `${tok.text}/${length}`;
    }
    if ((net & ~mask) !== 0) throw this.fatal(tok, `non-network bits set in "${written}"`);
    if (q.addr !== 'net') throw this.fatal(tok, `"${written}" {at} has a mask, which only "net" takes (write "net ${written}")`);
    return this.ipv4Node(tok, net, mask, q, 'net');
  }

  private ipv4Node(tok: Token, addr: number, mask: number, q: Qual, type: 'host' | 'net'): FilterNode {
    switch (q.proto) {
      case 'default':
      case 'ip':
        return { kind: 'ipv4', dir: direction(q), addr: formatIpv4Number(addr), mask: formatIpv4Number(mask) };
      case 'arp':
      case 'rarp':
        throw this.fatal(tok, `'${q.proto} ${type}' {at} ${NOT_SUPPORTED} (ARP packets are not decoded)`);
      case 'link':
        throw this.fatal(tok, `link-layer modifier applied to ${type} ${tok.text}`);
      case 'ip6':
        throw this.fatal(tok, `'ip6' modifier applied to ip ${type} ${tok.text}`);
      default:
        throw this.fatal(tok, `'${q.proto}' modifier applied to ${type} ${tok.text}`);
    }
  }

  /** IPv6 host or net (gen_mcode6). */
  private ipv6(tok: Token, lengthTok: Token | null, q: Qual): FilterNode {
    const bytes = parseIpv6(tok.text);
    const prefix = lengthTok ? lengthTok.value : 128;
    const written = lengthTok ? `${tok.text}/${prefix}` : tok.text;
    if (prefix > 128) throw this.fatal(tok, `mask length ${prefix} {at} is out of range (0-128)`);
    const mask = ipv6Mask(prefix);
    if (bytes.some((b, i) => (b & ~mask[i]) !== 0)) throw this.fatal(tok, `non-network bits set in "${written}"`);
    const type = q.addr === 'net' ? 'net' : 'host';
    if (q.addr === 'default' || q.addr === 'host') {
      if (prefix !== 128) throw this.fatal(tok, `"${written}" {at} has a mask, which only "net" takes (write "net ${written}")`);
    } else if (q.addr !== 'net') {
      throw this.fatal(tok, `'${q.addr}' modifier applied to ip6 address ${tok.text}`);
    }
    switch (q.proto) {
      case 'default':
      case 'ip6':
        return { kind: 'ipv6', dir: direction(q), addr: formatIpv6(bytes), prefix };
      case 'link':
        throw this.fatal(tok, `link-layer modifier applied to ip6 ${type} ${tok.text}`);
      default:
        throw this.fatal(tok, `'${q.proto}' modifier applied to ip6 ${type} ${tok.text}`);
    }
  }

  /** A name (gen_scode): a service name for port/portrange, a protocol name for proto; never a host. */
  private name(tok: Token, q: Qual): FilterNode {
    const name = tok.name;
    switch (q.addr) {
      case 'net':
        throw this.fatal(tok, `network names are not supported: use a number such as 10 or 10.1 instead of "${name}"`);
      case 'default':
      case 'host':
        throw this.fatal(tok, `hostname lookup is not supported: use an IP address instead of "${name}"`);
      case 'port': {
        const proto = this.portProtocol(tok, q);
        const port = this.portName(tok, name, proto);
        return { kind: 'port', dir: direction(q), proto: proto === 'any' ? port.proto : proto, from: port.port, to: port.port };
      }
      case 'portrange': {
        const proto = this.portProtocol(tok, q);
        const numeric = /^([0-9]+)-([0-9]+)$/.exec(name);
        let from: number;
        let to: number;
        let rangeProto: PortProtocol = 'any';
        if (numeric) {
          from = parseInt(numeric[1], 10);
          to = parseInt(numeric[2], 10);
        } else {
          const dash = name.indexOf('-', 1);
          if (dash < 0) throw this.fatal(tok, `bad port range "${name}" {at} (write it as 8000-8100)`);
          const first = this.portName(tok, name.slice(0, dash), proto);
          const last = this.portName(tok, name.slice(dash + 1), proto);
          from = first.port;
          to = last.port;
          if (first.proto === last.proto) rangeProto = first.proto;
        }
        for (const port of [from, to]) {
          if (port > 65535) throw this.fatal(tok, `port ${port} {at} is out of range (0-65535)`);
        }
        if (from > to) [from, to] = [to, from];
        return { kind: 'port', dir: direction(q), proto: proto === 'any' ? rangeProto : proto, from, to };
      }
      case 'proto': {
        if (q.proto !== 'default' && q.proto !== 'ip' && q.proto !== 'ip6') return this.protoNode(tok, 0, q);
        if (!Object.hasOwn(PROTOCOL_NAMES, name)) throw this.fatal(tok, `unknown protocol name "${name}" {at} (use a number)`);
        return this.protoNode(tok, PROTOCOL_NAMES[name], q);
      }
    }
  }

  private portName(tok: Token, name: string, proto: PortProtocol): { port: number; proto: PortProtocol } {
    if (!Object.hasOwn(PORT_NAMES, name)) {
      const hint = /^[0-9]+-[0-9]+$/.test(name) ? 'use portrange for a range' : `use a number; names known: ${Object.keys(PORT_NAMES).join(', ')}`;
      throw this.fatal(tok, `unknown port name "${name}" {at} (${hint})`);
    }
    const known = PORT_NAMES[name];
    if (proto !== 'any' && known.proto !== 'any' && known.proto !== proto) {
      throw this.fatal(tok, `port "${name}" {at} is ${known.proto}, not ${proto}`);
    }
    return known;
  }

  /** The protocol qualifier of port/portrange: tcp, udp, sctp or none. */
  private portProtocol(tok: Token, q: Qual): PortProtocol {
    switch (q.proto) {
      case 'default':
        return 'any';
      case 'tcp':
      case 'udp':
      case 'sctp':
        return q.proto;
      default:
        throw this.fatal(tok, `'${q.proto}' modifier applied to ${q.addr} ${tok.text} {at} (only tcp, udp or sctp can be)`);
    }
  }

  /** `proto N`, `ip proto N`, `ip6 proto N` (gen_proto). */
  private protoNode(tok: Token, value: number, q: Qual): FilterNode {
    switch (q.proto) {
      case 'default':
      case 'ip':
      case 'ip6':
        break;
      case 'link':
        throw this.fatal(tok, `'ether proto' {at} ${NOT_SUPPORTED}`);
      case 'arp':
      case 'rarp':
        throw this.fatal(tok, `${q.proto} does not encapsulate another protocol`);
      default:
        throw this.fatal(tok, `'${q.proto} proto' {at} is not valid: only ip, ip6 or no qualifier go with proto`);
    }
    if (value > 255) throw this.fatal(tok, `protocol number ${value} {at} is out of range (0-255)`);
    return { kind: 'proto', family: q.proto === 'ip' ? 4 : q.proto === 'ip6' ? 6 : 'any', protocol: value };
  }

  // ---- arithmetic comparisons ----

  private mayStartArith(): boolean {
    const tok = this.peek();
    return tok.type === 'num' || tok.type === '(' || tok.type === '-' || tok.type === 'len' || (PROTO_NAMES.has(tok.type) && this.is('[', 1));
  }

  private parseComparison(): FilterNode {
    const left = this.parseArith(1);
    const opTok = this.peek();
    if (!RELOPS.has(opTok.type)) throw this.unexpected();
    this.next();
    const right = this.parseArith(1);
    return { kind: 'compare', op: opTok.type as RelOp, left, right };
  }

  /**
   * Precedence climbing over grammar.y's `%left '|'; %left '&'; %left LSH RSH; %left '+' '-';
   * %left '*' '/'`. `%` and `^` have no precedence there, so yacc always shifts them: they take
   * the operand just before them and everything after them (`1 + 5 % 3 + 1` is `1 + (5 % (3 + 1))`).
   */
  private parseArith(minPrecedence: number): ArithNode {
    let left = this.parseUnary();
    for (;;) {
      const opTok = this.peek();
      const precedence = ARITH_PRECEDENCE[opTok.type];
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      const right = this.parseArith(precedence + 1);
      left = this.binary(opTok, left, right);
    }
  }

  private parseUnary(): ArithNode {
    if (this.is('-')) {
      this.next();
      const operand = this.parseUnary();
      return operand.kind === 'num' ? { kind: 'num', value: (0 - operand.value) >>> 0 } : { kind: 'neg', operand };
    }
    let node = this.parsePrimary();
    while (this.is('%') || this.is('^')) {
      const opTok = this.next();
      node = this.binary(opTok, node, this.parseArith(1));
    }
    return node;
  }

  private parsePrimary(): ArithNode {
    const tok = this.peek();
    if (tok.type === 'num') {
      this.next();
      return { kind: 'num', value: tok.value };
    }
    if (tok.type === 'len') {
      this.next();
      return { kind: 'len' };
    }
    if (tok.type === '(') {
      this.next();
      const inner = this.parseArith(1);
      this.expectClose(tok);
      return inner;
    }
    if (PROTO_NAMES.has(tok.type) && this.is('[', 1)) {
      this.next();
      this.next();
      const offset = this.parseArith(1);
      let size: 1 | 2 | 4 = 1;
      if (this.is(':')) {
        this.next();
        const sizeTok = this.expect('num');
        if (sizeTok.value !== 1 && sizeTok.value !== 2 && sizeTok.value !== 4) throw this.fatal(sizeTok, `load size ${sizeTok.text} {at} must be 1, 2 or 4`);
        size = sizeTok.value;
      }
      this.expect(']');
      const base = LOAD_BASES[tok.type];
      if (!base) throw this.fatal(tok, `${tok.text}[...] {at} ${NOT_SUPPORTED}`);
      return { kind: 'load', base, offset, size };
    }
    throw this.unexpected();
  }

  private binary(opTok: Token, left: ArithNode, right: ArithNode): ArithNode {
    const op = opTok.type as ArithOp;
    if (right.kind === 'num') {
      if (op === '/' && right.value === 0) throw this.fatal(opTok, 'division by zero');
      if (op === '%' && right.value === 0) throw this.fatal(opTok, 'modulus by zero');
      if ((op === '<<' || op === '>>') && right.value > 31) throw this.fatal(opTok, 'shift by more than 31 bits');
      if (left.kind === 'num') return { kind: 'num', value: foldArith(op, left.value, right.value) };
    }
    return { kind: 'binary', op, left, right };
  }
}

/**
 * Parses a pcap-filter expression into its tree; null for an empty expression (which matches
 * every packet, as in tcpdump). Throws FilterProblem; compileFilter turns it into the user's message.
 */
export function parseTokens(expression: string): FilterNode | null {
  return new Parser(tokenize(expression)).parseProgram();
}
