#!/usr/bin/env bash
# Renders the example school (examples/schule.yaml) and writes pictures for README.md and
# docs/register.md into docs/images/: class-sheet.png (the return list of class 9b), form-page-1.png,
# form-page-2.png (the form of one pupil of 9b, old enough to sign next to the parents), the first page of
# an Arabic and a Turkish translation (translation-arabic.png, translation-turkish.png), slip.png (that
# form's return slip at 150 dpi), reminder-sheet.png (the return list of 5a in a reminder round, after
# a few answers were recorded with set), for docs/scanning.md scan-page.png (a page of the scans the
# e2e cases read: two cut slips, as the copier saw them) and review-page.png (the first page of the
# review file that scanning them gives), and for docs/config.md arabic-name.png, the pupil block of a
# pupil whose name is written in Arabic script; for docs/anleitung.md pictures of the terminal with
# consentgen's German output (terminal-*.png: check passing, check finding problems, render, set and
# status). Needs pdftoppm and pdftotext (poppler-utils) and hb-view (libharfbuzz-bin).
# usage: scripts/render-images.sh [BUILD_DIR]   (default build/; configured and built if it has no binary)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -x "$build/src/consentgen" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONSENTGEN_TESTS=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)" >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/src/consentgen" render examples/schule.yaml --out "$tmp" --class 9b --quiet >/dev/null
"$build/src/consentgen" render examples/schule.yaml --out "$tmp" --pupil "Arslan, Deniz" --quiet >/dev/null
mkdir -p docs/images
# 70 dpi keeps each picture near 100 KB and still readable on screen.
png() { # PDF PAGE NAME
    pdftoppm -png -r 70 -singlefile -f "$2" -l "$2" "$1" "docs/images/$3" 2>/dev/null
    echo "docs/images/$3.png"
}
png "$tmp/9b.pdf" 1 class-sheet
png "$tmp/9b/Arslan_Deniz.pdf" 1 form-page-1
png "$tmp/9b/Arslan_Deniz.pdf" 2 form-page-2

# Translations (docs/template.md): the first page of the Arabic and of the Turkish one, which follow the
# German form (pages 1 and 2) of a pupil whose family's language the example's list names.
"$build/src/consentgen" render examples/schule.yaml --out "$tmp" --pupil "Haddad, Karim" --pupil "Yılmaz, Elif" \
    --quiet >/dev/null
png "$tmp/9b/Haddad_Karim.pdf" 3 translation-arabic
png "$tmp/9b/Yilmaz_Elif.pdf" 3 translation-turkish

# The slip: from just above its return note to the page's foot, found by the note's first word.
slip_pdf="$tmp/9b/Arslan_Deniz.pdf"
top_pt=$(pdftotext -f 2 -l 2 -bbox "$slip_pdf" - 2>/dev/null |
    sed -n 's/.*yMin="\([0-9.]*\)".*>Bitte<.*/\1/p' | head -n 1)
top_px=$(awk -v y="${top_pt:-400}" 'BEGIN { printf "%d", (y - 8) * 150 / 72 }')
pdftoppm -png -r 150 -singlefile -f 2 -l 2 -x 0 -y "$top_px" -W 1240 -H $((1754 - top_px)) "$slip_pdf" \
    docs/images/slip 2>/dev/null
echo docs/images/slip.png

# A reminder round: a copy of the example with a few answers in its register, then render --missing.
cp -r examples "$tmp/school"
mkdir -p "$tmp/templates" && cp templates/*.md "$tmp/templates/"
for a in "Müller, Jonas:ja" "Bauer, Leon:nein" "Schäfer, Lena:ja" "Fischer, Emma:widerrufen"; do
    "$build/src/consentgen" set "$tmp/school/schule.yaml" --pupil "${a%%:*}" --answer "${a##*:}" >/dev/null
done
"$build/src/consentgen" render "$tmp/school/schule.yaml" --missing --class 5a --out "$tmp/reminder" --quiet \
    >/dev/null
png "$tmp/reminder/5a.pdf" 1 reminder-sheet

# Scanning: a page of the e2e scans, and the review file scanning the e2e stack writes.
png tests/fixtures/e2e/scans/scan1.pdf 2 scan-page
bin=$(realpath "$build/src/consentgen")
mkdir -p "$tmp/scans"
cp tests/fixtures/e2e/scans/* "$tmp/scans/"
sed -i "s|template: .*|template: $PWD/templates/videokonferenz-iserv.md|" "$tmp/scans/schule.yaml"
(cd "$tmp/scans" && SOURCE_DATE_EPOCH=1799971200 "$bin" scan schule.yaml scan1.pdf scan2.pdf zettel.png --quiet \
    >/dev/null 2>&1)
png "$tmp/scans/einwilligungen-pruefen.pdf" 1 review-page

# A pupil with an Arabic name, printed with the default font and its fallbacks: the pupil block at 110 dpi,
# found by the first word of its title.
mkdir -p "$tmp/arabic"
sed -e "s|^  template: .*|  template: $PWD/templates/videokonferenz-iserv.md|" -e "s|^  logo: .*|  logo: $PWD/examples/logo.png|" \
    -e "s|^  file: klassen.csv|  file: $tmp/arabic/klassen.csv|" examples/schule.yaml >"$tmp/arabic/schule.yaml"
printf 'Interne ID-Nummer;Nachname;Vorname;Klasse;Geburtsdatum\n1;حداد;محمد علي;7a;03.05.2013\n' >"$tmp/arabic/klassen.csv"
"$build/src/consentgen" render "$tmp/arabic/schule.yaml" --out "$tmp/arabic/out" --split pupil --quiet >/dev/null
arabic_pdf=$(ls "$tmp"/arabic/out/7a/*.pdf)
page=$(pdftotext -bbox "$arabic_pdf" - 2>/dev/null | awk '/<page / { p++ } />Angaben</ { print p; exit }')
top_pt=$(pdftotext -f "${page:-2}" -l "${page:-2}" -bbox "$arabic_pdf" - 2>/dev/null |
    sed -n 's/.*yMin="\([0-9.]*\)".*>Angaben<.*/\1/p' | head -n 1)
top_px=$(awk -v y="${top_pt:-330}" 'BEGIN { printf "%d", (y - 12) * 110 / 72 }')
pdftoppm -png -r 110 -singlefile -f "${page:-2}" -l "${page:-2}" -x 95 -y "$top_px" -W 740 -H 160 "$arabic_pdf" \
    docs/images/arabic-name 2>/dev/null
echo docs/images/arabic-name.png

# The terminal as the secretary sees it, in German: each command after a "$" prompt, then what it
# prints (stdout and stderr as they come), tabs and lines wrapped at 100 characters as a terminal shows them.
term() { # NAME FOLDER COMMAND-LINE...
    local name=$1 dir=$2
    shift 2
    : >"$tmp/term.txt"
    for cmd in "$@"; do
        printf '$ %s\n' "$cmd" >>"$tmp/term.txt"
        (cd "$dir" && LC_ALL=C.UTF-8 LANGUAGE=de PATH="$(realpath "$OLDPWD/$build/src"):$PATH" bash -c "$cmd" 2>&1) |
            expand -t 8 | fold -s -w 100 >>"$tmp/term.txt" || true
    done
    hb-view --font-file=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf --font-size=13 --margin=14 \
        --line-space=3 --background=f2f2f2 --foreground=1a1a1a --text-file="$tmp/term.txt" -O png \
        -o "docs/images/$name.png"
    echo "docs/images/$name.png"
}
cp -r examples "$tmp/office"
sed -i "s|template: .*|template: $PWD/templates/videokonferenz-iserv.md|" "$tmp/office/schule.yaml"
term terminal-check-ok "$tmp/office" "consentgen check schule.yaml"
# The same school with the mistakes an export and a quick edit make: a value missing in a row, a day that
# does not exist, a pupil listed twice, a misspelt key.
cp -r "$tmp/office" "$tmp/mistakes"
sed -i -e '3s/;w\(\r\?\)$/\1/' -e '5s/02\.12\.2015/31.02.2015/' "$tmp/mistakes/klassen.csv"
sed -n 6p "$tmp/mistakes/klassen.csv" >>"$tmp/mistakes/klassen.csv"
sed -i 's/^  address:/  adress:/' "$tmp/mistakes/schule.yaml"
term terminal-check-errors "$tmp/mistakes" "consentgen check schule.yaml"
term terminal-render "$tmp/office" "consentgen render schule.yaml --class 5a" \
    "consentgen render schule.yaml --pupil \"Schäfer, Lena\""
term terminal-status "$tmp/office" "consentgen set schule.yaml --pupil \"Müller, Jonas\" --answer ja --date 2026-12-01" \
    "consentgen set schule.yaml --pupil \"Şahin, İlayda\" --answer nein --date 2026-12-01" \
    "consentgen status schule.yaml"
