/*
 * sys_posix: the sys seam for Linux.
 *
 * Workers are forked processes (the loaded inputs are shared copy-on-write),
 * each with a pipe to the parent. Interrupts are blocked for the whole run and
 * read through a signalfd, so there is no handler and no global state; a
 * worker blocks them again only while it holds an unreported temp file.
 * Files: mkstemp (0600) in the target folder, fsync or one syncfs, rename.
 */
#include "consentgen/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "consentgen/util.h"

/* Linux: flushes the whole file system that fd is on; unistd.h declares it only with _GNU_SOURCE. */
int syncfs(int fd);

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

enum sys_path_kind
sys_path_kind(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return SYS_PATH_NONE;
    if (S_ISREG(st.st_mode))
        return SYS_PATH_FILE;
    if (S_ISDIR(st.st_mode))
        return SYS_PATH_FOLDER;
    if (S_ISLNK(st.st_mode))
        return SYS_PATH_LINK;
    return SYS_PATH_OTHER;
}

bool
sys_is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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
sys_write_new_file(char *tmpl, const void *data, size_t len)
{
    int fd = mkstemp(tmpl); /* 0600: pupil data stays private until the file is published */
    if (fd < 0)
        return false;
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    const char *p = data;
    int         e = 0;
    while (len > 0 && e == 0) {
        ssize_t n = write(fd, p, len);
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
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e != 0) {
        unlink(tmpl);
        errno = e;
        return false;
    }
    return true;
}

bool
sys_publish_file(const char *path)
{
    /* A PDF is for sharing: 0666 less the umask, like fopen(). */
    mode_t mask = umask(0);
    umask(mask);
    return chmod(path, 0666 & ~mask) == 0;
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

bool
sys_sync_filesystem(const char *folder)
{
    int fd = open(folder, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = syncfs(fd) == 0;
    close(fd);
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
