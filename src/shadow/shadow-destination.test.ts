import { describe, expect, it } from 'vitest';
import { ShadowdumpError } from '../core/errors.js';
import type { Exchange } from '../http/types.js';
import { hostName, matchesDestination, parseShadowDestination } from './shadow-destination.js';

function ex(server: { ip: string; port: number }, host: string | null): Exchange {
  const body = { wireBytes: 0, data: Buffer.alloc(0), truncated: false, contentEncoding: null, decoded: null, decodeProblem: null };
  return {
    connectionId: 1,
    index: 0,
    client: { ip: '10.0.0.1', port: 40000 },
    server,
    request: { method: 'GET', target: '/', version: '1.1', host, headers: [], body },
    response: null,
    timing: { requestStart: 0, requestEnd: 0, responseStart: null, responseEnd: null },
    requestBytes: 0,
    responseBytes: 0,
    complete: true,
    anomalies: [],
  };
}

describe('parseShadowDestination', () => {
  it.each([
    ['reviews-v2', { kind: 'host', host: 'reviews-v2', port: null }],
    ['Reviews-V2.default.svc.cluster.local', { kind: 'host', host: 'reviews-v2.default.svc.cluster.local', port: null }],
    ['reviews-v2:9080', { kind: 'host', host: 'reviews-v2', port: 9080 }],
    ['1.2.3.4', { kind: 'ip', ip: '1.2.3.4', port: null }],
    ['1.2.3.4:8080', { kind: 'ip', ip: '1.2.3.4', port: 8080 }],
    ['10.0.0.0/24', { kind: 'cidr', ip: '10.0.0.0', prefix: 24 }],
    ['fd00::1', { kind: 'ip', ip: 'fd00::1', port: null }],
    ['[fd00::1]', { kind: 'ip', ip: 'fd00::1', port: null }],
    ['[fd00::1]:80', { kind: 'ip', ip: 'fd00::1', port: 80 }],
    ['fd00::/64', { kind: 'cidr', ip: 'fd00::', prefix: 64 }],
  ])('%s', (text, want) => {
    expect(parseShadowDestination(text)).toMatchObject(want);
  });

  it.each(['', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/x', '1.2.3.4:0', '1.2.3.4:70000', 'fd00::1:80:x', '[fd00::1', '[1.2.3.4]:80', 'bad host', 'a:b', '1.2.3', 'x/24'])(
    '%j is a usage error',
    (text) => {
      let err: unknown;
      try {
        parseShadowDestination(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ShadowdumpError);
      expect((err as ShadowdumpError).code).toBe('usage');
      expect((err as ShadowdumpError).message).toMatch(/^--shadow-dst .*CIDR/);
      expect((err as ShadowdumpError).message).not.toContain('\n');
    },
  );
});

describe('matchesDestination', () => {
  const server = { ip: '10.0.0.7', port: 8080 };
  it.each([
    ['10.0.0.7', true],
    ['10.0.0.7:8080', true],
    ['10.0.0.7:9090', false],
    ['10.0.0.8', false],
    ['10.0.0.0/29', true],
    ['10.0.0.8/29', false],
    ['httpbin', true],
    ['httpbin:8080', true],
    ['httpbin:80', false],
    ['httpbin-v2', false],
  ])('%s against 10.0.0.7:8080 Host httpbin:8000 -> %s', (dst, want) => {
    expect(matchesDestination(parseShadowDestination(dst), ex(server, 'HttpBin:8000'))).toBe(want);
  });

  it('IPv6 forms compare by address, not spelling', () => {
    const e = ex({ ip: 'fd00::1', port: 80 }, null);
    expect(matchesDestination(parseShadowDestination('[fd00:0:0::1]:80'), e)).toBe(true);
    expect(matchesDestination(parseShadowDestination('fd00::/64'), e)).toBe(true);
    expect(matchesDestination(parseShadowDestination('fd01::/64'), e)).toBe(false);
    expect(matchesDestination(parseShadowDestination('10.0.0.0/8'), e)).toBe(false);
    expect(matchesDestination(parseShadowDestination('anything'), e)).toBe(false);
  });

  it('hostName', () => {
    expect(hostName('Example.COM:80')).toBe('example.com');
    expect(hostName('[fd00::1]:80')).toBe('fd00::1');
    expect(hostName('example.com.')).toBe('example.com');
    expect(hostName(null)).toBeNull();
  });
});

describe('pod labels (--shadow-dst version=v2 with --pods)', () => {
  it('parses Kubernetes label keys and values, and says what is wrong with others', () => {
    expect(parseShadowDestination('version=v2')).toEqual({ kind: 'label', text: 'version=v2', key: 'version', value: 'v2' });
    expect(parseShadowDestination('app.kubernetes.io/version=1.4.0-rc.1')).toMatchObject({ key: 'app.kubernetes.io/version', value: '1.4.0-rc.1' });
    expect(parseShadowDestination('canary=')).toMatchObject({ key: 'canary', value: '' });
    expect(() => parseShadowDestination('=v2')).toThrow(/"" is not a label key/);
    expect(() => parseShadowDestination('version=v 2')).toThrow(/"v 2" is not a label value/);
  });

  it('matches the server pod’s labels, and nothing without a pod directory', () => {
    const labels: Record<string, Record<string, string>> = { '10.0.0.7': { app: 'reviews', version: 'v2' } };
    const d = parseShadowDestination('version=v2');
    expect(matchesDestination(d, ex({ ip: '10.0.0.7', port: 80 }, null), (ip) => labels[ip])).toBe(true);
    expect(matchesDestination(d, ex({ ip: '10.0.0.8', port: 80 }, null), (ip) => labels[ip])).toBe(false);
    expect(matchesDestination(d, ex({ ip: '10.0.0.7', port: 80 }, null))).toBe(false);
  });
});
