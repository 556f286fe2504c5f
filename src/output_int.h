/* Shared by output.c and output_dir.c. */
#ifndef CONSENTGEN_OUTPUT_INT_H
#define CONSENTGEN_OUTPUT_INT_H

#include <stdbool.h>

#include "consentgen/diag.h"
#include "consentgen/output.h"

/* mkdir -p; each folder it makes is appended to *made (*n_made of them) unless made is NULL. */
bool output_make_dirs(const struct output_fs *fs, const char *dir, char ***made, size_t *n_made,
                      struct diags *d);
/* Not empty, no '/', not "." or "..". */
bool output_is_plain_name(const char *name);
/* dir/name, or name alone for the current folder (dir ""). Caller frees. */
char *output_join(const char *dir, const char *name);
/* "cannot write ...": the errno e, or a folder in the way. */
void output_report_write_error(const char *shown, int e, bool folder_there, struct diags *d);

#endif
