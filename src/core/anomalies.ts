/**
 * Anomalies are data, not exceptions: every stage counts what it could not make sense of
 * under a stable name ("weird" in Zeek's words) and the summary reports the counts.
 */
export class AnomalyCounter {
  private readonly counts = new Map<string, number>();

  add(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** Entries sorted by name, for stable output. */
  entries(): Array<[string, number]> {
    return [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  }
}
