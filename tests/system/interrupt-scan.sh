#!/usr/bin/env bash
# Interrupts during scan: SIGINT, SIGTERM or SIGHUP while `consentgen scan` reads its pages end it at
# once with status 128 + signal and leave the register and the review file as they were (here: not
# there), with no temporary file beside them; a run that is done when the signal comes is complete.
# usage: interrupt-scan.sh CONSENTGEN
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/templates" "$tmp/"
mkdir "$tmp/case"
cp "$root"/tests/fixtures/e2e/scans/* "$tmp/case/"
cd "$tmp/case"
# The stack four times over (different names, so each is its own place), long enough to be hit.
files=()
for i in 1 2 3 4; do
    for f in scan1.pdf scan2.pdf beschaedigt.pdf; do cp "$f" "$i-$f"; files+=("$i-$f"); done
done
fail=0 interrupted=0 finished=0
for sig in INT TERM HUP; do
    for delay in 0.05 0.2 0.5 1.0; do
        rm -f einwilligungen.csv einwilligungen-pruefen.pdf .einwilligungen*
        "$bin" scan schule.yaml "${files[@]}" --jobs 2 --quiet >stdout 2>stderr &
        pid=$!
        sleep "$delay"
        kill -"$sig" "$pid" 2>/dev/null
        { wait "$pid"; } 2>/dev/null
        status=$?
        if ls -A | grep -q '^\.einwilligungen'; then echo "SIG$sig $delay: temporary files left"; fail=1; fi
        if [ "$status" = 0 ]; then
            finished=$((finished + 1))
            [ -s einwilligungen.csv ] && qpdf --check einwilligungen-pruefen.pdf >/dev/null 2>&1 ||
                { echo "SIG$sig $delay: finished, but the register or the review file is not complete"; fail=1; }
        else
            interrupted=$((interrupted + 1))
            want=$((128 + $(kill -l "$sig")))
            [ "$status" = "$want" ] || { echo "SIG$sig $delay: status $status, expected $want"; cat stderr; fail=1; }
            if [ -e einwilligungen.csv ] || [ -e einwilligungen-pruefen.pdf ]; then
                echo "SIG$sig $delay: interrupted, but files were written"; fail=1
            fi
            [ -s stdout ] && { echo "SIG$sig $delay: stdout lists files"; fail=1; }
        fi
    done
done
[ "$interrupted" -ge 6 ] || { echo "interrupt-scan: only $interrupted of 12 runs were interrupted"; fail=1; }
[ "$fail" = 0 ] && echo "interrupt-scan: ok ($interrupted runs interrupted and left nothing, $finished finished complete)"
exit "$fail"
