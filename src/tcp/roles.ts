/**
 * Who is the server of a connection whose handshake was not seen (the capture started
 * mid-stream, or the SYN was lost): the side on a well-known service port, else the side on a
 * privileged port, else the side facing an ephemeral port. When the ports do not tell, the
 * sender of the first packet seen is taken as the client.
 */

/** Service ports seen in meshes and on nodes: HTTP(S), common app ports, Envoy/Istio sidecar ports. */
const SERVICE_PORTS: ReadonlySet<number> = new Set([
  80, 443, 3000, 4000, 5000, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 9080, 9090, 9443,
  15000, 15001, 15006, 15008, 15010, 15012, 15014, 15017, 15020, 15021, 15090,
]);

/** Start of the Linux ephemeral port range (net.ipv4.ip_local_port_range defaults to 32768..60999). */
const EPHEMERAL_START = 32768;

/** True when the destination of the first packet seen is the server, false when its source is. */
export function destinationIsServer(srcPort: number, dstPort: number): boolean {
  const srcService = SERVICE_PORTS.has(srcPort);
  const dstService = SERVICE_PORTS.has(dstPort);
  if (srcService !== dstService) return dstService;
  const srcPrivileged = srcPort < 1024;
  const dstPrivileged = dstPort < 1024;
  if (srcPrivileged !== dstPrivileged) return dstPrivileged;
  const srcEphemeral = srcPort >= EPHEMERAL_START;
  const dstEphemeral = dstPort >= EPHEMERAL_START;
  if (srcEphemeral !== dstEphemeral) return srcEphemeral;
  return true;
}
