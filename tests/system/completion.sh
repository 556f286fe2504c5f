#!/usr/bin/env bash
# The bash completion offers the commands, each command's options, the --split and --answer values and
# the right kind of file, in a plain bash (without the bash-completion package and its extglob).
# usage: completion.sh COMPLETION_FILE
set -eu # as a strict user shell would; the completion must not stop it
source "$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
mkdir Formulare
touch schule.yaml alt.yml klassen.csv Export.TXT stapel.pdf seite.png notiz.doc
fail=0
expect() { # expected reply, then the words (the last one is completed)
    local want=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _consentgen
    local got
    got=$(printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ')
    [ "${got% }" = "$want" ] || { echo "completion of '$*': got '${got% }', expected '$want'"; fail=1; }
}
expect "--help --version check init list render scan set status" consentgen ""
expect "init" consentgen in
expect "--roster" consentgen init --
expect "Formulare" consentgen init ""
expect "Export.TXT Formulare klassen.csv" consentgen init --roster ""
expect "Formulare alt.yml schule.yaml" consentgen check ""
expect "both class pupil" consentgen render schule.yaml --split ""
expect "pupil" consentgen render schule.yaml --split p
expect "ja nein widerrufen" consentgen set schule.yaml --answer ""
expect "--class --id --jobs --language --missing --out --pupil --quiet --split --strict" consentgen render schule.yaml --
expect "tr" consentgen render schule.yaml --language t
expect "--strict" consentgen check schule.yaml --
expect "Formulare seite.png stapel.pdf" consentgen scan schule.yaml ""
[ "$(shopt -p extglob)" = "shopt -u extglob" ] || { echo "the completion left extglob on"; fail=1; }
exit "$fail"
