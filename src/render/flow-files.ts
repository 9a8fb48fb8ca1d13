import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ShadowdumpError } from '../core/errors.js';
import type { Direction, Endpoint } from '../core/flow.js';
import type { Micros } from '../core/time.js';
import type { Connection, EndReason, StreamSink } from '../tcp/types.js';

/**
 * `--flows DIR`: each direction of each TCP connection in its own file, named and filled the way
 * tcpflow 1.6.1 (`tcpflow -r FILE -o DIR`) does, so that the two directories can be diffed:
 *
 * - name `SRCIP.SRCPORT-DSTIP.DSTPORT`: IPv4 octets zero-padded to 3 digits, ports to 5, IPv6 as
 *   inet_ntop prints it (`2001:6f8:900:7c0::2.00080`); `--VLAN` after it when the connection's
 *   first packet had a VLAN tag (the outermost id); `c1`, `c2`, ... when the name is taken
 *   (a later connection on the same 4-tuple: tcpflow takes the first name that does not exist);
 * - a file appears with the first byte of its direction; a direction without data has none;
 * - bytes sit at their stream offset: a gap leaves a hole that reads as zeros (a sparse hole,
 *   as tcpflow's lseek leaves), and a gap at the very end leaves the file shorter, like tcpflow.
 *
 * Differences from tcpflow, by design: tcpflow names VLANs by the raw 802.1Q TCI (priority bits
 * included, and only for TPID 0x8100), we by VLAN id; tcpflow takes Ethernet padding as payload,
 * and opens a new flow after a FIN or a 16 MiB jump, where our reassembly keeps one connection.
 *
 * Writes go through a small buffer per open file and at most `maxOpenFiles` descriptors are
 * open (least recently written closed first), so memory and descriptors stay bounded whatever
 * the number of connections.
 */
export interface FlowFileOptions {
  /** Descriptors kept open at once (default 64). */
  readonly maxOpenFiles?: number;
  /** Write buffer per open file (default 64 KiB). */
  readonly bufferBytes?: number;
  /** Told of each file as it is created (e.g. to list them, or to know which connection wrote which). */
  readonly onFileCreated?: (file: WrittenFlowFile) => void;
}

/** The tcpflow name of the direction `from` -> `to` (without the c1, c2... suffix). */
export function tcpflowName(from: Endpoint, to: Endpoint, vlans: readonly number[]): string {
  const vlan = vlans.length > 0 ? `--${vlans[0]}` : '';
  return `${tcpflowAddress(from.ip)}.${pad(from.port, 5)}-${tcpflowAddress(to.ip)}.${pad(to.port, 5)}${vlan}`;
}

function tcpflowAddress(ip: string): string {
  if (ip.includes(':')) return ip;
  return ip
    .split('.')
    .map((octet) => pad(Number(octet), 3))
    .join('.');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A file the writer created. */
export interface WrittenFlowFile {
  readonly path: string;
  readonly connectionId: number;
  readonly direction: Direction;
}

/** One direction's file. */
class FlowFile {
  /** Path once the file exists. */
  path: string | null = null;
  /** File offset of the next stream byte (gaps move it without writing). */
  pos = 0;
  fd = -1;
  /** Bytes not yet written, for offsets bufStart..bufStart+bufLength. */
  buf: Buffer | null = null;
  bufStart = 0;
  bufLength = 0;

  constructor(
    readonly baseName: string,
    readonly connectionId: number,
    readonly direction: Direction,
  ) {}
}

export class FlowFileWriter implements StreamSink {
  private readonly maxOpenFiles: number;
  private readonly bufferBytes: number;
  private readonly files = new Map<number, Record<Direction, FlowFile>>();
  /** Files with an open descriptor, least recently written first. */
  private readonly open = new Map<FlowFile, true>();
  private readonly spareBuffers: Buffer[] = [];
  private readonly onFileCreated: ((file: WrittenFlowFile) => void) | undefined;
  private dirMade = false;
  /** Files created so far. */
  filesCreated = 0;

  constructor(
    readonly dir: string,
    options: FlowFileOptions = {},
  ) {
    this.maxOpenFiles = Math.max(1, options.maxOpenFiles ?? 64);
    this.bufferBytes = Math.max(1, options.bufferBytes ?? 64 * 1024);
    this.onFileCreated = options.onFileCreated;
  }

  onOpen(conn: Connection): void {
    this.files.set(conn.id, {
      request: new FlowFile(tcpflowName(conn.client, conn.server, conn.vlans), conn.id, 'request'),
      response: new FlowFile(tcpflowName(conn.server, conn.client, conn.vlans), conn.id, 'response'),
    });
  }

  onData(conn: Connection, dir: Direction, bytes: Buffer, _first?: Micros, _last?: Micros): void {
    const f = this.files.get(conn.id)?.[dir];
    if (f === undefined) return;
    this.ensureOpen(f);
    const buf = f.buf!;
    if (f.bufLength > 0 && (f.bufStart + f.bufLength !== f.pos || f.bufLength + bytes.length > buf.length)) this.flush(f);
    if (bytes.length >= buf.length) {
      this.writeAt(f, bytes, f.pos);
    } else {
      if (f.bufLength === 0) f.bufStart = f.pos;
      bytes.copy(buf, f.bufLength);
      f.bufLength += bytes.length;
    }
    f.pos += bytes.length;
  }

  onGap(conn: Connection, dir: Direction, length: number, _at?: Micros): void {
    const f = this.files.get(conn.id)?.[dir];
    if (f !== undefined) f.pos += length;
  }

  onClose(conn: Connection, _reason?: EndReason, _at?: Micros): void {
    const pair = this.files.get(conn.id);
    if (pair === undefined) return;
    this.files.delete(conn.id);
    this.release(pair.request);
    this.release(pair.response);
  }

  /** Writes out everything still buffered and closes every file (connections still open stay writable). */
  close(): void {
    for (const f of [...this.open.keys()]) this.release(f);
  }

  private ensureOpen(f: FlowFile): void {
    if (f.fd >= 0) {
      // Most recently written goes last.
      this.open.delete(f);
      this.open.set(f, true);
      return;
    }
    while (this.open.size >= this.maxOpenFiles) this.release(this.open.keys().next().value!);
    if (f.path === null) this.create(f);
    else f.fd = this.attempt(f.path, () => openSync(f.path!, 'r+'));
    f.buf = this.spareBuffers.pop() ?? Buffer.allocUnsafe(this.bufferBytes);
    f.bufLength = 0;
    this.open.set(f, true);
  }

  /** Creates the file under the first free name, as tcpflow does (O_EXCL, then c1, c2, ...). */
  private create(f: FlowFile): void {
    if (!this.dirMade) {
      this.attempt(this.dir, () => mkdirSync(this.dir, { recursive: true }));
      this.dirMade = true;
    }
    for (let n = 0; ; n++) {
      const path = join(this.dir, n === 0 ? f.baseName : `${f.baseName}c${n}`);
      try {
        f.fd = openSync(path, 'wx');
        f.path = path;
        this.filesCreated++;
        this.onFileCreated?.({ path, connectionId: f.connectionId, direction: f.direction });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw failed(path, err);
      }
    }
  }

  private flush(f: FlowFile): void {
    if (f.bufLength > 0) {
      this.writeAt(f, f.buf!.subarray(0, f.bufLength), f.bufStart);
      f.bufLength = 0;
    }
  }

  private writeAt(f: FlowFile, bytes: Buffer, position: number): void {
    let done = 0;
    while (done < bytes.length) done += this.attempt(f.path!, () => writeSync(f.fd, bytes, done, bytes.length - done, position + done));
  }

  /** Flushes and closes a file's descriptor (it can be opened again later). */
  private release(f: FlowFile): void {
    if (f.fd < 0) return;
    this.flush(f);
    const fd = f.fd;
    f.fd = -1;
    this.open.delete(f);
    if (f.buf !== null) {
      this.spareBuffers.push(f.buf);
      f.buf = null;
    }
    this.attempt(f.path!, () => closeSync(fd));
  }

  private attempt<T>(path: string, op: () => T): T {
    try {
      return op();
    } catch (err) {
      throw failed(path, err);
    }
  }
}

function failed(path: string, err: unknown): ShadowdumpError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ShadowdumpError('output-failed', `cannot write flow file ${path} (${reason}); check that the --flows directory is writable and has space`);
}
