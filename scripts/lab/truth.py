#!/usr/bin/env python3
"""Turn one lab run's nginx JSON access logs into ground truth, and check it.

usage: truth.py RUN_DIR RUN_NAME EXPECTED_REQUESTS OUT_PREFIX

Reads the v1, v2 and sidecar access logs in RUN_DIR and writes
  OUT_PREFIX.truth.ndjson    one line per request a backend received ("backend": v1|v2)
  OUT_PREFIX.sidecar.ndjson  one line per request the sidecar handled ("leg": app|mirror|relay)
  OUT_PREFIX.summary.json    counts (also printed)  Fails if the logs contradict the plan or each other:
the captures are only worth committing when their ground truth is consistent.

Lines are sorted by when the request started (log time minus request time, ms
resolution), then by fields that break ties deterministically.
"""
import json
import sys
from datetime import datetime, timezone

run_dir, run_name, expected, out_prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

INTS = ("status", "body_bytes", "request_length", "content_length", "connection",
        "connection_request")
FLOATS = ("request_time", "upstream_response_time")


def load(name):
    rows = []
    with open(f"{run_dir}/{name}.access.ndjson") as f:
        for line in f:
            row = json.loads(line)
            for k in INTS:
                if k in row:
                    row[k] = int(row[k]) if row[k] not in ("", "-") else None
            for k in FLOATS:
                # upstream_response_time can be "0.001, 0.000" after a retry; keep those as text
                if k in row and row[k] not in ("", "-") and "," not in row[k]:
                    row[k] = float(row[k])
            end_ms = round(float(row.pop("ts")) * 1000)
            start_ms = end_ms - round((row["request_time"] or 0) * 1000)
            row["start"] = datetime.fromtimestamp(start_ms / 1000, timezone.utc).isoformat(
                timespec="milliseconds").replace("+00:00", "Z")
            row["_start_ms"] = start_ms
            rows.append({"run": run_name, **row})
    return rows


def ordered(rows, *tie):
    rows.sort(key=lambda r: (r["_start_ms"], *(r.get(k) or "" for k in tie)))
    for r in rows:
        del r["_start_ms"]
    return rows


def fail(msg):
    sys.exit(f"truth.py: {run_name}: {msg}")


backends = load("v1") + load("v2")
sidecar = load("sidecar")
for r in sidecar:
    r["leg"] = ("mirror" if r["uri"] == "/__shadow"
                else "relay" if r["client"].startswith("unix:") else "app")

v1 = {}
for r in backends:
    if r["backend"] == "v1":
        if r["request_id"] in v1:
            fail(f"v1 saw x-request-id {r['request_id']} twice")
        v1[r["request_id"]] = r
v2_ids = {r["request_id"] for r in backends if r["backend"] == "v2"}
app = {r["request_id"]: r for r in sidecar if r["leg"] == "app"}
refused = {r["request_id"] for r in sidecar
           if r["leg"] == "relay" and r["upstream_status"] == "502"}

if len(v1) != expected:
    fail(f"the plan sent {expected} requests, v1 logged {len(v1)}")
if not v2_ids <= v1.keys():
    fail(f"v2 saw ids v1 never saw: {sorted(v2_ids - v1.keys())}")
if not app.keys() <= v1.keys():
    fail(f"sidecar forwarded ids v1 never saw: {sorted(app.keys() - v1.keys())}")

# What the primary request's shadow became: the pairing a correct analyzer must find.
for rid, r in v1.items():
    r["via"] = "sidecar" if rid in app else "direct"
    r["shadow"] = ("v2" if rid in v2_ids else "connect-refused" if rid in refused
                   else "not-mirrored")

with open(f"{out_prefix}.truth.ndjson", "w") as f:
    for r in ordered(backends, "backend", "connection", "connection_request"):
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
with open(f"{out_prefix}.sidecar.ndjson", "w") as f:
    for r in ordered(sidecar, "leg", "connection", "connection_request"):
        f.write(json.dumps(r, separators=(",", ":")) + "\n")

count = lambda what: sum(1 for r in v1.values() if r["shadow"] == what)
summary = json.dumps({
    "run": run_name,
    "client_requests": expected,
    "v1_requests": len(v1),
    "v2_requests": len(v2_ids),
    "mirrored": count("v2"),
    "mirror_connect_refused": count("connect-refused"),
    "not_mirrored": count("not-mirrored"),
    "bypassed_sidecar": sum(1 for r in v1.values() if r["via"] == "direct"),
    "v2_status_differs": sorted(
        r["target"] for r in backends if r["backend"] == "v2"
        and r["status"] != v1[r["request_id"]]["status"]),
})
with open(f"{out_prefix}.summary.json", "w") as f:
    f.write(summary + "\n")
print(summary)
