# The register of a list without birth dates has empty Geburtsdatum cells, and reads back.
# In German, the office's language, the numbers stand under the ends of the translated headings.
set -eu
out=$(LANGUAGE=de "$CONSENTGEN" status schule.yaml --missing)
expected=$(printf 'Klasse     Formulare zurück    Ja  Nein unklar widerrufen fehlen prüfen\n5a                 2      1     1     0      0          0      1      0\nSumme              2      1     1     0      0          0      1      0\n\nNoch nicht zurück:\nKlasse\tNachname\tVorname\tGeburtsdatum\tID\n5a\tMüller\tJürgen\t\tx1002')
[ "$out" = "$expected" ] || { echo "status after set:"; echo "$out"; exit 1; }
