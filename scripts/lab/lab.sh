#!/usr/bin/env bash
# shadowdump capture lab: real mirrored HTTP traffic between network namespaces, captured
# with the real tools, plus the servers' own logs as ground truth.  Run as root.
#
#   lab.sh [captures]              regenerate captures/lab/ (runs main, lossy, lossy-unseen)
#   lab.sh big OUT.pcap [--packets N] [--requests R]
#                                  a benchmark capture of exactly N packets (default
#                                  3000000) replicated from R real requests (default 6000)
#   lab.sh up                      start a lab for manual use (namespaces sd-lab-*)
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

usage() { sed -n '4,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

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

# lab_run NAME SETUP: one lab instance from scratch (no warm connections, ARP entries or
# log lines from an earlier run): SETUP starts the captures, the plan runs, the sidecar
# closes its connections, the captures stop, and the logs become NAME's ground truth.
lab_run() {
    RUN_NAME=$1
    lab_up
    "$2"
    traffic_plan
    sidecar_quit
    capture_stop_all
    python3 "$LAB_DIR/truth.py" "$RUN" "$RUN_NAME" "$REQUESTS_SENT" "$STAGE/$RUN_NAME" >&2
    lab_down
}

# main: one plan watched from every capture point at once, so these captures differ
# only in where and how they were taken, and share one ground truth.
main_captures() {
    capture_start client-eth0.pcap "$NS_CLIENT" -- \
        "${TCPDUMP[@]}" -i eth0 -w "$STAGE/client-eth0.pcap"
    capture_start client-eth0.pcapng "$NS_CLIENT" -- \
        dumpcap -i eth0 -w "$STAGE/client-eth0.pcapng"
    capture_start client-eth0-nsec.pcap "$NS_CLIENT" -- \
        "${TCPDUMP[@]}" -i eth0 --time-stamp-precision=nano -w "$STAGE/client-eth0-nsec.pcap"
    capture_start client-eth0-snap96.pcap "$NS_CLIENT" -- \
        "${TCPDUMP[@]}" -i eth0 -s 96 -w "$STAGE/client-eth0-snap96.pcap"
    capture_start any.pcap "$NS_CLIENT" -- \
        "${TCPDUMP[@]}" -i any -w "$STAGE/any.pcap"
    capture_start node-bridge.pcap "$NS_NODE" -- \
        "${TCPDUMP[@]}" -i br0 -w "$STAGE/node-bridge.pcap"
}

# lossy: 5 % of inbound TCP segments dropped in every pod, watched from the bridge.
lossy_captures() {
    drop_in_pods 0.05
    capture_start lossy.pcap "$NS_NODE" -- \
        "${TCPDUMP[@]}" -i br0 -w "$STAGE/lossy.pcap"
}

# lossy-unseen: 10 % of TCP frames dropped on their way into the bridge, before the
# capture point on br0 sees them.
lossy_unseen_captures() {
    drop_on_bridge 10
    capture_start lossy-unseen.pcap "$NS_NODE" -- \
        "${TCPDUMP[@]}" -i br0 -w "$STAGE/lossy-unseen.pcap"
}

cmd_captures() {
    require_root_and_tools
    local t0=$SECONDS
    scratch
    lab_run main main_captures
    lab_run lossy lossy_captures
    lab_run lossy-unseen lossy_unseen_captures
    # Checks every file (readable, size, retransmissions where expected) before anything
    # in captures/lab is replaced, then writes the files and their README.
    python3 "$LAB_DIR/publish.py" "$STAGE" "$OUT_DIR"
    log "captures/lab regenerated in $((SECONDS - t0)) s"
}

case ${1:-captures} in
    captures) cmd_captures ;;
    big) shift; cmd_big "$@" ;;
    up)
        require_root_and_tools
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
