#!/usr/bin/env bash
# `cmake --install` puts every file where Debian keeps it, and the installed program, moved to another
# prefix, works from those files alone: init copies the shipped template, check passes, a config names
# the template by its name, the German catalogue is found beside the program.
# usage: install.sh BUILD_DIR ROSTER_CSV
set -u
build=$1 roster=$(realpath "$2")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
say() { echo "install: $*"; fail=1; }
cmake --install "$build" --prefix "$dir/usr" >/dev/null || { echo "install: cmake --install failed"; exit 1; }
for f in bin/consentgen share/man/man1/consentgen.1.gz share/consentgen/templates/videokonferenz-iserv.md \
    share/consentgen/templates/videokonferenz-iserv.tr.md share/locale/de/LC_MESSAGES/consentgen.mo \
    share/bash-completion/completions/consentgen share/doc/consentgen/examples/schule.yaml \
    share/doc/consentgen/examples/klassen.csv share/doc/consentgen/copyright; do
    [ -f "$dir/usr/$f" ] || say "missing $f"
done
gzip -t "$dir/usr/share/man/man1/consentgen.1.gz" || say "the man page is not gzip"
bin=$dir/usr/bin/consentgen
mkdir "$dir/work" && cd "$dir/work"
export LC_ALL=C.UTF-8
unset LANGUAGE LANG
"$bin" init Schule --roster "$roster" >init.out || say "init failed"
cmp Schule/videokonferenz-iserv.md "$dir/usr/share/consentgen/templates/videokonferenz-iserv.md" ||
    say "the copy differs from the installed template"
"$bin" check Schule/schule.yaml >check.out 2>/dev/null || say "check failed on what init wrote"
sed -i 's/^  template: .*/  template: videokonferenz-iserv/' Schule/schule.yaml
"$bin" check Schule/schule.yaml >/dev/null 2>&1 || say "check failed with the template by its name"
sed -i 's/^  template: .*/  template: videokonferenz/' Schule/schule.yaml
"$bin" check Schule/schule.yaml 2>err >/dev/null
grep -q 'there is no shipped template "videokonferenz"; the shipped templates are: "videokonferenz-iserv"' err ||
    { cat err; say "an unknown template name does not list the shipped ones"; }
cp -r "$dir/usr/share/doc/consentgen/examples" Beispiel
"$bin" check Beispiel/schule.yaml >/dev/null 2>&1 || { "$bin" check Beispiel/schule.yaml; say "the installed example fails check"; }
LANGUAGE=de "$bin" init Schule 2>err
grep -q 'Fehler: diese Datei gibt es schon' err || { cat err; say "no German message from the installed catalogue"; }
exit "$fail"
