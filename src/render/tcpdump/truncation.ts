/**
 * tcpdump stops a printer that walks off the captured bytes and appends " [|proto]" to what
 * was printed so far. The packet printer mirrors that: printers print to a LineSink and throw
 * Truncated, which the packet printer catches for that one packet.
 */
export class Truncated {
  constructor(readonly protocol: string) {}
}

/** A byte reader that behaves like tcpdump's GET_U_1: past the captured bytes it truncates. */
export function byteAt(captured: Uint8Array, index: number, protocol: string): number {
  if (index >= captured.length) throw new Truncated(protocol);
  return captured[index];
}
