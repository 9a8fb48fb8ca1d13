/** What carries the pipeline's findings to the TUI: the frame-by-frame feed and the non-HTTP flow tracker. */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/tcp/types.js';
import { FlowTracker } from '../../src/tui/feed/flow-tracker.js';
import { PairFeed } from '../../src/tui/feed/pair-feed.js';
import type { FlowRow } from '../../src/tui/model/other-rows.js';
import { unpairedRow } from '../../src/tui/model/other-rows.js';
import { exchange } from '../helpers/exchange-builder.js';
import { entry, utcTime } from './helpers/entries.js';

describe('PairFeed', () => {
  it('one batch per drain with what came since, then nothing; the end is sent once', () => {
    const feed = new PairFeed({ maxPairs: 10, maxOthers: 10 });
    expect(feed.drain()).toBeNull();
    feed.addPair(entry(0));
    feed.addPair(entry(1));
    feed.finish('cut short');
    const batch = feed.drain();
    expect(batch?.kind).toBe('batch');
    const events = batch?.kind === 'batch' ? batch.events : [];
    expect(events.map((e) => e.kind)).toEqual(['pairs', 'end']);
    expect(events[0]).toMatchObject({ droppedBefore: 0 });
    expect(events[1]).toEqual({ kind: 'end', failure: 'cut short' });
    expect(feed.finished).toBe(true);
    expect(feed.drain()).toBeNull();
  });

  it('between two drains at most maxPairs wait; the rest are counted as dropped', () => {
    const feed = new PairFeed({ maxPairs: 3, maxOthers: 2 });
    for (let i = 0; i < 10; i++) feed.addPair(entry(i));
    const batch = feed.drain();
    const pairs = batch?.kind === 'batch' ? batch.events[0] : null;
    expect(pairs?.kind === 'pairs' ? pairs.entries.map((e) => e.seq) : null).toEqual([7, 8, 9]);
    expect(pairs).toMatchObject({ droppedBefore: 7 });
  });

  it('and at most maxBytes of them (the newest always)', () => {
    const weight = entry(0).weight;
    const feed = new PairFeed({ maxPairs: 100, maxBytes: weight * 2.5, maxOthers: 2 });
    for (let i = 0; i < 10; i++) feed.addPair(entry(i));
    const batch = feed.drain();
    const pairs = batch?.kind === 'batch' ? batch.events[0] : null;
    expect(pairs?.kind === 'pairs' ? pairs.entries.map((e) => e.seq) : null).toEqual([8, 9]);
    expect(pairs).toMatchObject({ droppedBefore: 8 });
  });

  it('unpaired exchanges say why they joined no pair', () => {
    expect(unpairedRow(exchange({ id: null }), 'x-request-id', utcTime)).toMatchObject({ flow: '10.1.0.5:40000 > 10.1.0.20:8000', request: 'GET httpbin:8000 /get', status: '200', reason: 'no x-request-id header' });
    expect(unpairedRow(exchange({ id: 'a' }), 'x-request-id', utcTime).reason).toBe('late leg: its pair was already reported');
  });
});

describe('FlowTracker', () => {
  const conn = (id: number): Connection => ({ id, client: { ip: '10.0.0.1', port: 40000 + id }, server: { ip: '10.0.0.2', port: 443 }, rolesFromHandshake: true, vlans: [], reuse: 0, firstSeen: 1_000_000 });
  const track = (request: string, response: string): FlowRow[] => {
    const rows: FlowRow[] = [];
    const t = new FlowTracker({ onFlow: (r) => rows.push(r), time: utcTime });
    const c = conn(1);
    t.onOpen(c);
    // Split, as TCP may deliver it.
    if (request !== '') {
      t.onData(c, 'request', Buffer.from(request.slice(0, 3), 'latin1'));
      t.onData(c, 'request', Buffer.from(request.slice(3), 'latin1'));
    }
    if (response !== '') t.onData(c, 'response', Buffer.from(response, 'latin1'));
    t.onClose(c, 'fin');
    return rows;
  };

  it('lists connections that never started an HTTP/1 message, with their first bytes made printable', () => {
    const tls = track('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', '\x16\x03\x03\x00\x7a');
    expect(tls).toEqual([
      {
        at: 1_000_000,
        time: '00:00:01.000000',
        flow: '10.0.0.1:40001 > 10.0.0.2:443',
        clientBytes: 11,
        serverBytes: 5,
        gaps: 0,
        end: 'fin',
        clientPreview: '\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03',
        serverPreview: '\\x16\\x03\\x03\\x00z',
      },
    ]);
    expect(track('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', '')).toHaveLength(1);
  });

  it('forgets HTTP connections and silent ones', () => {
    expect(track('GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n')).toEqual([]);
    expect(track('', 'HTTP/1.1 200 OK\r\n')).toEqual([]);
    expect(track('', '')).toEqual([]);
  });

  it('watches at most maxOpen connections at once', () => {
    const rows: FlowRow[] = [];
    const t = new FlowTracker({ onFlow: (r) => rows.push(r), time: utcTime, maxOpen: 1 });
    t.onOpen(conn(1));
    t.onOpen(conn(2));
    expect(t.unwatched).toBe(1);
    t.onData(conn(2), 'request', Buffer.from('\x00\x01'));
    t.onClose(conn(2), 'rst');
    expect(rows).toEqual([]);
  });
});
