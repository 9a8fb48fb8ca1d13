/** The tcpdump options the packet view honours, named for what they do. */
export type TimestampStyle =
  | 'local-time' // default: HH:MM:SS.ffffff in the local time zone
  | 'none' // -t
  | 'epoch' // -tt
  | 'delta-previous' // -ttt
  | 'local-date-time' // -tttt
  | 'delta-first'; // -ttttt

export type PayloadDump = 'none' | 'ascii' | 'hex-ascii';

export interface TcpdumpOptions {
  readonly timestamps: TimestampStyle;
  readonly payload: PayloadDump;
  /** -n/-nn: ports as numbers; without, well-known ports by name. Host names are never resolved. */
  readonly numericPorts: boolean;
  /** Names for addresses (pod names from --pods), printed in their place; tcpdump itself has none. */
  readonly addressNames?: AddressNames;
  /** --redact: a copy of the dumped bytes with credential header values starred out. */
  readonly redactPayload?: (bytes: Buffer) => Buffer;
}

/** A name for an address (as text: 10.0.0.7, fd00::7), or undefined to print the address. */
export type AddressNames = (ip: string) => string | undefined;

export const DEFAULT_TCPDUMP_OPTIONS: TcpdumpOptions = { timestamps: 'local-time', payload: 'none', numericPorts: true };
