// The retries run's sidecar: Envoy's retry policy and request mirroring together, which
// nginx cannot imitate (it cannot number its tries).  For every request from the app:
//   - forward it to the primary with `x-envoy-attempt-count: 1`; on a 5xx answer, retry
//     once with `x-envoy-attempt-count: 2` (Envoy's retry_on: 5xx, num_retries: 1) and
//     give the app the last answer;
//   - mirror it ONCE, right after the first attempt, fire-and-forget, to the shadow:
//     Host with "-shadow" before the port, the same x-request-id (a UUID is generated
//     when the app sent none), `x-envoy-attempt-count: 1`; the shadow's answer is read
//     and thrown away.  /admin/ has no mirror policy.
// The request body is read first (Envoy buffers it for retries and the mirror) and
// forwarded with a Content-Length.  Keep-alive pools to both versions, as Envoy's.
//
// usage: node retry-sidecar.mjs LISTEN_IP:PORT PRIMARY_IP:PORT SHADOW_IP:PORT LOG
// LOG gets one JSON line per app request (leg "app") and per mirror copy (leg "mirror"),
// with the field names of the nginx sidecar's log (truth.py reads both).  SIGTERM: stop
// accepting, wait for copies in flight, close the pools (FIN on every connection), exit.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

const [listen, primary, shadow, logFile] = process.argv.slice(2);
const hostPort = (s) => ({ host: s.slice(0, s.lastIndexOf(':')), port: Number(s.slice(s.lastIndexOf(':') + 1)) });
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade'];
// Request headers the sidecar sets itself (the body is re-framed, Expect is answered here).
const NOT_COPIED = new Set([...HOP_BY_HOP, 'expect', 'content-length', 'host', 'x-request-id', 'x-envoy-attempt-count']);
const NOT_RETURNED = new Set(HOP_BY_HOP);
const ATTEMPTS = 2; // the first try and one retry
const RETRY_BACKOFF_MS = 25; // Envoy's base retry interval

const pools = { primary: new http.Agent({ keepAlive: true }), shadow: new http.Agent({ keepAlive: true }) };
let mirrorsInFlight = 0;

// httpbin:8000 -> httpbin-shadow:8000, httpbin -> httpbin-shadow.
const shadowHost = (host) => host.replace(/^(.+?)(:\d+)?$/, '$1-shadow$2');

function log(fields) {
  appendFileSync(logFile, JSON.stringify({ ts: (Date.now() / 1000).toFixed(3), ...fields }) + '\n');
}

// Raw header pairs as an object with lower-case names, in their order, except SKIP.
function headerObject(raw, skip) {
  const out = {};
  for (let i = 0; i < raw.length; i += 2) if (!skip.has(raw[i].toLowerCase())) out[raw[i].toLowerCase()] = raw[i + 1];
  return out;
}

// One upstream exchange; resolves with the answer, its whole body and how long it took.
function forward(to, pool, method, target, headers, body) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // Node's pool adds "Connection: keep-alive"; given here, it is at least lower-case.
    const req = http.request({ ...hostPort(to), agent: pool, method, path: target, headers: { ...headers, connection: 'keep-alive' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks), seconds: (Date.now() - started) / 1000 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The shadow copy: sent once, its answer only logged.
function mirror(req, headers, body, common) {
  const copy = { ...headers, host: shadowHost(headers.host), 'x-envoy-attempt-count': '1' };
  const sent = Date.now();
  const line = { leg: 'mirror', ...common, host: copy.host, upstream: shadow };
  mirrorsInFlight++;
  forward(shadow, pools.shadow, req.method, req.url, copy, body)
    .then(({ res, seconds }) => log({ ...line, status: res.statusCode, upstream_status: String(res.statusCode), upstream_response_time: seconds, request_time: (Date.now() - sent) / 1000 }))
    .catch((e) => log({ ...line, status: 502, upstream_status: '502', error: e.code ?? String(e), request_time: (Date.now() - sent) / 1000 }))
    .finally(() => mirrorsInFlight--);
}

let connections = 0;
const server = http.createServer((req, res) => {
  const started = Date.now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const requestId = req.headers['x-request-id'] || randomUUID();
    // The app's headers in their order, Host first, then what the sidecar sets.
    const headers = { host: req.headers.host ?? '', ...headerObject(req.rawHeaders, NOT_COPIED) };
    if (body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method)) headers['content-length'] = String(body.length);
    headers['x-request-id'] = requestId;
    const common = { request_id: requestId, client_request_id: req.headers['x-request-id'] ?? '', method: req.method, target: req.url,
      client: `${req.socket.remoteAddress}:${req.socket.remotePort}`, connection: req.socket.serial, connection_request: ++req.socket.requests };

    const statuses = [];
    const times = [];
    let answer;
    try {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        if (attempt > 1) await sleep(RETRY_BACKOFF_MS);
        const pending = forward(primary, pools.primary, req.method, req.url, { ...headers, 'x-envoy-attempt-count': String(attempt) }, body);
        if (attempt === 1 && !req.url.startsWith('/admin/')) mirror(req, headers, body, common);
        answer = await pending;
        statuses.push(answer.res.statusCode);
        times.push(answer.seconds);
        if (answer.res.statusCode < 500) break;
      }
      res.writeHead(answer.res.statusCode, headerObject(answer.res.rawHeaders, NOT_RETURNED)).end(answer.body);
    } catch (e) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end(`upstream connect error: ${e.code ?? e}\n`);
    }
    log({ leg: 'app', ...common, host: headers.host, status: res.statusCode, upstream: statuses.map(() => primary).join(', '),
      upstream_status: statuses.join(', '), upstream_response_time: times.join(', '), request_time: (Date.now() - started) / 1000 });
  });
});
server.on('connection', (socket) => {
  socket.serial = ++connections;
  socket.requests = 0;
});
server.listen(hostPort(listen).port, hostPort(listen).host);

process.once('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  const done = setInterval(() => {
    if (mirrorsInFlight > 0) return;
    clearInterval(done);
    pools.primary.destroy();
    pools.shadow.destroy();
    process.exit(0);
  }, 20);
});
