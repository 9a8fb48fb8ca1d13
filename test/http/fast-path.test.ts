/**
 * The fast head path of MessageParser against http-parser-js alone (the reference): the same
 * calls to the sink, with the same heads, bodies, byte counts, times and offsets, on generated
 * traffic cut at random points (with gaps, stops and every way a stream ends), and the same
 * exchanges and anomaly counts on every capture.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS } from '../../src/http/limits.js';
import { MessageParser, setFastHeadParsing, type MessageKind, type MessageSink } from '../../src/http/message-parser.js';
import type { Exchange } from '../../src/http/types.js';
import type { EndReason } from '../../src/tcp/types.js';
import { allCaptures } from '../helpers/captures.js';
import { captureExchanges } from './capture-exchanges.js';
import { cut, messageText, similarMessages } from './generated-messages.js';
import { close, gap, req, res, run, type StreamEvent } from './harness.js';

afterEach(() => setFastHeadParsing(true));

/** Exchanges as text, every field (bodies as Latin-1, decoded bodies too): quicker to compare than deep equality on thousands. */
function serialise(exchanges: readonly Exchange[]): string {
  return JSON.stringify(exchanges, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return Buffer.isBuffer(original) ? `buffer:${original.toString('latin1')}` : value;
  });
}

type Step = { readonly kind: 'data'; readonly text: string; readonly t: number } | { readonly kind: 'gap'; readonly length: number; readonly t: number };

/** Everything a MessageParser tells its sink and its caller, in order, as plain data. */
function replay(kind: MessageKind, steps: readonly Step[], finish: EndReason | null, skipSeed: number, stopSeed: number, fast: boolean): unknown[] {
  setFastHeadParsing(fast);
  const log: unknown[] = [];
  let heads = 0;
  let ends = 0;
  const sink: MessageSink = {
    onHead: (head) => {
      log.push(['head', head]);
      heads++;
      // Some heads are told to have no body (HEAD responses, CONNECT), as the connection does.
      return (skipSeed >> heads % 8) % 2 === 1 || (head.kind === 'request' && head.method === 'CONNECT');
    },
    onBody: (bytes) => log.push(['body', bytes.toString('latin1')]),
    onBodyGap: (length) => log.push(['body-gap', length]),
    onTrailers: (trailers) => log.push(['trailers', trailers]),
    onEnd: (end) => {
      log.push(['end', end]);
      ends++;
      return (stopSeed >> ends % 8) % 2 === 1;
    },
    onAbort: (abort) => log.push(['abort', abort]),
  };
  const p = new MessageParser(kind, sink, { ...DEFAULT_HTTP_LIMITS, maxHeaderBytes: 400 });
  for (const step of steps) {
    if (step.kind === 'gap') {
      log.push(['gap-result', p.gap(step.length, step.t)]);
      continue;
    }
    let chunk = Buffer.from(step.text, 'latin1');
    // As DirectionReader in sync mode: after a stop or an error, the rest is fed again.
    for (let guard = 0; chunk.length > 0 && guard < 1000; guard++) {
      const r = p.feed(chunk, step.t, step.t + 1);
      log.push(['feed', r.kind === 'error' ? { kind: r.kind, offset: r.offset, code: r.error.code, bytes: r.error.bytes.toString('latin1') } : r]);
      if (r.kind === 'done') break;
      chunk = chunk.subarray(r.offset === 0 ? 1 : r.offset);
    }
    log.push(['idle', p.idle]);
  }
  if (finish !== null) p.finish(finish);
  return log;
}

const stream = (kind: MessageKind) =>
  fc.record({
    messages: fc.array(messageText(kind), { minLength: 1, maxLength: 4 }),
    cuts: fc.array(fc.nat(), { maxLength: 8 }),
    gapAt: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 30 })), { freq: 4 }),
    finish: fc.constantFrom<EndReason | null>(null, 'fin', 'rst', 'end-of-capture'),
    skipSeed: fc.nat({ max: 255 }),
    stopSeed: fc.oneof(fc.constant(0), fc.nat({ max: 255 })),
  });

function steps(text: string, cuts: readonly number[], gapAt: readonly [number, number] | null): Step[] {
  const pieces = cut(text, cuts);
  const out: Step[] = [];
  let t = 10;
  for (const piece of pieces) {
    out.push({ kind: 'data', text: piece, t });
    t += 10;
  }
  if (gapAt !== null && out.length > 0) {
    // Bytes lost in the middle of one piece become a gap.
    const [where, length] = gapAt;
    const i = where % out.length;
    const piece = out[i];
    if (piece.kind === 'data' && piece.text.length > 1) {
      const from = where % piece.text.length;
      const to = Math.min(piece.text.length, from + length);
      out.splice(i, 1, { kind: 'data', text: piece.text.slice(0, from), t: piece.t }, { kind: 'gap', length: to - from, t: piece.t + 1 }, { kind: 'data', text: piece.text.slice(to), t: piece.t + 2 });
    }
  }
  return out.filter((s) => s.kind === 'gap' || s.text.length > 0);
}

describe('MessageParser fast head path', () => {
  for (const kind of ['request', 'response'] as const) {
    it(`tells the sink exactly what http-parser-js alone tells it (${kind}s)`, () => {
      fc.assert(
        fc.property(stream(kind), ({ messages, cuts, gapAt, finish, skipSeed, stopSeed }) => {
          const s = steps(messages.join(''), cuts, gapAt);
          expect(replay(kind, s, finish, skipSeed, stopSeed, true)).toEqual(replay(kind, s, finish, skipSeed, stopSeed, false));
        }),
        { numRuns: 3000 },
      );
    });
  }

  for (const kind of ['request', 'response'] as const) {
    it(`tells the sink exactly what http-parser-js alone tells it on heads that repeat each other (${kind}s)`, () => {
      fc.assert(
        fc.property(similarMessages(kind), fc.array(fc.nat(), { maxLength: 6 }), fc.nat({ max: 255 }), (messages, cuts, skipSeed) => {
          const s = steps(messages.join(''), cuts, null);
          expect(replay(kind, s, 'fin', skipSeed, 0, true)).toEqual(replay(kind, s, 'fin', skipSeed, 0, false));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('is taken for plain messages (the generator is not all fallbacks)', () => {
    const text = 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nok';
    const fast = replay('request', [{ kind: 'data', text, t: 1 }], null, 0, 0, true);
    expect(fast.filter((e) => Array.isArray(e) && e[0] === 'end')).toHaveLength(2);
  });
});

describe('HttpExchangeBuilder with and without the fast head path', () => {
  it('emits the same exchanges and counts the same anomalies on generated connections', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(messageText('request'), messageText('response'), fc.array(fc.nat(), { maxLength: 3 }), fc.array(fc.nat(), { maxLength: 3 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 40 })), { freq: 4 }),
        fc.constantFrom<EndReason>('fin', 'rst', 'end-of-capture'),
        (exchanges, lost, reason) => {
          const events: StreamEvent[] = [];
          let t = 100;
          for (const [request, response, requestCuts, responseCuts] of exchanges) {
            for (const piece of cut(request, requestCuts)) events.push(req(piece, (t += 3)));
            for (const piece of cut(response, responseCuts)) events.push(res(piece, (t += 3)));
          }
          if (lost !== null) {
            const [inRequest, where, length] = lost;
            const at = where % events.length;
            events.splice(at, 0, gap(inRequest ? 'request' : 'response', length, events[at].t));
          }
          events.push(close(reason, t + 10));
          setFastHeadParsing(true);
          const fast = run(events);
          setFastHeadParsing(false);
          const reference = run(events);
          expect(fast.exchanges).toEqual(reference.exchanges);
          expect(fast.anomalies.entries()).toEqual(reference.anomalies.entries());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('emits the same exchanges and counts the same anomalies on every capture', async () => {
    let checked = 0;
    for (const path of allCaptures()) {
      setFastHeadParsing(true);
      const fast = await captureExchanges(path);
      setFastHeadParsing(false);
      const reference = await captureExchanges(path);
      expect(serialise(fast.exchanges), path).toBe(serialise(reference.exchanges));
      expect(fast.anomalies.entries(), path).toEqual(reference.anomalies.entries());
      checked += fast.exchanges.length;
    }
    expect(checked).toBeGreaterThan(100);
  }, 300_000);
});
