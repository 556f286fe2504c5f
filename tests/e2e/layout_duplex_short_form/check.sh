# A one-page form in duplex class files: a truly blank page after the return list and after every form,
# so each form starts on an odd page and no sheet carries two pupils; checked by position (pdftotext -bbox).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../lib/pdf-layout.sh"
fail=0
for f in out/5a.pdf out/10a.pdf; do
    check_margins "$f" || fail=1
    check_footers "$f" || fail=1
    check_blank_pages "$f" || fail=1
    check_duplex "$f" || fail=1
done
check_sheet_lists out/5a.pdf klassen.csv 5a || fail=1
check_sheet_lists out/10a.pdf klassen.csv 10a || fail=1
# Return list + 3 forms, each one page and one blank page; the blank ones are pages 2, 4, 6, 8.
[ "$(n_pages out/5a.pdf)" = 8 ] || { echo "5a.pdf: $(n_pages out/5a.pdf) pages, expected 8"; fail=1; }
[ "$(footers out/5a.pdf | awk -F'\t' '$2 == "" { printf "%s ", $1 }')" = "2 4 6 8 " ] ||
    { echo "5a.pdf: blank pages are not 2 4 6 8"; fail=1; }
[ "$(n_pages out/10a.pdf)" = 10 ] || { echo "10a.pdf: $(n_pages out/10a.pdf) pages, expected 10"; fail=1; }
exit $fail
