/**
 * Our HTTP exchanges against tshark's HTTP view, over every capture in captures/ and the public
 * corpus: the whole middle of the pipeline (decode, TCP reassembly, HTTP) on real traffic.
 *
 * Compared per message (see tshark-view.ts): client > server, the time of the frame that
 * completes the message, method and target of requests, status of responses, and which request
 * each response answers (by the time of that request). tshark's view is precomputed for the
 * public corpus (oracle/<capture>.http.tsv, tshark 4.0); for the lab captures tshark runs here
 * with the same fields (and out-of-order reassembly, see tshark-view.ts).
 *
 * Every disagreement is listed below with its reason, exactly: a regression and an unexpected
 * improvement both fail. `tsharkUnpaired` counts responses tshark shows without their request
 * (http.request_in missing) that match one of ours apart from the pairing.
 *
 * Recurring reasons:
 * - 1XX: tshark gives a 100 Continue no request_in (the request it answers is not complete yet).
 * - PIPELINED-FRAME: tshark pairs only the first of several requests that arrive in one frame.
 * - HEAD-PIPELINED: tshark reads the body a HEAD response announces (Content-Length) and swallows
 *   the next pipelined response (204) as its "continuation"; it then shows one unpaired 200 where
 *   there were a 200 (HEAD) and a 204.
 * - CLOSE-DELIMITED: a response whose body ends with the connection: tshark dates it at the FIN
 *   that ends it, we at its last byte (responseEnd is the last byte's packet; the StreamSink
 *   contract has no per-direction end time).
 * - INCOMPLETE-OURS: a response with missing bytes (gap, end of capture): we emit it marked
 *   incomplete (`complete: false`, named anomalies); tshark shows no message it could not finish.
 * - ORPHAN: a response whose request is not in the capture (capture started after it, or the
 *   request was lost): tshark shows it unpaired; we count it (http.response-without-request) and
 *   never turn it into an exchange.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCaptures } from '../helpers/captures.js';
import { captureExchanges } from './capture-exchanges.js';
import { compare, ourLines, tsharkLines, tsharkRows } from './tshark-view.js';

interface Accepted {
  readonly reason: string;
  readonly tsharkUnpaired?: number;
  readonly onlyTshark?: readonly string[];
  readonly onlyOurs?: readonly string[];
}

/**
 * HEAD-PIPELINED on `conn` (GET /users/10, HEAD /get, GET /status/204 pipelined to v1): tshark shows
 * one unpaired 200 (at the time of our 204) where we pair a 200 and a 204 with the HEAD request.
 * Times are the `@` stamps of the request, the 200 and the 204.
 */
function headPipelined(
  conn: string,
  at: { readonly request: string; readonly ok: string; readonly noContent: string },
  reason = '1XX (the direct POST with Expect: 100-continue); HEAD-PIPELINED (GET /users/10, HEAD /get, GET /status/204 pipelined to v1).',
  tsharkUnpaired = 1,
): Accepted {
  return {
    reason,
    tsharkUnpaired,
    onlyTshark: [`${conn} response @${at.noContent} 200 to ?`],
    onlyOurs: [
      `${conn} response @${at.ok} 200 to @${at.request}`,
      `${conn} response @${at.noContent} 204 to @${at.request}`,
    ],
  };
}

const ACCEPTED: Record<string, Accepted> = {
  'any.pcap': headPipelined(
    '10.233.75.12:60232 > 10.233.75.11:80',
    { request: '1795316680.445879', ok: '1795316680.446200', noContent: '1795316680.446230' },
    '1XX (x2: the POSTs with Expect: 100-continue, on the loopback leg and on eth0); PIPELINED-FRAME (x2: the 3 GETs written at once to the sidecar); HEAD-PIPELINED (GET /users/10, HEAD /get, GET /status/204 pipelined to v1).',
    4,
  ),
  'client-eth0-nsec.pcap': headPipelined('10.233.75.12:60232 > 10.233.75.11:80', { request: '1795316680.445879', ok: '1795316680.446201', noContent: '1795316680.446231' }),
  'client-eth0-snap96.pcap': {
    reason:
      '96-byte snaplen: each packet keeps ~30 payload bytes, the rest of every message is a gap. We salvage what the start lines say (exchanges all incomplete); tshark leaves most responses unpaired (27). The two onlyOurs/onlyTshark pairs: tshark pairs the 200 of GET /static/app.js with the request before it (GET /missing/deep/path?x=1, already answered 404); the backend logs (client-eth0-snap96.truth.ndjson) agree with us. The two unpaired 200/204 of the pipelined HEAD /get and GET /status/204 are ORPHAN: both requests were cut away with the first request\'s packet.',
    tsharkUnpaired: 27,
    onlyTshark: [
      '10.233.75.12:40200 > 10.233.75.13:80 response @1795316679.980043 200 to @1795316679.960940',
      '10.233.75.12:60204 > 10.233.75.11:80 response @1795316679.980122 200 to @1795316679.960806',
      '10.233.75.12:60232 > 10.233.75.11:80 response @1795316680.446200 200 to ?',
      '10.233.75.12:60232 > 10.233.75.11:80 response @1795316680.446230 204 to ?',
    ],
    onlyOurs: [
      '10.233.75.12:40200 > 10.233.75.13:80 response @1795316679.980043 200 to @1795316679.979881',
      '10.233.75.12:60204 > 10.233.75.11:80 response @1795316679.980122 200 to @1795316679.979708',
    ],
  },
  'client-eth0.pcap': headPipelined('10.233.75.12:60232 > 10.233.75.11:80', { request: '1795316680.445879', ok: '1795316680.446201', noContent: '1795316680.446231' }),
  'client-eth0.pcapng': headPipelined('10.233.75.12:60232 > 10.233.75.11:80', { request: '1795316680.445879', ok: '1795316680.446201', noContent: '1795316680.446231' }),
  'lossy-unseen.pcap': headPipelined('10.233.75.12:57824 > 10.233.75.11:80', { request: '1795316694.273954', ok: '1795316694.274313', noContent: '1795316694.274340' }),
  'lossy.pcap': headPipelined('10.233.75.12:60754 > 10.233.75.11:80', { request: '1795316687.486267', ok: '1795316687.486538', noContent: '1795316687.486562' }),
  'node-bridge.pcap': headPipelined('10.233.75.12:60232 > 10.233.75.11:80', { request: '1795316680.445885', ok: '1795316680.446199', noContent: '1795316680.446229' }),
  'arkime-80211http.pcap': {
    reason:
      'IEEE 802.11 + radiotap link type: src/decode does not decode it, so no TCP reaches the HTTP layer (see the tcpdump oracle\'s accepted list).',
    onlyTshark: [
      '172.5.5.113:49417 > 14.17.32.211:80 request @1523241953.976290 GET /',
      '172.5.5.113:49417 > 14.17.32.211:80 request @1523241954.021914 GET /static/css/base.css',
      '172.5.5.113:49417 > 14.17.32.211:80 request @1523241954.044145 GET /static/css/index.css',
      '172.5.5.113:49417 > 14.17.32.211:80 request @1523241954.318747 GET /static/images/banner.jpg',
      '172.5.5.113:49417 > 14.17.32.211:80 request @1523241954.431119 GET /favicon.ico',
      '172.5.5.113:49417 > 14.17.32.211:80 request @1523241975.662871 POST /post.php',
      '172.5.5.113:49417 > 14.17.32.211:80 request @1523241984.044822 POST /post.php',
      '172.5.5.113:49417 > 14.17.32.211:80 response @1523241953.985407 200 to @1523241953.976290',
      '172.5.5.113:49417 > 14.17.32.211:80 response @1523241954.023107 304 to @1523241954.021914',
      '172.5.5.113:49417 > 14.17.32.211:80 response @1523241954.049203 304 to @1523241954.044145',
      '172.5.5.113:49417 > 14.17.32.211:80 response @1523241954.385895 304 to @1523241954.318747',
      '172.5.5.113:49417 > 14.17.32.211:80 response @1523241954.432790 200 to @1523241954.431119',
      '172.5.5.113:49417 > 14.17.32.211:80 response @1523241975.669045 405 to @1523241975.662871',
      '172.5.5.113:49417 > 14.17.32.211:80 response @1523241984.046379 405 to @1523241984.044822',
    ],
  },
  'arkime-http-100-continue.pcap': {
    reason:
      '1XX.',
    tsharkUnpaired: 1,
  },
  'arkime-tcp-reassembly-synthetic.pcap': {
    reason:
      'CLOSE-DELIMITED (two HTTP/1.0 responses without Content-Length, on a reused port).',
    onlyTshark: [
      '10.180.156.1:40008 > 10.180.156.2:80 response @1700000070.006000 200 to @1700000070.003000',
      '10.180.156.1:40009 > 10.180.156.2:80 response @1700000070.016999 200 to @1700000070.013999',
    ],
    onlyOurs: [
      '10.180.156.1:40008 > 10.180.156.2:80 response @1700000070.004000 200 to @1700000070.003000',
      '10.180.156.1:40009 > 10.180.156.2:80 response @1700000070.014999 200 to @1700000070.013999',
    ],
  },
  'arkime-wireshark-retrans.pcap': {
    reason:
      'Every packet is in the capture 2-3 times: tshark dissects two retransmitted responses again and shows them as extra, unpaired 200s; reassembly delivers those bytes once.',
    onlyTshark: [
      '172.17.96.143:59221 > 172.17.96.77:4000 response @1259023916.524624 200 to ?',
      '172.17.96.143:59221 > 172.17.96.77:4000 response @1259023929.940977 200 to ?',
    ],
  },
  'ndpi-fuzz-2006-09-29-28586.pcap': {
    reason:
      'Fuzzed capture (random corrupted addresses, flags, lengths and payload). tshark shows 5 responses it could not pair: a 100 whose source address was corrupted (another connection for us), the 100 of a retransmission, and 200/220s whose requests are damaged. We salvage 3 of those requests from their damaged heads (gap-in-request-headers, request-truncated), but none pairs: their responses started before them or are on another connection (ORPHAN for us too).',
    onlyTshark: [
      '172.20.3.13:53132 > 172.20.3.1:80 response @1031854489.007208 100 to ?',
      '172.20.3.13:53136 > 172.20.3.5:80 response @1031854562.490983 100 to ?',
      '172.20.3.5:2603 > 172.20.3.13:80 response @1031854514.913731 200 to ?',
      '172.20.3.5:2604 > 172.20.3.13:80 response @1031854532.318013 200 to ?',
      '44.20.3.5:2605 > 172.20.3.13:80 response @1031854535.090106 220 to ?',
    ],
    onlyOurs: [
      '172.20.3.5:2604 > 172.20.3.13:80 request @1031854543.315282 GET /servlets/mms?message-id=189001',
      '172.20.3.5:2605 > 172.20.3.13:80 request @1031854535.021783 POST /servlets/mms',
      '172.20.3.5:2606 > 172.20.3.13:80 request @1031854557.802834 GET /servlets/mms?message-id=189301',
    ],
  },
  'ndpi-http_starting_with_reply.pcapng': {
    reason:
      'ORPHAN (the capture starts with the response).',
    onlyTshark: [
      '192.168.1.103:1044 > 192.168.1.146:80 response @1631378210.397220 200 to ?',
    ],
  },
  'suricata-TLPW1-tcp-174.56.47.59-10.3.11.101-tcp-80-49309.pcap': {
    reason:
      'INCOMPLETE-OURS (45 of 75 packets cut by the snaplen, holes, RST with data unacknowledged: the response has gaps).',
    onlyOurs: [
      '10.3.11.101:49309 > 174.56.47.59:80 response @1552314918.445546 200 to @1552314875.041810',
    ],
  },
  'suricata-http-evader-060.pcap': {
    reason:
      '\'Transfer-Encoding:\' folded over three lines (obs-fold) with \'chunked\' on the last: we read the folded value as chunked and end the response at its last chunk; tshark does not and reads the body to the FIN.',
    onlyTshark: [
      '1.1.1.1:5745 > 8.8.8.8:80 response @1451761681.286291 200 to @1451761681.286200',
    ],
    onlyOurs: [
      '1.1.1.1:5745 > 8.8.8.8:80 response @1451761681.286262 200 to @1451761681.286200',
    ],
  },
  'suricata-http-event-chunk.pcap': {
    reason:
      'CLOSE-DELIMITED (a response of only \'HTTP/1.1 200 OK\' and a blank line, then FIN).',
    onlyTshark: [
      '127.0.0.1:54588 > 127.0.0.1:8008 response @1687255182.642435 200 to @1687255182.642318',
    ],
    onlyOurs: [
      '127.0.0.1:54588 > 127.0.0.1:8008 response @1687255182.642409 200 to @1687255182.642318',
    ],
  },
  'suricata-http-gap-double.pcap': {
    reason:
      'INCOMPLETE-OURS (two holes inside a Content-Length body, skipped in sync: the next exchange parses).',
    onlyOurs: [
      '127.0.0.1:51297 > 127.0.0.1:8080 response @1594625943.024226 200 to @1594625943.023254',
    ],
  },
  'suricata-http-gap-simple.pcap': {
    reason:
      'INCOMPLETE-OURS (a hole inside a Content-Length body, skipped in sync: the next exchange parses).',
    onlyOurs: [
      '127.0.0.1:51297 > 127.0.0.1:8080 response @1594625943.024226 200 to @1594625943.023254',
    ],
  },
  'suricata-http-multiple-cl.pcap': {
    reason:
      'Evasion test: a request with two different Content-Length values (11 and 93) hiding requests in its body. We treat it as a parse error (RFC 9112 6.3) and resynchronise at the next request line, POST /evil.php; tshark takes the last value (93) and finds POST /bad.php after it.',
    onlyTshark: [
      '127.0.0.1:52448 > 127.0.0.1:8000 request @1551779458.638889 POST,POST /which.php,/bad.php',
    ],
    onlyOurs: [
      '127.0.0.1:52448 > 127.0.0.1:8000 request @1551779458.638889 POST,POST /which.php,/evil.php',
    ],
  },
  'suricata-http-multiple100.pcap': {
    reason:
      '1XX (two 100 Continue before the final response).',
    tsharkUnpaired: 2,
  },
  'suricata-http-pipeline-files-with-gap.pcap': {
    reason:
      'INCOMPLETE-OURS (the two pipelined responses have holes; tshark shows the requests only).',
    onlyOurs: [
      '192.168.122.155:51001 > 216.239.138.68:80 response @1442340956.852417 200 to @1442340953.673016',
      '192.168.122.155:51001 > 216.239.138.68:80 response @1442340963.275751 200 to @1442340955.869686',
    ],
  },
  'suricata-http-protocol-nodup.pcap': {
    reason:
      'PIPELINED-FRAME (40 pipelined requests, 4-5 per frame, answered 4-5 per frame: tshark pairs the first response of each frame at most).',
    tsharkUnpaired: 8,
  },
  'suricata-http-start-from-response.pcap': {
    reason:
      'ORPHAN (the capture starts with the response).',
    onlyTshark: [
      '172.16.9.181:38498 > 172.16.9.189:80 response @1530696914.691790 200 to ?',
    ],
  },
  'suricata-ruletype-firewall-88-default-accept-tx-pipeline.pcap': {
    reason:
      'PIPELINED-FRAME.',
    tsharkUnpaired: 1,
  },
  'suricata-syn_retransmit_with_ts.pcap': {
    reason:
      'One direction is VLAN-tagged and the other not: the reassembler keys connections by VLAN (keyByVlan, on by default), so request and response arrive on two connections; the request is emitted without response (response-missing) and the response is ORPHAN.',
    onlyTshark: [
      '10.38.251.146:33372 > 10.38.251.147:80 response @1540604431.000738 200 to @1540604431.000521',
    ],
  },
  'suricata-tfo.pcap': {
    reason:
      'CLOSE-DELIMITED (two responses with Connection: close and no Content-Length; one connection opened with TCP Fast Open, data in the SYN).',
    onlyTshark: [
      '10.99.99.1:55533 > 10.99.99.45:80 response @1402321033.745830 302 to @1402321033.739878',
      '10.99.99.1:55534 > 10.99.99.45:80 response @1402321033.751068 200 to @1402321033.746134',
    ],
    onlyOurs: [
      '10.99.99.1:55533 > 10.99.99.45:80 response @1402321033.745631 302 to @1402321033.739878',
      '10.99.99.1:55534 > 10.99.99.45:80 response @1402321033.750859 200 to @1402321033.746134',
    ],
  },
  'tcpdump-accecn_handshake.pcap': {
    reason:
      'INCOMPLETE-OURS (the capture ends inside the 1 MB response: \'response-truncated: end-of-capture\').',
    onlyOurs: [
      '31.133.146.248:16433 > 66.228.43.12:80 response @1658816768.075386 200 to @1658816768.017141',
    ],
  },
  'tcpdump-ipv4_tcp_http_xml.pcap': {
    reason:
      'ORPHAN (the capture is one response packet).',
    onlyTshark: [
      '10.114.101.120:5767 > 10.21.11.94:80 response @1395173523.342266 200 to ?',
    ],
  },
  'tcpdump-ipv4_tcp_http_xml_tso.pcap': {
    reason:
      'The request is in a TSO packet whose IPv4 total length is 0: src/decode rejects it as tcpdump does (\'bad-len 0\'), so no payload reaches reassembly. tshark dissects it.',
    onlyTshark: [
      '30.7.181.121:39556 > 199.43.68.163:8080 request @1348084214.587897 POST http://gwm-ml-a2.wsodqa.com//research/module-loader/module-loader.asp?user_id=test',
    ],
  },
  'zeek-100-continue.pcap': {
    reason:
      '1XX.',
    tsharkUnpaired: 1,
  },
  'zeek-206_example_b.pcap': {
    reason:
      'The first 206 is reassembled from 52 out-of-order segments: tshark (without tcp.reassemble_out_of_order, as the corpus oracle was made) does not dissect it. With that preference tshark agrees with us exactly; the exchange is complete.',
    onlyOurs: [
      '192.168.72.14:3254 > 65.54.95.206:80 response @1294816094.348450 206 to @1294816093.468314',
    ],
  },
  'zeek-bro.org.pcap': {
    reason:
      'INCOMPLETE-OURS (a response with a hole inside its body, skipped in sync).',
    onlyOurs: [
      '10.0.2.15:55081 > 192.150.187.43:80 response @1389719042.235589 200 to @1389719042.081758',
    ],
  },
  'zeek-entity_gap.pcap': {
    reason:
      'INCOMPLETE-OURS (a response with a hole inside its body).',
    onlyOurs: [
      '141.142.228.5:59856 > 192.150.187.43:80 response @1362692527.009775 200 to @1362692526.939527',
    ],
  },
  'zeek-gap-recovery.pcap': {
    reason:
      'INCOMPLETE-OURS (a response with a hole inside its body; the 9 exchanges after it parse).',
    onlyOurs: [
      '127.0.0.1:56029 > 127.0.0.1:9000 response @1646601897.563251 200 to @1646601896.757740',
    ],
  },
  'zeek-http-body-match.pcap': {
    reason:
      '1XX (x3).',
    tsharkUnpaired: 3,
  },
  'zeek-methods.pcap': {
    reason:
      'Deliberately malformed request lines (\'GET / HTTP/1.\', \'GET /HTTP/1.1\', \'GET/ HTTP/1.1\', \'OPTIONS HTTP/1.1\', non-ASCII methods, ...): tshark parses them leniently; we reject what is not \'token SP target SP HTTP/d.d\' (http.parse-error), so those requests are not exchanges and the server\'s 4xx answers are ORPHAN. The well-formed ones (OPTIONS *, GET /, CCM_POST /, CONNECT /, TRACE /, DELETE /, PUT /, POST /, HEAD /) agree.',
    onlyTshark: [
      '128.2.6.136:46563 > 173.194.75.103:80 request @1354328874.237327 OPTIONS HTTP/1.1',
      '128.2.6.136:46563 > 173.194.75.103:80 response @1354328874.256702 400 to @1354328874.237327',
      '128.2.6.136:46564 > 173.194.75.103:80 response @1354328874.299063 400 to ?',
      '128.2.6.136:46565 > 173.194.75.103:80 request @1354328874.321792 OPTIONS ',
      '128.2.6.136:46565 > 173.194.75.103:80 response @1354328874.342591 400 to @1354328874.321792',
      '128.2.6.136:46567 > 173.194.75.103:80 request @1354328878.470424 GET /',
      '128.2.6.136:46567 > 173.194.75.103:80 response @1354328878.549500 200 to @1354328878.470424',
      '128.2.6.136:46568 > 173.194.75.103:80 request @1354328882.575456 GET /HTTP/1.1',
      '128.2.6.136:46568 > 173.194.75.103:80 response @1354328882.887000 403 to @1354328882.575456',
      '128.2.6.136:46569 > 173.194.75.103:80 response @1354328882.928027 400 to ?',
      '128.2.6.136:46570 > 173.194.75.103:80 response @1354328882.968948 400 to ?',
      '128.2.6.136:46572 > 173.194.75.103:80 response @1354328887.114613 405 to ?',
      '128.2.6.136:46573 > 173.194.75.103:80 response @1354328891.161077 400 to ?',
      '128.2.6.136:46574 > 173.194.75.103:80 response @1354328891.204740 400 to ?',
      '128.2.6.136:46575 > 173.194.75.103:80 response @1354328891.245592 400 to ?',
      '128.2.6.136:46576 > 173.194.75.103:80 response @1354328891.287655 400 to ?',
      '128.2.6.136:46577 > 173.194.75.103:80 request @1354328891.309065 CCM_POST /',
      '128.2.6.136:46577 > 173.194.75.103:80 response @1354328891.328583 405 to @1354328891.309065',
      '128.2.6.136:46578 > 173.194.75.103:80 request @1354328895.355012 CCM_POST /HTTP/1.1',
      '128.2.6.136:46578 > 173.194.75.103:80 response @1354328895.375116 400 to @1354328895.355012',
      '128.2.6.136:46579 > 173.194.75.103:80 response @1354328895.416133 400 to ?',
      '128.2.6.136:46580 > 173.194.75.103:80 response @1354328895.459490 400 to ?',
      '128.2.6.136:46582 > 173.194.75.103:80 request @1354328899.526682 CONNECT /',
      '128.2.6.136:46582 > 173.194.75.103:80 response @1354328899.546703 400 to @1354328899.526682',
      '128.2.6.136:46583 > 173.194.75.103:80 request @1354328903.572533 CONNECT /HTTP/1.1',
      '128.2.6.136:46583 > 173.194.75.103:80 response @1354328903.591924 400 to @1354328903.572533',
      '128.2.6.136:46584 > 173.194.75.103:80 response @1354328903.634196 400 to ?',
      '128.2.6.136:46585 > 173.194.75.103:80 response @1354328903.676395 400 to ?',
      '128.2.6.136:46587 > 173.194.75.103:80 request @1354328907.743696 TRACE /',
      '128.2.6.136:46587 > 173.194.75.103:80 response @1354328907.763841 405 to @1354328907.743696',
      '128.2.6.136:46588 > 173.194.75.103:80 request @1354328911.790590 TRACE /HTTP/1.1',
      '128.2.6.136:46588 > 173.194.75.103:80 response @1354328911.810702 400 to @1354328911.790590',
      '128.2.6.136:46589 > 173.194.75.103:80 response @1354328911.853464 400 to ?',
      '128.2.6.136:46590 > 173.194.75.103:80 response @1354328911.897044 400 to ?',
      '128.2.6.136:46592 > 173.194.75.103:80 request @1354328915.964678 DELETE /',
      '128.2.6.136:46592 > 173.194.75.103:80 response @1354328915.984734 405 to @1354328915.964678',
      '128.2.6.136:46593 > 173.194.75.103:80 request @1354328920.010458 DELETE /HTTP/1.1',
      '128.2.6.136:46593 > 173.194.75.103:80 response @1354328920.029867 400 to @1354328920.010458',
      '128.2.6.136:46594 > 173.194.75.103:80 response @1354328920.072101 400 to ?',
      '128.2.6.136:46595 > 173.194.75.103:80 response @1354328920.114526 400 to ?',
      '128.2.6.136:46597 > 173.194.75.103:80 request @1354328924.183211 PUT /',
      '128.2.6.136:46597 > 173.194.75.103:80 response @1354328924.203200 411 to @1354328924.183211',
      '128.2.6.136:46598 > 173.194.75.103:80 request @1354328924.224567 PUT /HTTP/1.1',
      '128.2.6.136:46598 > 173.194.75.103:80 response @1354328924.243972 411 to @1354328924.224567',
      '128.2.6.136:46599 > 173.194.75.103:80 response @1354328924.287402 400 to ?',
      '128.2.6.136:46600 > 173.194.75.103:80 response @1354328924.328257 400 to ?',
      '128.2.6.136:46602 > 173.194.75.103:80 request @1354328924.391728 POST /',
      '128.2.6.136:46602 > 173.194.75.103:80 response @1354328924.411105 411 to @1354328924.391728',
      '128.2.6.136:46603 > 173.194.75.103:80 request @1354328924.433150 POST /HTTP/1.1',
      '128.2.6.136:46603 > 173.194.75.103:80 response @1354328924.453221 411 to @1354328924.433150',
      '128.2.6.136:46604 > 173.194.75.103:80 response @1354328924.496732 400 to ?',
      '128.2.6.136:46605 > 173.194.75.103:80 response @1354328924.537671 400 to ?',
      '128.2.6.136:46607 > 173.194.75.103:80 request @1354328928.625437 HEAD /',
      '128.2.6.136:46607 > 173.194.75.103:80 response @1354328928.666226 200 to @1354328928.625437',
      '128.2.6.136:46608 > 173.194.75.103:80 request @1354328932.692706 HEAD /HTTP/1.1',
      '128.2.6.136:46608 > 173.194.75.103:80 response @1354328932.712615 400 to @1354328932.692706',
      '128.2.6.136:46609 > 173.194.75.103:80 response @1354328932.754657 400 to ?',
      '128.2.6.136:46610 > 173.194.75.103:80 response @1354328932.796568 400 to ?',
    ],
  },
  'zeek-zero-length-bodies-with-drops.pcap': {
    reason:
      'ORPHAN (the request is in a hole of the capture: \'previous segment not captured\').',
    onlyTshark: [
      '10.0.0.118:51534 > 75.98.70.31:80 response @1300992001.308410 200 to ?',
    ],
  },
};

describe('HTTP exchanges against tshark', () => {
  const captures = allCaptures();
  it('covers the captures', () => {
    expect(captures.length).toBeGreaterThan(70);
    const names = new Set(captures.map((c) => basename(c)));
    expect(Object.keys(ACCEPTED).filter((k) => !names.has(k))).toEqual([]);
  });

  for (const file of captures) {
    const name = basename(file);
    it(name, async () => {
      const { exchanges, frameTimes } = await captureExchanges(file);
      const result = compare(tsharkLines(tsharkRows(file), frameTimes), ourLines(exchanges));
      const accepted = ACCEPTED[name];
      expect(result).toEqual({
        onlyTshark: [...(accepted?.onlyTshark ?? [])].sort(),
        onlyOurs: [...(accepted?.onlyOurs ?? [])].sort(),
        tsharkUnpaired: accepted?.tsharkUnpaired ?? 0,
      });
    });
  }
});
