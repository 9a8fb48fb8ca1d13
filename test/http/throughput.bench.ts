/**
 * Parse throughput of the HTTP stage on synthetic keep-alive traffic, delivered as the
 * reassembler would: one onData per 1448-byte segment. Run: npx vitest bench test/http
 */
import { bench, describe } from 'vitest';
import { runOnce, traffic } from './keep-alive-traffic.js';

for (const size of [200, 2_000, 50_000]) {
  const t = traffic(size >= 50_000 ? 500 : 10_000, size);
  describe(`keep-alive, ${size}-byte bodies (${(t.bytes / 1e6).toFixed(1)} MB, ${t.requests.length} exchanges per run)`, () => {
    bench('HttpExchangeBuilder', () => {
      runOnce(t);
    });
  });
}

