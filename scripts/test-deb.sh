#!/usr/bin/env bash
# Builds the Debian package (cpack) and installs it with `apt-get install ./consentgen_*.deb` in a
# fresh Debian 12 chroot, then sets up a school there from the installed files alone: consentgen init
# with a SchILD export, check, render (the shipped template copied and by its name), a German message
# from the installed catalogue, the bash completion and the man page. Prints the package's size and
# Depends line.
# The chroot's base (debootstrap minbase bookworm from Debian's mirror) is made once and cached as a
# tarball under /var/cache/consentgen-test-deb, with the packages apt fetched, so a rerun takes a
# minute; `--fresh-base` makes the base again.
# usage: scripts/test-deb.sh [--fresh-base]   (as root; needs Debian's package mirror)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cache=/var/cache/consentgen-test-deb
base_tar=$cache/bookworm-minbase.tar
archives=$cache/archives
build=$root/build-deb
run=$(mktemp -d /tmp/consentgen-deb.XXXXXX)
say() { echo "test-deb: $*"; }
[ "$(id -u)" = 0 ] || { say "run as root (debootstrap, chroot, mount)"; exit 2; }
[ "${1:-}" = --fresh-base ] && rm -f "$base_tar"

mounted=()
cleanup() {
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}"; done
    rm -rf "$run"
}
trap cleanup EXIT

say "building the package in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DCONSENTGEN_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
rm -f "$build"/consentgen_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/consentgen_*.deb)
say "package $(basename "$deb"): $(stat -c %s "$deb") bytes"
say "Depends: $(dpkg-deb -f "$deb" Depends)"

mkdir -p "$cache" "$archives/partial"
if [ ! -f "$base_tar" ]; then
    command -v debootstrap >/dev/null || apt-get install -y debootstrap >/dev/null
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
    say "making the base system (debootstrap minbase bookworm from ${mirror:=http://deb.debian.org/debian})"
    debootstrap --variant=minbase bookworm "$run/base" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { say "debootstrap failed, see $cache/debootstrap.log"; exit 2; }
    rm -rf "$run/base/var/cache/apt/archives"/*.deb
    tar -C "$run/base" -cf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar"
    rm -rf "$run/base"
fi
chroot_dir=$run/root
mkdir "$chroot_dir"
tar -C "$chroot_dir" -xf "$base_tar"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
for m in dev dev/pts proc; do
    case $m in
    dev) mount --bind /dev "$chroot_dir/dev" ;;
    dev/pts) mount -t devpts devpts "$chroot_dir/dev/pts" ;;
    proc) mount -t proc proc "$chroot_dir/proc" ;;
    esac
    mounted+=("$chroot_dir/$m")
done
# The packages apt fetches are kept for the next run.
mount --bind "$archives" "$chroot_dir/var/cache/apt/archives"
mounted+=("$chroot_dir/var/cache/apt/archives")

# Only the package and a pupil list go in: no build tree, no source.
mkdir -p "$chroot_dir/root/Export"
cp "$deb" "$chroot_dir/root/"
cp "$root/tests/e2e/init_schild_odd_headers/Export/SchILD-Export.csv" "$chroot_dir/root/Export/"

in_chroot() {
    chroot "$chroot_dir" /usr/bin/env -i HOME=/root TERM=dumb LC_ALL=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -euc "cd /root && $1"
}

say "apt-get install ./$(basename "$deb") in the fresh chroot"
in_chroot "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./$(basename "$deb")" \
    >"$run/apt.log" 2>&1 || { tail -n 30 "$run/apt.log"; say "apt-get install failed"; exit 1; }
in_chroot "rm ./$(basename "$deb")"

fail=0
step() { # name, commands
    if out=$(in_chroot "$2" 2>&1); then
        say "ok: $1"
    else
        printf '%s\n' "$out" | sed 's/^/    /'
        say "FAILED: $1"
        fail=1
    fi
}
step "installed files: binary, man page, templates, catalogue, completion" '
    test -x /usr/bin/consentgen
    test -f /usr/share/man/man1/consentgen.1.gz
    test -f /usr/share/consentgen/templates/videokonferenz-iserv.md
    test -f /usr/share/locale/de/LC_MESSAGES/consentgen.mo
    test -f /usr/share/bash-completion/completions/consentgen
    test -f /usr/share/doc/consentgen/examples/schule.yaml
    consentgen --version'
step "consentgen init Schule --roster Export/SchILD-Export.csv" '
    consentgen init Schule --roster Export/SchILD-Export.csv >init.out
    grep -q "Kl\." init.out
    test -f Schule/schule.yaml && test -f Schule/videokonferenz-iserv.md
    cmp Schule/videokonferenz-iserv.md /usr/share/consentgen/templates/videokonferenz-iserv.md
    grep -q "file: \"../Export/SchILD-Export.csv\"" Schule/schule.yaml'
step "init again refuses to replace the files (exit 1)" '
    set +e; consentgen init Schule --roster Export/SchILD-Export.csv 2>err; rc=$?; set -e
    test "$rc" = 1 && grep -q "exists already" err'
step "check passes on the config init wrote" '
    consentgen check Schule/schule.yaml 2>check.err | grep -qx "Schule/schule.yaml: ok: 2 classes, 4 pupils, 4 warnings"'
step "check without warnings once the placeholders are filled in" '
    sed -i -e "s/\"\[Name der Schule\]\"/Gymnasium am Park/" -e "s/\"\[Straße Hausnummer, PLZ Ort\]\"/Parkweg 1, 45127 Essen/" \
        -e "s/\"\[Datenschutzbeauftragte Person, E-Mail-Adresse\]\"/\"Frau B. Beispiel, datenschutz@park.example\"/" \
        -e "s/\"\[TT.MM.JJJJ\]\"/11.12.2026/" Schule/schule.yaml
    consentgen check Schule/schule.yaml | grep -qx "Schule/schule.yaml: ok: 2 classes, 4 pupils, 0 warnings"'
step "render prints the class files" '
    consentgen render Schule/schule.yaml --quiet >render.out
    test "$(cat render.out)" = "$(printf "Schule/out/5a.pdf\nSchule/out/10a.pdf")"
    head -c 5 Schule/out/5a.pdf | grep -q "%PDF-"'
step "render with the shipped template by its name" '
    sed -i "s/^  template: .*/  template: videokonferenz-iserv/" Schule/schule.yaml
    consentgen render Schule/schule.yaml --class 10a --out Name --quiet | grep -qx Name/10a.pdf'
step "the installed example school checks and renders" '
    cp -r /usr/share/doc/consentgen/examples Beispiel
    consentgen check Beispiel/schule.yaml | grep -q "^Beispiel/schule.yaml: ok: "
    consentgen render Beispiel/schule.yaml --class 5a --quiet | grep -qx Beispiel/out/5a.pdf'
step "German messages from the installed catalogue (LANGUAGE=de)" '
    set +e; LANGUAGE=de consentgen check fehlt.yaml 2>err; rc=$?; set -e
    cat err; test "$rc" = 1 && grep -q "Fehler" err'
step "bash completion: --split values, init options" '
    source /usr/share/bash-completion/completions/consentgen
    COMP_WORDS=(consentgen render Schule/schule.yaml --split ""); COMP_CWORD=4; _consentgen
    test "${COMPREPLY[*]}" = "class pupil both"
    COMP_WORDS=(consentgen init --r); COMP_CWORD=2; _consentgen
    test "${COMPREPLY[*]}" = "--roster"'

# The PDFs read back as a user would see them (poppler is outside the chroot).
if [ -f "$chroot_dir/root/Schule/out/5a.pdf" ]; then
    if pdftotext -layout "$chroot_dir/root/Schule/out/5a.pdf" - | grep -q "Gymnasium am Park" &&
        pdftotext "$chroot_dir/root/Schule/out/5a.pdf" - | grep -q "Schäfer"; then
        say "ok: 5a.pdf names the school and the pupils"
    else
        say "FAILED: 5a.pdf lacks the school's name or a pupil's"
        fail=1
    fi
fi
[ "$fail" = 0 ] && say "the package installs and works in a fresh Debian 12" || say "FAILED"
exit "$fail"
