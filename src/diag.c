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
    for (size_t i = 0; i < d->n_kinds; i++) {
        free(d->kinds[i].file);
        free(d->kinds[i].last_shown);
    }
    free(d->kinds);
    diags_init(d);
}

static void
count(struct diags *d, enum diag_level level)
{
    if (level == DIAG_ERROR)
        d->n_errors++;
    else if (level == DIAG_WARNING)
        d->n_warnings++;
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
}

static bool
same_file(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The kind of a problem; NULL for formats that are not kinds. The kinds are few (one per message). */
static struct diag_kind *
find_kind(struct diags *d, enum diag_level level, const char *file, const char *fmt)
{
    if (level == DIAG_NOTE || strcmp(fmt, "%s") == 0)
        return NULL;
    for (size_t i = 0; i < d->n_kinds; i++) {
        struct diag_kind *k = &d->kinds[i];
        if (k->fmt == fmt && k->level == level && same_file(k->file, file))
            return k;
    }
    if (d->n_kinds == d->cap_kinds) {
        d->cap_kinds = d->cap_kinds ? 2 * d->cap_kinds : 16;
        d->kinds = xrealloc(d->kinds, d->cap_kinds * sizeof(*d->kinds));
    }
    struct diag_kind *k = &d->kinds[d->n_kinds++];
    memset(k, 0, sizeof(*k));
    k->fmt = fmt;
    k->level = level;
    k->file = file ? xstrdup(file) : NULL;
    return k;
}

void
diag_add(struct diags *d, enum diag_level level, const char *file, unsigned line, unsigned col,
         const char *fmt, ...)
{
    if (level == DIAG_NOTE && d->is_hiding)
        return;
    struct diag_kind *k = find_kind(d, level, file, fmt);
    if (level != DIAG_NOTE)
        count(d, level);
    d->is_hiding = k && ++k->n > DIAG_MAX_OF_KIND;
    if (d->is_hiding) { /* counted, not formatted: a hostile file may have millions */
        if (k->n_hidden++ == 0)
            k->first_hidden = k->last_hidden = line;
        if (line > k->last_hidden)
            k->last_hidden = line;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    struct diag e = {level, file ? xstrdup(file) : NULL, line, col, xvasprintf(_(fmt), ap), 0};
    va_end(ap);
    if (k && k->n == DIAG_MAX_OF_KIND)
        k->last_shown = xstrdup(e.msg);
    push(d, e);
}

/* The line that stands for the problems of kind k not listed. */
static struct diag
summary_of(const struct diag_kind *k)
{
    unsigned long      n = k->n_hidden;
    struct util_quoted shown = util_quote(k->last_shown); /* the text lives in this struct */
    char              *msg;
    if (k->file && k->first_hidden)
        msg = xasprintf(util_translate_plural(
                            "%lu more problem of the same kind, up to line %u, is not listed: \"%s\"",
                            "%lu more problems of the same kind, up to line %u, are not listed: \"%s\"", n),
                        n, k->last_hidden, shown.text);
    else
        msg = xasprintf(util_translate_plural("%lu more problem of the same kind is not listed: \"%s\"",
                                              "%lu more problems of the same kind are not listed: \"%s\"", n),
                        n, shown.text);
    struct diag e = {k->level, k->file ? xstrdup(k->file) : NULL, k->first_hidden, 0, msg, 0};
    return e;
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
    for (size_t i = 0; i < d->n_kinds; i++) {
        if (d->kinds[i].n_hidden) {
            push(d, summary_of(&d->kinds[i]));
            d->kinds[i].n_hidden = 0;
        }
    }
    d->is_hiding = false;
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

static void
format_one(const struct diag *e, struct buf *out)
{
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

void
diags_format(const struct diags *d, struct buf *out)
{
    for (size_t i = 0; i < d->n; i++)
        format_one(&d->v[i], out);
    for (size_t i = 0; i < d->n_kinds; i++) {
        if (d->kinds[i].n_hidden) {
            struct diag e = summary_of(&d->kinds[i]);
            format_one(&e, out);
            free(e.file);
            free(e.msg);
        }
    }
}
