/**
 * Pod IPs to pod names, from the JSON of `kubectl get pods -A -o json`, so that views can say
 * `sleep-7b9f8bfcd-2djx5.default` where they would say 10.233.75.12. Pure: the caller reads the
 * file (or runs kubectl) and hands over the text.
 *
 * Only pods that own their IP are listed: host-network pods share the node's address, and a pod
 * that finished may have passed its IP on to a running one (the running one wins).
 */
export interface PodInfo {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase: string;
}

interface KubectlPod {
  metadata?: { name?: unknown; namespace?: unknown; labels?: unknown };
  spec?: { hostNetwork?: unknown };
  status?: { podIP?: unknown; podIPs?: unknown; phase?: unknown };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringLabels(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, value] of Object.entries(v)) if (typeof value === 'string') out[k] = value;
  return out;
}

function podIps(status: KubectlPod['status']): string[] {
  const ips = new Set<string>();
  if (typeof status?.podIP === 'string' && status.podIP !== '') ips.add(status.podIP);
  if (Array.isArray(status?.podIPs)) for (const entry of status.podIPs) if (isRecord(entry) && typeof entry.ip === 'string' && entry.ip !== '') ips.add(entry.ip);
  return [...ips];
}

export class PodDirectory {
  private readonly byAddress = new Map<string, PodInfo>();
  /** Host-network pods left out (their IP is the node's). */
  readonly hostNetworkPods: number;

  private constructor(pods: readonly KubectlPod[]) {
    let hostNetwork = 0;
    for (const pod of pods) {
      const name = pod.metadata?.name;
      const namespace = pod.metadata?.namespace;
      if (typeof name !== 'string' || typeof namespace !== 'string') continue;
      if (pod.spec?.hostNetwork === true) {
        hostNetwork++;
        continue;
      }
      const info: PodInfo = { name, namespace, labels: stringLabels(pod.metadata?.labels), phase: typeof pod.status?.phase === 'string' ? pod.status.phase : 'Unknown' };
      for (const ip of podIps(pod.status)) {
        const held = this.byAddress.get(ip);
        if (held === undefined || (held.phase !== 'Running' && info.phase === 'Running')) this.byAddress.set(ip, info);
      }
    }
    this.hostNetworkPods = hostNetwork;
  }

  /**
   * From `kubectl get pods -A -o json` (a List with `items`), or a single pod. Throws an Error
   * whose message says what is wrong; the caller adds the file name.
   */
  static fromKubectlJson(text: string): PodDirectory {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new Error(`not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (isRecord(doc) && Array.isArray(doc.items)) return new PodDirectory(doc.items.filter(isRecord) as KubectlPod[]);
    if (isRecord(doc) && doc.kind === 'Pod') return new PodDirectory([doc as KubectlPod]);
    throw new Error('not a pod list: expected the output of kubectl get pods -A -o json');
  }

  get size(): number {
    return this.byAddress.size;
  }

  pod(ip: string): PodInfo | undefined {
    return this.byAddress.get(ip);
  }

  /** `name.namespace` of the pod with this IP, or undefined. */
  nameOf(ip: string): string | undefined {
    const p = this.byAddress.get(ip);
    return p === undefined ? undefined : `${p.name}.${p.namespace}`;
  }
}
