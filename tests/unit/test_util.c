#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
        {"03.04.2013", DATE_OK, {2013, 4, 3}},       {"3.4.2013", DATE_OK, {2013, 4, 3}},
        {" 2013-04-03 ", DATE_OK, {2013, 4, 3}},     {"29.02.2012", DATE_OK, {2012, 2, 29}},
        {"29.02.2013", DATE_NOT_REAL, {0, 0, 0}},    {"31.02.2013", DATE_NOT_REAL, {0, 0, 0}},
        {"00.01.2013", DATE_NOT_REAL, {0, 0, 0}},    {"13.13.2013", DATE_NOT_REAL, {0, 0, 0}},
        {"3.4.13", DATE_BAD_FORMAT, {0, 0, 0}},      {"2013/04/03", DATE_BAD_FORMAT, {0, 0, 0}},
        {"03.04.2013x", DATE_BAD_FORMAT, {0, 0, 0}}, {"", DATE_BAD_FORMAT, {0, 0, 0}},
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
