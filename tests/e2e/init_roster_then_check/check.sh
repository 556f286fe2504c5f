# The config init wrote passes check at once (the placeholders are warnings), and render prints from it.
set -eu
out=$("$CONSENTGEN" check schule.yaml 2>check.err)
[ "$out" = "schule.yaml: ok: 2 classes, 7 pupils, 4 warnings" ] || { echo "check said: $out"; exit 1; }
[ "$(grep -c 'warning: .* still holds the placeholder' check.err)" = 4 ] || { cat check.err; exit 1; }
"$CONSENTGEN" render schule.yaml --quiet >render.out 2>/dev/null
[ "$(cat render.out)" = "$(printf 'out/5a.pdf\nout/10a.pdf')" ] || { cat render.out; exit 1; }
pdftotext out/5a.pdf - | grep -q '\[Name der Schule\]'
# The copy is the shipped text, byte for byte.
cmp videokonferenz-iserv.md ../templates/videokonferenz-iserv.md
