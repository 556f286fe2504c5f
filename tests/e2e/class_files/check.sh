# Class files: metadata, embedded fonts, every pupil's data in the file.
set -eu
info=$(pdfinfo out/10a.pdf 2>/dev/null)
echo "$info" | grep -q '^Title: *Einwilligung in die Teilnahme an Videokonferenzen – Klasse 10a$'
echo "$info" | grep -q '^Author: *Städtisches Gymnasium Musterstadt$'
echo "$info" | grep -q '^Creator: *consentgen [0-9]'
echo "$info" | grep -q '^Page size: *595.276 x 841.89 pts (A4)'
# Subset, embedded Liberation Sans in regular and bold (the template uses no italic).
fonts=$(pdffonts out/10a.pdf 2>/dev/null)
for f in 'LiberationSans' 'LiberationSans-Bold,Bold'; do
  echo "$fonts" | grep -q "^[A-Z]\{6\}+$f  *CID TrueType  *Identity-H  *yes yes yes" || { echo "font $f missing"; exit 1; }
done
text=$(pdftotext -enc UTF-8 out/10a.pdf - 2>/dev/null)
for s in "Nguyễn" "Thị Hương" "21.06.2012" "Коваленко" "Олена" "05.11.2012" "Παπαδόπουλος" "Γιώργος" \
         "17.05.2008" "Yılmaz" "İlayda" "27.11.2012" "Klasse 10a"; do
  grep -qF -- "$s" <<<"$text" || { echo "missing in 10a.pdf: $s"; exit 1; }
done
text=$(pdftotext -enc UTF-8 out/5a.pdf - 2>/dev/null)
for s in "Şahin" "Ayşe" "14.03.2016" "Kowalczyk" "Łukasz" "Müller" "Jürgen" "Rücklaufliste"; do
  grep -qF -- "$s" <<<"$text" || { echo "missing in 5a.pdf: $s"; exit 1; }
done
