#include "test_support.h"

#include <string.h>

const struct layout_item *
test_find_text(const struct layout_doc *doc, const char *s)
{
    for (size_t p = 0; p < doc->n_pages; p++)
        for (size_t i = 0; i < doc->pages[p].n_items; i++)
            if (doc->pages[p].items[i].kind == LAYOUT_ITEM_TEXT &&
                strcmp(doc->pages[p].items[i].text, s) == 0)
                return &doc->pages[p].items[i];
    return NULL;
}

void
test_format_and_free_diags(struct diags *d)
{
    struct buf b;
    buf_init(&b);
    diags_sort(d);
    diags_format(d, &b);
    buf_fini(&b);
    diags_fini(d);
}
