/*
 * diag: collects problems with their position; sorting and formatting for
 * cli. Formatting follows the GNU convention (FILE:LINE:COL: level: msg) so
 * editors can jump to the place; a part that is unknown (0) is left out.
 */
#include "consentgen/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
diags_init(struct diags *d)
{
    memset(d, 0, sizeof(*d));
}

void
diags_fini(struct diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
    }
    free(d->v);
    diags_init(d);
}

static void
push(struct diags *d, struct diag e)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
    }
    e.seq = d->n ? d->v[d->n - 1].seq + 1 : 0;
    d->v[d->n++] = e;
    if (e.level == DIAG_ERROR)
        d->n_errors++;
    else if (e.level == DIAG_WARNING)
        d->n_warnings++;
}

void
diag_add(struct diags *d, enum diag_level level, const char *file, unsigned line, unsigned col,
         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct diag e = {level, file ? xstrdup(file) : NULL, line, col, xvasprintf(_(fmt), ap), 0};
    va_end(ap);
    push(d, e);
}

/* Sort key: a note sorts with the entry it follows. */
struct keyed {
    const struct diag *owner;
    struct diag        self;
};

static int
compare_keyed(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    const struct diag  *oa = a->owner, *ob = b->owner;
    /* Messages without a file (about the run as a whole) come first. */
    if (!oa->file != !ob->file)
        return oa->file ? 1 : -1;
    if (oa->file && ob->file) {
        int c = strcmp(oa->file, ob->file);
        if (c)
            return c;
    }
    if (oa->line != ob->line)
        return oa->line < ob->line ? -1 : 1;
    if (oa->col != ob->col)
        return oa->col < ob->col ? -1 : 1;
    if (oa->seq != ob->seq)
        return oa->seq < ob->seq ? -1 : 1;
    return a->self.seq < b->self.seq ? -1 : a->self.seq > b->self.seq;
}

void
diags_sort(struct diags *d)
{
    if (d->n < 2)
        return;
    struct keyed      *k = xmalloc(d->n * sizeof(*k));
    const struct diag *owner = &d->v[0];
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].level != DIAG_NOTE || i == 0)
            owner = &d->v[i];
        k[i].owner = owner;
        k[i].self = d->v[i];
    }
    qsort(k, d->n, sizeof(*k), compare_keyed);
    struct diag *sorted = xmalloc(d->n * sizeof(*sorted));
    for (size_t i = 0; i < d->n; i++)
        sorted[i] = k[i].self;
    memcpy(d->v, sorted, d->n * sizeof(*sorted));
    free(sorted);
    free(k);
}

static const char *
level_name(enum diag_level level)
{
    switch (level) {
    case DIAG_NOTE:
        return _("note");
    case DIAG_WARNING:
        return _("warning");
    case DIAG_ERROR:
        return _("error");
    }
    abort();
}

void
diags_format(const struct diags *d, struct buf *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct diag *e = &d->v[i];
        if (!e->file)
            buf_puts(out, "consentgen");
        else if (e->line == 0)
            buf_puts(out, e->file);
        else if (e->col == 0)
            buf_printf(out, "%s:%u", e->file, e->line);
        else
            buf_printf(out, "%s:%u:%u", e->file, e->line, e->col);
        buf_printf(out, ": %s: %s\n", level_name(e->level), e->msg);
    }
}
