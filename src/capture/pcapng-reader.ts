import type { Frame } from '../core/frame.js';
import { ShadowdumpError } from '../core/errors.js';
import type { SourceWarning } from '../core/warnings.js';
import type { ChunkReader } from './chunk-reader.js';
import { ChunkBatchReader } from './chunk-batch-reader.js';
import type { CaptureInterface } from './source.js';
import { UNKNOWN_LINK_TYPE } from './source.js';
import { badBlock, oneLine, truncatedPcapng } from './messages.js';
import { MAX_RECORD_BYTES } from './limits.js';
import { TimestampScale } from './pcapng-timestamp.js';

/** Block types (pcapng draft, section 11.1). */
const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2; // obsolete Packet Block
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Blocks that carry nothing we need: skipped without a word. */
const SKIPPED_QUIETLY = new Set([
  4, // Name Resolution
  5, // Interface Statistics
  7, // IRIG timestamp
  8, // ARINC 429
  9, // systemd Journal Export
  10, // Decryption Secrets
  0x00000bad, // Custom (copiable)
  0x40000bad, // Custom (do not copy)
]);

/** Unknown block types reported one by one up to this many; a fuzzed file could have thousands. */
const MAX_UNKNOWN_TYPES_REPORTED = 16;

const OPT_END = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** What a packet block needs from its interface. */
interface InterfaceState {
  readonly linkType: number;
  readonly snaplen: number;
  readonly scale: TimestampScale;
}

/**
 * pcapng reader: sections in either byte order (it may change at each Section Header Block),
 * any number of interfaces with their own link types and timestamp resolutions, Enhanced,
 * Simple and obsolete Packet Blocks. Frame.interfaceId is the IDB index within its section.
 */
export class PcapngReader extends ChunkBatchReader {
  /** Every interface of every section, in file order. */
  readonly interfaces: CaptureInterface[] = [];
  private section: InterfaceState[] = [];
  private sectionIndex = -1;
  private littleEndian = true;
  private readonly unknownTypes = new Set<number>();

  constructor(
    input: ChunkReader,
    private readonly label: string,
    private readonly warnings: SourceWarning[],
    batchSize: number,
  ) {
    super(input, batchSize);
  }

  /**
   * Reads up to the first Interface Description Block, so that the source can tell its link
   * type before any packet is asked for. Throws for a first section of an unknown version.
   */
  async start(): Promise<void> {
    const none: Frame[] = [];
    while (!this.done && this.interfaces.length === 0) {
      // No packet can come before the first interface: none stays empty.
      this.parseInto(none, true);
      if (this.interfaces.length > 0 || this.done) return;
      await this.refill();
    }
  }

  get linkType(): number {
    return this.interfaces[0]?.linkType ?? UNKNOWN_LINK_TYPE;
  }

  get snaplen(): number {
    return this.interfaces[0]?.snaplen ?? 0;
  }

  /** Parses whole blocks in the current buffer into frames, up to a batch; start() stops it at the first interface. */
  protected override parseInto(frames: Frame[], untilFirstInterface = false): void {
    const input = this.input;
    const buf = input.buf;
    const view = input.view;
    const arrayBuffer = buf.buffer;
    const base = buf.byteOffset;
    const end = buf.length;
    const max = this.batchSize;
    let pos = input.pos;
    let le = this.littleEndian;
    while (frames.length < max) {
      const avail = end - pos;
      if (avail < 8) break;
      const type = view.getUint32(pos, le);
      if (type === SHB) {
        if (avail < 12) break;
        // Each section says its own byte order; take it before reading the block length.
        if (view.getUint32(pos + 8, true) === BYTE_ORDER_MAGIC) le = true;
        else if (view.getUint32(pos + 8, false) === BYTE_ORDER_MAGIC) le = false;
        else {
          this.stop(badBlock(`section header block at offset ${input.consumedBefore + pos} has no byte-order magic; the rest of the file is skipped`));
          break;
        }
        this.littleEndian = le;
      }
      const length = view.getUint32(pos + 4, le);
      if (length < 12 || length % 4 !== 0 || length > MAX_RECORD_BYTES) {
        this.stop(badBlock(`block at offset ${input.consumedBefore + pos} has an invalid length ${length} (must be a multiple of 4, at least 12); the rest of the file is skipped`));
        break;
      }
      if (avail < length) break;
      if (view.getUint32(pos + length - 4, le) !== length) {
        this.stop(badBlock(`block at offset ${input.consumedBefore + pos} ends with length ${view.getUint32(pos + length - 4, le)} instead of ${length}; the rest of the file is skipped`));
        break;
      }
      if (type === EPB || type === PB) {
        if (length < 32) {
          this.stop(this.tooShort(type, length, pos));
          break;
        }
        const interfaceId = type === EPB ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
        const iface = this.section[interfaceId];
        if (iface === undefined) {
          this.stop(this.noInterface(interfaceId, pos));
          break;
        }
        const caplen = view.getUint32(pos + 20, le);
        if (caplen > length - 32) {
          this.stop(badBlock(`packet block at offset ${input.consumedBefore + pos} claims ${caplen} captured bytes in a ${length}-byte block; the rest of the file is skipped`));
          break;
        }
        const scale = iface.scale;
        scale.split(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le));
        frames.push({
          tsSec: scale.sec,
          tsNsec: scale.nsec,
          linkType: iface.linkType,
          data: Buffer.from(arrayBuffer, base + pos + 28, caplen),
          origLen: view.getUint32(pos + 24, le),
          interfaceId,
        });
      } else if (type === SPB) {
        const iface = this.section[0];
        if (iface === undefined) {
          this.stop(this.noInterface(0, pos));
          break;
        }
        if (length < 16) {
          this.stop(this.tooShort(type, length, pos));
          break;
        }
        // No captured-length field: the packet is cut at the interface's snaplen, if it has one.
        const origLen = view.getUint32(pos + 8, le);
        let caplen = Math.min(origLen, length - 16);
        if (iface.snaplen !== 0 && caplen > iface.snaplen) caplen = iface.snaplen;
        // A Simple Packet Block has no timestamp; libpcap reports 0 as well.
        frames.push({ tsSec: 0, tsNsec: 0, linkType: iface.linkType, data: Buffer.from(arrayBuffer, base + pos + 12, caplen), origLen, interfaceId: 0 });
      } else if (type === IDB) {
        if (length < 20) {
          this.stop(this.tooShort(type, length, pos));
          break;
        }
        this.addInterface(view, pos, length, le);
        if (untilFirstInterface) {
          pos += length;
          break;
        }
      } else if (type === SHB) {
        const major = view.getUint16(pos + 12, le);
        const minor = view.getUint16(pos + 14, le);
        if (major !== 1) {
          const message = `${this.label}: unsupported pcapng version ${major}.${minor} (only 1.x is known)`;
          if (this.sectionIndex < 0) {
            throw new ShadowdumpError('unsupported-capture', oneLine(`${message}; convert it with editcap -F pcapng ${this.label} out.pcapng`));
          }
          this.stop(badBlock(`section at offset ${input.consumedBefore + pos} has unsupported pcapng version ${major}.${minor}; the rest of the file is skipped`));
          break;
        }
        this.sectionIndex++;
        this.section = [];
      } else if (!SKIPPED_QUIETLY.has(type) && !this.unknownTypes.has(type) && this.unknownTypes.size <= MAX_UNKNOWN_TYPES_REPORTED) {
        this.unknownTypes.add(type);
        const last = this.unknownTypes.size > MAX_UNKNOWN_TYPES_REPORTED;
        const typeName = `0x${type.toString(16).padStart(8, '0')}`;
        this.warnings.push({
          code: 'unknown-block',
          message: last
            ? `skipped pcapng block of unknown type ${typeName} at offset ${input.consumedBefore + pos}; further unknown block types are skipped without a warning`
            : `skipped pcapng block of unknown type ${typeName} (first at offset ${input.consumedBefore + pos})`,
        });
      }
      pos += length;
    }
    input.pos = pos;
  }

  private addInterface(view: DataView, pos: number, length: number, le: boolean): void {
    const linkType = view.getUint16(pos + 8, le);
    const snaplen = view.getUint32(pos + 12, le);
    let tsresol = 6;
    let offsetSec = 0;
    let name: string | undefined;
    // Options are advisory: a malformed one ends option parsing, not the file.
    const end = pos + length - 4;
    let opt = pos + 16;
    while (opt + 4 <= end) {
      const code = view.getUint16(opt, le);
      const size = view.getUint16(opt + 2, le);
      const value = opt + 4;
      if (code === OPT_END || value + size > end) break;
      if (code === IF_TSRESOL && size >= 1) tsresol = view.getUint8(value);
      else if (code === IF_TSOFFSET && size >= 8) offsetSec = Number(view.getBigInt64(value, le));
      else if (code === IF_NAME) name = this.input.buf.toString('utf8', value, value + size).replace(/\0+$/, '');
      opt = value + ((size + 3) & ~3);
    }
    this.section.push({ linkType, snaplen, scale: new TimestampScale(tsresol, offsetSec) });
    this.interfaces.push(name === undefined ? { linkType, snaplen, section: this.sectionIndex } : { linkType, snaplen, name, section: this.sectionIndex });
  }

  /** Waits for the rest of the block that did not fit; at the end of input, notes a cut-off block. */
  protected override async refill(): Promise<void> {
    const input = this.input;
    const avail = input.available;
    let need = 8;
    if (avail >= 8) {
      const isShb = input.view.getUint32(input.pos, this.littleEndian) === SHB;
      need = isShb && avail < 12 ? 12 : input.view.getUint32(input.pos + 4, this.littleEndian);
    }
    if (await input.fill(need)) return;
    this.done = true;
    const left = input.available;
    if (left === 0) return;
    // libpcap reads the 8-byte block header, then the rest of the block.
    this.warnings.push(left < 8 ? truncatedPcapng(8, left) : truncatedPcapng(need - 8, left - 8));
  }

  private stop(warning: SourceWarning): void {
    this.warnings.push(warning);
    this.done = true;
  }

  private tooShort(type: number, length: number, pos: number): SourceWarning {
    return badBlock(`block of type ${type} at offset ${this.input.consumedBefore + pos} is too short (${length} bytes); the rest of the file is skipped`);
  }

  private noInterface(interfaceId: number, pos: number): SourceWarning {
    return badBlock(
      `packet block at offset ${this.input.consumedBefore + pos} refers to interface ${interfaceId}, but its section describes only ${this.section.length}; the rest of the file is skipped`,
    );
  }
}
