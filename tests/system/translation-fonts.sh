#!/usr/bin/env bash
# Every character of every shipped template (the German form and its translations) can be printed by the
# fonts consentgen uses by default: Liberation Sans for Latin, Cyrillic and Turkish, and from fonts-noto-core
# Noto Naskh Arabic and Noto Sans Arabic for Arabic and Persian. Code point coverage comes from fontconfig
# (fc-match finds each font, fc-query gives its character set); a character none of them has is reported
# with its file, line and code point.
# usage: translation-fonts.sh [TEMPLATE.md...]   (default: templates/*.md)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
fonts=("Liberation Sans" "Noto Naskh Arabic" "Noto Sans Arabic")
if [ $# -eq 0 ]; then set -- "$root"/templates/*.md; fi

charsets=()
for family in "${fonts[@]}"; do
    # fc-match always answers with some font: make sure it is the one asked for
    found=$(fc-match -f '%{family}' "$family:style=Regular")
    case ",$found," in
    *",$family,"*) ;;
    *) echo "translation-fonts: font \"$family\" is not installed (fc-match gives \"$found\")"; exit 1 ;;
    esac
    file=$(fc-match -f '%{file}' "$family:style=Regular")
    charsets+=("$(fc-query -i 0 --format='%{charset}' "$file")")
    echo "translation-fonts: $family: $file"
done

# Prints "FILE:LINE: U+XXXX" for each character outside all charsets; C0 controls (line ends, tabs) are not
# printed. The first argument is the charsets, one per line, as fontconfig writes them ("20-7e a0 ...").
check='
    use strict; use warnings;
    my @ranges;
    for my $set (split /\n/, shift @ARGV) {
        for my $r (split " ", $set) {
            my ($lo, $hi) = split /-/, $r;
            push @ranges, [hex $lo, hex(defined $hi ? $hi : $lo)];
        }
    }
    my $missing = 0;
    for my $path (@ARGV) {
        open(my $fh, "<:encoding(UTF-8)", $path) or die "$path: $!";
        while (my $line = <$fh>) {
            my %seen;
            for my $c (split //, $line) {
                my $cp = ord $c;
                next if $cp < 0x20 || $seen{$cp}++;
                next if grep { $cp >= $_->[0] && $cp <= $_->[1] } @ranges;
                printf "%s:%d: U+%04X is in none of the fonts\n", $path, $., $cp;
                $missing++;
            }
        }
    }
    exit($missing ? 1 : 0);
'
sets=$(printf '%s\n' "${charsets[@]}")

# The check itself must be able to fail: a Tibetan letter is in none of these fonts.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
printf 'Arabic \xd8\xb9, Cyrillic \xd0\x96, Tibetan \xe0\xbd\x80\n' >"$tmp"
if out=$(perl -e "$check" "$sets" "$tmp") || [ "$out" != "$tmp:1: U+0F40 is in none of the fonts" ]; then
    echo "translation-fonts: the check does not find a character the fonts lack: \"$out\""
    exit 1
fi

perl -e "$check" "$sets" "$@" || { echo "translation-fonts: characters no default font can print"; exit 1; }
echo "translation-fonts: ok ($# templates, every character in ${fonts[*]})"
