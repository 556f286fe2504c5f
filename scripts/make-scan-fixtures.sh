#!/usr/bin/env bash
# Makes the scans the end-to-end cases of `consentgen scan` read (tests/fixtures/e2e/scans/), from the
# e2e school itself with bench/scan_corpus.c (compose): its forms rendered, marked as parents do,
# turned and scanned as a copier does. The same seed gives the same files; run it again only when the
# slip's layout changes, then renew the goldens with scripts/update-golden.sh and review the diff.
#   scan1.pdf    grey, JPEG q25, 150 dpi: Şahin Ja (the page upside down); Kowalczyk Nein (a cross) and
#                Müller both ticked, cut off, two to a page; Nguyễn Ja without the pupil's signature
#   scan2.pdf    black and white (CCITT G4), 200 dpi: Коваленко Nein (cut off, sideways);
#                Παπαδόπουλος Nein filled over and Ja ticked (a correction); a letter page without a
#                slip; a blank back page
#   zettel.png   black and white, 150 dpi: Yılmaz Ja, cut off and laid on the glass alone
#   beschaedigt.pdf  grey, JPEG q25, 150 dpi: Kowalczyk Ja, laid too far right (its right corner marks off
#                the glass); Müller Nein with its code torn off
#   brief.pdf    black and white, 150 dpi: a letter page without slip and a blank page
#   anderes-formular.pdf  black and white, 150 dpi: Şahin's slip of another form round (form.date 2025-11-27)
# usage: scripts/make-scan-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-fixtures
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONSENTGEN_TESTS=OFF -DCONSENTGEN_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target scan_corpus >/dev/null
out=$root/tests/fixtures/e2e/scans
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/school" "$out"
cp -r templates "$work/templates"
cp tests/fixtures/e2e/school/schule.yaml tests/fixtures/e2e/school/klassen.csv "$work/school/"
cp tests/fixtures/e2e/school/schule.yaml tests/fixtures/e2e/school/klassen.csv "$out/"
sed 's/date: 2026-11-27/date: 2025-11-27/' "$work/school/schule.yaml" >"$work/school/vorjahr.yaml"
c="$build/scan_corpus compose"
cd "$work/school"
$c schule.yaml "$out/scan1.pdf" 150 grey:25 1 \
    1001:tick:yes:signed:page180 1002:cross:no:signed+1003:both:yes:signed 1004:tick:yes:unsigned-last:page
$c schule.yaml "$out/scan2.pdf" 200 bw:150 2 \
    1005:tick:no:signed:cut90 1006:filled:yes:signed:page text:1007 blank
$c schule.yaml "$out/zettel.png" 150 bw:150 3 1007:tick:yes:signed:cut
$c schule.yaml "$out/beschaedigt.pdf" 150 grey:25 5 1002:tick:yes:signed:cutoff 1003:cross:no:signed:nocode
$c schule.yaml "$out/brief.pdf" 150 bw:150 6 text:1001 blank
$c vorjahr.yaml "$out/anderes-formular.pdf" 150 bw:150 4 1001:cross:yes:signed:page
ls -l "$out"
