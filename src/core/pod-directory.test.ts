import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_CAPTURES } from '../../test/helpers/captures.js';
import { PodDirectory } from './pod-directory.js';

const labPods = (): PodDirectory => PodDirectory.fromKubectlJson(readFileSync(join(LAB_CAPTURES, 'lab/pods.json'), 'utf8'));

describe('pod names from kubectl get pods -A -o json', () => {
  it('maps each pod IP to name.namespace, with its labels', () => {
    const pods = labPods();
    expect(pods.nameOf('10.233.75.12')).toBe('sleep-7b9f8bfcd-2djx5.default');
    expect(pods.nameOf('10.233.75.11')).toBe('httpbin-v1-5d7f9c6b8-x2kqp.default');
    expect(pods.pod('10.233.75.11')?.labels).toEqual({ app: 'httpbin', version: 'v1' });
    expect(pods.nameOf('10.9.9.9')).toBeUndefined();
  });

  it('a finished pod does not take the IP of the running pod that reuses it', () => {
    expect(labPods().nameOf('10.233.75.13')).toBe('httpbin-v2-6c8d4f7b9-m7wzt.default');
  });

  it('host-network pods are left out: their IP is the node’s', () => {
    const pods = labPods();
    expect(pods.nameOf('10.233.75.1')).toBeUndefined();
    expect(pods.hostNetworkPods).toBe(1);
    expect(pods.size).toBe(3);
  });

  it('dual-stack pods are found by either address; a single pod document works too', () => {
    const pod = { kind: 'Pod', metadata: { name: 'web-0', namespace: 'shop' }, status: { phase: 'Running', podIP: '10.1.0.4', podIPs: [{ ip: '10.1.0.4' }, { ip: 'fd00::4' }] } };
    const pods = PodDirectory.fromKubectlJson(JSON.stringify(pod));
    expect([pods.nameOf('10.1.0.4'), pods.nameOf('fd00::4')]).toEqual(['web-0.shop', 'web-0.shop']);
  });

  it('text that is not a pod list says what it is not', () => {
    expect(() => PodDirectory.fromKubectlJson('{"items": 3}')).toThrow(/not a pod list: expected the output of kubectl get pods -A -o json/);
    expect(() => PodDirectory.fromKubectlJson('NAME READY STATUS')).toThrow(/^not JSON/);
  });
});
