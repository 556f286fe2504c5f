#!/usr/bin/env bash
# Checks #include lines against STYLE.md §2: a module includes only the
# modules listed for it, and each third-party header belongs to one module.
# Also compiles every public header on its own (self-contained headers, §6).
# usage: .ci/check-includes.sh [CC]
set -u
cd "$(dirname "$0")/.."
cc=${1:-cc}
fail=0

allowed_modules() {
    case $1 in
    util) echo "" ;;
    diag) echo "util" ;;
    config) echo "diag util" ;;
    roster | template) echo "config diag util" ;;
    layout) echo "template config diag util" ;;
    form) echo "config roster template layout diag util" ;;
    pdf) echo "layout config diag util" ;;
    output) echo "diag util" ;;
    cli) echo "util diag config roster template layout form pdf output" ;;
    esac
}

# Third-party headers and the one module that may use each.
owner_of() {
    case $1 in
    yaml.h) echo config ;;
    csv.h | iconv.h) echo roster ;;
    md4c.h) echo template ;;
    hpdf*.h | fontconfig/*) echo pdf ;;
    utf8proc.h) echo util ;;
    unicode/*) echo output ;;
    *) echo "" ;;
    esac
}

for f in src/*.c; do
    base=$(basename "$f" .c)
    [ "$base" = main ] && continue
    module=${base%%_*}
    allowed=$(allowed_modules "$module")
    while IFS= read -r inc; do
        case $inc in
        consentgen/*)
            dep=$(basename "$inc" .h)
            [ "$dep" = "$module" ] && continue
            case " $allowed " in *" $dep "*) ;; *)
                echo "$f: includes <$inc>, but $module may not use $dep (STYLE.md §2)"; fail=1 ;;
            esac ;;
        *)
            owner=$(owner_of "$inc")
            if [ -n "$owner" ] && [ "$owner" != "$module" ]; then
                echo "$f: includes <$inc>, which belongs to $owner.c (STYLE.md §2)"; fail=1
            fi ;;
        esac
    done < <(sed -n 's/^#include [<"]\([^>"]*\)[>"].*/\1/p' "$f")
    # Each .c includes its own header first.
    first=$(sed -n 's/^#include [<"]\([^>"]*\)[>"].*/\1/p' "$f" | head -n 1)
    if [ "$first" != "consentgen/$module.h" ] && [ ! -f "src/${base}.h" ]; then
        echo "$f: the first #include should be \"consentgen/$module.h\" (STYLE.md §6)"; fail=1
    fi
done

# No third-party type in a public header.
if grep -nE '#include <(yaml|csv|md4c|hpdf|fontconfig/|utf8proc|unicode/)' include/consentgen/*.h; then
    echo "public headers must not include third-party headers (STYLE.md §2)"; fail=1
fi

# Every header compiles alone.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in include/consentgen/*.h; do
    printf '#include "consentgen/%s"\n' "$(basename "$h")" >"$tmp/t.c"
    if ! $cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -Iinclude -c "$tmp/t.c" \
        -o "$tmp/t.o" 2>"$tmp/err"; then
        echo "$h does not compile on its own:"; cat "$tmp/err"; fail=1
    fi
done
[ "$fail" = 0 ] && echo "check-includes: ok ($(ls src/*.c | wc -l) sources, $(ls include/consentgen/*.h | wc -l) headers)"
exit "$fail"
