# Long and non-Latin names, read back from the PDFs by position (pdftotext -bbox): inside the margins,
# footers, duplex sheets, the return list whole and in German order, signature lines by age, the logo.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../lib/pdf-layout.sh"
fail=0
for f in out/5a.pdf out/10a.pdf out/Q1.pdf; do
    check_margins "$f" || fail=1
    check_footers "$f" || fail=1
    check_blank_pages "$f" || fail=1
    check_duplex "$f" || fail=1
done
check_sheet_lists out/10a.pdf klassen.csv 10a || fail=1
check_sheet_lists out/5a.pdf klassen.csv 5a || fail=1
check_sheet_lists out/Q1.pdf klassen.csv Q1 || fail=1
# German order: Ä as A, ß as ss, accents after the plain letter; other scripts after Latin.
check_sheet_order out/10a.pdf Abel Ärger "Công Tằng Tôn Nữ" Schulze-Wiedemann-Hoffmann-Brandenburger Straus \
    Strauß Wolfeschlegelsteinhausenbergerdorff Παπαδημητρακόπουλος-Χατζηγεωργίου || fail=1
# The 120-letter surname prints whole in its form's pupil block (broken over lines, glued back here).
long=$(awk -F';' '$1 == 2002 { print $2 }' klassen.csv)
text=$(pdftotext -enc UTF-8 out/10a.pdf - 2>/dev/null | tr -d '\n ')
grep -qF -- "$long" <<<"$text" || { echo "the 120-letter surname is not printed whole"; fail=1; }
# Signature lines by age on the form date 27.11.2026: 13 guardians only, 14 both, 18 the pupil alone.
sig() { # PDF "footer start" guardian(0/1) pupil(0/1)
    local t
    t=$(form_text "$1" "$2")
    [ -n "$t" ] || { echo "no pages of $2 in $1"; fail=1; return; }
    [ "$(grep -c 'Unterschrift der Erziehungsberechtigten' <<<"$t")" = "$3" ] || { echo "$2: guardian line: expected $3"; fail=1; }
    [ "$(grep -c 'Unterschrift der Schülerin / des Schülers' <<<"$t")" = "$4" ] || { echo "$2: pupil line: expected $4"; fail=1; }
}
sig out/10a.pdf "Công Tằng Tôn Nữ, Hoàng Thị Phương Thảo Nguyệt · " 1 0
sig out/10a.pdf "Schulze-Wiedemann-Hoffmann-Brandenburger, Maximiliane-Charlotte · " 1 1
sig out/10a.pdf "${long:0:40}" 0 1 # the footer cuts this name, but keeps class and page
# The pupil block opens with its title on every form.
[ "$(pdftotext -enc UTF-8 out/10a.pdf - 2>/dev/null | grep -c 'Angaben zur Schülerin / zum Schüler')" = 8 ] ||
    { echo "not every form of 10a has the pupil block's title"; fail=1; }
# The logo keeps its aspect: the same resolution across and down.
pdfimages -list out/10a.pdf 2>/dev/null | awk 'NR > 2 { n++; if ($13 != $14) bad = 1 } END { exit bad || n == 0 }' ||
    { pdfimages -list out/10a.pdf >&2; echo "the logo is missing or distorted"; fail=1; }
exit $fail
