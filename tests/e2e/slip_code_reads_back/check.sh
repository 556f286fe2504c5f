# The QR code on the slip holds "CG1-" and the token printed beside it, and reads back from a page
# rendered at 150 and at 100 dpi (a copier's lowest settings). zbarimg (zbar-tools) is optional here.
set -e
command -v zbarimg >/dev/null || { echo "check.sh: zbarimg not installed, code not read back"; exit 0; }
f=out/5a/Sahin_Ayse.pdf
token=$(pdftotext -layout "$f" - 2>/dev/null | grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' | head -n 1)
[ -n "$token" ]
for dpi in 150 100; do
    pdftoppm -png -gray -r "$dpi" -f 2 -l 2 "$f" "page$dpi" 2>/dev/null
    code=$(zbarimg -q --raw "page$dpi-2.png" 2>/dev/null)
    [ "$code" = "CG1-$(echo "$token" | tr -d -)" ] || { echo "read \"$code\" at $dpi dpi, token $token"; exit 1; }
done
