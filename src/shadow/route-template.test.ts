import { describe, expect, it } from 'vitest';
import type { Exchange } from '../http/types.js';
import { MAX_TEMPLATE_LENGTH, routeOf, routeTemplate } from './route-template.js';

describe('routeTemplate', () => {
  it.each([
    // ids of the usual kinds
    ['/users/42/orders', '/users/{id}/orders'],
    ['/status/200', '/status/{id}'],
    ['/api/v2/items', '/api/v2/items'],
    ['/api/v1/orders/0', '/api/v1/orders/{id}'],
    ['/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items', '/orders/{id}/items'],
    ['/orders/3F2504E0-4F89-11D3-9A0C-0305E82C3301', '/orders/{id}'],
    ['/blobs/sha256/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', '/blobs/sha256/{id}'],
    ['/commits/1a2b3c4d', '/commits/{id}'],
    ['/sessions/dGhpc2lzYXRva2VuMTIzNDU2Nzg', '/sessions/{id}'],
    ['/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', '/t/{id}'],
    ['/reports/2024-01-15/daily', '/reports/{id}/daily'],
    ['/npm/lodash/4.17.21', '/npm/lodash/{id}'],
    ['/export/123.json', '/export/{id}.json'],
    ['/images/3f2504e0-4f89-11d3-9a0c-0305e82c3301.png', '/images/{id}.png'],
    // words and names stay
    ['/deadbeef', '/deadbeef'],
    ['/abcdef', '/abcdef'],
    ['/user123/profile', '/user123/profile'],
    ['/api-v2-experimental-endpoint', '/api-v2-experimental-endpoint'],
    ['/static/jquery-3.6.0.min.js', '/static/jquery-3.6.0.min.js'],
    ['/healthz', '/healthz'],
    ['/index.html', '/index.html'],
    ['/x86_64/packages', '/x86_64/packages'],
    ['/wiki/%E4%B8%AD%E6%96%87%E7%BB%B4%E5%9F%BA', '/wiki/%E4%B8%AD%E6%96%87%E7%BB%B4%E5%9F%BA'],
    // query, fragment, slashes
    ['/get?show_env=1&id=42', '/get'],
    ['/search#results', '/search'],
    ['/', '/'],
    ['/?q=1', '/'],
    ['/a//b/', '/a//b/'],
    // request-target forms
    ['http://httpbin:8000/anything/12?x=1', '/anything/{id}'],
    ['https://example.com', '/'],
    ['http://example.com?x=1', '/'],
    ['HTTP://EXAMPLE.COM/users/7#frag', '/users/{id}'],
    ['*', '*'],
    ['example.com:443', 'example.com:443'],
    ['[2001:db8::1]:8443', '[2001:db8::1]:8443'],
  ])('%s -> %s', (target, template) => {
    expect(routeTemplate(target)).toBe(template);
  });

  it('cuts long templates at the limit', () => {
    const long = '/' + 'segment/'.repeat(200);
    const t = routeTemplate(long);
    expect(t).toHaveLength(MAX_TEMPLATE_LENGTH);
    expect(long.startsWith(t)).toBe(true);
    expect(routeTemplate('h'.repeat(5000) + ':443')).toHaveLength(MAX_TEMPLATE_LENGTH);
  });

  it('templates ids before cutting, so many ids still fit', () => {
    const uuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    expect(routeTemplate(`/${uuid}`.repeat(20))).toBe('/{id}'.repeat(20));
  });

  it('stops early on a huge target', () => {
    const t = routeTemplate('/1'.repeat(500_000));
    expect(t).toHaveLength(MAX_TEMPLATE_LENGTH);
    expect(t.startsWith('/{id}/{id}')).toBe(true);
  });
});

function exchange(host: string | null, target: string, method = 'GET'): Exchange {
  const body = { wireBytes: 0, data: Buffer.alloc(0), truncated: false, contentEncoding: null, decoded: null, decodeProblem: null };
  return {
    connectionId: 1,
    index: 0,
    client: { ip: '10.0.0.1', port: 40000 },
    server: { ip: '10.0.0.2', port: 8000 },
    request: { method, target, version: '1.1', host, headers: [], body },
    response: null,
    timing: { requestStart: 0, requestEnd: 0, responseStart: null, responseEnd: null },
    requestBytes: 0,
    responseBytes: 0,
    complete: false,
    anomalies: [],
  };
}

describe('routeOf', () => {
  it('gives both legs of a pair the same route', () => {
    const primary = routeOf(exchange('httpbin:8000', '/users/42?x=1'));
    const shadow = routeOf(exchange('httpbin-shadow:8000', '/users/42?x=2'));
    expect(primary).toEqual({ method: 'GET', host: 'httpbin:8000', template: '/users/{id}' });
    expect(shadow).toEqual(primary);
  });

  it('strips every suffix form and lower-cases the host', () => {
    expect(routeOf(exchange('Reviews.default.svc.cluster.local-shadow:9080', '/')).host).toBe('reviews.default.svc.cluster.local:9080');
    expect(routeOf(exchange('10.0.0.7-shadow', '/')).host).toBe('10.0.0.7');
    expect(routeOf(exchange('httpbin:8000-shadow', '/')).host).toBe('httpbin:8000');
  });

  it('uses a custom suffix and keeps a missing host null', () => {
    expect(routeOf(exchange('api-mirror:80', '/'), '-mirror').host).toBe('api:80');
    expect(routeOf(exchange('api-shadow:80', '/'), '-mirror').host).toBe('api-shadow:80');
    expect(routeOf(exchange(null, '/x', 'POST'))).toEqual({ method: 'POST', host: null, template: '/x' });
  });
});
