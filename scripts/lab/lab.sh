#!/usr/bin/env bash
# shadowdump capture lab: real mirrored HTTP traffic between network namespaces, captured
# with the real tools, plus the servers' own logs as ground truth.  Run as root.
#
#   lab.sh [captures]              regenerate captures/lab/ (every run: main, lossy,
#                                  lossy-unseen, no-suffix, retries)
#   lab.sh capture RUN...          regenerate only these runs' captures (and the README)
#   lab.sh big OUT.pcap [--packets N] [--requests R]
#                                  a benchmark capture of exactly N packets (default
#                                  3000000) replicated from R real requests (default 6000)
#   lab.sh up [SIDECAR]            start a lab for manual use (namespaces sd-lab-*), with
#                                  sidecar envoy (default), no-suffix or retries
#   lab.sh traffic                 send the standard request plan through a lab that is up
#   lab.sh down                    stop it
#   lab.sh clean                   remove leftovers of runs that died
#
# LAB_KEEP=1 keeps /tmp/sd-<pid> (configs, logs, raw captures) for debugging until the
# next run.  Nothing leaves the namespaces the script creates; every run cleans up on exit.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)
OUT_DIR=$REPO/captures/lab
# shellcheck source=lib.sh
. "$LAB_DIR/lib.sh"
# shellcheck source=traffic.sh
. "$LAB_DIR/traffic.sh"
# shellcheck source=big.sh
. "$LAB_DIR/big.sh"

usage() { sed -n '4,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

require_root_and_tools() {
    [[ $(id -u) == 0 ]] || die "run as root (namespaces, tcpdump)"
    local t
    for t in ip nginx tcpdump dumpcap tshark capinfos curl python3 iptables nft ss "$@"; do
        command -v "$t" >/dev/null || die "$t not found (apt-get install -y the package providing it)"
    done
    [[ -e /usr/lib/nginx/modules/ngx_http_echo_module.so ]] ||
        die "nginx echo module missing: apt-get install -y libnginx-mod-http-echo"
}

# Scratch space for this invocation, removed however the script ends (with any lab
# instance still up).  Leftovers of invocations that died harder are removed first.
# PARTIAL_OUTPUT names a result being written outside the scratch space; it is removed
# too unless the command finished, so nobody mistakes a half-written file for a result.
scratch() {
    lab_clean_stale
    lab_init $$
    PARTIAL_OUTPUT=""
    trap 'lab_down; [[ -z $PARTIAL_OUTPUT ]] || rm -f -- "$PARTIAL_OUTPUT"; [[ -n ${LAB_KEEP:-} ]] || rm -rf -- "$LAB_TMP"' EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$STAGE"
}

# The runs, in the order `captures` makes them: the sidecar each uses (see sidecar_up in
# lib.sh), what captures it, and the request plan (traffic.sh).
RUNS=(
    # name        sidecar    captures               plan
    "main         envoy      main_captures          traffic_plan"
    "lossy        envoy      lossy_captures         traffic_plan"
    "lossy-unseen envoy      lossy_unseen_captures  traffic_plan"
    "no-suffix    no-suffix  client_eth0_capture    sidecar_plan"
    "retries      retries    client_eth0_capture    retries_plan"
)

run_names() {
    local spec names=()
    for spec in "${RUNS[@]}"; do names+=("${spec%% *}"); done
    echo "${names[*]}"
}

# run_spec NAME: set RUN_NAME, SIDECAR_KIND, RUN_CAPTURES and RUN_PLAN from RUNS.
run_spec() {
    local spec
    for spec in "${RUNS[@]}"; do
        read -r RUN_NAME SIDECAR_KIND RUN_CAPTURES RUN_PLAN <<<"$spec"
        [[ $RUN_NAME == "$1" ]] && return 0
    done
    die "no run named '$1' (runs: $(run_names))"
}

# lab_run NAME: one lab instance from scratch (no warm connections, ARP entries or log
# lines from an earlier run): its captures start, its plan runs, the sidecar closes its
# connections, the captures stop, and the logs become NAME's ground truth.
lab_run() {
    run_spec "$1"
    lab_up
    "$RUN_CAPTURES"
    "$RUN_PLAN"
    sidecar_quit
    capture_stop_all
    python3 "$LAB_DIR/truth.py" "$RUN" "$RUN_NAME" "$REQUESTS_SENT" "$STAGE/$RUN_NAME" >&2
    lab_down
}

# main: one plan watched from every capture point at once, so these captures differ
# only in where and how they were taken, and share one ground truth.
main_captures() {
    tcpdump_capture client-eth0.pcap "$NS_CLIENT" eth0
    capture_start client-eth0.pcapng "$NS_CLIENT" -- \
        dumpcap -i eth0 -w "$STAGE/client-eth0.pcapng"
    tcpdump_capture client-eth0-nsec.pcap "$NS_CLIENT" eth0 --time-stamp-precision=nano
    tcpdump_capture client-eth0-snap96.pcap "$NS_CLIENT" eth0 -s 96
    tcpdump_capture any.pcap "$NS_CLIENT" any
    tcpdump_capture node-bridge.pcap "$NS_NODE" br0
}

# lossy: 5 % of inbound TCP segments dropped in every pod, watched from the bridge.
lossy_captures() {
    drop_in_pods 0.05
    tcpdump_capture lossy.pcap "$NS_NODE" br0
}

# lossy-unseen: 10 % of TCP frames dropped on their way into the bridge, before the
# capture point on br0 sees them.
lossy_unseen_captures() {
    drop_on_bridge 10
    tcpdump_capture lossy-unseen.pcap "$NS_NODE" br0
}

# One capture named after the run, on the client's eth0: both upstream legs, no loopback.
client_eth0_capture() {
    tcpdump_capture "$RUN_NAME.pcap" "$NS_CLIENT" eth0
}

# cmd_captures [RUN...]: make the runs (default: all) and publish them; the other runs'
# files in captures/lab stay as they are.
cmd_captures() {
    require_root_and_tools node
    local t0=$SECONDS run runs=("$@")
    ((${#runs[@]})) || read -r -a runs <<<"$(run_names)"
    for run in "${runs[@]}"; do (run_spec "$run"); done
    scratch
    for run in "${runs[@]}"; do lab_run "$run"; done
    # Checks every file (readable, size, retransmissions where expected, the truth's ids
    # on the wire) before anything in captures/lab is replaced, then writes the files and
    # the README.
    python3 "$LAB_DIR/publish.py" "$STAGE" "$OUT_DIR"
    log "captures/lab: ${runs[*]} regenerated in $((SECONDS - t0)) s"
}

case ${1:-captures} in
    captures) cmd_captures ;;
    capture)
        shift
        (($#)) || die "which run? ($(run_names))"
        cmd_captures "$@"
        ;;
    big) shift; cmd_big "$@" ;;
    up)
        require_root_and_tools node
        SIDECAR_KIND=${2:-envoy}
        lab_init lab
        lab_down
        # A lab that failed to come up is not left half-built.
        trap '(($? == 0)) || lab_down' EXIT
        lab_up
        log "try: ip netns exec $NS_CLIENT curl -v --connect-to $SERVICE_HOST:$SIDECAR http://$SERVICE_HOST/users/7"
        ;;
    traffic)
        lab_init lab
        [[ -e $RUN/sidecar.pid ]] || die "no lab is up: run 'lab.sh up' first"
        traffic_plan
        ;;
    down) lab_init lab; lab_down; rm -rf -- "$LAB_TMP" ;;
    clean) lab_clean_stale ;;
    -h | --help | help) usage 0 ;;
    *) usage ;;
esac
