#!/usr/bin/env bash
# The benchmark (docs/performance.md): builds consentgen in release mode and the
# benchmark's programs (bench/CMakeLists.txt), generates a synthetic school of
# 1,500 pupils in 60 classes (bench/gen_school.c, seeded), and times whole runs
# of the process, each RUNS times (default 5), against bench/floor.c, a minimal
# libharu program drawing the same text with the same two embedded fonts.
# Prints a Markdown table of medians on stdout; progress goes to stderr.
#
# usage: bench/run.sh [RUNS]
#   BENCH_WORK    folder for the school and the PDFs (default build-bench-release/work); it should be
#                 on the disk the forms are meant for: writes are timed up to the file on disk.
#   BENCH_BEFORE  optional: another consentgen binary (an older build) timed in the same run, for a
#                 before-and-after table that a busy machine affects alike.
# Every run starts after `sync`, so no run pays for writing back another's files.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-5}
build=$root/build-bench-release
work=${BENCH_WORK:-$build/work}
jobs=$(nproc)

say() { echo "bench: $*" >&2; }

say "building (release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONSENTGEN_TESTS=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target consentgen >/dev/null
cmake -S bench -B "$build/tools" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build/tools" -j"$jobs" >/dev/null
bin=$build/src/consentgen
floor=$build/tools/floor
template=$root/templates/videokonferenz-iserv.md
regular=$(fc-match -f '%{file}' 'Liberation Sans:style=Regular')
bold=$(fc-match -f '%{file}' 'Liberation Sans:style=Bold')

rm -rf "$work"
mkdir -p "$work"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$build/tools/gen_school" "$work/school" "$template" 1500 60 2026
"$build/tools/gen_school" "$work/school4x" "$template" 6000 240 2026
pupil="Kowalczyk, Łukasz"

ms_now() { echo "${EPOCHREALTIME/./}"; } # microseconds

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure KEY OUT_DIR CMD...: RUNS timed runs of CMD in the school folder, OUT_DIR emptied and
# everything synced before each; sets T[KEY] (median wall ms), C[KEY] (median CPU ms, user + system,
# all processes), M[KEY] (median peak RSS, KB: the largest process, as wait4 reports it for a process
# and its children) and S[KEY] (bytes of PDF written).
declare -A T C M S
measure() {
    local key=$1 out=$2
    shift 2
    local times=() cpus=() rss=()
    for ((i = 0; i < runs; i++)); do
        rm -rf "$out"
        sync
        local t0 t1
        t0=$(ms_now)
        /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >/dev/null
        t1=$(ms_now)
        times+=($(((t1 - t0) / 1000)))
        read -r kb user sys < <(tail -n 1 "$work/rss")
        rss+=("$kb")
        cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
    done
    T[$key]=$(printf '%s\n' "${times[@]}" | median)
    C[$key]=$(printf '%s\n' "${cpus[@]}" | median)
    M[$key]=$(printf '%s\n' "${rss[@]}" | median)
    S[$key]=$(find "$out" -name '*.pdf' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    say "$key: ${T[$key]} ms, CPU ${C[$key]} ms, ${M[$key]} KB, ${S[$key]} bytes"
}

cd "$work/school"
say "floor: class files, per-pupil files, one pupil"
measure floor_class "$work/floor-class" "$floor" class klassen.csv "$template" "$regular" "$bold" "$work/floor-class"
measure floor_pupil "$work/floor-pupil" "$floor" pupil klassen.csv "$template" "$regular" "$bold" "$work/floor-pupil"
measure floor_one "$work/floor-one" "$floor" one klassen.csv "$template" "$regular" "$bold" "$work/floor-one" "$pupil"
say "consentgen"
measure class_1 "$work/class-1" "$bin" render schule.yaml --quiet --jobs 1 --out "$work/class-1"
measure class_n "$work/class-n" "$bin" render schule.yaml --quiet --out "$work/class-n"
measure pupil_n "$work/pupil-n" "$bin" render schule.yaml --quiet --split pupil --out "$work/pupil-n"
measure one "$work/one" "$bin" render schule.yaml --quiet --pupil "$pupil" --out "$work/one"
if [ -n "${BENCH_BEFORE:-}" ]; then
    say "consentgen before: $BENCH_BEFORE"
    measure b_class_n "$work/b-class-n" "$BENCH_BEFORE" render schule.yaml --quiet --out "$work/b-class-n"
    measure b_pupil_n "$work/b-pupil-n" "$BENCH_BEFORE" render schule.yaml --quiet --split pupil --out "$work/b-pupil-n"
    measure b_one "$work/b-one" "$BENCH_BEFORE" render schule.yaml --quiet --pupil "$pupil" --out "$work/b-one"
fi
cd "$work/school4x"
measure class_4x "$work/class-4x" "$bin" render schule.yaml --quiet --out "$work/class-4x"
measure pupil_4x "$work/pupil-4x" "$bin" render schule.yaml --quiet --split pupil --class 7c --out "$work/pupil-4x"

same=yes
for f in "$work"/class-1/*.pdf; do
    cmp -s "$f" "$work/class-n/$(basename "$f")" || same=no
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
sec() { awk -v v="$1" 'BEGIN { printf "%.2f s", v / 1000 }'; }
mib() { awk -v v="$1" 'BEGIN { printf "%.1f MB", v / 1024 }'; }
mb() { awk -v v="$1" 'BEGIN { printf "%.1f MB", v / 1000000 }'; }
ok() { awk -v v="$1" -v max="$2" 'BEGIN { print (v <= max) ? "yes" : "**no**" }'; }

peak=${M[class_n]}
((M[pupil_n] > peak)) && peak=${M[pupil_n]}
((M[one] > peak)) && peak=${M[one]}
floor_peak=${M[floor_class]}
((M[floor_pupil] > floor_peak)) && floor_peak=${M[floor_pupil]}
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)

cat <<EOF
Medians of $runs runs, whole process, $(date -u +%Y-%m-%d); $jobs cores ($cpu), $mem RAM;
load average $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after.
School: 1,500 pupils in 60 classes (bench/gen_school.c, seed 2026); floor: bench/floor.c.
Times are wall-clock, start to the last file on disk; CPU is user + system of all processes
(counted in 10 ms ticks, so left out for the single pupil).

| Measurement | consentgen | floor | ratio | target | met |
|---|---|---|---|---|---|
| class split, \`--jobs 1\` (60 files) | $(sec "${T[class_1]}") (CPU $(sec "${C[class_1]}")) | $(sec "${T[floor_class]}") (CPU $(sec "${C[floor_class]}")) | $(ratio "${T[class_1]}" "${T[floor_class]}") | – | |
| class split, default \`--jobs\` ($jobs) | $(sec "${T[class_n]}") (CPU $(sec "${C[class_n]}")) | $(sec "${T[floor_class]}") | $(ratio "${T[class_n]}" "${T[floor_class]}") | ≤ 0.35 | $(ok "$(ratio "${T[class_n]}" "${T[floor_class]}")" 0.35) |
| per-pupil split, default \`--jobs\` (1,500 files) | $(sec "${T[pupil_n]}") (CPU $(sec "${C[pupil_n]}")) | $(sec "${T[floor_pupil]}") (CPU $(sec "${C[floor_pupil]}")) | $(ratio "${T[pupil_n]}" "${T[floor_pupil]}") | ≤ 0.3 | $(ok "$(ratio "${T[pupil_n]}" "${T[floor_pupil]}")" 0.3) |
| one pupil, \`--pupil\`, start to file on disk | ${T[one]} ms | ${T[floor_one]} ms | $(ratio "${T[one]}" "${T[floor_one]}") | ≤ 100 ms | $(ok "${T[one]}" 100) |
| peak RSS, largest process (the runs above) | $(mib "$peak") | $(mib "$floor_peak") | $(ratio "$peak" "$floor_peak") | ≤ 64 MB | $(ok "$peak" 65536) |
| peak RSS, 6,000 pupils in 240 classes | $(mib "${M[class_4x]}") (class), $(mib "${M[pupil_4x]}") (per pupil) | – | – | ≤ 1 KB more per pupil | $(ok "$(awk -v a="${M[class_4x]}" -v b="${M[class_n]}" 'BEGIN { printf "%.2f", (a - b) / 4500 }')" 1) |
| output size, class files | $(mb "${S[class_n]}") | $(mb "${S[floor_class]}") | $(ratio "${S[class_n]}" "${S[floor_class]}") | – | |
| output size, per-pupil files | $(mb "${S[pupil_n]}") | $(mb "${S[floor_pupil]}") | $(ratio "${S[pupil_n]}" "${S[floor_pupil]}") | – | |

Class files of \`--jobs 1\` and \`--jobs $jobs\` byte-identical: $same.
EOF
if [ -n "${BENCH_BEFORE:-}" ]; then
    cat <<EOF

Before ($BENCH_BEFORE) and after, the same run:

| Measurement | before | after | after / before |
|---|---|---|---|
| class split, default \`--jobs\` | $(sec "${T[b_class_n]}") (CPU $(sec "${C[b_class_n]}")), $(ratio "${T[b_class_n]}" "${T[floor_class]}") of the floor | $(sec "${T[class_n]}") (CPU $(sec "${C[class_n]}")), $(ratio "${T[class_n]}" "${T[floor_class]}") of the floor | $(ratio "${T[class_n]}" "${T[b_class_n]}") |
| per-pupil split, default \`--jobs\` | $(sec "${T[b_pupil_n]}") (CPU $(sec "${C[b_pupil_n]}")), $(ratio "${T[b_pupil_n]}" "${T[floor_pupil]}") of the floor | $(sec "${T[pupil_n]}") (CPU $(sec "${C[pupil_n]}")), $(ratio "${T[pupil_n]}" "${T[floor_pupil]}") of the floor | $(ratio "${T[pupil_n]}" "${T[b_pupil_n]}") |
| one pupil | ${T[b_one]} ms | ${T[one]} ms | $(ratio "${T[one]}" "${T[b_one]}") |
| peak RSS, class split | $(mib "${M[b_class_n]}") | $(mib "${M[class_n]}") | $(ratio "${M[class_n]}" "${M[b_class_n]}") |
| output size, class files | $(mb "${S[b_class_n]}") | $(mb "${S[class_n]}") | $(ratio "${S[class_n]}" "${S[b_class_n]}") |
| output size, per-pupil files | $(mb "${S[b_pupil_n]}") | $(mb "${S[pupil_n]}") | $(ratio "${S[pupil_n]}" "${S[b_pupil_n]}") |
EOF
fi
