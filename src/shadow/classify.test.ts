import { describe, expect, it } from 'vitest';
import { roleFromHost, stripShadowSuffix } from './classify.js';

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
