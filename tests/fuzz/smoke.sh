#!/usr/bin/env bash
# Bounded libFuzzer smoke runs (see tests/fuzz/CMakeLists.txt).
#   smoke.sh build SOURCE_DIR FUZZ_BUILD_DIR CLANG    configure + build every harness with clang
#   smoke.sh run SOURCE_DIR FUZZ_BUILD_DIR TARGET SECONDS
# The run seeds from the committed corpus and tests/nasty, writes new inputs to a scratch
# directory in the build tree, and fails on any crash, leak, sanitizer report or broken
# property; the offending input is left in FUZZ_BUILD_DIR/artifacts/<target>/.
set -euo pipefail
mode=${1:?usage}; src=${2:?}; dir=${3:?}
case $mode in
build)
    clang=${4:?}
    flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
    cmake -S "$src" -B "$dir" -DCMAKE_C_COMPILER="$clang" -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
        -DFC_FUZZ_LIBFUZZER=ON -DFC_WERROR=OFF >/dev/null
    cmake --build "$dir" --target fuzz_all -j2
    ;;
run)
    target=${4:?}; seconds=${5:-15}
    bin=$dir/tests/fuzz/fuzz_$target
    [ -x "$bin" ] || { echo "smoke: $bin was not built"; exit 1; }
    scratch=$dir/scratch/$target; artifacts=$dir/artifacts/$target
    rm -rf "$scratch" "$artifacts"; mkdir -p "$scratch" "$artifacts"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:abort_on_error=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    set +e
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$scratch" "$src/tests/fuzz/corpus/$target" "$src/tests/nasty" 2>&1 | tail -n 40
    status=${PIPESTATUS[0]}
    set -e
    if ls "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-* \
        >/dev/null 2>&1; then
        echo "smoke: $target left findings in $artifacts"
        exit 1
    fi
    exit "$status"
    ;;
*) echo "usage: smoke.sh build|run ..."; exit 2 ;;
esac
