# Worker processes reuse one libharu document for all their PDFs, and each PDF embeds only the
# characters it prints: so no PDF may depend on which PDFs its worker wrote before. --jobs 3 (this
# run: worker 1 writes 5a and 10a) and --jobs 1 must give the same bytes, and a pupil's file
# written alone (--pupil) the same bytes as in the whole split.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$CONSENTGEN" render schule.yaml --out "$tmp/out" --quiet --split both --jobs 1 >/dev/null
n=0
for f in $(find out -name '*.pdf' | sort); do
    cmp "$f" "$tmp/$f" || { echo "--jobs 1 and --jobs 3 differ: $f"; exit 1; }
    n=$((n + 1))
done
[ "$n" = 15 ] || { echo "expected 15 PDFs, found $n"; exit 1; }
"$CONSENTGEN" render schule.yaml --out "$tmp/one" --quiet --pupil "Коваленко, Олена" >/dev/null
cmp out/10a/Kovalenko_Olena.pdf "$tmp/one/10a/Kovalenko_Olena.pdf" || { echo "--pupil differs from the split"; exit 1; }
