# The register is its owner's only; the review file holds one picture per slip to check; the same
# scan with one worker and with three gives the same register and review file, byte for byte.
set -e
[ "$(stat -c %a einwilligungen.csv)" = 600 ]
[ "$(stat -c %a einwilligungen-pruefen.pdf)" = 600 ]
[ "$(pdfimages -list einwilligungen-pruefen.pdf 2>/dev/null | grep -c jpeg)" = 3 ]
for jobs in 1 3; do
    mkdir "j$jobs"
    cp klassen.csv scan1.pdf scan2.pdf zettel.png "j$jobs/"
    sed 's|\.\./templates|../../templates|' schule.yaml >"j$jobs/schule.yaml"
    (cd "j$jobs" && SOURCE_DATE_EPOCH=1799971200 "$CONSENTGEN" scan schule.yaml scan1.pdf scan2.pdf zettel.png \
        --jobs "$jobs" >/dev/null 2>&1)
    cmp "j$jobs/einwilligungen.csv" einwilligungen.csv
    cmp "j$jobs/einwilligungen-pruefen.pdf" einwilligungen-pruefen.pdf
done
