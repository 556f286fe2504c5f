#!/usr/bin/env bash
# Set-up and first run: installs what is needed, builds consentgen in build/
# and renders the example school's forms into out/ (one PDF per class).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONSENTGEN_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
build/src/consentgen render examples/schule.yaml --out out
