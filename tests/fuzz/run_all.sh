#!/bin/sh
# Runs every libFuzzer target of tests/fuzz, one after the other, and keeps
# what they find.  The targets are built by the normal build when clang's
# libFuzzer runtime is installed (build/tests/fuzz/fuzz_<name>).
#
#   tests/fuzz/run_all.sh [SECONDS]     each target for SECONDS (default 60)
#
#   BUILD_DIR     build folder with the targets (default: build)
#   CORPUS_DIR    kept corpora, one folder per target (default:
#                 $BUILD_DIR/fuzz-corpus); new inputs go there, the seeds in
#                 tests/fuzz/corpus/<name> are read and never written
#   FUZZ_RUNS     run each target for this many executions instead of a time
#   FUZZ_TARGETS  names to run (default: all, e.g. "url encoder")
#
# Crashes, leaks and timeouts are written to $CORPUS_DIR/<name>/artifacts/;
# the script stops at the first target that finds something (exit 1).  The
# last line per target gives its executions, e.g.
#   fuzz: url: 10000000 runs in 812 s, corpus 1432 inputs
# Run it at low priority on a shared machine: nice -n 19 tests/fuzz/run_all.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$top/build}
corpora=${CORPUS_DIR:-$build/fuzz-corpus}
seconds=${1:-60}
targets=${FUZZ_TARGETS:-"codec_direct retry_after headers errors url encoder debug"}

max_len() {
    case "$1" in
    retry_after) echo 128 ;;
    url | debug) echo 1024 ;;
    headers) echo 2048 ;;
    *) echo 4096 ;;
    esac
}

for name in $targets; do
    bin=$build/tests/fuzz/fuzz_$name
    if [ ! -x "$bin" ]; then
        echo "fuzz: $bin is missing (build with clang's libFuzzer installed)" >&2
        exit 2
    fi
    dir=$corpora/$name
    mkdir -p "$dir/inputs" "$dir/artifacts"
    if [ -n "${FUZZ_RUNS:-}" ]; then
        limit="-runs=$FUZZ_RUNS"
    else
        limit="-max_total_time=$seconds"
    fi
    log=$dir/last.log
    start=$(date +%s)
    rc=0
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$bin" "$limit" \
        -max_len="$(max_len "$name")" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
        "$dir/inputs" "$top/tests/fuzz/corpus/$name" >"$log" 2>&1 || rc=$?
    took=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    inputs=$(find "$dir/inputs" -type f | wc -l)
    echo "fuzz: $name: ${runs:-?} runs in $took s, corpus $inputs inputs"
    if [ "$rc" -ne 0 ]; then
        echo "fuzz: $name found something (exit $rc); see $log and" \
             "$dir/artifacts/" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
done
