#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "consentgen/diag.h"

static void
test_diag_formats_gnu_positions(void **state)
{
    (void)state;
    struct diags d = {0};
    diag_add(&d, DIAG_ERROR, "k.csv", 17, 24, "birth date \"%s\" is not a real date", "31.02.2013");
    diag_add(&d, DIAG_WARNING, "k.csv", 3, 0, "listed twice");
    diag_add(&d, DIAG_ERROR, "k.csv", 0, 0, "the file is empty");
    diag_add(&d, DIAG_ERROR, NULL, 0, 0, "cannot write \"out/5a.pdf\": Permission denied");
    assert_int_equal(d.n_errors, 3);
    assert_int_equal(d.n_warnings, 1);
    struct buf b;
    buf_init(&b);
    diags_format(&d, &b);
    assert_string_equal(b.data, "k.csv:17:24: error: birth date \"31.02.2013\" is not a real date\n"
                                "k.csv:3: warning: listed twice\n"
                                "k.csv: error: the file is empty\n"
                                "consentgen: error: cannot write \"out/5a.pdf\": Permission denied\n");
    buf_fini(&b);
    diags_fini(&d);
}

static void
test_diag_sort_keeps_notes_with_their_entry(void **state)
{
    (void)state;
    struct diags d = {0};
    diag_add(&d, DIAG_ERROR, "b.yaml", 5, 1, "second");
    diag_add(&d, DIAG_NOTE, "b.yaml", 1, 1, "note of second");
    diag_add(&d, DIAG_ERROR, "b.yaml", 2, 3, "first");
    diag_add(&d, DIAG_ERROR, "a.csv", 9, 1, "in a");
    diag_add(&d, DIAG_ERROR, NULL, 0, 0, "run");
    diags_sort(&d);
    struct buf b;
    buf_init(&b);
    diags_format(&d, &b);
    assert_string_equal(b.data, "consentgen: error: run\n"
                                "a.csv:9:1: error: in a\n"
                                "b.yaml:2:3: error: first\n"
                                "b.yaml:5:1: error: second\n"
                                "b.yaml:1:1: note: note of second\n");
    buf_fini(&b);
    diags_fini(&d);
}

static void
test_diag_summarises_more_than_ten_of_a_kind(void **state)
{
    (void)state;
    struct diags d = {0};
    for (unsigned line = 2; line <= 1501; line++) {
        diag_add(&d, DIAG_ERROR, "k.csv", line, 8, "the first name is empty (column \"%s\")", "Vorname");
        diag_add(&d, DIAG_NOTE, "k.csv", line, 1, "a note of line %u", line); /* follows its entry */
    }
    diag_add(&d, DIAG_ERROR, "k.csv", 7, 1, "another kind");
    diag_add(&d, DIAG_ERROR, "other.csv", 3, 8, "the first name is empty (column \"%s\")", "Vorname");
    diag_add(&d, DIAG_WARNING, NULL, 0, 0, "%s", "not a kind: never limited");
    for (int i = 0; i < 12; i++)
        diag_add(&d, DIAG_WARNING, NULL, 0, 0, "%s", "not a kind: never limited");
    /* every problem counts, listed or not */
    assert_int_equal(d.n_errors, 1502);
    assert_int_equal(d.n_warnings, 13);
    diags_sort(&d);
    struct buf b;
    buf_init(&b);
    diags_format(&d, &b);
    struct buf want;
    buf_init(&want);
    for (int i = 0; i < 13; i++)
        buf_puts(&want, "consentgen: warning: not a kind: never limited\n");
    for (unsigned line = 2; line <= 11; line++) {
        if (line == 7) /* column 1 before column 8 */
            buf_puts(&want, "k.csv:7:1: error: another kind\n");
        buf_printf(&want, "k.csv:%u:8: error: the first name is empty (column \"Vorname\")\n", line);
        buf_printf(&want, "k.csv:%u:1: note: a note of line %u\n", line, line);
    }
    buf_puts(&want, "k.csv:12: error: 1490 more problems of the same kind, up to line 1501, are not listed: "
                    "\"the first name is empty (column \"Vorname\")\"\n"
                    "other.csv:3:8: error: the first name is empty (column \"Vorname\")\n");
    assert_string_equal(b.data, want.data);
    /* sorting again adds nothing */
    diags_sort(&d);
    buf_reset(&b);
    diags_format(&d, &b);
    assert_string_equal(b.data, want.data);
    buf_fini(&want);
    buf_fini(&b);
    diags_fini(&d);
}

static void
test_diag_summary_of_one_more_is_singular_and_format_shows_it_unsorted(void **state)
{
    (void)state;
    struct diags d = {0};
    for (int i = 0; i < 11; i++)
        diag_add(&d, DIAG_WARNING, NULL, 0, 0, "warning number %d", i);
    struct buf b;
    buf_init(&b);
    diags_format(&d, &b); /* without diags_sort: the summary comes last */
    const char *last = strrchr(b.data, '\n');
    while (last > b.data && last[-1] != '\n')
        last--;
    assert_string_equal(last, "consentgen: warning: 1 more problem of the same kind is not listed: "
                              "\"warning number 9\"\n");
    buf_fini(&b);
    diags_fini(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_formats_gnu_positions),
        cmocka_unit_test(test_diag_summarises_more_than_ten_of_a_kind),
        cmocka_unit_test(test_diag_summary_of_one_more_is_singular_and_format_shows_it_unsorted),
        cmocka_unit_test(test_diag_sort_keeps_notes_with_their_entry),
    };
    return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
