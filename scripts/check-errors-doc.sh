#!/usr/bin/env bash
# Checks that docs/errors.md explains every message: for each diag_add() call
# in src/, the longest fixed piece of its message text must appear in the doc,
# and so must the longest fixed piece of its German translation (po/de.po).
# usage: scripts/check-errors-doc.sh   (exit 1 and a list of the missing ones)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
perl -CSD -Mutf8 -e '
    my ($doc_path, $po_path, @srcs) = @ARGV;
    local $/;
    open(my $fh, "<:encoding(UTF-8)", $doc_path) or die "$doc_path: $!";
    my $doc = <$fh>;
    my $missing = 0;
    # The German catalogue: each msgid (and msgid_plural) with its translation, escapes resolved.
    my %german;
    open(my $pf, "<:encoding(UTF-8)", $po_path) or die "$po_path: $!";
    for my $entry (split /\n\n/, <$pf>) {
        my %f;
        while ($entry =~ /^(msgid|msgid_plural|msgstr(?:\[\d\])?) ((?:"(?:[^"\\]|\\.)*"\s*)+)/mg) {
            my ($key, $strings) = ($1, $2);
            $f{$key} = join("", $strings =~ /"((?:[^"\\]|\\.)*)"/g);
            $f{$key} =~ s/\\(["\\])/$1/g;
        }
        next unless defined $f{msgid} && length $f{msgid};
        $german{$f{msgid}} = $f{"msgstr"} // $f{"msgstr[0]"};
        $german{$f{msgid_plural}} = $f{"msgstr[1]"} if defined $f{msgid_plural};
    }
    sub longest_piece {
        my @pieces = sort { length($b) <=> length($a) } split(/%[-0-9.*]*(?:zu|ld|lu|[a-zA-Z])/, $_[0]);
        my $piece = $pieces[0] // "";
        $piece =~ s/^[\s;:,(]+|[\s;:,)]+$//g;
        return $piece;
    }
    for my $src (@srcs) {
        open(my $s, "<:encoding(UTF-8)", $src) or die "$src: $!";
        my $code = <$s>;
        # A call ends at the first ");" outside a string literal (a message may contain ");").
        while ($code =~ /diag_add\s*\(((?:"(?:[^"\\]|\\.)*"|[^";])*?)\);/gs) {
            my $call = $1;
            # The format is the first run of adjacent string literals; later ones are arguments.
            # Of a util_translate_plural() the plural form, the second run, is the one documented.
            my @runs = $call =~ /("(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*)/gs;
            @runs or next;
            my $format = ($call =~ /^[^"]*util_translate_plural\s*\(/s && @runs > 1) ? $runs[1] : $runs[0];
            my $text = join("", $format =~ /"((?:[^"\\]|\\.)*)"/g);
            $text =~ s/\\(["\\])/$1/g;
            my $piece = longest_piece($text);
            next if length($piece) < 8;
            if (index($doc, $piece) < 0) {
                print "$src: not in docs/errors.md: \"$piece\"\n";
                $missing = 1;
            }
            my $de = $german{$text};
            if (!defined $de || !length $de) {
                print "$src: no German translation in po/de.po: \"$text\"\n";
                $missing = 1;
                next;
            }
            my $de_piece = longest_piece($de);
            if (length($de_piece) >= 8 && index($doc, $de_piece) < 0) {
                print "$src: its German wording is not in docs/errors.md: \"$de_piece\"\n";
                $missing = 1;
            }
        }
    }
    exit $missing;
' "$root/docs/errors.md" "$root/po/de.po" "$root"/src/*.c
