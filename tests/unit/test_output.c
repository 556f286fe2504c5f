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
#include "consentgen/util.h"

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
    assert_string_equal(output_names_unique(n, "Mueller_Anna"), "Mueller_Anna");
    assert_string_equal(output_names_unique(n, "Mueller_Anna"), "Mueller_Anna_2");
    assert_string_equal(output_names_unique(n, "mueller_anna"), "mueller_anna_3");
    assert_string_equal(output_names_unique(n, "Schmidt_Tom"), "Schmidt_Tom");
    /* A real "X_2" arriving after a generated one still gets a free name. */
    assert_string_equal(output_names_unique(n, "Mueller_Anna_2"), "Mueller_Anna_2_2");
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
test_output_stage_hides_the_file_until_commit(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    char        *tmp, *final;
    assert_true(output_stage(t->dir, "5a.pdf", "%PDF-", 5, &tmp, &final, &d));
    char *want = xasprintf("%s/5a.pdf", t->dir);
    assert_string_equal(final, want);
    char *names = list_dir(t->dir);
    /* Only the hidden temp file: ".5a.pdf.XXXXXX\n". */
    assert_int_equal(strncmp(names, ".5a.pdf.", 8), 0);
    assert_int_equal(strlen(names), strlen(".5a.pdf.XXXXXX\n"));
    free(names);
    assert_true(output_commit(tmp, final, &d));
    names = list_dir(t->dir);
    assert_string_equal(names, "5a.pdf\n");
    free(names);
    assert_int_equal(d.n, 0);
    free(want);
    free(tmp);
    free(final);
}

static void
test_output_discard_leaves_nothing(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    char        *tmp, *final;
    assert_true(output_stage(t->dir, "7b.pdf", "x", 1, &tmp, &final, &d));
    output_discard(tmp);
    char *names = list_dir(t->dir);
    assert_string_equal(names, "");
    free(names);
    free(tmp);
    free(final);
}

static void
test_output_commit_onto_a_folder_fails_and_cleans_up(void **state)
{
    struct tmp  *t = *state;
    struct diags d = {0};
    char        *tmp, *final;
    char        *sub = xasprintf("%s/5a.pdf", t->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_true(output_stage(t->dir, "5a.pdf", "x", 1, &tmp, &final, &d));
    assert_false(output_commit(tmp, final, &d));
    char *names = list_dir(t->dir);
    assert_string_equal(names, "5a.pdf\n");
    free(names);
    char *msg = formatted(&d);
    char *want =
        xasprintf("consentgen: error: cannot write \"%s\": a folder with that name is in the way\n", sub);
    assert_string_equal(msg, want);
    free(want);
    free(msg);
    free(sub);
    free(tmp);
    free(final);
    diags_fini(&d);
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
        cmocka_unit_test_setup_teardown(test_output_stage_hides_the_file_until_commit, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_discard_leaves_nothing, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_commit_onto_a_folder_fails_and_cleans_up, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_fails_when_folder_is_missing, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_fails_when_target_is_a_folder, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_rejects_names_with_slash, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_output_write_atomic_restores_signal_mask, setup_tmp,
                                        teardown_tmp),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
