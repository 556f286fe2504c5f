#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consentgen/sys.h"
#include "consentgen/util.h"

/* ---- workers ---- */

struct gathered {
    struct buf per_worker[4];
};

static int
work_send_index(void *ctx, size_t index, size_t n_workers, struct sys_channel *ch)
{
    (void)ctx;
    char line[64];
    int  n = snprintf(line, sizeof line, "worker %zu of %zu;", index, n_workers);
    /* Two sends: the main process must see them in order. */
    return sys_channel_send(ch, line, (size_t)n) && sys_channel_send(ch, "end;", 4) ? (int)index : 99;
}

static void
receive_bytes(void *ctx, size_t index, const char *data, size_t len)
{
    struct gathered *g = ctx;
    buf_append(&g->per_worker[index], data, len);
}

static void
test_sys_workers_pass_their_records_and_status(void **state)
{
    (void)state;
    struct gathered        g = {0};
    struct sys_worker_ops  ops = {work_send_index, NULL, receive_bytes, &g, NULL};
    struct sys_worker_end  ends[3];
    struct sys_interrupts *in = sys_interrupts_begin();
    assert_non_null(in);
    assert_int_equal(sys_workers_run(3, &ops, in, ends), 3);
    assert_int_equal(sys_interrupts_end(in, false), 0);
    for (size_t w = 0; w < 3; w++) {
        char want[64];
        snprintf(want, sizeof want, "worker %zu of 3;end;", w);
        assert_string_equal(g.per_worker[w].data, want);
        assert_int_equal(ends[w].status, (int)w);
        assert_int_equal(ends[w].signo, 0);
        buf_fini(&g.per_worker[w]);
    }
}

static int
work_die_by_signal(void *ctx, size_t index, size_t n_workers, struct sys_channel *ch)
{
    (void)ctx;
    (void)n_workers;
    (void)ch;
    if (index == 1) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    return 0;
}

static void
test_sys_workers_report_a_worker_killed_by_a_signal(void **state)
{
    (void)state;
    struct gathered        g = {0};
    struct sys_worker_ops  ops = {work_die_by_signal, NULL, receive_bytes, &g, NULL};
    struct sys_worker_end  ends[2];
    struct sys_interrupts *in = sys_interrupts_begin();
    assert_int_equal(sys_workers_run(2, &ops, in, ends), 2);
    sys_interrupts_end(in, false);
    assert_int_equal(ends[0].status, 0);
    assert_int_equal(ends[1].status, -1);
    assert_int_equal(ends[1].signo, SIGSEGV);
    char buf[24];
    assert_string_equal(sys_signal_name(SIGSEGV, buf), "SIGSEGV");
    assert_string_equal(sys_signal_name(64, buf), "signal 64");
}

/* ---- interrupts ---- */

static void
test_sys_interrupts_are_held_and_reported(void **state)
{
    (void)state;
    struct sys_interrupts *in = sys_interrupts_begin();
    assert_non_null(in);
    assert_int_equal(sys_interrupts_pending(in), 0);
    kill(getpid(), SIGTERM); /* held back: the test goes on */
    assert_int_equal(sys_interrupts_pending(in), SIGTERM);
    kill(getpid(), SIGINT);
    assert_int_equal(sys_interrupts_pending(in), SIGTERM); /* the first one counts */
    assert_int_equal(sys_interrupts_end(in, false), SIGTERM);
    /* Consumed: nothing is delivered after end, and the mask is as before. */
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    assert_false(sigismember(&now, SIGTERM));
    assert_false(sigismember(&now, SIGINT));
}

/* ---- files ---- */

/* A fresh folder under /tmp; caller removes it with rm_tree. */
static char *
temp_folder(void)
{
    char *dir = xstrdup("/tmp/test_sys.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void
rm_tree(char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(dir);
}

static void
test_sys_new_files_are_private_until_published(void **state)
{
    (void)state;
    char              *dir = temp_folder();
    mode_t             old = umask(022);
    struct sys_folder *f = sys_folder_open(dir);
    assert_non_null(f);
    char tmpl[] = ".a.pdf.XXXXXX";
    assert_true(sys_write_new_file_in(f, tmpl, "data", 4));
    assert_int_equal(strncmp(tmpl, ".a.pdf.", 7), 0);
    assert_null(strstr(tmpl, "XXXXXX")); /* replaced by random letters and digits */
    char       *path = xasprintf("%s/%s", dir, tmpl);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 4);
    assert_true(sys_publish_in(f, tmpl));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_true(sys_sync_file_in(f, tmpl));
    assert_true(sys_sync_filesystem_of(f));
    assert_true(sys_rename_in(f, tmpl, f, "a.pdf"));
    assert_true(sys_sync_entries(f));
    assert_int_equal(sys_entry_kind(f, "a.pdf"), SYS_PATH_FILE);
    assert_int_equal(sys_entry_kind(f, tmpl), SYS_PATH_NONE);
    char *final = xasprintf("%s/a.pdf", dir);
    assert_int_equal(sys_path_kind(final), SYS_PATH_FILE);
    assert_int_equal(sys_path_kind(dir), SYS_PATH_FOLDER);
    sys_folder_close(f);
    umask(old);
    free(final);
    free(path);
    rm_tree(dir);
}

static void
test_sys_folder_calls_never_follow_a_link(void **state)
{
    (void)state;
    char *dir = temp_folder();
    char *elsewhere = xasprintf("%s/elsewhere", dir);
    char *link = xasprintf("%s/5a", dir);
    char *file_link = xasprintf("%s/5a.pdf", dir);
    assert_int_equal(mkdir(elsewhere, 0755), 0);
    assert_int_equal(symlink("elsewhere", link), 0);
    assert_int_equal(symlink("elsewhere/target.txt", file_link), 0);
    assert_true(sys_is_folder(link)); /* the path-based call follows the link */
    struct sys_folder *f = sys_folder_open(dir);
    assert_int_equal(sys_entry_kind(f, "5a"), SYS_PATH_LINK);
    assert_int_equal(sys_entry_kind(f, "elsewhere"), SYS_PATH_FOLDER);
    errno = 0;
    assert_null(sys_folder_open_in(f, "5a"));
    assert_true(errno == ELOOP || errno == ENOTDIR);
    /* Neither writing nor publishing goes through a link to a file. */
    assert_false(sys_publish_in(f, "5a.pdf"));
    char tmpl[] = "5a.pdf";
    assert_false(sys_write_new_file_in(f, tmpl, "x", 1)); /* no X's: the name itself, which exists */
    struct sys_folder *in = sys_folder_open_in(f, "elsewhere");
    assert_non_null(in);
    assert_int_equal(sys_entry_kind(in, "target.txt"), SYS_PATH_NONE);
    sys_folder_close(in);
    /* A link in place of a file is replaced itself, as a file would be. */
    char new_tmpl[] = ".5a.pdf.XXXXXX";
    assert_true(sys_write_new_file_in(f, new_tmpl, "new", 3));
    assert_true(sys_rename_in(f, new_tmpl, f, "5a.pdf"));
    assert_int_equal(sys_entry_kind(f, "5a.pdf"), SYS_PATH_FILE);
    assert_true(sys_remove_in(f, "5a"));
    assert_int_equal(sys_entry_kind(f, "elsewhere"), SYS_PATH_FOLDER);
    sys_folder_close(f);
    free(file_link);
    free(link);
    free(elsewhere);
    rm_tree(dir);
}

static void
names_into(void *ctx, const char *name)
{
    struct buf *b = ctx;
    buf_printf(b, "%s%s", b->len ? " " : "", name);
}

static void
test_sys_keep_aside_keeps_the_file_under_a_second_name(void **state)
{
    (void)state;
    char              *dir = temp_folder();
    struct sys_folder *f = sys_folder_open(dir);
    assert_true(sys_make_folder_in(f, "old"));
    char tmpl[] = "5a.pdf.XXXXXX";
    assert_true(sys_write_new_file_in(f, tmpl, "old", 3));
    assert_true(sys_rename_in(f, tmpl, f, "5a.pdf"));
    char aside[] = ".5a.pdf.XXXXXX";
    bool moved = true;
    assert_true(sys_keep_aside(f, "5a.pdf", aside, &moved));
    /* ext4 has hard links: the name stays, so a rename over it stays atomic. */
    assert_false(moved);
    assert_int_equal(sys_entry_kind(f, "5a.pdf"), SYS_PATH_FILE);
    assert_int_equal(sys_entry_kind(f, aside), SYS_PATH_FILE);
    assert_true(sys_remove_folder_in(f, "old"));
    struct buf b;
    buf_init(&b);
    assert_true(sys_folder_list(f, names_into, &b));
    assert_true(strstr(b.data, "5a.pdf") && strstr(b.data, aside) && !strstr(b.data, "old"));
    buf_fini(&b);
    sys_folder_close(f);
    rm_tree(dir);
}

static void
test_sys_folder_lock_is_for_one_holder(void **state)
{
    (void)state;
    char              *dir = temp_folder();
    struct sys_folder *a = sys_folder_open(dir), *b = sys_folder_open(dir);
    assert_false(sys_folder_is_locked(b));
    assert_true(sys_folder_lock(a));
    assert_true(sys_folder_is_locked(b));
    errno = 0;
    assert_false(sys_folder_lock(b));
    assert_int_equal(errno, EWOULDBLOCK);
    sys_folder_close(a);
    assert_false(sys_folder_is_locked(b));
    assert_true(sys_folder_lock(b));
    sys_folder_close(b);
    rm_tree(dir);
}

static void
test_sys_real_path_resolves_links_and_dots(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_sys.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/b", dir), *file = xasprintf("%s/a.md", dir), *link = xasprintf("%s/c", dir);
    assert_true(sys_make_folder(sub));
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(symlink("b", link), 0);

    char *dotted = xasprintf("%s/b/../c/./", dir);
    char *real = sys_real_path(dotted), *expected = sys_real_path(sub);
    assert_non_null(real);
    assert_string_equal(real, expected); /* the link and the dots resolved */
    assert_true(real[0] == '/');
    char *missing = xasprintf("%s/none", dir);
    assert_null(sys_real_path(missing));

    assert_true(sys_remove_file(link));
    assert_true(sys_remove_file(file));
    assert_true(sys_remove_folder(sub));
    assert_true(sys_remove_folder(dir));
    free(missing);
    free(expected);
    free(real);
    free(dotted);
    free(link);
    free(file);
    free(sub);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sys_workers_pass_their_records_and_status),
        cmocka_unit_test(test_sys_workers_report_a_worker_killed_by_a_signal),
        cmocka_unit_test(test_sys_interrupts_are_held_and_reported),
        cmocka_unit_test(test_sys_new_files_are_private_until_published),
        cmocka_unit_test(test_sys_folder_calls_never_follow_a_link),
        cmocka_unit_test(test_sys_keep_aside_keeps_the_file_under_a_second_name),
        cmocka_unit_test(test_sys_folder_lock_is_for_one_holder),
        cmocka_unit_test(test_sys_real_path_resolves_links_and_dots),
    };
    return cmocka_run_group_tests_name("sys", tests, NULL, NULL);
}
