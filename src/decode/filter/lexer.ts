import { isIPv6 } from 'node:net';
import { FilterProblem, placeWord } from './errors.js';

/**
 * Tokens of a pcap-filter expression, split the way libpcap's scanner (scanner.l, libpcap
 * 1.10) splits them: keywords are case-sensitive whole words, numbers are decimal, 0x hex or
 * 0-prefixed octal, `10.1` and `10.0.0.1` are (possibly short) IPv4 addresses, anything with
 * two or more colons is an IPv6 address, and `\word` is a name even when it is a keyword
 * (`ip proto \tcp`).
 */
export type TokenType =
  /** A number (value set); the tcp/icmp named constants such as `tcp-syn` are numbers too. */
  | 'num'
  /** Dotted IPv4 address with 2 to 4 parts (`10.1`, `192.168.0.1`). */
  | 'hid'
  /** IPv6 address (validated). */
  | 'hid6'
  /** Any other word: a host, port or protocol name (`http`, `80-90`, `\tcp`). */
  | 'id'
  | 'end'
  | Keyword
  | Operator;

export type Operator =
  | '(' | ')' | '[' | ']' | ':' | '/'
  | '+' | '-' | '*' | '%' | '&' | '|' | '^' | '<<' | '>>'
  | '>' | '>=' | '=' | '!=' | '<' | '<=';

export interface Token {
  readonly type: TokenType;
  /** The characters as written. */
  readonly text: string;
  /** For num: the value. */
  readonly value: number;
  /** For id: the name (without the escaping backslash). */
  readonly name: string;
  /** Character offset in the expression. */
  readonly start: number;
  /** 1-based whitespace-separated word of the expression the token starts in (for messages). */
  readonly word: number;
}

/** Keywords that shadowdump's filter understands, with their aliases mapped to one spelling. */
const SUPPORTED_KEYWORDS = {
  and: 'and',
  or: 'or',
  not: 'not',
  src: 'src',
  dst: 'dst',
  host: 'host',
  net: 'net',
  mask: 'mask',
  port: 'port',
  portrange: 'portrange',
  proto: 'proto',
  less: 'less',
  greater: 'greater',
  len: 'len',
  length: 'len',
  vlan: 'vlan',
  ip: 'ip',
  ip6: 'ip6',
  arp: 'arp',
  rarp: 'rarp',
  tcp: 'tcp',
  udp: 'udp',
  sctp: 'sctp',
  icmp: 'icmp',
  icmp6: 'icmp6',
  igmp: 'igmp',
  igrp: 'igrp',
  pim: 'pim',
  vrrp: 'vrrp',
  carp: 'carp',
  ah: 'ah',
  esp: 'esp',
  link: 'link',
  ether: 'link',
  ppp: 'link',
  slip: 'link',
  fddi: 'link',
  tr: 'link',
  wlan: 'link',
} as const;

export type Keyword = (typeof SUPPORTED_KEYWORDS)[keyof typeof SUPPORTED_KEYWORDS] | 'unsupported';

/**
 * libpcap keywords shadowdump does not implement. They stay keywords (so `host type` is an
 * error here as it is in libpcap) and are reported as unsupported rather than unknown.
 */
const UNSUPPORTED_KEYWORDS = new Set(
  (
    'gateway protochain broadcast multicast byte inbound outbound ifindex mpls pppoed pppoes geneve ' +
    'atalk aarp decnet lat sca moprc mopdl iso esis es-is isis is-is l1 l2 iih lsp snp csnp psnp clnp ' +
    'stp ipx netbeui radio lane llc metac bcc oam oamf4 oamf4ec oamf4sc sc ilmic vpi vci connectmsg ' +
    'metaconnect on ifname rset ruleset rnr rulenum srnr subrulenum reason action fisu lssu lsu msu ' +
    'hfisu hlssu hmsu sio opc dpc sls hsio hopc hdpc hsls type subtype direction dir address1 addr1 ' +
    'address2 addr2 address3 addr3 address4 addr4 ra ta'
  ).split(' '),
);

/** Named constants of scanner.l (offsets and values for tcp[], icmp[] and icmp6[] tests). */
const CONSTANTS: Readonly<Record<string, number>> = {
  icmptype: 0,
  icmpcode: 1,
  'icmp-echoreply': 0,
  'icmp-unreach': 3,
  'icmp-sourcequench': 4,
  'icmp-redirect': 5,
  'icmp-echo': 8,
  'icmp-routeradvert': 9,
  'icmp-routersolicit': 10,
  'icmp-timxceed': 11,
  'icmp-paramprob': 12,
  'icmp-tstamp': 13,
  'icmp-tstampreply': 14,
  'icmp-ireq': 15,
  'icmp-ireqreply': 16,
  'icmp-maskreq': 17,
  'icmp-maskreply': 18,
  icmp6type: 0,
  icmp6code: 1,
  'icmp6-destinationunreach': 1,
  'icmp6-packettoobig': 2,
  'icmp6-timeexceeded': 3,
  'icmp6-parameterproblem': 4,
  'icmp6-echo': 128,
  'icmp6-echoreply': 129,
  'icmp6-multicastlistenerquery': 130,
  'icmp6-multicastlistenerreportv1': 131,
  'icmp6-multicastlistenerdone': 132,
  'icmp6-routersolicit': 133,
  'icmp6-routeradvert': 134,
  'icmp6-neighborsolicit': 135,
  'icmp6-neighboradvert': 136,
  'icmp6-redirect': 137,
  'icmp6-routerrenum': 138,
  'icmp6-nodeinformationquery': 139,
  'icmp6-nodeinformationresponse': 140,
  'icmp6-ineighbordiscoverysolicit': 141,
  'icmp6-ineighbordiscoveryadvert': 142,
  'icmp6-multicastlistenerreportv2': 143,
  'icmp6-homeagentdiscoveryrequest': 144,
  'icmp6-homeagentdiscoveryreply': 145,
  'icmp6-mobileprefixsolicit': 146,
  'icmp6-mobileprefixadvert': 147,
  'icmp6-certpathsolicit': 148,
  'icmp6-certpathadvert': 149,
  'icmp6-multicastrouteradvert': 151,
  'icmp6-multicastroutersolicit': 152,
  'icmp6-multicastrouterterm': 153,
  tcpflags: 13,
  'tcp-fin': 0x01,
  'tcp-syn': 0x02,
  'tcp-rst': 0x04,
  'tcp-push': 0x08,
  'tcp-ack': 0x10,
  'tcp-urg': 0x20,
  'tcp-ece': 0x40,
  'tcp-cwr': 0x80,
};

const TWO_CHAR_OPERATORS: Readonly<Record<string, TokenType>> = {
  '&&': 'and',
  '||': 'or',
  '>=': '>=',
  '<=': '<=',
  '!=': '!=',
  '==': '=',
  '<<': '<<',
  '>>': '>>',
};

const ONE_CHAR_OPERATORS: Readonly<Record<string, TokenType>> = {
  '!': 'not',
  '(': '(',
  ')': ')',
  '[': '[',
  ']': ']',
  ':': ':',
  '/': '/',
  '+': '+',
  '-': '-',
  '*': '*',
  '%': '%',
  '&': '&',
  '|': '|',
  '^': '^',
  '>': '>',
  '<': '<',
  '=': '=',
};

const WHITESPACE = /[ \t\r\n]/;
/** A word: libpcap's ID pattern [A-Za-z0-9]([-_.A-Za-z0-9]*[.A-Za-z0-9])? (longest match). */
const WORD = /[A-Za-z0-9](?:[-_.A-Za-z0-9]*[.A-Za-z0-9])?/y;
/** Characters an IPv6 address is made of; a run with two or more colons is taken as one. */
const V6_RUN = /[0-9A-Fa-f:.]+/y;
const WORD_CHAR = /[-_A-Za-z0-9]/;
/** `\name`: a name even if it is a keyword. */
const ESCAPED = /\\[^ !()\n\t]+/y;
const DECIMAL = /^[0-9]+$/;
const HEX = /^0[xX][0-9A-Fa-f]+$/;
const NUMBER_PART = '(?:[0-9]+|0[xX][0-9A-Fa-f]+)';
const HID = new RegExp(`^${NUMBER_PART}(?:\\.${NUMBER_PART}){1,3}$`);
const MAC = /^(?:[0-9A-Fa-f]{1,2}([-:.])[0-9A-Fa-f]{1,2}(?:\1[0-9A-Fa-f]{1,2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}|[0-9A-Fa-f]{12})$/;

/** Word numbers: for each character offset, the 1-based whitespace-separated word it belongs to. */
function wordNumbers(expression: string): number[] {
  const words = new Array<number>(expression.length + 1);
  let word = 0;
  let inWord = false;
  for (let i = 0; i < expression.length; i++) {
    const space = WHITESPACE.test(expression[i]);
    if (!space && !inWord) word++;
    inWord = !space;
    words[i] = Math.max(word, 1);
  }
  words[expression.length] = Math.max(word, 1);
  return words;
}

/** Parses a NUM the way scanner.l's stou() does: 0x hex, leading-0 octal, else decimal; 32 bits at most. */
function parseNumber(text: string, problem: (what: string) => FilterProblem): number {
  let value: number;
  if (HEX.test(text)) value = parseInt(text.slice(2), 16);
  else if (text.length > 1 && text[0] === '0') {
    if (!/^[0-7]+$/.test(text)) throw problem(`number ${text} {at} contains a non-octal digit (a leading 0 means octal)`);
    value = parseInt(text, 8);
  } else value = parseInt(text, 10);
  if (value > 0xffffffff) throw problem(`number ${text} {at} does not fit in 32 bits`);
  return value;
}

export function tokenize(expression: string): Token[] {
  const words = wordNumbers(expression);
  const tokens: Token[] = [];
  const push = (type: TokenType, text: string, start: number, value = 0, name = ''): void => {
    tokens.push({ type, text, value, name, start, word: words[start] });
  };
  let pos = 0;
  while (pos < expression.length) {
    const c = expression[pos];
    if (WHITESPACE.test(c)) {
      pos++;
      continue;
    }
    const start = pos;
    const problem = (what: string): FilterProblem => new FilterProblem(placeWord(what, words[start]), tokens.length, true);

    // IPv6 first: "::1" must not become ':' ':' '1', but ip[2:2] has a single colon.
    V6_RUN.lastIndex = pos;
    const v6 = V6_RUN.exec(expression);
    if (v6 && (v6[0].match(/:/g)?.length ?? 0) >= 2) {
      let text = v6[0];
      const end = pos + text.length;
      if (end < expression.length && WORD_CHAR.test(expression[end])) {
        WORD.lastIndex = end;
        text += WORD.exec(expression)?.[0] ?? expression[end];
      }
      if (!isIPv6(text)) {
        throw problem(MAC.test(text) ? `Ethernet (MAC) address ${text} {at} is not supported by shadowdump's offline filter` : `bad IPv6 address "${text}"`);
      }
      push('hid6', text, start);
      pos += text.length;
      continue;
    }

    if (c === '\\') {
      ESCAPED.lastIndex = pos;
      const m = ESCAPED.exec(expression);
      if (!m) throw problem(`unexpected "\\"`);
      const text = m[0];
      push('id', text, start, 0, text.slice(1));
      pos += text.length;
      continue;
    }

    WORD.lastIndex = pos;
    const word = WORD.exec(expression);
    if (word) {
      const text = word[0];
      pos += text.length;
      if (DECIMAL.test(text) || HEX.test(text)) push('num', text, start, parseNumber(text, problem));
      else if (HID.test(text)) push('hid', text, start);
      else if (Object.hasOwn(SUPPORTED_KEYWORDS, text)) push(SUPPORTED_KEYWORDS[text as keyof typeof SUPPORTED_KEYWORDS], text, start);
      else if (UNSUPPORTED_KEYWORDS.has(text)) push('unsupported', text, start);
      else if (Object.hasOwn(CONSTANTS, text)) push('num', text, start, CONSTANTS[text]);
      else if (MAC.test(text)) throw problem(`Ethernet (MAC) address ${text} {at} is not supported by shadowdump's offline filter`);
      else push('id', text, start, 0, text);
      continue;
    }

    const two = expression.slice(pos, pos + 2);
    if (Object.hasOwn(TWO_CHAR_OPERATORS, two)) {
      push(TWO_CHAR_OPERATORS[two], two, start);
      pos += 2;
      continue;
    }
    if (Object.hasOwn(ONE_CHAR_OPERATORS, c)) {
      push(ONE_CHAR_OPERATORS[c], c, start);
      pos++;
      continue;
    }
    throw problem(`unexpected character "${c}"`);
  }
  tokens.push({ type: 'end', text: '', value: 0, name: '', start: expression.length, word: words[expression.length] });
  return tokens;
}
