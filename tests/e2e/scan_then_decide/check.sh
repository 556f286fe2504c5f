# The secretary decides the three slips of the review file with set, as it says, and scans the same
# stack again: the register keeps her decisions (every source in Quelle), nothing is left to check,
# and the review file says so; a withdrawal stays. (In a copy: the run's own files are compared with a second run.)
set -e
export SOURCE_DATE_EPOCH=1799971200
mkdir d
cp klassen.csv scan1.pdf scan2.pdf zettel.png einwilligungen.csv einwilligungen-pruefen.pdf d/
sed 's|\.\./templates|../../templates|' schule.yaml >d/schule.yaml
cd d
pdftotext einwilligungen-pruefen.pdf - 2>/dev/null | grep -q -- "--id 1003 --answer ja"
"$CONSENTGEN" set schule.yaml --id 1003 --answer ja >/dev/null
"$CONSENTGEN" set schule.yaml --id 1004 --answer ja >/dev/null
"$CONSENTGEN" set schule.yaml --id 1006 --answer ja >/dev/null
# Şahin's parents withdraw their consent: scanning their old slip again does not bring it back.
"$CONSENTGEN" set schule.yaml --id 1001 --answer widerrufen >/dev/null
cp einwilligungen.csv decided.csv
"$CONSENTGEN" scan schule.yaml scan1.pdf scan2.pdf zettel.png >out.txt 2>err.txt
cmp decided.csv einwilligungen.csv
grep -q "^5a;Müller;Jürgen;30.01.2016;1003;Ja;ja;2027-01-15;scan1.pdf:2 (unklar) | manuell (Ja);" einwilligungen.csv
grep -q "^5a;Şahin;Ayşe;14.03.2016;1001;widerrufen;ja;2027-01-15;scan1.pdf:1 (Ja) | manuell (widerrufen);" einwilligungen.csv
[ "$(grep -c ';ja.$' einwilligungen.csv)" = 0 ]
pdftotext einwilligungen-pruefen.pdf - 2>/dev/null | grep -q "es gibt nichts zu prüfen"
[ "$(cat out.txt)" = einwilligungen-pruefen.pdf ]
grep -q "recorded: 0; already in the register: 7; to check: 0" err.txt
