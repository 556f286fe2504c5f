/*
 * output: portable file names and atomic writes (temp file in the target
 * folder, fsync, rename), so no half-written file is ever left behind.
 */
#ifndef CONSENTGEN_OUTPUT_H
#define CONSENTGEN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/diag.h"
#include "consentgen/util.h"

/*
 * A portable file-name part of text: ASCII letters, digits, '-' and '_' only;
 * ä->ae, ö->oe, ü->ue, ß->ss (and capitals), other accents dropped, other
 * scripts transliterated (Олена -> Olena), any other run of characters becomes
 * one '_'; never empty, never "." or "..". Caller frees. The namer keeps the
 * transliterator for other scripts, opened on first need, for a whole run.
 */
struct output_namer;
struct output_namer *output_namer_new(void);
void                 output_namer_free(struct output_namer *nm);
char                *output_namer_safe_name(struct output_namer *nm, const char *text);
/* Frees ICU's process-wide caches; call once, after the last namer is freed, before exit. */
void output_cleanup(void);

/* Makes names unique within one folder, ignoring ASCII case: "a", "a_2", "a_3". */
struct output_names;
struct output_names *output_names_new(void);
void                 output_names_free(struct output_names *n);
/* Returns a unique variant of base (owned by n). */
const char *output_names_unique(struct output_names *n, const char *base);

/* Creates dir and missing parents. False and a diag ("consentgen: error: ...") on failure. */
bool output_make_dir(const char *dir, struct diags *d);

/*
 * Writes data to dir/name atomically: a temp file in dir, fsync, rename.
 * Interrupts are held back meanwhile, so an interrupt can never leave the
 * temp file. On failure nothing is left and a diag says why.
 */
bool output_write_atomic(const char *dir, const char *name, const void *data, size_t len, struct diags *d);

/*
 * The two halves of output_write_atomic, for a run that must write all of its
 * files or none: output_stage writes data completely (not yet synced) to a
 * hidden temp file in dir and returns its path and the final path dir/name
 * (caller frees both); output_commit syncs it to disk and renames it into
 * place; output_discard removes it. The caller holds signals back while a
 * temp file is not yet recorded.
 */
bool output_stage(const char *dir, const char *name, const void *data, size_t len, char **tmp_path,
                  char **final_path, struct diags *d);
bool output_commit(const char *tmp_path, const char *final_path, struct diags *d);
void output_discard(const char *tmp_path);

/*
 * output_commit for many staged files, in order: one flush of the file system
 * for all their data (syncfs), then each rename, then one fsync per folder,
 * instead of two fsyncs per file. Stops at the first failure, which is removed
 * and reported; *n_committed files were renamed (the rest are the caller's).
 */
bool output_commit_all(size_t n, char *const *tmp_paths, char *const *final_paths, size_t *n_committed,
                       struct diags *d);

#endif
