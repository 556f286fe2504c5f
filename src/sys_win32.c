/*
 * sys_win32: the sys seam for Windows (docs/windows.md).
 *
 * Workers run one after another in the process itself, each handing its
 * records straight to the receiver: the same records in the same order as the
 * worker processes of sys_posix.c, so the same files, byte for byte, only not
 * side by side. Interrupts are the console's Ctrl+C, Ctrl+Break and close
 * events, caught by a handler (it runs on a thread of its own, so what it saw
 * is kept in one static variable); a worker learns of one when its next record
 * cannot be sent, except while it holds interrupts back. Paths are UTF-8 and
 * handed to the wide-character calls as UTF-16. Files: CreateFileW with
 * CREATE_NEW for a temp file, hidden until published; FlushFileBuffers;
 * MoveFileExW with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH.
 */
#include "consentgen/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "consentgen/util.h"

/* Not in mingw-w64's signal.h: the numbers Linux gives them, for the same exit statuses. */
#ifndef SIGHUP
#define SIGHUP 1
#endif
#ifndef SIGKILL
#define SIGKILL 9
#endif

/* The errno for a Windows error code, for the messages that strerror() makes of it. */
static int
errno_of(DWORD e)
{
    switch (e) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
        return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION: /* open in another program, such as a PDF reader */
    case ERROR_LOCK_VIOLATION:
        return EACCES;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        return EEXIST;
    case ERROR_DIR_NOT_EMPTY:
        return ENOTEMPTY;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        return ENOSPC;
    case ERROR_WRITE_PROTECT:
        return EROFS;
    case ERROR_FILENAME_EXCED_RANGE:
        return ENAMETOOLONG;
    case ERROR_INVALID_NAME:
    case ERROR_DIRECTORY:
        return EINVAL;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return ENOMEM;
    case ERROR_NOT_SUPPORTED:
    case ERROR_INVALID_FUNCTION:
        return ENOSYS;
    default:
        return EIO;
    }
}

static bool
fail(void)
{
    errno = errno_of(GetLastError());
    return false;
}

/* UTF-8 -> UTF-16, NUL-terminated (caller frees); NULL with EILSEQ for a path that is not UTF-8. */
static wchar_t *
wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0) {
        errno = EILSEQ;
        return NULL;
    }
    wchar_t *w = xmalloc((size_t)n * sizeof *w);
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
    return w;
}

/* UTF-16 -> UTF-8 (caller frees); NULL if it cannot be converted. */
static char *
narrow(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return NULL;
    char *s = xmalloc((size_t)n);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

size_t
sys_cpu_count(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors > 0 ? (size_t)si.dwNumberOfProcessors : 1;
}

bool
sys_stderr_is_terminal(void)
{
    /* _isatty() is also true for NUL; only a console has a console mode. */
    DWORD mode;
    return GetConsoleMode(GetStdHandle(STD_ERROR_HANDLE), &mode) != 0;
}

static BOOL WINAPI on_console_event(DWORD event);

/* The console's code pages before sys_console_init: the console outlives the program, its cmd goes on. */
static UINT old_output_cp, old_input_cp;

static void
restore_console(void)
{
    if (old_output_cp)
        SetConsoleOutputCP(old_output_cp);
    if (old_input_cp)
        SetConsoleCP(old_input_cp);
}

void
sys_console_init(void)
{
    /* For the whole program: Ctrl+C ends it with 130, as SIGINT on Linux, or is held back during a run. */
    SetConsoleCtrlHandler(on_console_event, TRUE);
    /* The messages are UTF-8 (the manifest makes it the process's code page too); the console shows them so. */
    old_output_cp = GetConsoleOutputCP();
    old_input_cp = GetConsoleCP();
    if (old_output_cp || old_input_cp)
        atexit(restore_console);
    SetConsoleOutputCP(CP_UTF8);
    SetConsoleCP(CP_UTF8);
    /* "\n" stays "\n", as on Linux: the same bytes in files the output is redirected to. */
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
}

char *
sys_program_folder(void)
{
    wchar_t path[32768];
    DWORD   n = GetModuleFileNameW(NULL, path, sizeof path / sizeof path[0]);
    if (n == 0 || n >= sizeof path / sizeof path[0])
        return NULL;
    wchar_t *slash = wcsrchr(path, L'\\');
    if (!slash)
        return NULL;
    *slash = L'\0';
    return narrow(path);
}

void
sys_reuse_large_allocations(void)
{
    /* The Windows heap keeps freed blocks for reuse already. */
}

/* ---- interrupts ---- */

/* Written by the console's handler thread: the first interrupt since the outermost begin (0: none). */
static volatile LONG pending_signo;
/* How many begins are open: the handler is installed by the first and removed by the last. */
static volatile LONG open_count;

struct sys_interrupts {
    int signo;
};

static BOOL WINAPI
on_console_event(DWORD event)
{
    LONG signo;
    switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
        signo = SIGINT;
        break;
    case CTRL_CLOSE_EVENT:
        signo = SIGHUP;
        break;
    default: /* log-off and shut-down: the default handling */
        return FALSE;
    }
    /* Outside a run's writing nothing is to be rolled back: end at once, with the status of a signal. */
    if (InterlockedCompareExchange(&open_count, 0, 0) == 0)
        _exit(128 + (int)signo);
    InterlockedCompareExchange(&pending_signo, signo, 0);
    return TRUE;
}

struct sys_interrupts *
sys_interrupts_begin(void)
{
    if (InterlockedIncrement(&open_count) == 1)
        InterlockedExchange(&pending_signo, 0);
    return xcalloc(1, sizeof(struct sys_interrupts));
}

int
sys_interrupts_pending(struct sys_interrupts *in)
{
    if (!in->signo)
        in->signo = (int)InterlockedCompareExchange(&pending_signo, 0, 0);
    return in->signo;
}

int
sys_interrupts_end(struct sys_interrupts *in, bool deliver)
{
    int signo = sys_interrupts_pending(in);
    free(in);
    if (InterlockedDecrement(&open_count) == 0)
        InterlockedExchange(&pending_signo, 0);
    if (deliver && signo)
        sys_exit_by_signal(signo);
    return signo;
}

void
sys_exit_by_signal(int signo)
{
    fflush(NULL);
    restore_console();
    /* Windows has no death by signal: the status a POSIX shell would show, 128 + signo. */
    _exit(128 + signo);
}

const char *
sys_signal_name(int signo, char buf[static 24])
{
    static const struct {
        int         signo;
        const char *name;
    } names[] = {
        {SIGHUP, "SIGHUP"}, {SIGINT, "SIGINT"},   {SIGILL, "SIGILL"},   {SIGABRT, "SIGABRT"},
        {SIGFPE, "SIGFPE"}, {SIGKILL, "SIGKILL"}, {SIGSEGV, "SIGSEGV"}, {SIGTERM, "SIGTERM"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].signo == signo)
            return names[i].name;
    snprintf(buf, 24, "signal %d", signo);
    return buf;
}

/* ---- workers ---- */

struct sys_channel {
    const struct sys_worker_ops *ops;
    size_t                       index;
    struct sys_interrupts       *in;
    int                          held; /* hold_interrupts depth */
    bool                         interrupted;
};

bool
sys_channel_send(struct sys_channel *ch, const void *data, size_t len)
{
    /* An interrupt ends the worker at its next record, as a signal would end a worker process. */
    if (ch->held == 0 && sys_interrupts_pending(ch->in)) {
        ch->interrupted = true;
        return false;
    }
    ch->ops->receive(ch->ops->receive_ctx, ch->index, data, len);
    return true;
}

void
sys_channel_hold_interrupts(struct sys_channel *ch)
{
    ch->held++;
}

void
sys_channel_release_interrupts(struct sys_channel *ch)
{
    ch->held--;
}

size_t
sys_workers_run(size_t n, const struct sys_worker_ops *ops, struct sys_interrupts *in,
                struct sys_worker_end *ends)
{
    /*
     * In turn, in this process: worker_exit is not called, as the worker's
     * context is the caller's own, not a copy. A worker that an interrupt
     * stopped, and those after it, end as if killed by SIGTERM, as sys_posix.c
     * ends its workers.
     */
    fflush(NULL);
    for (size_t w = 0; w < n; w++) {
        if (sys_interrupts_pending(in)) {
            ends[w] = (struct sys_worker_end){-1, SIGTERM};
            continue;
        }
        struct sys_channel ch = {ops, w, in, 0, false};
        int                rc = ops->work(ops->work_ctx, w, n, &ch);
        if (ch.interrupted || sys_interrupts_pending(in))
            ends[w] = (struct sys_worker_end){-1, SIGTERM};
        else
            ends[w] = (struct sys_worker_end){rc & 0xFF, 0};
    }
    return n;
}

/* ---- files ---- */

enum sys_path_kind
sys_path_kind(const char *path)
{
    wchar_t *w = wide(path);
    if (!w)
        return SYS_PATH_NONE;
    DWORD a = GetFileAttributesW(w);
    free(w);
    if (a == INVALID_FILE_ATTRIBUTES) {
        fail(); /* errno: ENOENT for nothing there, as lstat gives it */
        return SYS_PATH_NONE;
    }
    if (a & FILE_ATTRIBUTE_REPARSE_POINT)
        return SYS_PATH_LINK;
    if (a & FILE_ATTRIBUTE_DIRECTORY)
        return SYS_PATH_FOLDER;
    if (a & FILE_ATTRIBUTE_DEVICE)
        return SYS_PATH_OTHER;
    return SYS_PATH_FILE;
}

bool
sys_is_folder(const char *path)
{
    wchar_t *w = wide(path);
    if (!w)
        return false;
    DWORD a = GetFileAttributesW(w);
    free(w);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

/*
 * The final path of an existing file or folder (links and junctions
 * resolved), in the program's style with forward slashes: C:/Users/...
 */
char *
sys_real_path(const char *path)
{
    wchar_t *w = wide(path);
    if (!w)
        return NULL;
    HANDLE h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        fail();
        return NULL;
    }
    DWORD n = GetFinalPathNameByHandleW(h, NULL, 0, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    wchar_t *full = n ? xmalloc((size_t)n * sizeof *full) : NULL;
    bool     ok = full && GetFinalPathNameByHandleW(h, full, n, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS) < n;
    if (!ok)
        fail();
    CloseHandle(h);
    char *real = ok ? narrow(full) : NULL;
    free(full);
    if (!real)
        return NULL;
    /* \\?\C:\x -> C:/x; \\?\UNC\server\share -> //server/share */
    const char *start = real;
    char       *out;
    if (strncmp(real, "\\\\?\\UNC\\", 8) == 0)
        out = xasprintf("\\\\%s", real + 8);
    else
        out = xstrdup(strncmp(real, "\\\\?\\", 4) == 0 ? start + 4 : start);
    free(real);
    for (char *p = out; *p; p++)
        if (*p == '\\')
            *p = '/';
    return out;
}

bool
sys_make_folder(const char *path)
{
    wchar_t *w = wide(path);
    if (!w)
        return false;
    bool ok = CreateDirectoryW(w, NULL) || fail();
    free(w);
    return ok;
}

/* Calls a Windows function of one path with path as UTF-16; errno from its error. */
static bool
call_on_path(const char *path, BOOL(WINAPI *fn)(LPCWSTR))
{
    wchar_t *w = wide(path);
    if (!w)
        return false;
    bool ok = fn(w) || fail();
    free(w);
    return ok;
}

bool
sys_remove_folder(const char *path)
{
    return call_on_path(path, RemoveDirectoryW);
}

bool
sys_remove_file(const char *path)
{
    return call_on_path(path, DeleteFileW);
}

/* Flushes the file at w (UTF-16, freed here) to disk; flags as CreateFileW takes them. */
static bool
flush_file(wchar_t *w, DWORD flags)
{
    /* FlushFileBuffers needs a handle with write access. */
    HANDLE h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, flags, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return fail();
    bool  ok = FlushFileBuffers(h) != 0;
    DWORD e = GetLastError();
    CloseHandle(h);
    if (!ok)
        errno = errno_of(e);
    return ok;
}

bool
sys_sync_file(const char *path)
{
    wchar_t *w = wide(path);
    return w && flush_file(w, FILE_ATTRIBUTE_NORMAL);
}

void
sys_sync_folder(const char *folder)
{
    /* NTFS journals its folders; MOVEFILE_WRITE_THROUGH has made each rename durable already. */
    (void)folder;
}

bool
sys_rename(const char *from, const char *to)
{
    wchar_t *wf = wide(from), *wt = wf ? wide(to) : NULL;
    bool     ok = wf && wt && (MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) || fail());
    free(wf);
    free(wt);
    return ok;
}

/* ---- folders ---- */

/*
 * An open folder is its full path: Windows has no calls relative to a folder
 * handle. Links are not followed because every entry is looked at first: a
 * reparse point (symbolic link or junction) is never opened as a folder, and
 * files are opened with FILE_FLAG_OPEN_REPARSE_POINT. The lock is a named
 * mutex of the folder's identity (volume and file index): no lock file in
 * the folder, and it goes when the process ends.
 */
struct sys_folder {
    wchar_t *path; /* full, without a final backslash (except "C:\") */
    HANDLE   lock; /* NULL: not locked */
};

/* folder\name as UTF-16; NULL (EILSEQ) if name is not UTF-8. */
static wchar_t *
entry_path(const struct sys_folder *in, const char *name)
{
    wchar_t *w = wide(name);
    if (!w)
        return NULL;
    size_t   n = wcslen(in->path), m = wcslen(w);
    wchar_t *p = xmalloc((n + m + 2) * sizeof *p);
    wcscpy(p, in->path);
    if (n > 0 && in->path[n - 1] != L'\\')
        wcscat(p, L"\\");
    wcscat(p, w);
    free(w);
    return p;
}

static struct sys_folder *
folder_at(wchar_t *full)
{
    DWORD a = GetFileAttributesW(full);
    if (a == INVALID_FILE_ATTRIBUTES || !(a & FILE_ATTRIBUTE_DIRECTORY)) {
        if (a == INVALID_FILE_ATTRIBUTES)
            fail();
        else
            errno = ENOTDIR;
        free(full);
        return NULL;
    }
    struct sys_folder *f = xcalloc(1, sizeof *f);
    f->path = full;
    return f;
}

struct sys_folder *
sys_folder_open(const char *path)
{
    wchar_t *w = wide(*path ? path : ".");
    if (!w)
        return NULL;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    if (n == 0) {
        free(w);
        fail();
        return NULL;
    }
    wchar_t *full = xmalloc((n + 1) * sizeof *full);
    GetFullPathNameW(w, n + 1, full, NULL);
    free(w);
    size_t len = wcslen(full);
    while (len > 3 && (full[len - 1] == L'\\' || full[len - 1] == L'/'))
        full[--len] = L'\0';
    return folder_at(full);
}

struct sys_folder *
sys_folder_open_in(struct sys_folder *in, const char *name)
{
    wchar_t *p = entry_path(in, name);
    if (!p)
        return NULL;
    DWORD a = GetFileAttributesW(p);
    if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT)) {
        free(p);
        errno = ELOOP;
        return NULL;
    }
    return folder_at(p);
}

void
sys_folder_close(struct sys_folder *f)
{
    if (!f)
        return;
    if (f->lock)
        CloseHandle(f->lock);
    free(f->path);
    free(f);
}

/* The name of f's lock: "Local\consentgen-VOLUME-INDEX"; false if the folder cannot be identified. */
static bool
lock_name(const struct sys_folder *f, wchar_t name[64])
{
    HANDLE h = CreateFileW(f->path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return false;
    BY_HANDLE_FILE_INFORMATION info;
    bool                       ok = GetFileInformationByHandle(h, &info) != 0;
    CloseHandle(h);
    if (ok)
        swprintf(name, 64, L"Local\\consentgen-%08lx-%08lx%08lx", (unsigned long)info.dwVolumeSerialNumber,
                 (unsigned long)info.nFileIndexHigh, (unsigned long)info.nFileIndexLow);
    return ok;
}

bool
sys_folder_lock(struct sys_folder *f)
{
    wchar_t name[64];
    if (f->lock || !lock_name(f, name))
        return true; /* a folder that cannot be identified cannot be locked, as a file system without flock */
    HANDLE m = CreateMutexW(NULL, FALSE, name);
    if (!m)
        return true;
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        CloseHandle(m);
        errno = EWOULDBLOCK;
        return false;
    }
    f->lock = m;
    return true;
}

bool
sys_folder_is_locked(struct sys_folder *f)
{
    wchar_t name[64];
    if (!lock_name(f, name))
        return false;
    HANDLE m = OpenMutexW(SYNCHRONIZE, FALSE, name);
    if (!m)
        return false;
    CloseHandle(m);
    return true;
}

static enum sys_path_kind
kind_of(DWORD a)
{
    if (a == INVALID_FILE_ATTRIBUTES) {
        fail();
        return SYS_PATH_NONE;
    }
    if (a & FILE_ATTRIBUTE_REPARSE_POINT)
        return SYS_PATH_LINK;
    if (a & FILE_ATTRIBUTE_DIRECTORY)
        return SYS_PATH_FOLDER;
    if (a & FILE_ATTRIBUTE_DEVICE)
        return SYS_PATH_OTHER;
    return SYS_PATH_FILE;
}

enum sys_path_kind
sys_entry_kind(struct sys_folder *in, const char *name)
{
    wchar_t *p = entry_path(in, name);
    if (!p)
        return SYS_PATH_NONE;
    DWORD a = GetFileAttributesW(p);
    free(p);
    return kind_of(a);
}

bool
sys_folder_list(struct sys_folder *f, void (*fn)(void *ctx, const char *name), void *ctx)
{
    wchar_t *pattern = entry_path(f, "*");
    WIN32_FIND_DATAW fd;
    HANDLE           h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND || fail();
    do {
        if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
            continue;
        char *name = narrow(fd.cFileName);
        if (name)
            fn(ctx, name);
        free(name);
    } while (FindNextFileW(h, &fd));
    DWORD e = GetLastError();
    FindClose(h);
    if (e != ERROR_NO_MORE_FILES) {
        errno = errno_of(e);
        return false;
    }
    return true;
}

bool
sys_make_folder_in(struct sys_folder *in, const char *name)
{
    wchar_t *p = entry_path(in, name);
    bool     ok = p && (CreateDirectoryW(p, NULL) || fail());
    free(p);
    return ok;
}

bool
sys_remove_folder_in(struct sys_folder *in, const char *name)
{
    /* A junction or a link to a folder is removed itself, not what it points to. */
    wchar_t *p = entry_path(in, name);
    bool     ok = p && (RemoveDirectoryW(p) || fail());
    free(p);
    return ok;
}

bool
sys_remove_in(struct sys_folder *in, const char *name)
{
    wchar_t *p = entry_path(in, name);
    bool     ok = p && (DeleteFileW(p) || fail());
    free(p);
    return ok;
}

/* Replaces the trailing X's of tmpl with letters and digits from seed. */
static void
fill_template(char *tmpl, unsigned long long seed)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = strlen(tmpl); i > 0 && tmpl[i - 1] == 'X'; i--) {
        tmpl[i - 1] = chars[seed % (sizeof chars - 1)];
        seed /= sizeof chars - 1;
    }
}

/* Tries fresh names from tmpl until make (true, or false with GetLastError) meets no existing entry. */
static bool
with_new_name(struct sys_folder *in, char *tmpl, bool (*make)(void *ctx, const wchar_t *path), void *ctx)
{
    static volatile LONG counter;
    char                *pattern = xstrdup(tmpl);
    bool                 ok = false;
    DWORD                e = ERROR_FILE_EXISTS;
    for (int tries = 0; tries < 100 && !ok && (e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS); tries++) {
        LARGE_INTEGER t;
        QueryPerformanceCounter(&t);
        strcpy(tmpl, pattern);
        fill_template(tmpl, (unsigned long long)t.QuadPart * 2654435761u +
                                (unsigned long long)GetCurrentProcessId() * 40503u +
                                (unsigned long long)InterlockedIncrement(&counter) * 97u);
        wchar_t *p = entry_path(in, tmpl);
        if (!p) {
            free(pattern);
            return false;
        }
        ok = make(ctx, p);
        e = ok ? 0 : GetLastError();
        free(p);
    }
    free(pattern);
    if (!ok)
        errno = errno_of(e);
    return ok;
}

static bool
create_new(void *ctx, const wchar_t *path)
{
    /* Hidden until published: a PDF nobody should open yet. The folder's permissions apply, as to any file. */
    HANDLE *h = ctx;
    *h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_HIDDEN, NULL);
    return *h != INVALID_HANDLE_VALUE;
}

bool
sys_write_new_file_in(struct sys_folder *in, char *tmpl, const void *data, size_t len)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    if (!with_new_name(in, tmpl, create_new, &h))
        return false;
    const char *p = data;
    bool        ok = true;
    DWORD       e = 0;
    while (len > 0 && ok) {
        DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len, done = 0;
        ok = WriteFile(h, p, chunk, &done, NULL) && done > 0;
        if (!ok)
            e = GetLastError();
        p += done;
        len -= done;
    }
    if (!CloseHandle(h) && ok) {
        ok = false;
        e = GetLastError();
    }
    if (!ok) {
        sys_remove_in(in, tmpl);
        errno = errno_of(e);
    }
    return ok;
}

bool
sys_publish_in(struct sys_folder *in, const char *name)
{
    wchar_t *p = entry_path(in, name);
    bool     ok = p && (SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL) || fail());
    free(p);
    return ok;
}

bool
sys_sync_file_in(struct sys_folder *in, const char *name)
{
    wchar_t *p = entry_path(in, name);
    return p && flush_file(p, FILE_FLAG_OPEN_REPARSE_POINT); /* a link itself, never its target */
}

bool
sys_sync_filesystem_of(struct sys_folder *f)
{
    /* Flushing a whole volume needs administrator rights: each file is flushed on its own. */
    (void)f;
    errno = ENOSYS;
    return false;
}

bool
sys_sync_entries(struct sys_folder *f)
{
    /* NTFS journals its folders; MOVEFILE_WRITE_THROUGH has made each rename durable already. */
    (void)f;
    return true;
}

bool
sys_rename_in(struct sys_folder *from_in, const char *from, struct sys_folder *to_in, const char *to)
{
    wchar_t *wf = entry_path(from_in, from), *wt = wf ? entry_path(to_in, to) : NULL;
    bool     ok = wf && wt && (MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) || fail());
    free(wf);
    free(wt);
    return ok;
}

struct aside {
    const wchar_t *from;
    bool           link;
};

static bool
make_aside(void *ctx, const wchar_t *path)
{
    struct aside *a = ctx;
    if (a->link)
        return CreateHardLinkW(path, a->from, NULL) != 0;
    /* Without MOVEFILE_REPLACE_EXISTING: an entry of that name is never replaced. */
    return MoveFileExW(a->from, path, MOVEFILE_WRITE_THROUGH) != 0;
}

bool
sys_keep_aside(struct sys_folder *in, const char *name, char *tmpl, bool *moved)
{
    wchar_t *from = entry_path(in, name);
    if (!from)
        return false;
    /* A hard link keeps name in place, so its replacement stays atomic for any reader (NTFS). */
    struct aside a = {from, sys_entry_kind(in, name) == SYS_PATH_FILE};
    char        *pattern = xstrdup(tmpl);
    bool         ok = a.link && with_new_name(in, tmpl, make_aside, &a);
    if (!ok) {
        /* FAT (USB sticks) and network shares without hard links: moved aside instead. */
        strcpy(tmpl, pattern);
        a.link = false;
        ok = with_new_name(in, tmpl, make_aside, &a);
    }
    free(pattern);
    free(from);
    *moved = ok && !a.link;
    return ok;
}
