#!/usr/bin/env bash
# Runs bench/load/run.sh alternately with another binary (e.g. a build of an earlier commit)
# and with this tree's, ROUNDS times (3), on the same store and requests, and prints the
# median of each figure per binary, with their ratio (other / this):
#
#     bench/load/compare.sh OTHER_FIRSTCONTACT [PERSONS]
#
# The settings of run.sh apply (LOOKUP_RATE, MIXED_CONNECTIONS, ...). Alternating the two
# binaries spreads the shared machine's noise over both.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
other=${1:?usage: compare.sh OTHER_FIRSTCONTACT [PERSONS]}
persons=${2:-20000}
rounds=${ROUNDS:-3}
log=$(mktemp)
if [ "${FC_SKIP_BUILD:-0}" != 1 ]; then
    (cd "$root" && cmake --preset release -DBUILD_TESTING=OFF >/dev/null &&
        cmake --build build/release -j"$(nproc)" --target firstcontact bench_http_rate >/dev/null)
fi
for r in $(seq 1 "$rounds"); do
    for who in other this; do
        if [ $who = other ]; then bin=$other; else bin=$root/build/release/firstcontact; fi
        FC_SKIP_BUILD=1 FC_BIN=$bin "$root/bench/load/run.sh" "$persons" 2>/dev/null |
            sed "s/^/$who /" | tee -a "$log"
    done
done
python3 - "$log" <<'PY'
import re, statistics, sys
vals = {}
for line in open(sys.argv[1]):
    who, rest = line.split(" ", 1)
    kind = "lookup-rate" if rest.startswith("rate=") else "mixed" if rest.startswith("requests=") else None
    if not kind:
        continue
    for k, v in re.findall(r"(\w[\w.]*)=([0-9.]+)", rest):
        vals.setdefault((kind, k), {}).setdefault(who, []).append(float(v))
for (kind, k), d in sorted(vals.items()):
    if k not in ("p50_ms", "p90_ms", "p99_ms", "p99.9_ms", "achieved", "throughput", "errors"):
        continue
    o, t = statistics.median(d.get("other", [0])), statistics.median(d.get("this", [0]))
    print("%-12s %-10s other %10.2f  this %10.2f  ratio %s  (runs: other %s; this %s)" % (
        kind, k, o, t, "%.2f" % (o / t) if t else "-", d.get("other"), d.get("this")))
PY
rm -f "$log"
