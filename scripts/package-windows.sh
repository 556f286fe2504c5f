#!/usr/bin/env bash
# Builds consentgen.exe with the libraries scripts/build-windows.sh made and packs the zip the
# secretary unzips: consentgen-VERSION-windows.zip in build-win/.
#
#   scripts/package-windows.sh            (scripts/build-windows.sh --zip runs it after the libraries)
#
# The zip holds one folder:
#   consentgen.bat                 opens a console in the folder, consentgen on its PATH
#   LIESMICH.txt                   how to start, in German
#   bin/consentgen.exe             needs only the DLLs every Windows has
#   share/locale/de/...            the German messages
#   share/consentgen/fonts/        Liberation, DejaVu Sans, Noto Naskh Arabic, Noto Sans Hebrew (+ licences)
#   vorlagen/                      the shipped consent texts (templates/)
#   beispiel/                      the example school (schule.yaml, klassen.csv, logo.png)
#   ANLEITUNG.md                   the German guide (docs/anleitung.md)
#   LICENSE.txt, QUELLEN.txt       GPL-3.0-or-later; the Debian sources of every library inside
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bw=${CONSENTGEN_WIN_BUILD:-$root/build-windows}
prefix=${CONSENTGEN_WIN_PREFIX:-$bw/prefix}
build=${CONSENTGEN_WIN_CONSENTGEN_BUILD:-$root/build-win}
jobs=${JOBS:-2}
t0=$SECONDS

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
  -DCONSENTGEN_WIN_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release >"$bw/logs/consentgen-configure.log" 2>&1 ||
  { tail -20 "$bw/logs/consentgen-configure.log" >&2; exit 1; }
cmake --build "$build" -j"$jobs" --target consentgen catalogues >"$bw/logs/consentgen-build.log" 2>&1 ||
  { tail -20 "$bw/logs/consentgen-build.log" >&2; exit 1; }

version=$(sed -n 's/^project(consentgen VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
name=consentgen-$version-windows
stage=$build/package/$name
rm -rf "$build/package"
mkdir -p "$stage/bin" "$stage/share/consentgen" "$stage/vorlagen" "$stage/beispiel"

# Stripped when linked (src/CMakeLists.txt): strip would write the time into the PE header.
cp "$build/src/consentgen.exe" "$stage/bin/consentgen.exe"
# Nothing beside the .exe: it must need only what comes with Windows.
if x86_64-w64-mingw32-objdump -p "$stage/bin/consentgen.exe" | sed -n 's/^\s*DLL Name: //p' |
  grep -viqE '^(kernel32|advapi32|msvcrt|user32|gdi32|shell32|ole32|ws2_32|bcrypt)\.dll$'; then
  echo "package-windows: consentgen.exe needs a DLL that Windows does not have:" >&2
  x86_64-w64-mingw32-objdump -p "$stage/bin/consentgen.exe" | grep 'DLL Name' >&2
  exit 1
fi
cp -r "$build/share/locale" "$stage/share/locale"
cp -r "$build/share/consentgen/fonts" "$stage/share/consentgen/fonts"
cp "$root"/templates/*.md "$stage/vorlagen/"
cp "$root/examples/klassen.csv" "$root/examples/logo.png" "$stage/beispiel/"
# The example names its consent text as ../templates/...: in the zip the folder is vorlagen.
sed 's|\.\./templates/|../vorlagen/|' "$root/examples/schule.yaml" >"$stage/beispiel/schule.yaml"
[ -f "$root/docs/anleitung.md" ] && cp "$root/docs/anleitung.md" "$stage/ANLEITUNG.md"
cp "$root/LICENSE" "$stage/LICENSE.txt"

cat >"$stage/consentgen.bat" <<'BAT'
@echo off
rem Opens a console in this folder in which "consentgen" can be typed.
chcp 65001 >nul
cd /d "%~dp0"
set "PATH=%~dp0bin;%PATH%"
title consentgen
echo consentgen - Einwilligungsformulare fuer die Schule
echo.
echo Zum Ausprobieren:   consentgen check beispiel\schule.yaml
echo Formulare drucken:  consentgen render beispiel\schule.yaml
echo Hilfe:              consentgen --help
echo.
cmd /k
BAT

cat >"$stage/LIESMICH.txt" <<'TXT'
consentgen für Windows
======================

1. Die ZIP-Datei entpacken: rechte Maustaste auf die Datei, "Alle extrahieren...",
   zum Beispiel nach "Dokumente". Es entsteht ein Ordner consentgen-...-windows.
2. In diesem Ordner doppelt auf "consentgen.bat" klicken. Es öffnet sich ein
   schwarzes Fenster (die Eingabeaufforderung), schon im richtigen Ordner.
3. Zum Ausprobieren eintippen und mit der Eingabetaste bestätigen:

       consentgen check beispiel\schule.yaml
       consentgen render beispiel\schule.yaml

   Die fertigen PDF-Dateien liegen danach im Ordner beispiel\out.

Für die eigene Schule: den Ordner "beispiel" kopieren (z. B. nach "schule"),
darin schule.yaml mit dem Editor anpassen und die Schülerliste aus SchILD-NRW,
IServ oder Excel als klassen.csv daneben speichern. Dann:

       consentgen render schule\schule.yaml

Windows fragt beim ersten Start vielleicht nach ("Der Computer wurde durch
Windows geschützt"): "Weitere Informationen", dann "Trotzdem ausführen".

Die Formulare werden mit den Schriften im Ordner share\consentgen\fonts
gedruckt; andere Schriften sucht consentgen im Windows-Schriftordner.
Das Einlesen eingescannter Rückmeldungen (consentgen scan) gibt es in der
Windows-Fassung nicht: Antworten mit "consentgen set" eintragen.

consentgen ist freie Software (GPL-3.0-or-later, siehe LICENSE.txt);
QUELLEN.txt nennt die Quelltexte aller enthaltenen Bibliotheken.
TXT

{
  echo "consentgen $version for Windows: consentgen's source is its git repository at this version."
  echo "consentgen.exe contains these libraries, built from Debian 12's source packages"
  echo "(apt-get source NAME=VERSION on Debian 12), by scripts/build-windows.sh:"
  echo
  # The printing path's libraries (cmocka is only in the tests).
  for lib in zlib libpng libharu libyaml md4c libcsv utf8proc fribidi harfbuzz qrencode xxhash libintl; do
    f=$bw/src/$lib.version
    printf '  %-10s %s\n' "$lib" "$(cat "$f")"
  done
  echo
  echo "The fonts in share/consentgen/fonts come from Debian's fonts-liberation2, fonts-dejavu-core and"
  echo "fonts-noto-core; their licences are beside them."
} >"$stage/QUELLEN.txt"

if [ -f "$stage/ANLEITUNG.md" ]; then
  printf '\nDie ausführliche Anleitung für das Sekretariat steht in ANLEITUNG.md (mit dem Editor öffnen).\n' \
    >>"$stage/LIESMICH.txt"
fi

# Windows' own tools expect CR LF in text files.
for f in "$stage/consentgen.bat" "$stage/LIESMICH.txt" "$stage/QUELLEN.txt" "$stage/LICENSE.txt" "$stage"/*.md; do
  [ -f "$f" ] || continue
  sed -i 's/\r\{0,1\}$/\r/' "$f"
done

zipfile=$build/$name.zip
rm -f "$zipfile"
# Fixed times and order: the same sources give the same zip.
find "$build/package" -exec touch -h -d @"${SOURCE_DATE_EPOCH:-1764633600}" {} +
(cd "$build/package" && find "$name" | LC_ALL=C sort | TZ=UTC zip -q -X -9 "$zipfile" -@)
echo "package-windows: ${zipfile#"$root"/} ($(du -k "$zipfile" | cut -f1) KB, consentgen.exe $(du -k "$stage/bin/consentgen.exe" | cut -f1) KB) in $((SECONDS - t0)) s"
