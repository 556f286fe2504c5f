/*
 * Unit tests of register: the file's exact bytes, reading it back after a
 * spreadsheet saved it, matching rows to the roster, the merge rules, and the
 * atomic private write. Diagnostics are compared as the text cli prints.
 */
#include "consentgen/register.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define BOM "\xEF\xBB\xBF"
#define HEADER BOM REGISTER_HEADER "\r\n"

static const char ROSTER_CSV[] = "ID;Nachname;Vorname;Klasse;Geburtsdatum\n"
                                 "0712;Şahin;İlayda;5a;11.11.2015\n"
                                 "40123;Müller;Jonas;5a;19.07.2015\n"
                                 "40200;=Formel;Eva;5b;01.02.2015\n"
                                 "40300;Schmidt;Ole;5b;03.04.2015\n";

static struct roster *
roster_of(const char *csv)
{
    struct diags   d = {0};
    struct roster *r = roster_parse(csv, strlen(csv), "klassen.csv", NULL, &d);
    assert_non_null(r);
    assert_int_equal(d.n, 0);
    diags_fini(&d);
    roster_sort(r);
    return r;
}

/* Parses data as "reg.csv"; *msgs gets the formatted diagnostics (caller frees). */
static struct register_doc *
parse(const char *data, size_t len, const struct roster *r, char **msgs)
{
    struct diags         d = {0};
    struct register_doc *reg = register_parse(data, len, "reg.csv", r, &d);
    struct buf           b;
    buf_init(&b);
    buf_puts(&b, "");
    diags_sort(&d);
    diags_format(&d, &b);
    *msgs = buf_detach(&b);
    diags_fini(&d);
    return reg;
}

static char *
format(const struct register_doc *reg)
{
    struct buf b;
    buf_init(&b);
    register_format(reg, &b);
    return buf_detach(&b);
}

static const struct pupil *
pupil_named(const struct roster *r, const char *last)
{
    for (size_t i = 0; i < r->n_pupils; i++)
        if (strcmp(r->pupils[i].last_name, last) == 0)
            return &r->pupils[i];
    fail_msg("no pupil %s", last);
    return NULL;
}

static const char EMPTY_REGISTER[] = HEADER "5a;Müller;Jonas;19.07.2015;40123;;;;;\r\n"
                                            "5a;Şahin;İlayda;11.11.2015;0712;;;;;\r\n"
                                            "5b;'=Formel;Eva;01.02.2015;40200;;;;;\r\n"
                                            "5b;Schmidt;Ole;03.04.2015;40300;;;;;\r\n";

static void
test_register_new_has_one_row_per_pupil_in_roster_order(void **state)
{
    (void)state;
    struct roster       *r = roster_of(ROSTER_CSV);
    struct register_doc *reg = register_new("reg.csv", r);
    char                *text = format(reg);
    /* UTF-8 with BOM, ";", CRLF; a name that a spreadsheet would take for a formula after an apostrophe. */
    assert_string_equal(text, EMPTY_REGISTER);
    assert_false(reg->existed);
    free(text);
    register_free(reg);
    roster_free(r);
}

static void
test_register_reads_back_what_it_wrote(void **state)
{
    (void)state;
    struct roster    *r = roster_of(ROSTER_CSV);
    static const char data[] =
        HEADER "5a;Müller;Jonas;19.07.2015;40123;Ja;ja;2026-12-01;manuell;\r\n"
               "5a;Şahin;İlayda;11.11.2015;0712;unklar;unklar;2026-12-03;scan1.pdf:3 (Ja) | "
               "scan2.pdf:1 (Nein);ja\r\n"
               "5b;'=Formel;Eva;01.02.2015;40200;;;;;\r\n"
               "5b;Schmidt;Ole;03.04.2015;40300;widerrufen;ja;2026-12-05;\"a;b.pdf:2 (Ja) "
               "| manuell (widerrufen)\";\r\n";
    char                *msgs;
    struct register_doc *reg = parse(data, sizeof data - 1, r, &msgs);
    assert_string_equal(msgs, "");
    assert_non_null(reg);
    const struct register_row *sahin = register_row_of(reg, pupil_named(r, "Şahin"));
    assert_int_equal(sahin->answer, REGISTER_ANSWER_UNCLEAR);
    assert_int_equal(sahin->n_sources, 2);
    assert_string_equal(sahin->sources[0].place, "scan1.pdf:3");
    assert_int_equal(sahin->sources[0].answer, REGISTER_ANSWER_YES);
    assert_int_equal(sahin->sources[1].answer, REGISTER_ANSWER_NO);
    assert_true(sahin->needs_review);
    assert_string_equal(register_row_of(reg, pupil_named(r, "=Formel"))->last_name, "=Formel");
    assert_string_equal(register_row_of(reg, pupil_named(r, "Schmidt"))->sources[0].place, "a;b.pdf:2");
    char *text = format(reg);
    assert_string_equal(text, data);
    free(text);
    free(msgs);
    register_free(reg);
    roster_free(r);
}

static void
test_register_reads_a_spreadsheet_save_in_windows_1252(void **state)
{
    (void)state;
    struct roster *r = roster_of(ROSTER_CSV);
    /* As a spreadsheet saves it: no BOM, Windows-1252, "?" for Ş and İ, columns moved, dates as it shows
     * them, the leading zero of an ID gone, quotes where it likes them. */
    static const char data[] =
        "Nachname;Vorname;Klasse;Geburtsdatum;ID;Antwort;Unterschrift;Eingang;Quelle;Pr\xFC"
        "fen\r\n"
        "M\xFCller;Jonas;5a;19.07.2015;40123;Ja;ja;01.12.2026;manuell;\r\n"
        "?ahin;?layda;5a;11.11.2015;712;\"Nein\";ja;02.12.2026;scan1.pdf:4;\r\n"
        "'=Formel;Eva;5b;01.02.2015;40200;;;;;\r\n"
        "Schmidt;Ole;5b;03.04.2015;40300;;;;;\r\n"
        ";;;;;;;;;\r\n";
    char                *msgs;
    struct register_doc *reg = parse(data, sizeof data - 1, r, &msgs);
    assert_string_equal(msgs, "");
    char *text = format(reg);
    assert_string_equal(text, HEADER "5a;Müller;Jonas;19.07.2015;40123;Ja;ja;2026-12-01;manuell;\r\n"
                                     "5a;Şahin;İlayda;11.11.2015;0712;Nein;ja;2026-12-02;scan1.pdf:4;\r\n"
                                     "5b;'=Formel;Eva;01.02.2015;40200;;;;;\r\n"
                                     "5b;Schmidt;Ole;03.04.2015;40300;;;;;\r\n");
    free(text);
    free(msgs);
    register_free(reg);
    roster_free(r);
}

static void
test_register_matches_by_name_without_ids_also_after_a_lossy_save(void **state)
{
    (void)state;
    struct roster       *r = roster_of("Nachname;Vorname;Klasse;Geburtsdatum\n"
                                             "Şahin;İlayda;5a;11.11.2015\n"
                                             "Nguyễn;An;5a;01.02.2015\n"
                                             "Nguyễn;An;5a;02.02.2015\n");
    static const char    data[] = HEADER "5a;Nguyen;An;02.02.2015;;Ja;ja;2026-12-01;manuell;\r\n"
                                         "6a;SAHIN;ilayda;2015-11-11;;Nein;ja;2026-12-01;manuell;\r\n";
    char                *msgs;
    struct register_doc *reg = parse(data, sizeof data - 1, r, &msgs);
    assert_string_equal(msgs, "");
    assert_int_equal(reg->n_rows, 3);
    /* The roster's spelling and class come back; the birth date tells the two An apart. */
    assert_string_equal(reg->rows[1].last_name, "Nguyễn");
    assert_int_equal(reg->rows[0].answer, REGISTER_ANSWER_NONE);
    assert_int_equal(reg->rows[1].answer, REGISTER_ANSWER_YES);
    assert_string_equal(reg->rows[2].last_name, "Şahin");
    assert_string_equal(reg->rows[2].class_name, "5a");
    assert_int_equal(reg->rows[2].answer, REGISTER_ANSWER_NO);
    free(msgs);
    register_free(reg);
    roster_free(r);
}

static void
test_register_keeps_a_pupil_no_longer_in_the_roster(void **state)
{
    (void)state;
    struct roster       *r = roster_of(ROSTER_CSV);
    static const char    data[] = HEADER "5a;Weg;Paul;01.01.2015;49999;Ja;ja;2026-12-01;manuell;\r\n"
                                         "5a;Müller;Jonas;19.07.2015;40123;Nein;ja;2026-12-01;manuell;\r\n";
    char                *msgs;
    struct register_doc *reg = parse(data, sizeof data - 1, r, &msgs);
    assert_string_equal(msgs, "reg.csv:2: warning: \"Weg, Paul\" (Klasse 5a, born 01.01.2015) is not in the "
                              "roster any more; the row is kept as it is\n");
    char *text = format(reg);
    assert_string_equal(text, HEADER "5a;Müller;Jonas;19.07.2015;40123;Nein;ja;2026-12-01;manuell;\r\n"
                                     "5a;Şahin;İlayda;11.11.2015;0712;;;;;\r\n"
                                     "5b;'=Formel;Eva;01.02.2015;40200;;;;;\r\n"
                                     "5b;Schmidt;Ole;03.04.2015;40300;;;;;\r\n"
                                     "5a;Weg;Paul;01.01.2015;49999;Ja;ja;2026-12-01;manuell;\r\n");
    free(text);
    free(msgs);
    register_free(reg);
    roster_free(r);
}

static void
test_register_reports_every_bad_field_at_its_place(void **state)
{
    (void)state;
    struct roster    *r = roster_of(ROSTER_CSV);
    static const char data[] =
        HEADER "5a;Müller;Jonas;19.07.2015;40123;vielleicht;nö;2026-13-01;manuell;x\r\n"
               "5a;Şahin;İlayda;31.02.2015;0712;;;;\r\n"
               "5b;;Eva;01.02.2015;40200;;;;;\r\n"
               "5b;Schmidt;Ole;03.04.2015;40300;Ja;ja;2026-12-01;manuell;\r\n"
               "5b;Schmidt;Ole;03.04.2015;40300;Nein;ja;2026-12-02;manuell;\r\n";
    char                *msgs;
    struct register_doc *reg = parse(data, sizeof data - 1, r, &msgs);
    assert_non_null(reg);
    assert_string_equal(
        msgs,
        "reg.csv:2:34: error: unknown answer \"vielleicht\"; the column Antwort takes Ja, Nein, unklar, "
        "widerrufen or nothing (not back)\n"
        "reg.csv:2:45: error: unknown word \"nö\" in the column Unterschrift; it takes ja, fehlt, unklar or "
        "nothing\n"
        "reg.csv:2:48: error: Eingang \"2026-13-01\" is not a real date\n"
        "reg.csv:2:67: error: unknown word \"x\" in the column Prüfen; it takes ja or nothing\n"
        "reg.csv:3: error: the row has 9 fields, but the header line has 10; a \";\" is missing or one too "
        "many\n"
        "reg.csv:4:4: error: the row has no Nachname or no Vorname; it needs both, as in the roster\n"
        "reg.csv:6: error: a second row for \"Schmidt, Ole\" (born 03.04.2015), who has a row on line 5 "
        "already; keep one of them\n");
    free(msgs);
    register_free(reg);
    roster_free(r);
}

static void
test_register_refuses_a_changed_header(void **state)
{
    (void)state;
    struct roster *r = roster_of(ROSTER_CSV);
    static const struct {
        const char *data;
        const char *msgs;
    } cases[] = {
        {"Klasse;Nachname;Vorname;Geburtsdatum;ID;Antwort;Unterschrift;Eingang;Prüfen\r\n",
         "reg.csv:1: error: the register has no column \"Quelle\"; its header line must be " REGISTER_HEADER
         "\n"},
        {"Klasse;Nachname;Vorname;Geburtsdatum;ID;Antwort;Unterschrift;Eingang;Quelle;Prüfen;Notiz\r\n",
         "reg.csv:1:84: error: \"Notiz\" is not a column of the register, and writing the register would "
         "drop it; "
         "move it to a file of its own (the columns are " REGISTER_HEADER ")\n"},
        {"Klasse;Nachname;Vorname;Geburtsdatum;ID;Antwort;Unterschrift;Eingang;Quelle;Prüfen;klasse\r\n",
         "reg.csv:1:84: error: the column \"klasse\" is there twice; keep the one at character 1 of this "
         "line\n"},
        {"Klasse,Nachname,Vorname,Geburtsdatum,ID,Antwort,Unterschrift,Eingang,Quelle,Prüfen\r\n",
         "reg.csv:1: error: the header line has no \";\"; the register's columns are separated by semicolons "
         "(in a spreadsheet: save as \"CSV (Trennzeichen-getrennt)\")\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char                *msgs;
        struct register_doc *reg = parse(cases[i].data, strlen(cases[i].data), r, &msgs);
        assert_null(reg);
        assert_string_equal(msgs, cases[i].msgs);
        free(msgs);
    }
    roster_free(r);
}

static void
test_register_takes_an_empty_file_as_a_new_register(void **state)
{
    (void)state;
    struct roster       *r = roster_of(ROSTER_CSV);
    char                *msgs;
    struct register_doc *reg = parse(BOM "\r\n", 5, r, &msgs);
    assert_string_equal(msgs, "");
    assert_true(reg->existed);
    char *text = format(reg);
    assert_string_equal(text, EMPTY_REGISTER);
    free(text);
    free(msgs);
    register_free(reg);
    roster_free(r);
}

static void
test_register_shares_one_row_among_pupils_listed_twice(void **state)
{
    (void)state;
    struct roster       *r = roster_of("Nachname;Vorname;Klasse;Geburtsdatum\n"
                                             "Müller;Jonas;5a;19.07.2015\n"
                                             "Müller;Jonas;5a;19.07.2015\n");
    struct register_doc *reg = register_new("reg.csv", r);
    assert_int_equal(reg->n_rows, 1);
    assert_ptr_equal(register_row_of(reg, &r->pupils[0]), register_row_of(reg, &r->pupils[1]));
    register_free(reg);
    roster_free(r);
}

/* ---- merging ---- */

static struct register_entry
scan_entry(const char *place, enum register_answer a, int day)
{
    return (struct register_entry){a, REGISTER_SIGNATURE_YES, {2026, 12, day}, place, false};
}

static struct register_entry
manual_entry(enum register_answer a, int day)
{
    return (struct register_entry){a, REGISTER_SIGNATURE_NONE, {2026, 12, day}, NULL, false};
}

/* The formatted row of the pupil (without the line end). */
static char *
row_text(const struct register_doc *reg, const struct pupil *p)
{
    char *all = format(reg);
    char *want = xasprintf(";%s;", p->id);
    for (char *line = strstr(all, "\r\n") + 2; *line; line = strstr(line, "\r\n") + 2) {
        char *end = strstr(line, "\r\n");
        char *at = strstr(line, want);
        if (at && at < end) {
            free(want);
            char *s = xstrndup(line, (size_t)(end - line));
            free(all);
            return s;
        }
    }
    free(all);
    fail_msg("no row for %s", want);
    free(want);
    return NULL;
}

#define ASSERT_ROW(reg, p, expected)                                                                         \
    do {                                                                                                     \
        char *row_ = row_text(reg, p);                                                                       \
        assert_string_equal(row_, expected);                                                                 \
        free(row_);                                                                                          \
    } while (0)

static void
test_register_merges_scans_without_losing_an_answer(void **state)
{
    (void)state;
    struct roster        *r = roster_of(ROSTER_CSV);
    struct register_doc  *reg = register_new("reg.csv", r);
    const struct pupil   *jonas = pupil_named(r, "Müller");
    struct register_entry e = scan_entry("scan1.pdf:3", REGISTER_ANSWER_YES, 1);

    assert_int_equal(register_record(reg, jonas, &e), REGISTER_RECORDED);
    ASSERT_ROW(reg, jonas, "5a;Müller;Jonas;19.07.2015;40123;Ja;ja;2026-12-01;scan1.pdf:3;");
    /* The same page scanned again, a day later: nothing changes. */
    e.date.day = 2;
    assert_int_equal(register_record(reg, jonas, &e), REGISTER_UNCHANGED);
    ASSERT_ROW(reg, jonas, "5a;Müller;Jonas;19.07.2015;40123;Ja;ja;2026-12-01;scan1.pdf:3;");
    /* A second slip with the same answer: one more source. */
    e = scan_entry("scan2.pdf:1", REGISTER_ANSWER_YES, 3);
    assert_int_equal(register_record(reg, jonas, &e), REGISTER_RECORDED);
    ASSERT_ROW(reg, jonas, "5a;Müller;Jonas;19.07.2015;40123;Ja;ja;2026-12-01;scan1.pdf:3 | scan2.pdf:1;");
    /* A slip that says Nein: unklar until a person decides; both answers stay visible. */
    e = scan_entry("scan3.pdf:7", REGISTER_ANSWER_NO, 4);
    assert_int_equal(register_record(reg, jonas, &e), REGISTER_CONFLICT);
    ASSERT_ROW(reg, jonas,
               "5a;Müller;Jonas;19.07.2015;40123;unklar;ja;2026-12-04;scan1.pdf:3 (Ja) | scan2.pdf:1 (Ja) | "
               "scan3.pdf:7 (Nein);ja");
    /* Scanning the first page again changes nothing, also now. */
    e = scan_entry("scan1.pdf:3", REGISTER_ANSWER_YES, 5);
    assert_int_equal(register_record(reg, jonas, &e), REGISTER_UNCHANGED);
    /* The same page read otherwise (say, by a later version): the first reading stays, Prüfen is set. */
    const struct pupil *ole = pupil_named(r, "Schmidt");
    e = scan_entry("scan1.pdf:9", REGISTER_ANSWER_NO, 1);
    register_record(reg, ole, &e);
    e.answer = REGISTER_ANSWER_UNCLEAR;
    assert_int_equal(register_record(reg, ole, &e), REGISTER_CONFLICT);
    ASSERT_ROW(reg, ole, "5b;Schmidt;Ole;03.04.2015;40300;Nein;ja;2026-12-01;scan1.pdf:9;ja");
    /* "|" separates the places: one in a file name becomes "_". */
    const struct pupil *eva = pupil_named(r, "=Formel");
    e = scan_entry("Stapel | 2.pdf:1", REGISTER_ANSWER_YES, 2);
    register_record(reg, eva, &e);
    ASSERT_ROW(reg, eva, "5b;'=Formel;Eva;01.02.2015;40200;Ja;ja;2026-12-02;Stapel _ 2.pdf:1;");
    register_free(reg);
    roster_free(r);
}

static void
test_register_manual_entry_decides_and_keeps_the_sources(void **state)
{
    (void)state;
    struct roster        *r = roster_of(ROSTER_CSV);
    struct register_doc  *reg = register_new("reg.csv", r);
    const struct pupil   *jonas = pupil_named(r, "Müller");
    struct register_entry e = scan_entry("scan1.pdf:3", REGISTER_ANSWER_YES, 1);
    register_record(reg, jonas, &e);
    e = scan_entry("scan3.pdf:7", REGISTER_ANSWER_NO, 4);
    register_record(reg, jonas, &e);

    e = manual_entry(REGISTER_ANSWER_NO, 6);
    assert_int_equal(register_record(reg, jonas, &e), REGISTER_RECORDED);
    ASSERT_ROW(reg, jonas,
               "5a;Müller;Jonas;19.07.2015;40123;Nein;ja;2026-12-06;scan1.pdf:3 (Ja) | scan3.pdf:7 (Nein) | "
               "manuell (Nein);");
    /* The same decision again changes nothing. */
    e.date.day = 7;
    assert_int_equal(register_record(reg, jonas, &e), REGISTER_UNCHANGED);
    /* A withdrawal is recorded, never a deletion. */
    const struct pupil *eva = pupil_named(r, "=Formel");
    e = manual_entry(REGISTER_ANSWER_YES, 2);
    assert_int_equal(register_record(reg, eva, &e), REGISTER_RECORDED);
    ASSERT_ROW(reg, eva, "5b;'=Formel;Eva;01.02.2015;40200;Ja;ja;2026-12-02;manuell;");
    e = manual_entry(REGISTER_ANSWER_WITHDRAWN, 9);
    assert_int_equal(register_record(reg, eva, &e), REGISTER_RECORDED);
    ASSERT_ROW(reg, eva,
               "5b;'=Formel;Eva;01.02.2015;40200;widerrufen;ja;2026-12-09;manuell (Ja) | manuell "
               "(widerrufen);");
    /* The old slip scanned once more does not bring the consent back. */
    const struct pupil *ole = pupil_named(r, "Schmidt");
    e = scan_entry("scan1.pdf:9", REGISTER_ANSWER_YES, 1);
    register_record(reg, ole, &e);
    e = manual_entry(REGISTER_ANSWER_WITHDRAWN, 10);
    register_record(reg, ole, &e);
    e = scan_entry("scan1.pdf:9", REGISTER_ANSWER_YES, 11);
    assert_int_equal(register_record(reg, ole, &e), REGISTER_UNCHANGED);
    ASSERT_ROW(reg, ole,
               "5b;Schmidt;Ole;03.04.2015;40300;widerrufen;ja;2026-12-10;scan1.pdf:9 (Ja) | manuell "
               "(widerrufen);");
    register_free(reg);
    roster_free(r);
}

static void
test_register_counts_per_answer(void **state)
{
    (void)state;
    struct register_counts c = {0};
    struct register_row    rows[6] = {{.answer = REGISTER_ANSWER_NONE},
                                      {.answer = REGISTER_ANSWER_YES},
                                      {.answer = REGISTER_ANSWER_YES},
                                      {.answer = REGISTER_ANSWER_NO},
                                      {.answer = REGISTER_ANSWER_UNCLEAR, .needs_review = true},
                                      {.answer = REGISTER_ANSWER_WITHDRAWN}};
    for (size_t i = 0; i < 6; i++)
        register_count_row(&rows[i], &c);
    assert_int_equal(c.n_forms, 6);
    assert_int_equal(c.n_back, 5);
    assert_int_equal(c.n_yes, 2);
    assert_int_equal(c.n_no, 1);
    assert_int_equal(c.n_unclear, 1);
    assert_int_equal(c.n_withdrawn, 1);
    assert_int_equal(c.n_missing, 1);
    assert_int_equal(c.n_review, 1);
}

/* ---- writing ---- */

static void
test_register_save_is_private_and_replaces_the_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_register.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/einwilligungen.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("alt", f);
    fclose(f);
    chmod(path, 0644);

    struct roster       *r = roster_of(ROSTER_CSV);
    struct register_doc *reg = register_new(path, r);
    struct diags         d = {0};
    assert_true(register_save(reg, path, &d));
    assert_int_equal(d.n, 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char  *data;
    size_t len;
    assert_true(util_read_file(path, 1 << 20, &data, &len));
    assert_string_equal(data, EMPTY_REGISTER);
    free(data);

    /* A folder in the way of the register: an error, and nothing left behind. */
    char *blocked = xasprintf("%s/ordner", dir);
    assert_int_equal(mkdir(blocked, 0700), 0);
    assert_false(register_save(reg, blocked, &d));
    assert_int_equal(d.n_errors, 1);
    assert_non_null(strstr(d.v[0].msg, "cannot write the register"));
    diags_fini(&d);
    char *ls = xasprintf("ls -A %s | wc -l", dir);
    FILE *p = popen(ls, "r");
    int   n = 0;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    assert_int_equal(n, 2); /* einwilligungen.csv and ordner: no temp file */

    rmdir(blocked);
    unlink(path);
    rmdir(dir);
    free(ls);
    free(blocked);
    free(path);
    register_free(reg);
    roster_free(r);
}

static void
test_register_load_of_a_missing_file_is_an_empty_register(void **state)
{
    (void)state;
    struct roster       *r = roster_of(ROSTER_CSV);
    struct diags         d = {0};
    struct register_doc *reg = register_load("/nonexistent/einwilligungen.csv", r, &d);
    assert_non_null(reg);
    assert_int_equal(d.n, 0);
    assert_false(reg->existed);
    assert_int_equal(reg->n_rows, 4);
    register_free(reg);
    roster_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_new_has_one_row_per_pupil_in_roster_order),
        cmocka_unit_test(test_register_reads_back_what_it_wrote),
        cmocka_unit_test(test_register_reads_a_spreadsheet_save_in_windows_1252),
        cmocka_unit_test(test_register_matches_by_name_without_ids_also_after_a_lossy_save),
        cmocka_unit_test(test_register_keeps_a_pupil_no_longer_in_the_roster),
        cmocka_unit_test(test_register_reports_every_bad_field_at_its_place),
        cmocka_unit_test(test_register_refuses_a_changed_header),
        cmocka_unit_test(test_register_takes_an_empty_file_as_a_new_register),
        cmocka_unit_test(test_register_shares_one_row_among_pupils_listed_twice),
        cmocka_unit_test(test_register_merges_scans_without_losing_an_answer),
        cmocka_unit_test(test_register_manual_entry_decides_and_keeps_the_sources),
        cmocka_unit_test(test_register_counts_per_answer),
        cmocka_unit_test(test_register_save_is_private_and_replaces_the_file),
        cmocka_unit_test(test_register_load_of_a_missing_file_is_an_empty_register),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
