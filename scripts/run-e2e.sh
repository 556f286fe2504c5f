#!/usr/bin/env bash
# Runs one end-to-end case: tests/e2e/<case>/ holds the inputs, `args` (the
# command line after "consentgen", shell words) and the expectations:
#   expect.status   exit status (default 0)       expect.stderr  exact stderr (default empty)
#   expect.stdout   exact stdout (if present)      expect.files   every file the run adds or changes, one per line
#   expect.removed  files the run removes (default: none)
#   expect/<path>.txt   pdftotext -layout of that PDF
#                   (every PDF must read without a poppler "Syntax Warning" or "Syntax Error")
#   expect/<path>   (not .pdf.txt) the exact bytes another file has after the run, written or kept
#                   (the consent register)
#   check.sh        optional extra assertions, run in the work folder with $CONSENTGEN set
#   base            optional: name of a folder under tests/fixtures/e2e/ whose files are
#                   copied in first (the case's own files override them)
#   setup.sh        optional: prepares the work folder before the run (e.g. a file in the way);
#                   exit 77 means "cannot be set up here" and skips the case
#   wrap            optional: a command prefix the binary runs under (e.g. a shell that sets ulimit)
# The case runs on a temp copy (with the repo's templates/ beside it). Every
# PDF must pass qpdf --check and embed all its fonts; a second run must give
# byte-identical PDFs. The case folder is compared before and after the run,
# every file, folder and link with its mode and bytes: after status 1 or 3 it
# must be exactly as before; after status 0 only the files of expect.files may
# be new or changed, no other folder may have appeared, and nothing may be gone
# that expect.removed does not name.
# German mode (--de): the same run with LANGUAGE=de, comparing the exit status and the German
# messages with expect.stderr.de (and expect.stdout.de if present); the files were checked by
# the English run. --update-de writes expect.stderr.de.
# usage: run-e2e.sh CONSENTGEN CASE_DIR [--update | --de | --update-de]
set -u
# English messages and a fixed locale, whatever the machine's: the goldens are English.
export LC_ALL=C.UTF-8
unset LANGUAGE LANG LC_MESSAGES
bin=$(realpath "$1") case_dir=$(realpath "$2") update=${3:-}
case "$update" in
--de | --update-de) export LANGUAGE=de ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
name=$(basename "$case_dir")
tmp=$(mktemp -d)
cleanup() {
    grep -o " $tmp/[^ ]*" /proc/mounts | xargs -r -n1 umount 2>/dev/null
    chattr -R -i "$tmp" 2>/dev/null # a case may make a file immutable (chattr +i)
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
say() { echo "e2e $name: $*" >&2; fail=1; }

# Every entry under $1, sorted: "f MODE SHA256 path", "d MODE path/", "l TARGET path", "o path".
manifest() {
    (cd "$1" && find . -mindepth 1 -print0 | sort -z | while IFS= read -r -d '' p; do
        p=${p#./}
        if [ -L "$p" ]; then echo "l $(readlink "$p") $p"
        elif [ -d "$p" ]; then echo "d $(stat -c %a "$p") $p/"
        elif [ -f "$p" ]; then echo "f $(stat -c %a "$p") $(sha256sum <"$p" | cut -c1-64) $p"
        else echo "o $p"; fi
    done)
}

run_once() { # $1: work folder
    mkdir -p "$1"
    cp -r "$root/templates" "$1/templates"
    mkdir -p "$1/case"
    if [ -f "$case_dir/base" ]; then
        cp -r "$root/tests/fixtures/e2e/$(cat "$case_dir/base")/." "$1/case/"
    fi
    cp -r "$case_dir/." "$1/case/"
    rm -rf "$1/case/expect" "$1/case"/expect.* "$1/case/args" "$1/case/check.sh" "$1/case/base"
    rm -f "$1/case/setup.sh" "$1/case/wrap"
    if [ -f "$case_dir/setup.sh" ]; then
        local rc=0
        (cd "$1/case" && bash "$case_dir/setup.sh") || rc=$?
        if [ "$rc" = 77 ]; then echo "e2e $name: skipped: cannot be set up on this machine"; exit 77; fi
        [ "$rc" = 0 ] || { echo "e2e $name: setup.sh failed" >&2; exit 1; }
    fi
    manifest "$1/case" >"$1/before"
    local status=0
    local wrap=""
    [ -f "$case_dir/wrap" ] && wrap=$(cat "$case_dir/wrap")
    (cd "$1/case" && eval "exec $wrap \"\$bin\" $(cat "$case_dir/args")" \
        >"$1/stdout" 2>"$1/stderr" </dev/null) || status=$?
    echo "$status" >"$1/status"
    manifest "$1/case" >"$1/after"
    # Files added or changed; folders added; entries gone or changed into something else.
    comm -13 <(sort "$1/before") <(sort "$1/after") | awk '$1 == "f" { print $NF }' | sort >"$1/new"
    comm -13 <(awk '$1 == "d" { print $NF }' "$1/before" | sort) <(awk '$1 == "d" { print $NF }' "$1/after" | sort) \
        >"$1/new-folders"
    comm -23 <(awk '{ print $NF }' "$1/before" | sed 's|/$||' | sort) \
        <(awk '{ print $NF }' "$1/after" | sed 's|/$||' | sort) >"$1/gone"
}

run_once "$tmp/a"
status=$(cat "$tmp/a/status")

if [ "$update" = "--update-de" ]; then
    rm -f "$case_dir/expect.stderr.de" "$case_dir/expect.stdout.de"
    [ -s "$tmp/a/stderr" ] && cp "$tmp/a/stderr" "$case_dir/expect.stderr.de"
    # German stdout only where it differs from the English one (a table, a summary).
    if [ -f "$case_dir/expect.stdout" ] && ! cmp -s "$case_dir/expect.stdout" "$tmp/a/stdout"; then
        cp "$tmp/a/stdout" "$case_dir/expect.stdout.de"
    fi
    echo "e2e $name: German golden files updated"
    exit 0
fi
if [ "$update" = "--de" ]; then
    expect_status=0
    [ -f "$case_dir/expect.status" ] && expect_status=$(cat "$case_dir/expect.status")
    [ "$status" = "$expect_status" ] || say "German run: exit status $status, expected $expect_status"
    if [ -f "$case_dir/expect.stderr.de" ]; then
        diff -u "$case_dir/expect.stderr.de" "$tmp/a/stderr" >&2 || say "German stderr differs"
    else
        say "no expect.stderr.de (scripts/update-golden.sh writes it)"
    fi
    stdout_de=$case_dir/expect.stdout.de
    [ -f "$stdout_de" ] || stdout_de=$case_dir/expect.stdout
    if [ -f "$stdout_de" ]; then
        diff -u "$stdout_de" "$tmp/a/stdout" >&2 || say "German stdout differs"
    fi
    [ "$fail" = 0 ] && echo "e2e $name (de): ok"
    exit "$fail"
fi

# Files other than PDFs whose bytes the case expects.
other_expected() {
    [ -d "$case_dir/expect" ] || return 0
    (cd "$case_dir/expect" && find . -type f ! -name '*.pdf.txt' | sed 's|^\./||' | sort)
}

if [ "$update" = "--update" ]; then
    kept=$(other_expected)
    # A case that checks its PDFs otherwise (expect.files, no expect/) keeps it that way; a new one gets all.
    texts=yes
    [ ! -d "$case_dir/expect" ] && [ -f "$case_dir/expect.files" ] && texts=no
    rm -rf "$case_dir/expect" "$case_dir"/expect.*
    [ "$status" = 0 ] || echo "$status" >"$case_dir/expect.status"
    [ -s "$tmp/a/stderr" ] && cp "$tmp/a/stderr" "$case_dir/expect.stderr"
    cp "$tmp/a/stdout" "$case_dir/expect.stdout"
    [ -s "$tmp/a/new" ] && cp "$tmp/a/new" "$case_dir/expect.files"
    [ -s "$tmp/a/gone" ] && cp "$tmp/a/gone" "$case_dir/expect.removed"
    while IFS= read -r f; do
        case "$f" in
        *.pdf)
            [ "$texts" = yes ] || continue
            mkdir -p "$case_dir/expect/$(dirname "$f")"
            pdftotext -layout -enc UTF-8 "$tmp/a/case/$f" "$case_dir/expect/$f.txt" 2>/dev/null ;;
        *)
            mkdir -p "$case_dir/expect/$(dirname "$f")"
            cp "$tmp/a/case/$f" "$case_dir/expect/$f" ;;
        esac
    done <"$tmp/a/new"
    for f in $kept; do
        mkdir -p "$case_dir/expect/$(dirname "$f")"
        cp "$tmp/a/case/$f" "$case_dir/expect/$f"
    done
    echo "e2e $name: golden files updated"
    exit 0
fi

expect_status=0
[ -f "$case_dir/expect.status" ] && expect_status=$(cat "$case_dir/expect.status")
[ "$status" = "$expect_status" ] || say "exit status $status, expected $expect_status"
if [ -f "$case_dir/expect.stderr" ]; then
    diff -u "$case_dir/expect.stderr" "$tmp/a/stderr" >&2 || say "stderr differs"
else
    [ -s "$tmp/a/stderr" ] && { cat "$tmp/a/stderr" >&2; say "unexpected stderr"; }
fi
if [ -f "$case_dir/expect.stdout" ]; then
    diff -u "$case_dir/expect.stdout" "$tmp/a/stdout" >&2 || say "stdout differs"
fi
if [ "$status" = 1 ] || [ "$status" = 3 ]; then
    # A failed run leaves everything as it was, byte for byte: no file, no folder, no change.
    if ! diff -u "$tmp/a/before" "$tmp/a/after" >"$tmp/changes"; then
        cat "$tmp/changes" >&2; say "the run failed but changed the folder"
    fi
else
    while IFS= read -r d; do
        grep -q "^${d}" "$tmp/a/new" || say "folder $d appeared with no file of the run in it"
    done <"$tmp/a/new-folders"
fi
expect_removed=/dev/null
[ -f "$case_dir/expect.removed" ] && expect_removed=$case_dir/expect.removed
diff -u "$expect_removed" "$tmp/a/gone" >&2 || say "the set of removed or replaced entries differs"
if [ -f "$case_dir/expect.files" ]; then
    diff -u "$case_dir/expect.files" "$tmp/a/new" >&2 || say "the set of written files differs"
elif [ -s "$tmp/a/new" ] && [ "$status" = 0 ]; then
    say "no expect.files, but files were written"
fi

while IFS= read -r f; do
    [ -n "$f" ] || continue
    case "$f" in
    *.pdf)
        p="$tmp/a/case/$f"
        qpdf --check "$p" >"$tmp/qpdf.log" 2>&1 || { cat "$tmp/qpdf.log" >&2; say "qpdf --check failed on $f"; }
        if pdffonts "$p" 2>"$tmp/poppler.log" | awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }'; then :; else
            pdffonts "$p" >&2; say "$f has a font that is not embedded"
        fi
        pdftotext -layout -enc UTF-8 "$p" "$tmp/text.txt" 2>>"$tmp/poppler.log"
        # poppler reads every PDF without a complaint (a broken ToUnicode map, say).
        if grep -E 'Syntax (Warning|Error)' "$tmp/poppler.log" >&2; then
            say "poppler warns about $f"
        fi
        if [ -f "$case_dir/expect/$f.txt" ]; then
            diff -u "$case_dir/expect/$f.txt" "$tmp/text.txt" >&2 || say "text of $f differs"
        fi ;;
    *) [ -f "$case_dir/expect/$f" ] || say "unexpected file $f" ;;
    esac
done <"$tmp/a/new"

for f in $(other_expected); do
    if ! cmp -s "$case_dir/expect/$f" "$tmp/a/case/$f"; then
        diff -u "$case_dir/expect/$f" "$tmp/a/case/$f" >&2; say "$f differs from expect/$f"
    fi
done

if [ -f "$case_dir/check.sh" ]; then
    (cd "$tmp/a/case" && CONSENTGEN="$bin" STATUS="$status" bash "$case_dir/check.sh") >&2 || say "check.sh failed"
fi

# The same input must give byte-identical PDFs.
if [ "$status" = 0 ] && [ -s "$tmp/a/new" ]; then
    run_once "$tmp/b"
    while IFS= read -r f; do
        cmp -s "$tmp/a/case/$f" "$tmp/b/case/$f" || say "second run: $f is not byte-identical"
    done <"$tmp/a/new"
fi

[ "$fail" = 0 ] && echo "e2e $name: ok"
exit "$fail"
