import { describe, expect, it } from 'vitest';
import { ShadowdumpError } from '../../core/errors.js';
import type { ArithNode, FilterNode } from './ast.js';
import { compileFilter, filterExpression, parseFilter } from './index.js';

// Small constructors so that the tables below read like the expressions.
const either = 'src or dst' as const;
const host4 = (addr: string, dir: 'src' | 'dst' | 'src or dst' | 'src and dst' = either): FilterNode => ({ kind: 'ipv4', dir, addr, mask: '255.255.255.255' });
const net4 = (addr: string, mask: string, dir: 'src' | 'dst' | 'src or dst' | 'src and dst' = either): FilterNode => ({ kind: 'ipv4', dir, addr, mask });
const host6 = (addr: string, prefix = 128): FilterNode => ({ kind: 'ipv6', dir: either, addr, prefix });
const port = (from: number, proto: 'tcp' | 'udp' | 'sctp' | 'any' = 'any', dir: 'src' | 'dst' | 'src or dst' | 'src and dst' = either, to = from): FilterNode => ({
  kind: 'port',
  dir,
  proto,
  from,
  to,
});
const proto = (protocol: number, family: 4 | 6 | 'any' = 'any'): FilterNode => ({ kind: 'proto', family, protocol });
const TCP = proto(6);
const UDP = proto(17);
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
const not = (operand: FilterNode): FilterNode => ({ kind: 'not', operand });
const num = (value: number): ArithNode => ({ kind: 'num', value });
const LEN: ArithNode = { kind: 'len' };
const load = (base: 'link' | 'ip' | 'ip6' | 'tcp' | 'udp' | 'icmp' | 'icmp6', offset: ArithNode | number, size: 1 | 2 | 4 = 1): ArithNode => ({
  kind: 'load',
  base,
  offset: typeof offset === 'number' ? num(offset) : offset,
  size,
});
const bin = (op: '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>', left: ArithNode, right: ArithNode): ArithNode => ({ kind: 'binary', op, left, right });
const cmp = (op: '>' | '>=' | '=' | '!=' | '<' | '<=', left: ArithNode, right: ArithNode): FilterNode => ({ kind: 'compare', op, left, right });

describe('parseFilter: primitives', () => {
  it.each<[string, FilterNode]>([
    // host / net, with direction qualifiers
    ['host 10.0.0.1', host4('10.0.0.1')],
    ['src host 10.0.0.1', host4('10.0.0.1', 'src')],
    ['dst host 10.0.0.1', host4('10.0.0.1', 'dst')],
    ['src 10.0.0.1', host4('10.0.0.1', 'src')],
    ['dst 10.0.0.1', host4('10.0.0.1', 'dst')],
    ['src or dst host 10.0.0.1', host4('10.0.0.1', 'src or dst')],
    ['dst or src 10.0.0.1', host4('10.0.0.1', 'src or dst')],
    ['src and dst host 10.0.0.1', host4('10.0.0.1', 'src and dst')],
    ['dst and src 10.0.0.1', host4('10.0.0.1', 'src and dst')],
    ['ip host 10.0.0.1', host4('10.0.0.1')],
    ['ip src 10.0.0.1', host4('10.0.0.1', 'src')],
    ['host 001.002.003.004', host4('1.2.3.4')],
    // libpcap's short forms: a bare number is a 32-bit host, a short dotted address is a network
    ['host 10', host4('0.0.0.10')],
    ['host 10.1', net4('10.1.0.0', '255.255.0.0')],
    ['net 10', net4('10.0.0.0', '255.0.0.0')],
    ['net 10.1', net4('10.1.0.0', '255.255.0.0')],
    ['net 10.1.2', net4('10.1.2.0', '255.255.255.0')],
    ['net 172.16.0.0/12', net4('172.16.0.0', '255.240.0.0')],
    ['net 10.1/16', net4('10.1.0.0', '255.255.0.0')],
    ['net 0.0.0.0/0', net4('0.0.0.0', '0.0.0.0')],
    ['net 10.0.0.0 mask 255.0.0.0', net4('10.0.0.0', '255.0.0.0')],
    ['net 10.1.0.0 mask 255.255', net4('10.1.0.0', '255.255.0.0')],
    ['net 10.0.0.0 mask 255.0.0.1', net4('10.0.0.0', '255.0.0.1')],
    ['net 256', net4('1.0.0.0', '255.255.0.0')],
    ['src net 192.168', net4('192.168.0.0', '255.255.0.0', 'src')],
    ['ip net 10', net4('10.0.0.0', '255.0.0.0')],
    // IPv6, compressed forms
    ['host 2001:db8::1', host6('2001:db8::1')],
    ['host 2001:DB8:0:0:0:0:0:1', host6('2001:db8::1')],
    ['host ::1', host6('::1')],
    ['host ::', host6('::')],
    ['host fe80::217:f2ff:fed7:cf65', host6('fe80::217:f2ff:fed7:cf65')],
    ['host ::ffff:10.0.0.1', host6('::ffff:10.0.0.1')],
    ['ip6 host ::1', host6('::1')],
    ['net 2001:db8::/32', host6('2001:db8::', 32)],
    ['net ff02::/16', host6('ff02::', 16)],
    ['net ::/0', host6('::', 0)],
    ['dst net fe80::/10', { kind: 'ipv6', dir: 'dst', addr: 'fe80::', prefix: 10 }],
    // ports
    ['port 80', port(80)],
    ['port 0', port(0)],
    ['port 65535', port(65535)],
    ['port 010', port(8)],
    ['port 0x50', port(80)],
    ['src port 80', port(80, 'any', 'src')],
    ['dst port 80', port(80, 'any', 'dst')],
    ['tcp port 80', port(80, 'tcp')],
    ['udp dst port 53', port(53, 'udp', 'dst')],
    ['sctp port 9', port(9, 'sctp')],
    ['tcp src or dst port 80', port(80, 'tcp')],
    ['src and dst port 80', port(80, 'any', 'src and dst')],
    ['portrange 8000-8100', port(8000, 'any', either, 8100)],
    ['tcp portrange 90-80', port(80, 'tcp', either, 90)],
    ['dst portrange 1-1023', port(1, 'any', 'dst', 1023)],
    ['portrange 80', port(80)],
    ['port http', port(80, 'tcp')],
    ['port https', port(443)],
    ['port domain', port(53)],
    ['udp port domain', port(53, 'udp')],
    ['tcp port https', port(443, 'tcp')],
    ['portrange http-https', port(80, 'any', either, 443)],
    ['port (80)', port(80)],
    ['port ((80))', port(80)],
    // protocols
    ['ip', { kind: 'family', family: 4 }],
    ['ip6', { kind: 'family', family: 6 }],
    ['arp', { kind: 'ethertype', value: 0x0806 }],
    ['rarp', { kind: 'ethertype', value: 0x8035 }],
    ['tcp', TCP],
    ['udp', UDP],
    ['sctp', proto(132)],
    ['icmp', proto(1, 4)],
    ['icmp6', proto(58, 6)],
    ['igmp', proto(2, 4)],
    ['esp', proto(50)],
    ['ip proto 6', proto(6, 4)],
    ['ip6 proto 17', proto(17, 6)],
    ['proto 47', proto(47)],
    ['ip proto \\tcp', proto(6, 4)],
    ['ip6 proto \\udp', proto(17, 6)],
    ['proto \\icmp', proto(1)],
    ['ip proto gre', proto(47, 4)],
    ['ip6 proto ipv6-icmp', proto(58, 6)],
    ['ip6 proto 0', proto(0, 6)],
    // vlan, length
    ['vlan', { kind: 'vlan', id: null }],
    ['vlan 100', { kind: 'vlan', id: 100 }],
    ['vlan 0x10', { kind: 'vlan', id: 16 }],
    ['vlan (5)', { kind: 'vlan', id: 5 }],
    ['vlan 4095', { kind: 'vlan', id: 4095 }],
    ['less 100', { kind: 'length', op: '<=', value: 100 }],
    ['greater 1000', { kind: 'length', op: '>=', value: 1000 }],
  ])('%s', (expression, tree) => {
    expect(parseFilter(expression)).toEqual(tree);
  });
});

describe('parseFilter: operators and precedence', () => {
  const h1 = host4('10.0.0.1');
  const h2 = host4('10.0.0.2');
  it.each<[string, FilterNode]>([
    ['tcp and udp', and(TCP, UDP)],
    ['tcp && udp', and(TCP, UDP)],
    ['tcp or udp', or(TCP, UDP)],
    ['tcp || udp', or(TCP, UDP)],
    ['not tcp', not(TCP)],
    ['!tcp', not(TCP)],
    ['! ! tcp', not(not(TCP))],
    ['(tcp)', TCP],
    ['((tcp))', TCP],
    // and/or have the same precedence and group left to right; not binds tightest
    ['tcp or udp and port 53', and(or(TCP, UDP), port(53))],
    ['tcp and udp or icmp', or(and(TCP, UDP), proto(1, 4))],
    ['not tcp and udp', and(not(TCP), UDP)],
    ['tcp and not udp or ip6', or(and(TCP, not(UDP)), { kind: 'family', family: 6 })],
    ['tcp or (udp and port 53)', or(TCP, and(UDP, port(53)))],
    ['!tcp&&(udp||icmp)', and(not(TCP), or(UDP, proto(1, 4)))],
    ['not (tcp or udp)', not(or(TCP, UDP))],
    // qualifier inheritance: a lone id after and/or takes the qualifiers before it
    ['host 10.0.0.1 or 10.0.0.2', or(h1, h2)],
    ['host 10.0.0.1 and not 10.0.0.2', and(h1, not(h2))],
    ['host 10.0.0.1 or !10.0.0.2', or(h1, not(h2))],
    ['not host 10.0.0.1 or 10.0.0.2', or(not(h1), h2)],
    ['src host 10.0.0.1 or 10.0.0.2', or(host4('10.0.0.1', 'src'), host4('10.0.0.2', 'src'))],
    ['port 80 or 443', or(port(80), port(443))],
    ['port 80 or 443 or 8080', or(or(port(80), port(443)), port(8080))],
    ['tcp port 80 or 8080', or(port(80, 'tcp'), port(8080, 'tcp'))],
    ['tcp dst port 80 or 8080 and host 10.0.0.1', and(or(port(80, 'tcp', 'dst'), port(8080, 'tcp', 'dst')), h1)],
    ['src net 10 and 11', and(net4('10.0.0.0', '255.0.0.0', 'src'), net4('11.0.0.0', '255.0.0.0', 'src'))],
    ['net 10.0.0.0/8 or 192.168.0.0/16', or(net4('10.0.0.0', '255.0.0.0'), net4('192.168.0.0', '255.255.0.0'))],
    ['ip proto 6 or 17', or(proto(6, 4), proto(17, 4))],
    ['host ::1 or 2001:db8::1', or(host6('::1'), host6('2001:db8::1'))],
    ['host 10.0.0.1 or ::1', or(h1, host6('::1'))],
    ['udp port 53 or tcp port 80 or 443', or(or(port(53, 'udp'), port(80, 'tcp')), port(443, 'tcp'))],
    ['host 10.0.0.1 and port 80 or 443', or(and(h1, port(80)), port(443))],
    // parentheses around ids: `host (a or b)`, `port (80 or 443)`
    ['host (10.0.0.1 or 10.0.0.2)', or(h1, h2)],
    ['port (80 or 443)', or(port(80), port(443))],
    ['port ((80) or 443)', or(port(80), port(443))],
    ['port (80 or (443 or 8080))', or(port(80), or(port(443), port(8080)))],
    ['host (not 10.0.0.1 or 10.0.0.2)', or(not(h1), h2)],
    ['port 80 and not (443)', and(port(80), not(port(443)))],
    ['host 10.0.0.1 or (10.0.0.2 and ::1)', or(h1, and(h2, host6('::1')))],
    // after ( expr ), the qualifiers from before the parenthesis apply again
    ['host 10.0.0.1 and (tcp) or 10.0.0.2', or(and(h1, TCP), h2)],
    ['not not tcp', not(not(TCP))],
    ['vlan and tcp', and({ kind: 'vlan', id: null }, TCP)],
    ['vlan 100 and vlan 200', and({ kind: 'vlan', id: 100 }, { kind: 'vlan', id: 200 })],
  ])('%s', (expression, tree) => {
    expect(parseFilter(expression)).toEqual(tree);
  });
});

describe('parseFilter: comparisons (arithmetic as in grammar.y)', () => {
  it.each<[string, FilterNode]>([
    ['tcp[13] & 2 != 0', cmp('!=', bin('&', load('tcp', 13), num(2)), num(0))],
    ['tcp[tcpflags] & tcp-syn != 0', cmp('!=', bin('&', load('tcp', 13), num(2)), num(0))],
    ['tcp[tcpflags] & (tcp-syn|tcp-fin) != 0', cmp('!=', bin('&', load('tcp', 13), num(3)), num(0))],
    ['(tcp[13] & 2) != 0', cmp('!=', bin('&', load('tcp', 13), num(2)), num(0))],
    ['ip[2:2] > 100', cmp('>', load('ip', 2, 2), num(100))],
    ['ip6[6] = 6', cmp('=', load('ip6', 6), num(6))],
    ['ether[0] & 1 != 0', cmp('!=', bin('&', load('link', 0), num(1)), num(0))],
    ['icmp[icmptype] == icmp-echo', cmp('=', load('icmp', 0), num(8))],
    ['icmp6[icmp6type] = icmp6-neighborsolicit', cmp('=', load('icmp6', 0), num(135))],
    ['udp[4:2] >= 8', cmp('>=', load('udp', 4, 2), num(8))],
    ['len <= 100', cmp('<=', LEN, num(100))],
    ['length < 100', cmp('<', LEN, num(100))],
    ['100 > len', cmp('>', num(100), LEN)],
    ['(len) = 60', cmp('=', LEN, num(60))],
    ['len = (60)', cmp('=', LEN, num(60))],
    ['tcp[len - 1] = 0', cmp('=', load('tcp', bin('-', LEN, num(1))), num(0))],
    [
      'tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420',
      cmp('=', load('tcp', bin('>>', bin('&', load('tcp', 12), num(0xf0)), num(2)), 4), num(0x47455420)),
    ],
    ['port 80 and len > 100', and(port(80), cmp('>', LEN, num(100)))],
    ['port 80 or 443 > len', or(port(80), cmp('>', num(443), LEN))],
    ['host 10.0.0.1 or (80 = len)', or(host4('10.0.0.1'), cmp('=', num(80), LEN))],
    ['len - 14 > 0', cmp('>', bin('-', LEN, num(14)), num(0))],
    ['len * 2 + 1 > 0', cmp('>', bin('+', bin('*', LEN, num(2)), num(1)), num(0))],
    ['len + 2 * 1 > 0', cmp('>', bin('+', LEN, num(2)), num(0))],
    ['-len = 1', cmp('=', { kind: 'neg', operand: LEN }, num(1))],
  ])('%s', (expression, tree) => {
    expect(parseFilter(expression)).toEqual(tree);
  });

  // Constants are folded as the BPF optimizer does; the values were checked with `tcpdump -d`.
  // '%' and '^' have no precedence in grammar.y, so they take everything to their right.
  it.each<[string, number]>([
    ['2 % 3 + 1', 2],
    ['1 + 5 % 3', 3],
    ['2 ^ 3 + 1', 6],
    ['1 + 2 ^ 3', 2],
    ['6 ^ 3 & 1', 7],
    ['1 & 3 ^ 6', 1],
    ['6 ^ 3 | 1', 5],
    ['1 | 3 ^ 6', 5],
    ['2 * 3 % 4', 6],
    ['10 % 4 * 3', 10],
    ['10 - 2 - 3', 5],
    ['1 << 2 + 1', 8],
    ['2 ^ 3 ^ 1', 0],
    ['-1', 0xffffffff],
    ['1 - -1', 2],
    ['0 - 1', 0xffffffff],
    ['7 / 2', 3],
    ['1 << 31', 0x80000000],
    ['0xffffffff + 1', 0],
    ['0x10000 * 0x10000', 0],
    ['8 >> 3', 1],
  ])('len = %s folds to %i', (arith, value) => {
    expect(parseFilter(`len = ${arith}`)).toEqual(cmp('=', LEN, num(value)));
  });
});

describe('parseFilter: input forms', () => {
  it('treats an empty expression as "every packet"', () => {
    expect(parseFilter('')).toBeNull();
    expect(parseFilter('  \t ')).toBeNull();
    expect(parseFilter([])).toBeNull();
    expect(compileFilter('')({} as never)).toBe(true);
  });

  it('joins CLI words with spaces, as tcpdump does', () => {
    expect(filterExpression(['tcp', 'port', '80', 'or', '443'])).toBe('tcp port 80 or 443');
    expect(parseFilter(['tcp', 'port', '80', 'or', '443'])).toEqual(parseFilter('tcp port 80 or 443'));
    expect(parseFilter(['tcp and', 'port 80'])).toEqual(parseFilter('tcp and port 80'));
  });

  it('accepts any whitespace and no whitespace around operators', () => {
    expect(parseFilter('\ttcp\n and\r\nport 80 ')).toEqual(and(TCP, port(80)));
    expect(parseFilter('(tcp)and(port 80)')).toEqual(and(TCP, port(80)));
    expect(parseFilter('tcp[13]&2!=0')).toEqual(cmp('!=', bin('&', load('tcp', 13), num(2)), num(0)));
  });
});

describe('parseFilter: errors', () => {
  const message = (expression: string | string[]): string => {
    try {
      parseFilter(expression);
    } catch (err) {
      expect(err).toBeInstanceOf(ShadowdumpError);
      expect((err as ShadowdumpError).code).toBe('bad-filter');
      expect((err as ShadowdumpError).exitCode).toBe(2);
      return (err as Error).message;
    }
    throw new Error(`no error for ${JSON.stringify(expression)}`);
  };
  const bad = (problem: string, expression: string): string => `bad filter expression: ${problem} in "${expression}" (see man 7 pcap-filter)`;

  it.each<[string, string]>([
    // syntax
    ['tcp and prot 80', 'unexpected "prot" at word 3'],
    ['tcp port', 'unexpected end of expression after "port" at word 2'],
    ['tcp and', 'unexpected end of expression after "and" at word 2'],
    ['not', 'unexpected end of expression after "not" at word 1'],
    ['host', 'unexpected end of expression after "host" at word 1'],
    ['src', 'unexpected end of expression after "src" at word 1'],
    ['(tcp or udp', 'missing ")" to close the "(" at word 1'],
    ['port 80 and (tcp or (udp and icmp)', 'missing ")" to close the "(" at word 4'],
    ['host (10.0.0.1 or 10.0.0.2', 'missing ")" to close the "(" at word 2'],
    ['tcp)', 'unexpected ")" at word 1'],
    ['tcp udp', 'unexpected "udp" at word 2'],
    ['port 80 443', 'unexpected "443" at word 3'],
    ['host 10.0.0.1 10.0.0.2', 'unexpected "10.0.0.2" at word 3'],
    ['TCP', 'unexpected "TCP" at word 1'],
    ['src tcp port 80', 'unexpected "tcp" at word 2'],
    ['src proto 6', 'unexpected "proto" at word 2'],
    ['()', 'unexpected ")" at word 1'],
    ['tcp and ()', 'unexpected ")" at word 3'],
    ['ip proto tcp', 'unexpected "tcp" at word 3'],
    ['portrange 80 - 90', 'unexpected "-" at word 3'],
    ['port ((80 or 443))', 'unexpected "or" at word 3'],
    ['less (100)', 'unexpected "(" at word 2'],
    ['ip[0]', 'unexpected end of expression after "]" at word 1'],
    ['tcp[13] & 2 !=', 'unexpected end of expression after "!=" at word 4'],
    ['tcp and $x', 'unexpected character "$" at word 3'],
    ['host 10.0.0.1 and #', 'unexpected character "#" at word 4'],
    // an id with nothing to say what it is (libpcap: "syntax error")
    ['80', 'unexpected "80" at word 1 (write host, net or port before it)'],
    ['10.0.0.1', 'unexpected "10.0.0.1" at word 1 (write host, net or port before it)'],
    ['80 and tcp', 'unexpected "80" at word 1 (write host, net or port before it)'],
    ['tcp and 80', 'unexpected "80" at word 3 (write host, net or port before it)'],
    ['tcp or 80', 'unexpected "80" at word 3 (write host, net or port before it)'],
    ['(port 80) or 443', 'unexpected "443" at word 4 (write host, net or port before it)'],
    ['port 80 and (tcp or 443)', 'unexpected "443" at word 6 (write host, net or port before it)'],
    ['vlan 5 or 6', 'unexpected "6" at word 4 (write host, net or port before it)'],
    ['less 100 or 200', 'unexpected "200" at word 4 (write host, net or port before it)'],
    ['tcp[13] = 2 or 3', 'unexpected "3" at word 5 (write host, net or port before it)'],
    ['(10.0.0.1)', 'unexpected "10.0.0.1" at word 1 (write host, net or port before it)'],
    // hosts and names
    ['host foo', 'hostname lookup is not supported: use an IP address instead of "foo" at word 2'],
    ['host www.example.com', 'hostname lookup is not supported: use an IP address instead of "www.example.com" at word 2'],
    ['host 10.0.0.1 or foo', 'hostname lookup is not supported: use an IP address instead of "foo" at word 4'],
    ['src example', 'hostname lookup is not supported: use an IP address instead of "example" at word 2'],
    ['host 1.2.3.4.5', 'hostname lookup is not supported: use an IP address instead of "1.2.3.4.5" at word 2'],
    ['net loopback', 'network names are not supported: use a number such as 10 or 10.1 instead of "loopback" at word 2'],
    // addresses and masks
    ['host 1.2.3.256', 'bad IPv4 address "1.2.3.256" at word 2'],
    ['host 0x0a.1.2.3', 'bad IPv4 address "0x0a.1.2.3" at word 2'],
    ['net 10.0.0.0 mask 255.256.0.0', 'bad IPv4 address "255.256.0.0" at word 4'],
    ['net 10.0.0.0/33', 'mask length 33 at word 2 is out of range (0-32)'],
    ['net 10.0.0.1/8', 'non-network bits set in "10.0.0.1/8" at word 2'],
    ['net 10.0.0.0/0', 'non-network bits set in "10.0.0.0/0" at word 2'],
    ['net 10.0.0.1 mask 255.0.0.0', 'non-network bits set in "10.0.0.1 mask 255.0.0.0" at word 2'],
    ['host 10.0.0.0/8', '"10.0.0.0/8" at word 2 has a mask, which only "net" takes (write "net 10.0.0.0/8")'],
    ['src 10.0.0.0/8', '"10.0.0.0/8" at word 2 has a mask, which only "net" takes (write "net 10.0.0.0/8")'],
    ['host 10.0.0.0 mask 255.0.0.0', '"10.0.0.0 mask 255.0.0.0" at word 2 has a mask, which only "net" takes (write "net 10.0.0.0 mask 255.0.0.0")'],
    ['net 10 mask 255', 'unexpected "mask" at word 3'],
    ['net 10.0.0.0 mask 255.0.0.0/8', 'unexpected "/" at word 4'],
    ['net 2001:db8::/129', 'mask length 129 at word 2 is out of range (0-128)'],
    ['net ::1/64', 'non-network bits set in "::1/64" at word 2'],
    ['host 2001:db8::/32', '"2001:db8::/32" at word 2 has a mask, which only "net" takes (write "net 2001:db8::/32")'],
    ['host 1::2::3', 'bad IPv6 address "1::2::3" at word 2'],
    ['host 1:2:3:4:5:6:7:8:9', 'bad IPv6 address "1:2:3:4:5:6:7:8:9" at word 2'],
    ['host fe80::1x', 'bad IPv6 address "fe80::1x" at word 2'],
    ['host 00:11:22:33:44:55', "Ethernet (MAC) address 00:11:22:33:44:55 at word 2 is not supported by shadowdump's offline filter"],
    // qualifiers that do not fit
    ['tcp host 1.2.3.4', "'tcp' modifier applied to host 1.2.3.4 at word 3"],
    ['udp net 10', "'udp' modifier applied to net 10 at word 3"],
    ['ip6 host 1.2.3.4', "'ip6' modifier applied to ip host 1.2.3.4 at word 3"],
    ['ip host ::1', "'ip' modifier applied to ip6 host ::1 at word 3"],
    ['tcp host ::1', "'tcp' modifier applied to ip6 host ::1 at word 3"],
    ['port ::1', "'port' modifier applied to ip6 address ::1 at word 2"],
    ['port 10.0.0.1', "'port' modifier applied to ip host 10.0.0.1 at word 2"],
    ['portrange 10.0.0.1', "'portrange' modifier applied to ip host 10.0.0.1 at word 2"],
    ['proto 10.0.0.1', "'proto' modifier applied to ip host 10.0.0.1 at word 2"],
    ['ip port 80', "'ip' modifier applied to port 80 at word 3 (only tcp, udp or sctp can be)"],
    ['icmp portrange 1-2', "'icmp' modifier applied to portrange 1-2 at word 3 (only tcp, udp or sctp can be)"],
    ['tcp proto 6', "'tcp proto' at word 3 is not valid: only ip, ip6 or no qualifier go with proto"],
    ['arp proto 6', 'arp does not encapsulate another protocol at word 3'],
    ['arp host 10.0.0.1', "'arp host' at word 3 is not supported by shadowdump's offline filter (ARP packets are not decoded)"],
    // numbers out of range
    ['port 65536', 'port 65536 at word 2 is out of range (0-65535)'],
    ['port 70000 or 80', 'port 70000 at word 2 is out of range (0-65535)'],
    ['port 80 or 70000', 'port 70000 at word 4 is out of range (0-65535)'],
    ['portrange 1-65536', 'port 65536 at word 2 is out of range (0-65535)'],
    ['ip proto 256', 'protocol number 256 at word 3 is out of range (0-255)'],
    ['vlan 4096', 'VLAN id 4096 at word 2 is out of range (0-4095)'],
    ['port 4294967296', 'number 4294967296 at word 2 does not fit in 32 bits'],
    ['port 089', 'number 089 at word 2 contains a non-octal digit (a leading 0 means octal)'],
    // names
    ['port foo', 'unknown port name "foo" at word 2 (use a number; names known: http, www, https, domain, ssh, http-alt)'],
    ['port 80-90', 'unknown port name "80-90" at word 2 (use portrange for a range)'],
    ['udp port http', 'port "http" at word 3 is tcp, not udp'],
    ['portrange foo', 'bad port range "foo" at word 2 (write it as 8000-8100)'],
    ['portrange http-foo', 'unknown port name "foo" at word 2 (use a number; names known: http, www, https, domain, ssh, http-alt)'],
    ['ip proto \\foo', 'unknown protocol name "foo" at word 3 (use a number)'],
    ['proto \\icmp6', 'unknown protocol name "icmp6" at word 2 (use a number)'],
    // arithmetic
    ['ip[0:3] = 1', 'load size 3 at word 1 must be 1, 2 or 4'],
    ['len = 5 / 0', 'division by zero at word 4'],
    ['len = 5 / (2 - 2)', 'division by zero at word 4'],
    ['len = len % 0', 'modulus by zero at word 4'],
    ['len = 7 % 4 % 2', 'modulus by zero at word 4'],
    ['len = 1 << 32', 'shift by more than 31 bits at word 4'],
    ['len = len >> (40 - 1)', 'shift by more than 31 bits at word 4'],
    ['arp[0] = 1', "arp[...] at word 1 is not supported by shadowdump's offline filter"],
    ['ah[0] = 1', "ah[...] at word 1 is not supported by shadowdump's offline filter"],
    // libpcap keywords shadowdump does not implement
    ['gateway 10.0.0.1', `"gateway" at word 1 is not supported by shadowdump's offline filter`],
    ['ether broadcast', `"broadcast" at word 2 is not supported by shadowdump's offline filter`],
    ['tcp and inbound', `"inbound" at word 3 is not supported by shadowdump's offline filter`],
    ['ip6 protochain 6', `"protochain" at word 2 is not supported by shadowdump's offline filter`],
    ['mpls and tcp', `"mpls" at word 1 is not supported by shadowdump's offline filter`],
    ['ether', `"ether" at word 1 on its own is not supported by shadowdump's offline filter (only ether[...] loads are)`],
    ['ether host 1.2.3.4', 'link-layer modifier applied to host 1.2.3.4 at word 3'],
    ['ether proto 0x800', "'ether proto' at word 3 is not supported by shadowdump's offline filter"],
  ])('%s', (expression, problem) => {
    expect(message(expression)).toBe(bad(problem, expression));
  });

  it('numbers words in the joined expression', () => {
    expect(message(['tcp', 'and', 'prot', '80'])).toBe(bad('unexpected "prot" at word 3', 'tcp and prot 80'));
    expect(message(['(tcp or udp) and', 'prot 80'])).toBe(bad('unexpected "prot" at word 5', '(tcp or udp) and prot 80'));
  });

  it('is one line even when the expression spans lines', () => {
    expect(message('tcp and\nprot\t80')).toBe(bad('unexpected "prot" at word 3', 'tcp and prot 80'));
  });
});
