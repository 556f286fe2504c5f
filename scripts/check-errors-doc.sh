#!/usr/bin/env bash
# Checks that docs/errors.md explains every message: for each diag_add() call
# in src/, the longest fixed piece of its message text must appear in the doc.
# usage: scripts/check-errors-doc.sh   (exit 1 and a list of the missing ones)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
perl -e '
    my ($doc_path, @srcs) = @ARGV;
    local $/;
    open(my $fh, "<", $doc_path) or die "$doc_path: $!";
    my $doc = <$fh>;
    my $missing = 0;
    for my $src (@srcs) {
        open(my $s, "<", $src) or die "$src: $!";
        my $code = <$s>;
        while ($code =~ /diag_add\s*\((.*?)\);/gs) {
            my $call = $1;
            # The format is the first run of adjacent string literals; later ones are arguments.
            # Of a util_translate_plural() the plural form, the second run, is the one documented.
            my @runs = $call =~ /("(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*)/gs;
            @runs or next;
            my $format = ($call =~ /^[^"]*util_translate_plural\s*\(/s && @runs > 1) ? $runs[1] : $runs[0];
            my $text = join("", $format =~ /"((?:[^"\\]|\\.)*)"/g);
            $text =~ s/\\(["\\])/$1/g;
            my @pieces = sort { length($b) <=> length($a) } split(/%[-0-9.*]*(?:zu|ld|lu|[a-zA-Z])/, $text);
            my $piece = $pieces[0] // "";
            $piece =~ s/^[\s;:,(]+|[\s;:,)]+$//g;
            next if length($piece) < 8;
            if (index($doc, $piece) < 0) {
                print "$src: not in docs/errors.md: \"$piece\"\n";
                $missing = 1;
            }
        }
    }
    exit $missing;
' "$root/docs/errors.md" "$root"/src/*.c
