/*
 * output: portable file names and atomic writes (temp file in the target
 * folder, fsync, rename), so no half-written file is ever left behind; and the
 * output folder of a run, whose files are all written or none.
 */
#ifndef CONSENTGEN_OUTPUT_H
#define CONSENTGEN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/diag.h"
#include "consentgen/sys.h"
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

/*
 * Makes names unique within one folder, ignoring ASCII case (Windows and
 * macOS see "5a.pdf" and "5A.pdf" as one file): "a", "a_2", "a_3".
 */
struct output_names;
struct output_names *output_names_new(void);
void                 output_names_free(struct output_names *n);
/*
 * Returns a unique variant of base (owned by n). If base was taken, *clash
 * (unless NULL) is the number of the call, from 0, that took it; else SIZE_MAX.
 */
const char *output_names_unique(struct output_names *n, const char *base, size_t *clash);

/* Creates dir and missing parents. False and a diag ("consentgen: error: ...") on failure. */
bool output_make_dir(const char *dir, struct diags *d);

/*
 * Writes data to dir/name atomically: a temp file in dir, fsync, rename.
 * Interrupts are held back meanwhile, so an interrupt can never leave the
 * temp file. On failure nothing is left and a diag says why.
 */
bool output_write_atomic(const char *dir, const char *name, const void *data, size_t len, struct diags *d);

/*
 * The first half of output_write_atomic, for a single file kept private (the
 * consent register): writes data completely to a hidden temp file in dir,
 * readable only by its owner and not yet synced, and returns its path and the
 * final path dir/name (caller frees both; the caller syncs and renames). On
 * failure nothing is left and a diag says why.
 */
bool output_stage_file(const char *dir, const char *name, const void *data, size_t len, char **tmp_path,
                       char **final_path, struct diags *d);

/* ---- a run's output folder, written all or nothing ---- */

/*
 * The file-system calls the output folder of a run is written with (sys.h):
 * output_fs_system() is the real one; a test hands in its own table to make
 * any one call fail and see that the run leaves everything as it was.
 */
struct output_fs {
    bool (*make_folder)(const char *path);
    bool (*remove_folder)(const char *path);
    struct sys_folder *(*folder_open)(const char *path);
    struct sys_folder *(*folder_open_in)(struct sys_folder *in, const char *name);
    void (*folder_close)(struct sys_folder *f);
    bool (*folder_lock)(struct sys_folder *f);
    enum sys_path_kind (*entry_kind)(struct sys_folder *in, const char *name);
    bool (*folder_list)(struct sys_folder *f, void (*fn)(void *ctx, const char *name), void *ctx);
    bool (*make_folder_in)(struct sys_folder *in, const char *name);
    bool (*remove_folder_in)(struct sys_folder *in, const char *name);
    bool (*remove_in)(struct sys_folder *in, const char *name);
    bool (*write_new_file_in)(struct sys_folder *in, char *tmpl, const void *data, size_t len);
    bool (*publish_in)(struct sys_folder *in, const char *name);
    bool (*sync_file_in)(struct sys_folder *in, const char *name);
    bool (*sync_filesystem_of)(struct sys_folder *f);
    bool (*sync_entries)(struct sys_folder *f);
    bool (*rename_in)(struct sys_folder *from_in, const char *from, struct sys_folder *to_in, const char *to);
    bool (*keep_aside)(struct sys_folder *in, const char *name, char *tmpl, bool *moved);
};
const struct output_fs *output_fs_system(void);

/*
 * The output folder of a run (OUT). Files go into OUT itself or into one
 * level of folders in it (OUT/5a); each is named relative to OUT's open
 * folder, and a link inside OUT is never followed (OUT itself may be one).
 * Every folder the run makes is remembered, so a failed run removes it again.
 */
struct output_dir;
/*
 * Opens OUT for writing, making it and its missing parents (as mkdir -p) and
 * taking it for this run alone. fs NULL: output_fs_system(). NULL and a diag
 * on failure, with nothing left behind.
 */
struct output_dir *output_dir_open(const char *path, const struct output_fs *fs, struct diags *d);
/* Opens an existing OUT only to look into it (check); NULL if there is none. */
struct output_dir *output_dir_peek(const char *path, const struct output_fs *fs);
/* Closes od; removes nothing. */
void output_dir_free(struct output_dir *od);
/* "OUT/folder/name" as shown to the user (folder "" is OUT itself, name NULL the folder). Caller frees. */
char *output_dir_show(const struct output_dir *od, const char *folder, const char *name);
/* What name in folder is, without following a link; SYS_PATH_NONE also if folder cannot be opened. */
enum sys_path_kind output_dir_kind(struct output_dir *od, const char *folder, const char *name);
/* Whether another run holds OUT (output_dir_open takes it). */
bool output_dir_is_busy(struct output_dir *od);
/*
 * The names in folder ("" for OUT) that are not hidden (no leading '.'),
 * sorted; *n of them. Caller frees each and the array. NULL if it cannot be read.
 */
char **output_dir_list(struct output_dir *od, const char *folder, size_t *n);
/*
 * Hidden temp files of consentgen's own pattern (".NAME.pdf.XXXXXX") in
 * folder, left by a run that was killed; sorted, *n of them. Caller frees.
 */
char **output_dir_leftovers(struct output_dir *od, const char *folder, size_t *n);

/* Whether name can be written in folder: not if a folder is in its place (a diag says so). */
bool output_dir_check_file(struct output_dir *od, const char *folder, const char *name, struct diags *d);
/* Whether name in OUT can be a folder of the run: missing or a folder, not a link or a file (diag). */
bool output_dir_check_folder(struct output_dir *od, const char *name, struct diags *d);
/*
 * Remembers the temp files that earlier runs left in folder, before the run
 * writes there: output_roll_back removes every other one it then finds, such
 * as the file of a worker that was killed while it wrote.
 */
void output_dir_watch(struct output_dir *od, const char *folder);

/*
 * Makes the folder `name` in OUT unless it is there (remembered for
 * output_roll_back). A link or a file in its place is refused with a diag.
 */
bool output_dir_make_folder(struct output_dir *od, const char *name, struct diags *d);

/*
 * Writes data completely (not yet synced) to a hidden temp file for
 * folder/name, readable only by its owner, and returns the temp file's name
 * (caller frees). NULL and a diag on failure, with nothing left. The caller
 * holds interrupts back until it has recorded the name.
 */
char *output_stage(struct output_dir *od, const char *folder, const char *name, const void *data, size_t len,
                   struct diags *d);

/* Removes one temp file that output_stage made (a worker that cannot report it). */
void output_discard(struct output_dir *od, const char *folder, const char *tmp);

/* One staged file of a run: the temp file `tmp` in folder becomes folder/name. */
struct output_file {
    const char *folder; /* "" : OUT itself */
    const char *tmp;
    const char *name;
};

/*
 * The commit of a whole run, all or nothing. Each file that is replaced is
 * first kept under a hidden name; then one flush of the file system for all
 * the data (syncfs, not an fsync per file), each rename in order, one flush
 * per folder. Only when every file is in place are the old ones dropped, and
 * leftover temp files of earlier, killed runs in these folders removed (a
 * note each). On any failure every old file is put back, every new one and
 * every temp file removed, with every folder the run made: OUT is as before
 * the run, and diags say why.
 */
bool output_commit_all(struct output_dir *od, size_t n, const struct output_file *files, struct diags *d);

/*
 * For a run that fails before its commit: removes the staged files, any
 * other new temp file in a watched folder, and every folder the run made.
 */
void output_roll_back(struct output_dir *od, size_t n, const struct output_file *files, struct diags *d);

#endif
