import type { Micros } from '../core/time.js';
import type { Exchange } from '../http/types.js';
import { compareStarts, StartOrder, type StartOrdering } from '../pipeline/start-order.js';
import { roleFromHost, type Role } from '../shadow/classify.js';
import { exchangeJsonBytes } from './exchange-json.js';
import { HeldLines, type HeldLine } from './held-lines.js';
import type { LineSink } from './line-sink.js';
import type { Redactor } from './redact.js';

/** An NDJSON record written as its exchange completed, waiting for its turn in request-start order. */
export interface HeldRecord {
  readonly start: Micros;
  readonly connectionId: number;
  readonly index: number;
  readonly line: HeldLine;
}

const RECORD_STARTS: StartOrdering<HeldRecord> = {
  compare: (a, b) => compareStarts(a.start, a.connectionId, a.index, b.start, b.connectionId, b.index),
  start: (r) => r.start,
};

/**
 * The NDJSON exchange records of `--view exchanges --json`, in request-start order. A record
 * depends on its exchange alone, so it is written as soon as the exchange completes and only
 * its bytes wait for their turn (see HeldLines): the exchanges themselves die young instead of
 * being held.
 */
export class ExchangeRecords {
  private readonly lines = new HeldLines();
  private readonly order = new StartOrder(RECORD_STARTS);
  private readonly roles = new HostRoles();

  constructor(private readonly redactor: Redactor | null) {}

  add(raw: Exchange): void {
    const e = this.redactor === null ? raw : this.redactor.exchange(raw);
    const line = this.lines.keep(exchangeJsonBytes(e, this.roles.of(e.request.host)));
    this.order.add({ start: raw.timing.requestStart, connectionId: raw.connectionId, index: raw.index, line });
  }

  /** The records whose turn has come at packet time `now` (see StartOrder.release). */
  release(now: Micros): HeldRecord[] {
    return this.order.release(now);
  }

  /** Every record left, in order (end of capture). */
  drain(): HeldRecord[] {
    return this.order.drain();
  }

  /** Writes a released record's bytes (no newline); its room is reused after. */
  writeTo(record: HeldRecord, out: Pick<LineSink, 'printBytes'>): void {
    this.lines.writeTo(record.line, out);
  }
}

/** roleFromHost, remembered for the hosts seen last (a capture has a few, each in thousands of exchanges). */
class HostRoles {
  private readonly known = new Map<string, Role>();

  of(host: string | null): Role {
    if (host === null) return roleFromHost(null);
    let role = this.known.get(host);
    if (role === undefined) {
      if (this.known.size >= MAX_HOSTS_REMEMBERED) this.known.clear();
      role = roleFromHost(host);
      this.known.set(host, role);
    }
    return role;
  }
}

const MAX_HOSTS_REMEMBERED = 256;
