/* Helpers shared by the unit tests and the fuzz harnesses. */
#ifndef CONSENTGEN_TEST_SUPPORT_H
#define CONSENTGEN_TEST_SUPPORT_H

#include "consentgen/diag.h"
#include "consentgen/layout.h"

/* The first text item of doc whose text is exactly s; NULL if none. */
const struct layout_item *test_find_text(const struct layout_doc *doc, const char *s);

/* Sorts and formats d (so that code runs too), then frees it. */
void test_format_and_free_diags(struct diags *d);

#endif
