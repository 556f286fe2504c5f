#!/usr/bin/env bash
# Windows paths (the Windows build under wine): a config given as C:\...\Schüler Dokumente\schule.yaml
# (here the drive wine maps to /, Z:), whose roster is "Listen\Schüler.csv" and whose logo and template
# are named with backslashes too, renders beside itself; the files it prints are named in the same style.
# usage: windows-paths.sh CONSENTGEN.EXE
set -u
exe=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
wine=${WINE:-/usr/lib/wine/wine64}
export WINEDEBUG=-all LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir="$tmp/Schüler Dokumente"
mkdir -p "$dir/Listen" "$dir/Vorlagen"
cp "$root/examples/klassen.csv" "$dir/Listen/Schüler.csv"
cp "$root/examples/logo.png" "$dir/Logo der Schule.png"
cp "$root/templates/videokonferenz-iserv.md" "$dir/Vorlagen/"
sed -e "s|^  logo: .*|  logo: 'Logo der Schule.png'|" \
    -e "s|^  template: .*|  template: 'Vorlagen\\\\videokonferenz-iserv.md'|" \
    -e "s|^  file: klassen.csv|  file: 'Listen\\\\Schüler.csv'|" "$root/examples/schule.yaml" >"$dir/schule.yaml"
winpath="Z:$(printf '%s' "$dir/schule.yaml" | tr / '\\\\')"
fail=0
"$wine" "$exe" render "$winpath" --class 5a >"$tmp/stdout" 2>"$tmp/stderr"
status=$?
[ "$status" = 0 ] || { echo "windows-paths: status $status"; cat "$tmp/stderr"; fail=1; }
want="Z:$(printf '%s' "$dir/out/5a.pdf" | tr / '\\\\')"
[ "$(cat "$tmp/stdout")" = "$want" ] || { echo "windows-paths: printed \"$(cat "$tmp/stdout")\", expected \"$want\""; fail=1; }
[ -f "$dir/out/5a.pdf" ] || { echo "windows-paths: no $dir/out/5a.pdf"; fail=1; }
[ "$fail" = 0 ] && echo "windows-paths: ok"
exit "$fail"
