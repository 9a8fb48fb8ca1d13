import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roleFromHost, stripAnyText, stripShadowSuffix } from './classify.js';

describe('shadow suffix in every form Envoy has used', () => {
  it.each([
    ['httpbin-shadow:8000', 'httpbin:8000'],
    ['reviews.default.svc.cluster.local-shadow:9080', 'reviews.default.svc.cluster.local:9080'],
    ['10.0.0.7-shadow', '10.0.0.7'],
    ['httpbin-shadow', 'httpbin'],
    ['[fd00::7]-shadow:80', '[fd00::7]:80'],
    ['httpbin:8000-shadow', 'httpbin:8000'],
    ['HTTPBIN-SHADOW:8000', 'HTTPBIN:8000'],
  ])('%s is the shadow of %s', (shadow, primary) => {
    expect(stripShadowSuffix(shadow)).toBe(primary);
    expect(roleFromHost(shadow)).toBe('shadow');
  });

  it.each(['httpbin:8000', 'shadow:80', 'my-shadowy-host', 'httpbin-shadow-v2:80', '[::1]:80'])('%s carries no suffix', (host) => {
    expect(stripShadowSuffix(host)).toBeNull();
    expect(roleFromHost(host)).toBe('other');
  });

  it('a configured suffix', () => {
    expect(stripShadowSuffix('api-mirror:80', '-mirror')).toBe('api:80');
    expect(stripShadowSuffix('api-shadow:80', '-mirror')).toBeNull();
  });
});

describe('the ASCII path agrees with the general rule', () => {
  it('on generated hosts and suffixes', () => {
    // Hosts made of the pieces that matter (names, suffixes in any case, ports, brackets), ASCII or not.
    const piece = fc.constantFrom('httpbin', 'HttpBin', '-shadow', '-SHADOW', '-Shadow', ':', ':8000', ':80x', ']', '[::1]', '10.0.0.7', '.', 'x', '\u00c0', '\u0130', '\u212a', '');
    const host = fc.array(piece, { maxLength: 5 }).map((parts) => parts.join(''));
    const suffix = fc.constantFrom('-shadow', '-SHADOW', '.mirror', '', 'x', '-\u00e0', '-\u0130');
    let ascii = 0;
    fc.assert(
      fc.property(host, suffix, (h, s) => {
        if (/^[\x00-\x7f]*$/.test(h + s)) ascii++;
        expect(stripShadowSuffix(h, s)).toBe(stripAnyText(h, s));
      }),
      { numRuns: 5000 },
    );
    expect(ascii).toBeGreaterThan(1000);
  });
});
