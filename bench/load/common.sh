# Shared by bench/load/run.sh and bench/load/soak.sh (sourced; expects $root).
# Builds the release binary and the open-loop client, makes a demo store of N persons
# (kept under build/load and copied fresh for each run, so runs start alike), starts the
# server on a free loopback port, logs in, and stops the server on exit.
FC_LOAD_DIR=${FC_LOAD_DIR:-$root/build/load}
FC_BIN=${FC_BIN:-$root/build/release/firstcontact}
FC_RATE_BIN=${FC_RATE_BIN:-$root/build/release/bench/bench_http_rate}
FC_PORT=${FC_PORT:-18480}
FC_WORKERS=${FC_WORKERS:-8}
fc_server_pid=

fc_build() {
    if [ "${FC_SKIP_BUILD:-0}" = 1 ]; then return; fi
    cmake --preset release -DBUILD_TESTING=OFF >/dev/null
    cmake --build build/release -j"$(nproc)" --target firstcontact bench_http_rate >/dev/null
}

# fc_store N: $FC_LOAD_DIR/run.db, a fresh copy of a demo store with N background persons
fc_store() {
    local n=$1 pristine="$FC_LOAD_DIR/demo-$1.db"
    mkdir -p "$FC_LOAD_DIR"
    if [ ! -f "$pristine" ]; then
        echo "making a demo store of $n persons (once; kept as $pristine)" >&2
        rm -f "$pristine.tmp" "$pristine.tmp-wal" "$pristine.tmp-shm" # an interrupted run's
        "$FC_BIN" demo --persons "$n" --db "$pristine.tmp" >/dev/null
        "$FC_BIN" backup --db "$pristine.tmp" "$pristine" >/dev/null
        rm -f "$pristine.tmp" "$pristine.tmp-wal" "$pristine.tmp-shm"
    fi
    rm -f "$FC_LOAD_DIR/run.db" "$FC_LOAD_DIR/run.db-wal" "$FC_LOAD_DIR/run.db-shm"
    cp "$pristine" "$FC_LOAD_DIR/run.db"
    if [ ! -f "$FC_LOAD_DIR/requests-$n/mixed.txt" ]; then
        mkdir -p "$FC_LOAD_DIR/requests-$n"
        python3 "$root/bench/load/make_requests.py" "$pristine" "$FC_LOAD_DIR/requests-$n" >&2
    fi
    FC_REQ_DIR="$FC_LOAD_DIR/requests-$n"
}

fc_start() {
    ulimit -n 4096 2>/dev/null || true
    "$FC_BIN" serve --db "$FC_LOAD_DIR/run.db" --listen "127.0.0.1:$FC_PORT" \
        --set "workers=$FC_WORKERS" >"$FC_LOAD_DIR/server.out" 2>"$FC_LOAD_DIR/server.log" &
    fc_server_pid=$!
    trap fc_stop EXIT
    for _ in $(seq 1 600); do
        if curl -sf "http://127.0.0.1:$FC_PORT/readyz" >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$fc_server_pid" 2>/dev/null; then
            echo "the server did not start:" >&2
            tail -5 "$FC_LOAD_DIR/server.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "the server did not become ready" >&2
    exit 1
}

fc_stop() {
    if [ -n "$fc_server_pid" ]; then
        kill -TERM "$fc_server_pid" 2>/dev/null || true
        wait "$fc_server_pid" 2>/dev/null || true
        fc_server_pid=
    fi
}

# fc_login USER: prints a bearer token
fc_login() {
    curl -sf "http://127.0.0.1:$FC_PORT/api/v1/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"firstcontact-demo\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

fc_loadavg() {
    cut -d' ' -f1-3 /proc/loadavg
}

# fc_cpu: the server's CPU time so far (user + system), in seconds
fc_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$fc_server_pid/stat"
}
