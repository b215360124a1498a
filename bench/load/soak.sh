#!/usr/bin/env bash
# Soak: the mixed load (bench/load/mixed.lua) on 500 connections for SOAK_SECONDS (600),
# recording the server's resident memory every 10 s (docs/benchmarks.md, "Soak").
#
#     bench/load/soak.sh [PERSONS]       # default 20000 demo persons
#
# Writes build/load/soak-rss.csv (seconds,rss_kb) and prints the wrk summary, the first,
# last and highest RSS after the first minute (warm-up) and the change over the rest of the
# run. Memory is flat when the last-minute RSS is within a few per cent of the second
# minute's. Environment as bench/load/run.sh (FC_BIN, FC_WORKERS, FC_SKIP_BUILD),
# SOAK_SECONDS, SOAK_CONNECTIONS (500), SOAK_THINK_MS (1000, as run.sh's MIXED_THINK_MS).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. bench/load/common.sh
persons=${1:-20000}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-500}
SOAK_THINK_MS=${SOAK_THINK_MS:-1000}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
fc_build
fc_store "$persons"
fc_start
token=$(fc_login handler.demo)
csv="$FC_LOAD_DIR/soak-rss.csv"
echo "seconds,rss_kb,load1" >"$csv"
echo "soak: $SOAK_CONNECTIONS connections for ${SOAK_SECONDS}s, load_before=\"$(fc_loadavg)\""
FC_TOKEN=$token FC_THINK_MS=$SOAK_THINK_MS FC_REQUESTS="$FC_REQ_DIR/mixed.txt" wrk -t2 -c"$SOAK_CONNECTIONS" \
    -d"${SOAK_SECONDS}s" --timeout 10s -s bench/load/mixed.lua "http://127.0.0.1:$FC_PORT" \
    >"$FC_LOAD_DIR/soak-wrk.out" &
wrk_pid=$!
t=0
while kill -0 "$wrk_pid" 2>/dev/null; do
    echo "$t,$(awk '/VmRSS/ {print $2}' /proc/$fc_server_pid/status),$(cut -d' ' -f1 /proc/loadavg)" >>"$csv"
    sleep 10
    t=$((t + 10))
done
wait "$wrk_pid" || true
tail -1 "$FC_LOAD_DIR/soak-wrk.out"
echo "load_after=\"$(fc_loadavg)\""
python3 - "$csv" <<'PY'
import csv, sys
rows = [(int(r["seconds"]), int(r["rss_kb"])) for r in csv.DictReader(open(sys.argv[1]))]
warm = [r for r in rows if r[0] >= 60] or rows
first, last = warm[0][1], warm[-1][1]
print("rss_kb: start=%d after_warmup=%d last=%d max=%d change_after_warmup=%+.1f%% (%s)"
      % (rows[0][1], first, last, max(r[1] for r in warm), 100.0 * (last - first) / first,
         sys.argv[1]))
PY
