#!/usr/bin/env bash
# Live capture in the capture lab (scripts/lab): the standard request plan runs through a lab
# of its own (namespaces sd-<pid>-*, removed on exit however the script ends) while
# `shadowdump -i eth0 -w` and tcpdump both capture the client pod's eth0.  Run as root:
#
#   lab-live.sh OUT_DIR [SHADOWDUMP OPTIONS...]
#
# OUT_DIR receives shadowdump.pcap (its -w file), shadowdump.ndjson (its stdout),
# shadowdump.stderr, tcpdump.pcap, tcpdump.stderr and live.truth.ndjson (the backends' logs
# as ground truth, see scripts/lab/truth.py).  Both captures are stopped with SIGINT, after
# the lab has been idle for longer than a ring-buffer block timeout.
set -euo pipefail

OUT=${1:?usage: lab-live.sh OUT_DIR [SHADOWDUMP OPTIONS...]}
shift
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_DIR=$REPO/scripts/lab
# shellcheck source=../../scripts/lab/lib.sh
. "$LAB_DIR/lib.sh"
# shellcheck source=../../scripts/lab/traffic.sh
. "$LAB_DIR/traffic.sh"

[[ $(id -u) == 0 ]] || die "run as root (namespaces, capture)"
for t in ip nginx tcpdump python3 curl ss node; do
    command -v "$t" >/dev/null || die "$t not found (scripts/install-system-deps.sh installs it)"
done

lab_clean_stale
lab_init $$
trap 'lab_down; rm -rf -- "$LAB_TMP"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$STAGE" "$OUT"
RUN_NAME=live SIDECAR_KIND=envoy

lab_up
tcpdump_capture tcpdump.pcap "$NS_CLIENT" eth0
# shadowdump writes its view to stdout: a shell in the namespace redirects it, then execs
# node, so the PID capture_start keeps is shadowdump's own and SIGINT reaches it.
capture_start shadowdump.pcap "$NS_CLIENT" -- sh -c 'out=$1; shift; exec node "$@" >"$out"' sh \
    "$STAGE/shadowdump.ndjson" "$REPO/dist/cli/main.js" -i eth0 -w "$STAGE/shadowdump.pcap" "$@"
traffic_plan
sidecar_quit
capture_stop_all
python3 "$LAB_DIR/truth.py" "$RUN" live "$REQUESTS_SENT" "$STAGE/live" >&2
cp "$STAGE"/shadowdump.pcap "$STAGE"/shadowdump.ndjson "$STAGE"/tcpdump.pcap "$STAGE"/live.truth.ndjson "$OUT"/
cp "$STAGE"/shadowdump.pcap.stderr "$OUT"/shadowdump.stderr
cp "$STAGE"/tcpdump.pcap.stderr "$OUT"/tcpdump.stderr
