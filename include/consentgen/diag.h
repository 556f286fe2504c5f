/*
 * diag: the list of problems found in the inputs. Modules add to it; only cli
 * prints it, in the GNU form editors can jump to:
 *   FILE:LINE:COL: error: MESSAGE
 */
#ifndef CONSENTGEN_DIAG_H
#define CONSENTGEN_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/util.h"

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag {
    enum diag_level level;
    char           *file; /* path as the user wrote it; NULL: none */
    unsigned        line; /* 1-based; 0: the whole file */
    unsigned        col;  /* 1-based, in characters; 0: the whole line */
    char           *msg;  /* no "error:" prefix, no final period, no newline */
    size_t          seq;  /* order of addition, keeps sorting stable */
};

/* Errors and warnings of one message format in one file, counted for the limit below. */
struct diag_kind {
    const char     *fmt; /* the format as given (a literal: compared by address) */
    enum diag_level level;
    char           *file;
    size_t          n;            /* added so far, shown or not */
    size_t          n_hidden;     /* not listed and not yet summarised */
    unsigned        first_hidden; /* line of the first of them */
    unsigned        last_hidden;  /* the highest line of them */
    char           *last_shown;   /* the message of the last one listed, quoted in the summary */
};

/* After DIAG_MAX_OF_KIND problems of one kind, the rest are counted, not listed (see diag_add). */
#define DIAG_MAX_OF_KIND 10

struct diags {
    struct diag      *v;
    size_t            n, cap, n_errors, n_warnings; /* the counts include problems not listed */
    struct diag_kind *kinds;
    size_t            n_kinds, cap_kinds;
    bool              is_hiding; /* the last error or warning was not listed: nor are its notes */
};

void diags_init(struct diags *d); /* same as = {0} */
void diags_fini(struct diags *d);
/*
 * Adds one problem; fmt is translated (gettext) before formatting. Of each
 * kind (the same fmt, level and file) only the first DIAG_MAX_OF_KIND are
 * kept; the rest count in n_errors/n_warnings and are summarised in one line
 * with their number by diags_sort (1,500 rows with the same mistake give 10
 * messages and "1490 more problems of the same kind ..."). Notes follow the
 * entry before them. A format of only "%s" is never limited: it is not a kind.
 */
void diag_add(struct diags *d, enum diag_level level, const char *file, unsigned line, unsigned col,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/*
 * Adds the summary lines of problems not listed, then sorts by file, then
 * line, then column, keeping the order of addition for equal positions; a
 * note stays right after the entry it belongs to.
 */
void diags_sort(struct diags *d);
/*
 * Appends one line, with a final newline, per entry (and per summary that
 * diags_sort has not added yet). Without a file: "consentgen: error: msg".
 */
void diags_format(const struct diags *d, struct buf *out);

#endif
