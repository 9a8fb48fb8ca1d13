# shellcheck shell=bash
# Shared pieces of the capture lab, sourced by lab.sh.
#
# The lab imitates one Kubernetes node with a CNI bridge: every "pod" is a network
# namespace with an eth0 veth plugged into br0, which lives in its own "node" namespace
# so that nothing touches the host's network:
#
#   ns <p>-client  10.233.75.12  app (curl) -> sidecar nginx 127.0.0.1:15001 (loopback)
#   ns <p>-v1      10.233.75.11  httpbin v1, the primary         (nginx :80)
#   ns <p>-v2      10.233.75.13  httpbin v2, the shadow          (nginx :80, nothing on :81)
#   ns <p>-node    10.233.75.1   br0 with veth-client, veth-v1, veth-v2
#
# <p> is "sd-<tag>": the tag is the PID of the lab.sh run (so parallel runs never share a
# name and leftovers of dead runs can be recognised), or "lab" for manual `up`/`down`.
# Files go to /tmp/sd-<tag>: run/ holds one lab instance's configs and logs (gone with
# the instance), out/ what a command produces before it is published.

LAB_SUBNET=10.233.75
CLIENT_IP=$LAB_SUBNET.12
V1_IP=$LAB_SUBNET.11
V2_IP=$LAB_SUBNET.13
BRIDGE_IP=$LAB_SUBNET.1
SIDECAR=127.0.0.1:15001
V2_CLOSED_PORT=81
# The service name the app uses; the sidecar listens for it (iptables REDIRECT in a mesh,
# curl --connect-to here).
SERVICE_HOST=httpbin:8000

log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# lab_init TAG: name everything that belongs to one lab instance.
lab_init() {
    LAB_TAG=$1
    LAB_PREFIX=sd-$LAB_TAG
    NS_NODE=$LAB_PREFIX-node
    NS_CLIENT=$LAB_PREFIX-client
    NS_V1=$LAB_PREFIX-v1
    NS_V2=$LAB_PREFIX-v2
    LAB_NAMESPACES=("$NS_CLIENT" "$NS_V1" "$NS_V2" "$NS_NODE")
    LAB_TMP=/tmp/$LAB_PREFIX
    RUN=$LAB_TMP/run
    STAGE=$LAB_TMP/out
    CAPTURES=()
}

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ---------------------------------------------------------------------------------------
# Teardown.  Everything a lab starts runs inside one of its namespaces, so
# `ip netns pids` finds exactly our processes (nginx masters/workers, tcpdump, dumpcap)
# without matching anything by name.  iptables/nftables rules live in the namespaces and
# vanish with them.

ns_kill_and_delete() {
    local ns=$1 pids
    ip netns list | awk '{print $1}' | grep -qx -- "$ns" || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [[ -n $pids ]]; then
        # shellcheck disable=SC2086  # one pid per word
        kill -TERM $pids 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            pids=$(ip netns pids "$ns" 2>/dev/null || true)
            [[ -z $pids ]] && break
            sleep 0.2
        done
        # shellcheck disable=SC2086
        if [[ -n $pids ]]; then kill -KILL $pids 2>/dev/null || true; fi
    fi
    ip netns delete "$ns" 2>/dev/null || true
}

lab_down() {
    local ns
    for ns in "${LAB_NAMESPACES[@]}"; do ns_kill_and_delete "$ns"; done
    rm -rf -- "$RUN"
}

# Namespaces and scratch directories of runs whose lab.sh is gone (killed with SIGKILL,
# machine hiccup...).
lab_clean_stale() {
    local ns dir tag
    for ns in $(ip netns list | awk '{print $1}' | grep -E '^sd-[0-9]+-(node|client|v1|v2)$' || true); do
        tag=${ns#sd-} tag=${tag%%-*}
        kill -0 "$tag" 2>/dev/null && continue
        log "removing stale namespace $ns"
        ns_kill_and_delete "$ns"
    done
    for dir in /tmp/sd-[0-9]*; do
        tag=${dir#/tmp/sd-}
        [[ -d $dir && $tag =~ ^[0-9]+$ ]] || continue
        kill -0 "$tag" 2>/dev/null || rm -rf -- "$dir"
    done
}

# ---------------------------------------------------------------------------------------
# Network.

# Fixed MACs (02:42 + the IPv4 address, as docker does) keep captures comparable between
# runs; node-side veth ends get 02:00 + the same.
# shellcheck disable=SC2086  # splitting the address at its dots is the point
mac_for() { local prefix=$1 IFS=.; set -- $2; printf '%s:%02x:%02x:%02x:%02x' "$prefix" "$1" "$2" "$3" "$4"; }

net_up() {
    local ns
    for ns in "${LAB_NAMESPACES[@]}"; do
        ip netns add "$ns"
        # No IPv6 so captures hold only the lab's IPv4 traffic (plus ARP), no ND/MLD noise.
        in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
    done
    # No multicast snooping: with it br0 joins 224.0.0.106 and sends IGMP reports at
    # random moments, so captures started a moment apart would differ by a packet.
    ip -n "$NS_NODE" link add br0 address "$(mac_for 02:42 "$BRIDGE_IP")" type bridge mcast_snooping 0
    ip -n "$NS_NODE" addr add "$BRIDGE_IP/24" dev br0
    ip -n "$NS_NODE" link set br0 up

    local pod ip
    for pod in client:$CLIENT_IP v1:$V1_IP v2:$V2_IP; do
        ip=${pod#*:}
        ns=$LAB_PREFIX-${pod%%:*}
        # Created from inside the node namespace with the peer moved straight into the pod:
        # the host's namespace never sees (or collides on) these names.
        ip -n "$NS_NODE" link add "veth-${pod%%:*}" address "$(mac_for 02:00 "$ip")" type veth \
            peer name eth0 address "$(mac_for 02:42 "$ip")" netns "$ns"
        ip -n "$NS_NODE" link set "veth-${pod%%:*}" master br0 up
        ip -n "$ns" addr add "$ip/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" route add default via "$BRIDGE_IP"
    done
}

# ---------------------------------------------------------------------------------------
# Servers.

# render TEMPLATE OUT KEY=VALUE...: replace @KEY@ placeholders; fail on leftovers so a
# typo cannot ship a half-rendered config.
render() {
    local tmpl=$1 out=$2 kv expr=()
    shift 2
    for kv in "$@"; do expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
    sed "${expr[@]}" "$tmpl" >"$out"
    if grep -n '@[A-Z0-9_]*@' "$out" >&2; then die "unrendered placeholder in $out"; fi
}

# Deterministic documents the backends serve (same bytes and mtime on v1 and v2, so
# ETag/Last-Modified match too).
www_build() {
    mkdir -p "$RUN/www/static"
    python3 "$LAB_DIR/gen_www.py" "$RUN/www"
    touch -d '2024-05-01 12:00:00 UTC' "$RUN"/www/words.txt "$RUN"/www/static/*
}

# nginx_start NS NAME CONF PORT: start a daemonising nginx in NS and wait until it listens.
nginx_start() {
    local ns=$1 name=$2 conf=$3 port=$4
    mkdir -p "$RUN/$name-tmp"
    in_ns "$ns" nginx -q -t -c "$conf" -e "$RUN/$name.error.log"
    in_ns "$ns" nginx -c "$conf" -e "$RUN/$name.error.log"
    wait_for "$name listening on :$port" listening "$ns" "$port"
}

listening() { [[ -n $(in_ns "$1" ss -Hltn "sport = :$2") ]]; }
no_open_connections() { [[ -z $(in_ns "$1" ss -Htan exclude listening exclude time-wait) ]]; }

# wait_for WHAT CMD...: poll CMD for up to WAIT_SECONDS (default 5).  Readiness is
# checked without sending requests, which would show up in the ground truth.
wait_for() {
    local what=$1 i
    shift
    for ((i = 0; i < ${WAIT_SECONDS:-5} * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "timed out waiting for $what"
}

servers_up() {
    local v
    www_build
    for v in v1 v2; do
        local ip=$V1_IP slow=0.05 level=6 p1="" p2="#"
        if [[ $v == v2 ]]; then ip=$V2_IP slow=0.3 level=1 p1="#" p2=""; fi
        render "$LAB_DIR/nginx/backend.conf.in" "$RUN/$v.conf" \
            NAME=$v ADDR=$ip RUN="$RUN" SLOW=$slow GZIP_LEVEL=$level V1="$p1" V2="$p2"
        nginx_start "$LAB_PREFIX-$v" "$v" "$RUN/$v.conf" 80
    done
    sidecar_up
}

# The client pod's sidecar, one of (SIDECAR_KIND, default envoy):
#   envoy      nginx mirroring like Envoy: the copy's Host gets the "-shadow" suffix
#   no-suffix  the same nginx, the copy's Host unchanged (Istio 1.28+)
#   retries    retry-sidecar.mjs: Envoy's retries (x-envoy-attempt-count) and one
#              mirror copy per request, with the first attempt
sidecar_up() {
    case ${SIDECAR_KIND:=envoy} in
        envoy | no-suffix)
            local suffix=-shadow
            [[ $SIDECAR_KIND == no-suffix ]] && suffix=""
            render "$LAB_DIR/nginx/sidecar.conf.in" "$RUN/sidecar.conf" \
                RUN="$RUN" LISTEN=$SIDECAR V1=$V1_IP:80 V2=$V2_IP:80 \
                V2_CLOSED=$V2_IP:$V2_CLOSED_PORT SHADOW_SUFFIX="$suffix"
            nginx_start "$NS_CLIENT" sidecar "$RUN/sidecar.conf" "${SIDECAR##*:}"
            ;;
        retries)
            # `ip netns exec` execs, so $! is node itself (lab_down finds it in the
            # namespace anyway).  Its output goes to a file: it outlives `lab.sh up`,
            # and must not hold the caller's stdout open.
            ip netns exec "$NS_CLIENT" node "$LAB_DIR/retry-sidecar.mjs" \
                "$SIDECAR" "$V1_IP:80" "$V2_IP:80" "$RUN/sidecar.access.ndjson" \
                >"$RUN/sidecar.error.log" 2>&1 </dev/null &
            echo $! >"$RUN/sidecar.pid"
            wait_for "sidecar listening on $SIDECAR" listening "$NS_CLIENT" "${SIDECAR##*:}"
            ;;
        *) die "unknown sidecar '$SIDECAR_KIND' (envoy, no-suffix, retries)" ;;
    esac
}

# Graceful stop of the sidecar: it closes its idle keep-alive upstream connections with
# FIN, so every connection in a capture ends cleanly instead of being cut off.  Then wait
# until the pods have no connection left in a closing state (under packet loss the last
# FIN/ACKs may need retransmissions), so the captures see every close.
sidecar_quit() {
    if [[ ${SIDECAR_KIND:-} == retries ]]; then
        kill -TERM "$(cat "$RUN/sidecar.pid")"
    else
        in_ns "$NS_CLIENT" nginx -c "$RUN/sidecar.conf" -e "$RUN/sidecar.error.log" -s quit
    fi
    local ns
    for ns in "$NS_CLIENT" "$NS_V1" "$NS_V2"; do
        WAIT_SECONDS=30 wait_for "connections in $ns to close" no_open_connections "$ns"
    done
}

lab_up() {
    mkdir -p "$RUN"
    chmod 700 "$LAB_TMP"
    net_up
    servers_up
    log "lab $LAB_PREFIX up: client $CLIENT_IP (sidecar $SIDECAR), v1 $V1_IP, v2 $V2_IP; files in $RUN"
}

# ---------------------------------------------------------------------------------------
# Captures.  capture_start NAME NS -- CMD...: run a capture tool inside NS (CMD writes
# $STAGE/NAME) and wait until it really captures: the tools print a banner once the
# socket is open, and traffic sent before that would be missing.  The command line is
# recorded for the README, without the staging directory and with the run's PID left
# out of the namespace name.

# -Z root: tcpdump drops to user tcpdump before opening -w, which may not write here.
TCPDUMP=(tcpdump -Z root)

capture_start() {
    local name=$1 ns=$2
    shift 3
    local err=$STAGE/$name.stderr
    # Not through in_ns: a function run with & would put a subshell between $! and the
    # tool, and SIGINT to that subshell would not reach the tool.  `ip netns exec` execs.
    ip netns exec "$ns" "$@" 2>"$err" &
    CAPTURES+=("$!:$name")
    wait_for "capture $name to start" grep -qE '(listening on|Capturing on)' "$err"
    local cmd="ip netns exec ${ns/#$LAB_PREFIX/sd-<pid>} $*"
    printf '%s\t%s\t%s\n' "$name" "$RUN_NAME" "${cmd//$STAGE\//}" >>"$STAGE/captures.tsv"
}

# tcpdump_capture NAME NS IFACE [TCPDUMP OPTIONS...]: tcpdump on IFACE in NS into NAME.
tcpdump_capture() {
    local name=$1 ns=$2 iface=$3
    shift 3
    capture_start "$name" "$ns" -- "${TCPDUMP[@]}" -i "$iface" "$@" -w "$STAGE/$name"
}

# Stop every running capture (SIGINT makes tcpdump/dumpcap flush and print their stats)
# and complain if the kernel dropped packets: a capture with holes is no ground truth.
capture_stop_all() {
    local entry pid name
    # tcpdump reads the kernel ring (TPACKET_V3) a block at a time; a block is handed
    # over when full or after tcpdump's 1 s timeout, and on SIGINT tcpdump exits without
    # reading a block still being filled.  Idle for longer than that, nothing is lost.
    sleep 1.5
    for entry in "${CAPTURES[@]}"; do kill -INT "${entry%%:*}" 2>/dev/null || true; done
    for entry in "${CAPTURES[@]}"; do
        pid=${entry%%:*} name=${entry#*:}
        wait "$pid" || true
        # tcpdump: "N packets dropped by kernel"; dumpcap: "received/dropped ...: R/D".
        if grep -qE "[1-9][0-9]* packets? dropped|dropped on interface '[^']*': [0-9]+/[1-9]" \
            "$STAGE/$name.stderr"; then
            die "capture $name dropped packets: $(tr '\n' ' ' <"$STAGE/$name.stderr")"
        fi
    done
    CAPTURES=()
}

# Two kinds of random loss, seen differently from a capture on br0:
# drop_in_pods: a pod's INPUT chain drops inbound segments.  br0 saw the segment before
#   the pod threw it away, so the capture holds it twice: original and retransmission.
# drop_on_bridge: the bridge drops frames as they enter it (nftables bridge prerouting,
#   before br0's packet taps).  The capture never sees the original: a hole in the
#   sequence space, later data, then the retransmission filling the hole out of order.
drop_in_pods() {
    local ns probability=$1
    for ns in "$NS_CLIENT" "$NS_V1" "$NS_V2"; do
        in_ns "$ns" iptables -w -A INPUT -i eth0 -p tcp \
            -m statistic --mode random --probability "$probability" -j DROP
    done
}

drop_on_bridge() {
    local percent=$1
    in_ns "$NS_NODE" nft -f - <<EOF
table bridge lab_loss {
    chain prerouting {
        type filter hook prerouting priority -300; policy accept;
        ip protocol tcp numgen random mod 100 < $percent drop
    }
}
EOF
}
