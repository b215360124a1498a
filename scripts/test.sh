#!/usr/bin/env bash
# Runs every FirstContact test (unit, integration, browser, fuzz smoke) under
# AddressSanitizer + UndefinedBehaviorSanitizer, and ends with CTest's summary line.
# Installs missing Debian packages first, and starts (then stops) what the tests need.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "$(id -u)" = 0 ]; then
    scripts/install-deps.sh
fi
for hook in scripts/test.d/*.sh; do # services the tests need (PostgreSQL, browser deps)
    [ -e "$hook" ] && . "$hook"
done
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --preset asan "$@"
