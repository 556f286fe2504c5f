# Fold and hole marks (left paper edge, 3 to 10 mm) on the front pages of a duplex file only: on a back
# page the hole mark would sit at the wrong edge. Pages 1, 3, ... are fronts; pages 2, 4, ... backs.
set -u
fail=0
# Gray pixels at the marks' places (105, 148.5 and 210 mm from the top, in the left 11 mm), rendered at
# 36 dpi: 1.4 pixels per mm. The slip's cut line and corner marks reach the edge elsewhere.
strip_ink() { # PDF PAGE
    local y n=0
    for y in 147 208 296; do
        n=$((n + $(pdftoppm -gray -r 36 -f "$2" -l "$2" -x 0 -y "$y" -W 15 -H 5 "$1" 2>/dev/null |
            tail -n +4 | tr -d '\377' | wc -c)))
    done
    echo "$n"
}
n=$(pdfinfo out/5a.pdf | awk '/^Pages:/ { print $2 }')
[ "$n" -ge 4 ] || { echo "5a.pdf: $n pages"; fail=1; }
for p in $(seq 1 "$n"); do
    ink=$(strip_ink out/5a.pdf "$p")
    if [ $((p % 2)) = 1 ] && [ "$ink" = 0 ]; then echo "5a.pdf: front page $p has no marks"; fail=1; fi
    if [ $((p % 2)) = 0 ] && [ "$ink" != 0 ]; then echo "5a.pdf: back page $p has marks"; fail=1; fi
done
exit $fail
