#!/usr/bin/env python3
"""Turn one lab run's JSON access logs into ground truth, and check it.

usage: truth.py RUN_DIR RUN_NAME EXPECTED_REQUESTS OUT_PREFIX

Reads the v1, v2 and sidecar access logs in RUN_DIR and writes
  OUT_PREFIX.truth.ndjson    one line per request a backend received ("backend": v1|v2)
  OUT_PREFIX.sidecar.ndjson  one line per request the sidecar handled ("leg": app|mirror|relay)
and prints the run's summary (see summarize; publish.py computes it again from the
committed truth).  Fails if the logs contradict the plan or each other: the captures are
only worth committing when their ground truth is consistent.

With the retrying sidecar (retry-sidecar.mjs) the backends also log x-envoy-attempt-count:
v1 may see one id twice (attempts 1 and 2), v2 sees each id once, with attempt 1.

Lines are sorted by when the request started (log time minus request time, ms
resolution), then by fields that break ties deterministically.
"""
import json
import sys
from collections import defaultdict
from datetime import datetime, timezone

INTS = ("status", "body_bytes", "request_length", "content_length", "connection",
        "connection_request", "attempt_count")
FLOATS = ("request_time", "upstream_response_time")


def load(run_dir, run_name, name):
    rows = []
    with open(f"{run_dir}/{name}.access.ndjson") as f:
        for line in f:
            row = json.loads(line)
            # Logged only where the retrying sidecar sends it; absent, the field goes.
            if row.get("attempt_count") == "":
                del row["attempt_count"]
            for k in INTS:
                if k in row and isinstance(row[k], str):
                    row[k] = int(row[k]) if row[k] not in ("", "-") else None
            for k in FLOATS:
                # upstream_response_time can be "0.001, 0.000" after a retry; keep those as text
                if k in row and isinstance(row[k], str) and row[k] not in ("", "-") and "," not in row[k]:
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


def attempts_by_id(truth):
    """v1's lines per x-request-id, in attempt order (a single line without attempt count)."""
    v1 = defaultdict(list)
    for r in truth:
        if r["backend"] == "v1":
            v1[r["request_id"]].append(r)
    for lines in v1.values():
        lines.sort(key=lambda r: r.get("attempt_count") or 0)
    return v1


def summarize(truth):
    """Counts of one run, from its truth lines (publish.py writes them into the README)."""
    v1 = attempts_by_id(truth)
    final = {rid: lines[-1] for rid, lines in v1.items()}
    count = lambda what: sum(1 for r in final.values() if r["shadow"] == what)
    retried = {rid: lines for rid, lines in v1.items() if len(lines) > 1}
    return {
        "client_requests": len(v1),
        "v1_requests": sum(len(lines) for lines in v1.values()),
        "v2_requests": sum(1 for r in truth if r["backend"] == "v2"),
        "mirrored": count("v2"),
        "mirror_connect_refused": count("connect-refused"),
        "not_mirrored": count("not-mirrored"),
        "bypassed_sidecar": sum(1 for r in final.values() if r["via"] == "direct"),
        "retried": len(retried),
        "retried_still_failing": sorted(lines[-1]["target"] for lines in retried.values()
                                        if lines[-1]["status"] >= 500),
        "v2_status_differs": sorted(
            r["target"] for r in truth if r["backend"] == "v2"
            and r["status"] != final[r["request_id"]]["status"]),
    }


def main():
    run_dir, run_name, expected, out_prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

    def fail(msg):
        sys.exit(f"truth.py: {run_name}: {msg}")

    backends = load(run_dir, run_name, "v1") + load(run_dir, run_name, "v2")
    sidecar = load(run_dir, run_name, "sidecar")
    for r in sidecar:
        # The Node sidecar names its legs; nginx's are told apart by uri and client.
        if "leg" not in r:
            r["leg"] = ("mirror" if r["uri"] == "/__shadow"
                        else "relay" if r["client"].startswith("unix:") else "app")

    v1 = attempts_by_id(backends)
    for rid, lines in v1.items():
        attempts = [r.get("attempt_count") for r in lines]
        if attempts != [None] and attempts != list(range(1, len(lines) + 1)):
            fail(f"v1 saw x-request-id {rid} with attempt counts {attempts}")
    v2 = defaultdict(list)
    for r in backends:
        if r["backend"] == "v2":
            v2[r["request_id"]].append(r)
    for rid, lines in v2.items():
        if len(lines) > 1 or lines[0].get("attempt_count") not in (None, 1):
            fail(f"v2 saw x-request-id {rid} {len(lines)} times, attempt count "
                 f"{lines[0].get('attempt_count')}: one mirror copy per request expected")
    app = {r["request_id"]: r for r in sidecar if r["leg"] == "app"}
    refused = {r["request_id"] for r in sidecar
               if r["leg"] != "app" and r["upstream_status"] == "502"}

    if len(v1) != expected:
        fail(f"the plan sent {expected} requests, v1 logged {len(v1)}")
    if not v2.keys() <= v1.keys():
        fail(f"v2 saw ids v1 never saw: {sorted(v2.keys() - v1.keys())}")
    if not app.keys() <= v1.keys():
        fail(f"sidecar forwarded ids v1 never saw: {sorted(app.keys() - v1.keys())}")
    # What the sidecar says it got from each attempt is what v1 says it answered.
    for rid, r in app.items():
        logged = ", ".join(str(a["status"]) for a in v1[rid])
        if r["upstream_status"] != logged:
            fail(f"{rid}: sidecar got {r['upstream_status']!r} from v1, v1 answered {logged!r}")

    # What the primary request's shadow became: the pairing a correct analyzer must find.
    # With retries, each attempt also says how many attempts its request took.
    for rid, lines in v1.items():
        for r in lines:
            r["via"] = "sidecar" if rid in app else "direct"
            r["shadow"] = ("v2" if rid in v2 else "connect-refused" if rid in refused
                           else "not-mirrored")
            if "attempt_count" in r:
                r["attempts"] = len(lines)

    with open(f"{out_prefix}.truth.ndjson", "w") as f:
        for r in ordered(backends, "backend", "connection", "connection_request"):
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    with open(f"{out_prefix}.sidecar.ndjson", "w") as f:
        for r in ordered(sidecar, "leg", "connection", "connection_request"):
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    print(json.dumps({"run": run_name, **summarize(backends)}))


if __name__ == "__main__":
    main()
