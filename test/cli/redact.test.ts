/**
 * --redact: a capture full of credentials, every view and export through the real binary; the
 * secrets appear nowhere, the headers that carried them are still shown as redacted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, PcapStream } from '../helpers/attack-captures.js';
import { REPO_ROOT } from '../helpers/captures.js';

const BIN = join(REPO_ROOT, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'shadowdump-redact-'));
const capture = join(dir, 'credentials.pcap');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = ['Bearer-s3cr3t-token', 'session=c00kie-value', 'sid=set-c00kie', 'k3y-for-the-api'];

/** A mirrored request that sends every kind of credential, answered with a cookie. */
beforeAll(async () => {
  const pcap = new PcapStream(capture);
  for (const [server, host, port] of [
    ['10.0.0.2', 'api:80', 40000],
    ['10.0.0.3', 'api-shadow:80', 40001],
  ] as const) {
    const c = await new Connection(pcap, '10.0.0.1', port, server, 80).open();
    await c.request(
      `GET /me HTTP/1.1\r\nHost: ${host}\r\nx-request-id: cred-1\r\nAuthorization: Bearer Bearer-s3cr3t-token\r\nCookie: session=c00kie-value\r\nX-Api-Key: k3y-for-the-api\r\n\r\n`,
    );
    const body = server === '10.0.0.2' ? '{"user":"a"}' : '{"user":"b"}';
    await c.response(`HTTP/1.1 200 OK\r\nSet-Cookie: sid=set-c00kie; HttpOnly\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  }
  await pcap.close();
});

function shadowdump(args: readonly string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'latin1', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--redact', () => {
  const views: Array<[string, string[]]> = [
    ['pairs text', []],
    ['pairs -X', ['-X']],
    ['pairs NDJSON with summary', ['--json', '--summary']],
    ['exchanges', ['--view', 'exchanges']],
    ['exchanges NDJSON', ['--view', 'exchanges', '--json']],
    ['packets -A', ['--view', 'packets', '-A']],
    ['packets -X', ['--view', 'packets', '-X']],
  ];
  for (const [name, args] of views) {
    it(`${name}: no secret is shown`, () => {
      const plain = shadowdump([...args, '-r', capture]);
      const redacted = shadowdump(['--redact=x-api-key', ...args, '-r', capture]);
      expect(redacted.code).toBe(0);
      // The same run without --redact does show them: the test sees what it hides.
      if (!args.includes('-X') && !(args.includes('exchanges') && !args.includes('--json'))) expect(plain.stdout).toContain('Bearer-s3cr3t-token');
      for (const secret of SECRETS) expect(redacted.stdout).not.toContain(secret);
    });
  }

  it('the headers are still there, marked; the hex dump is starred', () => {
    const text = shadowdump(['--redact', '-r', capture]).stdout;
    expect(text).toContain('\tAuthorization: [redacted]');
    expect(text).toContain('\tSet-Cookie: [redacted]');
    expect(text).toContain('\tX-Api-Key: k3y-for-the-api'); // not named: kept
    const packets = shadowdump(['--redact', '--view', 'packets', '-A', '-r', capture]).stdout;
    expect(packets).toMatch(/Authorization:\*+\n/);
  });

  it('HAR export', () => {
    const har = join(dir, 'out.har');
    expect(shadowdump(['--redact=X-Api-Key', '--har', har, '--view', 'summary', '-r', capture]).code).toBe(0);
    const text = readFileSync(har, 'utf8');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('refuses --flows, whose raw streams it cannot mask', () => {
    const r = shadowdump(['--redact', '--flows', join(dir, 'flows'), '-r', capture]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--flows writes the raw streams, which --redact cannot mask/);
  });
});
