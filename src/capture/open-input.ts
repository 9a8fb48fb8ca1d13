import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ShadowdumpError } from '../core/errors.js';
import { ChunkReader } from './chunk-reader.js';
import { oneLine } from './messages.js';
import { READ_CHUNK_BYTES } from './limits.js';

export interface OpenedInput {
  readonly reader: ChunkReader;
  /** How messages name the input: the path, or "standard input". */
  readonly label: string;
}

/** Opens a file (or "-": standard input, or the given stream) as a ChunkReader; maps open errors to one-line ShadowdumpErrors. */
export async function openInput(path: string, stdin?: Readable): Promise<OpenedInput> {
  if (path === '-') {
    const stream = stdin ?? process.stdin;
    const label = 'standard input';
    if (stdin === undefined && process.stdin.isTTY) {
      throw new ShadowdumpError('usage', 'standard input is a terminal, not a capture; pipe one in (tcpdump -w - | shadowdump -r -) or give a file name');
    }
    return { reader: new ChunkReader(stream[Symbol.asyncIterator](), label), label };
  }
  const label = path;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw openError(path, err);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      throw new ShadowdumpError('file-unreadable', oneLine(`${path} is a directory, not a capture file; name a .pcap or .pcapng file in it`));
    }
  } catch (err) {
    await handle.close();
    throw err instanceof ShadowdumpError ? err : openError(path, err);
  }
  // The stream owns the handle from here on and closes it when it ends or is destroyed.
  const stream = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
  return { reader: new ChunkReader(stream[Symbol.asyncIterator](), label), label };
}

function openError(path: string, err: unknown): ShadowdumpError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ShadowdumpError('file-not-found', oneLine(`${path}: no such file; check the path (use - to read a capture from standard input)`));
    case 'EACCES':
    case 'EPERM':
      return new ShadowdumpError('file-unreadable', oneLine(`${path}: permission denied; make the file readable (chmod/chown) or run shadowdump as a user who can read it`));
    case 'EISDIR':
      return new ShadowdumpError('file-unreadable', oneLine(`${path} is a directory, not a capture file; name a .pcap or .pcapng file in it`));
    default: {
      const reason = err instanceof Error ? err.message : String(err);
      return new ShadowdumpError('file-unreadable', oneLine(`cannot open ${path}: ${reason}; check the file and try again`));
    }
  }
}
