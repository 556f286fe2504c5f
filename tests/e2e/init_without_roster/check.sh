# Without --roster, init makes the folder; the list saved there as klassen.csv is found by its usual headers.
set -eu
[ -d Formulare ]
if "$CONSENTGEN" check Formulare/schule.yaml >/dev/null 2>check.err; then echo "check passed without a list"; exit 1; fi
grep -q 'cannot read roster "Formulare/klassen.csv"' check.err
cp klassen.csv Formulare/klassen.csv
out=$("$CONSENTGEN" check Formulare/schule.yaml 2>/dev/null)
[ "$out" = "Formulare/schule.yaml: ok: 2 classes, 7 pupils, 4 warnings" ] || { echo "check said: $out"; exit 1; }
