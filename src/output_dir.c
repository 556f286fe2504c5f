/*
 * output_dir: the output folder of a run, written all or nothing.
 *
 * OUT is opened once, and every file and folder of the run is reached
 * relative to it (sys.h folders: openat and friends with O_NOFOLLOW), so a
 * symbolic link inside OUT is never followed; OUT itself may be a link. The
 * run holds OUT's lock, so no second run writes into it meanwhile. Workers
 * stage their PDFs as hidden, owner-only temp files (".NAME.pdf.XXXXXX");
 * the commit keeps every file it replaces under a hidden name of the same
 * pattern until all new files are in place, so any failure can put every old
 * file back. Data reaches the disk with one syncfs for the whole run, the
 * renames with one fsync per folder (docs/performance.md). Every call goes
 * through struct output_fs, so a unit test can make each one fail in turn.
 */
#include "consentgen/output.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/sys.h"
#include "output_int.h"

/* ---- the output folder of a run ---------------------------------------------------------------- */

const struct output_fs *
output_fs_system(void)
{
    static const struct output_fs fs = {
        sys_make_folder,  sys_remove_folder,     sys_folder_open, sys_folder_open_in, sys_folder_close,
        sys_folder_lock,  sys_entry_kind,        sys_folder_list, sys_make_folder_in, sys_remove_folder_in,
        sys_remove_in,    sys_write_new_file_in, sys_publish_in,  sys_sync_file_in,   sys_sync_filesystem_of,
        sys_sync_entries, sys_rename_in,         sys_keep_aside,
    };
    return &fs;
}

/* A folder the run writes into, and the temp files that earlier runs left there. */
struct watched {
    char  *folder;
    char **known;
    size_t n_known;
};

struct output_dir {
    const struct output_fs *fs;
    char                   *path; /* as the user wrote it, for messages */
    struct sys_folder      *root;
    char                  **made; /* OUT and its parents, made by this run, in order */
    size_t                  n_made;
    char                  **made_in; /* folders made in OUT by this run, in order */
    size_t                  n_made_in;
    char                   *cur_name; /* the folder used last (cached_folder), kept open */
    struct sys_folder      *cur;
    struct watched         *watched; /* output_dir_watch */
    size_t                  n_watched;
};

static void
free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Removes OUT's parents made by this run, last made first. */
static void
remove_made_parents(struct output_dir *od, struct diags *d)
{
    for (size_t i = od->n_made; i-- > 0;)
        if (!od->fs->remove_folder(od->made[i]) && d)
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove the folder \"%s\" that this run made: %s",
                     od->made[i], strerror(errno));
    free_names(od->made, od->n_made);
    od->made = NULL;
    od->n_made = 0;
}

struct output_dir *
output_dir_open(const char *path, const struct output_fs *fs, struct diags *d)
{
    struct output_dir *od = xcalloc(1, sizeof(*od));
    od->fs = fs ? fs : output_fs_system();
    od->path = xstrdup(path);
    if (!output_make_dirs(od->fs, path, &od->made, &od->n_made, d)) {
        remove_made_parents(od, d);
        output_dir_free(od);
        return NULL;
    }
    od->root = od->fs->folder_open(path);
    if (!od->root) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot open folder \"%s\": %s", *path ? path : ".",
                 strerror(errno));
    } else if (!od->fs->folder_lock(od->root)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "another consentgen run is writing into \"%s\"; wait until it has finished", path);
    } else {
        return od;
    }
    if (od->root)
        od->fs->folder_close(od->root);
    od->root = NULL;
    remove_made_parents(od, d);
    output_dir_free(od);
    return NULL;
}

struct output_dir *
output_dir_peek(const char *path, const struct output_fs *fs)
{
    struct output_dir *od = xcalloc(1, sizeof(*od));
    od->fs = fs ? fs : output_fs_system();
    od->path = xstrdup(path);
    od->root = od->fs->folder_open(path);
    if (!od->root) {
        output_dir_free(od);
        return NULL;
    }
    return od;
}

void
output_dir_free(struct output_dir *od)
{
    if (!od)
        return;
    if (od->cur)
        od->fs->folder_close(od->cur);
    if (od->root)
        od->fs->folder_close(od->root);
    free(od->cur_name);
    for (size_t i = 0; i < od->n_watched; i++) {
        free(od->watched[i].folder);
        free_names(od->watched[i].known, od->watched[i].n_known);
    }
    free(od->watched);
    free_names(od->made, od->n_made);
    free_names(od->made_in, od->n_made_in);
    free(od->path);
    free(od);
}

char *
output_dir_show(const struct output_dir *od, const char *folder, const char *name)
{
    /* Kept, so a failed call's errno can still be reported after its path is made. */
    int   e = errno;
    char *in = *folder ? output_join(od->path, folder) : xstrdup(od->path);
    char *shown = in;
    if (name) {
        shown = output_join(in, name);
        free(in);
    } else if (!*in) {
        free(in);
        shown = xstrdup(".");
    }
    errno = e;
    return shown;
}

bool
output_dir_is_busy(struct output_dir *od)
{
    return sys_folder_is_locked(od->root);
}

/* The folder `folder` of OUT, opened without following a link; NULL (errno set) on failure. */
static struct sys_folder *
open_folder(struct output_dir *od, const char *folder)
{
    return *folder ? od->fs->folder_open_in(od->root, folder) : od->root;
}

static void
close_folder(struct output_dir *od, struct sys_folder *f)
{
    if (f && f != od->root)
        od->fs->folder_close(f);
}

/*
 * The folder `folder` of OUT, kept open for the next call: the checks and
 * the temp files of one folder come one after another. NULL (errno set) on
 * failure.
 */
static struct sys_folder *
cached_folder(struct output_dir *od, const char *folder)
{
    if (!*folder)
        return od->root;
    if (od->cur_name && strcmp(od->cur_name, folder) == 0)
        return od->cur;
    if (od->cur)
        od->fs->folder_close(od->cur);
    free(od->cur_name);
    od->cur_name = NULL;
    od->cur = od->fs->folder_open_in(od->root, folder);
    if (od->cur)
        od->cur_name = xstrdup(folder);
    return od->cur;
}

enum sys_path_kind
output_dir_kind(struct output_dir *od, const char *folder, const char *name)
{
    struct sys_folder *f = cached_folder(od, folder);
    return f ? od->fs->entry_kind(f, name) : SYS_PATH_NONE;
}

struct name_list {
    char **v;
    size_t n;
    bool (*keep)(const char *name);
};

static void
collect_name(void *ctx, const char *name)
{
    struct name_list *l = ctx;
    if (!l->keep(name))
        return;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = xstrdup(name);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
list_folder(struct output_dir *od, const char *folder, bool (*keep)(const char *), size_t *n)
{
    *n = 0;
    struct sys_folder *f = open_folder(od, folder);
    if (!f)
        return NULL;
    struct name_list l = {NULL, 0, keep};
    bool             ok = od->fs->folder_list(f, collect_name, &l);
    close_folder(od, f);
    if (!ok) {
        free_names(l.v, l.n);
        return NULL;
    }
    if (l.n > 1)
        qsort(l.v, l.n, sizeof(*l.v), compare_names);
    *n = l.n;
    return l.v ? l.v : xcalloc(1, sizeof(char *));
}

static bool
is_visible(const char *name)
{
    return name[0] != '.';
}

/* consentgen's temp files: ".NAME.pdf.XXXXXX", six letters or digits (output_stage, output_commit_all). */
static bool
is_own_temp_file(const char *name)
{
    size_t len = strlen(name);
    if (name[0] != '.' || len < 1 + 1 + 4 + 1 + 6 || memcmp(name + len - 11, ".pdf.", 5) != 0)
        return false;
    for (size_t i = len - 6; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9')))
            return false;
    return true;
}

char **
output_dir_list(struct output_dir *od, const char *folder, size_t *n)
{
    return list_folder(od, folder, is_visible, n);
}

char **
output_dir_leftovers(struct output_dir *od, const char *folder, size_t *n)
{
    return list_folder(od, folder, is_own_temp_file, n);
}

void
output_dir_watch(struct output_dir *od, const char *folder)
{
    size_t n = 0;
    char **known = output_dir_leftovers(od, folder, &n);
    od->watched = xrealloc(od->watched, (od->n_watched + 1) * sizeof(*od->watched));
    od->watched[od->n_watched++] = (struct watched){xstrdup(folder), known, n};
}

/* Removes the temp files in watched folders that were not there before the run. */
static void
sweep_new_temp_files(struct output_dir *od, struct diags *d)
{
    for (size_t w = 0; w < od->n_watched; w++) {
        const struct watched *wt = &od->watched[w];
        size_t                n;
        char                **now = output_dir_leftovers(od, wt->folder, &n);
        struct sys_folder    *f = n ? open_folder(od, wt->folder) : NULL;
        for (size_t i = 0; f && i < n; i++) {
            bool known = false;
            for (size_t k = 0; k < wt->n_known && !known; k++)
                known = strcmp(now[i], wt->known[k]) == 0;
            if (!known && !od->fs->remove_in(f, now[i])) {
                char *shown = output_dir_show(od, wt->folder, now[i]);
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove \"%s\": %s", shown, strerror(errno));
                free(shown);
            }
        }
        close_folder(od, f);
        free_names(now, n);
    }
}

/* The error for a folder that cannot be used: a link in its place is named as such. */
static void
report_folder_error(struct output_dir *od, const char *folder, int e, struct diags *d)
{
    char              *shown = output_dir_show(od, folder, NULL);
    enum sys_path_kind kind = od->fs->entry_kind(od->root, folder);
    if (kind == SYS_PATH_LINK)
        diag_add(
            d, DIAG_ERROR, NULL, 0, 0,
            "\"%s\" is a symbolic link; consentgen never writes through a link inside the output folder: "
            "remove the link, or choose another folder with --out",
            shown);
    else if (kind == SYS_PATH_FILE || kind == SYS_PATH_OTHER)
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "cannot create folder \"%s\": a file with that name is in the way", shown);
    else
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create folder \"%s\": %s", shown, strerror(e));
    free(shown);
}

bool
output_dir_check_file(struct output_dir *od, const char *folder, const char *name, struct diags *d)
{
    if (output_dir_kind(od, folder, name) != SYS_PATH_FOLDER)
        return true;
    char *shown = output_dir_show(od, folder, name);
    diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": a folder with that name is in the way", shown);
    free(shown);
    return false;
}

bool
output_dir_check_folder(struct output_dir *od, const char *name, struct diags *d)
{
    enum sys_path_kind kind = od->fs->entry_kind(od->root, name);
    if (kind == SYS_PATH_NONE || kind == SYS_PATH_FOLDER)
        return true;
    report_folder_error(od, name, ENOTDIR, d);
    return false;
}

bool
output_dir_make_folder(struct output_dir *od, const char *name, struct diags *d)
{
    if (!output_is_plain_name(name)) {
        char *shown = output_dir_show(od, name, NULL);
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create folder \"%s\": not a plain file name", shown);
        free(shown);
        return false;
    }
    enum sys_path_kind kind = od->fs->entry_kind(od->root, name);
    if (kind == SYS_PATH_FOLDER)
        return true;
    if (kind == SYS_PATH_NONE && od->fs->make_folder_in(od->root, name)) {
        od->made_in = xrealloc(od->made_in, (od->n_made_in + 1) * sizeof(*od->made_in));
        od->made_in[od->n_made_in++] = xstrdup(name);
        return true;
    }
    report_folder_error(od, name, errno, d);
    return false;
}

char *
output_stage(struct output_dir *od, const char *folder, const char *name, const void *data, size_t len,
             struct diags *d)
{
    char *shown = output_dir_show(od, folder, name);
    if (!output_is_plain_name(name) || (*folder && !output_is_plain_name(folder))) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": not a plain file name", shown);
        free(shown);
        return NULL;
    }
    struct sys_folder *f = cached_folder(od, folder);
    if (!f) {
        report_folder_error(od, folder, errno, d);
        free(shown);
        return NULL;
    }
    /* Hidden, so a reader of the folder never takes the temp file for a finished PDF. */
    char *tmp = xasprintf(".%s.XXXXXX", name);
    /* Synced when committed: one file-system flush for a whole run costs less than an fsync per file. */
    if (!od->fs->write_new_file_in(f, tmp, data, len)) {
        int e = errno;
        output_report_write_error(shown, e, od->fs->entry_kind(f, name) == SYS_PATH_FOLDER, d);
        free(tmp);
        tmp = NULL;
    }
    free(shown);
    return tmp;
}

/* ---- the commit -------------------------------------------------------------------------------- */

/* A folder of the commit; root is OUT's own handle. */
struct commit_folder {
    const char        *name;
    struct sys_folder *f;
};

/* The state of one file of the commit, so any step can be undone. */
struct commit_slot {
    struct sys_folder *f;
    char              *aside;  /* the hidden name the earlier file is kept under; NULL: there was none */
    bool               moved;  /* kept aside by rename: its name is empty until the new file comes */
    bool               staged; /* the temp file is still there */
    bool               in_place;
};

struct commit {
    struct output_dir        *od;
    const struct output_fs   *fs;
    size_t                    n;
    const struct output_file *files;
    struct commit_slot       *slots;
    struct commit_folder     *folders;
    size_t                    n_folders;
};

/* Removes every folder the run made in OUT, last made first; then OUT and its parents if the run made them.
 */
static void
remove_made_folders(struct output_dir *od, struct diags *d)
{
    if (od->cur)
        od->fs->folder_close(od->cur);
    od->cur = NULL;
    free(od->cur_name);
    od->cur_name = NULL;
    for (size_t i = od->n_made_in; i-- > 0;) {
        if (!od->fs->remove_folder_in(od->root, od->made_in[i])) {
            char *shown = output_dir_show(od, od->made_in[i], NULL);
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove the folder \"%s\" that this run made: %s",
                     shown, strerror(errno));
            free(shown);
        }
    }
    free_names(od->made_in, od->n_made_in);
    od->made_in = NULL;
    od->n_made_in = 0;
    if (od->n_made) {
        /* Closed first: a folder that is open cannot be removed everywhere (Windows). */
        od->fs->folder_close(od->root);
        od->root = NULL;
        remove_made_parents(od, d);
    }
}

/* Undoes every step taken, last file first: OUT is as before the run. */
static void
undo(struct commit *c, struct diags *d)
{
    const struct output_fs *fs = c->fs;
    for (size_t i = c->n; i-- > 0;) {
        const struct output_file *file = &c->files[i];
        struct commit_slot       *s = &c->slots[i];
        if (!s->f) {
            /* Its folder could not be opened in step 1: one more try, for the temp file. */
            struct sys_folder *f = open_folder(c->od, file->folder);
            if (!f || !fs->remove_in(f, file->tmp)) {
                char *tmp = output_dir_show(c->od, file->folder, file->tmp);
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove \"%s\": %s", tmp, strerror(errno));
                free(tmp);
            }
            close_folder(c->od, f);
            continue;
        }
        char *shown = output_dir_show(c->od, file->folder, file->name);
        if (s->in_place && !s->aside && !fs->remove_in(s->f, file->name))
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove \"%s\": %s", shown, strerror(errno));
        if (s->staged && !fs->remove_in(s->f, file->tmp)) {
            char *tmp = output_dir_show(c->od, file->folder, file->tmp);
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove \"%s\": %s", tmp, strerror(errno));
            free(tmp);
        }
        if (s->aside) {
            /* A rename back replaces the new file in one step; a second name that was only a link just goes.
             */
            char *aside = output_dir_show(c->od, file->folder, s->aside);
            if (s->in_place || s->moved) {
                if (!fs->rename_in(s->f, s->aside, s->f, file->name))
                    diag_add(d, DIAG_ERROR, NULL, 0, 0,
                             "cannot put back \"%s\": %s; the earlier file is kept as \"%s\"", shown,
                             strerror(errno), aside);
            } else if (!fs->remove_in(s->f, s->aside)) {
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove \"%s\": %s", aside, strerror(errno));
            }
            free(aside);
        }
        free(shown);
    }
}

static void
commit_fini(struct commit *c)
{
    for (size_t k = 0; k < c->n_folders; k++)
        if (c->folders[k].f != c->od->root)
            c->fs->folder_close(c->folders[k].f);
    for (size_t i = 0; i < c->n; i++)
        free(c->slots[i].aside);
    free(c->slots);
    free(c->folders);
}

/* Step 1: opens each folder once, without following a link. */
static bool
open_folders(struct commit *c, struct diags *d)
{
    for (size_t i = 0; i < c->n; i++) {
        const char *name = c->files[i].folder;
        size_t      k = c->n_folders;
        /* The files of one folder come together, so the search is short. */
        while (k-- > 0 && strcmp(c->folders[k].name, name) != 0)
            ;
        if (k == SIZE_MAX) {
            struct sys_folder *f = open_folder(c->od, name);
            if (!f) {
                report_folder_error(c->od, name, errno, d);
                return false;
            }
            c->folders = xrealloc(c->folders, (c->n_folders + 1) * sizeof(*c->folders));
            c->folders[c->n_folders++] = (struct commit_folder){name, f};
            k = c->n_folders - 1;
        }
        c->slots[i].f = c->folders[k].f;
    }
    return true;
}

/* Step 3: keeps every file that will be replaced under a hidden name of the temp files' pattern. */
static bool
keep_old_files(struct commit *c, struct diags *d)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct output_file *file = &c->files[i];
        struct commit_slot       *s = &c->slots[i];
        enum sys_path_kind        kind = c->fs->entry_kind(s->f, file->name);
        if (kind == SYS_PATH_NONE)
            continue;
        char *shown = output_dir_show(c->od, file->folder, file->name);
        bool  ok = kind != SYS_PATH_FOLDER;
        if (!ok) {
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": a folder with that name is in the way",
                     shown);
        } else {
            char *aside = xasprintf(".%s.XXXXXX", file->name);
            ok = c->fs->keep_aside(s->f, file->name, aside, &s->moved);
            if (ok)
                s->aside = aside;
            else {
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot replace \"%s\": %s", shown, strerror(errno));
                free(aside);
            }
        }
        free(shown);
        if (!ok)
            return false;
    }
    return true;
}

/* Step 4: each new file into place, in order. */
static bool
rename_new_files(struct commit *c, bool synced, struct diags *d)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct output_file *file = &c->files[i];
        struct commit_slot       *s = &c->slots[i];
        /* Without the one flush, each file is synced on its own. */
        bool ok = (synced || c->fs->sync_file_in(s->f, file->tmp)) && c->fs->publish_in(s->f, file->tmp) &&
                  c->fs->rename_in(s->f, file->tmp, s->f, file->name);
        if (!ok) {
            int   e = errno;
            char *shown = output_dir_show(c->od, file->folder, file->name);
            output_report_write_error(shown, e, c->fs->entry_kind(s->f, file->name) == SYS_PATH_FOLDER, d);
            free(shown);
            return false;
        }
        s->staged = false;
        s->in_place = true;
    }
    return true;
}

/* Step 5: the renames reach the disk with their folders. */
static bool
sync_folders(struct commit *c, struct diags *d)
{
    for (size_t k = 0; k < c->n_folders; k++) {
        if (!c->fs->sync_entries(c->folders[k].f)) {
            char *shown = output_dir_show(c->od, c->folders[k].name, NULL);
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot save the folder \"%s\" to disk: %s", shown,
                     strerror(errno));
            free(shown);
            return false;
        }
    }
    return true;
}

/* Step 6, all new files in place: the earlier ones go, and temp files that killed runs left behind. */
static void
drop_old_files(struct commit *c, struct diags *d)
{
    for (size_t i = 0; i < c->n; i++) {
        struct commit_slot *s = &c->slots[i];
        if (!s->aside)
            continue;
        if (c->fs->remove_in(s->f, s->aside)) {
            free(s->aside);
            s->aside = NULL;
            continue;
        }
        char *shown = output_dir_show(c->od, c->files[i].folder, s->aside);
        diag_add(
            d, DIAG_WARNING, NULL, 0, 0,
            "cannot remove \"%s\", a hidden copy of the file this run replaced: %s; the next run removes it",
            shown, strerror(errno));
        free(shown);
    }
    for (size_t k = 0; k < c->n_folders; k++) {
        struct name_list l = {NULL, 0, is_own_temp_file};
        if (!c->fs->folder_list(c->folders[k].f, collect_name, &l)) {
            free_names(l.v, l.n);
            continue;
        }
        if (l.n > 1)
            qsort(l.v, l.n, sizeof(*l.v), compare_names);
        for (size_t j = 0; j < l.n; j++) {
            char *shown = output_dir_show(c->od, c->folders[k].name, l.v[j]);
            bool  own = false;
            for (size_t i = 0; i < c->n && !own; i++)
                own = c->slots[i].aside && c->slots[i].f == c->folders[k].f &&
                      strcmp(c->slots[i].aside, l.v[j]) == 0;
            /* A hidden copy that could not be removed is reported above. */
            if (own)
                ;
            else if (c->fs->remove_in(c->folders[k].f, l.v[j]))
                diag_add(d, DIAG_NOTE, NULL, 0, 0,
                         "removed \"%s\", a temporary file that an earlier run left when it was stopped",
                         shown);
            else
                diag_add(d, DIAG_WARNING, NULL, 0, 0,
                         "cannot remove \"%s\", a temporary file that an earlier run left: %s", shown,
                         strerror(errno));
            free(shown);
        }
        free_names(l.v, l.n);
    }
}

bool
output_commit_all(struct output_dir *od, size_t n, const struct output_file *files, struct diags *d)
{
    struct commit c = {od, od->fs, n, files, xcalloc(n + 1, sizeof(struct commit_slot)), NULL, 0};
    for (size_t i = 0; i < n; i++)
        c.slots[i].staged = true;
    /* The temp files were written by workers: this process has not seen their folders yet. */
    bool ok = open_folders(&c, d);
    /*
     * Step 2: one journal commit for all the data instead of one per file (an
     * fsync costs milliseconds on a disk). A folder is a mount point only
     * rarely, so the second and later flushes find nothing left to do.
     */
    bool synced = ok && c.n_folders > 0;
    for (size_t k = 0; synced && k < c.n_folders; k++)
        synced = c.fs->sync_filesystem_of(c.folders[k].f);
    ok = ok && keep_old_files(&c, d) && rename_new_files(&c, synced, d) && sync_folders(&c, d);
    if (ok)
        drop_old_files(&c, d);
    else
        undo(&c, d);
    commit_fini(&c);
    if (!ok)
        remove_made_folders(od, d);
    return ok;
}

void
output_discard(struct output_dir *od, const char *folder, const char *tmp)
{
    struct sys_folder *f = open_folder(od, folder);
    if (f)
        od->fs->remove_in(f, tmp);
    close_folder(od, f);
}

void
output_roll_back(struct output_dir *od, size_t n, const struct output_file *files, struct diags *d)
{
    for (size_t i = 0; i < n; i++) {
        struct sys_folder *f = open_folder(od, files[i].folder);
        if (!f || !od->fs->remove_in(f, files[i].tmp)) {
            char *shown = output_dir_show(od, files[i].folder, files[i].tmp);
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot remove \"%s\": %s", shown, strerror(errno));
            free(shown);
        }
        close_folder(od, f);
    }
    sweep_new_temp_files(od, d);
    remove_made_folders(od, d);
}
