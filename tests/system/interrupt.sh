#!/usr/bin/env bash
# Interrupts (issue 4): SIGINT, SIGTERM or SIGHUP while a render runs end it
# at once with status 128 + signal, and leave no file at all: no PDF, no
# temporary file, no new folder. Also for Control-C, which the terminal sends
# to the whole process group (the workers too). Each signal is sent at several
# moments of the run; a run that is already done when it arrives must be complete.
# usage: interrupt.sh CONSENTGEN
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/examples" "$root/templates" "$tmp/"
cd "$tmp"
# Eight copies of the example school (576 pupils in 24 classes), so a render lasts long enough to be hit.
awk -F';' -v OFS=';' 'NR == 1 { print; next } { for (i = 1; i <= 8; i++) { r = $0; $4 = $4 "-" i; print; $0 = r } }' \
    examples/klassen.csv >big.csv && mv big.csv examples/klassen.csv
fail=0 interrupted=0 finished=0
for sig in INT TERM HUP; do
  for group in no yes; do
    for delay in 0.02 0.05 0.1 0.25; do
      rm -rf out
      if [ "$group" = yes ]; then
        setsid "$bin" render examples/schule.yaml --out out --split both --jobs 2 --quiet >stdout 2>stderr &
      else
        "$bin" render examples/schule.yaml --out out --split both --jobs 2 --quiet >stdout 2>stderr &
      fi
      pid=$!
      sleep "$delay"
      if [ "$group" = yes ]; then kill -"$sig" -- -"$pid" 2>/dev/null; else kill -"$sig" "$pid" 2>/dev/null; fi
      { wait "$pid"; } 2>/dev/null
      status=$?
      files=$(find out -type f 2>/dev/null | wc -l)
      if [ "$status" = 0 ]; then
        finished=$((finished + 1))
        # Done before the signal: every file there, each one complete.
        [ "$files" = "$(wc -l <stdout)" ] || { echo "SIG$sig group=$group $delay: $files files, $(wc -l <stdout) listed"; fail=1; }
        for f in $(find out -name '*.pdf'); do
          qpdf --check "$f" >/dev/null 2>&1 || { echo "SIG$sig: $f is not a complete PDF"; fail=1; }
        done
        find out -name '.*' | grep -q . && { echo "SIG$sig: temporary files left"; fail=1; }
      else
        interrupted=$((interrupted + 1))
        want=$((128 + $(kill -l "$sig")))
        [ "$status" = "$want" ] || { echo "SIG$sig group=$group $delay: status $status, expected $want"; cat stderr; fail=1; }
        [ "$files" = 0 ] || { echo "SIG$sig group=$group $delay: $files files left:"; find out -type f; fail=1; }
        [ -e out ] && [ -n "$(ls -A out)" ] && { echo "SIG$sig group=$group $delay: folders left in out/"; fail=1; }
        [ -s stdout ] && { echo "SIG$sig group=$group $delay: stdout lists files"; fail=1; }
      fi
    done
  done
done
# kill -KILL of the main process (issue 8) cannot be caught: its workers end with it, and the hidden temp
# files they wrote stay. They must be owner-only (pupil data); check names those in the output folder; the
# next run into the same folders removes every one of them and says so.
rm -rf examples/out
# In a process group of its own, so the test can wait for the workers too.
setsid "$bin" render examples/schule.yaml --out examples/out --split both --jobs 2 --quiet >stdout 2>stderr &
pid=$!
# Killed as soon as the first temp file is there (the run is slower under sanitizers or load).
for _ in $(seq 600); do
  find examples/out -name '.*.pdf.*' 2>/dev/null | grep -q . && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
kill -KILL "$pid"
{ wait "$pid"; } 2>/dev/null
# The workers end a moment after the main process; until then they hold the output folder's lock.
for _ in $(seq 200); do pgrep -g "$pid" >/dev/null || break; sleep 0.05; done
left=$(find examples/out -type f -name '.*.pdf.*' | sort)
n_left=$(echo "$left" | grep -c . || true)
[ "$n_left" -gt 0 ] || { echo "SIGKILL: no temp file left: the kill came too late to test anything"; fail=1; }
for f in $left; do
  [ "$(stat -c %a "$f")" = 600 ] || { echo "SIGKILL: $f has mode $(stat -c %a "$f"), not 600"; fail=1; }
done
n_top=$(find examples/out -maxdepth 1 -type f -name '.*.pdf.*' | wc -l)
"$bin" check examples/schule.yaml >stdout 2>stderr || { echo "SIGKILL: check failed"; cat stderr; fail=1; }
[ "$(grep -c 'is a temporary file that an earlier run left' stderr)" = "$n_top" ] ||
  { echo "SIGKILL: check named $(grep -c 'is a temporary file' stderr) of $n_top temp files in the output folder"; fail=1; }
[ "$(find examples/out -type f -name '.*.pdf.*' | sort)" = "$left" ] || { echo "SIGKILL: check removed files"; fail=1; }
"$bin" render examples/schule.yaml --out examples/out --split both --jobs 2 --quiet >stdout 2>stderr ||
  { echo "SIGKILL: the next run failed"; cat stderr; fail=1; }
[ "$(grep -c '^consentgen: note: removed ".*", a temporary file that an earlier run left' stderr)" = "$n_left" ] ||
  { echo "SIGKILL: the next run named $(grep -c 'removed' stderr) of $n_left temp files"; cat stderr; fail=1; }
find examples/out -name '.*' | grep -q . && { echo "SIGKILL: temp files left after the next run"; fail=1; }
# A check that never interrupts anything proves nothing.
[ "$interrupted" -ge 12 ] || { echo "interrupt: only $interrupted of 24 runs were interrupted; the render is too fast for the delays"; fail=1; }
[ "$fail" = 0 ] && echo "interrupt: ok ($interrupted runs interrupted and left nothing, $finished finished complete;" \
  "after kill -KILL, $n_left private temp files removed by the next run)"
exit "$fail"
