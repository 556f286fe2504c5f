#!/usr/bin/env bash
# Control-C on Windows (the Windows build under wine, which turns SIGINT into the console's
# CTRL_C_EVENT): a render interrupted while it writes ends with status 130 and leaves nothing,
# no PDF, no temp file, no folder; one interrupted while loading ends with 130 too.
# usage: interrupt-wine.sh CONSENTGEN.EXE   (WINEPREFIX as the other tests under wine)
set -u
exe=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
wine=${WINE:-/usr/lib/wine/wine64}
export WINEDEBUG=-all
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/examples" "$root/templates" "$tmp/"
cd "$tmp"
awk -F';' -v OFS=';' 'NR == 1 { print; next } { for (i = 1; i <= 8; i++) { r = $0; $4 = $4 "-" i; print; $0 = r } }' \
    examples/klassen.csv >big.csv && mv big.csv examples/klassen.csv
fail=0
for when in first-temp-file later; do
  rm -rf out
  "$wine" "$exe" render examples/schule.yaml --out out --split both --quiet >stdout 2>stderr &
  pid=$!
  # Until the run has a temp file in out (or a while longer): then Control-C.
  for _ in $(seq 1 600); do
    [ -n "$(find out -type f 2>/dev/null | head -1)" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  [ "$when" = later ] && sleep 0.3
  kill -INT "$pid"
  wait "$pid"
  status=$?
  if [ "$status" != 130 ]; then
    echo "interrupt-wine: $when: status $status, expected 130"; cat stderr; fail=1
  fi
  if [ -e out ]; then
    echo "interrupt-wine: $when: left behind:"; find out; fail=1
  fi
  grep -q 'interrupted: no file was written' stderr || { echo "interrupt-wine: $when: no note"; cat stderr; fail=1; }
done
[ "$fail" = 0 ] && echo "interrupt-wine: ok"
exit "$fail"
