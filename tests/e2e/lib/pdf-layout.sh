# Layout checks on rendered PDFs, for the check.sh of end-to-end cases (source this file).
# They read the words and their boxes with `pdftotext -bbox` (poppler-utils) and use only bash and awk,
# so a fresh Debian machine with the test packages runs them. Every function prints what is wrong and
# returns 1, or returns 0 quietly. Positions are PDF points from the page's top-left corner (A4: 595 x 842).
#
#   words PDF                  one line per word: page, xMin, yMin, xMax, yMax, text (tab-separated)
#   check_margins PDF          every word between the 25 mm left and the 20 mm right margin (DIN 5008)
#   check_footers PDF          every page with text ends in "... Seite X von Y", X its place in its form
#   check_blank_pages PDF      pages without text are white all over (no marks, no footer)
#   check_duplex PDF           even page count, each form or list starts on an odd page, no sheet
#                              (odd page + the next) carries two forms
#   check_sheet_lists PDF CSV CLASS   the return list names every pupil of CLASS in CSV (";", Nachname in
#                              column 2, Vorname in 3, Klasse in 4)
#   check_sheet_order PDF NACHNAME...  the return list has these last names in this order
#   form_text PDF "NACHNAME, VORNAME · "  the text of the pages whose footer starts so (one pupil's)

PT_PER_MM=2.834645669
TOL_PT=1.5 # rounding of glyph boxes

words() {
    pdftotext -bbox -enc UTF-8 "$1" - 2>/dev/null | awk '
        function unescape(s) {
            gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s)
            gsub(/&amp;/, "\\&", s)
            return s
        }
        function attr(line, name,    m) {
            if (match(line, name "=\"[^\"]*\"")) { m = substr(line, RSTART, RLENGTH); sub(/^[^"]*"/, "", m); sub(/"$/, "", m); return m }
            return ""
        }
        /<page / { page++ }
        /<word / {
            t = $0; sub(/^.*<word [^>]*>/, "", t); sub(/<\/word>.*$/, "", t)
            printf "%d\t%s\t%s\t%s\t%s\t%s\n", page, attr($0, "xMin"), attr($0, "yMin"), attr($0, "xMax"), attr($0, "yMax"), unescape(t)
        }'
}

n_pages() {
    pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'
}

# The footer of each page, one line per page: "PAGE<TAB>text" ("" for a page without one).
footers() {
    local n
    n=$(n_pages "$1")
    words "$1" | awk -F'\t' -v n="$n" -v top="$(awk "BEGIN { print (297 - 18) * $PT_PER_MM }")" '
        $3 > top { f[$1] = f[$1] (n_words[$1]++ ? " " : "") $6 }
        END { for (p = 1; p <= n; p++) printf "%d\t%s\n", p, f[p] }'
}

check_margins() {
    words "$1" | awk -F'\t' -v f="$1" -v tol="$TOL_PT" -v mm="$PT_PER_MM" '
        BEGIN { left = 25 * mm - tol; right = (210 - 20) * mm + tol; top = 10 * mm; bottom = (297 - 8) * mm }
        $2 < left || $4 > right || $3 < top || $5 > bottom {
            printf "%s: page %d: \"%s\" at x %.1f..%.1f, y %.1f..%.1f is outside the margins\n", f, $1, $6, $2, $4, $3, $5
            bad = 1
        }
        END { exit bad }'
}

check_footers() {
    local n
    n=$(n_pages "$1")
    words "$1" | awk -F'\t' '{ print $1 }' | sort -un >"${TMPDIR:-/tmp}/pages-with-text.$$"
    footers "$1" | awk -F'\t' -v f="$1" -v list="${TMPDIR:-/tmp}/pages-with-text.$$" '
        BEGIN { while ((getline p < list) > 0) has[p] = 1 }
        !($1 in has) { next }
        $2 !~ / · Seite [0-9]+ von [0-9]+$/ { printf "%s: page %d has no footer \"... · Seite X von Y\" (found \"%s\")\n", f, $1, $2; bad = 1; next }
        {
            # X counts the pages of one form: 1 after a form that ended, else one more than before.
            x = $2; sub(/.* Seite /, "", x); y = x; sub(/ von .*/, "", x); sub(/.* von /, "", y)
            want = (prev_x == "" || prev_x == prev_y) ? 1 : prev_x + 1
            if (x + 0 != want) { printf "%s: page %d says \"Seite %s von %s\", expected Seite %d\n", f, $1, x, y, want; bad = 1 }
            prev_x = x; prev_y = y
        }
        END { exit bad }'
    local rc=$?
    rm -f "${TMPDIR:-/tmp}/pages-with-text.$$"
    return $rc
}

check_blank_pages() {
    local n p bad=0 ink
    n=$(n_pages "$1")
    for p in $(footers "$1" | awk -F'\t' '$2 == "" { print $1 }'); do
        if words "$1" | awk -F'\t' -v p="$p" '$1 == p { found = 1 } END { exit !found }'; then
            echo "$1: page $p has text but no footer"
            bad=1
            continue
        fi
        # Rendered in gray at 20 dpi: a truly blank page has no byte but 255 after the 3-line PGM header.
        ink=$(pdftoppm -gray -r 20 -f "$p" -l "$p" "$1" 2>/dev/null | tail -n +4 | tr -d '\377' | wc -c)
        [ "$ink" = 0 ] || { echo "$1: page $p has no text, but is not blank ($ink gray pixels)"; bad=1; }
    done
    return $bad
}

check_duplex() {
    local n
    n=$(n_pages "$1")
    [ $((n % 2)) = 0 ] || { echo "$1: $n pages, an odd number for duplex printing"; return 1; }
    footers "$1" | awk -F'\t' -v f="$1" '
        { who = $2; sub(/ · Seite [0-9]+ von [0-9]+$/, "", who); owner[$1] = who; foot[$1] = $2 }
        $2 ~ / · Seite 1 von [0-9]+$/ && $1 % 2 == 0 { printf "%s: \"%s\" starts on page %d, an even page\n", f, who, $1; bad = 1 }
        END {
            for (p = 1; p < NR; p += 2)
                if (foot[p + 1] != "" && owner[p + 1] != owner[p] && foot[p + 1] ~ / · Seite 1 von /) {
                    printf "%s: the sheet of pages %d and %d carries \"%s\" and \"%s\"\n", f, p, p + 1, owner[p], owner[p + 1]
                    bad = 1
                }
            exit bad
        }'
}

# The return list's columns, each glued into one line (Nachname first, then Vorname): the words of a column
# in page and line order (rows never overlap) without spaces, so a name that wraps in its cell
# ("Schulze-Wiedemann-" / "Brandenburger") reads back whole. Return-list pages are those whose footer
# says "Rücklaufliste"; only words below the table header and above the footer count.
sheet_columns() {
    local pages
    pages=$(footers "$1" | awk -F'\t' '$2 ~ /Rücklaufliste/ { printf "%s ", $1 }')
    words "$1" | sort -t"$(printf '\t')" -k1,1n -k3,3n -k2,2n |
        awk -F'\t' -v pages="$pages" -v foot="$(awk "BEGIN { print (297 - 18) * $PT_PER_MM }")" '
        BEGIN { split(pages, pl, " "); for (i in pl) on[pl[i]] = 1 }
        !($1 in on) { next }
        $6 == "Nachname" && !($1 in xl) { xl[$1] = $2; hy[$1] = $5 }
        $6 == "Vorname" && !($1 in xv) { xv[$1] = $2 }
        $6 == "zurück" && !($1 in xz) { xz[$1] = $2 }
        { w[++n] = $0 }
        END {
            for (i = 1; i <= n; i++) {
                split(w[i], a, "\t")
                if (!(a[1] in hy) || a[3] <= hy[a[1]] || a[3] > foot) continue # table rows only
                if (a[2] >= xl[a[1]] - 1 && a[2] < xv[a[1]] - 1) col_l = col_l a[6]
                else if (a[2] >= xv[a[1]] - 1 && a[2] < xz[a[1]] - 10) col_v = col_v a[6]
            }
            print col_l; print col_v
        }'
}

check_sheet_lists() {
    local pdf=$1 csv=$2 class=$3
    sheet_columns "$pdf" | awk -v f="$pdf" -v csv="$csv" -v class="$class" '
        NR == 1 { col_l = $0 } NR == 2 { col_v = $0 }
        END {
            FS = ";"
            while ((getline line < csv) > 0) {
                sub(/\r$/, "", line); sub(/^\357\273\277/, "", line)
                split(line, c, ";")
                if (c[4] != class) continue
                k++
                l = c[2]; v = c[3]; gsub(/ /, "", l); gsub(/ /, "", v)
                if (!index(col_l, l)) { printf "%s: the return list of %s lacks \"%s\"\n", f, class, c[2]; bad = 1 }
                if (!index(col_v, v)) { printf "%s: the return list of %s lacks \"%s\"\n", f, class, c[3]; bad = 1 }
            }
            if (k == 0) { printf "%s: no pupil of class %s in %s\n", f, class, csv; bad = 1 }
            exit bad
        }'
}

# check_sheet_order PDF NACHNAME...: the return list's Nachname column holds these names in this order.
check_sheet_order() {
    local pdf=$1
    shift
    sheet_columns "$pdf" | head -n 1 | awk -v f="$pdf" -v names="$(printf '%s\n' "$@")" '
        {
            n = split(names, want, "\n"); pos = 1; rest = $0
            for (i = 1; i <= n; i++) {
                if (want[i] == "") continue
                s = want[i]; gsub(/ /, "", s)
                p = index(rest, s)
                if (!p) { printf "%s: \"%s\" is missing from the return list or out of order\n", f, want[i]; exit 1 }
                rest = substr(rest, p + length(s))
            }
        }'
}

# form_text PDF "Nachname, Vorname · ": the plain text of the pages whose footer starts so.
form_text() {
    local p
    for p in $(footers "$1" | awk -F'\t' -v who="$2" 'index($2, who) == 1 { print $1 }'); do
        pdftotext -enc UTF-8 -f "$p" -l "$p" "$1" - 2>/dev/null
    done
}
