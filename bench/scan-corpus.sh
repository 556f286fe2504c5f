#!/usr/bin/env bash
# The scan benchmark (docs/scanning.md, "Accuracy and speed"): accuracy and speed of `consentgen scan`
# on a synthetic scan corpus made from the example school's own forms.
#   1. builds consentgen and bench/scan_corpus in release mode, and a school of PUPILS pupils in 60
#      classes (bench/gen_school.c: the example school's config and template, seed 2026);
#   2. makes three corpora with bench/scan_corpus.c (each pupil's slip page rendered, marked and
#      scanned as described there): every pupil at 200 dpi, and a third of them at 150 and at 300 dpi;
#   3. scans each corpus into a fresh register with `consentgen scan --jobs 2` and times it;
#   4. compares each register with its corpus's truth and prints the tables (Markdown) on stdout.
# The 200 dpi run is the speed target: PUPILS slips (default 1,500) in under 2 minutes on 2 cores.
# Making the corpora takes some minutes; BENCH_KEEP=1 keeps them for another run of steps 3 and 4.
# usage: bench/scan-corpus.sh [PUPILS]
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
root=$PWD
pupils=${1:-1500}
build=$root/build-bench-release
work=${BENCH_WORK:-$build/scan-work}
say() { echo "bench: $*" >&2; }

say "building (release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONSENTGEN_TESTS=OFF -DCONSENTGEN_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target consentgen scan_corpus >/dev/null
cmake -S bench -B "$build/tools" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build/tools" -j2 --target gen_school >/dev/null
bin=$build/src/consentgen
corpus=$build/scan_corpus

third=$(( (pupils + 2) / 3 ))
if [ "${BENCH_KEEP:-}" != 1 ] || [ ! -f "$work/c200/truth-200.txt" ]; then
    rm -rf "$work"
    mkdir -p "$work"
    "$build/tools/gen_school" "$work/school" "$root/templates/videokonferenz-iserv.md" "$pupils" 60 2026
    say "making the corpora (200 dpi: $pupils slips; 150 and 300 dpi: $third each)"
    mkdir -p "$work/c200" "$work/c150" "$work/c300"
    (cd "$work/school" && "$corpus" make schule.yaml "$work/c150" 150 150 "$third") &
    (cd "$work/school" && "$corpus" make schule.yaml "$work/c300" 300 300 "$third") &
    (cd "$work/school" && "$corpus" make schule.yaml "$work/c200" 200 200 "$pupils")
    wait
fi

# scan DPI: one run into a fresh register; sets WALL[DPI] (s), CPU[DPI] (s, all processes), PAGES[DPI].
declare -A WALL CPU PAGES LOAD
scan() {
    local dpi=$1
    rm -f "$work/school/einwilligungen.csv" "$work/school/einwilligungen-pruefen.pdf"
    sync
    LOAD[$dpi]=$(cut -d' ' -f1-3 /proc/loadavg)
    local t0 t1
    t0=${EPOCHREALTIME/./}
    (cd "$work/school" && /usr/bin/time -f '%U %S' -o "$work/time-$dpi" "$bin" scan schule.yaml \
        "$work/c$dpi"/scan-*.pdf --jobs 2 --quiet >/dev/null 2>"$work/scan-$dpi.log") || true
    t1=${EPOCHREALTIME/./}
    WALL[$dpi]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
    CPU[$dpi]=$(awk '{ printf "%.1f", $1 + $2 }' "$work/time-$dpi")
    PAGES[$dpi]=$(for f in "$work/c$dpi"/scan-*.pdf; do pdfinfo "$f" 2>/dev/null; done |
        awk '/^Pages:/ { n += $2 } END { print n + 0 }')
    cp "$work/school/einwilligungen.csv" "$work/register-$dpi.csv"
    cp "$work/school/einwilligungen-pruefen.pdf" "$work/pruefen-$dpi.pdf"
    say "$dpi dpi: ${WALL[$dpi]} s, CPU ${CPU[$dpi]} s; $(tail -n 1 "$work/scan-$dpi.log")"
}
for dpi in 200 150 300; do scan "$dpi"; done

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
cat <<EOF
Scan benchmark, $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); \`consentgen scan --jobs 2\`.
Corpus: bench/scan_corpus.c on a school of $pupils pupils (bench/gen_school.c, the example school's
config and template), every pupil at 200 dpi, $third of them at 150 and at 300 dpi, each into its own
register; 40 pages to a PDF, each PDF grey JPEG (q15-65) or black and white (CCITT G4).

| run | slips | pages | wall | CPU (all processes) | load average before |
|---|---|---|---|---|---|
| 200 dpi | $pupils | ${PAGES[200]} | ${WALL[200]} s | ${CPU[200]} s | ${LOAD[200]} |
| 150 dpi | $third | ${PAGES[150]} | ${WALL[150]} s | ${CPU[150]} s | ${LOAD[150]} |
| 300 dpi | $third | ${PAGES[300]} | ${WALL[300]} s | ${CPU[300]} s | ${LOAD[300]} |

All three runs together:

EOF
(cd "$work/school" && "$corpus" check schule.yaml "$work/register-200.csv=$work/c200/truth-200.txt" \
    "$work/register-150.csv=$work/c150/truth-150.txt" "$work/register-300.csv=$work/c300/truth-300.txt") || true
for dpi in 200 150 300; do
    echo
    echo "$dpi dpi:"
    (cd "$work/school" && "$corpus" check schule.yaml "$work/register-$dpi.csv=$work/c$dpi/truth-$dpi.txt") |
        tail -n 3 || true
done
