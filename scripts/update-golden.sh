#!/usr/bin/env bash
# Rewrites the expected output of end-to-end cases from the current binary.
# Review the diff (git diff tests/e2e) before committing it.
# usage: scripts/update-golden.sh [BUILD_DIR] [CASE...]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=($(ls "$root/tests/e2e"))
for c in "${cases[@]}"; do
    [ -f "$root/tests/e2e/$c/args" ] || continue
    "$root/scripts/run-e2e.sh" "$build/src/consentgen" "$root/tests/e2e/$c" --update
done
git -C "$root" diff --stat -- tests/e2e
