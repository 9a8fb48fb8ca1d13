import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShadowdumpError } from '../../src/core/errors.js';
import { FlowFileWriter, tcpflowName, type WrittenFlowFile } from '../../src/render/flow-files.js';
import { TcpReassembler } from '../../src/tcp/reassembler.js';
import type { Connection } from '../../src/tcp/types.js';
import { Script } from './builder.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'shadowdump-flowfiles-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function conn(id: number, client: string, cport: number, server: string, sport: number, vlans: number[] = []): Connection {
  return { id, client: { ip: client, port: cport }, server: { ip: server, port: sport }, rolesFromHandshake: true, vlans, reuse: 0, firstSeen: 0 };
}

const B = (s: string) => Buffer.from(s, 'latin1');

describe('tcpflowName', () => {
  it.each([
    [{ ip: '10.233.75.12', port: 38836 }, { ip: '10.233.75.11', port: 80 }, [], '010.233.075.012.38836-010.233.075.011.00080'],
    [{ ip: '2001:6f8:900:7c0::2', port: 80 }, { ip: '2001:6f8:102d:0:2d0:9ff:fee3:e8de', port: 59201 }, [], '2001:6f8:900:7c0::2.00080-2001:6f8:102d:0:2d0:9ff:fee3:e8de.59201'],
    [{ ip: '::1', port: 8080 }, { ip: '::1', port: 58799 }, [], '::1.08080-::1.58799'],
    [{ ip: '192.168.202.94', port: 52356 }, { ip: '192.168.28.253', port: 8000 }, [120], '192.168.202.094.52356-192.168.028.253.08000--120'],
    [{ ip: '1.2.3.4', port: 0 }, { ip: '255.255.255.255', port: 65535 }, [30, 20, 10], '001.002.003.004.00000-255.255.255.255.65535--30'],
  ])('%j -> %j', (from, to, vlans, name) => {
    expect(tcpflowName(from, to, vlans)).toBe(name);
  });
});

describe('FlowFileWriter', () => {
  it('writes each direction to its own file, gaps as holes that read as zeros', () => {
    const dir = tempDir();
    const created: WrittenFlowFile[] = [];
    const w = new FlowFileWriter(dir, { onFileCreated: (f) => created.push(f) });
    const c = conn(0, '10.0.0.1', 40000, '10.0.0.2', 80);
    w.onOpen(c);
    w.onData(c, 'request', B('GET '), 0, 0);
    w.onGap(c, 'request', 3, 0);
    w.onData(c, 'request', B('/x'), 0, 0);
    w.onData(c, 'response', B('HTTP/1.1 200'), 0, 0);
    w.onGap(c, 'response', 100, 0); // at the end: nothing written, like tcpflow
    w.onClose(c);
    expect(readdirSync(dir).sort()).toEqual(['010.000.000.001.40000-010.000.000.002.00080', '010.000.000.002.00080-010.000.000.001.40000']);
    expect(readFileSync(join(dir, '010.000.000.001.40000-010.000.000.002.00080'))).toEqual(Buffer.from('GET \0\0\0/x', 'latin1'));
    expect(readFileSync(join(dir, '010.000.000.002.00080-010.000.000.001.40000'), 'latin1')).toBe('HTTP/1.1 200');
    expect(created.map((f) => [f.connectionId, f.direction])).toEqual([
      [0, 'request'],
      [0, 'response'],
    ]);
    expect(w.filesCreated).toBe(2);
  });

  it('makes no file for a direction without data (a leading gap alone makes none either)', () => {
    const dir = tempDir();
    const w = new FlowFileWriter(dir);
    const c = conn(0, '10.0.0.1', 40000, '10.0.0.2', 80);
    w.onOpen(c);
    w.onGap(c, 'response', 10, 0);
    w.onData(c, 'request', B('x'), 0, 0);
    w.onClose(c);
    expect(readdirSync(dir)).toEqual(['010.000.000.001.40000-010.000.000.002.00080']);
  });

  it('names later connections on the same 4-tuple c1, c2 ... per direction, as tcpflow does', () => {
    const dir = tempDir();
    const w = new FlowFileWriter(dir);
    const a = conn(0, '10.0.0.1', 40000, '10.0.0.2', 80);
    const b = conn(1, '10.0.0.1', 40000, '10.0.0.2', 80);
    const c = conn(2, '10.0.0.1', 40000, '10.0.0.2', 80);
    for (const [x, dirs] of [
      [a, ['request']],
      [b, ['request', 'response']],
      [c, ['request']],
    ] as const) {
      w.onOpen(x);
      for (const d of dirs) w.onData(x, d, B(`${x.id}${d}`), 0, 0);
      w.onClose(x);
    }
    expect(readdirSync(dir).sort()).toEqual([
      '010.000.000.001.40000-010.000.000.002.00080',
      '010.000.000.001.40000-010.000.000.002.00080c1',
      '010.000.000.001.40000-010.000.000.002.00080c2',
      '010.000.000.002.00080-010.000.000.001.40000', // the first response with data takes the plain name
    ]);
    expect(readFileSync(join(dir, '010.000.000.001.40000-010.000.000.002.00080c2'), 'latin1')).toBe('2request');
  });

  it('takes the next free name when the directory already has the file (O_EXCL, like tcpflow)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '010.000.000.001.40000-010.000.000.002.00080'), 'old');
    const w = new FlowFileWriter(dir);
    const c = conn(0, '10.0.0.1', 40000, '10.0.0.2', 80);
    w.onOpen(c);
    w.onData(c, 'request', B('new'), 0, 0);
    w.onClose(c);
    expect(readFileSync(join(dir, '010.000.000.001.40000-010.000.000.002.00080'), 'latin1')).toBe('old');
    expect(readFileSync(join(dir, '010.000.000.001.40000-010.000.000.002.00080c1'), 'latin1')).toBe('new');
  });

  it('keeps at most maxOpenFiles descriptors and small buffers, whatever the number of connections', () => {
    const dir = tempDir();
    const w = new FlowFileWriter(dir, { maxOpenFiles: 2, bufferBytes: 8 });
    const conns = [0, 1, 2, 3, 4].map((i) => conn(i, '10.0.0.1', 40000 + i, '10.0.0.2', 80));
    for (const c of conns) w.onOpen(c);
    const expected = new Map<number, string>();
    for (let round = 0; round < 20; round++) {
      for (const c of conns) {
        const chunk = `${c.id}:${round};`.repeat((round % 3) + 1); // sometimes longer than the buffer
        w.onData(c, 'request', B(chunk), 0, 0);
        expected.set(c.id, (expected.get(c.id) ?? '') + chunk);
        expect(openDescriptors(w)).toBeLessThanOrEqual(2);
      }
    }
    for (const c of conns) w.onClose(c);
    for (const c of conns) {
      expect(readFileSync(join(dir, tcpflowName(c.client, c.server, [])), 'latin1')).toBe(expected.get(c.id));
    }
  });

  it('writes a huge gap as a sparse hole, not as written zeros', () => {
    const dir = tempDir();
    const w = new FlowFileWriter(dir);
    const c = conn(0, '10.0.0.1', 40000, '10.0.0.2', 80);
    w.onOpen(c);
    w.onData(c, 'request', B('a'), 0, 0);
    w.onGap(c, 'request', 1 << 30, 0);
    w.onData(c, 'request', B('b'), 0, 0);
    w.onClose(c);
    const st = statSync(join(dir, '010.000.000.001.40000-010.000.000.002.00080'));
    expect(st.size).toBe(2 + (1 << 30));
    expect(st.blocks * 512).toBeLessThan(1 << 20);
  });

  it('fails with a ShadowdumpError naming the file when it cannot write', () => {
    const dir = tempDir();
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const w = new FlowFileWriter(join(file, 'flows'));
    const c = conn(0, '10.0.0.1', 40000, '10.0.0.2', 80);
    w.onOpen(c);
    let error: unknown;
    try {
      w.onData(c, 'request', B('x'), 0, 0);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ShadowdumpError);
    expect((error as ShadowdumpError).code).toBe('output-failed');
    expect((error as ShadowdumpError).message).toContain('not-a-dir');
  });

  it('writes what the reassembler delivers, reordered input included', () => {
    const dir = tempDir();
    const w = new FlowFileWriter(dir);
    const r = new TcpReassembler(w);
    const s = new Script({ ip: '10.233.75.12', port: 38836, isn: 77 }, { ip: '10.233.75.11', port: 80, isn: 99 });
    const a = s.segment('request', 'GET / HTTP/1.1\r\n');
    const b = s.segment('request', 'Host: x\r\n\r\n');
    let t = 1_000_000;
    for (const p of [...s.handshake(), b, a, s.segment('response', 'HTTP/1.1 204 No Content\r\n\r\n'), s.fin('request'), s.fin('response')]) r.addPacket(p, (t += 1000));
    r.finish(t);
    w.close();
    expect(readFileSync(join(dir, '010.233.075.012.38836-010.233.075.011.00080'), 'latin1')).toBe('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(readFileSync(join(dir, '010.233.075.011.00080-010.233.075.012.38836'), 'latin1')).toBe('HTTP/1.1 204 No Content\r\n\r\n');
  });
});

function openDescriptors(w: FlowFileWriter): number {
  // The open-file LRU is private; count the descriptors this process has on the writer's files instead.
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(w.dir)) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}
