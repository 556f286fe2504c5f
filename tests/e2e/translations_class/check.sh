# A class with a family of every shipped language, a German one, one without a language, one whose language
# has no translation and one with an unknown language: each German form is followed by its translation on
# a sheet of its own, and the translations read back in logical order.
set -eu
f=out/5a.pdf
[ "$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Pages: *//p')" = 34 ] || { echo "5a.pdf: not 34 pages"; exit 1; }
# The text of one page, without the bidi marks pdftotext puts around runs of the other direction.
page() { pdftotext -f "$1" -l "$1" -enc UTF-8 "$f" - 2>/dev/null | perl -CSD -pe 's/[\x{202A}-\x{202E}]//g'; }
has() { # page, text
    page "$1" | grep -qF -- "$2" || { echo "page $1 lacks: $2"; page "$1"; exit 1; }
}
lacks() {
    if page "$1" | grep -qF -- "$2"; then echo "page $1 has: $2"; exit 1; fi
}
# Return list (2 pages with duplex), then per pupil in roster order: the German form (2 pages), its translation.
has 1 "Übersetzung"
has 1 "Arabisch"
has 1 "Persisch"
# page: footer of the pupil, then a sentence of the translation as written in the template
check() { # first page, footer, translated title, a sentence of page 2
    has "$1" "Einwilligung in die Teilnahme an Videokonferenzen"
    has $(($1 + 1)) "Rücklauf-Code"
    has $(($1 + 2)) "$2 · Seite 1 von 2"
    has $(($1 + 2)) "Übersetzung – nur zur Information. Maßgeblich ist der deutsche Text."
    has $(($1 + 2)) "$3"
    has $(($1 + 3)) "$2 · Seite 2 von 2"
    has $(($1 + 3)) "$4"
    # Only the German form comes back: no slip, no code on the translation.
    lacks $(($1 + 3)) "Rücklauf-Code"
    lacks $(($1 + 3)) "Bitte abtrennen"
}
check 3 "Brown, Emily · Übersetzung Englisch · Klasse 5a" "Consent to taking part in video conferences" \
    "Please mark your choice on the German form."
check 7 "Haddad, Mariam · Übersetzung Arabisch · Klasse 5a" "الموافقة على المشاركة في مؤتمرات الفيديو" \
    "جهة الاتصال لحماية البيانات في مدرستنا"
check 17 "Rahimi, Omid · Übersetzung Persisch · Klasse 5a" "ما قصد داریم برای تکمیل آموزش از راه دور" \
    "حق اعتراض به پردازش"
check 21 "Şahin, Ayşe · Übersetzung Türkisch · Klasse 5a" "Video konferanslara katılım için onay beyanı" \
    "Okulumuzda veri koruma konusunda iletişim"
check 25 "Smirnov, Ivan · Übersetzung Russisch · Klasse 5a" "Согласие на участие в видеоконференциях" \
    "Контактное лицо по вопросам защиты данных в нашей школе"
check 31 "Коваленко, Олена · Übersetzung Ukrainisch · Klasse 5a" "Згода на участь у відеоконференціях" \
    "Контактна особа з питань захисту даних у нашій школі"
# German only: Meier (no language), Müller (Deutsch), Nowak (Polnisch, no translation), Weber (unknown).
for p in 11 13 15 29; do
    has "$p" "Einwilligung in die Teilnahme an Videokonferenzen"
    has $((p + 2)) "Einwilligung in die Teilnahme an Videokonferenzen"
done
