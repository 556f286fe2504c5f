/*
 * Unit tests of roster: encodings, delimiters, quoting and line numbers,
 * header aliases, row checks, plausibility warnings, order and name lookup.
 * Diagnostics are compared as the text cli prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "consentgen/roster.h"

/* Parses data as "k.csv"; *diags gets the formatted diagnostics (caller frees). */
static struct roster *
parse_len(const char *data, size_t len, const struct config_roster *opts, char **diags)
{
    struct diags d;
    diags_init(&d);
    struct roster *r = roster_parse(data, len, "k.csv", opts, &d);
    struct buf     out;
    buf_init(&out);
    buf_puts(&out, "");
    diags_format(&d, &out);
    *diags = buf_detach(&out);
    diags_fini(&d);
    return r;
}

/* Parses data and asserts the diagnostics are exactly expected. */
static struct roster *
parse_expect(const char *data, const struct config_roster *opts, const char *expected)
{
    char          *diags;
    struct roster *r = parse_len(data, strlen(data), opts, &diags);
    assert_string_equal(diags, expected);
    free(diags);
    return r;
}

static char *
read_fixture(const char *name, size_t *len)
{
    char *path = xasprintf("%s/roster/%s", FIXTURES_DIR, name);
    char *data;
    assert_true(util_read_file(path, 1 << 20, &data, len));
    free(path);
    return data;
}

static struct roster *
parse_fixture(const char *name, const struct config_roster *opts, const char *expected)
{
    size_t         len;
    char          *data = read_fixture(name, &len);
    char          *diags;
    struct roster *r = parse_len(data, len, opts, &diags);
    assert_string_equal(diags, expected);
    free(diags);
    free(data);
    return r;
}

#define HEADER "Nachname;Vorname;Klasse;Geburtsdatum\n"

/* ---- delimiters ---- */

static void
test_roster_detects_semicolon_comma_and_tab(void **state)
{
    (void)state;
    static const struct {
        const char *csv;
        char        delimiter;
    } cases[] = {
        {"Nachname;Vorname;Klasse;Geburtsdatum\nWeber;Ben;5a;03.04.2015\n", ';'},
        {"Nachname,Vorname,Klasse,Geburtsdatum\nWeber,Ben,5a,03.04.2015\n", ','},
        {"Nachname\tVorname\tKlasse\tGeburtsdatum\nWeber\tBen\t5a\t03.04.2015\n", '\t'},
        /* commas inside quotes do not count */
        {"Nachname;Vorname;Klasse;Geburtsdatum;\"a, b, c, d, e\"\nWeber;Ben;5a;03.04.2015;x\n", ';'},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct roster *r = parse_expect(cases[i].csv, NULL, "");
        assert_non_null(r);
        assert_int_equal(r->delimiter, cases[i].delimiter);
        assert_int_equal(r->n_pupils, 1);
        assert_string_equal(r->pupils[0].last_name, "Weber");
        assert_string_equal(r->pupils[0].class_name, "5a");
        roster_free(r);
    }
}

static void
test_roster_prefers_semicolon_on_a_tie(void **state)
{
    (void)state;
    /* One ";" and one "," in the header: ";" wins, so "Vorname,Rufname" is one column. */
    struct roster *r =
        parse_expect("Nachname;Vorname,Rufname\nWeber;Ben\n", NULL,
                     "k.csv:1: error: no column for the first name (looked for \"Vorname\", "
                     "\"Rufname\", \"SchuelerRufname\"); the file has 2 columns: \"Nachname\", "
                     "\"Vorname,Rufname\"\n"
                     "k.csv:1: error: no column for the class (looked for \"Klasse\", "
                     "\"GruppeBezeichnung\", \"Klasse/Information\"); the file has 2 columns: \"Nachname\", "
                     "\"Vorname,Rufname\"\n");
    assert_null(r);
}

static void
test_roster_uses_configured_delimiter(void **state)
{
    (void)state;
    struct config_roster opts = {.delimiter = ','};
    struct roster       *r =
        parse_expect("Nachname,Vorname,Klasse,Geburtsdatum,Info;x\nWeber,Ben,5a,03.04.2015,a;b\n", &opts, "");
    assert_non_null(r);
    assert_int_equal(r->delimiter, ',');
    assert_string_equal(r->headers[4], "Info;x");
    assert_string_equal(roster_field(r, &r->pupils[0], "info;x"), "a;b");
    roster_free(r);

    /* A wrong delimiter leaves one column; a note says so. */
    struct config_roster tab = {.delimiter = '\t'};
    r = parse_expect(
        "Nachname;Vorname;Klasse;Geburtsdatum\nWeber;Ben;5a;03.04.2015\n", &tab,
        "k.csv:1: error: no column for the last name (looked for \"Nachname\", \"Familienname\", "
        "\"SchuelerNachname\", \"Name\"); the file has 1 column: \"Nachname;Vorname;Klasse;Geburtsdatum\"\n"
        "k.csv:1: error: no column for the first name (looked for \"Vorname\", \"Rufname\", "
        "\"SchuelerRufname\"); the file has 1 column: \"Nachname;Vorname;Klasse;Geburtsdatum\"\n"
        "k.csv:1: error: no column for the class (looked for \"Klasse\", \"GruppeBezeichnung\", "
        "\"Klasse/Information\"); the file has 1 column: \"Nachname;Vorname;Klasse;Geburtsdatum\"\n"
        "k.csv:1: note: the header line is one single column: is the delimiter right (roster.delimiter)?\n");
    assert_null(r);
}

/* ---- encodings and line ends ---- */

static void
assert_mueller_and_sahin(const struct roster *r)
{
    assert_non_null(r);
    assert_false(r->was_windows_1252);
    assert_int_equal(r->n_headers, 4);
    assert_string_equal(r->headers[0], "Nachname");
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].last_name, "M\xC3\xBCller");
    assert_string_equal(r->pupils[0].first_name, "J\xC3\xBCrgen");
    assert_int_equal(r->pupils[0].line, 2);
    assert_int_equal(r->pupils[0].row, 1);
    /* Şahin, İlayda: the Turkish capital dotted I stays as written */
    assert_string_equal(r->pupils[1].last_name, "\xC5\x9E"
                                                "ahin");
    assert_string_equal(r->pupils[1].first_name, "\xC4\xB0layda");
    assert_string_equal(r->pupils[1].fields[3], "2015-09-12");
    assert_int_equal(r->pupils[1].birth_date.year, 2015);
    assert_int_equal(r->pupils[1].birth_date.month, 9);
    assert_int_equal(r->pupils[1].birth_date.day, 12);
    assert_int_equal(r->pupils[1].line, 3);
}

static void
test_roster_strips_bom_and_reads_crlf_like_lf(void **state)
{
    (void)state;
    struct roster *r = parse_fixture("bom-crlf.csv", NULL, "");
    assert_mueller_and_sahin(r);
    roster_free(r);
    r = parse_fixture("lf.csv", NULL, "");
    assert_mueller_and_sahin(r);
    roster_free(r);
}

static void
test_roster_detects_and_decodes_windows_1252(void **state)
{
    (void)state;
    struct roster *r = parse_fixture("windows-1252.csv", NULL, "");
    assert_non_null(r);
    assert_true(r->was_windows_1252);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].last_name, "M\xC3\xBCller");
    assert_string_equal(r->pupils[0].first_name, "J\xC3\xBCrgen");
    assert_string_equal(r->pupils[1].last_name, "Gro\xC3\x9F");
    assert_string_equal(r->pupils[1].first_name, "Fran\xC3\xA7ois");
    assert_int_equal(r->pupils[1].line, 3);
    roster_free(r);
}

static void
test_roster_converts_declared_windows_1252_even_if_valid_utf8(void **state)
{
    (void)state;
    struct config_roster opts = {.encoding = CONFIG_ENCODING_WINDOWS_1252};
    /* The UTF-8 bytes of "ü" read as Windows-1252 are "Ã¼": declared means converted. */
    struct roster *r = parse_expect(HEADER "M\xC3\xBCller;Anna;5a;03.04.2015\n", &opts, "");
    assert_non_null(r);
    assert_true(r->was_windows_1252);
    assert_string_equal(r->pupils[0].last_name, "M\xC3\x83\xC2\xBCller");
    roster_free(r);
}

static void
test_roster_reports_bytes_windows_1252_lacks(void **state)
{
    (void)state;
    struct roster *r =
        parse_fixture("windows-1252-undefined.csv", NULL,
                      "k.csv:3:3: error: byte 0x81 is not a character in Windows-1252 (and the "
                      "file is not UTF-8 either)\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].last_name, "M\xC3\xBCller");
    assert_string_equal(r->pupils[1].last_name, "Weber");
    assert_int_equal(r->pupils[1].line, 4);
    roster_free(r);
}

static void
test_roster_reports_each_invalid_utf8_row_when_utf8_is_declared(void **state)
{
    (void)state;
    struct config_roster opts = {.encoding = CONFIG_ENCODING_UTF8};
    /* Columns count characters: "Öztürk;J" is 8 characters (10 bytes), the bad byte is at 9. */
    struct roster *r = parse_fixture(
        "utf8-invalid.csv", &opts,
        "k.csv:3:5: error: byte 0xF6 is not valid UTF-8; roster.encoding says utf-8, but a Windows-1252 file "
        "needs \"windows-1252\" or \"auto\"\n"
        "k.csv:4:9: error: byte 0xE4 is not valid UTF-8; roster.encoding says utf-8, but a Windows-1252 file "
        "needs \"windows-1252\" or \"auto\"\n"
        "k.csv:5:9: error: byte 0xFC is not valid UTF-8; roster.encoding says utf-8, but a Windows-1252 file "
        "needs \"windows-1252\" or \"auto\"\n");
    assert_non_null(r);
    assert_false(r->was_windows_1252);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].last_name, "M\xC3\xBCller");
    assert_string_equal(r->pupils[1].last_name, "Do\xC4\x9F"
                                                "an");
    assert_int_equal(r->pupils[1].line, 6);
    assert_int_equal(r->pupils[1].row, 5);
    roster_free(r);
}

static void
test_roster_reports_invalid_utf8_in_the_header_and_goes_on(void **state)
{
    (void)state;
    struct config_roster opts = {.encoding = CONFIG_ENCODING_UTF8};
    static const char    expected[] = "k.csv:1:44: error: byte 0xFC is not valid UTF-8; roster.encoding says "
                                      "utf-8, but a Windows-1252 file needs \"windows-1252\" or \"auto\"\n";
    struct roster       *r = parse_expect("Nachname;Vorname;Klasse;Geburtsdatum;Bemerk\xFCng\n"
                                                "Weber;Ben;5a;03.04.2015;x\n",
                                          &opts, expected);
    assert_non_null(r);
    assert_string_equal(r->headers[4], "Bemerk\xEF\xBF\xBDng");
    assert_int_equal(r->n_pupils, 1);
    roster_free(r);
}

static void
test_roster_normalises_names_to_nfc(void **state)
{
    (void)state;
    /* "Müller" with u + U+0308 COMBINING DIAERESIS, header with surrounding spaces */
    struct roster *r = parse_expect(" Nachname ; Vorname ;Klasse;Geburtsdatum\n"
                                    "\"  Mu\xCC\x88ller \";  Zoe\xCC\x88  ;5a;03.04.2015\n",
                                    NULL, "");
    assert_non_null(r);
    assert_string_equal(r->headers[0], "Nachname");
    assert_string_equal(r->headers[1], "Vorname");
    assert_string_equal(r->pupils[0].last_name, "M\xC3\xBCller");
    assert_string_equal(r->pupils[0].first_name, "Zo\xC3\xAB");
    assert_string_equal(r->pupils[0].fields[0], "M\xC3\xBCller");
    roster_free(r);
}

/* ---- quoting and line numbers ---- */

static void
test_roster_quoted_line_breaks_keep_later_line_numbers_right(void **state)
{
    (void)state;
    struct roster *r =
        parse_fixture("quoted-multiline.csv", NULL,
                      "k.csv:4:14: error: birth date \"31.02.2015\" is not a real date\n"
                      "k.csv:5:1: error: field \"Nachname\" has a line break; the last name must "
                      "be on one line\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].last_name, "M\xC3\xBCller; Meier");
    assert_string_equal(r->pupils[0].first_name, "Anna \"Anni\"");
    /* an extra column may span lines; CRLF inside becomes LF */
    assert_string_equal(roster_field(r, &r->pupils[0], "bemerkung"), "erste Zeile\nzweite Zeile");
    assert_int_equal(r->pupils[0].line, 2);
    assert_string_equal(r->pupils[1].last_name, "Y\xC4\xB1lmaz");
    assert_int_equal(r->pupils[1].line, 7);
    assert_int_equal(r->pupils[1].row, 4);
    roster_free(r);
}

static void
test_roster_reports_unterminated_quote_where_it_opens(void **state)
{
    (void)state;
    struct roster *r =
        parse_expect(HEADER "Weber;Ben;5a;03.04.2015\n"
                            "M\xC3\xBCller;\"Anna;5a;03.04.2015\n"
                            "Schmidt;Clara;5a;03.04.2015\n",
                     NULL, "k.csv:3:8: error: the quote (\") that opens this field is never closed\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 1);
    assert_string_equal(r->pupils[0].last_name, "Weber");
    roster_free(r);
}

static void
test_roster_reports_stray_quotes_and_goes_on(void **state)
{
    (void)state;
    struct roster *r = parse_expect(
        HEADER "M\xC3\xBC\"ller;Anna;5a;03.04.2015\n"
               "\"M\xC3\xBCller\"x;Anna;5a;03.04.2015\n"
               "Weber;Ben;5a;31.02.2015\n"
               "Schmidt;Clara;5a;03.04.2015\n",
        NULL,
        "k.csv:2:3: error: quote (\") inside a field that does not start with one; put the whole field in "
        "quotes "
        "and write the quote twice (\"\")\n"
        "k.csv:3:9: error: text after the closing quote of a field; a quote inside a quoted field is written "
        "twice (\"\")\n"
        "k.csv:4:14: error: birth date \"31.02.2015\" is not a real date\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 1);
    assert_string_equal(r->pupils[0].last_name, "Schmidt");
    assert_int_equal(r->pupils[0].line, 5);
    assert_int_equal(r->pupils[0].row, 4);
    roster_free(r);
}

static void
test_roster_stray_quote_in_header_is_fatal(void **state)
{
    (void)state;
    struct roster *r =
        parse_expect("Nach\"name;Vorname;Klasse;Geburtsdatum\nWeber;Ben;5a;03.04.2015\n", NULL,
                     "k.csv:1:5: error: quote (\") inside a field that does not start with one; "
                     "put the whole field in quotes and write the quote twice (\"\")\n");
    assert_null(r);
}

/* ---- header ---- */

static void
test_roster_finds_columns_by_every_alias(void **state)
{
    (void)state;
    static const char *const headers[] = {
        "Nachname;Vorname;Geburtsdatum;Klasse;Interne ID-Nummer",
        "Familienname;Rufname;SchuelerGeburtsdatum;GruppeBezeichnung;ID",
        "SchuelerNachname;SchuelerRufname;Geburtsdatum;Klasse;SchuelerId",
        "Name;Vorname;Geburtsdatum;Klasse;id",
        "NACHNAME;vorname;GEBURTSDATUM;klasse;interne id-nummer",
    };
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        char          *csv = xasprintf("%s\r\nWeber;Ben;03.04.2015;5a;4711\r\n", headers[i]);
        struct roster *r = parse_expect(csv, NULL, "");
        assert_non_null(r);
        assert_string_equal(r->pupils[0].last_name, "Weber");
        assert_string_equal(r->pupils[0].first_name, "Ben");
        assert_string_equal(r->pupils[0].class_name, "5a");
        assert_int_equal(r->pupils[0].birth_date.year, 2015);
        assert_string_equal(r->pupils[0].id, "4711");
        roster_free(r);
        free(csv);
    }
}

static void
test_roster_takes_name_as_last_name_only_without_a_better_column(void **state)
{
    (void)state;
    struct roster *r = parse_expect("Name;Vorname;Klasse;Geburtsdatum;Nachname\n"
                                    "Ben Weber;Ben;5a;03.04.2015;Weber\n",
                                    NULL, "");
    assert_non_null(r);
    assert_string_equal(r->pupils[0].last_name, "Weber");
    assert_string_equal(roster_field(r, &r->pupils[0], "NAME"), "Ben Weber");
    /* without an id column, id is NULL */
    assert_null(r->pupils[0].id);
    roster_free(r);
}

/* init writes roster.columns from what the roster found: the header index of each field, or none. */
static void
test_roster_tells_which_column_each_field_came_from(void **state)
{
    (void)state;
    struct roster *r = parse_expect("Name;Vorname;Klasse;Geburtsdatum;Nachname\n"
                                    "Ben Weber;Ben;5a;03.04.2015;Weber\n",
                                    NULL, "");
    assert_non_null(r);
    assert_int_equal(r->columns.last_name, 4);
    assert_int_equal(r->columns.first_name, 1);
    assert_int_equal(r->columns.class_name, 2);
    assert_int_equal(r->columns.birth_date, 3);
    assert_true(r->columns.id == ROSTER_NO_COLUMN);
    assert_int_equal(r->delimiter, ';');
    assert_false(r->was_windows_1252);
    assert_false(r->was_utf16);
    roster_free(r);

    /* Excel's "Unicode-Text": UTF-16LE with a BOM, tab-separated; IServ's headers, no birth date. */
    static const char utf16[] = "\xFF\xFE"
                                "N\0a\0c\0h\0n\0a\0m\0e\0\t\0V\0o\0r\0n\0a\0m\0e\0\t\0"
                                "K\0l\0a\0s\0s\0e\0/\0I\0n\0f\0o\0r\0m\0a\0t\0i\0o\0n\0\n\0"
                                "W\0e\0b\0e\0r\0\t\0B\0e\0n\0\t\0"
                                "5\0a\0\n\0";
    char *diags;
    r = parse_len(utf16, sizeof utf16 - 1, NULL, &diags);
    assert_string_equal(diags, "");
    free(diags);
    assert_non_null(r);
    assert_true(r->was_utf16);
    assert_int_equal(r->delimiter, '\t');
    assert_int_equal(r->columns.class_name, 2);
    assert_string_equal(r->headers[r->columns.class_name], "Klasse/Information");
    assert_true(r->columns.birth_date == ROSTER_NO_COLUMN);
    roster_free(r);
}

/* For init, headers that are not the usual ones are recognised by their words; others' names never. */
static void
test_roster_guesses_columns_from_header_words_for_init(void **state)
{
    (void)state;
    static const char csv[] = "Sch\xC3\xBCler-ID;Nachname Erziehungsberechtigte;Sch\xC3\xBCler-Nachname;"
                              "Rufname (Sch\xC3\xBCler);Geburtsort;Geb.-Datum;Kl.\n"
                              "17;Weber;Weber;Ben;Essen;03.04.2015;5a\n";
    struct config_roster opts = {.guess_columns = true};
    struct roster       *r = parse_expect(csv, &opts, "");
    assert_non_null(r);
    assert_int_equal(r->columns.id, 0);
    assert_int_equal(r->columns.last_name, 2); /* not the parents' column before it */
    assert_int_equal(r->columns.first_name, 3);
    assert_int_equal(r->columns.birth_date, 5); /* not the place of birth */
    assert_int_equal(r->columns.class_name, 6);
    assert_string_equal(r->pupils[0].last_name, "Weber");
    assert_int_equal(r->pupils[0].birth_date.day, 3);
    roster_free(r);

    /* A usual header keeps its column, and wins over a guess. */
    r = parse_expect("Familienname;Vorname;Klassenbezeichnung;Name\nWeber;Ben;5a;x\n", &opts, "");
    assert_int_equal(r->columns.last_name, 0);
    assert_int_equal(r->columns.class_name, 2);
    assert_true(r->columns.birth_date == ROSTER_NO_COLUMN);
    roster_free(r);

    /* Without guessing (check, render), such a file still lacks its columns. */
    r = parse_expect(csv, NULL,
                     "k.csv:1: error: no column for the last name (looked for \"Nachname\", \"Familienname\", "
                     "\"SchuelerNachname\", \"Name\"); the file has 7 columns: \"Sch\xC3\xBCler-ID\", \"Nachname "
                     "Erziehungsberechtigte\", \"Sch\xC3\xBCler-Nachname\", \"Rufname (Sch\xC3\xBCler)\", "
                     "\"Geburtsort\", \"Geb.-Datum\", \"Kl.\"\n"
                     "k.csv:1: error: no column for the first name (looked for \"Vorname\", \"Rufname\", "
                     "\"SchuelerRufname\"); the file has 7 columns: \"Sch\xC3\xBCler-ID\", \"Nachname "
                     "Erziehungsberechtigte\", \"Sch\xC3\xBCler-Nachname\", \"Rufname (Sch\xC3\xBCler)\", "
                     "\"Geburtsort\", \"Geb.-Datum\", \"Kl.\"\n"
                     "k.csv:1: error: no column for the class (looked for \"Klasse\", \"GruppeBezeichnung\", "
                     "\"Klasse/Information\"); the file has 7 columns: \"Sch\xC3\xBCler-ID\", \"Nachname "
                     "Erziehungsberechtigte\", \"Sch\xC3\xBCler-Nachname\", \"Rufname (Sch\xC3\xBCler)\", "
                     "\"Geburtsort\", \"Geb.-Datum\", \"Kl.\"\n");
    assert_null(r);
}

static void
test_roster_uses_configured_column_names(void **state)
{
    (void)state;
    struct config_roster opts = {
        .columns = {.last_name = "Sch\xC3\xBCler",
                    .first_name = "kind",
                    .birth_date = "Geb",
                    .class_name = "Gruppe",
                    .id = "Nr"},
    };
    struct roster *r = parse_expect("Vorname;Kind;Sch\xC3\xBCler;Gruppe;Geb;Nr\n"
                                    "Falsch;Ben;Weber;7c;2013-01-31;12\n",
                                    &opts, "");
    assert_non_null(r);
    assert_string_equal(r->pupils[0].last_name, "Weber");
    assert_string_equal(r->pupils[0].first_name, "Ben");
    assert_string_equal(r->pupils[0].class_name, "7c");
    assert_string_equal(r->pupils[0].id, "12");
    assert_int_equal(r->pupils[0].birth_date.day, 31);
    roster_free(r);

    /* a configured column must exist, even the optional id */
    r = parse_expect(
        "Vorname;Kind;Sch\xC3\xBCler;Gruppe;Geb\nFalsch;Ben;Weber;7c;2013-01-31\n", &opts,
        "k.csv:1: error: no column \"Nr\" (set in roster.columns.id); the file "
        "has 5 columns: \"Vorname\", \"Kind\", \"Sch\xC3\xBCler\", \"Gruppe\", \"Geb\"\n");
    assert_null(r);
}

static void
test_roster_missing_columns_list_the_headers_the_file_has(void **state)
{
    (void)state;
    struct roster *r =
        parse_expect("\n\nNachname;Klasse;Geschlecht\nWeber;5a;m\n", NULL,
                     "k.csv:3: error: no column for the first name (looked for \"Vorname\", "
                     "\"Rufname\", \"SchuelerRufname\"); the file has 3 columns: \"Nachname\", \"Klasse\", "
                     "\"Geschlecht\"\n"
                     "");
    assert_null(r);
}

static void
test_roster_keeps_extra_columns(void **state)
{
    (void)state;
    struct roster *r = parse_expect("Interne ID-Nummer;Nachname;Vorname;Klasse;Geburtsdatum;Geschlecht\n"
                                    "10234;Weber;Ben;5a;03.04.2015;m\n",
                                    NULL, "");
    assert_non_null(r);
    assert_int_equal(r->n_headers, 6);
    assert_string_equal(r->headers[5], "Geschlecht");
    assert_string_equal(roster_field(r, &r->pupils[0], "geschlecht"), "m");
    assert_string_equal(roster_field(r, &r->pupils[0], "Interne ID-Nummer"), "10234");
    assert_null(roster_field(r, &r->pupils[0], "Religion"));
    roster_free(r);
}

/* ---- rows ---- */

static void
test_roster_accepts_every_date_format(void **state)
{
    (void)state;
    struct roster *r = parse_expect(HEADER "A;a;5a;03.04.2015\n"
                                           "B;b;5a;3.4.2015\n"
                                           "C;c;5a;2015-04-03\n"
                                           "D;d;5a;\" 03.04.2015 \"\n"
                                           "E;e;5a;29.02.2012\n",
                                    NULL, "");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 5);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(r->pupils[i].birth_date.year, 2015);
        assert_int_equal(r->pupils[i].birth_date.month, 4);
        assert_int_equal(r->pupils[i].birth_date.day, 3);
    }
    assert_int_equal(r->pupils[4].birth_date.day, 29);
    roster_free(r);
}

static void
test_roster_rejects_impossible_and_malformed_dates(void **state)
{
    (void)state;
    struct roster *r =
        parse_expect(HEADER "Weber;Ben;5a;31.02.2013\n"
                            "Weber;Ben;5a;29.02.2013\n"
                            "Weber;Ben;5a;2013-02-30\n"
                            "Weber;Ben;5a;2013/04/03\n"
                            "Weber;Ben;5a;03.04.13\n"
                            "Weber;Ben;5a;0.4.2013\n",
                     NULL,
                     "k.csv:2:14: error: birth date \"31.02.2013\" is not a real date\n"
                     "k.csv:3:14: error: birth date \"29.02.2013\" is not a real date\n"
                     "k.csv:4:14: error: birth date \"2013-02-30\" is not a real date\n"
                     "k.csv:5:14: error: birth date \"2013/04/03\" is not a date; expected "
                     "a date like 30.01.2016 or 2016-01-30\n"
                     "k.csv:7:14: error: birth date \"0.4.2013\" is not a real date\n"
                     /* one message for the whole column, after its rows */
                     "k.csv:6:14: error: the column \"Geburtsdatum\" has a two-digit year in 1 "
                     "row (\"03.04.13\"): format the column as a date with four-digit years "
                     "(TT.MM.JJJJ) and export again\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 0);
    roster_free(r);
}

static void
test_roster_reports_field_count_and_tolerates_empty_trailing_fields(void **state)
{
    (void)state;
    struct roster *r =
        parse_expect(HEADER "Weber;Ben;5a;03.04.2015;;;\n"
                            "Weber;Ben;5a;03.04.2015;x\n"
                            "Weber;Ben;5a\n"
                            "Schmidt;Clara;5a;03.04.2015\n",
                     NULL,
                     "k.csv:3: error: row has 5 fields, but the header line has 4: a \";\" too many, or text "
                     "with a \";\" that is not in double quotes\n"
                     "k.csv:4: error: row has 3 fields, but the header line has 4: a value or a \";\" is "
                     "missing\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].last_name, "Weber");
    assert_string_equal(r->pupils[1].last_name, "Schmidt");
    assert_int_equal(r->pupils[1].row, 4);
    roster_free(r);
}

static void
test_roster_rejects_empty_names_and_class_and_warns_of_empty_date(void **state)
{
    (void)state;
    struct roster *r =
        parse_expect(HEADER " ;Ben;5a;03.04.2015\n"
                            "Weber;\"  \";;\n"
                            "Weber;Ben;5a;\n",
                     NULL,
                     "k.csv:2:1: error: the last name is empty (column \"Nachname\")\n"
                     "k.csv:3:7: error: the first name is empty (column \"Vorname\")\n"
                     "k.csv:3:12: error: the class is empty (column \"Klasse\")\n"
                     "k.csv:3:13: warning: the birth date is empty (column \"Geburtsdatum\"); the "
                     "form leaves it blank for the parents to fill in\n"
                     "k.csv:4:14: warning: the birth date is empty (column \"Geburtsdatum\"); the "
                     "form leaves it blank for the parents to fill in\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 1);
    assert_false(roster_has_birth_date(&r->pupils[0]));
    roster_free(r);
}

static void
test_roster_rejects_fields_over_1000_characters(void **state)
{
    (void)state;
    struct buf csv;
    buf_init(&csv);
    buf_puts(&csv, "Nachname;Vorname;Klasse;Geburtsdatum;Bemerkung\n");
    /* 1000 two-byte characters are fine: the limit counts characters */
    buf_puts(&csv, "Weber;Ben;5a;03.04.2015;");
    for (int i = 0; i < 1000; i++)
        buf_puts(&csv, "\xC3\xA4");
    buf_puts(&csv, "\nWeber;");
    for (int i = 0; i < 1001; i++)
        buf_putc(&csv, 'x');
    buf_puts(&csv, ";5a;03.04.2015;\n");
    struct roster *r = parse_expect(csv.data, NULL,
                                    "k.csv:3:7: error: field \"Vorname\" has 1001 characters; at most 1000 "
                                    "are allowed\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 1);
    assert_int_equal(strlen(roster_field(r, &r->pupils[0], "Bemerkung")), 2000);
    roster_free(r);
    buf_fini(&csv);
}

static void
test_roster_rejects_control_characters(void **state)
{
    (void)state;
    static const char csv[] = HEADER "Weber;B\x07n;5a;03.04.2015\n"
                                     "Weber;Ben\x7F;5a;03.04.2015\n"
                                     "Weber;\"B\0n\";5a;03.04.2015\n"
                                     "Weber;Ben\tJonas;5a;03.04.2015\n";
    char             *diags;
    struct roster    *r = parse_len(csv, sizeof(csv) - 1, NULL, &diags);
    assert_string_equal(diags, "k.csv:2:7: error: field \"Vorname\" contains the control character U+0007; "
                               "remove it\n"
                               "k.csv:3:7: error: field \"Vorname\" contains the control character U+007F; "
                               "remove it\n"
                               "k.csv:4:7: error: field \"Vorname\" contains the control character U+0000; "
                               "remove it\n");
    free(diags);
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 1);
    assert_string_equal(r->pupils[0].first_name, "Ben\tJonas");
    roster_free(r);
}

static void
test_roster_skips_empty_lines_silently(void **state)
{
    (void)state;
    struct roster *r = parse_expect("\r\n" HEADER "\n;;;\n  \nWeber;Ben;5a;03.04.2015\n\n;;;;;\n", NULL, "");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 1);
    assert_int_equal(r->pupils[0].line, 6);
    assert_int_equal(r->pupils[0].row, 1);
    roster_free(r);
}

static void
test_roster_rejects_an_empty_file(void **state)
{
    (void)state;
    static const char *const empties[] = {"", "\xEF\xBB\xBF", "\r\n\r\n", ";;;\n;;\n"};
    for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++)
        assert_null(parse_expect(empties[i], NULL,
                                 "k.csv: error: the file is empty; expected a header line and one "
                                 "line per pupil\n"));
}

static void
test_roster_reports_a_file_with_only_a_header(void **state)
{
    (void)state;
    struct roster *r =
        parse_expect(HEADER "\n", NULL, "k.csv: error: no pupils: the file has only a header line\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 0);
    roster_free(r);
}

static void
test_roster_load_reports_unreadable_and_oversize_files(void **state)
{
    (void)state;
    struct diags d;
    diags_init(&d);
    struct config_roster opts = {.file = "/nonexistent/klassen.csv"};
    assert_null(roster_load("klassen.csv", &opts, &d));

    char path[] = "/tmp/test_roster_XXXXXX";
    int  fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)16 * 1024 * 1024 + 1), 0);
    close(fd);
    struct config_roster big = {.file = path};
    assert_null(roster_load("big.csv", &big, &d));
    unlink(path);

    struct buf out;
    buf_init(&out);
    diags_format(&d, &out);
    assert_string_equal(
        out.data, "consentgen: error: cannot read roster \"klassen.csv\": No such file or directory\n"
                  "big.csv: error: the file is larger than 16 MiB, far too large for a pupil list: is it "
                  "the right file?\n");
    buf_fini(&out);
    diags_fini(&d);
}

/* ---- plausibility ---- */

static const struct date form_date = {2026, 11, 27};

static void
test_roster_warns_about_implausible_birth_dates(void **state)
{
    (void)state;
    struct roster *r = parse_expect(HEADER "Weber;Ben;5a;03.04.2015\n"
                                           "Zukunft;Zoe;5a;28.11.2026\n"
                                           "Klein;Kim;5a;28.11.2022\n"
                                           "Vier;Vera;5a;27.11.2022\n"
                                           "Alt;Anton;Q2;28.11.2000\n"
                                           "Uralt;Ulla;Q2;27.11.2000\n",
                                    NULL, "");
    assert_non_null(r);
    struct diags d;
    diags_init(&d);
    roster_check_plausible(r, form_date, "s.yaml", (struct config_pos){6, 9}, &d);
    struct buf out;
    buf_init(&out);
    diags_format(&d, &out);
    assert_string_equal(
        out.data, "k.csv:3: warning: \"Zukunft, Zoe\" (born 28.11.2026): the birth date is after the form "
                  "date 27.11.2026\n"
                  "k.csv:4: warning: \"Klein, Kim\" (born 28.11.2022) is 3 years old on the form date "
                  "27.11.2026; expected an age from 4 to 25\n"
                  "k.csv:7: warning: \"Uralt, Ulla\" (born 27.11.2000) is 26 years old on the form date "
                  "27.11.2026; expected an age from 4 to 25\n");
    assert_int_equal(d.n_warnings, 3);
    assert_int_equal(d.n_errors, 0);
    buf_fini(&out);
    diags_fini(&d);
    roster_free(r);
}

static void
test_roster_warns_about_duplicates_naming_the_first_line(void **state)
{
    (void)state;
    /* the same pupil in another case and normalisation form; a namesake with another birth date is fine */
    struct roster *r = parse_expect(HEADER "Y\xC4\xB1lmaz;Elif;5a;03.04.2013\n"
                                           "M\xC3\xBCller;Anna;5a;01.01.2014\n"
                                           "Y\xC4\xB1lmaz;Elif;5a;04.04.2013\n"
                                           "Mu\xCC\x88LLER;ANNA;5b;1.1.2014\n"
                                           "y\xC4\xB1lmaz ; elif;5a;2013-04-03\n"
                                           "Y\xC4\xB1lmaz;Elif;5a;03.04.2013\n",
                                    NULL, "");
    assert_non_null(r);
    struct diags d;
    diags_init(&d);
    roster_check_plausible(r, form_date, "s.yaml", (struct config_pos){6, 9}, &d);
    struct buf out;
    buf_init(&out);
    diags_format(&d, &out);
    assert_string_equal(
        out.data, "k.csv:5: warning: \"M\xC3\xBCLLER, ANNA\" (born 01.01.2014) is listed twice; first on "
                  "line 3\n"
                  "k.csv:6: warning: \"y\xC4\xB1lmaz, elif\" (born 03.04.2013) is listed twice; first on "
                  "line 2\n"
                  "k.csv:7: warning: \"Y\xC4\xB1lmaz, Elif\" (born 03.04.2013) is listed 3 times; first on "
                  "line 2\n");
    buf_fini(&out);
    diags_fini(&d);
    roster_free(r);
}

/* ---- order ---- */

static void
test_roster_compares_classes_in_natural_order(void **state)
{
    (void)state;
    static const char *const ascending[] = {"5a", "5b", "5c", "10a", "10B", "10c", "EF", "Q1", "Q2", "Q10"};
    size_t                   n = sizeof(ascending) / sizeof(ascending[0]);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(roster_compare_class(ascending[i], ascending[i]), 0);
        for (size_t j = i + 1; j < n; j++) {
            assert_true(roster_compare_class(ascending[i], ascending[j]) < 0);
            assert_true(roster_compare_class(ascending[j], ascending[i]) > 0);
        }
    }
    /* equal but for case or leading zeros: still ordered, never 0 */
    assert_true(roster_compare_class("5A", "5a") < 0);
    assert_true(roster_compare_class("05a", "5a") < 0);
    assert_true(roster_compare_class("5a", "5A") > 0);
}

static void
test_roster_sorts_by_class_then_german_dictionary_order(void **state)
{
    (void)state;
    struct roster *r = parse_expect(HEADER "Zander;Ben;5a;03.04.2015\n"
                                           "\xC3\x84pfel;Ben;5a;03.04.2015\n"
                                           "Apfel;Ben;5a;03.04.2015\n"
                                           "Weber;Ben;Q1;03.04.2008\n"
                                           "Weber;Ben;10a;03.04.2011\n"
                                           "Gruber;Ben;5a;03.04.2015\n"
                                           "Gro\xC3\x9F;Ben;5a;03.04.2015\n"
                                           "Grosz;Ben;5a;03.04.2015\n"
                                           "\xC3\x96zt\xC3\xBCrk;Ben;5a;03.04.2015\n"
                                           "Ozan;Ben;5a;03.04.2015\n"
                                           "Paul;\xC5\x81ukasz;5a;03.04.2015\n"
                                           "Paul;Luz;5a;03.04.2015\n"
                                           "Paul;Lukas;5a;03.04.2015\n"
                                           "apfel;Ben;5a;03.04.2015\n"
                                           "Apfel;Ben;5a;04.04.2015\n"
                                           "Y\xC4\xB1lmaz;Ben;5a;03.04.2015\n"
                                           "Yilmaz;Ben;5a;03.04.2015\n"
                                           "Weber;Ben;5b;03.04.2015\n"
                                           "Azur;Ben;5a;03.04.2015\n"
                                           "\xC3\x84rger;Ben;5a;03.04.2015\n",
                                    NULL, "");
    assert_non_null(r);
    roster_sort(r);
    static const char *const expected[] = {
        "5a Apfel Ben 4",
        "5a Apfel Ben 16",
        "5a apfel Ben 15",
        "5a \xC3\x84pfel Ben 3",
        "5a \xC3\x84rger Ben 21",
        "5a Azur Ben 20",
        "5a Gro\xC3\x9F Ben 8",
        "5a Grosz Ben 9",
        "5a Gruber Ben 7",
        "5a Ozan Ben 11",
        "5a \xC3\x96zt\xC3\xBCrk Ben 10",
        "5a Paul Lukas 14",
        "5a Paul \xC5\x81ukasz 12",
        "5a Paul Luz 13",
        "5a Yilmaz Ben 18",
        "5a Y\xC4\xB1lmaz Ben 17",
        "5a Zander Ben 2",
        "5b Weber Ben 19",
        "10a Weber Ben 6",
        "Q1 Weber Ben 5",
    };
    assert_int_equal(r->n_pupils, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < r->n_pupils; i++) {
        char *got = xasprintf("%s %s %s %u", r->pupils[i].class_name, r->pupils[i].last_name,
                              r->pupils[i].first_name, r->pupils[i].line);
        assert_string_equal(got, expected[i]);
        free(got);
    }
    /* names are never changed by sorting */
    assert_string_equal(r->pupils[15].last_name, "Y\xC4\xB1lmaz");
    roster_free(r);
}

/* ---- lookup ---- */

static void
test_roster_finds_pupils_by_name_ignoring_case_and_normal_form(void **state)
{
    (void)state;
    struct roster *r = parse_expect(HEADER "M\xC3\xBCller;Anna;5a;03.04.2015\n"
                                           "M\xC3\xBCller;Annabell;5a;03.04.2015\n"
                                           "\xC5\x9E"
                                           "ahin;\xC4\xB0layda;9b;03.04.2011\n"
                                           "Y\xC4\xB1lmaz;Elif;9b;03.04.2011\n"
                                           "M\xC3\xBCller;Anna;9b;03.04.2011\n",
                                    NULL, "");
    assert_non_null(r);
    size_t idx[4];
    /* NFD input, other case, extra spaces */
    assert_int_equal(roster_find_by_name(r, "  MU\xCC\x88LLER ,  anna ", idx, 4), 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 4);
    assert_int_equal(roster_find_by_name(r, "M\xC3\xBCller, Annabell", idx, 4), 1);
    assert_int_equal(idx[0], 1);
    /* no prefix matches, both parts needed */
    assert_int_equal(roster_find_by_name(r, "M\xC3\xBCll, Anna", idx, 4), 0);
    assert_int_equal(roster_find_by_name(r, "M\xC3\xBCller, Ann", idx, 4), 0);
    assert_int_equal(roster_find_by_name(r, "M\xC3\xBCller", idx, 4), 0);
    assert_int_equal(roster_find_by_name(r, "M\xC3\xBCller,", idx, 4), 0);
    /* Turkish: typed without the special letters or in capitals */
    assert_int_equal(roster_find_by_name(r, "SAHIN, ILAYDA", idx, 4), 1);
    assert_int_equal(idx[0], 2);
    assert_int_equal(roster_find_by_name(r,
                                         "\xC5\x9E"
                                         "AHIN, ILAYDA",
                                         idx, 4),
                     1);
    assert_int_equal(idx[0], 2);
    assert_int_equal(roster_find_by_name(r,
                                         "\xC5\x9F"
                                         "ahin, \xC4\xB0LAYDA",
                                         idx, 4),
                     1);
    assert_int_equal(roster_find_by_name(r, "YILMAZ, ELIF", idx, 4), 1);
    assert_int_equal(idx[0], 3);
    /* at most max indexes are written */
    assert_int_equal(roster_find_by_name(r, "M\xC3\xBCller, Anna", idx, 1), 1);
    assert_int_equal(idx[0], 0);
    roster_free(r);
}

/* ---- what school exports really look like (issue 9) ---- */

/* The diagnostics of roster_check_plausible for r on the form date, as text (caller frees). */
static char *
plausible_diags(const struct roster *r, struct date on)
{
    struct diags d;
    diags_init(&d);
    roster_check_plausible(r, on, "s.yaml", (struct config_pos){6, 9}, &d);
    struct buf out;
    buf_init(&out);
    buf_puts(&out, "");
    diags_sort(&d);
    diags_format(&d, &out);
    diags_fini(&d);
    return buf_detach(&out);
}

/* UTF-8 text as UTF-16 with a BOM, as Excel's "Unicode-Text" writes it (ASCII and two-byte letters only). */
static char *
to_utf16(const char *s, bool is_big_endian, size_t *len)
{
    struct buf b;
    buf_init(&b);
    buf_append(&b, is_big_endian ? "\xFE\xFF" : "\xFF\xFE", 2);
    for (size_t i = 0; s[i];) {
        int32_t cp;
        size_t  n = utf8_decode(s + i, strlen(s + i), &cp);
        assert_true(n > 0 && cp < 0x10000);
        char unit[2] = {(char)(cp & 0xFF), (char)(cp >> 8)};
        if (is_big_endian) {
            char t = unit[0];
            unit[0] = unit[1];
            unit[1] = t;
        }
        buf_append(&b, unit, 2);
        i += n;
    }
    *len = b.len;
    return buf_detach(&b);
}

static void
test_roster_reads_utf16_unicode_text_from_excel(void **state)
{
    (void)state;
    const char *text = "Nachname\tVorname\tKlasse\tGeburtsdatum\r\n"
                       "\xC5\x9E"
                       "ahin\t\xC4\xB0layda\t5a\t12.09.2015\r\n"
                       "Y\xC4\xB1lmaz\tElif\t5a\t19.07.2015 00:00:00\r\n";
    for (int be = 0; be <= 1; be++) {
        size_t         len;
        char          *data = to_utf16(text, be, &len);
        char          *diags;
        struct roster *r = parse_len(data, len, NULL, &diags);
        assert_string_equal(diags, "");
        assert_non_null(r);
        assert_int_equal(r->delimiter, '\t');
        assert_int_equal(r->n_pupils, 2);
        assert_string_equal(r->pupils[0].last_name, "\xC5\x9E"
                                                    "ahin");
        assert_string_equal(r->pupils[1].last_name, "Y\xC4\xB1lmaz");
        assert_int_equal(r->pupils[1].birth_date.day, 19);
        assert_int_equal(r->pupils[1].line, 3);
        roster_free(r);
        free(diags);
        /* an odd byte at the end is a broken character on the last line */
        char *diags2;
        assert_null(parse_len(data, len - 1, NULL, &diags2));
        assert_string_equal(diags2,
                            "k.csv:3: error: the file is UTF-16 text (Excel's \"Unicode-Text\"), but this "
                            "line holds a broken character: save the list again, best as \"CSV UTF-8\"\n");
        free(diags2);
        free(data);
    }
}

static void
test_roster_reports_lines_that_are_not_utf8_in_a_utf8_file(void **state)
{
    (void)state;
    /* UTF-8 with two lines added in Windows-1252: errors, never "MÃ¼ller" for every UTF-8 name */
    struct roster *r =
        parse_expect(HEADER "M\xC3\xBCller;J\xC3\xBCrgen;5a;03.04.2015\n"
                            "Sch\xE4"
                            "fer;Lena;5a;03.04.2015\n"
                            "Gro\xC3\x9F;Anna;5a;03.04.2015\n"
                            "Weber;J\xF6rg;5a;03.04.2015\n",
                     NULL,
                     "k.csv:3:4: error: this line is not UTF-8 like the rest of the file (byte "
                     "0xE4): save the list again as \"CSV UTF-8\", or set roster.encoding to "
                     "windows-1252 if the whole file is Windows-1252\n"
                     "k.csv:5:8: error: this line is not UTF-8 like the rest of the file (byte "
                     "0xF6): save the list again as \"CSV UTF-8\", or set roster.encoding to "
                     "windows-1252 if the whole file is Windows-1252\n");
    assert_non_null(r);
    assert_false(r->was_windows_1252);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].last_name, "M\xC3\xBCller");
    assert_string_equal(r->pupils[1].last_name, "Gro\xC3\x9F");
    roster_free(r);
    /* a file without any UTF-8 letter is still Windows-1252 */
    r = parse_expect(HEADER "Sch\xE4"
                            "fer;Lena;5a;03.04.2015\n",
                     NULL, "");
    assert_true(r->was_windows_1252);
    assert_string_equal(r->pupils[0].last_name, "Sch\xC3\xA4"
                                                "fer");
    roster_free(r);
}

static void
test_roster_warns_of_question_marks_excel_put_for_letters(void **state)
{
    (void)state;
    struct roster *r = parse_expect(
        HEADER "Y?lmaz;Elif;5a;03.04.2015\n"
               "Weber;Ben;5a;03.04.2015\n"
               "Kaya;?eyma;5a;03.04.2015\n",
        NULL,
        "k.csv:2:1: warning: the name \"Y?lmaz\" has a \"?\" where a letter may have been lost: Excel's "
        "\"CSV "
        "(Trennzeichen-getrennt)\" writes \"?\" for letters such as \xC4\xB1 or \xC5\x9F; in Excel save the "
        "list "
        "with Datei \xE2\x80\xBA Speichern unter \xE2\x80\xBA CSV UTF-8\n"
        "k.csv:4:6: warning: the name \"?eyma\" has a \"?\" where a letter may have been lost: Excel's \"CSV "
        "(Trennzeichen-getrennt)\" writes \"?\" for letters such as \xC4\xB1 or \xC5\x9F; in Excel save the "
        "list "
        "with Datei \xE2\x80\xBA Speichern unter \xE2\x80\xBA CSV UTF-8\n");
    assert_int_equal(r->n_pupils, 3); /* printed as written: a warning, not an error */
    roster_free(r);
}

static void
test_roster_refuses_workbooks_documents_and_pdf_in_one_sentence(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        size_t      len;
        const char *expected;
    } cases[] = {
#define CASE(lit, msg) {lit, sizeof(lit) - 1, "k.csv: error: " msg "\n"}
        CASE("PK\x03\x04\x14\0\x06\0[Content_Types].xml\0\0xl/workbook.xml",
             "this is an Excel workbook (.xlsx), not a CSV file: open it in Excel and save it with Datei "
             "\xE2\x80\xBA Speichern unter \xE2\x80\xBA CSV UTF-8 (durch Trennzeichen getrennt)"),
        CASE("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0W\0o\0r\0k\0b\0o\0o\0k\0",
             "this is an Excel workbook in the old format (.xls), not a CSV file: open it in Excel and save "
             "it "
             "with Datei \xE2\x80\xBA Speichern unter \xE2\x80\xBA CSV UTF-8 (durch Trennzeichen getrennt)"),
        CASE("PK\x03\x04\x14\0\0\0mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
             "this is a LibreOffice Calc spreadsheet (.ods), not a CSV file: open it in LibreOffice and save "
             "it "
             "with Datei \xE2\x80\xBA Speichern unter, Dateityp \"Text CSV (.csv)\", Zeichensatz \"Unicode "
             "(UTF-8)\""),
        CASE("PK\x03\x04\x14\0\0\0[Content_Types].xml\0word/document.xml",
             "this is a text document (Word or LibreOffice Writer), not a CSV file: export the pupil list "
             "from "
             "the school software as CSV, or copy the table into Excel and save it with Datei \xE2\x80\xBA "
             "Speichern unter \xE2\x80\xBA CSV UTF-8"),
        CASE(
            "%PDF-1.4\n1 0 obj\n",
            "this is a PDF file, not a CSV file: a PDF cannot be read as a table; export the pupil list from "
            "the school software as CSV (in Excel: Datei \xE2\x80\xBA Speichern unter \xE2\x80\xBA CSV "
            "UTF-8)"),
        CASE("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10", "this is not a text file (perhaps an image or an "
                                                        "archive): roster.file must name the CSV export of "
                                                        "the pupil list"),
#undef CASE
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *diags;
        assert_null(parse_len(cases[i].data, cases[i].len, NULL, &diags));
        assert_string_equal(diags, cases[i].expected);
        free(diags);
    }
}

static void
test_roster_matches_headers_ignoring_unicode_spaces_and_case(void **state)
{
    (void)state;
    /* Excel keeps a no-break space typed after "Nachname"; others write the headers in capitals */
    struct roster *r = parse_expect("Nachname\xC2\xA0;\xE2\x80\xAFVORNAME;klasse;GEBURTSDATUM\xE2\x80\x8B\n"
                                    "Weber\xC2\xA0;Ben;5a;03.04.2015\n",
                                    NULL, "");
    assert_non_null(r);
    assert_string_equal(r->headers[0], "Nachname");
    assert_string_equal(r->pupils[0].last_name, "Weber"); /* values lose such spaces too */
    assert_string_equal(roster_field(r, &r->pupils[0], "Vorname"), "Ben");
    roster_free(r);
    struct config_roster opts = {.columns = {.class_name = "Lerngruppe\xC2\xA0"}};
    r = parse_expect("Nachname;Vorname;LERNGRUPPE;Geburtsdatum\nWeber;Ben;5a;03.04.2015\n", &opts, "");
    assert_string_equal(r->pupils[0].class_name, "5a");
    roster_free(r);
}

static void
test_roster_skips_heading_lines_with_a_warning(void **state)
{
    (void)state;
    struct roster *r = parse_expect(
        HEADER "Klasse 5a\n"
               "Weber;Ben;5a;03.04.2015\n"
               "5b;;;\n"
               ";;\"Jahrgang 7\";\n"
               "Schmidt;Clara;5b;03.04.2015\n"
               "M\xC3\xBCller;;;\n"
               "40123;;;\n",
        NULL,
        "k.csv:2: warning: the line \"Klasse 5a\" was skipped as a heading: it names no pupil\n"
        "k.csv:4: warning: the line \"5b\" was skipped as a heading: it names no pupil\n"
        "k.csv:5: warning: the line \"Jahrgang 7\" was skipped as a heading: it names no pupil\n"
        /* a name alone is a pupil whose data is missing */
        "k.csv:7:8: error: the first name is empty (column \"Vorname\")\n"
        "k.csv:7:9: error: the class is empty (column \"Klasse\")\n"
        "k.csv:7:10: warning: the birth date is empty (column \"Geburtsdatum\"); the form leaves it "
        "blank for the parents to fill in\n"
        "k.csv:8:7: error: the first name is empty (column \"Vorname\")\n"
        "k.csv:8:8: error: the class is empty (column \"Klasse\")\n"
        "k.csv:8:9: warning: the birth date is empty (column \"Geburtsdatum\"); the form leaves it "
        "blank for the parents to fill in\n");
    assert_int_equal(r->n_pupils, 2);
    assert_int_equal(r->pupils[1].row, 2); /* headings are not rows */
    roster_free(r);
}

static void
test_roster_reports_serial_numbers_and_two_digit_years_once_per_column(void **state)
{
    (void)state;
    struct buf csv;
    buf_init(&csv);
    buf_puts(&csv, HEADER);
    for (int i = 0; i < 1500; i++)
        buf_printf(&csv, "Weber;Ben%d;5a;%d\n", i, 42204 + i % 300);
    buf_puts(&csv, "Klein;Kim;5a;19.7.15\nKlein;Kai;5a;1.12.14 00:00\nWeber;Ben;5a;19.07.2015 00:00:00\n");
    struct roster *r = parse_expect(
        csv.data, NULL,
        "k.csv:2:15: error: the column \"Geburtsdatum\" holds Excel serial numbers instead of dates in 1500 "
        "rows "
        "(the first is \"42204\"): format the column as a date (TT.MM.JJJJ) in Excel and export again\n"
        "k.csv:1502:14: error: the column \"Geburtsdatum\" has two-digit years in 2 rows (the first is "
        "\"19.7.15\"): format the column as a date with four-digit years (TT.MM.JJJJ) and export again\n");
    assert_int_equal(r->n_pupils, 1);
    assert_int_equal(r->pupils[0].birth_date.year, 2015);
    roster_free(r);
    buf_fini(&csv);
}

static void
test_roster_reads_the_family_language_in_every_spelling(void **state)
{
    (void)state;
    struct roster *r = parse_expect("Nachname;Vorname;Klasse;Familiensprache\n"
                                    "A;a;5a;Türkisch\n"
                                    "B;b;5a;ARABISCH\n"
                                    "C;c;5a;Dari\n"
                                    "D;d;5a;uk\n"
                                    "E;e;5a;ru-RU\n"
                                    "F;f;5a;Englisch\n"
                                    "G;g;5a;Deutsch\n"
                                    "H;h;5a;\n"
                                    "I;i;5a;tuerkisch\n"
                                    "J;j;5a;Polnisch\n"
                                    "K;k;5a; persisch \n",
                                    NULL, "");
    assert_non_null(r);
    assert_true(r->has_language);
    static const char *const want[] = {"tr", "ar", "fa", "uk", "ru", "en", "", "", "tr", "pl", "fa"};
    assert_int_equal(r->n_pupils, 11);
    for (size_t i = 0; i < 11; i++)
        assert_string_equal(r->pupils[i].language, want[i]);
    assert_int_equal(r->pupils[0].language_col, 8);
    roster_free(r);
}

static void
test_roster_warns_about_an_unknown_language_and_keeps_the_pupil(void **state)
{
    (void)state;
    struct config_roster opts = {0};
    opts.columns.language = "Herkunft";
    struct roster *r =
        parse_expect("Nachname;Vorname;Klasse;Herkunft;Sprache\n"
                     "Yılmaz;Elif;7b;Klingonisch;tr\n"
                     "Weber;Ben;7b;xx;\n",
                     &opts,
                     "k.csv:2:16: warning: unknown language \"Klingonisch\" (column \"Herkunft\"); "
                     "Yılmaz, Elif gets the German form only\n"
                     "k.csv:3:14: warning: unknown language \"xx\" (column \"Herkunft\"); Weber, "
                     "Ben gets the German form only\n");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].language, "");
    roster_free(r);
    /* Without the column nothing changes. */
    r = parse_expect("Nachname;Vorname;Klasse\nWeber;Ben;5a\n", NULL, "");
    assert_false(r->has_language);
    assert_string_equal(r->pupils[0].language, "");
    assert_int_equal(r->pupils[0].language_col, 0);
    roster_free(r);
}

static void
test_roster_names_languages_in_german(void **state)
{
    (void)state;
    char code[3];
    assert_string_equal(roster_language_name("tr"), "Türkisch");
    assert_string_equal(roster_language_name("fa"), "Persisch");
    assert_string_equal(roster_language_name("ln"), "ln"); /* a code without a German name here */
    assert_true(roster_language_code("ln", code));
    assert_string_equal(code, "ln");
    assert_false(roster_language_code("qq", code));
    assert_true(roster_language_code("de-AT", code));
    assert_string_equal(code, "");
    assert_true(roster_language_is_rtl("ar"));
    assert_true(roster_language_is_rtl("fa"));
    assert_false(roster_language_is_rtl("tr"));
}

static void
test_roster_reads_iserv_lists_without_birth_dates(void **state)
{
    (void)state;
    struct roster *r = parse_expect("Import-ID;Nachname;Vorname;Klasse/Information\n"
                                    "a17;Weber;Ben;5a\n"
                                    "a18;Weber;Ben;5b\n",
                                    NULL, "");
    assert_non_null(r);
    assert_int_equal(r->n_pupils, 2);
    assert_string_equal(r->pupils[0].id, "a17");
    assert_string_equal(r->pupils[0].class_name, "5a");
    assert_false(roster_has_birth_date(&r->pupils[0]));
    /* no birth date, no age warnings; a name in two classes is two pupils */
    char *got = plausible_diags(r, form_date);
    assert_string_equal(got, "");
    free(got);
    roster_free(r);
    r = parse_expect("Nachname;Vorname;Klasse\nWeber;Ben;5a\nWeber;Ben;5a\n", NULL, "");
    got = plausible_diags(r, form_date);
    assert_string_equal(got,
                        "k.csv:3: warning: \"Weber, Ben\" (no birth date) is listed twice in class 5a; first "
                        "on line 2\n");
    free(got);
    roster_free(r);
}

static void
test_roster_limits_columns_per_row_and_quotes_80_characters(void **state)
{
    (void)state;
    /* a row of 2 million ";" costs no memory per field and gets one message */
    struct buf csv;
    buf_init(&csv);
    buf_puts(&csv, HEADER "Weber;Ben;5a;03.04.2015");
    for (int i = 0; i < 2000000; i++)
        buf_putc(&csv, ';');
    buf_puts(&csv, "\nSchmidt;Clara;5a;03.04.2015\n");
    struct roster *r =
        parse_expect(csv.data, NULL,
                     "k.csv:2: error: row has 2000004 fields; at most 1000 are allowed: is this the "
                     "pupil list, with the right delimiter?\n");
    assert_int_equal(r->n_pupils, 1);
    roster_free(r);
    /* a header line of 1 MB without a delimiter: each message quotes 80 characters of it */
    buf_reset(&csv);
    for (int i = 0; i < 1000000; i++)
        buf_putc(&csv, 'x');
    buf_puts(&csv, "\nWeber\n");
    char *diags;
    assert_null(parse_len(csv.data, csv.len, NULL, &diags));
    assert_true(strlen(diags) < 1500);
    assert_non_null(
        strstr(diags, "the file has 1 column: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                      "xxxxxxxxxxxxxx\xE2\x80\xA6\"\n"));
    assert_non_null(strstr(diags, "note: the header line is one single column"));
    free(diags);
    /* a value with control characters is shown escaped */
    r = parse_expect(
        HEADER "Weber;Ben;5a;\x1B[2J03.04.2015\n", NULL,
        "k.csv:2:14: error: field \"Geburtsdatum\" contains the control character U+001B; remove it\n");
    roster_free(r);
    r = parse_expect(
        HEADER "Weber;Ben;5a;03.04.2015\xE2\x80\xAE\n", NULL,
        "k.csv:2:14: error: birth date \"03.04.2015\\u202E\" is not a date; expected a date like "
        "30.01.2016 or 2016-01-30\n");
    roster_free(r);
    buf_fini(&csv);
}

static void
test_roster_form_date_that_fits_no_pupil_is_one_warning(void **state)
{
    (void)state;
    struct roster *r = parse_expect(HEADER "Weber;Ben;5a;03.04.2015\n"
                                           "Klein;Kim;5a;28.11.2014\n"
                                           "Alt;Anton;Q2;28.11.2006\n",
                                    NULL, "");
    /* form.date 1926 instead of 2026: one message at form.date, not one per pupil */
    char *got = plausible_diags(r, (struct date){1926, 11, 27});
    assert_string_equal(
        got, "s.yaml:6:9: warning: on the form date 27.11.1926 none of the 3 pupils is born yet: is "
             "the year of form.date right?\n");
    free(got);
    got = plausible_diags(r, (struct date){2062, 11, 27});
    assert_string_equal(got,
                        "s.yaml:6:9: warning: on the form date 27.11.2062 no pupil is from 4 to 25 years old "
                        "(all 3 are from 47 to 55): is the year of form.date right?\n");
    free(got);
    got = plausible_diags(r, (struct date){2026, 11, 27});
    assert_string_equal(got, "");
    free(got);
    roster_free(r);
}

static void
test_roster_finds_names_as_people_type_them(void **state)
{
    (void)state;
    struct roster *r = parse_expect(HEADER "\xC5\x9E"
                                           "ahin;\xC4\xB0layda;5a;03.04.2015\n"
                                           "M\xC3\xBCller;Jonas;5a;03.04.2015\n"
                                           "Gro\xC3\x9F;Anna;5a;03.04.2015\n"
                                           "Nguy\xE1\xBB\x85n;Thi H\xC6\xB0\xC6\xA1ng;9b;03.04.2011\n"
                                           "O\xE2\x80\x99"
                                           "Brien;Sean;9b;03.04.2011\n"
                                           "Y\xC4\xB1lmaz;Elif;9b;03.04.2011\n"
                                           "Muller;Jonas;9b;03.04.2011\n"
                                           "K\xC3\xB6hler;Lea;9b;03.04.2011\n",
                                    NULL, "");
    static const struct {
        const char *query;
        size_t      n, first;
    } cases[] = {
        {"Sahin, Ilayda", 1, 0},
        {"Mueller, Jonas", 1, 1},
        {"MUELLER, jonas", 1, 1},
        {"Gross, Anna", 1, 2},
        {"Nguyen, Thi Huong", 1, 3},
        {"O'Brien, Sean", 1, 4},
        {"Elif Y\xC4\xB1lmaz", 1, 5},
        {"Yilmaz Elif", 1, 5},
        {"Yilmaz_Elif", 1, 5},
        {"Muller, Jonas", 1, 6},
        /* the Muller, not Müller */ {"Kohler, Lea", 1, 7} /* Köhler without umlauts */,
        {"Jonas Mueller", 1, 1},
        {"Yilmaz", 0, 0},
        {"", 0, 0},
        {",", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t idx[4];
        size_t n = roster_find_by_name(r, cases[i].query, idx, 4);
        if (n != cases[i].n || (n && idx[0] != cases[i].first))
            fail_msg("\"%s\": %zu found, expected %zu", cases[i].query, n, cases[i].n);
    }
    roster_free(r);
}

static void
test_roster_suggests_up_to_three_close_names(void **state)
{
    (void)state;
    struct roster *r = parse_expect(HEADER "M\xC3\xBCller;Jonas;5a;03.04.2015\n"
                                           "M\xC3\xBCller;Anna;5b;03.04.2015\n"
                                           "Miller;Anna;5a;03.04.2015\n"
                                           "Weber;Ben;5a;03.04.2015\n"
                                           "M\xC3\xBCller;Lena;6a;03.04.2014\n"
                                           "M\xC3\xBCller;Tim;6a;03.04.2014\n",
                                    NULL, "");
    size_t         idx[3];
    /* a slip in the last name: the closest first */
    assert_int_equal(roster_suggest_names(r, "M\xC3\xBCler, Anna", idx, 3), 2);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 2);
    /* only the last name: pupils of that name, at most three */
    assert_int_equal(roster_suggest_names(r, "Mueller", idx, 3), 3);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(idx[2], 4);
    assert_int_equal(roster_suggest_names(r, "Schmidt, Lukas", idx, 3), 0);
    assert_int_equal(roster_suggest_names(r, "", idx, 3), 0);
    roster_free(r);
}

/* ---- the shipped examples ---- */

static struct roster *
load_example(const char *name, struct diags *d)
{
    char                *path = xasprintf("%s/examples/%s", SOURCE_DIR, name);
    struct config_roster opts = {.file = path};
    struct roster       *r = roster_load(name, &opts, d);
    roster_check_plausible(r, form_date, "s.yaml", (struct config_pos){6, 9}, d);
    free(path);
    return r;
}

static size_t
count_class(const struct roster *r, const char *class_name)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_pupils; i++)
        n += strcmp(r->pupils[i].class_name, class_name) == 0;
    return n;
}

static void
test_roster_reads_the_examples_without_problems(void **state)
{
    (void)state;
    struct diags d;
    diags_init(&d);
    struct roster *r = load_example("klassen.csv", &d);
    struct buf     out;
    buf_init(&out);
    buf_puts(&out, "");
    diags_format(&d, &out);
    assert_string_equal(out.data, "");
    assert_non_null(r);
    assert_false(r->was_windows_1252);
    assert_int_equal(r->delimiter, ';');
    assert_string_equal(r->headers[0], "Interne ID-Nummer");
    assert_in_range(count_class(r, "5a"), 20, 28);
    assert_in_range(count_class(r, "9b"), 20, 28);
    assert_in_range(count_class(r, "Q2"), 20, 28);
    assert_int_equal(count_class(r, "5a") + count_class(r, "9b") + count_class(r, "Q2"), r->n_pupils);
    assert_non_null(r->pupils[0].id);
    roster_free(r);

    r = load_example("klassen-windows1252.csv", &d);
    buf_reset(&out);
    buf_puts(&out, "");
    diags_format(&d, &out);
    assert_string_equal(out.data, "");
    assert_non_null(r);
    assert_true(r->was_windows_1252);
    assert_in_range(r->n_pupils, 10, 15);
    roster_free(r);
    buf_fini(&out);
    diags_fini(&d);
}

/* ---- CSV tables ---- */

/* Reads data as "r.csv" with ';'; returns the diagnostics as text (caller frees). */
static char *
parse_table(const char *data, size_t len, struct roster_table *t, bool *ok)
{
    struct diags d = {0};
    *ok = roster_table_parse(data, len, "r.csv", ';', t, &d);
    struct buf out;
    buf_init(&out);
    buf_puts(&out, "");
    diags_sort(&d);
    diags_format(&d, &out);
    diags_fini(&d);
    return buf_detach(&out);
}

static void
test_roster_table_keeps_each_field_and_where_it_starts(void **state)
{
    (void)state;
    static const char   data[] = "\xEF\xBB\xBF"
                                 "Klasse;Nachname;Bemerkung\r\n"
                                 "5a;  Müller ;\"zwei\r\nZeilen; \"\"zitiert\"\"\"\r\n"
                                 ";;\r\n"
                                 "\r\n"
                                 "5b;\"Şahin\";\r\n";
    struct roster_table t;
    bool                ok;
    char               *msg = parse_table(data, sizeof data - 1, &t, &ok);
    assert_string_equal(msg, "");
    assert_true(ok);
    assert_false(t.was_windows_1252);
    assert_int_equal(t.n_rows, 3); /* the line of only delimiters and the empty line are skipped */
    assert_int_equal(t.rows[0].n_cells, 3);
    assert_string_equal(t.rows[0].cells[2].text, "Bemerkung");
    assert_int_equal(t.rows[1].line, 2);
    assert_string_equal(t.rows[1].cells[1].text, "Müller");
    assert_int_equal(t.rows[1].cells[1].col, 4);
    assert_string_equal(t.rows[1].cells[2].text, "zwei\r\nZeilen; \"zitiert\"");
    assert_int_equal(t.rows[1].cells[2].line, 2);
    assert_int_equal(t.rows[1].cells[2].col, 14);
    assert_int_equal(t.rows[2].line, 6);
    assert_string_equal(t.rows[2].cells[1].text, "Şahin");
    assert_int_equal(t.rows[2].cells[2].col, 12); /* characters, not bytes */
    roster_table_fini(&t);
    free(msg);
}

static void
test_roster_table_reads_windows_1252(void **state)
{
    (void)state;
    static const char   data[] = "Klasse;Nachname;Pr\xFC"
                                 "fen\r\n"
                                 "5a;M\xFCller;ja\r\n";
    struct roster_table t;
    bool                ok;
    char               *msg = parse_table(data, sizeof data - 1, &t, &ok);
    assert_string_equal(msg, "");
    assert_true(ok);
    assert_true(t.was_windows_1252);
    assert_string_equal(t.rows[0].cells[2].text, "Prüfen");
    assert_string_equal(t.rows[1].cells[1].text, "Müller");
    roster_table_fini(&t);
    free(msg);
}

static void
test_roster_table_reports_quote_errors_and_bad_bytes_at_their_place(void **state)
{
    (void)state;
    static const char   data[] = "A;B\n"
                                 "1;x\"y\n"
                                 "2;\"a\"b\n"
                                 "3;\x81\n"
                                 "4;ok\n"
                                 "5;\"open\n";
    struct roster_table t;
    bool                ok;
    char               *msg = parse_table(data, sizeof data - 1, &t, &ok);
    assert_string_equal(
        msg, "r.csv:2:4: error: quote (\") inside a field that does not start with one; put the whole "
             "field in quotes and write the quote twice (\"\")\n"
             "r.csv:3:6: error: text after the closing quote of a field; a quote inside a quoted "
             "field is written twice (\"\")\n"
             "r.csv:4:3: error: byte 0x81 is not a character in Windows-1252 (and the file is not "
             "UTF-8 either)\n"
             "r.csv:6:3: error: the quote (\") that opens this field is never closed\n");
    assert_false(ok);
    assert_int_equal(t.n_rows, 2); /* the header and row 4 */
    assert_string_equal(t.rows[1].cells[1].text, "ok");
    roster_table_fini(&t);
    free(msg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roster_table_keeps_each_field_and_where_it_starts),
        cmocka_unit_test(test_roster_table_reads_windows_1252),
        cmocka_unit_test(test_roster_table_reports_quote_errors_and_bad_bytes_at_their_place),
        cmocka_unit_test(test_roster_detects_semicolon_comma_and_tab),
        cmocka_unit_test(test_roster_prefers_semicolon_on_a_tie),
        cmocka_unit_test(test_roster_uses_configured_delimiter),
        cmocka_unit_test(test_roster_strips_bom_and_reads_crlf_like_lf),
        cmocka_unit_test(test_roster_detects_and_decodes_windows_1252),
        cmocka_unit_test(test_roster_converts_declared_windows_1252_even_if_valid_utf8),
        cmocka_unit_test(test_roster_reports_bytes_windows_1252_lacks),
        cmocka_unit_test(test_roster_reports_each_invalid_utf8_row_when_utf8_is_declared),
        cmocka_unit_test(test_roster_reports_invalid_utf8_in_the_header_and_goes_on),
        cmocka_unit_test(test_roster_normalises_names_to_nfc),
        cmocka_unit_test(test_roster_quoted_line_breaks_keep_later_line_numbers_right),
        cmocka_unit_test(test_roster_reports_unterminated_quote_where_it_opens),
        cmocka_unit_test(test_roster_reports_stray_quotes_and_goes_on),
        cmocka_unit_test(test_roster_stray_quote_in_header_is_fatal),
        cmocka_unit_test(test_roster_finds_columns_by_every_alias),
        cmocka_unit_test(test_roster_takes_name_as_last_name_only_without_a_better_column),
        cmocka_unit_test(test_roster_tells_which_column_each_field_came_from),
        cmocka_unit_test(test_roster_guesses_columns_from_header_words_for_init),
        cmocka_unit_test(test_roster_uses_configured_column_names),
        cmocka_unit_test(test_roster_missing_columns_list_the_headers_the_file_has),
        cmocka_unit_test(test_roster_keeps_extra_columns),
        cmocka_unit_test(test_roster_accepts_every_date_format),
        cmocka_unit_test(test_roster_rejects_impossible_and_malformed_dates),
        cmocka_unit_test(test_roster_reports_field_count_and_tolerates_empty_trailing_fields),
        cmocka_unit_test(test_roster_rejects_empty_names_and_class_and_warns_of_empty_date),
        cmocka_unit_test(test_roster_rejects_fields_over_1000_characters),
        cmocka_unit_test(test_roster_rejects_control_characters),
        cmocka_unit_test(test_roster_skips_empty_lines_silently),
        cmocka_unit_test(test_roster_rejects_an_empty_file),
        cmocka_unit_test(test_roster_reads_utf16_unicode_text_from_excel),
        cmocka_unit_test(test_roster_reports_lines_that_are_not_utf8_in_a_utf8_file),
        cmocka_unit_test(test_roster_warns_of_question_marks_excel_put_for_letters),
        cmocka_unit_test(test_roster_refuses_workbooks_documents_and_pdf_in_one_sentence),
        cmocka_unit_test(test_roster_matches_headers_ignoring_unicode_spaces_and_case),
        cmocka_unit_test(test_roster_skips_heading_lines_with_a_warning),
        cmocka_unit_test(test_roster_reports_serial_numbers_and_two_digit_years_once_per_column),
        cmocka_unit_test(test_roster_reads_iserv_lists_without_birth_dates),
        cmocka_unit_test(test_roster_reads_the_family_language_in_every_spelling),
        cmocka_unit_test(test_roster_warns_about_an_unknown_language_and_keeps_the_pupil),
        cmocka_unit_test(test_roster_names_languages_in_german),
        cmocka_unit_test(test_roster_limits_columns_per_row_and_quotes_80_characters),
        cmocka_unit_test(test_roster_form_date_that_fits_no_pupil_is_one_warning),
        cmocka_unit_test(test_roster_finds_names_as_people_type_them),
        cmocka_unit_test(test_roster_suggests_up_to_three_close_names),
        cmocka_unit_test(test_roster_reports_a_file_with_only_a_header),
        cmocka_unit_test(test_roster_load_reports_unreadable_and_oversize_files),
        cmocka_unit_test(test_roster_warns_about_implausible_birth_dates),
        cmocka_unit_test(test_roster_warns_about_duplicates_naming_the_first_line),
        cmocka_unit_test(test_roster_compares_classes_in_natural_order),
        cmocka_unit_test(test_roster_sorts_by_class_then_german_dictionary_order),
        cmocka_unit_test(test_roster_finds_pupils_by_name_ignoring_case_and_normal_form),
        cmocka_unit_test(test_roster_reads_the_examples_without_problems),
    };
    return cmocka_run_group_tests_name("roster", tests, NULL, NULL);
}
