#!/usr/bin/env bash
# The fuzzers reach large inputs (issue 8): scripts/fuzz.sh runs libFuzzer with -len_control=0, each
# corpus has a seed of at least three quarters of the harness's max_len (a register of 197 rows, a
# slip page scanned at 60 dpi), and the large roster, config and template together are a whole school
# that `consentgen check` accepts, so a mutation starts deep inside each parser.
# usage: fuzz-seeds.sh CONSENTGEN
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
grep -q -- '-len_control=0' "$root/scripts/fuzz.sh" || { echo "fuzz-seeds: fuzz.sh does not pass -len_control=0"; fail=1; }
for h in roster config template register scan_image; do
    max=$(sed -n "s/.*$h) echo \([0-9]*\) .*/\1/p" "$root/scripts/fuzz.sh")
    [ -n "$max" ] || { echo "fuzz-seeds: no max_len for $h in fuzz.sh"; fail=1; continue; }
    largest=$(find "$root/tests/fuzz/corpus/$h" -type f -printf '%s\n' | sort -n | tail -n 1)
    if [ "${largest:-0}" -gt "$max" ]; then
        echo "fuzz-seeds: a $h seed of $largest bytes is cut to max_len $max"; fail=1
    elif [ $((largest * 4)) -lt $((max * 3)) ]; then
        echo "fuzz-seeds: the largest $h seed has $largest bytes, max_len is $max"; fail=1
    fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$root/tests/fuzz/corpus/config/large-school.yaml" "$root/tests/fuzz/corpus/roster/large-school.csv" \
    "$root/tests/fuzz/corpus/template/large-consents.md" "$tmp/"
out=$(cd "$tmp" && "$bin" check large-school.yaml 2>&1)
[ "$out" = "large-school.yaml: ok: 14 classes, 248 pupils, 0 warnings" ] ||
    { echo "$out"; echo "fuzz-seeds: the large seeds are not a valid school"; fail=1; }
[ "$fail" = 0 ] && echo "fuzz-seeds: ok"
exit "$fail"
