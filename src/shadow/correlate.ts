import { keptBodyBytes } from '../http/kept-bytes.js';
import type { Micros } from '../core/time.js';
import type { Exchange } from '../http/types.js';
import { DEFAULT_SHADOW_SUFFIX, stripShadowSuffix } from './classify.js';
import { isNamed } from './header-name.js';
import { matchesDestination, type PodLabels, type ShadowDestination } from './shadow-destination.js';

/**
 * Pairs each primary exchange with its shadow copy by a request id header (DESIGN.md, "The
 * job"). Synchronous and bounded: time moves only with `advance(now)` (packet time), pending
 * groups are capped, and every group ends up in exactly one emitted Pair.
 *
 * One mirrored request is seen on several legs (app->sidecar on loopback, sidecar->primary,
 * sidecar->shadow, the server pods' inbound sidecar->app legs, and with `-i any` the same packet
 * twice). Within a group of legs sharing an id:
 *  - shadow legs: Host carries the suffix, or the server/Host matches a `--shadow-dst`;
 *  - the primary: a non-shadow leg with the shadow's method and target (and its Host with the
 *    suffix stripped, when that matches any), preferring legs that do not touch loopback, then
 *    the lowest x-envoy-attempt-count, then the requestStart closest to the shadow's;
 *  - retries: the other upstream legs with the primary's method/target/Host and a higher
 *    x-envoy-attempt-count (Envoy mirrors once, even when the primary is retried);
 *  - related: every other leg (loopback legs, extra shadow legs); exact duplicates (same client,
 *    server, method and target, requestStart within 1 ms) are dropped and counted.
 * Without a shadow leg and without `--shadow-dst`, two upstream first-attempt legs to different
 * servers cannot be told apart: the pair is emitted with `ambiguity: 'no-shadow-marker'`, no
 * primary and no shadow, and both legs in `candidates`.
 */

export interface Pair {
  /** The key header's value (x-request-id). */
  readonly id: string;
  readonly primary: Exchange | null;
  readonly shadow: Exchange | null;
  /** Other legs of the same request (loopback app->sidecar, inbound legs), by requestStart. */
  readonly related: Exchange[];
  /** Further attempts of the primary (x-envoy-attempt-count above the primary's). */
  readonly retries: Exchange[];
  /** With `ambiguity`: the legs that could each be primary or shadow; otherwise empty. */
  readonly candidates: Exchange[];
  readonly ambiguity: null | 'no-shadow-marker';
  /** 'paired' also for ambiguous pairs (two legs seen; which is which is unknown). */
  readonly state: 'paired' | 'shadow-missing' | 'primary-missing';
}

export interface CorrelatorOptions {
  /** Header that ties the legs together; default x-request-id. */
  key?: string;
  /** How long to wait for the other side, from the group's first requestStart; default 10 s. */
  window?: Micros;
  /** How long a group with both sides waits for related legs and retries; default 1 s. */
  settle?: Micros;
  shadowSuffix?: string;
  shadowDestinations?: readonly ShadowDestination[];
  /** Pod labels by IP, for label destinations (`--shadow-dst version=v2` with --pods). */
  podLabels?: PodLabels;
  /** Pending groups at most; the oldest is emitted early beyond it. Default 100 000. */
  maxPending?: number;
  /**
   * Body bytes kept by the exchanges of pending groups, all together; beyond it the oldest groups
   * are emitted early (counted as evicted). Bodies live outside V8's heap, so the heap cap does
   * not bound them: a burst of large unmirrored downloads, each waiting out the window for a
   * shadow, would otherwise hold them all. Default 32 MiB.
   */
  maxPendingBodyBytes?: number;
  /** Legs in one group at most (a client reusing one id); the group is emitted when full. Default 64. */
  maxLegs?: number;
  /** Exchanges that join no pair: without the key, or arriving after their group was emitted. */
  onOther?: (e: Exchange) => void;
}

export interface CorrelatorStats {
  readonly pairs: number;
  readonly shadowMissing: number;
  readonly primaryMissing: number;
  readonly ambiguous: number;
  readonly duplicatesDropped: number;
  readonly evicted: number;
  /** Groups emitted early at maxLegs (many requests sharing one id). */
  readonly fullGroups: number;
  /** Exchanges without the key. */
  readonly unkeyed: number;
  /** Legs of a group that arrived after it was emitted (started within `settle` of it, or later attempts within the window); passed to onOther. */
  readonly late: number;
}

/** Share of primaries that were mirrored: paired / (paired + shadowMissing); NaN when neither. */
export function mirrorRate(stats: { readonly pairs: number; readonly shadowMissing: number }): number {
  const total = stats.pairs + stats.shadowMissing;
  return total === 0 ? Number.NaN : stats.pairs / total;
}

const DUPLICATE_WITHIN: Micros = 1000;

interface Leg {
  readonly e: Exchange;
  readonly shadow: boolean;
  readonly loopback: boolean;
  readonly attempt: number | null;
  /** Taken as the shadow, the primary, a retry or a candidate when the group is resolved. */
  claimed: boolean;
}

interface Group {
  readonly id: string;
  readonly legs: Leg[];
  firstStart: Micros;
  ready: boolean;
  done: boolean;
}

export function header(e: Exchange, name: string): string | null {
  const lower = name.toLowerCase();
  const headers = e.request.headers;
  for (let i = 0; i < headers.length; i++) if (isNamed(headers[i][0], lower)) return headers[i][1];
  return null;
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.toLowerCase().startsWith('::ffff:127.');
}

function sameEndpoint(a: Exchange['server'], b: Exchange['server']): boolean {
  return a.ip === b.ip && a.port === b.port;
}

function sameRequest(a: Exchange, b: Exchange): boolean {
  return a.request.method === b.request.method && a.request.target === b.request.target;
}

export const DEFAULT_MAX_PENDING_BODY_BYTES = 32 * 1024 * 1024;

function sameHost(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
}

function byStart(a: Leg, b: Leg): number {
  return a.e.timing.requestStart - b.e.timing.requestStart;
}

/** The legs by requestStart (a stable sort, in place); legs mostly arrive in that order already. */
function sortByStart(legs: Leg[]): Leg[] {
  for (let i = 1; i < legs.length; i++) if (!(byStart(legs[i - 1], legs[i]) <= 0)) return legs.sort(byStart);
  return legs;
}

/** The shadow leg: the first that does not touch loopback, else the first. */
function pickShadow(legs: readonly Leg[]): Leg | null {
  let shadow: Leg | null = null;
  for (const l of legs) if (l.shadow && (shadow === null || (shadow.loopback && !l.loopback))) shadow = l;
  return shadow;
}

/** The exchanges of the legs nothing claimed, in order. */
function unclaimed(legs: readonly Leg[]): Exchange[] {
  const out: Exchange[] = [];
  for (const l of legs) if (!l.claimed) out.push(l.e);
  return out;
}

export class Correlator {
  pairs = 0;
  shadowMissing = 0;
  primaryMissing = 0;
  ambiguous = 0;
  duplicatesDropped = 0;
  evicted = 0;
  /** Groups emitted early because they reached maxLegs (a client reusing one id for everything). */
  fullGroups = 0;
  unkeyed = 0;
  late = 0;

  private readonly key: string;
  private readonly window: Micros;
  private readonly settle: Micros;
  private readonly suffix: string;
  private readonly destinations: readonly ShadowDestination[];
  private readonly podLabels: PodLabels | undefined;
  private readonly maxPending: number;
  private readonly maxPendingBodyBytes: number;
  /** Body bytes kept by the legs of pending groups. */
  private pendingBodyBytes = 0;
  private readonly maxLegs: number;
  private readonly onOther: (e: Exchange) => void;
  /** Pending groups in order of creation (oldest first). */
  private readonly groups = new Map<string, Group>();
  /** Groups that have both sides, in the order they got them; emitted after `settle`. */
  private ready: Group[] = [];
  private readyHead = 0;
  /** Ids emitted within the last window, with their first requestStart: their stragglers are late. */
  private readonly recent = new Map<string, Micros>();

  constructor(
    private readonly onPair: (p: Pair) => void,
    options: CorrelatorOptions = {},
  ) {
    this.key = options.key ?? 'x-request-id';
    this.window = options.window ?? 10_000_000;
    this.settle = Math.min(options.settle ?? 1_000_000, this.window);
    this.suffix = options.shadowSuffix ?? DEFAULT_SHADOW_SUFFIX;
    this.destinations = options.shadowDestinations ?? [];
    this.podLabels = options.podLabels;
    this.maxPending = Math.max(1, options.maxPending ?? 100_000);
    this.maxPendingBodyBytes = Math.max(0, options.maxPendingBodyBytes ?? DEFAULT_MAX_PENDING_BODY_BYTES);
    this.maxLegs = Math.max(2, options.maxLegs ?? 64);
    this.onOther = options.onOther ?? (() => {});
  }

  get pending(): number {
    return this.groups.size;
  }

  stats(): CorrelatorStats {
    const { pairs, shadowMissing, primaryMissing, ambiguous, duplicatesDropped, evicted, fullGroups, unkeyed, late } = this;
    return { pairs, shadowMissing, primaryMissing, ambiguous, duplicatesDropped, evicted, fullGroups, unkeyed, late };
  }

  add(e: Exchange): void {
    const id = header(e, this.key)?.trim() ?? '';
    if (id === '') {
      this.unkeyed++;
      this.onOther(e);
      return;
    }
    const attemptText = header(e, 'x-envoy-attempt-count');
    const attempt = attemptText !== null && /^\s*\d+\s*$/.test(attemptText) ? Number(attemptText) : null;
    let g = this.groups.get(id);
    if (g === undefined) {
      const emittedStart = this.recent.get(id);
      // A leg that started with the reported group (a slow loopback leg) or a later attempt of it
      // is late; a first attempt that started well after it is a new request reusing the id
      // (clients that send fixed ids do that).
      const since = emittedStart === undefined ? Infinity : e.timing.requestStart - emittedStart;
      if (since < this.settle || (since < this.window && attempt !== null && attempt > 1)) {
        this.late++;
        this.onOther(e);
        return;
      }
      if (this.groups.size >= this.maxPending) this.evictOldest();
      g = { id, legs: [], firstStart: e.timing.requestStart, ready: false, done: false };
      this.groups.set(id, g);
    }

    for (const l of g.legs) {
      if (
        sameEndpoint(l.e.client, e.client) &&
        sameEndpoint(l.e.server, e.server) &&
        sameRequest(l.e, e) &&
        Math.abs(l.e.timing.requestStart - e.timing.requestStart) <= DUPLICATE_WITHIN
      ) {
        this.duplicatesDropped++;
        return;
      }
    }

    g.legs.push({
      e,
      shadow: this.isShadow(e),
      loopback: isLoopback(e.client.ip) || isLoopback(e.server.ip),
      attempt,
      claimed: false,
    });
    this.pendingBodyBytes += keptBodyBytes(e);
    if (e.timing.requestStart < g.firstStart) g.firstStart = e.timing.requestStart;

    if (g.legs.length >= this.maxLegs) {
      this.fullGroups++;
      this.emit(g, false);
      return;
    }
    if (!g.ready && this.hasBothSides(g)) {
      g.ready = true;
      this.ready.push(g);
    }
    while (this.pendingBodyBytes > this.maxPendingBodyBytes && this.groups.size > 0) this.evictOldest();
  }

  /** Emits the oldest pending group before its time (a bound was reached). */
  private evictOldest(): void {
    const oldest = this.groups.values().next().value;
    if (oldest === undefined) return;
    this.evicted++;
    this.emit(oldest);
  }

  /** Packet time has reached `now`: emits the groups whose settle time or window has passed. */
  advance(now: Micros): void {
    while (this.readyHead < this.ready.length) {
      const g = this.ready[this.readyHead];
      if (!g.done && g.firstStart + this.settle > now) break;
      this.readyHead++;
      if (!g.done) this.emit(g);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    for (const g of this.groups.values()) {
      if (g.firstStart + this.window > now) break;
      this.emit(g);
    }
    for (const [id, start] of this.recent) {
      if (start + this.window > now) break;
      this.recent.delete(id);
    }
  }

  /** End of input: emits every pending group. */
  finish(): void {
    for (const g of this.groups.values()) this.emit(g);
    this.ready = [];
    this.readyHead = 0;
    this.recent.clear();
  }

  private isShadow(e: Exchange): boolean {
    if (e.request.host !== null && stripShadowSuffix(e.request.host, this.suffix) !== null) return true;
    for (const d of this.destinations) if (matchesDestination(d, e, this.podLabels)) return true;
    return false;
  }

  /** Both sides seen, or (no marker configured) two upstream servers: worth emitting after settle. */
  private hasBothSides(g: Group): boolean {
    let shadow = false;
    let other = false;
    let firstServer: Exchange['server'] | null = null;
    let servers = 1;
    for (const l of g.legs) {
      if (l.shadow) shadow = true;
      else {
        other = true;
        if (!l.loopback) {
          if (firstServer === null) firstServer = l.e.server;
          else if (!sameEndpoint(firstServer, l.e.server)) servers = 2;
        }
      }
    }
    if (shadow) return other;
    return this.destinations.length === 0 && servers > 1;
  }

  private emit(g: Group, remember = true): void {
    g.done = true;
    this.groups.delete(g.id);
    for (const l of g.legs) this.pendingBodyBytes -= keptBodyBytes(l.e);
    if (remember) {
      this.recent.set(g.id, g.firstStart);
      if (this.recent.size > this.maxPending) {
        const oldest = this.recent.keys().next().value;
        if (oldest !== undefined) this.recent.delete(oldest);
      }
    }
    const p = this.resolve(g);
    if (p.ambiguity !== null) this.ambiguous++;
    else if (p.state === 'paired') this.pairs++;
    else if (p.state === 'shadow-missing') this.shadowMissing++;
    else this.primaryMissing++;
    this.onPair(p);
  }

  /** Which leg is which (see the class comment). The group is done: its legs are sorted and marked in place. */
  private resolve(g: Group): Pair {
    const legs = sortByStart(g.legs);
    const shadow = pickShadow(legs);
    let pool = shadow === null ? legs.filter((l) => !l.shadow) : this.primaryPool(legs, shadow);
    const upstream = pool.filter((l) => !l.loopback);
    if (upstream.length > 0) pool = upstream;

    if (shadow === null && this.destinations.length === 0 && upstream.length > 1) {
      const lowest = Math.min(...upstream.map((l) => l.attempt ?? 1));
      const first = upstream.filter((l) => (l.attempt ?? 1) === lowest);
      if (first.some((l) => !sameEndpoint(l.e.server, first[0].e.server))) {
        for (const l of first) l.claimed = true;
        return {
          id: g.id,
          primary: null,
          shadow: null,
          related: unclaimed(legs),
          retries: [],
          candidates: first.map((l) => l.e),
          ambiguity: 'no-shadow-marker',
          state: 'paired',
        };
      }
    }

    const ref = shadow?.e.timing.requestStart ?? g.firstStart;
    let primary: Leg | null = null;
    for (const l of pool) {
      if (primary === null) {
        primary = l;
        continue;
      }
      const a = l.attempt ?? 1;
      const b = primary.attempt ?? 1;
      if (a < b) primary = l;
      else if (a === b && Math.abs(l.e.timing.requestStart - ref) < Math.abs(primary.e.timing.requestStart - ref)) {
        primary = l;
      }
    }

    const retries: Exchange[] = [];
    if (shadow !== null) shadow.claimed = true;
    if (primary !== null) {
      primary.claimed = true;
      const p = primary;
      for (const l of pool) {
        if (
          l !== p &&
          !l.loopback &&
          l.attempt !== null &&
          l.attempt > (p.attempt ?? 1) &&
          sameRequest(l.e, p.e) &&
          (p.e.request.host === null || sameHost(l.e.request.host, p.e.request.host))
        ) {
          l.claimed = true;
          retries.push(l.e);
        }
      }
    }
    return {
      id: g.id,
      primary: primary?.e ?? null,
      shadow: shadow?.e ?? null,
      related: unclaimed(legs),
      retries,
      candidates: [],
      ambiguity: null,
      state: primary === null ? 'primary-missing' : shadow === null ? 'shadow-missing' : 'paired',
    };
  }

  /** The non-shadow legs that may be the shadow's primary: the same method and target, and the same Host unsuffixed when any leg has it. */
  private primaryPool(legs: readonly Leg[], shadow: Leg): Leg[] {
    const pool = legs.filter((l) => !l.shadow && sameRequest(l.e, shadow.e));
    const host = shadow.e.request.host;
    const stripped = host === null ? null : stripShadowSuffix(host, this.suffix);
    const sameHostPool = pool.filter((l) => sameHost(l.e.request.host, stripped));
    return sameHostPool.length > 0 ? sameHostPool : pool;
  }
}
