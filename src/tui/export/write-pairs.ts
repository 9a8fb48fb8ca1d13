/**
 * The `w` key's side effect: the chosen pairs to a HAR file (every leg, as --har writes them) or
 * to a pcap of the packets kept for them. Resolves to a one-line outcome for the bottom bar;
 * never throws.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { HarWriter } from '../../render/har.js';
import type { RecordedPacket } from '../../render/packet-lines.js';
import type { PairEntry } from '../model/pair-entry.js';
import type { Effect } from '../state/events.js';
import { pcapHeader, pcapRecord } from './pcap-file.js';

export interface EffectOutcome {
  readonly ok: boolean;
  readonly message: string;
}

export async function writePairs(effect: Effect, version: string): Promise<EffectOutcome> {
  try {
    return effect.format === 'pcap' ? await writePcap(effect.path, effect.entries) : await writeHar(effect.path, effect.entries, version);
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

async function writeHar(path: string, entries: readonly PairEntry[], version: string): Promise<EffectOutcome> {
  const har = await HarWriter.open(path, version);
  try {
    for (const e of entries) await har.add(e.report);
  } finally {
    await har.close();
  }
  return { ok: true, message: `wrote ${entries.length} pairs (${har.entryCount} HAR entries) to ${path}` };
}

function keptPackets(entries: readonly PairEntry[]): RecordedPacket[] {
  const packets: RecordedPacket[] = [];
  for (const e of entries) {
    for (const leg of e.legs) {
      packets.push(...leg.request.packets);
      if (leg.response !== null) packets.push(...leg.response.packets);
    }
  }
  return packets.sort((a, b) => a.at - b.at);
}

async function writePcap(path: string, entries: readonly PairEntry[]): Promise<EffectOutcome> {
  const packets = keptPackets(entries);
  const out = createWriteStream(path);
  // Kept, not thrown from an event: a full disk must not take the TUI down.
  let failure: Error | null = null;
  out.on('error', (err) => {
    failure ??= err;
  });
  await once(out, 'ready');
  let written = 0;
  const write = async (b: Buffer): Promise<void> => {
    if (failure !== null) throw failure;
    if (!out.write(b)) await once(out, 'drain');
  };
  await write(pcapHeader());
  for (const p of packets) {
    const record = pcapRecord(p);
    if (record === null) continue;
    await write(record);
    written++;
  }
  const closed = once(out, 'close');
  out.end();
  await closed;
  if (failure !== null) throw failure;
  const missing = packets.length - written;
  return {
    ok: true,
    message: `wrote ${written} packets of ${entries.length} pairs to ${path} (raw IP; the packets that carried the messages${missing > 0 ? `; ${missing} not kept` : ''})`,
  };
}
