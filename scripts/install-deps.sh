#!/usr/bin/env bash
# Installs the Debian 12 packages consentgen needs to build, run and test.
# Runs apt-get as root, or through sudo for a normal user. Quiet when all is there.
set -eu
packages=(
  build-essential cmake pkg-config clang gettext
  libhpdf-dev libyaml-dev libmd4c-dev libcsv-dev libfontconfig-dev libutf8proc-dev libicu-dev
  fonts-liberation2 fonts-dejavu-core
  libxxhash-dev libqrencode-dev zlib1g-dev
  libharfbuzz-dev libfribidi-dev fonts-noto-core
  # scan: reading scanned return slips (CONSENTGEN_SCAN)
  g++ libpoppler-glib-dev libcairo2-dev libleptonica-dev libzxing-dev libpng-dev libjpeg-dev libtiff-dev
)
if [ "${1:-}" = "--test" ]; then
  packages+=(libcmocka-dev poppler-utils qpdf valgrind strace libclang-rt-14-dev llvm)
  # the scan tests draw their QR codes with libqrencode; bench/scan.sh compares zbar with zxing-cpp
  packages+=(libqrencode-dev libzbar-dev zbar-tools)
  packages+=(libharfbuzz-bin) # hb-shape and hb-subset: the text engine's tests compare with HarfBuzz's tools
  packages+=(fonts-dejavu-extra) # the font tests load DejaVu Sans in all three styles (core has no Oblique)
  packages+=(libc-l10n) # the German e2e goldens hold the C library's German texts ("Datei oder Verzeichnis nicht gefunden")
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "consentgen: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
