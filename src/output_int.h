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

/*
 * The transliteration of other scripts to Latin for file names, one file per
 * way of doing it: ICU's "Any-Latin" (output_translit_icu.c, Linux) or a table
 * generated from it (output_translit_table.c, Windows, where ICU's data would
 * add 30 MB to the program). Latin transliteration of s (UTF-8), accents kept
 * so that German spelling still applies; caller frees; NULL on failure. *t is
 * opened on first use and kept for the next call.
 */
struct output_translit;
char *output_translit_latin(struct output_translit **t, const char *s);
void  output_translit_free(struct output_translit *t);
/* Frees what the library keeps for the whole process (ICU's data). */
void output_translit_cleanup(void);

#endif
