#!/usr/bin/env bash
# The module-boundary check (.ci/check-includes.sh) passes on the tree and
# fails on each kind of violation: a public header, a private header and a
# source including what STYLE.md's module table forbids, and a third-party
# header outside its module.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
copy() { rm -rf "$tmp/t"; mkdir -p "$tmp/t"; cp -r "$root/.ci" "$root/src" "$root/include" "$tmp/t/"; }
copy
"$tmp/t/.ci/check-includes.sh" >/dev/null || { echo "check-includes: fails on the tree itself"; fail=1; }
expect_failure() { # what, file, line to insert after the first #include
  copy
  sed -i "0,/^#include/s||$3\n#include|" "$tmp/t/$2"
  if "$tmp/t/.ci/check-includes.sh" >"$tmp/out" 2>&1; then
    echo "check-includes: $1 passed unnoticed"; fail=1
  fi
}
expect_failure "roster.h including pdf.h" include/consentgen/roster.h '#include "consentgen/pdf.h"'
expect_failure "layout.c including pdf.h" src/layout.c '#include "consentgen/pdf.h"'
expect_failure "config.c including hpdf.h" src/config.c '#include <hpdf.h>'
expect_failure "roster.c including signal.h" src/roster.c '#include <signal.h>'
copy
printf '#ifndef X\n#define X\n#include "consentgen/cli.h"\n#endif\n' >"$tmp/t/src/layout_int.h"
"$tmp/t/.ci/check-includes.sh" >/dev/null 2>&1 && { echo "check-includes: layout_int.h including cli.h passed unnoticed"; fail=1; }
[ "$fail" = 0 ] && echo "check-includes: catches every kind of violation"
exit "$fail"
