#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consentgen/util.h"

static void
test_date_parse_accepts_german_and_iso_forms(void **state)
{
    (void)state;
    static const struct {
        const char            *text;
        enum date_parse_result result;
        struct date            date;
    } cases[] = {
        {"03.04.2013", DATE_OK, {2013, 4, 3}},
        {"3.4.2013", DATE_OK, {2013, 4, 3}},
        {" 2013-04-03 ", DATE_OK, {2013, 4, 3}},
        {"29.02.2012", DATE_OK, {2012, 2, 29}},
        {"29.02.2013", DATE_NOT_REAL, {0, 0, 0}},
        {"31.02.2013", DATE_NOT_REAL, {0, 0, 0}},
        {"00.01.2013", DATE_NOT_REAL, {0, 0, 0}},
        {"13.13.2013", DATE_NOT_REAL, {0, 0, 0}},
        {"3.4.13", DATE_BAD_FORMAT, {0, 0, 0}},
        {"2013/04/03", DATE_BAD_FORMAT, {0, 0, 0}},
        {"03.04.2013x", DATE_BAD_FORMAT, {0, 0, 0}},
        {"", DATE_BAD_FORMAT, {0, 0, 0}},
        /* Excel's date cells with a time of day; the time is left out */
        {"19.07.2015 00:00:00", DATE_OK, {2015, 7, 19}},
        {"19.07.2015 00:00", DATE_OK, {2015, 7, 19}},
        {"2015-07-19T00:00:00", DATE_OK, {2015, 7, 19}},
        {"2015-07-19 13:45:10.5", DATE_OK, {2015, 7, 19}},
        {"19.07.2015 24:00", DATE_BAD_FORMAT, {0, 0, 0}},
        {"19.07.2015 00", DATE_BAD_FORMAT, {0, 0, 0}},
        {"19.07.2015T00:00", DATE_BAD_FORMAT, {0, 0, 0}},
        {"31.02.2015 00:00:00", DATE_NOT_REAL, {0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct date d = {0, 0, 0};
        assert_int_equal(date_parse(cases[i].text, &d), cases[i].result);
        if (cases[i].result == DATE_OK) {
            assert_int_equal(d.year, cases[i].date.year);
            assert_int_equal(d.month, cases[i].date.month);
            assert_int_equal(d.day, cases[i].date.day);
        }
    }
}

static void
test_read_file_refuses_fifos_devices_and_folders(void **state)
{
    (void)state;
    char   dir[] = "/tmp/test_util_XXXXXX";
    char  *data = NULL;
    size_t len = 0;
    assert_non_null(mkdtemp(dir));
    char *fifo = xasprintf("%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* a FIFO without a writer would block open() forever: refused without opening it */
    assert_false(util_read_file(fifo, 1024, &data, &len));
    assert_int_equal(errno, ENODEV);
    assert_null(data);
    assert_false(util_read_file("/dev/zero", 1024, &data, &len));
    assert_int_equal(errno, ENODEV);
    assert_false(util_read_file(dir, 1024, &data, &len));
    assert_int_equal(errno, EISDIR);
    assert_false(util_check_regular_file(fifo));
    assert_int_equal(errno, ENODEV);
    char *missing = xasprintf("%s/missing", dir);
    assert_false(util_check_regular_file(missing));
    assert_int_equal(errno, ENOENT);
    unlink(fifo);
    rmdir(dir);
    free(missing);
    free(fifo);
}

static void
test_file_kind_tells_workbooks_documents_pdf_and_binary_from_text(void **state)
{
    (void)state;
    static const struct {
        const char         *data;
        size_t              len;
        enum util_file_kind kind;
    } cases[] = {
#define CASE(lit, kind) {lit, sizeof(lit) - 1, kind}
        CASE("Nachname;Vorname\nM\xC3\xBCller;Anna\n", UTIL_FILE_TEXT),
        CASE("Nachname;Vorname\nM\xFCller;Anna\n", UTIL_FILE_TEXT),
        CASE("", UTIL_FILE_TEXT),
        CASE("M\xC3\xBCller;Ben\x00;5a\n", UTIL_FILE_TEXT), /* one NUL: a damaged text, reported by line */
        CASE("\xFF\xFEN\0a\0", UTIL_FILE_UTF16LE),
        CASE("\xFE\xFF\0N\0a", UTIL_FILE_UTF16BE),
        CASE("PK\x03\x04\x14\0\0\0[Content_Types].xml...xl/workbook.xml", UTIL_FILE_XLSX),
        CASE("PK\x03\x04\x14\0\0\0[Content_Types].xml...word/document.xml", UTIL_FILE_WORD),
        CASE("PK\x03\x04\x14\0\0\0mimetypeapplication/vnd.oasis.opendocument.spreadsheet", UTIL_FILE_ODS),
        CASE("PK\x03\x04\x14\0\0\0mimetypeapplication/vnd.oasis.opendocument.text", UTIL_FILE_WORD),
        CASE("PK\x03\x04\x14\0\0\0photo.jpg", UTIL_FILE_BINARY),
        CASE("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0W\0o\0r\0k\0b\0o\0o\0k\0", UTIL_FILE_XLS),
        CASE("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0", UTIL_FILE_WORD),
        CASE("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", UTIL_FILE_PDF),
        CASE("{\\rtf1\\ansi Hallo}", UTIL_FILE_WORD),
        CASE("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", UTIL_FILE_BINARY),
        CASE("\x7F"
             "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
             UTIL_FILE_BINARY),
#undef CASE
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (util_file_kind(cases[i].data, cases[i].len) != cases[i].kind)
            fail_msg("case %zu: kind %d, expected %d", i, util_file_kind(cases[i].data, cases[i].len),
                     cases[i].kind);
    }
}

static void
test_quote_escapes_controls_and_cuts_at_80_characters(void **state)
{
    (void)state;
    assert_string_equal(util_quote("M\xC3\xBCller").text, "M\xC3\xBCller");
    assert_string_equal(util_quote(NULL).text, "");
    assert_string_equal(util_quote("a\tb\nc\r\x1B[31m\x7F").text, "a\\tb\\nc\\r\\x1B[31m\\x7F");
    /* invalid bytes, C1 controls and the bidi override that reverses text in a terminal */
    assert_string_equal(util_quote_len("\xFC\xC2\x85\xE2\x80\xAEx", 7).text, "\\xFC\\u0085\\u202Ex");
    assert_string_equal(util_quote_len("a\0b", 3).text, "a\\x00b");
    struct buf long_text;
    buf_init(&long_text);
    for (int i = 0; i < 100000; i++)
        buf_puts(&long_text, "\xC3\xA4");
    assert_int_equal(
        utf8_count_chars(util_quote(long_text.data).text, strlen(util_quote(long_text.data).text)),
        UTIL_QUOTE_MAX_CHARS + 1);
    assert_int_equal(strlen(util_quote(long_text.data).text), UTIL_QUOTE_MAX_CHARS * 2 + 3);
    buf_reset(&long_text);
    for (int i = 0; i < 200; i++)
        buf_putc(&long_text, '\x01');
    assert_int_equal(strlen(util_quote(long_text.data).text), UTIL_QUOTE_MAX_CHARS * 4 + 3);
    buf_fini(&long_text);
    /* exactly 80 characters: nothing cut */
    char eighty[81];
    memset(eighty, 'x', 80);
    eighty[80] = '\0';
    assert_string_equal(util_quote(eighty).text, eighty);
}

static void
test_match_key_ignores_case_accents_and_spellings(void **state)
{
    (void)state;
    static const char *const same[][2] = {
        {"\xC5\x9E"
         "ahin, \xC4\xB0layda",
         "Sahin, Ilayda"},            /* Şahin, İlayda */
        {"M\xC3\xBCller", "Mueller"}, /* Müller */
        {"M\xC3\xBCller", "MUELLER"},
        {"Mu\xCC\x88ller", "Mueller"}, /* Müller decomposed */
        {"Gro\xC3\x9F", "Gross"},      /* Groß */
        {"GRO\xE1\xBA\x9E", "gross"},  /* GROẞ */
        {"Nguy\xE1\xBB\x85n, Thi H\xC6\xB0\xC6\xA1ng", "Nguyen, Thi Huong"},
        {"O\xE2\x80\x99"
         "Brien",
         "O'Brien"},                 /* ’ */
        {"Y\xC4\xB1lmaz", "Yilmaz"}, /* ı */
        {"\xC5\x81ukasz", "Lukasz"}, /* Ł */
        {"Sch\xC3\xA4"
         "fer-Kr\xC3\xBCger",
         "Schaefer Krueger"},
        {"  M\xC3\xBCller  ,  Anna ", "mueller anna"},
        {"Mueller_Anna", "Mueller, Anna"}, /* as a file name writes it */
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *a = utf8_match_key(same[i][0]), *b = utf8_match_key(same[i][1]);
        if (strcmp(a, b) != 0)
            fail_msg("\"%s\" -> \"%s\", but \"%s\" -> \"%s\"", same[i][0], a, same[i][1], b);
        free(a);
        free(b);
    }
    char *k = utf8_match_key("\xC5\x9E"
                             "ahin-\xC3\x96zt\xC3\xBCrk, \xC4\xB0layda");
    assert_string_equal(k, "sahin oeztuerk ilayda");
    free(k);
    k = utf8_match_key(
        "\xD0\x9E\xD0\xBB\xD0\xB5\xD0\xBD\xD0\xB0"); /* Олена: other scripts stay, lower case */
    assert_string_equal(k, "\xD0\xBE\xD0\xBB\xD0\xB5\xD0\xBD\xD0\xB0");
    free(k);
    /* typed without umlauts: the plain key has ü as u */
    k = utf8_match_key_plain("M\xC3\xBCller-Gro\xC3\x9F");
    assert_string_equal(k, "muller gross");
    free(k);
    k = utf8_match_key("M\xC3\xBCller");
    char *other = utf8_match_key("Muller");
    assert_string_not_equal(k, other); /* ü is ue, as in file names, not u */
    free(k);
    free(other);
}

static void
test_trim_removes_every_unicode_space(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Nachname\xC2\xA0", "Nachname"}, /* no-break space */
        {"\xE2\x80\xAF"
         "Vorname\xE2\x80\x83",
         "Vorname"},                                  /* narrow no-break space, em space */
        {"\xEF\xBB\xBFKlasse\xE2\x80\x8B", "Klasse"}, /* BOM, zero-width space */
        {" \t M\xC3\xBCller Anna \t", "M\xC3\xBCller Anna"},
        {"\xC2\xA0\xC2\xA0", ""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = utf8_trim(cases[i].in, strlen(cases[i].in));
        assert_string_equal(t, cases[i].out);
        free(t);
    }
}

static void
test_date_age_counts_the_birthday_itself(void **state)
{
    (void)state;
    struct date birth = {2012, 11, 27};
    assert_int_equal(date_age_on(birth, (struct date){2026, 11, 26}), 13);
    assert_int_equal(date_age_on(birth, (struct date){2026, 11, 27}), 14);
    struct date leap = {2008, 2, 29};
    assert_int_equal(date_age_on(leap, (struct date){2026, 2, 28}), 17);
    assert_int_equal(date_age_on(leap, (struct date){2026, 3, 1}), 18);
}

static void
test_date_format_german_pads(void **state)
{
    (void)state;
    char out[11];
    date_format_german((struct date){2026, 3, 7}, out);
    assert_string_equal(out, "07.03.2026");
}

static void
test_utf8_nfc_composes_and_fold_ignores_case(void **state)
{
    (void)state;
    char *nfc = utf8_nfc("S\xCC\xA7"
                         "ahin"); /* S + combining cedilla */
    assert_string_equal(nfc, "\xC5\x9E"
                             "ahin");
    free(nfc);
    char *a = utf8_fold("\xC5\x9E"
                        "AHIN"),
         *b = utf8_fold("S\xCC\xA7"
                        "ahin");
    assert_string_equal(a, b);
    free(a);
    free(b);
    assert_null(utf8_nfc("\xFF"));
    assert_false(utf8_is_valid("M\xFCller", 7));
    assert_true(utf8_is_valid("M\xC3\xBCller", 7));
    assert_int_equal(utf8_count_chars("M\xC3\xBCller", 7), 6);
}

static void
test_arena_survives_reset_and_large_blocks(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    for (int round = 0; round < 3; round++) {
        char *s = arena_strdup(a, "Yılmaz");
        assert_string_equal(s, "Yılmaz");
        char *big = arena_alloc(a, 200000);
        big[199999] = 'x';
        assert_string_equal(arena_printf(a, "%s %d", "Seite", 2), "Seite 2");
        arena_reset(a);
    }
    arena_free(a);
}

static void
test_buf_grows_and_detaches(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 2000);
    char *s = buf_detach(&b);
    assert_int_equal(strlen(s), 2000);
    assert_null(b.data);
    free(s);
}

static void
test_path_relative_to_config_folder(void **state)
{
    (void)state;
    char *p = util_path_relative_to("examples/schule.yaml", "klassen.csv");
    assert_string_equal(p, "examples/klassen.csv");
    free(p);
    p = util_path_relative_to("schule.yaml", "klassen.csv");
    assert_string_equal(p, "klassen.csv");
    free(p);
    p = util_path_relative_to("examples/schule.yaml", "/srv/k.csv");
    assert_string_equal(p, "/srv/k.csv");
    free(p);
}

static void
test_edit_distance_for_hints(void **state)
{
    (void)state;
    assert_int_equal(util_edit_distance("adress", "address"), 1);
    assert_int_equal(util_edit_distance("Name", "name"), 0);
    assert_int_equal(util_edit_distance("", "abc"), 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse_accepts_german_and_iso_forms),
        cmocka_unit_test(test_read_file_refuses_fifos_devices_and_folders),
        cmocka_unit_test(test_file_kind_tells_workbooks_documents_pdf_and_binary_from_text),
        cmocka_unit_test(test_quote_escapes_controls_and_cuts_at_80_characters),
        cmocka_unit_test(test_match_key_ignores_case_accents_and_spellings),
        cmocka_unit_test(test_trim_removes_every_unicode_space),
        cmocka_unit_test(test_date_age_counts_the_birthday_itself),
        cmocka_unit_test(test_date_format_german_pads),
        cmocka_unit_test(test_utf8_nfc_composes_and_fold_ignores_case),
        cmocka_unit_test(test_arena_survives_reset_and_large_blocks),
        cmocka_unit_test(test_buf_grows_and_detaches),
        cmocka_unit_test(test_path_relative_to_config_folder),
        cmocka_unit_test(test_edit_distance_for_hints),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
