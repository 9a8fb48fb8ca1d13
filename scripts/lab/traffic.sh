# shellcheck shell=bash
# The request plan: what the "app" in the client pod sends.  Sourced by lab.sh.
#
# Every `send` is one curl invocation, i.e. one client connection (curl keeps the
# connection alive across the URLs it is given).  The plan is fixed, so every run sends
# the same requests in the same order; only ports, timings and generated ids change.
# Each answer's status is appended to $RUN/traffic.log; REQUESTS_SENT counts them so the
# ground truth can be checked against the plan.

# Connection being assembled: curl arguments, and where it goes.
CONN_ARGS=()
CONN_HOST=$SERVICE_HOST
CONN_VIA=$SIDECAR

# to HOST[:PORT] [IP:PORT]: later requests use this Host, connecting to the sidecar (the
# default) or straight to IP:PORT (an app bypassing its sidecar).
to() {
    CONN_HOST=$1
    CONN_VIA=${2:-$SIDECAR}
}

# next_id: set ID to the next client-chosen x-request-id (UUID-shaped, counting up).
next_id() {
    CLIENT_IDS=$((CLIENT_IDS + 1))
    printf -v ID '00000000-0000-4000-8000-%012d' "$CLIENT_IDS"
}

# add [+id] PATH [CURL ARGS...]: one more request on the current connection.  +id sends
# the next client-chosen x-request-id; without it the sidecar generates one.
add() {
    local id=()
    if [[ $1 == +id ]]; then
        next_id
        id=(-H "x-request-id: $ID")
        shift
    fi
    local path=$1 host=${CONN_HOST%:*} port=80
    shift
    [[ $CONN_HOST == *:* ]] && port=${CONN_HOST##*:}
    ((${#CONN_ARGS[@]})) && CONN_ARGS+=(--next)
    # --connect-to plays the mesh's iptables REDIRECT: the URL (and Host) name the
    # service, the socket goes to the sidecar.
    CONN_ARGS+=(-sS -o /dev/null --max-time 30 --connect-to "$host:$port:$CONN_VIA"
        -w '%{http_code} %{method} %{url_effective} new-connections=%{num_connects}\n'
        "${id[@]}" "$@" "http://$CONN_HOST$path")
    REQUESTS_SENT=$((REQUESTS_SENT + 1))
}

send() {
    in_ns "$NS_CLIENT" curl "${CONN_ARGS[@]}" >>"$RUN/traffic.log"
    CONN_ARGS=()
    to "$SERVICE_HOST"
}

# pipelined IP:PORT "METHOD PATH"...: requests written back to back on one connection,
# each with a client-chosen x-request-id.
pipelined() {
    local via=$1 req reqs=()
    shift
    for req in "$@"; do
        next_id
        reqs+=("$req $ID")
    done
    in_ns "$NS_CLIENT" python3 "$LAB_DIR/pipeline.py" "${via%:*}" "${via#*:}" "$SERVICE_HOST" "${reqs[@]}" \
        >>"$RUN/traffic.log"
    REQUESTS_SENT=$((REQUESTS_SENT + $#))
}

# The plans.  Each is a sequence of sections (one or more client connections each) between
# plan_begin and plan_end; they share sections so that a request means the same in every
# run that sends it.
#   traffic_plan    the standard plan (runs main, lossy, lossy-unseen; `lab.sh traffic`)
#   sidecar_plan    the same without the requests that bypass the sidecar (run no-suffix)
#   retries_plan    plain GETs, the app's own ids, retried routes, no-mirror route (run retries)
traffic_plan() { plan_begin; plan_through_sidecar; plan_bypass; plan_end; }
sidecar_plan() { plan_begin; plan_through_sidecar; plan_end; }
retries_plan() { plan_begin; plan_gets; plan_ids; plan_retried; plan_admin; plan_end; }

plan_begin() {
    REQUESTS_SENT=0 CLIENT_IDS=0
    : >"$RUN/traffic.log"
    head -c 300 "$RUN/www/words.txt" >"$RUN/body-300"
    head -c 4096 "$RUN/www/words.txt" >"$RUN/body-4k"
}

plan_end() {
    local answered
    answered=$(wc -l <"$RUN/traffic.log")
    ((answered == REQUESTS_SENT)) || die "plan sent $REQUESTS_SENT requests, $answered answered"
    log "traffic: $REQUESTS_SENT requests answered"
}

# Plain GETs on one keep-alive connection; the sidecar generates the ids.
# /users/7 and /users/17 differ on v2; /headers and /uuid differ by nature.
plan_gets() {
    add /get
    add '/get?page=2&sort=asc'
    add /headers
    add /users/1
    add /users/2
    add /users/7
    add /users/17
    add /uuid
    send
}

# The app sends its own x-request-id.  /status/503 fails on v2 only.
plan_ids() {
    local path
    for path in /users/3 /users/27 /status/200 /status/201 /status/204 /status/304 \
        /status/404 /status/418 /status/500 /status/503 /version; do
        add +id "$path"
    done
    send
}

# No mirror policy on /admin/: v1 only.
plan_admin() {
    add /admin/health
    add +id /admin/metrics
    send
}

# Everything the app sends through its sidecar in the standard plan.
plan_through_sidecar() {
    plan_gets
    plan_ids

    # v2 is slower here; the mirror holds the next request on this connection back.
    add /slow
    add +id /slow
    send

    # Body framings: gzip + chunked, several explicit chunks, plain Content-Length.
    add /gzip --compressed
    add /chunked
    add +id /gzip
    send

    # Request bodies, all mirrored too (mirror_request_body on).
    add /post -H 'Content-Type: application/json' --data-raw '{"name":"ada","role":"admin"}'
    add +id /put -X PUT -H 'Content-Type: text/plain' --data-binary "@$RUN/body-300"
    add /patch -X PATCH -H 'Content-Type: application/json' --data-raw '{"score":99}'
    add /delete -X DELETE
    send

    # "100 Continue" from the sidecar (loopback leg only: nginx does not forward Expect).
    add +id /post -H 'Expect: 100-continue' -H 'Content-Type: text/plain' --data-binary "@$RUN/body-4k"
    send

    # A chunked request body; the sidecar forwards it with a Content-Length.
    add /anything -H 'Transfer-Encoding: chunked' -H 'Content-Type: text/plain' --data-binary "@$RUN/body-300"
    send

    add /get -I
    add +id /users/5 -I
    send

    add /nope
    add '/missing/deep/path?x=1'
    send

    # Static file: 200, 304 (If-None-Match), 206 (Range), 24 KiB incompressible body.
    # nginx's ETag: "<mtime hex>-<size hex>".
    local mtime size etag
    read -r mtime size < <(stat -c '%Y %s' "$RUN/www/static/app.js")
    printf -v etag '"%x-%x"' "$mtime" "$size"
    add /static/app.js
    add +id /static/app.js -H "If-None-Match: $etag"
    add /static/app.js -r 0-99
    add /static/blob.bin
    send

    # Other authority forms: the shadow gets "httpbin-shadow" and
    # "reviews.default.svc.cluster.local-shadow:9080".
    to httpbin
    add /get
    send
    to reviews.default.svc.cluster.local:9080
    add +id /users/4
    send

    plan_admin

    # Mirrored to a v2 port nobody listens on: SYN, RST, no shadow HTTP.
    add /legacy/orders/1
    add +id /legacy/orders/2
    send

    # Pipelined through the sidecar (it answers in order, forwarding one by one).
    pipelined "$SIDECAR" "GET /users/8" "GET /get?pipelined=1" "GET /users/9"
}

# The app bypasses its sidecar (an excluded port in a mesh): v1 only, and the only
# place "100 Continue" and pipelining appear on eth0.
plan_bypass() {
    to "$SERVICE_HOST" "$V1_IP:80"
    add +id /post -H 'Expect: 100-continue' -H 'Content-Type: text/plain' --data-binary "@$RUN/body-4k"
    send
    pipelined "$V1_IP:80" "GET /users/10" "HEAD /get" "GET /status/204"
}

# Routes v1 fails on a request's first attempt (see backend.conf.in), for a sidecar that
# retries (retry-sidecar.mjs): 503, then the retry succeeds; the body is sent again with
# the retry.  (/status/500 in plan_ids fails on every attempt: retried once, still 500.)
plan_retried() {
    add /flaky/1
    add +id /flaky/2
    add /users/11
    add +id /flaky/3 -X POST -H 'Content-Type: application/json' --data-raw '{"retry":"with body"}'
    add /flaky/4
    send
}
