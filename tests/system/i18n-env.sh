#!/usr/bin/env bash
# The language comes from the environment as in every GNU program, also on a machine where
# no German locale is generated (only C.UTF-8): LANGUAGE=de alone, or a German desktop's
# LANG, gives German; LC_ALL=C, chosen on purpose, and LANGUAGE=en give English.
# usage: i18n-env.sh CONSENTGEN
set -u
bin=$1
fail=0
expect() { # $1: "de" or "en"; the rest: the environment
    local lang=$1
    shift
    local out
    out=$(env -i PATH="$PATH" "$@" "$bin" 2>&1 >/dev/null)
    case "$lang:$out" in
    de:"consentgen: Fehler: kein Befehl angegeben"*) ;;
    en:"consentgen: error: no command given"*) ;;
    *) echo "i18n: with $* expected $lang, got: ${out%%$'\n'*}" >&2; fail=1 ;;
    esac
}
expect de LC_ALL=C.UTF-8 LANGUAGE=de
expect de LANGUAGE=de
expect de LANG=de_DE.UTF-8
expect de LC_MESSAGES=de_AT.UTF-8
expect de LANG=en_US.UTF-8 LC_MESSAGES=de_DE.UTF-8
expect de LANG=C.UTF-8 LANGUAGE=de:en
expect en
expect en LC_ALL=C LANGUAGE=de
expect en LANG=POSIX LANGUAGE=de
expect en LANG=de_DE.UTF-8 LANGUAGE=en
expect en LANG=fr_FR.UTF-8
expect en LC_ALL=C.UTF-8
[ "$fail" = 0 ] && echo "i18n: ok"
exit "$fail"
