#!/usr/bin/env python3
"""Check the captures of lab runs and publish them with their ground truth and README.

usage: publish.py STAGE_DIR OUT_DIR

STAGE_DIR holds what lab.sh produced: the capture files, captures.tsv (name, run,
command) and per run <run>.truth.ndjson and <run>.sidecar.ndjson.  Every capture must
open with tcpdump and capinfos, stay under MAX_FILE bytes, hold exactly the requests its
truth lists (destination, Host, x-request-id, x-envoy-attempt-count, read from the packets'
TCP payloads), and the lossy runs must really contain retransmissions (and holes); only
then are the lab files in OUT_DIR replaced.  Each capture gets <stem>.truth.ndjson next
to it (a copy of its run's truth, so tests can find it from the file name alone).

OUT_DIR/captures.tsv lists every published capture (name, run, command).  Runs that are
not in STAGE_DIR keep their files; the README is written for all of them, their numbers
taken again from the committed files.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from truth import summarize  # noqa: E402

MAX_FILE = 1_000_000
MAX_TOTAL = 3_000_000
ENV = {**os.environ, "TZ": "UTC", "LC_ALL": "C"}

stage, out = sys.argv[1], sys.argv[2]


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV).stdout


def fail(msg):
    sys.exit(f"publish.py: {msg}")


def capinfos(path):
    rows = list(csv.DictReader(run("capinfos", "-T", "-m", "-t", "-E", "-F", "-c", "-s",
                                   "-l", "-u", "-a", "-e", "-o", path).splitlines()))
    return rows[0]


def tshark_counts(path):
    """Frames tshark's TCP analysis flags, and the HTTP messages it parses."""
    filters = ["tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
               "tcp.analysis.out_of_order", "tcp.analysis.lost_segment",
               "tcp.analysis.duplicate_ack"]
    stats = run("tshark", "-n", "-r", path, "-q", "-z", "io,stat,0," + ",".join(filters))
    row = [l for l in stats.splitlines() if "<>" in l][-1]
    frames = [int(n) for n in re.findall(r"\|\s*(\d+)\s*\|\s*\d+\s*(?=\|)", row)]
    counts = dict(zip([f.split(".")[-1] for f in filters], frames))
    for kind, field in (("http_requests", "http.request.method"),
                        ("http_responses", "http.response.code")):
        values = run("tshark", "-n", "-r", path, "-Y", field, "-T", "fields", "-e", field,
                     "-E", "occurrence=a", "-E", "aggregator=,")
        counts[kind] = sum(len(line.split(",")) for line in values.splitlines() if line)
    return counts


REQUEST_HEAD = re.compile(rb"(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP/1\.[01]\r\n(.*?)\r\n\r\n",
                          re.S)


def wire_requests(path, servers):
    """(server, host, x-request-id, x-envoy-attempt-count) of every request head sent to one
    of SERVERS, read from each packet's TCP payload (not tshark's HTTP, which shows only the
    first of several requests in one frame).  Retransmitted copies count once."""
    found = set()
    rows = run("tshark", "-n", "-r", path, "-Y", "tcp.len > 0", "-T", "fields",
               "-e", "ip.dst", "-e", "tcp.dstport", "-e", "tcp.payload")
    for line in rows.splitlines():
        dst, port, payload = line.split("\t")
        if f"{dst}:{port}" not in servers:
            continue
        for head in REQUEST_HEAD.finditer(bytes.fromhex(payload.replace(":", ""))):
            fields = dict(h.split(b":", 1) for h in head.group(1).split(b"\r\n"))
            fields = {k.strip().lower().decode(): v.strip().decode() for k, v in fields.items()}
            found.add((f"{dst}:{port}", fields.get("host", ""), fields.get("x-request-id", ""),
                       fields.get("x-envoy-attempt-count", "")))
    return found


def truth_requests(truth):
    return {(r["server"], r["host"], r["request_id"], str(r.get("attempt_count") or ""))
            for r in truth}


def read_truth(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def stem(name):
    return re.sub(r"\.(pcap|pcapng)$", "", name)


def read_index(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [dict(zip(("name", "run", "command"), line.rstrip("\n").split("\t")))
                for line in f]


# The index after this publication: the staged runs replace their earlier captures in
# place (new runs go last), the other runs stay.
staged = read_index(os.path.join(stage, "captures.tsv"))
staged_runs = list(dict.fromkeys(c["run"] for c in staged))
old = read_index(os.path.join(out, "captures.tsv"))
unlisted = {n for n in os.listdir(out) if re.search(r"\.(pcap|pcapng)$", n)} if os.path.isdir(out) else set()
unlisted -= {c["name"] for c in old + staged}
if unlisted:
    fail(f"{out} holds captures its captures.tsv does not list ({', '.join(sorted(unlisted))}): "
         "regenerate all runs (lab.sh captures) or list them")
captures = []
for c in old:
    if c["run"] not in staged_runs:
        captures.append(c)
    elif not any(k["run"] == c["run"] for k in captures):
        captures.extend(k for k in staged if k["run"] == c["run"])
captures.extend(k for k in staged if k not in captures)
runs = list(dict.fromkeys(c["run"] for c in captures))  # in run order

truth_paths = {}
for r in runs:
    first = next(c for c in captures if c["run"] == r)
    truth_paths[r] = (os.path.join(stage, f"{r}.truth.ndjson") if r in staged_runs
                      else os.path.join(out, f"{stem(first['name'])}.truth.ndjson"))
truths = {r: read_truth(path) for r, path in truth_paths.items()}

total = 0
for c in captures:
    path = os.path.join(stage if c["run"] in staged_runs else out, c["name"])
    head = subprocess.run(["tcpdump", "-nn", "-r", path, "-c", "3"], capture_output=True,
                          text=True, env=ENV)
    if head.returncode != 0 or not head.stdout:
        fail(f"tcpdump cannot read {c['name']}: {head.stderr.strip()}")
    print(f"== {c['name']}: {head.stderr.strip()}\n{head.stdout}", end="", file=sys.stderr)
    c["info"] = capinfos(path)
    c["counts"] = tshark_counts(path)
    size = os.path.getsize(path)
    c["size"] = size
    total += size
    if size > MAX_FILE:
        fail(f"{c['name']} is {size} bytes, over {MAX_FILE}: shrink the plan")
    print(f"   {c['info']['Number of packets']} packets, {size} bytes, "
          f"{c['info']['File encapsulation']}; tshark: {c['counts']}", file=sys.stderr)
    if c["run"].startswith("lossy") and c["counts"]["retransmission"] == 0:
        fail(f"{c['name']} has no retransmissions: the drop rules did not bite")
    if c["run"] == "lossy-unseen" and c["counts"]["lost_segment"] == 0:
        fail(f"{c['name']} has no holes: the bridge drop rule did not bite")
    # The truth is what the capture holds (unless the snaplen cut the headers off).
    if c["info"]["Packet size limit"].isdigit() and int(c["info"]["Packet size limit"]) < 65535:
        continue
    expected = truth_requests(truths[c["run"]])
    seen = wire_requests(path, {r["server"] for r in truths[c["run"]]})
    if seen != expected:
        fail(f"{c['name']}: requests in the truth but not on the wire: "
             f"{sorted(expected - seen)}; on the wire but not in the truth: "
             f"{sorted(seen - expected)}")

summaries = {r: summarize(truths[r]) for r in runs}
for r in runs:
    total += os.path.getsize(truth_paths[r]) * sum(1 for c in captures if c["run"] == r)
if total > MAX_TOTAL:
    print(f"publish.py: warning: {total} bytes in total, over {MAX_TOTAL}", file=sys.stderr)

# Replace the staged runs' files only (captures/lab is generated; nothing else lives there).
os.makedirs(out, exist_ok=True)
for c in old:
    if c["run"] in staged_runs:
        for name in (c["name"], f"{stem(c['name'])}.truth.ndjson", f"{c['run']}.sidecar.ndjson"):
            if os.path.exists(os.path.join(out, name)):
                os.remove(os.path.join(out, name))

for c in staged:
    shutil.copyfile(os.path.join(stage, c["name"]), os.path.join(out, c["name"]))
    shutil.copyfile(os.path.join(stage, f"{c['run']}.truth.ndjson"),
                    os.path.join(out, f"{stem(c['name'])}.truth.ndjson"))
for r in staged_runs:
    shutil.copyfile(os.path.join(stage, f"{r}.sidecar.ndjson"),
                    os.path.join(out, f"{r}.sidecar.ndjson"))
with open(os.path.join(out, "captures.tsv"), "w") as f:
    for c in captures:
        f.write(f"{c['name']}\t{c['run']}\t{c['command']}\n")

# ---------------------------------------------------------------------------------------
# README.md: the prose is fixed, the numbers come from this run.

WHAT = {
    "client-eth0.pcap": "the client pod's eth0: both upstream legs, sidecar -> v1 "
                        "(10.233.75.11:80) and sidecar -> v2 (10.233.75.13:80), plus the "
                        "requests that bypass the sidecar. Ethernet.",
    "client-eth0.pcapng": "the same packets as `client-eth0.pcap`, written by dumpcap as pcapng.",
    "client-eth0-nsec.pcap": "the same packets with nanosecond timestamps (magic `a1b23c4d`).",
    "client-eth0-snap96.pcap": "the same packets cut to 96 bytes: headers plus the first ~30 "
                               "payload bytes; HTTP mostly unparseable, TCP intact.",
    "any.pcap": "`-i any` in the client pod: LINUX_SLL2 with interface index (1 = lo, "
                "2 = eth0; tcpdump elsewhere prints its own names for them) and direction; "
                "shows the loopback leg app -> sidecar (127.0.0.1:15001) as well as eth0, so "
                "every sidecar request appears twice (app view and upstream view).",
    "node-bridge.pcap": "br0 in the node namespace: every pod-to-pod frame (the bridge is "
                        "promiscuous under tcpdump); no loopback leg.",
    "lossy.pcap": "a second run of the same plan with 5 % of inbound TCP segments dropped "
                  "in each pod (iptables `statistic`), captured on br0, where a dropped "
                  "segment is seen once and then again as its retransmission.",
    "lossy-unseen.pcap": "a third run with 10 % of TCP frames dropped as they enter the "
                         "bridge (nftables bridge prerouting), before br0's capture point: "
                         "the capture has holes (\"previous segment not captured\") that "
                         "retransmissions fill later, out of order. Every byte a server "
                         "received is still in the file, just not in sequence order.",
    "no-suffix.pcap": "the client pod's eth0 in a run whose sidecar mirrors without any "
                      "Host suffix (Istio 1.28+'s default): primary and shadow request carry "
                      "the same Host (`httpbin:8000`, or the request's own authority) and the "
                      "same x-request-id; only the destination, v2 (10.233.75.13:80), tells "
                      "the shadow apart. The standard plan without the requests that bypass "
                      "the sidecar.",
    "retries.pcap": "the client pod's eth0 in a run whose sidecar is "
                    "`scripts/lab/retry-sidecar.mjs` (Node.js), with Envoy's retry semantics: "
                    "every attempt to v1 carries `x-envoy-attempt-count` (`1`, then `2` for "
                    "the one retry of a 5xx answer), and the `-shadow` copy is sent once per "
                    "request, with the first attempt (`x-envoy-attempt-count: 1`), never "
                    "with the retry. Headers are lower-case (as Envoy sends them).",
}

lines = []
w = lines.append
w("# Lab captures (generated)\n")
w("Real traffic from `scripts/lab/lab.sh captures` (regenerate with "
  "`sudo scripts/lab/lab.sh captures`; do not edit this file by hand). "
  "The lab is one \"node\": network namespaces for a client pod (curl as the app, nginx "
  "as its sidecar on 127.0.0.1:15001, mirroring like Envoy), `httpbin` v1 (primary, "
  "10.233.75.11) and v2 (shadow, 10.233.75.13), joined by a Linux bridge. "
  "Client pod: 10.233.75.12. The `retries` run replaces nginx by a small Node.js sidecar "
  "that also retries (`scripts/lab/retry-sidecar.mjs`). See `scripts/lab/README.md` for "
  "the set-up; `sudo scripts/lab/lab.sh capture RUN...` regenerates only the named runs.\n")
w("Ground truth, next to every capture:\n")
w("* `<stem>.truth.ndjson`: one line per request a backend received, from the backends' "
  "own access logs. Fields: `run`, `backend` (`v1`|`v2`), `request_id` (x-request-id), "
  "`host`, `method`, `target`, `status`, `body_bytes` (response body as sent, i.e. gzip "
  "bytes for gzip answers), `request_length`, `content_length` (request), `client` / "
  "`server` (ip:port, the TCP flow), `connection` / `connection_request` (nginx's "
  "connection serial and the request's index on it), `request_time` (s), `start` (ms "
  "resolution). v1 lines also have `via` (`sidecar`|`direct`) and `shadow`: `v2` (a "
  "v2 line with the same id exists), `not-mirrored`, or `connect-refused` (the mirror "
  "copy died in the TCP handshake). Sorted by `start`, then backend, connection, request.")
w("* Runs whose sidecar retries (`retries`): every line also has `attempt_count` (the "
  "`x-envoy-attempt-count` the backend received: `1` first attempt, `2` the retry; the "
  "shadow's copy is always `1`), and v1 lines `attempts` (how many attempts v1 saw for "
  "that `request_id`; the last one's `status` is what the app got). So per "
  "`request_id`: the v1 lines are the primary's attempts, the single v2 line (if any) "
  "is the shadow request. Runs without retries have neither field and one v1 line per "
  "id.")
w("* `<run>.sidecar.ndjson`: the sidecar's log for the run: `leg` `app` (request from "
  "the app, loopback), `mirror` (nginx's mirror subrequest) or `relay` (the copy as sent "
  "to v2, with v2's `upstream_status`). The Node sidecar (`retries`) logs `app` lines "
  "whose `upstream_status` lists every attempt's status (`503, 200`, as nginx writes "
  "retries) and `mirror` lines for the copies it sent to v2, with v2's status.")
w("* Captures of the same run share their truth (the truth files are identical copies).\n")

w("| file | run | link type | packets | bytes | time-ordered | tshark: retrans / out-of-order / lost / dup-ack | HTTP req / resp (tshark) | command |")
w("|---|---|---|---|---|---|---|---|---|")
for c in captures:
    i, k = c["info"], c["counts"]
    retrans = k["retransmission"]
    w(f"| `{c['name']}` | {c['run']} | {i['File encapsulation']} ({i['File type']}, "
      f"{i['File time precision']}, snaplen {i['Packet size limit']}) | "
      f"{i['Number of packets']} | {c['size']} | "
      f"{i['Strict time order'].lower()} | "
      f"{retrans} / {k['out_of_order']} / {k['lost_segment']} / {k['duplicate_ack']} | "
      f"{k['http_requests']} / {k['http_responses']} | `{c['command']}` |")
w("")
for c in captures:
    w(f"* `{c['name']}`: {WHAT.get(c['name'], '')} "
      f"Duration {float(c['info']['Capture duration (seconds)']):.2f} s.")
w("")

w("## Runs\n")
for r in runs:
    s = summaries[r]
    not_mirrored = (f"{s['bypassed_sidecar']} sent past the sidecar straight to v1, the rest "
                    "on the `/admin/` route" if s["bypassed_sidecar"] else "the `/admin/` route")
    retried = (f" Retried: {s['retried']} requests (first attempt 5xx, a second attempt "
               f"sent); still failing after the retry: "
               f"{', '.join(s['retried_still_failing']) or 'none'}." if s["retried"] else "")
    refused = (f"; mirror copies refused at connect (`/legacy/`): "
               f"{s['mirror_connect_refused']}" if s["mirror_connect_refused"] else "")
    w(f"* **{r}**: {s['client_requests']} requests from the app; v1 received "
      f"{s['v1_requests']}, v2 {s['v2_requests']} (mirrored copies). Not mirrored: "
      f"{s['not_mirrored']} ({not_mirrored}){refused}.{retried} Status differs on v2 for: "
      f"{', '.join(s['v2_status_differs']) or 'none'}.")
w("")
w("""## The traffic (scripts/lab/traffic.sh)

Host `httpbin:8000` unless noted; "id" = the app sends its own `x-request-id`
(`00000000-0000-4000-8000-0000000000NN`), otherwise the sidecar generates a 32-hex one.
One bullet = one client connection, kept alive across its requests.

* GET `/get`, `/get?page=2&sort=asc`, `/headers`, `/users/1`, `/users/2`, `/users/7`, `/users/17`, `/uuid`
* id: GET `/users/3`, `/users/27`, `/status/{200,201,204,304,404,418,500,503}`, `/version`
* GET `/slow` twice (v1 0.05 s, v2 0.3 s; nginx holds the next request until the mirror finishes)
* GET `/gzip` with `Accept-Encoding` (gzip, chunked), `/chunked` (3 chunks, 20 ms apart), `/gzip` without (Content-Length)
* POST `/post` (JSON), PUT `/put` (300 B), PATCH `/patch`, DELETE `/delete`
* POST `/post` 4 KiB with `Expect: 100-continue`: `100 Continue` from the sidecar, on the loopback leg only (`any.pcap`)
* POST `/anything` with a chunked request body (the sidecar forwards it with Content-Length)
* HEAD `/get`, HEAD `/users/5`
* GET `/nope`, `/missing/deep/path?x=1` (nginx's 404 page)
* GET `/static/app.js` (200), again with `If-None-Match` (304), with `Range: bytes=0-99` (206), `/static/blob.bin` (24 KiB random)
* Host `httpbin` (no port; shadow Host `httpbin-shadow`): GET `/get`
* Host `reviews.default.svc.cluster.local:9080` (shadow `reviews.default.svc.cluster.local-shadow:9080`): GET `/users/4`
* `/admin/health`, `/admin/metrics`: no mirror policy, v1 only
* `/legacy/orders/1`, `/legacy/orders/2`: mirrored to v2 port 81 where nothing listens (SYN, RST)
* three GETs pipelined in one write through the sidecar (`/users/8`, `/get?pipelined=1`, `/users/9`; the last with `Connection: close`)
* straight to v1, bypassing the sidecar: POST `/post` 4 KiB with `Expect: 100-continue` (`100 Continue` on eth0)
* straight to v1, pipelined: GET `/users/10`, HEAD `/get`, GET `/status/204`

The `no-suffix` run sends the same plan without its last two bullets (nothing bypasses
the sidecar), and every shadow Host is the primary's (so `/headers` answers alike on
both). The `retries` run sends the first
two bullets, then one connection with GET `/flaky/1`, id: GET `/flaky/2`, GET
`/users/11`, id: POST `/flaky/3` (JSON body, sent again with the retry), GET `/flaky/4`,
then the `/admin/` bullet (not mirrored). v1 answers 503 to the first attempt of every
`/flaky/` request (the retry gets 200; v2 answers 200 at once), and `/status/500`
fails on both attempts; the sidecar generates UUIDs as ids where the app sends none.

What v2 answers differently: `/users/{id}` with an id ending in 7 (`score` differs, same
length), `/status/503` (v1 200, v2 503), `/slow` (slower), `/version` (names itself),
`/headers` (echoes the `-shadow` Host), `/uuid` (random per backend), `/gzip` (gzip
level 1 instead of 6: other bytes on the wire, same decoded text). Everything else is
byte-identical apart from the `Date` header.

tshark's HTTP counts in the table use its default preferences (no out-of-order
reassembly) and fall short where the capture is cut (`snap96`) or out of order
(`lossy-unseen`); the truth files are what the servers really saw.

Notes: veth and loopback hand packets over with checksum offload, so nearly every TCP
checksum in these files is invalid ("incorrect cksum" with `tcpdump -v`; IP header
checksums are fine); segmentation offload also produces frames larger than the MTU
(up to ~25 KB), and timestamps are occasionally 1 µs out of order (packets from
different CPUs). All of this is what a capture on a real node looks like. Request
headers of the copy come in nginx's order (`Content-Length` before `X-Request-Id`).

`pods.json` is not made by the lab (there is no cluster here): it is written by hand in the
format of `kubectl get pods -A -o json` (a `List` of `Pod` objects with `metadata`, `spec`,
`status.podIP`/`podIPs`) and names the lab's pods as a cluster would, plus a finished pod that
once held v2's IP and a host-network pod, for `--pods`.
""")
with open(os.path.join(out, "README.md"), "w") as f:
    f.write("\n".join(lines))
print(f"published {len(captures)} captures to {out}", file=sys.stderr)
