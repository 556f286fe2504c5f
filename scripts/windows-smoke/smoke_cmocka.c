/* cmocka under wine: one passing test, so ctest shows the runner works through the emulator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>
#include <xxhash.h>

static void
test_xxh3_is_stable(void **state)
{
    (void)state;
    assert_int_equal(XXH3_64bits("", 0), 0x2d06800538d394c2ULL);
    assert_int_not_equal(XXH3_64bits("a", 1), XXH3_64bits("b", 1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_xxh3_is_stable)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
