# Names from every background print and read back exactly (NFC), one file per pupil.
set -eu
[ "$(ls out/10a/*.pdf | wc -l)" = 4 ]
for name in "Nguyễn, Thị Hương" "Yılmaz, İlayda" "Παπαδόπουλος, Γιώργος" "Коваленко, Олена"; do
  found=0
  for f in out/10a/*.pdf; do
    if pdftotext -enc UTF-8 "$f" - 2>/dev/null | grep -qF -- "$name · Klasse 10a"; then found=1; fi
  done
  [ "$found" = 1 ] || { echo "no file has the footer of $name"; exit 1; }
done
# The pupil block prints last and first name in their own fields.
pdftotext -enc UTF-8 out/10a/Yilmaz_Ilayda.pdf - 2>/dev/null | grep -qx "İlayda"
