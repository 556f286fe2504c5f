#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz/ (clang, ASan+UBSan, the whole project instrumented) in
# build-fuzz and runs each for SECONDS seconds, one after the other: fuzz_roster, fuzz_config,
# fuzz_template, fuzz_register, fuzz_scan_image, fuzz_token, or only the ones named (roster config template
# register scan_image token). Each starts from a work corpus
# build-fuzz/corpus-<h>, seeded from tests/fuzz/corpus/<h>, so the repository's corpus stays small and
# what one run finds seeds the next. Prints executions, exec/s and coverage per harness; exits 1 if any
# harness found a crash, leak, timeout or out-of-memory, with the reproducer left in build-fuzz/ as
# <h>-crash-*, <h>-leak-*, ... (rerun it with build-fuzz/tests/fuzz/fuzz_<h> FILE). Log: build-fuzz/fuzz-<h>.log.
# -len_control=0: libFuzzer mutates inputs of any length up to max_len from the start, instead of growing
# them slowly from short ones (in 12 minutes it never got past 3 KB of roster); each corpus has a seed
# near max_len (large-*: a whole school that `consentgen check` accepts, tests/system/fuzz-seeds.sh).
# Extra libFuzzer options can be given in FUZZ_ARGS (e.g. FUZZ_ARGS="-seed=1").
# usage: scripts/fuzz.sh SECONDS [roster|config|template|register|scan_image|token]...
set -eu
cd "$(dirname "$0")/.."
usage() { echo "usage: scripts/fuzz.sh SECONDS [roster|config|template|register|scan_image|token]..." >&2; exit 2; }
[ $# -ge 1 ] || usage
seconds=$1
shift
case "$seconds" in '' | *[!0-9]* | 0) usage ;; esac
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(roster config template register scan_image token)
for h in "${harnesses[@]}"; do
    case "$h" in roster | config | template | register | scan_image | token) ;; *) usage ;; esac
done
command -v clang >/dev/null || { echo "fuzz.sh: clang is missing: scripts/install-deps.sh --test" >&2; exit 2; }

# Inputs a real file of each kind can have; larger ones only slow the search down.
max_len() {
    case "$1" in roster) echo 16384 ;; config) echo 8192 ;; template) echo 16384 ;; register) echo 16384 ;; scan_image) echo 65536 ;; token) echo 256 ;; esac
}

# A dictionary where the harness has one.
dict() { [ -f "tests/fuzz/$1.dict" ] && echo "-dict=tests/fuzz/$1.dict"; return 0; }

dir=build-fuzz
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCONSENTGEN_FUZZ=ON -DCONSENTGEN_TESTS=OFF >/dev/null
cmake --build "$dir" -j"$(nproc)" --target fuzz_roster fuzz_config fuzz_template fuzz_register fuzz_scan_image fuzz_token >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Reading the numbers: cov = code edges reached, ft = features (edges with hit counts), both at the end.
printf '%-10s %8s %12s %8s %10s %8s %8s  %s\n' harness seconds executions exec/s new-units cov ft result
status=0
for h in "${harnesses[@]}"; do
    corpus=$dir/corpus-$h log=$dir/fuzz-$h.log
    mkdir -p "$corpus"
    cp -n tests/fuzz/corpus/"$h"/* "$corpus"/ 2>/dev/null || true
    rm -f "$dir/$h"-crash-* "$dir/$h"-leak-* "$dir/$h"-timeout-* "$dir/$h"-oom-* "$dir/$h"-slow-unit-*
    rc=0
    "$dir/tests/fuzz/fuzz_$h" "$corpus" -max_total_time="$seconds" -max_len="$(max_len "$h")" -len_control=0 \
        -rss_limit_mb=2048 -timeout=10 $(dict "$h") -artifact_prefix="$dir/$h-" \
        -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    units=$(sed -n 's/^stat::new_units_added: *//p' "$log")
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    artifacts=$(ls "$dir/$h"-crash-* "$dir/$h"-leak-* "$dir/$h"-timeout-* "$dir/$h"-oom-* 2>/dev/null || true)
    result=ok
    if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
        result="FAILED (exit $rc) ${artifacts:-see $log}"
        status=1
    fi
    printf '%-10s %8s %12s %8s %10s %8s %8s  %s\n' "$h" "$seconds" "${execs:-?}" "${rate:-?}" "${units:-?}" \
        "${cov:-?}" "${ft:-?}" "$result"
    if [ "$result" != ok ]; then
        # The sanitizer's report, so a CI log shows what went wrong without the artifacts.
        grep -E -A 40 '^==[0-9]+==ERROR|runtime error|^SUMMARY|ALARM|out-of-memory' "$log" | head -n 80 >&2 || true
    fi
done
exit $status
