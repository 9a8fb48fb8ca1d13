import { describe, expect, it } from 'vitest';
import { exchange, MS, SECOND, T0, type ExchangeSpec } from '../../test/helpers/exchange-builder.js';
import type { Exchange } from '../http/types.js';
import { Correlator, mirrorRate, type CorrelatorOptions, type Pair } from './correlate.js';
import { parseShadowDestination } from './shadow-destination.js';

function run(options: CorrelatorOptions = {}): { c: Correlator; out: Pair[]; other: Exchange[] } {
  const out: Pair[] = [];
  const other: Exchange[] = [];
  const c = new Correlator((p) => out.push(p), { onOther: (e) => other.push(e), ...options });
  return { c, out, other };
}

// Legs of one mirrored request as a node capture sees them.
const appToSidecar = (o: ExchangeSpec = {}): Exchange => exchange({ client: '127.0.0.1:51000', server: '127.0.0.1:15001', at: 0, ...o });
const toPrimary = (o: ExchangeSpec = {}): Exchange => exchange({ client: '10.1.0.5:40000', server: '10.1.0.20:8000', at: 1, ...o });
const toShadow = (o: ExchangeSpec = {}): Exchange =>
  exchange({ client: '10.1.0.5:40002', server: '10.1.0.30:8000', host: 'httpbin-shadow:8000', at: 1.2, ...o });

describe('Correlator: Host suffix', () => {
  it('pairs the primary with the -shadow copy after the settle time', () => {
    const { c, out } = run();
    const p = toPrimary();
    const s = toShadow();
    c.add(p);
    c.add(s);
    c.advance(T0 + 1000 * MS); // first requestStart (1 ms) + 1 s settle not reached yet
    expect(out).toHaveLength(0);
    c.advance(T0 + 1001 * MS);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'req-1', state: 'paired', ambiguity: null, related: [], retries: [], candidates: [] });
    expect(out[0].primary).toBe(p);
    expect(out[0].shadow).toBe(s);
    expect(c.pairs).toBe(1);
    expect(c.pending).toBe(0);
  });

  it('a configured suffix and a custom key header', () => {
    const { c, out } = run({ shadowSuffix: '-mirror', key: 'x-trace' });
    c.add(exchange({ id: null, headers: [['X-Trace', 't1']], server: '10.1.0.20:80', host: 'api:80' }));
    c.add(exchange({ id: null, headers: [['X-Trace', 't1']], server: '10.1.0.30:80', host: 'api-mirror:80', at: 1 }));
    c.finish();
    expect(out).toHaveLength(1);
    expect(out[0].id).toBe('t1');
    expect(out[0].primary?.request.host).toBe('api:80');
    expect(out[0].shadow?.request.host).toBe('api-mirror:80');
  });

  it('one pair from app->sidecar, sidecar->primary and sidecar->shadow; loopback leg is related', () => {
    const { c, out } = run();
    const a = appToSidecar();
    const p = toPrimary();
    const s = toShadow();
    // The primary pod's inbound sidecar->app leg (from 127.0.0.6) carries the same id and Host.
    const inbound = exchange({ client: '127.0.0.6:33000', server: '10.1.0.20:8080', at: 1.5 });
    for (const e of [s, inbound, a, p]) c.add(e);
    c.advance(T0 + 2 * SECOND);
    expect(out).toHaveLength(1);
    expect(out[0].state).toBe('paired');
    expect(out[0].primary).toBe(p);
    expect(out[0].shadow).toBe(s);
    expect(out[0].related).toEqual([a, inbound]);
  });

  it('picks the non-shadow leg nearest the shadow with the same method and target', () => {
    const { c, out } = run();
    const early = toPrimary({ at: 0, server: '10.1.0.21:8000' });
    const near = toPrimary({ at: 5 });
    const otherPath = toPrimary({ at: 6, target: '/other', server: '10.1.0.22:8000' });
    const s = toShadow({ at: 5.5 });
    for (const e of [early, near, otherPath, s]) c.add(e);
    c.finish();
    expect(out[0].primary).toBe(near);
    expect(out[0].related).toEqual([early, otherPath]);
  });

  it('drops exact duplicates seen twice with -i any (veth and bridge)', () => {
    const { c, out } = run();
    const p = toPrimary();
    const pCopy = toPrimary({ at: 1.3 }); // same 4-tuple, 300 us later, other interface
    const s = toShadow();
    const sCopy = toShadow({ at: 1.25 });
    for (const e of [p, s, pCopy, sCopy]) c.add(e);
    c.finish();
    expect(out).toHaveLength(1);
    expect(out[0].primary).toBe(p);
    expect(out[0].shadow).toBe(s);
    expect(out[0].related).toEqual([]);
    expect(c.duplicatesDropped).toBe(2);
  });

  it('a retried primary pairs attempt 1; later attempts are retries (Envoy mirrors once)', () => {
    const { c, out } = run();
    const a1 = toPrimary({ attempt: 1, at: 1 });
    const s = toShadow({ attempt: 1, at: 1.1 });
    const a2 = toPrimary({ attempt: 2, at: 300, client: '10.1.0.5:40010', server: '10.1.0.21:8000' });
    const a3 = toPrimary({ attempt: 3, at: 600, client: '10.1.0.5:40011' });
    c.add(a1);
    c.add(s);
    c.add(a3);
    c.add(a2);
    c.advance(T0 + 1001 * MS);
    expect(out).toHaveLength(1);
    expect(out[0].primary).toBe(a1);
    expect(out[0].shadow).toBe(s);
    expect(out[0].retries).toEqual([a2, a3]);
    expect(out[0].related).toEqual([]);
  });

  it('retries without a shadow leg are still one shadow-missing group', () => {
    const { c, out } = run();
    const a2 = toPrimary({ attempt: 2, at: 300, server: '10.1.0.21:8000' });
    const a1 = toPrimary({ attempt: 1 });
    c.add(a1);
    c.add(a2);
    c.finish();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ state: 'shadow-missing', ambiguity: null, retries: [a2] });
    expect(out[0].primary).toBe(a1);
  });
});

describe('Correlator: --shadow-dst without a suffix (Istio 1.28+)', () => {
  const p = (): Exchange => toPrimary();
  const s = (o: ExchangeSpec = {}): Exchange => toShadow({ host: 'httpbin:8000', ...o });

  it.each([
    ['IP', '10.1.0.30'],
    ['IP:port', '10.1.0.30:8000'],
    ['CIDR', '10.1.0.28/30'],
  ])('by %s', (_name, dst) => {
    const { c, out } = run({ shadowDestinations: [parseShadowDestination(dst)] });
    const primary = p();
    const shadow = s();
    c.add(primary);
    c.add(shadow);
    c.advance(T0 + 2 * SECOND);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ state: 'paired', ambiguity: null });
    expect(out[0].primary).toBe(primary);
    expect(out[0].shadow).toBe(shadow);
  });

  it('IP:port does not match another port on the same IP', () => {
    const { c, out } = run({ shadowDestinations: [parseShadowDestination('10.1.0.30:9000')] });
    c.add(p());
    c.add(s());
    c.finish();
    expect(out[0].shadow).toBeNull();
    expect(out[0].state).toBe('shadow-missing');
    expect(out[0].related).toHaveLength(1);
  });

  it('by host name (Host without port)', () => {
    const { c, out } = run({ shadowDestinations: [parseShadowDestination('httpbin-v2.default.svc.cluster.local')] });
    const primary = p();
    const shadow = s({ host: 'HTTPBIN-V2.default.svc.cluster.local:8000' });
    c.add(primary);
    c.add(shadow);
    c.finish();
    expect(out[0].primary).toBe(primary);
    expect(out[0].shadow).toBe(shadow);
  });

  it('without suffix or --shadow-dst, two legs to different servers are ambiguous, not guessed', () => {
    const { c, out } = run();
    const a = appToSidecar();
    const one = p();
    const two = s();
    for (const e of [a, one, two]) c.add(e);
    c.advance(T0 + 2 * SECOND); // two upstream servers: emitted after settle, not after the window
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ state: 'paired', ambiguity: 'no-shadow-marker', primary: null, shadow: null, retries: [] });
    expect(out[0].candidates).toEqual([one, two]);
    expect(out[0].related).toEqual([a]);
    expect(c.ambiguous).toBe(1);
    expect(c.pairs).toBe(0);
  });
});

describe('Correlator: missing sides, time and bounds', () => {
  it('shadow-missing only after the window, driven by advance() alone', () => {
    const { c, out } = run({ window: 5 * SECOND });
    const a = appToSidecar();
    const primary = toPrimary();
    c.add(a);
    c.add(primary);
    c.advance(T0 + 2 * SECOND);
    expect(out).toHaveLength(0); // settle passed, but the shadow may still come
    c.advance(T0 + 5 * SECOND - 1);
    expect(out).toHaveLength(0);
    c.advance(T0 + 5 * SECOND);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ state: 'shadow-missing', shadow: null, related: [a] });
    expect(out[0].primary).toBe(primary);
    expect(c.shadowMissing).toBe(1);
  });

  it('a shadow arriving late within the window still pairs', () => {
    const { c, out } = run();
    c.add(toPrimary());
    c.advance(T0 + 4 * SECOND);
    c.add(toShadow({ at: 4000 }));
    c.advance(T0 + 4 * SECOND + 1);
    expect(out).toHaveLength(1); // first requestStart + settle long passed
    expect(out[0].state).toBe('paired');
  });

  it('primary-missing', () => {
    const { c, out } = run();
    const s = toShadow();
    c.add(s);
    c.advance(T0 + 11 * SECOND);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ state: 'primary-missing', primary: null });
    expect(out[0].shadow).toBe(s);
    expect(c.primaryMissing).toBe(1);
  });

  it('a shadow with no same-method/target leg is primary-missing; the other leg is related', () => {
    const { c, out } = run();
    const post = toPrimary({ method: 'POST' });
    c.add(post);
    c.add(toShadow());
    c.finish();
    expect(out[0].state).toBe('primary-missing');
    expect(out[0].related).toEqual([post]);
  });

  it('exchanges without the key go to onOther and are counted', () => {
    const { c, out, other } = run();
    const e = toPrimary({ id: null });
    const blank = toPrimary({ id: '  ', at: 10 });
    c.add(e);
    c.add(blank);
    c.finish();
    expect(out).toHaveLength(0);
    expect(other).toEqual([e, blank]);
    expect(c.unkeyed).toBe(2);
  });

  it('legs arriving after their group was emitted are late, not a new shadow-missing', () => {
    const { c, out, other } = run();
    c.add(toPrimary());
    c.add(toShadow());
    c.advance(T0 + 2 * SECOND);
    const lateRetry = toPrimary({ attempt: 2, at: 2500 });
    c.add(lateRetry);
    c.advance(T0 + 20 * SECOND);
    expect(out).toHaveLength(1);
    expect(other).toEqual([lateRetry]);
    expect(c.late).toBe(1);
    // After the window the id may be reused.
    c.add(toPrimary({ at: 30_000 }));
    c.finish();
    expect(out).toHaveLength(2);
  });

  it('a slow leg that started with an emitted pair is late; a new first attempt with the same id is a new request', () => {
    const { c, out, other } = run();
    c.add(toPrimary());
    c.add(toShadow());
    c.advance(T0 + 2 * SECOND);
    const slowLoopback = appToSidecar({ at: 0 });
    c.add(slowLoopback);
    expect(other).toEqual([slowLoopback]);
    // A client that sends fixed ids: the same id 3 s later, on its own legs.
    c.add(toPrimary({ at: 3000 }));
    c.add(toShadow({ at: 3001 }));
    c.advance(T0 + 5 * SECOND);
    expect(out.map((p) => [p.state, p.primary?.timing.requestStart])).toEqual([
      ['paired', T0 + 1 * MS],
      ['paired', T0 + 3000 * MS],
    ]);
    expect(c.late).toBe(1);
  });

  it('evicts the oldest pending group at maxPending', () => {
    const { c, out } = run({ maxPending: 2 });
    c.add(toPrimary({ id: 'a', at: 0 }));
    c.add(toPrimary({ id: 'b', at: 1 }));
    expect(out).toHaveLength(0);
    c.add(toPrimary({ id: 'c', at: 2 }));
    expect(out.map((p) => p.id)).toEqual(['a']);
    expect(out[0].state).toBe('shadow-missing');
    expect(c.evicted).toBe(1);
    expect(c.pending).toBe(2);
    c.finish();
    expect(out.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(c.pending).toBe(0);
  });

  it('evicts the oldest pending groups while their kept bodies pass maxPendingBodyBytes', () => {
    const { c, out } = run({ maxPendingBodyBytes: 2500 });
    const kib = Buffer.alloc(1000, 0x61);
    c.add(toPrimary({ id: 'a', at: 0, responseBody: kib }));
    c.add(toPrimary({ id: 'b', at: 1, responseBody: kib }));
    expect(out).toHaveLength(0);
    c.add(toPrimary({ id: 'c', at: 2, responseBody: kib, body: Buffer.alloc(100) }));
    expect(out.map((p) => [p.id, p.state])).toEqual([['a', 'shadow-missing']]);
    expect(c.evicted).toBe(1);
    // What an emitted group kept no longer counts: a shadow for b still pairs, within budget.
    c.add(toShadow({ id: 'b', at: 3, responseBody: Buffer.alloc(300) }));
    expect(c.evicted).toBe(1);
    c.advance(T0 + 2 * SECOND);
    expect(out.map((p) => [p.id, p.state])).toEqual([
      ['a', 'shadow-missing'],
      ['b', 'paired'],
    ]);
    c.finish();
    expect(out.map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });

  it('a group full of legs (one id reused by a client) is emitted at maxLegs', () => {
    const { c, out } = run({ maxLegs: 3 });
    for (let i = 0; i < 7; i++) c.add(toPrimary({ at: i * 10, client: `10.1.0.5:${41000 + i}` }));
    expect(out).toHaveLength(2);
    c.finish();
    expect(out).toHaveLength(3);
    expect(out.reduce((n, p) => n + 1 + p.related.length + p.retries.length, 0)).toBe(7);
  });

  it('counts every pair once; mirrorRate', () => {
    const { c } = run();
    for (let i = 0; i < 4; i++) {
      c.add(toPrimary({ id: `r${i}`, at: i }));
      if (i < 3) c.add(toShadow({ id: `r${i}`, at: i + 0.5 }));
    }
    c.add(toShadow({ id: 'orphan' }));
    c.finish();
    expect(c.stats()).toMatchObject({ pairs: 3, shadowMissing: 1, primaryMissing: 1, ambiguous: 0 });
    expect(mirrorRate(c)).toBe(0.75);
    expect(mirrorRate({ pairs: 0, shadowMissing: 0 })).toBeNaN();
  });
});
