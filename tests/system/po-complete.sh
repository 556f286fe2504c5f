#!/usr/bin/env bash
# Fails when a message of the sources has no translation in a catalogue: xgettext
# collects the messages of src/*.c as the build's `pot` target does, and for each
# language of po/LINGUAS msgcmp finds every message that is missing, untranslated or
# fuzzy; msgfmt --check finds a translation that drops, adds or reorders a placeholder
# (%s, %zu, ...) or a plural form.
# usage: po-complete.sh SOURCE_DIR XGETTEXT_OPTION...
set -u
root=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 1
xgettext "$@" -o "$tmp/consentgen.pot" $(ls src/*.c | sort) || { echo "po: xgettext failed" >&2; exit 1; }
fail=0
for lang in $(grep -E '^[a-z]' po/LINGUAS); do
    if ! msgfmt --check --check-format -o /dev/null "po/$lang.po"; then
        echo "po/$lang.po: msgfmt --check failed" >&2
        fail=1
    fi
    if ! msgcmp "po/$lang.po" "$tmp/consentgen.pot"; then
        echo "po/$lang.po: messages above have no translation; run 'cmake --build build --target update-po' and translate them" >&2
        fail=1
    fi
done
[ "$fail" = 0 ] && echo "po: every message is translated in $(grep -cE '^[a-z]' po/LINGUAS) language(s)"
exit "$fail"
