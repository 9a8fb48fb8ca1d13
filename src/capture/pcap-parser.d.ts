/** Types for pcap-parser 0.2 (CommonJS, no types of its own), limited to what we use. */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  namespace pcapParser {
    interface GlobalHeader {
      magicNumber: number;
      majorVersion: number;
      minorVersion: number;
      gmtOffset: number;
      timestampAccuracy: number;
      snapshotLength: number;
      linkLayerType: number;
    }

    interface PacketHeader {
      timestampSeconds: number;
      timestampMicroseconds: number;
      capturedLength: number;
      originalLength: number;
    }

    interface Packet {
      header: PacketHeader;
      /** A slice of the parser's buffer. */
      data: Buffer;
    }

    interface Parser extends EventEmitter {
      /** The input stream (paused at construction, resumed on the next tick). */
      readonly stream: Readable;
      /** Bytes received but not parsed yet: what is left here at 'end' is a cut-off record. */
      buffer: Buffer | null;
      on(event: 'globalHeader', listener: (header: GlobalHeader) => void): this;
      on(event: 'packetHeader', listener: (header: PacketHeader) => void): this;
      on(event: 'packet', listener: (packet: Packet) => void): this;
      on(event: 'end', listener: () => void): this;
      on(event: 'error', listener: (error: Error) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }

    function parse(input: string | Readable): Parser;
  }

  export = pcapParser;
}
