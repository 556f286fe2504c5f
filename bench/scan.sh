#!/usr/bin/env bash
# The code-reader benchmark of docs/scanning.md: builds bench/scan_codes.c (release) and runs it, which
# draws a synthetic scan corpus (module sizes 0.6/0.8/1.0 mm, 150/200/300 dpi, every orientation, skew
# within +-3 degrees, blur, noise, JPEG, black and white, light and dark) and reads it with zbar and with
# zxing-cpp. Prints Markdown tables on stdout.
# usage: bench/scan.sh [TRIALS]    (default 2 pages per cell: 396 pages, about 25 s on one core)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-bench-release/tools
cmake -S bench -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target scan_codes >/dev/null
"$build/scan_codes" "${1:-2}"
