# In German the table has its German headings, the counts under the end of "Schüler" as before.
set -eu
out=$(LANGUAGE=de "$CONSENTGEN" list schule.yaml)
expected=$(printf 'Klasse     Schüler\n5a               3\n10a              4')
[ "$out" = "$expected" ] || { echo "German list:"; echo "$out"; exit 1; }
out=$(LANGUAGE=de "$CONSENTGEN" list schule.yaml --class 10a | head -n 1)
[ "$out" = "$(printf 'Klasse\tNachname\tVorname\tGeburtsdatum\tID')" ] || { echo "German pupil list: $out"; exit 1; }
