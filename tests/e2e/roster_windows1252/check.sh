# A Windows-1252 export (Excel's "CSV (Trennzeichen-getrennt)") reads as the same names in UTF-8.
set -eu
text=$(pdftotext -enc UTF-8 out/7c.pdf - 2>/dev/null)
for s in "Müller, Jürgen" "Çelik, Ayça" "Groß, François" "03.04.2014" "06.05.2014"; do
  grep -qF -- "$s" <<<"$text" || { echo "missing in 7c.pdf: $s"; exit 1; }
done
