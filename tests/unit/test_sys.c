#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

static void
test_sys_new_files_are_private_until_published(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_sys.XXXXXX";
    assert_non_null(mkdtemp(dir));
    mode_t old = umask(022);
    char  *tmpl = xasprintf("%s/.a.pdf.XXXXXX", dir);
    assert_true(sys_write_new_file(tmpl, "data", 4));
    struct stat st;
    assert_int_equal(stat(tmpl, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 4);
    assert_true(sys_publish_file(tmpl));
    assert_int_equal(stat(tmpl, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *final = xasprintf("%s/a.pdf", dir);
    assert_true(sys_sync_file(tmpl));
    assert_true(sys_rename(tmpl, final));
    assert_int_equal(sys_path_kind(final), SYS_PATH_FILE);
    assert_int_equal(sys_path_kind(tmpl), SYS_PATH_NONE);
    assert_int_equal(sys_path_kind(dir), SYS_PATH_FOLDER);
    char *link = xasprintf("%s/link", dir);
    assert_int_equal(symlink(dir, link), 0);
    assert_int_equal(sys_path_kind(link), SYS_PATH_LINK);
    assert_true(sys_is_folder(link)); /* follows the link */
    assert_true(sys_remove_file(link));
    assert_true(sys_remove_file(final));
    assert_true(sys_remove_folder(dir));
    umask(old);
    free(link);
    free(final);
    free(tmpl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sys_workers_pass_their_records_and_status),
        cmocka_unit_test(test_sys_workers_report_a_worker_killed_by_a_signal),
        cmocka_unit_test(test_sys_interrupts_are_held_and_reported),
        cmocka_unit_test(test_sys_new_files_are_private_until_published),
    };
    return cmocka_run_group_tests_name("sys", tests, NULL, NULL);
}
