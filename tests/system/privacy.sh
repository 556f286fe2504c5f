#!/usr/bin/env bash
# Privacy (issue 4): a render opens no network connection and creates,
# writes, renames or removes files only inside the output folder. Checked with
# strace on a whole render of the example school, class and per-pupil files.
# usage: privacy.sh CONSENTGEN
set -eu
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v strace >/dev/null || { echo "privacy: strace is not installed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/examples" "$root/templates" "$tmp/"
cd "$tmp"
# One trace file per process (-ff), so no call is split into "unfinished" and "resumed" halves.
# -y shows the folder behind each descriptor: files are made relative to their open folder (openat, renameat).
strace -ff -qq -y -o trace -e trace=%network,%file,write \
    "$bin" render examples/schule.yaml --out "$tmp/out" --split both --jobs 2 --quiet >stdout 2>stderr
cat trace.* >trace.log
fail=0
if grep -E '^(socket|connect|bind|sendto|sendmsg)\(' trace.log | grep -v 'AF_UNIX' >net.log; then
    cat net.log; echo "privacy: network calls"; fail=1
fi
# fontconfig may ask its cache over no socket at all; a connect to a UNIX socket would still be a finding.
if grep -E '^connect\(' trace.log >unix.log; then cat unix.log; echo "privacy: connect()"; fail=1; fi
# Every path created, written, renamed, linked or removed lies below $tmp/out: an absolute path, or a
# name relative to a folder descriptor (shown as 3</path>) or to the current folder (AT_FDCWD).
export OUT=$tmp/out
grep -E '^(openat\(.*O_(WRONLY|RDWR|CREAT)|mkdir|rename|unlink|rmdir|creat|link|symlink)' trace.log |
    grep -v '= -1 ' >writes.log || true
# Each quoted path is taken relative to the folder descriptor before it, if any.
outside=$(perl -ne '
    my ($args) = /^\w+\((.*)\) = / or next;
    my $dir = $ENV{PWD};
    while ($args =~ /(AT_FDCWD|\d+<([^>]*)>|"((?:[^"\\]|\\.)*)")/g) {
        if ($1 eq "AT_FDCWD") { $dir = $ENV{PWD} } elsif (defined $2) { $dir = $2 } else {
            my $p = $3 =~ m{^/} ? $3 : "$dir/$3";
            print "$p\n" if $p =~ m{(^|/)\.\.(/|$)} || $p !~ m{^\Q$ENV{OUT}\E(/|$)};
            $dir = $ENV{PWD};
        }
    }
' writes.log | grep -v '^/dev/' || true)
if [ -n "$outside" ]; then
    echo "$outside" | sort -u | head; echo "privacy: files touched outside the output folder"; fail=1
fi
[ -s writes.log ] || { echo "privacy: the trace shows no writes at all: the check cannot see anything"; fail=1; }
# stdout lists only the written files; stderr stays silent on success.
if grep -v "^$tmp/out/" stdout; then echo "privacy: stdout carries more than the written paths"; fail=1; fi
if [ -s stderr ]; then cat stderr; echo "privacy: stderr is not empty"; fail=1; fi
[ "$fail" = 0 ] && echo "privacy: ok ($(wc -l <writes.log) file operations, all inside the output folder)"
exit "$fail"
