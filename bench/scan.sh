#!/usr/bin/env bash
# The scan benchmarks of docs/scanning.md, built in release mode (bench/CMakeLists.txt):
#   bench/scan.sh [TRIALS]        the code readers: bench/scan_codes.c draws a synthetic scan corpus
#                                 (modules 0.6/0.8/1.0 mm, 150/200/300 dpi, every quarter turn, skew within
#                                 +-3 degrees, blur, noise, JPEG, black and white, light and dark) and reads
#                                 it with zbar and with zxing-cpp (default 2 pages per cell: 396 pages,
#                                 about 1.5 minutes on one core)
#   bench/scan.sh boxes [TRIALS]  the check-box and signature bands (bench/scan_boxes.c)
# Both print Markdown tables on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-bench-release/tools
cmake -S bench -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ "${1:-}" = boxes ]; then
    cmake --build "$build" -j"$(nproc)" --target scan_boxes >/dev/null
    "$build/scan_boxes" "${2:-4}"
else
    cmake --build "$build" -j"$(nproc)" --target scan_codes >/dev/null
    "$build/scan_codes" "${1:-2}"
fi
