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

struct diags {
    struct diag *v;
    size_t       n, cap, n_errors, n_warnings;
};

void diags_init(struct diags *d); /* same as = {0} */
void diags_fini(struct diags *d);
void diag_add(struct diags *d, enum diag_level level, const char *file, unsigned line, unsigned col,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/*
 * Sorts by file, then line, then column, keeping the order of addition for
 * equal positions; a note stays right after the entry it belongs to.
 */
void diags_sort(struct diags *d);
/* Appends one line, with a final newline, per entry. Without a file: "consentgen: error: msg". */
void diags_format(const struct diags *d, struct buf *out);

#endif
