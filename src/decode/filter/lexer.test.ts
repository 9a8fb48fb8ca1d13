import { describe, expect, it } from 'vitest';
import { FilterProblem } from './errors.js';
import { tokenize } from './lexer.js';

const types = (expression: string): string[] => tokenize(expression).map((t) => (t.type === 'num' ? `num:${t.value}` : t.type === 'id' ? `id:${t.name}` : t.type));

describe('tokenize (as libpcap scanner.l splits)', () => {
  it.each<[string, string[]]>([
    ['tcp and port 80', ['tcp', 'and', 'port', 'num:80', 'end']],
    ['tcp&&!udp||icmp', ['tcp', 'and', 'not', 'udp', 'or', 'icmp', 'end']],
    ['length len', ['len', 'len', 'end']],
    ['ether ppp slip link', ['link', 'link', 'link', 'link', 'end']],
    // numbers: decimal, hex, octal; named constants are numbers
    ['port 010 0x1F 0X1f 0', ['port', 'num:8', 'num:31', 'num:31', 'num:0', 'end']],
    ['tcpflags tcp-syn tcp-ack icmp-echo icmp6-echoreply', ['num:13', 'num:2', 'num:16', 'num:8', 'num:129', 'end']],
    // dotted and colon forms
    ['host 10.1', ['host', 'hid', 'end']],
    ['host 10.0.0.1/8', ['host', 'hid', '/', 'num:8', 'end']],
    ['host ::1 fe80::1 2001:db8::/32', ['host', 'hid6', 'hid6', 'hid6', '/', 'num:32', 'end']],
    ['host ::ffff:10.0.0.1', ['host', 'hid6', 'end']],
    ['ip[2:2]', ['ip', '[', 'num:2', ':', 'num:2', ']', 'end']],
    ['ether[0x0c:2]', ['link', '[', 'num:12', ':', 'num:2', ']', 'end']],
    // words: a longer word wins over a keyword or a number, '-' joins words
    ['portrange 80-90', ['portrange', 'id:80-90', 'end']],
    ['hosts tcp-foo 1.2.3.4.5 0x1g', ['id:hosts', 'id:tcp-foo', 'id:1.2.3.4.5', 'id:0x1g', 'end']],
    ['80-', ['num:80', '-', 'end']],
    ['TCP', ['id:TCP', 'end']],
    // a backslash makes a keyword a name
    ['ip proto \\tcp', ['ip', 'proto', 'id:tcp', 'end']],
    // operators
    ['len >= 1 <= 2 != 3 == 4 = 5 < 6 > 7', ['len', '>=', 'num:1', '<=', 'num:2', '!=', 'num:3', '=', 'num:4', '=', 'num:5', '<', 'num:6', '>', 'num:7', 'end']],
    ['1<<2>>3+4 -5*6/7%8&9|10^11', ['num:1', '<<', 'num:2', '>>', 'num:3', '+', 'num:4', '-', 'num:5', '*', 'num:6', '/', 'num:7', '%', 'num:8', '&', 'num:9', '|', 'num:10', '^', 'num:11', 'end']],
    // "4-5" is one word (a port range), as in libpcap
    ['len = 4-5', ['len', '=', 'id:4-5', 'end']],
    ['gateway broadcast', ['unsupported', 'unsupported', 'end']],
  ])('%s', (expression, expected) => {
    expect(types(expression)).toEqual(expected);
  });

  it('numbers each token by its whitespace-separated word', () => {
    expect(tokenize('(tcp or  udp)\tand prot 80').map((t) => `${t.text}@${t.word}`)).toEqual([
      '(@1',
      'tcp@1',
      'or@2',
      'udp@3',
      ')@3',
      'and@4',
      'prot@5',
      '80@6',
      '@6',
    ]);
  });

  it.each<[string, string]>([
    ['port 4294967296', 'number 4294967296 at word 2 does not fit in 32 bits'],
    ['port 0x100000000', 'number 0x100000000 at word 2 does not fit in 32 bits'],
    ['port 019', 'number 019 at word 2 contains a non-octal digit (a leading 0 means octal)'],
    ['host 1::2::3', 'bad IPv6 address "1::2::3" at word 2'],
    ['host 00:1b:21:3a:4f:5c', "Ethernet (MAC) address 00:1b:21:3a:4f:5c at word 2 is not supported by shadowdump's offline filter"],
    ['ether host 00-1b-21-3a-4f-5c', "Ethernet (MAC) address 00-1b-21-3a-4f-5c at word 3 is not supported by shadowdump's offline filter"],
    ['tcp and {', 'unexpected character "{" at word 3'],
    ['\\', 'unexpected "\\" at word 1'],
  ])('rejects %s', (expression, problem) => {
    let thrown: unknown = null;
    try {
      tokenize(expression);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(FilterProblem);
    expect((thrown as FilterProblem).problem).toBe(problem);
    expect((thrown as FilterProblem).fatal).toBe(true);
  });
});
