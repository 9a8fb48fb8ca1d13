# shellcheck shell=bash
# `lab.sh big OUT.pcap [--packets N] [--requests R]`: a benchmark capture.  Sourced by lab.sh.
#
# R real requests go through the lab's sidecar (mirrored to v2) while tcpdump records the
# client's eth0: that is the seed.  The seed is then replicated until the file holds N
# packets: copy k gets its own addresses (10.233.75.0/24 -> 10.<k/256>.<k%256>.0/24,
# so its connections never merge with another copy's) and starts after copy k-1 ended
# (editcap -t), so timestamps keep increasing.  The last copy is cut to land on exactly N.
#
# Copies are appended as they are made instead of merged at the end (mergecap -a would
# need every copy on disk next to the result: twice the space, ~10 GB at 30M packets).
# All copies come from the same seed through the same tools, so their pcap file headers
# are identical and appending a copy is appending everything after its 24-byte header.

BIG_ROUTES=(
    "/users/%d" "/get?i=%d" "/status/200" "/headers" "/users/%d7" "/status/404"
    "/status/503" "/version" "/uuid" "/status/204"
)

# big_load_configs R DIR: curl config files, one per connection of up to 100 requests,
# cycling through a fixed mix of small answers (GET-heavy, some HEAD and POST) with a
# few multi-segment ones (2 % gzip, 2 % a 4.6 KB script): ~250 bytes per packet.
big_load_configs() {
    local requests=$1 dir=$2 i conf route extra
    mkdir -p "$dir"
    for ((i = 0; i < requests; i++)); do
        conf=$dir/conn-$((i / 100)).conf
        route=${BIG_ROUTES[i % ${#BIG_ROUTES[@]}]}
        # shellcheck disable=SC2059  # the routes are formats on purpose
        printf -v route "$route" $((i % 50))
        extra=""
        case $((i % 10)) in
            3) extra='head' ;;
            6) extra='data-raw = "{\"n\":'$i'}"' ;;
        esac
        case $((i % 50)) in
            25) route=/gzip extra='compressed' ;;
            45) route=/static/app.js extra="" ;;
        esac
        {
            ((i % 100)) && echo next
            echo "url = \"http://$SERVICE_HOST$route\""
            echo "connect-to = \"${SERVICE_HOST%:*}:${SERVICE_HOST#*:}:$SIDECAR\""
            echo 'output = "/dev/null"'
            # shellcheck disable=SC2028  # curl expands this \n, not echo
            echo 'write-out = "%{http_code}\n"'
            echo 'max-time = 30'
            if [[ -n $extra ]]; then echo "$extra"; fi
        } >>"$conf"
    done
}

# big_copy SEED K OFFSET OUT: the seed with copy K's addresses, OFFSET seconds later.
big_copy() {
    local seed=$1 k=$2 offset=$3 out=$4
    if ((k == 0)); then
        cp "$seed" "$out"
        return
    fi
    tcprewrite --pnat="$LAB_SUBNET.0/24:10.$((k / 256 % 256)).$((k % 256)).0/24" \
        --infile="$seed" --outfile="$out.rw"
    editcap -F pcap -t "$offset" "$out.rw" "$out"
    rm -f "$out.rw"
}

cmd_big() {
    local out="" packets=3000000 requests=6000
    while (($#)); do
        case $1 in
            --packets) packets=$2; shift 2 ;;
            --requests) requests=$2; shift 2 ;;
            -*) usage ;;
            *) [[ -z $out ]] || usage; out=$1; shift ;;
        esac
    done
    [[ -n $out ]] || usage
    ((packets > 0 && requests > 0)) || usage
    # The work happens in a scratch directory: anchor a relative OUT where the caller stands.
    out=$(realpath -m -- "$out")
    require_root_and_tools tcprewrite editcap
    local t0=$SECONDS
    scratch

    # 1. The seed: real requests, 4 client connections at a time.
    RUN_NAME=big
    lab_up
    big_load_configs "$requests" "$RUN/load"
    # -B: a larger kernel buffer (KiB), the load is bursty.
    tcpdump_capture seed.pcap "$NS_CLIENT" eth0 -B 32768
    find "$RUN/load" -name 'conn-*.conf' | sort -V |
        xargs -P 4 -I{} ip netns exec "$NS_CLIENT" curl -sS -K {} >"$STAGE/load.log"
    sidecar_quit
    capture_stop_all
    lab_down
    local answered
    answered=$(grep -c . "$STAGE/load.log")
    ((answered == requests)) || die "sent $requests requests, $answered answered"

    local seed=$STAGE/seed.pcap seed_packets seed_seconds
    seed_packets=$(capinfos -T -r -c "$seed" | cut -f2)
    seed_seconds=$(capinfos -T -r -M -u "$seed" | cut -f2)
    log "seed: $requests requests, $seed_packets packets over ${seed_seconds}s ($((SECONDS - t0)) s so far)"
    ((seed_packets > 0)) || die "empty seed capture"

    # 2. Replicate, $(nproc) copies at a time, appending in order.  Copy numbers stay far
    # below 59723, the one whose addresses would be the seed's own (10.233.75.0/24).
    local copies=$(((packets + seed_packets - 1) / seed_packets))
    local span=$((${seed_seconds%.*} + 1)) jobs k j last pids=()
    jobs=$(nproc)
    ((copies <= 50000)) || die "too many copies ($copies): raise --requests"
    PARTIAL_OUTPUT=$out.partial
    : >"$PARTIAL_OUTPUT"
    for ((k = 0; k < copies; k = last)); do
        last=$((k + jobs < copies ? k + jobs : copies))
        for ((j = k; j < last; j++)); do
            big_copy "$seed" "$j" $((j * span)) "$STAGE/copy-$j.pcap" &
            pids[j]=$!
        done
        for ((j = k; j < last; j++)); do
            wait "${pids[j]}" || die "copy $j failed"
            if ((j == copies - 1)); then
                # The last copy only up to N packets in total.
                editcap -F pcap -r "$STAGE/copy-$j.pcap" "$STAGE/cut.pcap" \
                    "1-$((packets - j * seed_packets))"
                mv "$STAGE/cut.pcap" "$STAGE/copy-$j.pcap"
            fi
            if ((j == 0)); then cat "$STAGE/copy-$j.pcap"; else tail -c +25 "$STAGE/copy-$j.pcap"; fi >>"$PARTIAL_OUTPUT"
            rm -f "$STAGE/copy-$j.pcap"
        done
    done

    local total
    total=$(capinfos -T -r -c "$PARTIAL_OUTPUT" | cut -f2)
    ((total == packets)) || die "$out has $total packets, wanted $packets"
    mv "$PARTIAL_OUTPUT" "$out"
    PARTIAL_OUTPUT=""
    log "$out: $total packets, $(stat -c %s "$out") bytes, $copies copies of the seed, $((SECONDS - t0)) s"
    echo "$total"
}
