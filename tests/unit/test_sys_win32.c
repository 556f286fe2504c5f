/*
 * Unit tests for sys on Windows (src/sys_win32.c), run under wine: workers in
 * turn with their records in order, Ctrl+C held back and reported, temp files
 * hidden until published, renames that replace, and paths with umlauts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "consentgen/sys.h"
#include "consentgen/util.h"

struct gathered {
    struct buf per_worker[4];
};

static int
work_send_index(void *ctx, size_t index, size_t n_workers, struct sys_channel *ch)
{
    (void)ctx;
    char line[64];
    int  n = snprintf(line, sizeof line, "worker %zu of %zu;", index, n_workers);
    return sys_channel_send(ch, line, (size_t)n) && sys_channel_send(ch, "end;", 4) ? (int)index : 99;
}

static void
receive_bytes(void *ctx, size_t index, const char *data, size_t len)
{
    struct gathered *g = ctx;
    buf_append(&g->per_worker[index], data, len);
}

static void
test_sys_win32_workers_pass_their_records_and_status(void **state)
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

/* Ctrl+C to this process's console; false where there is none (then the tests of interrupts are skipped). */
static bool
press_ctrl_c(void)
{
    if (!GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0))
        return false;
    /* The console's handler runs on a thread of its own. */
    for (int i = 0; i < 200; i++)
        Sleep(5);
    return true;
}

static int
work_interrupted_after_first(void *ctx, size_t index, size_t n_workers, struct sys_channel *ch)
{
    (void)ctx;
    (void)n_workers;
    if (!sys_channel_send(ch, "a;", 2))
        return 98;
    sys_channel_hold_interrupts(ch);
    bool ok = press_ctrl_c() && sys_channel_send(ch, "held;", 5); /* held back: still goes through */
    sys_channel_release_interrupts(ch);
    if (!ok)
        return 97;
    return sys_channel_send(ch, "b;", 2) ? (int)index : 99; /* refused now: the worker stops */
}

static void
test_sys_win32_ctrl_c_stops_the_workers_and_is_reported(void **state)
{
    (void)state;
    if (!AttachConsole(ATTACH_PARENT_PROCESS) && !GetConsoleWindow() && !AllocConsole())
        skip();
    struct gathered        g = {0};
    struct sys_worker_ops  ops = {work_interrupted_after_first, NULL, receive_bytes, &g, NULL};
    struct sys_worker_end  ends[2];
    struct sys_interrupts *in = sys_interrupts_begin();
    assert_non_null(in);
    assert_int_equal(sys_workers_run(2, &ops, in, ends), 2);
    assert_string_equal(g.per_worker[0].data, "a;held;");
    assert_null(g.per_worker[1].data); /* never started */
    assert_int_equal(ends[0].signo, SIGTERM);
    assert_int_equal(ends[1].signo, SIGTERM);
    assert_int_equal(sys_interrupts_pending(in), SIGINT);
    assert_int_equal(sys_interrupts_end(in, false), SIGINT);
    buf_fini(&g.per_worker[0]);
    char buf[24];
    assert_string_equal(sys_signal_name(SIGINT, buf), "SIGINT");
    assert_string_equal(sys_signal_name(64, buf), "signal 64");
}

/* A folder of its own under the temp folder, with an umlaut in its name: "...\consentgen-Schüler-N". */
static char *
make_test_folder(void)
{
    wchar_t tmp[MAX_PATH];
    DWORD   n = GetTempPathW(MAX_PATH, tmp);
    assert_true(n > 0 && n < MAX_PATH);
    int  len = WideCharToMultiByte(CP_UTF8, 0, tmp, -1, NULL, 0, NULL, NULL);
    char *t = xmalloc((size_t)len);
    WideCharToMultiByte(CP_UTF8, 0, tmp, -1, t, len, NULL, NULL);
    char *dir = xasprintf("%sconsentgen-Sch\xc3\xbcler-%lu-%lu", t, (unsigned long)GetCurrentProcessId(),
                          (unsigned long)GetTickCount());
    free(t);
    assert_true(sys_make_folder(dir));
    return dir;
}

static void
count_entry(void *ctx, const char *name)
{
    (void)name;
    (*(int *)ctx)++;
}

static void
test_sys_win32_new_files_are_hidden_until_published_and_renamed_over_old_ones(void **state)
{
    (void)state;
    char *dir = make_test_folder();
    assert_int_equal(sys_path_kind(dir), SYS_PATH_FOLDER);
    assert_true(sys_is_folder(dir));
    /* The path as the Windows calls see it: the umlaut arrives as one UTF-16 character. */
    wchar_t wdir[MAX_PATH];
    MultiByteToWideChar(CP_UTF8, 0, dir, -1, wdir, MAX_PATH);
    assert_non_null(wcsstr(wdir, L"Sch\u00fcler"));

    struct sys_folder *f = sys_folder_open(dir);
    assert_non_null(f);
    /* Not ".name" as consentgen names them: wine shows every dot file as hidden. */
    char tmpl[] = "tmp-Sch\xc3\xbcler.pdf.XXXXXX";
    assert_true(sys_write_new_file_in(f, tmpl, "data", 4));
    assert_null(strstr(tmpl, "XXXXXX"));
    char   *tmp_path = xasprintf("%s\\%s", dir, tmpl);
    wchar_t wtmp[MAX_PATH];
    MultiByteToWideChar(CP_UTF8, 0, tmp_path, -1, wtmp, MAX_PATH);
    DWORD a = GetFileAttributesW(wtmp);
    assert_true(a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_HIDDEN));
    assert_true(sys_publish_in(f, tmpl));
    a = GetFileAttributesW(wtmp);
    assert_false(a & FILE_ATTRIBUTE_HIDDEN);
    assert_true(sys_sync_file_in(f, tmpl));

    /* An older file of the same name is kept aside, then replaced. */
    char old[] = "old.XXXXXX";
    assert_true(sys_write_new_file_in(f, old, "old data", 8));
    assert_true(sys_rename_in(f, old, f, "Sch\xc3\xbcler.pdf"));
    char aside[] = "aside.XXXXXX";
    bool moved = true;
    assert_true(sys_keep_aside(f, "Sch\xc3\xbcler.pdf", aside, &moved));
    assert_int_equal(sys_entry_kind(f, aside), SYS_PATH_FILE);
    assert_true(sys_rename_in(f, tmpl, f, "Sch\xc3\xbcler.pdf"));
    char  *final = xasprintf("%s/Sch\xc3\xbcler.pdf", dir); /* a forward slash works too */
    char  *data;
    size_t len;
    assert_true(util_read_file(final, 100, &data, &len));
    assert_int_equal(len, 4);
    assert_memory_equal(data, "data", 4);
    free(data);
    assert_int_equal(sys_entry_kind(f, tmpl), SYS_PATH_NONE);
    int n = 0;
    assert_true(sys_folder_list(f, count_entry, &n));
    assert_int_equal(n, 2); /* the new file and the old one kept aside */

    /* A file is no folder; a folder in use by another run is locked. */
    assert_null(sys_folder_open_in(f, "Sch\xc3\xbcler.pdf"));
    assert_int_equal(errno, ENOTDIR);
    assert_true(sys_make_folder_in(f, "5a"));
    struct sys_folder *sub = sys_folder_open_in(f, "5a");
    assert_non_null(sub);
    sys_folder_close(sub);
    assert_false(sys_folder_is_locked(f));
    assert_true(sys_folder_lock(f));
    struct sys_folder *g = sys_folder_open(dir);
    assert_true(sys_folder_is_locked(g));
    assert_false(sys_folder_lock(g));
    assert_int_equal(errno, EWOULDBLOCK);
    sys_folder_close(g);

    /* errno as on Linux. */
    assert_false(sys_make_folder_in(f, "5a"));
    assert_int_equal(errno, EEXIST);
    assert_false(sys_remove_folder(dir));
    assert_int_equal(errno, ENOTEMPTY);
    assert_true(sys_remove_folder_in(f, "5a"));
    assert_true(sys_remove_in(f, aside));
    assert_true(sys_remove_in(f, "Sch\xc3\xbcler.pdf"));
    assert_false(sys_remove_in(f, "Sch\xc3\xbcler.pdf"));
    assert_int_equal(errno, ENOENT);
    sys_folder_close(f);
    assert_true(sys_remove_folder(dir));
    assert_int_equal(sys_path_kind(dir), SYS_PATH_NONE);
    free(final);
    free(tmp_path);
    free(dir);
}

static void
test_sys_win32_knows_its_folder_and_cores(void **state)
{
    (void)state;
    char *dir = sys_program_folder();
    assert_non_null(dir);
    assert_true(sys_is_folder(dir));
    free(dir);
    assert_true(sys_cpu_count() >= 1);
}

int
main(void)
{
    sys_console_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sys_win32_workers_pass_their_records_and_status),
        cmocka_unit_test(test_sys_win32_ctrl_c_stops_the_workers_and_is_reported),
        cmocka_unit_test(test_sys_win32_new_files_are_hidden_until_published_and_renamed_over_old_ones),
        cmocka_unit_test(test_sys_win32_knows_its_folder_and_cores),
    };
    return cmocka_run_group_tests_name("sys_win32", tests, NULL, NULL);
}
