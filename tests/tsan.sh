#!/usr/bin/env bash
# The concurrency tests under ThreadSanitizer (tests/CMakeLists.txt, tsan.* entries).
#   tsan.sh build SOURCE_DIR TSAN_DIR      configure a -fsanitize=thread tree and build only
#                                          what the tsan.* tests run (the tsan preset's flags)
#   tsan.sh run TSAN_DIR NAME COMMAND...   run COMMAND with TSan reports going to
#                                          TSAN_DIR/reports/NAME.*; fails when any appears
# A full TSan build of every test is too slow for two cores; these are the tests where
# threads meet: the store's concurrent writers and backup, the match index's readers and
# writer, and the HTTP server (thread pool) under concurrent writers and SIGKILL restarts.
set -euo pipefail
mode=${1:?usage: tsan.sh build|run ...}
case $mode in
build)
    src=${2:?}; dir=${3:?}
    cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="-g -O1 -fsanitize=thread" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DBUILD_TESTING=ON -DFC_FUZZ_SMOKE=OFF \
        -DFC_TSAN_TESTS=OFF >/dev/null
    cmake --build "$dir" -j2 --target firstcontact unit_store_test_store_records \
        unit_domain_match_test_match
    ;;
run)
    dir=${2:?}; name=${3:?}; shift 3
    reports=$dir/reports
    mkdir -p "$reports"
    rm -f "$reports/$name".*
    # second_deadlock_stack: both stacks of a lock-order inversion; exitcode: a report fails
    # the command even when the process would otherwise succeed
    export TSAN_OPTIONS="log_path=$reports/$name second_deadlock_stack=1 exitcode=66 ${TSAN_OPTIONS:-}"
    set +e
    "$@"
    status=$?
    set -e
    if ls "$reports/$name".* >/dev/null 2>&1; then
        cat "$reports/$name".* | head -n 80
        echo "tsan: ThreadSanitizer reports above (all in $reports/$name.*)"
        exit 1
    fi
    exit "$status"
    ;;
*) echo "usage: tsan.sh build|run ..."; exit 2 ;;
esac
