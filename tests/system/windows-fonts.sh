#!/usr/bin/env bash
# Fonts from the Windows Fonts folder (the Windows build under wine): page.font "DejaVu Serif", which
# the zip does not ship, is found by its family name in C:\Windows\Fonts, regular and bold.
# The files are taken out of wine's Fonts folder again afterwards.
# usage: windows-fonts.sh CONSENTGEN.EXE
set -u
exe=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
wine=${WINE:-/usr/lib/wine/wine64}
export WINEDEBUG=-all
fonts=$(winepath -u 'C:\windows\Fonts' 2>/dev/null)
[ -n "$fonts" ] && [ -d "$fonts" ] || { echo "windows-fonts: no Fonts folder in the wine prefix"; exit 77; }
tmp=$(mktemp -d)
added=()
cleanup() {
  for f in "${added[@]}"; do rm -f "$fonts/$f"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
for f in DejaVuSerif.ttf DejaVuSerif-Bold.ttf DejaVuSerif-Italic.ttf; do
  [ -e "$fonts/$f" ] && continue
  cp "/usr/share/fonts/truetype/dejavu/$f" "$fonts/" && added+=("$f")
done
cp -r "$root/examples" "$root/templates" "$tmp/"
sed -i 's/^  font: .*/  font: DejaVu Serif/' "$tmp/examples/schule.yaml"
cd "$tmp/examples"
fail=0
"$wine" "$exe" render schule.yaml --class 5a >stdout 2>stderr || { echo "windows-fonts: render failed"; cat stderr; fail=1; }
pdffonts out/5a.pdf 2>/dev/null | grep -q '+DejaVuSerif,' || { echo "windows-fonts: DejaVu Serif not in the PDF"; fail=1; }
pdffonts out/5a.pdf 2>/dev/null | grep -q '+DejaVuSerif-Bold' || { echo "windows-fonts: DejaVu Serif Bold not in the PDF"; fail=1; }
[ "$fail" = 0 ] && echo "windows-fonts: ok"
exit "$fail"
