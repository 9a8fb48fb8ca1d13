import { describe, expect, it } from 'vitest';
import { openError, readError } from './live-errors.js';

describe('live capture errors', () => {
  const cases: Array<[string, Parameters<typeof openError>[2], string, string]> = [
    ['not permitted', { stage: 'activate', status: -8, message: 'socket: Operation not permitted' }, 'capture-permission', 'capture on eth0 needs root or CAP_NET_RAW and CAP_NET_ADMIN: run with sudo (socket: Operation not permitted)'],
    ['no such device', { stage: 'activate', status: -5, message: 'No such device exists' }, 'no-such-interface', 'no such interface eth0: list the interfaces with shadowdump -D'],
    ['down', { stage: 'activate', status: -9, message: 'That device is not up' }, 'no-such-interface', 'interface eth0 is down: bring it up (ip link set eth0 up) or pick another with shadowdump -D'],
    ['a bad filter', { stage: 'filter', status: -1, message: "can't parse filter expression: syntax error" }, 'bad-filter', 'bad filter expression: syntax error in "tcp port" (see man 7 pcap-filter)'],
    ['anything else', { stage: 'activate', status: -1, message: 'something\nodd' }, 'capture-failed', 'cannot capture on eth0: something odd'],
  ];
  for (const [name, failure, code, message] of cases) {
    it(name, () => {
      const err = openError('eth0', 'tcp port', failure);
      expect([err.code, err.message]).toEqual([code, message]);
    });
  }

  it('a bad filter is a usage error (exit 2); the others exit 1', () => {
    expect(openError('eth0', 'x', { stage: 'filter', message: 'syntax error' }).exitCode).toBe(2);
    expect(openError('eth0', '', { stage: 'activate', status: -8, message: 'x' }).exitCode).toBe(1);
  });

  it('a capture that stops on its own', () => {
    expect(readError('eth0', 'The interface went down').message).toBe('capture on eth0 stopped: The interface went down (was the interface removed or taken down?)');
  });
});
