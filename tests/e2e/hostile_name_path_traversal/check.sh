# No file outside out/ (the runner checks the case folder; this looks one level up too),
# and the names are printed as text.
set -e
if find .. -name '*.pdf' | grep -v '^\.\./case/out/'; then exit 1; fi
pdftotext -enc UTF-8 out/5a/x.pdf - 2>/dev/null | grep -F -q '../../x'
