#!/usr/bin/env bash
# Rewrites the expected output of end-to-end cases from the current binary (for the
# error catalogue, err_*, warn_* and note_*, the German messages too), and
# the layout corpus (tests/layout/*/expect.dump) when no case is named.
# Review the diff (git diff tests/e2e tests/layout) before committing it.
# usage: scripts/update-golden.sh [BUILD_DIR] [CASE...]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
cases=("$@")
all=no
[ ${#cases[@]} -gt 0 ] || { cases=($(ls "$root/tests/e2e")); all=yes; }
for c in "${cases[@]}"; do
    [ -f "$root/tests/e2e/$c/args" ] || continue
    "$root/scripts/run-e2e.sh" "$build/src/consentgen" "$root/tests/e2e/$c" --update
    # The error catalogue is also checked in German (tests/e2e/CMakeLists.txt).
    case "$c" in
    err_* | warn_* | note_*)
        rm -f "$root/tests/e2e/$c/expect.stderr.de" "$root/tests/e2e/$c/expect.stdout.de"
        if [ -f "$root/tests/e2e/$c/expect.stderr" ]; then
            "$root/scripts/run-e2e.sh" "$build/src/consentgen" "$root/tests/e2e/$c" --update-de
        fi ;;
    esac
done
[ "$all" = no ] || "$build/tests/layout_corpus" "$root/tests/layout" --update
git -C "$root" diff --stat -- tests/e2e tests/layout
