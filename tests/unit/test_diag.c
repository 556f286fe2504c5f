#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_formats_gnu_positions),
        cmocka_unit_test(test_diag_sort_keeps_notes_with_their_entry),
    };
    return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
