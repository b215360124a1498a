#!/usr/bin/env bash
# HTTP load benchmark on loopback (docs/benchmarks.md, "HTTP load"). One command:
#
#     bench/load/run.sh [PERSONS]        # default 20000 demo persons
#
# Builds the release binary and bench_http_rate, makes a demo store (firstcontact demo
# --persons PERSONS, kept under build/load), starts `firstcontact serve` on 127.0.0.1, logs
# in as handler.demo and runs, against a fresh copy of the store each time:
#   1. lookups at a fixed rate (open loop, bench_http_rate): LOOKUP_RATE req/s (2000) for
#      LOOKUP_SECONDS (30) on LOOKUP_CONNECTIONS (64) keep-alive connections;
#   2. the mixed load (60% lookups, 20% contact creation, 20% case reads; wrk,
#      bench/load/mixed.lua) on MIXED_CONNECTIONS (500) for MIXED_SECONDS (60), each
#      connection a user waiting a random 0-2 s (mean MIXED_THINK_MS, 1000) between
#      requests, so about 500 req/s offered; MIXED_THINK_MS=0 sends back to back (the
#      saturation throughput; latency is then connections / throughput by Little's law).
# Each prints throughput, errors and p50/p99/p99.9, with the load average beside it; the
# server stops at the end. Environment: FC_BIN (another binary to compare), FC_WORKERS
# (server threads, 8), FC_SKIP_BUILD=1, RUNS (repeat each test RUNS times, 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. bench/load/common.sh
persons=${1:-20000}
LOOKUP_RATE=${LOOKUP_RATE:-2000}
LOOKUP_SECONDS=${LOOKUP_SECONDS:-30}
LOOKUP_CONNECTIONS=${LOOKUP_CONNECTIONS:-64}
MIXED_CONNECTIONS=${MIXED_CONNECTIONS:-500}
MIXED_SECONDS=${MIXED_SECONDS:-60}
MIXED_THINK_MS=${MIXED_THINK_MS:-1000}
RUNS=${RUNS:-1}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }

fc_build
echo "binary: $FC_BIN (tree at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))," \
     "$(nproc) cores, $FC_WORKERS server threads, $persons demo persons"
status=0
for run in $(seq 1 "$RUNS"); do
    fc_store "$persons"
    fc_start
    token=$(fc_login handler.demo)
    echo "run $run lookup-rate load_before=\"$(fc_loadavg)\""
    cpu0=$(fc_cpu)
    "$FC_RATE_BIN" --port "$FC_PORT" --token "$token" --requests "$FC_REQ_DIR/lookups.txt" \
        --rate "$LOOKUP_RATE" --duration "$LOOKUP_SECONDS" --warmup 3 \
        --connections "$LOOKUP_CONNECTIONS" || status=1
    echo "run $run lookup-rate load_after=\"$(fc_loadavg)\" server_cpu_s=$(awk -v a="$cpu0" -v b="$(fc_cpu)" 'BEGIN { printf "%.2f", b - a }')"
    fc_stop

    fc_store "$persons"
    fc_start
    token=$(fc_login handler.demo)
    echo "run $run mixed-$MIXED_CONNECTIONS load_before=\"$(fc_loadavg)\""
    cpu0=$(fc_cpu)
    out=$(FC_TOKEN=$token FC_THINK_MS=$MIXED_THINK_MS FC_REQUESTS="$FC_REQ_DIR/mixed.txt" wrk -t2 -c"$MIXED_CONNECTIONS" \
        -d"${MIXED_SECONDS}s" --timeout 10s -s bench/load/mixed.lua "http://127.0.0.1:$FC_PORT")
    printf '%s\n' "$out" | tail -1
    printf '%s\n' "$out" | tail -1 | grep -q ' errors=0 ' || status=1
    echo "run $run mixed-$MIXED_CONNECTIONS load_after=\"$(fc_loadavg)\" server_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$fc_server_pid/status) server_cpu_s=$(awk -v a="$cpu0" -v b="$(fc_cpu)" 'BEGIN { printf "%.2f", b - a }')"
    fc_stop
done
exit $status
