# --language for a single pupil, whose roster row names no language: the German form (2 pages, so no
# blank back is needed for duplex), then the Turkish translation on its own sheet.
set -eu
f=out/5a/Sahin_Ayse.pdf
[ "$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Pages: *//p')" = 4 ] || { echo "$f: not 4 pages"; exit 1; }
page() { pdftotext -f "$1" -l "$1" -enc UTF-8 "$f" - 2>/dev/null; }
page 1 | grep -qF "Einwilligung in die Teilnahme an Videokonferenzen"
page 2 | grep -qF "Rücklauf-Code"
page 3 | grep -qF "Video konferanslara katılım için onay beyanı"
page 3 | grep -qF "Şahin, Ayşe · Übersetzung Türkisch · Klasse 5a · Seite 1 von 2"
page 4 | grep -qF "Lütfen seçiminizi Almanca formda işaretleyiniz."
page 4 | grep -qF "Evet (Ja)"
page 4 | grep -qF "Öğrenciye ilişkin bilgiler (Angaben zur Schülerin / zum Schüler)"
if page 4 | grep -qF "Rücklauf-Code"; then echo "the translation has a slip"; exit 1; fi
