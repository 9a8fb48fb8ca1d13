import type { Direction, Endpoint } from '../core/flow.js';
import type { Micros } from '../core/time.js';

/**
 * What TCP reassembly tells the layers above, per connection. Modelled on gopacket's
 * reassembly and Zeek's TCP_Reassembler: bytes are delivered in order, once; missing bytes are
 * reported as gaps with their size, never invented; the end of each direction is reported
 * with its reason. Everything is driven by packet time, never by the wall clock.
 */
export interface Connection {
  /** Unique within a run, in order of first packet. */
  readonly id: number;
  /** The side that opened the connection (sent the SYN), or the best guess when no handshake was seen. */
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** True when the roles come from a SYN/SYN-ACK; false when guessed (mid-stream start). */
  readonly rolesFromHandshake: boolean;
  /** VLAN ids of the first packet (part of the flow identity, as tcpflow does). */
  readonly vlans: readonly number[];
  /** 0 for the first connection on a 4-tuple, 1.. for later ones after close (port reuse). */
  readonly reuse: number;
  readonly firstSeen: Micros;
}

/**
 * Why a connection ended:
 * - 'fin': both directions sent a FIN and every byte before it was delivered (or reported as a gap);
 * - 'rst': either side sent a RST;
 * - 'idle': no packet for longer than the idle timeout, in packet time (it may come back later
 *   as a new, mid-stream connection);
 * - 'end-of-capture': still open when the capture ended;
 * - 'evicted': dropped early, by the connection limit or because a new handshake reused its
 *   4-tuple while it was still open.
 */
export type EndReason = 'fin' | 'rst' | 'idle' | 'end-of-capture' | 'evicted';

/** Receiver of reassembled streams (the HTTP layer, the --flows writer, tests). */
export interface StreamSink {
  onOpen(conn: Connection): void;
  /**
   * In-order bytes of one direction. `bytes` may be a view into packet memory: copy it to keep it.
   * `first`/`last` are the times of the first and last packet that carried these bytes.
   */
  onData(conn: Connection, dir: Direction, bytes: Buffer, first: Micros, last: Micros): void;
  /** `length` bytes of this direction are missing at this point (lost, not captured, or given up on). */
  onGap(conn: Connection, dir: Direction, length: number, at: Micros): void;
  /** Both directions are over; no more calls for this connection. */
  onClose(conn: Connection, reason: EndReason, at: Micros): void;
}
