/*
 * sys_posix: the sys seam for Linux.
 *
 * Workers are forked processes (the loaded inputs are shared copy-on-write),
 * each with a pipe to the parent. Interrupts are blocked for the whole run and
 * read through a signalfd, so there is no handler and no global state; a
 * worker blocks them again only while it holds an unreported temp file.
 * Files: mkstemp (0600) in the target folder, fsync or one syncfs, rename.
 * Folders are file descriptors: every entry is reached with openat, mkdirat,
 * renameat, linkat and unlinkat relative to its folder, with O_NOFOLLOW and
 * AT_SYMLINK_NOFOLLOW, so a symbolic link inside is never followed.
 */
#include "consentgen/sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "consentgen/util.h"

/* Linux: flushes the whole file system that fd is on; unistd.h declares it only with _GNU_SOURCE. */
int syncfs(int fd);
/* POSIX (XSI); stdlib.h declares it only with _XOPEN_SOURCE or _DEFAULT_SOURCE. */
char *realpath(const char *restrict path, char *restrict resolved);

size_t
sys_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

bool
sys_stderr_is_terminal(void)
{
    return isatty(STDERR_FILENO);
}

void
sys_console_init(void)
{
}

char *
sys_program_folder(void)
{
    char    path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0 || (size_t)n >= sizeof path - 1)
        return NULL;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash)
        return NULL;
    return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* ---- interrupts ---- */

struct sys_interrupts {
    sigset_t held, old;
    int      fd; /* signalfd for held */
    int      signo;
};

struct sys_interrupts *
sys_interrupts_begin(void)
{
    struct sys_interrupts *in = xcalloc(1, sizeof(*in));
    sigemptyset(&in->held);
    sigaddset(&in->held, SIGINT);
    sigaddset(&in->held, SIGTERM);
    sigaddset(&in->held, SIGHUP);
    sigprocmask(SIG_BLOCK, &in->held, &in->old);
    in->fd = signalfd(-1, &in->held, SFD_CLOEXEC | SFD_NONBLOCK);
    if (in->fd < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &in->old, NULL);
        free(in);
        errno = e;
        return NULL;
    }
    return in;
}

void
sys_reuse_large_allocations(void)
{
#ifdef __GLIBC__
    /* glibc maps blocks above 128 KiB afresh each time and trims freed memory at once. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
#endif
}

/* Reads every pending interrupt; remembers the first. */
static void
drain(struct sys_interrupts *in)
{
    struct signalfd_siginfo si;
    while (read(in->fd, &si, sizeof si) == (ssize_t)sizeof si)
        if (!in->signo)
            in->signo = (int)si.ssi_signo;
}

int
sys_interrupts_pending(struct sys_interrupts *in)
{
    drain(in);
    return in->signo;
}

int
sys_interrupts_end(struct sys_interrupts *in, bool deliver)
{
    if (!deliver)
        drain(in);
    int signo = in->signo;
    close(in->fd);
    sigprocmask(SIG_SETMASK, &in->old, NULL);
    free(in);
    return signo;
}

void
sys_exit_by_signal(int signo)
{
    fflush(NULL);
    signal(signo, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    raise(signo);
    _exit(128 + signo);
}

const char *
sys_signal_name(int signo, char buf[static 24])
{
    static const struct {
        int         signo;
        const char *name;
    } names[] = {
        {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
        {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"},
        {SIGSEGV, "SIGSEGV"}, {SIGPIPE, "SIGPIPE"}, {SIGTERM, "SIGTERM"}, {SIGXCPU, "SIGXCPU"},
        {SIGXFSZ, "SIGXFSZ"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].signo == signo)
            return names[i].name;
    snprintf(buf, 24, "signal %d", signo);
    return buf;
}

/* ---- workers ---- */

struct sys_channel {
    int      fd; /* write end of the pipe */
    sigset_t held, old;
};

bool
sys_channel_send(struct sys_channel *ch, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(ch->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

void
sys_channel_hold_interrupts(struct sys_channel *ch)
{
    sigprocmask(SIG_BLOCK, &ch->held, &ch->old);
}

void
sys_channel_release_interrupts(struct sys_channel *ch)
{
    sigprocmask(SIG_SETMASK, &ch->old, NULL);
}

/* The life of a worker process; never returns. */
static void
worker_process(const struct sys_worker_ops *ops, struct sys_interrupts *in, size_t index, size_t n,
               int write_fd)
{
    struct sys_channel ch = {.fd = write_fd, .held = in->held};
    close(in->fd);
    /* The worker may be interrupted, except while it holds interrupts back itself. */
    sigprocmask(SIG_SETMASK, &in->old, NULL);
    int rc = ops->work(ops->work_ctx, index, n, &ch);
    close(write_fd);
    free(in);
    if (ops->worker_exit)
        ops->worker_exit(ops->work_ctx);
    _exit(rc);
}

/* Starts n workers; returns how many started. pids and fds get one entry per started worker. */
static size_t
start_workers(size_t n, const struct sys_worker_ops *ops, struct sys_interrupts *in, pid_t *pids, int *fds)
{
    pid_t parent = getpid();
    fflush(NULL);
    for (size_t w = 0; w < n; w++) {
        int p[2];
        if (pipe(p) != 0)
            return w;
        pids[w] = fork();
        if (pids[w] < 0) {
            int e = errno;
            close(p[0]);
            close(p[1]);
            errno = e;
            return w;
        }
        if (pids[w] == 0) {
            /* A worker must not outlive an interrupted parent. */
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent)
                _exit(127);
            close(p[0]);
            for (size_t i = 0; i < w; i++)
                close(fds[i]);
            free(pids);
            free(fds);
            worker_process(ops, in, w, n, p[1]);
        }
        close(p[1]);
        fds[w] = p[0];
    }
    return n;
}

/* Feeds the workers' bytes to ops->receive until every pipe is closed; passes an interrupt on. */
static void
gather(const struct sys_worker_ops *ops, struct sys_interrupts *in, const pid_t *pids, const int *fds,
       size_t n)
{
    struct pollfd *pfd = xcalloc(n + 1, sizeof(*pfd));
    size_t         open_pipes = n;
    bool           passed_on = false;
    pfd[0] = (struct pollfd){in->fd, POLLIN, 0};
    for (size_t w = 0; w < n; w++)
        pfd[w + 1] = (struct pollfd){fds[w], POLLIN, 0};
    while (open_pipes > 0) {
        if (poll(pfd, n + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if ((pfd[0].revents & POLLIN) && sys_interrupts_pending(in) && !passed_on) {
            passed_on = true;
            for (size_t w = 0; w < n; w++)
                kill(pids[w], SIGTERM);
        }
        for (size_t w = 0; w < n; w++) {
            if (pfd[w + 1].fd < 0 || !(pfd[w + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char    chunk[8192];
            ssize_t got = read(pfd[w + 1].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0) {
                ops->receive(ops->receive_ctx, w, chunk, (size_t)got);
                continue;
            }
            close(pfd[w + 1].fd);
            pfd[w + 1].fd = -1;
            open_pipes--;
        }
    }
    free(pfd);
}

size_t
sys_workers_run(size_t n, const struct sys_worker_ops *ops, struct sys_interrupts *in,
                struct sys_worker_end *ends)
{
    pid_t *pids = xcalloc(n, sizeof(*pids));
    int   *fds = xcalloc(n, sizeof(*fds));
    size_t started = start_workers(n, ops, in, pids, fds);
    int    start_errno = errno;
    if (started < n)
        for (size_t w = 0; w < started; w++)
            kill(pids[w], SIGTERM);
    gather(ops, in, pids, fds, started);
    for (size_t w = 0; w < started; w++) {
        int ws = 0;
        while (waitpid(pids[w], &ws, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(ws))
            ends[w] = (struct sys_worker_end){WEXITSTATUS(ws), 0};
        else
            ends[w] = (struct sys_worker_end){-1, WIFSIGNALED(ws) ? WTERMSIG(ws) : SIGKILL};
    }
    free(pids);
    free(fds);
    errno = start_errno;
    return started;
}

/* ---- files ---- */

static enum sys_path_kind
kind_of(mode_t mode)
{
    if (S_ISREG(mode))
        return SYS_PATH_FILE;
    if (S_ISDIR(mode))
        return SYS_PATH_FOLDER;
    if (S_ISLNK(mode))
        return SYS_PATH_LINK;
    return SYS_PATH_OTHER;
}

enum sys_path_kind
sys_path_kind(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? kind_of(st.st_mode) : SYS_PATH_NONE;
}

bool
sys_is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
sys_real_path(const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return NULL;
    char *copy = xstrdup(real); /* freed with the program's free, which may be a checker's */
    free(real);
    return copy;
}

bool
sys_make_folder(const char *path)
{
    return mkdir(path, 0777) == 0;
}

bool
sys_remove_folder(const char *path)
{
    return rmdir(path) == 0;
}

bool
sys_remove_file(const char *path)
{
    return unlink(path) == 0;
}

bool
sys_sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    int  e = errno;
    close(fd);
    errno = e;
    return ok;
}

void
sys_sync_folder(const char *folder)
{
    int fd = open(folder, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

bool
sys_rename(const char *from, const char *to)
{
    return rename(from, to) == 0;
}

/* ---- folders ---- */

struct sys_folder {
    int fd; /* O_DIRECTORY */
};

static struct sys_folder *
folder_of_fd(int fd)
{
    if (fd < 0)
        return NULL;
    struct sys_folder *f = xmalloc(sizeof(*f));
    f->fd = fd;
    return f;
}

struct sys_folder *
sys_folder_open(const char *path)
{
    return folder_of_fd(open(*path ? path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

struct sys_folder *
sys_folder_open_in(struct sys_folder *in, const char *name)
{
    /* O_NOFOLLOW: a link in place of the folder fails with ELOOP instead of leading elsewhere. */
    return folder_of_fd(openat(in->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

void
sys_folder_close(struct sys_folder *f)
{
    if (!f)
        return;
    close(f->fd);
    free(f);
}

bool
sys_folder_lock(struct sys_folder *f)
{
    /* flock on the folder itself: no lock file to leave behind. NFS and others without flock: no lock. */
    if (flock(f->fd, LOCK_EX | LOCK_NB) == 0)
        return true;
    return errno != EWOULDBLOCK;
}

bool
sys_folder_is_locked(struct sys_folder *f)
{
    if (flock(f->fd, LOCK_SH | LOCK_NB) == 0) {
        flock(f->fd, LOCK_UN);
        return false;
    }
    return errno == EWOULDBLOCK;
}

enum sys_path_kind
sys_entry_kind(struct sys_folder *in, const char *name)
{
    struct stat st;
    return fstatat(in->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? kind_of(st.st_mode) : SYS_PATH_NONE;
}

bool
sys_folder_list(struct sys_folder *f, void (*fn)(void *ctx, const char *name), void *ctx)
{
    /* closedir closes the descriptor it was given: a second one of the same folder. */
    int  fd = openat(f->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        errno = e;
        return false;
    }
    struct dirent *ent;
    errno = 0;
    while ((ent = readdir(dir)) != NULL) {
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
            fn(ctx, ent->d_name);
        errno = 0;
    }
    int e = errno;
    closedir(dir);
    errno = e;
    return e == 0;
}

bool
sys_make_folder_in(struct sys_folder *in, const char *name)
{
    return mkdirat(in->fd, name, 0777) == 0;
}

bool
sys_remove_folder_in(struct sys_folder *in, const char *name)
{
    return unlinkat(in->fd, name, AT_REMOVEDIR) == 0;
}

bool
sys_remove_in(struct sys_folder *in, const char *name)
{
    return unlinkat(in->fd, name, 0) == 0;
}

/* Replaces the trailing X's of tmpl with random letters and digits, as mkstemp does. */
static void
fill_template(char *tmpl)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t            len = strlen(tmpl), n = 0;
    while (n < len && tmpl[len - 1 - n] == 'X')
        n++;
    unsigned char rnd[16];
    if (n > sizeof rnd || getrandom(rnd, n, 0) != (ssize_t)n) {
        /* No randomness to be had: time and pid still make a clash unlikely, and O_EXCL catches it. */
        unsigned long v =
            (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16) ^ (unsigned long)clock();
        for (size_t i = 0; i < sizeof rnd; i++, v = v * 6364136223846793005UL + 1442695040888963407UL)
            rnd[i] = (unsigned char)(v >> 33);
    }
    for (size_t i = 0; i < n; i++)
        tmpl[len - n + i] = chars[rnd[i] % (sizeof chars - 1)];
}

/* Tries fresh names from tmpl until make (returns 0, or -1 with errno) does not meet EEXIST. */
static bool
with_new_name(char *tmpl, int (*make)(void *ctx, const char *name), void *ctx)
{
    char *pattern = xstrdup(tmpl);
    int   rc = -1;
    for (int tries = 0; tries < 100; tries++) {
        strcpy(tmpl, pattern);
        fill_template(tmpl);
        rc = make(ctx, tmpl);
        if (rc >= 0 || errno != EEXIST)
            break;
    }
    free(pattern);
    return rc >= 0;
}

struct new_file {
    int fd_in, fd;
};

static int
create_exclusive(void *ctx, const char *name)
{
    struct new_file *nf = ctx;
    /* 0600: pupil data stays private until the file is published. */
    nf->fd = openat(nf->fd_in, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    return nf->fd >= 0 ? 0 : -1;
}

bool
sys_write_new_file_in(struct sys_folder *in, char *tmpl, const void *data, size_t len)
{
    struct new_file nf = {in->fd, -1};
    if (!with_new_name(tmpl, create_exclusive, &nf))
        return false;
    const char *p = data;
    int         e = 0;
    while (len > 0) {
        ssize_t n = write(nf.fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    /* close can report a delayed write error (NFS). */
    if (close(nf.fd) != 0 && e == 0)
        e = errno;
    if (e != 0) {
        unlinkat(in->fd, tmpl, 0);
        errno = e;
        return false;
    }
    return true;
}

/* A file in `in` opened without following a link; -1 on failure. */
static int
open_entry(struct sys_folder *in, const char *name)
{
    return openat(in->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

bool
sys_publish_in(struct sys_folder *in, const char *name)
{
    int fd = open_entry(in, name);
    if (fd < 0)
        return false;
    mode_t mask = umask(0);
    umask(mask);
    bool ok = fchmod(fd, 0666 & ~mask) == 0;
    int  e = errno;
    close(fd);
    errno = e;
    return ok;
}

bool
sys_sync_file_in(struct sys_folder *in, const char *name)
{
    int fd = open_entry(in, name);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    int  e = errno;
    close(fd);
    errno = e;
    return ok;
}

bool
sys_sync_filesystem_of(struct sys_folder *f)
{
    return syncfs(f->fd) == 0;
}

bool
sys_sync_entries(struct sys_folder *f)
{
    /* Some file systems (FUSE, some network shares) cannot flush a folder: nothing more can be done there. */
    return fsync(f->fd) == 0 || errno == EINVAL || errno == ENOTSUP;
}

bool
sys_rename_in(struct sys_folder *from_in, const char *from, struct sys_folder *to_in, const char *to)
{
    return renameat(from_in->fd, from, to_in->fd, to) == 0;
}

struct aside {
    int         fd;
    const char *name;
    bool        link;
};

static int
make_aside(void *ctx, const char *name)
{
    struct aside *a = ctx;
    if (a->link)
        return linkat(a->fd, a->name, a->fd, name, 0);
    /* renameat would replace an entry of that name: make sure there is none. */
    struct stat st;
    if (fstatat(a->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        errno = EEXIST;
        return -1;
    }
    return renameat(a->fd, a->name, a->fd, name);
}

bool
sys_keep_aside(struct sys_folder *in, const char *name, char *tmpl, bool *moved)
{
    /* A hard link keeps name in place, so its replacement by rename stays atomic for any reader. */
    struct aside a = {in->fd, name, true};
    char        *pattern = xstrdup(tmpl);
    bool         ok = with_new_name(tmpl, make_aside, &a);
    if (!ok) {
        /* FAT (USB sticks) and some network shares have no hard links: move it aside instead. */
        strcpy(tmpl, pattern);
        a.link = false;
        ok = with_new_name(tmpl, make_aside, &a);
    }
    free(pattern);
    *moved = ok && !a.link;
    return ok;
}
