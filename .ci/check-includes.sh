#!/usr/bin/env bash
# Checks #include lines against STYLE.md §2: a module includes only the
# modules listed for it, and each third-party header belongs to one module.
# Also compiles every public header on its own (self-contained headers, §6).
# usage: .ci/check-includes.sh [CC]
set -u
cd "$(dirname "$0")/.."
cc=${1:-cc}
fail=0

# STYLE.md §2, the module table: which modules each module may include.
allowed_modules() {
    case $1 in
    util) echo "" ;;
    diag) echo "util" ;;
    config) echo "diag util" ;;
    roster | template | text) echo "config diag util" ;;
    layout) echo "text template config diag util" ;;
    form) echo "config roster template layout text diag util" ;;
    pdf) echo "layout text config diag util" ;;
    output) echo "sys diag util" ;;
    register) echo "roster output sys config diag util" ;;
    scan) echo "register form layout roster template text config diag util" ;;
    sys) echo "util" ;;
    run) echo "util diag config roster template text layout form pdf output register scan sys" ;;
    cli) echo "util diag config roster template text layout form pdf output register scan sys run" ;;
    *) echo "UNKNOWN" ;;
    esac
}

# Third-party headers and the one module that may use each.
owner_of() {
    case $1 in
    yaml.h) echo config ;;
    csv.h | iconv.h) echo roster ;;
    md4c.h) echo template ;;
    hb.h | hb-*.h | harfbuzz/* | fribidi.h | fribidi/*) echo text ;;
    hpdf*.h) echo pdf ;;
    fontconfig/*) echo text ;;
    utf8proc.h | libintl.h | locale.h) echo util ;;
    unicode/*) echo output ;;
    qrencode.h) echo layout ;;
    xxhash.h) echo form ;;
    leptonica/* | allheaders.h | poppler.h | poppler/* | glib/* | glib.h | cairo.h | cairo-*.h | cairo/* | png.h | jpeglib.h | tiffio.h | zbar.h | ZXing/*) echo scan ;;
    # Processes, signals and pipes: the calls a port replaces.
    signal.h | sys/wait.h | sys/signalfd.h | sys/prctl.h | poll.h | windows.h) echo sys ;;
    *) echo "" ;;
    esac
}

# check_file FILE MODULE: its #include lines against the table.
check_file() {
    local f=$1 module=$2 allowed
    allowed=$(allowed_modules "$module")
    if [ "$allowed" = UNKNOWN ]; then
        echo "$f: module \"$module\" is not in STYLE.md's module table"; fail=1; return
    fi
    while IFS= read -r inc; do
        case $inc in
        consentgen/*)
            dep=$(basename "$inc" .h)
            [ "$dep" = "$module" ] && continue
            case " $allowed " in *" $dep "*) ;; *)
                echo "$f: includes <$inc>, but $module may not use $dep (STYLE.md §2)"; fail=1 ;;
            esac ;;
        *_int.h)
            dep=$(basename "$inc" _int.h)
            [ "$dep" = "$module" ] || { echo "$f: includes $inc, private to $dep (STYLE.md §6)"; fail=1; } ;;
        *)
            owner=$(owner_of "$inc")
            # A module's file for Windows alone (roster_win32.c, text_font_win32.c) may call Windows.
            case $inc:$f in windows.h:*_win32.c) owner=$module ;; esac
            if [ -n "$owner" ] && [ "$owner" != "$module" ]; then
                echo "$f: includes <$inc>, which belongs to $owner (STYLE.md §2)"; fail=1
            fi ;;
        esac
    done < <(sed -n 's/^#include [<"]\([^>"]*\)[>"].*/\1/p' "$f")
}

for h in include/consentgen/*.h; do
    check_file "$h" "$(basename "$h" .h)"
done
for h in src/*_int.h; do
    [ -e "$h" ] || continue
    check_file "$h" "$(basename "$h" _int.h)"
done

for f in src/*.c; do
    base=$(basename "$f" .c)
    [ "$base" = main ] && continue
    module=${base%%_*}
    # sys_posix.c, sys_win32.c: one file per system behind include/consentgen/sys.h; <module>_win32.c: a
    # module's part for Windows, beside its part for Linux.
    check_file "$f" "$module"
    # Each .c includes its own header first.
    first=$(sed -n 's/^#include [<"]\([^>"]*\)[>"].*/\1/p' "$f" | head -n 1)
    if [ "$first" != "consentgen/$module.h" ]; then
        echo "$f: the first #include should be \"consentgen/$module.h\" (STYLE.md §6)"; fail=1
    fi
done

# No third-party type in a public header.
if grep -nE '#include <(yaml|csv|md4c|hpdf|fontconfig/|utf8proc|unicode/|hb|fribidi|qrencode|leptonica|poppler|cairo|glib|png|jpeglib|tiffio|zbar|ZXing)' include/consentgen/*.h; then
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
