import { openCapture } from '../../src/capture/open-capture.js';
import { frameMicros, type Micros } from '../../src/core/time.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { TcpReassembler } from '../../src/tcp/reassembler.js';
import type { StreamSink } from '../../src/tcp/types.js';

/**
 * Every frame of a capture file through a TcpReassembler (default options) into `sink`, then
 * `finish` at the time of the last frame.
 */
export async function reassembleCapture(file: string, sink: StreamSink): Promise<void> {
  const reassembler = new TcpReassembler(sink);
  const source = await openCapture(file);
  let t: Micros = 0;
  for await (const batch of source.batches()) {
    for (const frame of batch) {
      t = frameMicros(frame);
      reassembler.addPacket(decodeFrame(frame), t);
    }
  }
  reassembler.finish(t);
}
