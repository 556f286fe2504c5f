#!/usr/bin/env bash
# Renders the example school (examples/schule.yaml) and writes pictures for README.md into docs/images/:
# class-sheet.png (the return list of class 9b) and form-page-1.png, form-page-2.png (the form of one
# pupil of 9b, old enough to sign next to the parents). Needs pdftoppm (poppler-utils).
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
