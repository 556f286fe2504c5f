#!/usr/bin/env bash
# The whole test suite, as CI runs it: the module boundary check, unit and
# end-to-end tests built with gcc and with clang (-Werror), then once more under
# AddressSanitizer and UndefinedBehaviorSanitizer, and each libFuzzer harness
# for 60 seconds.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
jobs=$(nproc)
echo "== module boundaries and self-contained headers"
.ci/check-includes.sh
run_suite() { # name, cmake args...
  local dir=build-test-$1
  shift
  echo "== $dir"
  cmake -S . -B "$dir" -DCONSENTGEN_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
}
run_suite gcc -DCMAKE_C_COMPILER=gcc
run_suite clang -DCMAKE_C_COMPILER=clang
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite sanitize -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DCONSENTGEN_SANITIZE=ON
echo "== fuzzing: each libFuzzer harness for 60 seconds"
scripts/fuzz.sh 60
