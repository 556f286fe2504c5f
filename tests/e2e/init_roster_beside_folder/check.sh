# roster.file counts from the new config's folder: a sibling whose name starts like it is still "../".
set -eu
grep -qx '  file: "../Schule-Export/liste.csv"' Schule/schule.yaml
"$CONSENTGEN" check Schule/schule.yaml >/dev/null 2>&1
