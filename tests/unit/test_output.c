/* Unit tests for output: portable file names, unique names, folders and atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consentgen/diag.h"
#include "consentgen/output.h"
#include "consentgen/sys.h"
#include "consentgen/util.h"
#include "test_support.h"

static void
expect_safe(const char *in, const char *want)
{
    struct output_namer *nm = output_namer_new();
    char                *got = output_namer_safe_name(nm, in);
    output_namer_free(nm);
    if (strcmp(got, want) != 0)
        fail_msg("output_namer_safe_name(\"%s\") = \"%s\", want \"%s\"", in, got, want);
    free(got);
}

static void
test_output_safe_name_spells_german_letters_out(void **state)
{
    (void)state;
    expect_safe("Müller", "Mueller");
    expect_safe("Öztürk", "Oeztuerk");
    expect_safe("Ärger Übel", "Aerger_Uebel");
    expect_safe("Groß", "Gross");
    expect_safe("GROẞ", "GROSS");
    /* Decomposed input (a + combining diaeresis) is the same name. */
    expect_safe("Mu\xcc\x88ller", "Mueller");
}

static void
test_output_safe_name_drops_other_accents(void **state)
{
    (void)state;
    expect_safe("Şahin", "Sahin");
    expect_safe("Łukasz", "Lukasz");
    expect_safe("Nguyễn", "Nguyen");
    expect_safe("Dvořák", "Dvorak");
    expect_safe("Søren Ærø", "Soren_Aero");
    expect_safe("Đorđević", "Dordevic");
    expect_safe("Yılmaz", "Yilmaz");
    expect_safe("İlkay", "Ilkay");
    expect_safe("Œuvre", "Oeuvre");
}

static void
test_output_safe_name_transliterates_other_scripts(void **state)
{
    (void)state;
    expect_safe("Olena Ковальчук", "Olena_Kovalcuk"); /* ISO 9: ч -> č -> c */
    expect_safe("Коваленко Олена", "Kovalenko_Olena");
    expect_safe("Παπαδόπουλος Γιώργος", "Papadopoulos_Giorgos");
    expect_safe("محمد", "mhmd");
    expect_safe("Müller Олена", "Mueller_Olena");
    expect_safe("\xE2\x98\x83", "unbenannt"); /* a snowman is no letter */
}

static void
test_output_namer_reuses_its_transliterator(void **state)
{
    (void)state;
    struct output_namer *nm = output_namer_new();
    for (int i = 0; i < 3; i++) {
        char *name = output_namer_safe_name(nm, "Олена");
        assert_string_equal(name, "Olena");
        free(name);
    }
    output_namer_free(nm);
    output_namer_free(NULL);
}

static void
test_output_safe_name_cannot_leave_the_folder(void **state)
{
    (void)state;
    expect_safe("../../x", "x");
    expect_safe("a/b", "a_b");
    expect_safe("..", "unbenannt");
    expect_safe(".", "unbenannt");
    expect_safe("/etc/passwd", "etc_passwd");
    expect_safe("a\\b", "a_b");
}

static void
test_output_safe_name_collapses_separators(void **state)
{
    (void)state;
    expect_safe("", "unbenannt");
    expect_safe("   ", "unbenannt");
    expect_safe("Mueller, Anna", "Mueller_Anna");
    expect_safe("  van  der   Berg  ", "van_der_Berg");
    expect_safe("a__b", "a_b");
    expect_safe("_a_", "a");
    expect_safe("Meyer-Lüdenscheidt", "Meyer-Luedenscheidt");
    expect_safe("-rf", "rf");
    expect_safe("5a", "5a");
    expect_safe("O'Brien", "O_Brien");
    expect_safe("tab\there\nnew\x01line\x7f", "tab_here_new_line");
    expect_safe("bad\xff\xfe"
                "byte",
                "bad_byte");
}

static void
test_output_safe_name_cuts_long_names(void **state)
{
    (void)state;
    char long_name[400];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    struct output_namer *nm = output_namer_new();
    char                *got = output_namer_safe_name(nm, long_name);
    output_namer_free(nm);
    assert_int_equal(strlen(got), 120);
    free(got);
}

static void
test_output_names_unique_ignores_case(void **state)
{
    (void)state;
    struct output_names *n = output_names_new();
    size_t               clash;
    assert_string_equal(output_names_unique(n, "Mueller_Anna", &clash), "Mueller_Anna");
    assert_true(clash == SIZE_MAX);
    assert_string_equal(output_names_unique(n, "Mueller_Anna", &clash), "Mueller_Anna_2");
    assert_int_equal(clash, 0);
    assert_string_equal(output_names_unique(n, "mueller_anna", &clash), "mueller_anna_3");
    assert_int_equal(clash, 0); /* the call that took the name first */
    assert_string_equal(output_names_unique(n, "Schmidt_Tom", &clash), "Schmidt_Tom");
    assert_true(clash == SIZE_MAX);
    /* A real "X_2" arriving after a generated one still gets a free name. */
    assert_string_equal(output_names_unique(n, "Mueller_Anna_2", &clash), "Mueller_Anna_2_2");
    assert_int_equal(clash, 1);
    assert_string_equal(output_names_unique(n, "5A", NULL), "5A");
    output_names_free(n);
    output_names_free(NULL);
}

/* ---- file system ---------------------------------------------------------------------------- */

struct tmp {
    char dir[64];
};

static int
setup_tmp(void **state)
{
    struct tmp *t = xcalloc(1, sizeof *t);
    strcpy(t->dir, "/tmp/cg-test-output-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    *state = t;
    return 0;
}

static int
teardown_tmp(void **state)
{
    struct tmp *t = *state;
    char       *cmd = xasprintf("rm -rf '%s'", t->dir);
    int         rc = system(cmd);
    free(cmd);
    free(t);
    return rc == 0 ? 0 : -1;
}

/* The names in dir, sorted, one per line. */
static char *
list_dir(const char *dir)
{
    struct dirent **ents;
    int             n = scandir(dir, &ents, NULL, alphasort);
    struct buf      b;
    buf_init(&b);
    buf_puts(&b, "");
    for (int i = 0; i < n; i++) {
        if (strcmp(ents[i]->d_name, ".") != 0 && strcmp(ents[i]->d_name, "..") != 0)
            buf_printf(&b, "%s\n", ents[i]->d_name);
        free(ents[i]);
    }
    free(ents);
    return buf_detach(&b);
}

static char *
formatted(const struct diags *d)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "");
    diags_format(d, &b);
    return buf_detach(&b);
}

static void
test_output_make_dir_creates_parents(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    char        *dir = xasprintf("%s/out/5a/", t->dir);
    assert_true(output_make_dir(dir, &d));
    assert_true(output_make_dir(dir, &d)); /* existing: fine */
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(d.n, 0);
    free(dir);
}

static void
test_output_make_dir_reports_file_in_the_way(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    char        *file = xasprintf("%s/out", t->dir);
    FILE        *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    char *dir = xasprintf("%s/out/5a", t->dir);
    assert_false(output_make_dir(dir, &d));
    char *msg = formatted(&d);
    char *want = xasprintf(
        "consentgen: error: cannot create folder \"%s\": a file with that name is in the way\n", dir);
    assert_string_equal(msg, want);
    free(want);
    free(msg);
    free(dir);
    free(file);
    diags_fini(&d);
}

static void
test_output_write_atomic_writes_content_and_mode(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    const char   data[] = "%PDF-1.4 hello\n";
    mode_t       old = umask(022);
    assert_true(output_write_atomic(t->dir, "5a.pdf", data, sizeof data - 1, &d));
    assert_int_equal(d.n, 0);

    char  *path = xasprintf("%s/5a.pdf", t->dir);
    char  *got;
    size_t len;
    assert_true(util_read_file(path, 1000, &got, &len));
    assert_int_equal(len, sizeof data - 1);
    assert_memory_equal(got, data, len);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    free(got);

    /* Replacing an existing file; umask 027 gives 0640. */
    umask(027);
    assert_true(output_write_atomic(t->dir, "5a.pdf", "new", 3, &d));
    assert_true(util_read_file(path, 1000, &got, &len));
    assert_int_equal(len, 3);
    assert_memory_equal(got, "new", 3);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    umask(old);

    char *names = list_dir(t->dir);
    assert_string_equal(names, "5a.pdf\n"); /* no temp file left */
    free(names);
    free(got);
    free(path);
}

static void
test_output_write_atomic_accepts_empty_data(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    assert_true(output_write_atomic(t->dir, "empty.pdf", "", 0, &d));
    char *names = list_dir(t->dir);
    assert_string_equal(names, "empty.pdf\n");
    free(names);
}

static void
test_output_write_atomic_fails_when_folder_is_missing(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    char        *dir = xasprintf("%s/missing", t->dir);
    assert_false(output_write_atomic(dir, "5a.pdf", "x", 1, &d));
    char *msg = formatted(&d);
    char *want = xasprintf("consentgen: error: cannot write \"%s/5a.pdf\": No such file or directory\n", dir);
    assert_string_equal(msg, want);
    char *names = list_dir(t->dir);
    assert_string_equal(names, "");
    free(names);
    free(want);
    free(msg);
    free(dir);
    diags_fini(&d);
}

static void
test_output_write_atomic_fails_when_target_is_a_folder(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    char        *target = xasprintf("%s/5a.pdf", t->dir);
    assert_int_equal(mkdir(target, 0777), 0);
    char *inner = xasprintf("%s/keep", target);
    assert_int_equal(mkdir(inner, 0777), 0);

    assert_false(output_write_atomic(t->dir, "5a.pdf", "x", 1, &d));
    char *msg = formatted(&d);
    char *want =
        xasprintf("consentgen: error: cannot write \"%s\": a folder with that name is in the way\n", target);
    assert_string_equal(msg, want);
    char *names = list_dir(t->dir);
    assert_string_equal(names, "5a.pdf\n"); /* only the folder: the temp file is gone */
    free(names);
    free(want);
    free(msg);
    free(inner);
    free(target);
    diags_fini(&d);
}

static void
test_output_write_atomic_rejects_names_with_slash(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    assert_false(output_write_atomic(t->dir, "../x.pdf", "x", 1, &d));
    assert_int_equal(d.n_errors, 1);
    char *names = list_dir(t->dir);
    assert_string_equal(names, "");
    free(names);
    diags_fini(&d);
}

static void
test_output_write_atomic_restores_signal_mask(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    sigset_t     before, after;
    sigemptyset(&before);
    sigaddset(&before, SIGUSR1);
    sigprocmask(SIG_SETMASK, &before, NULL);
    assert_true(output_write_atomic(t->dir, "a.pdf", "x", 1, &d));
    sigprocmask(SIG_SETMASK, NULL, &after);
    assert_true(sigismember(&after, SIGUSR1));
    assert_false(sigismember(&after, SIGINT));
    assert_false(sigismember(&after, SIGTERM));
    sigemptyset(&before);
    sigprocmask(SIG_SETMASK, &before, NULL);
}

/* ---- the output folder of a run ------------------------------------------------------------------ */

/* Writes a file (mode 0644) with the given text; the folders on its path must exist. */
static void
put_file(const char *dir, const char *rel, const char *text)
{
    char *path = xasprintf("%s/%s", dir, rel);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(chmod(path, 0644), 0);
    free(path);
}

static void
put_dir(const char *dir, const char *rel)
{
    char *path = xasprintf("%s/%s", dir, rel);
    assert_int_equal(mkdir(path, 0755), 0);
    free(path);
}

/* Every entry under dir, recursively and sorted: kind, mode, and a file's bytes or a link's target. */
static void
snapshot_into(const char *dir, const char *rel, bool hidden, struct buf *b)
{
    struct dirent **ents;
    int             n = scandir(dir, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && (hidden || name[0] != '.')) {
            char       *path = xasprintf("%s/%s", dir, name);
            char       *sub = xasprintf("%s%s%s", rel, *rel ? "/" : "", name);
            struct stat st;
            assert_int_equal(lstat(path, &st), 0);
            if (S_ISDIR(st.st_mode)) {
                buf_printf(b, "%s/ %o\n", sub, (unsigned)(st.st_mode & 07777));
                snapshot_into(path, sub, hidden, b);
            } else if (S_ISLNK(st.st_mode)) {
                char    target[256];
                ssize_t len = readlink(path, target, sizeof target - 1);
                assert_true(len >= 0);
                target[len] = '\0';
                buf_printf(b, "%s -> %s\n", sub, target);
            } else {
                char  *data;
                size_t len;
                assert_true(util_read_file(path, 1 << 20, &data, &len));
                buf_printf(b, "%s %o \"%.*s\"\n", sub, (unsigned)(st.st_mode & 07777), (int)len, data);
                free(data);
            }
            free(sub);
            free(path);
        }
        free(ents[i]);
    }
    free(ents);
}

static char *
snapshot(const char *dir, bool hidden)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "");
    snapshot_into(dir, "", hidden, &b);
    return buf_detach(&b);
}

/*
 * The fault-injection seam: the real calls, except that the call numbered
 * fail_at (counting from 1, over every call that can fail) fails with EIO.
 */
static unsigned fault_calls, fault_at;
static bool     keep_aside_by_moving; /* as on a file system without hard links (FAT) */

static bool
fault(void)
{
    if (++fault_calls != fault_at)
        return false;
    errno = EIO;
    return true;
}

static bool
f_make_folder(const char *path)
{
    return !fault() && sys_make_folder(path);
}
static bool
f_remove_folder(const char *path)
{
    return !fault() && sys_remove_folder(path);
}
static struct sys_folder *
f_folder_open(const char *path)
{
    return fault() ? NULL : sys_folder_open(path);
}
static struct sys_folder *
f_folder_open_in(struct sys_folder *in, const char *name)
{
    return fault() ? NULL : sys_folder_open_in(in, name);
}
static bool
f_folder_lock(struct sys_folder *f)
{
    return !fault() && sys_folder_lock(f);
}
static bool
f_folder_list(struct sys_folder *f, void (*fn)(void *ctx, const char *name), void *ctx)
{
    return !fault() && sys_folder_list(f, fn, ctx);
}
static bool
f_make_folder_in(struct sys_folder *in, const char *name)
{
    return !fault() && sys_make_folder_in(in, name);
}
static bool
f_remove_folder_in(struct sys_folder *in, const char *name)
{
    return !fault() && sys_remove_folder_in(in, name);
}
static bool
f_remove_in(struct sys_folder *in, const char *name)
{
    return !fault() && sys_remove_in(in, name);
}
static bool
f_write_new_file_in(struct sys_folder *in, char *tmpl, const void *data, size_t len)
{
    return !fault() && sys_write_new_file_in(in, tmpl, data, len);
}
static bool
f_publish_in(struct sys_folder *in, const char *name)
{
    return !fault() && sys_publish_in(in, name);
}
static bool
f_sync_file_in(struct sys_folder *in, const char *name)
{
    return !fault() && sys_sync_file_in(in, name);
}
static bool
f_sync_filesystem_of(struct sys_folder *f)
{
    return !fault() && sys_sync_filesystem_of(f);
}
static bool
f_sync_entries(struct sys_folder *f)
{
    return !fault() && sys_sync_entries(f);
}
static bool
f_rename_in(struct sys_folder *from_in, const char *from, struct sys_folder *to_in, const char *to)
{
    return !fault() && sys_rename_in(from_in, from, to_in, to);
}
static bool
f_keep_aside(struct sys_folder *in, const char *name, char *tmpl, bool *moved)
{
    if (fault())
        return false;
    if (!keep_aside_by_moving)
        return sys_keep_aside(in, name, tmpl, moved);
    memcpy(tmpl + strlen(tmpl) - 6, "Moved1", 6);
    *moved = true;
    return sys_rename_in(in, name, in, tmpl);
}

static const struct output_fs FAULTY_FS = {
    f_make_folder,  f_remove_folder,     f_folder_open, f_folder_open_in, sys_folder_close,
    f_folder_lock,  sys_entry_kind,      f_folder_list, f_make_folder_in, f_remove_folder_in,
    f_remove_in,    f_write_new_file_in, f_publish_in,  f_sync_file_in,   f_sync_filesystem_of,
    f_sync_entries, f_rename_in,         f_keep_aside,
};

/*
 * What a run finds: OUT with last year's class file, a link where a class
 * file goes, a class folder with a pupil's file and a note of the secretary,
 * a temp file that a killed run left, and a file outside OUT that the link
 * points to.
 */
static void
make_school_folder(const char *dir)
{
    put_dir(dir, "out");
    put_file(dir, "out/5a.pdf", "old 5a");
    put_file(dir, "elsewhere.txt", "not ours");
    char *link = xasprintf("%s/out/6b.pdf", dir);
    assert_int_equal(symlink("../elsewhere.txt", link), 0);
    free(link);
    put_dir(dir, "out/5a");
    put_file(dir, "out/5a/Mueller_Anna.pdf", "old Anna");
    put_file(dir, "out/5a/Notiz.txt", "keep");
    put_file(dir, "out/.7c.pdf.Ab12Cd", "left by a killed run");
}

/* A run over the output folder `out` in dir: open, make a folder, stage five files, commit. */
static bool
run_once(const char *dir, const char *out, const struct output_fs *fs, struct diags *d)
{
    static const struct {
        const char *folder, *name, *data;
    } files[] = {
        {"", "5a.pdf", "new 5a"},
        {"5a", "Mueller_Anna.pdf", "new Anna"},
        {"5a", "Schmidt_Tom.pdf", "new Tom"},
        {"", "6b.pdf", "new 6b"},
        {"6b", "Yilmaz_Ilayda.pdf", "new Ilayda"},
    };
    enum { N = sizeof files / sizeof files[0] };
    char              *path = xasprintf("%s/%s", dir, out);
    struct output_dir *od = output_dir_open(path, fs, d);
    free(path);
    if (!od)
        return false;
    struct output_file staged[N];
    char              *tmps[N] = {0};
    size_t             n = 0;
    bool               ok = output_dir_make_folder(od, "5a", d) && output_dir_make_folder(od, "6b", d);
    if (ok) {
        output_dir_watch(od, "");
        output_dir_watch(od, "5a");
        output_dir_watch(od, "6b");
    }
    while (ok && n < N) {
        tmps[n] = output_stage(od, files[n].folder, files[n].name, files[n].data, strlen(files[n].data), d);
        staged[n] = (struct output_file){files[n].folder, tmps[n], files[n].name};
        if ((ok = tmps[n] != NULL))
            n++;
    }
    if (ok)
        ok = output_commit_all(od, n, staged, d);
    else
        output_roll_back(od, n, staged, d);
    output_dir_free(od);
    for (size_t i = 0; i < N; i++)
        free(tmps[i]);
    return ok;
}

static void
empty_folder(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s' && mkdir '%s'", dir, dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

/* Whether every hidden entry listed in a snapshot is a temp file of consentgen's pattern. */
static bool
only_temp_files_hidden(const char *snap)
{
    for (const char *line = snap; *line; line = strchr(line, '\n') + 1) {
        const char *name = line, *end = strchr(line, ' ');
        for (const char *p = line; p < end; p++)
            if (*p == '/')
                name = p + 1;
        if (*name == '.' && (end - name < 12 || memcmp(end - 11, ".pdf.", 5) != 0))
            return false;
    }
    return true;
}

/*
 * Fails each call of a run in turn (the seam counts them), for every one:
 * a run that fails leaves dir byte for byte as it was, with an error; a run
 * that succeeds anyway (the fault came after every file was in place) has
 * every file in place, and at most a hidden temp file left.
 */
static void
fail_every_step(const char *dir, const char *out, void (*prepare)(const char *))
{
    struct diags d = {0};
    empty_folder(dir);
    prepare(dir);
    fault_calls = fault_at = 0;
    assert_true(run_once(dir, out, &FAULTY_FS, &d));
    assert_int_equal(d.n_errors + d.n_warnings, 0);
    diags_fini(&d);
    char    *want = snapshot(dir, true), *want_visible = snapshot(dir, false);
    unsigned n_calls = fault_calls, n_failed = 0;
    for (unsigned k = 1; k <= n_calls; k++) {
        empty_folder(dir);
        prepare(dir);
        char *before = snapshot(dir, true);
        fault_calls = 0;
        fault_at = k;
        bool  ok = run_once(dir, out, &FAULTY_FS, &d);
        char *after = snapshot(dir, true), *visible = snapshot(dir, false);
        if (!ok && d.n_errors == 0)
            fail_msg("call %u of %u failed: no error reported", k, n_calls);
        if (!ok && strcmp(before, after) != 0)
            fail_msg("call %u of %u failed: the folder is not as before.\nbefore:\n%safter:\n%s", k, n_calls,
                     before, after);
        if (ok && (strcmp(visible, want_visible) != 0 || !only_temp_files_hidden(after)))
            fail_msg("call %u of %u failed, the run went on: not every file is in place.\nwant:\n%sgot:\n%s",
                     k, n_calls, want, after);
        n_failed += !ok;
        free(visible);
        free(after);
        free(before);
        test_format_and_free_diags(&d);
    }
    /* A test that never makes a run fail proves nothing. */
    if (n_failed < 20)
        fail_msg("only %u of %u faults made the run fail", n_failed, n_calls);
    fault_at = 0;
    free(want_visible);
    free(want);
}

static void
test_output_run_fails_at_any_step_and_leaves_all_as_before(void **state)
{
    struct tmp *t = *state;
    mode_t      old = umask(022);
    keep_aside_by_moving = false;
    fail_every_step(t->dir, "out", make_school_folder);
    umask(old);
}

static void
test_output_run_without_hard_links_fails_at_any_step_and_leaves_all_as_before(void **state)
{
    struct tmp *t = *state;
    mode_t      old = umask(022);
    keep_aside_by_moving = true;
    fail_every_step(t->dir, "out", make_school_folder);
    keep_aside_by_moving = false;
    umask(old);
}

static void
make_nothing(const char *dir)
{
    put_file(dir, "elsewhere.txt", "not ours");
}

static void
test_output_run_into_new_folders_fails_at_any_step_and_removes_them(void **state)
{
    struct tmp *t = *state;
    mode_t      old = umask(022);
    /* --out new/deeper/out: every folder of the path is made, and removed again after a failure. */
    fail_every_step(t->dir, "new/deeper/out", make_nothing);
    umask(old);
}

static void
test_output_commit_all_replaces_files_and_links_and_removes_leftovers(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    mode_t       old = umask(022);
    make_school_folder(t->dir);
    assert_true(run_once(t->dir, "out", NULL, &d));
    char *got = snapshot(t->dir, true);
    /* The link is replaced by the file, its target left alone; nothing hidden is left. */
    assert_string_equal(got, "elsewhere.txt 644 \"not ours\"\n"
                             "out/ 755\n"
                             "out/5a/ 755\n"
                             "out/5a/Mueller_Anna.pdf 644 \"new Anna\"\n"
                             "out/5a/Notiz.txt 644 \"keep\"\n"
                             "out/5a/Schmidt_Tom.pdf 644 \"new Tom\"\n"
                             "out/5a.pdf 644 \"new 5a\"\n"
                             "out/6b/ 755\n"
                             "out/6b/Yilmaz_Ilayda.pdf 644 \"new Ilayda\"\n"
                             "out/6b.pdf 644 \"new 6b\"\n");
    char *msg = formatted(&d);
    char *want = xasprintf("consentgen: note: removed \"%s/out/.7c.pdf.Ab12Cd\", a temporary file that an "
                           "earlier run left when it was stopped\n",
                           t->dir);
    assert_string_equal(msg, want);
    umask(old);
    free(want);
    free(msg);
    free(got);
    diags_fini(&d);
}

static void
test_output_stage_hides_the_file_until_commit(void **state)
{
    struct tmp        *t = *state;
    struct diags       d = {0};
    mode_t             old = umask(022);
    struct output_dir *od = output_dir_open(t->dir, NULL, &d);
    assert_non_null(od);
    char *tmp = output_stage(od, "", "5a.pdf", "%PDF-", 5, &d);
    assert_non_null(tmp);
    /* Hidden and private: ".5a.pdf.XXXXXX", mode 0600. */
    char *names = list_dir(t->dir);
    assert_int_equal(strncmp(names, ".5a.pdf.", 8), 0);
    assert_int_equal(strlen(names), strlen(".5a.pdf.XXXXXX\n"));
    free(names);
    char       *path = xasprintf("%s/%s", t->dir, tmp);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    struct output_file file = {"", tmp, "5a.pdf"};
    assert_true(output_commit_all(od, 1, &file, &d));
    names = list_dir(t->dir);
    assert_string_equal(names, "5a.pdf\n");
    free(names);
    char *final = xasprintf("%s/5a.pdf", t->dir);
    assert_int_equal(stat(final, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(d.n, 0);
    output_dir_free(od);
    umask(old);
    free(final);
    free(path);
    free(tmp);
}

static void
test_output_dir_refuses_a_link_in_place_of_a_folder(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    put_dir(t->dir, "out");
    put_dir(t->dir, "elsewhere");
    char *link = xasprintf("%s/out/5a", t->dir);
    assert_int_equal(symlink("../elsewhere", link), 0);
    char              *out = xasprintf("%s/out", t->dir);
    struct output_dir *od = output_dir_open(out, NULL, &d);
    assert_non_null(od);
    assert_false(output_dir_check_folder(od, "5a", &d));
    assert_false(output_dir_make_folder(od, "5a", &d));
    assert_null(output_stage(od, "5a", "Mueller_Anna.pdf", "x", 1, &d));
    char *msg = formatted(&d);
    char *one =
        xasprintf("consentgen: error: \"%s\" is a symbolic link; consentgen never writes through a link "
                  "inside the output folder: remove the link, or choose another folder with --out\n",
                  link);
    char *want = xasprintf("%s%s%s", one, one, one);
    assert_string_equal(msg, want);
    char *elsewhere = xasprintf("%s/elsewhere", t->dir);
    char *names = list_dir(elsewhere);
    assert_string_equal(names, "");
    output_dir_free(od);
    free(names);
    free(elsewhere);
    free(want);
    free(one);
    free(msg);
    free(out);
    free(link);
    diags_fini(&d);
}

static void
test_output_dir_check_file_finds_a_folder_in_the_way(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    put_dir(t->dir, "9b");
    put_dir(t->dir, "9b/Haddad_Karim.pdf");
    struct output_dir *od = output_dir_open(t->dir, NULL, &d);
    assert_true(output_dir_check_file(od, "9b", "Other.pdf", &d));
    assert_true(output_dir_check_file(od, "missing", "Haddad_Karim.pdf", &d));
    assert_false(output_dir_check_file(od, "9b", "Haddad_Karim.pdf", &d));
    char *msg = formatted(&d);
    char *want = xasprintf(
        "consentgen: error: cannot write \"%s/9b/Haddad_Karim.pdf\": a folder with that name is in the way\n",
        t->dir);
    assert_string_equal(msg, want);
    output_dir_free(od);
    free(want);
    free(msg);
    diags_fini(&d);
}

static void
test_output_dir_open_refuses_a_folder_another_run_writes_into(void **state)
{
    struct tmp        *t = *state;
    struct diags       d = {0};
    struct output_dir *first = output_dir_open(t->dir, NULL, &d);
    assert_non_null(first);
    struct output_dir *peek = output_dir_peek(t->dir, NULL);
    assert_true(output_dir_is_busy(peek));
    assert_null(output_dir_open(t->dir, NULL, &d));
    char *msg = formatted(&d);
    char *want = xasprintf(
        "consentgen: error: another consentgen run is writing into \"%s\"; wait until it has finished\n",
        t->dir);
    assert_string_equal(msg, want);
    output_dir_free(first);
    assert_false(output_dir_is_busy(peek));
    output_dir_free(peek);
    free(want);
    free(msg);
    diags_fini(&d);
}

static void
test_output_dir_leftovers_are_only_own_temp_files(void **state)
{
    struct tmp              *t = *state;
    static const char *const names[] = {".5a.pdf.Ab12Cd", ".Mueller_Anna.pdf.qdodZ1",
                                        ".5a.pdf.Ab12C",  "5a.pdf.Ab12Cd",
                                        ".5a.txt.Ab12Cd", ".x.pdf.Ab-2Cd",
                                        ".hidden",        ".pdf.Ab12Cd",
                                        "5a.pdf"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        put_file(t->dir, names[i], "x");
    struct output_dir *od = output_dir_peek(t->dir, NULL);
    size_t             n;
    char             **got = output_dir_leftovers(od, "", &n);
    assert_int_equal(n, 2);
    assert_string_equal(got[0], ".5a.pdf.Ab12Cd");
    assert_string_equal(got[1], ".Mueller_Anna.pdf.qdodZ1");
    for (size_t i = 0; i < n; i++)
        free(got[i]);
    free(got);
    got = output_dir_list(od, "", &n);
    assert_int_equal(n, 2);
    assert_string_equal(got[0], "5a.pdf");
    assert_string_equal(got[1], "5a.pdf.Ab12Cd");
    for (size_t i = 0; i < n; i++)
        free(got[i]);
    free(got);
    output_dir_free(od);
}

static void
test_output_roll_back_removes_a_killed_workers_temp_file(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    put_file(t->dir, ".7c.pdf.Ab12Cd", "left by an earlier run");
    struct output_dir *od = output_dir_open(t->dir, NULL, &d);
    output_dir_watch(od, "");
    char *tmp = output_stage(od, "", "5a.pdf", "x", 1, &d);
    /* A worker killed while it wrote: its temp file was never reported. */
    put_file(t->dir, ".9b.pdf.Qw12Er", "half a PDF");
    struct output_file file = {"", tmp, "5a.pdf"};
    output_roll_back(od, 1, &file, &d);
    char *names = list_dir(t->dir);
    assert_string_equal(names, ".7c.pdf.Ab12Cd\n");
    assert_int_equal(d.n, 0);
    output_dir_free(od);
    free(names);
    free(tmp);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_safe_name_spells_german_letters_out),
        cmocka_unit_test(test_output_safe_name_drops_other_accents),
        cmocka_unit_test(test_output_safe_name_transliterates_other_scripts),
        cmocka_unit_test(test_output_namer_reuses_its_transliterator),
        cmocka_unit_test(test_output_safe_name_cannot_leave_the_folder),
        cmocka_unit_test(test_output_safe_name_collapses_separators),
        cmocka_unit_test(test_output_safe_name_cuts_long_names),
        cmocka_unit_test(test_output_names_unique_ignores_case),
        cmocka_unit_test_setup_teardown(test_output_make_dir_creates_parents, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_make_dir_reports_file_in_the_way, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_writes_content_and_mode, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_accepts_empty_data, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_fails_when_folder_is_missing, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_fails_when_target_is_a_folder, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_rejects_names_with_slash, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_restores_signal_mask, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_stage_hides_the_file_until_commit, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_commit_all_replaces_files_and_links_and_removes_leftovers,
                                        setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_run_fails_at_any_step_and_leaves_all_as_before, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(
            test_output_run_without_hard_links_fails_at_any_step_and_leaves_all_as_before, setup_tmp,
            teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_run_into_new_folders_fails_at_any_step_and_removes_them,
                                        setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_dir_refuses_a_link_in_place_of_a_folder, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_dir_check_file_finds_a_folder_in_the_way, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_dir_open_refuses_a_folder_another_run_writes_into,
                                        setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_dir_leftovers_are_only_own_temp_files, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_roll_back_removes_a_killed_workers_temp_file, setup_tmp,
                                        teardown_tmp),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
