/** One side of a TCP connection. */
export interface Endpoint {
  /** Printed address: dotted quad or RFC 5952 IPv6. */
  readonly ip: string;
  readonly port: number;
}

export function formatEndpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The two directions of a connection, named from the client's point of view. */
export type Direction = 'request' | 'response';
