import { describe, expect, it } from 'vitest';
import { exchange, pair, type ExchangeSpec } from '../../test/helpers/exchange-builder.js';
import type { Exchange } from '../http/types.js';
import type { Difference } from './compare.js';
import { routeKey, verdictOf } from './verdict.js';

const primary = (o: ExchangeSpec = {}): Exchange => exchange({ at: 1, ...o });
const shadow = (o: ExchangeSpec = {}): Exchange => exchange({ at: 1.2, host: 'httpbin-shadow:8000', server: '10.1.0.30:8000', ...o });
/** The shadow reset the connection before any answer. */
const reset = (o: ExchangeSpec = {}): Exchange => shadow({ status: null, anomalies: ['connection-reset'], ...o });

const differs: Difference[] = [{ kind: 'body', path: '$.a', primary: '1', shadow: '2' }];
const AMBIGUOUS_HINT = 'two legs share the id and neither is marked as the shadow: name it with --shadow-dst (host, IP, IP:port or CIDR)';
const RESET_HINT = 'the shadow reset the connection before answering';

describe('verdictOf', () => {
  it('match without differences, differ with them', () => {
    expect(verdictOf(pair({ primary: primary(), shadow: shadow() }), [])).toEqual({ verdict: 'match', hint: null });
    expect(verdictOf(pair({ primary: primary(), shadow: shadow() }), differs)).toEqual({ verdict: 'differ', hint: null });
  });

  it('both answering 5xx alike is a match: the shadow failed no more than the primary', () => {
    expect(verdictOf(pair({ primary: primary({ status: 503 }), shadow: shadow({ status: 503 }) }), [])).toEqual({ verdict: 'match', hint: null });
    expect(verdictOf(pair({ primary: primary({ status: 500 }), shadow: shadow({ status: 502 }) }), differs)).toEqual({ verdict: 'differ', hint: null });
  });

  it('primary-missing and shadow-missing, whatever the other side did', () => {
    expect(verdictOf(pair({ shadow: shadow() }), [])).toEqual({ verdict: 'primary-missing', hint: null });
    expect(verdictOf(pair({ shadow: reset() }), [])).toEqual({ verdict: 'primary-missing', hint: null });
    expect(verdictOf(pair({ primary: primary() }), [])).toEqual({ verdict: 'shadow-missing', hint: null });
    expect(verdictOf(pair({ primary: primary({ status: null, complete: false, anomalies: ['gap-in-request'] }) }), [])).toEqual({
      verdict: 'shadow-missing',
      hint: null,
    });
    // Neither side (only related legs): the primary is the one missing.
    expect(verdictOf(pair({ related: [primary({ client: '127.0.0.1:51000', server: '127.0.0.1:15001' })] }), [])).toEqual({
      verdict: 'primary-missing',
      hint: null,
    });
  });

  it('ambiguous comes first, with the hint naming --shadow-dst', () => {
    const legs = [primary(), primary({ server: '10.1.0.30:8000' })];
    expect(verdictOf(pair({ candidates: legs }), differs)).toEqual({ verdict: 'ambiguous', hint: AMBIGUOUS_HINT });
  });

  describe('shadow-error: the shadow failed beside a working primary', () => {
    it.each([500, 502, 503, 504, 599])('the shadow answered %i', (status) => {
      expect(verdictOf(pair({ primary: primary(), shadow: shadow({ status }) }), differs)).toEqual({ verdict: 'shadow-error', hint: null });
    });

    it('a 4xx primary still worked; a 4xx shadow is not an error', () => {
      expect(verdictOf(pair({ primary: primary({ status: 404 }), shadow: shadow({ status: 500 }) }), differs)).toEqual({ verdict: 'shadow-error', hint: null });
      expect(verdictOf(pair({ primary: primary(), shadow: shadow({ status: 499 }) }), differs)).toEqual({ verdict: 'differ', hint: null });
    });

    it('the shadow reset the connection before answering: the hint says so', () => {
      expect(verdictOf(pair({ primary: primary(), shadow: reset() }), [])).toEqual({ verdict: 'shadow-error', hint: RESET_HINT });
    });

    it('the shadow reset the connection mid-response (response-truncated: rst)', () => {
      const cut = shadow({ complete: false, anomalies: ['response-truncated: rst'] });
      expect(verdictOf(pair({ primary: primary(), shadow: cut }), [])).toEqual({ verdict: 'shadow-error', hint: null });
      const cutBeforeAnswer = shadow({ status: null, anomalies: ['response-truncated: rst'] });
      expect(verdictOf(pair({ primary: primary(), shadow: cutBeforeAnswer }), [])).toEqual({ verdict: 'shadow-error', hint: RESET_HINT });
    });

    it('comes before incomplete: a gap on either side does not hide it', () => {
      const gap = { complete: false, anomalies: ['gap-in-response-body'] };
      expect(verdictOf(pair({ primary: primary(gap), shadow: shadow({ status: 503 }) }), [])).toEqual({ verdict: 'shadow-error', hint: null });
      expect(verdictOf(pair({ primary: primary(), shadow: shadow({ status: 503, ...gap }) }), [])).toEqual({ verdict: 'shadow-error', hint: null });
    });

    it('not when the primary failed too', () => {
      // Both 5xx: the answers are compared as usual.
      expect(verdictOf(pair({ primary: primary({ status: 500 }), shadow: shadow({ status: 503 }) }), differs)).toEqual({ verdict: 'differ', hint: null });
      // The primary reset too: both were cut, nothing to blame on the shadow.
      expect(verdictOf(pair({ primary: primary({ status: null, anomalies: ['connection-reset'] }), shadow: reset() }), [])).toEqual({
        verdict: 'incomplete',
        hint: 'primary: connection-reset; shadow: connection-reset',
      });
      // A primary answering 200 but cut by a reset did not succeed either.
      const resetPrimary = primary({ complete: false, anomalies: ['response-truncated: rst'] });
      expect(verdictOf(pair({ primary: resetPrimary, shadow: shadow({ status: 503 }) }), [])).toEqual({
        verdict: 'incomplete',
        hint: 'primary: response-truncated: rst',
      });
      expect(verdictOf(pair({ primary: primary({ status: 502 }), shadow: reset() }), [])).toEqual({ verdict: 'incomplete', hint: 'shadow: connection-reset' });
      expect(verdictOf(pair({ primary: primary({ status: null }), shadow: shadow({ status: 503 }) }), [])).toEqual({
        verdict: 'incomplete',
        hint: 'primary: no response seen',
      });
    });
  });

  describe('incomplete: a gap or a cut message on either leg', () => {
    it('names the side and its anomalies; differences do not matter', () => {
      const gap = { complete: false, anomalies: ['gap-in-response-body'] };
      expect(verdictOf(pair({ primary: primary(gap), shadow: shadow() }), differs)).toEqual({ verdict: 'incomplete', hint: 'primary: gap-in-response-body' });
      expect(verdictOf(pair({ primary: primary(), shadow: shadow(gap) }), [])).toEqual({ verdict: 'incomplete', hint: 'shadow: gap-in-response-body' });
    });

    it('both sides, primary first, every anomaly of each', () => {
      const p = primary({ complete: false, anomalies: ['gap-in-request-body', 'parse-error: bad chunk'] });
      const s = shadow({ complete: false, anomalies: ['gap-in-response-body'] });
      expect(verdictOf(pair({ primary: p, shadow: s }), differs)).toEqual({
        verdict: 'incomplete',
        hint: 'primary: gap-in-request-body, parse-error: bad chunk; shadow: gap-in-response-body',
      });
    });

    it('a leg without a response and without anomalies: "no response seen"', () => {
      expect(verdictOf(pair({ primary: primary(), shadow: shadow({ status: null }) }), [])).toEqual({ verdict: 'incomplete', hint: 'shadow: no response seen' });
      // A leg marked complete but without a response is cut all the same.
      expect(verdictOf(pair({ primary: primary(), shadow: shadow({ status: null, complete: true }) }), [])).toEqual({
        verdict: 'incomplete',
        hint: 'shadow: no response seen',
      });
    });
  });
});

describe('routeKey', () => {
  it('method, Host (or -) and template', () => {
    expect(routeKey({ method: 'GET', host: 'httpbin:8000', template: '/users/{id}' })).toBe('GET httpbin:8000 /users/{id}');
    expect(routeKey({ method: 'POST', host: null, template: '/a' })).toBe('POST - /a');
  });
});
