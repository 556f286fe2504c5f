/*
 * sys: the calls into the operating system that differ between platforms:
 * worker processes and the pipes back from them, interrupts (SIGINT, SIGTERM,
 * SIGHUP), and the file-system calls an atomic run needs (create a private
 * temp file, flush, keep an old file aside, rename, sync a folder), each
 * relative to an open folder so that no link inside it is followed.
 * src/sys_posix.c implements it for Linux, src/sys_win32.c for Windows; a
 * port to another system is one more file behind this header. Paths are UTF-8.
 * Functions that can fail return false (or -1) and leave the reason in errno.
 */
#ifndef CONSENTGEN_SYS_H
#define CONSENTGEN_SYS_H

#include <stdbool.h>
#include <stddef.h>

/* Processor cores online, at least 1. */
size_t sys_cpu_count(void);

/* Whether standard error is a terminal (the progress line is shown only there). */
bool sys_stderr_is_terminal(void);

/* Sets the console and standard output up for UTF-8 text, written as it is (Windows); nothing on Linux. */
void sys_console_init(void);

/* The folder the running program is in ("/usr/bin"); NULL if it cannot be told. Caller frees. */
char *sys_program_folder(void);

/*
 * Keeps freed large blocks for reuse instead of handing each back to the system: for a process that
 * decodes one large image after another (scan workers), where fresh pages cost more than the work.
 */
void sys_reuse_large_allocations(void);

/* ---- interrupts ---- */

/*
 * From sys_interrupts_begin to sys_interrupts_end, SIGINT, SIGTERM and SIGHUP
 * do not end the process: they are held back and reported by
 * sys_workers_run (and sys_interrupts_end), so a run can roll back first.
 */
struct sys_interrupts;
/* NULL (errno set) if interrupts cannot be watched. */
struct sys_interrupts *sys_interrupts_begin(void);
/* The first interrupt seen so far (0: none); looks for new ones without waiting. */
int sys_interrupts_pending(struct sys_interrupts *in);
/*
 * Restores the old state and frees in. With deliver, an interrupt still held
 * back takes effect now, as if it had just arrived; without, it is consumed.
 * Returns the first interrupt that arrived since begin (0: none).
 */
int sys_interrupts_end(struct sys_interrupts *in, bool deliver);
/* Ends the process as signo would have ended it (status 128 + signo for the shell). */
void sys_exit_by_signal(int signo) __attribute__((noreturn));
/* "SIGKILL", "SIGSEGV"; "signal N" for others. Static storage or buf. */
const char *sys_signal_name(int signo, char buf[static 24]);

/* ---- workers ---- */

/* A worker's line to the main process: records go through it in order. */
struct sys_channel;
bool sys_channel_send(struct sys_channel *ch, const void *data, size_t len);
/*
 * While held, an interrupt cannot end the worker: used between creating a temp
 * file and reporting it, so no temp file can be forgotten.
 */
void sys_channel_hold_interrupts(struct sys_channel *ch);
void sys_channel_release_interrupts(struct sys_channel *ch);

struct sys_worker_ops {
    /* In the worker: does the share `index` of n_workers; returns its exit status (0: ok). */
    int (*work)(void *work_ctx, size_t index, size_t n_workers, struct sys_channel *ch);
    void *work_ctx;
    /* In the main process: bytes from worker `index`, in order, as they arrive (records may be split). */
    void (*receive)(void *receive_ctx, size_t index, const char *data, size_t len);
    void *receive_ctx;
    /* In a worker before it ends: frees its copy of work_ctx (for leak checkers). May be NULL. */
    void (*worker_exit)(void *work_ctx);
};

/* How a worker ended: its exit status, or the signal that killed it. */
struct sys_worker_end {
    int status; /* 0..255 when it exited */
    int signo;  /* > 0: killed by this signal; status is then -1 */
};

/*
 * Runs n workers side by side (processes that share the loaded inputs
 * copy-on-write) and feeds their records to ops->receive until all have
 * ended. An interrupt held back by `in` is passed on to the workers, which are
 * ended, and remembered by `in` (sys_interrupts_pending). ends[] gets one entry per worker started;
 * returns how many started (fewer than n: errno says why, the ones started
 * have been stopped again).
 */
size_t sys_workers_run(size_t n, const struct sys_worker_ops *ops, struct sys_interrupts *in,
                       struct sys_worker_end *ends);

/* ---- files ---- */

enum sys_path_kind { SYS_PATH_NONE, SYS_PATH_FILE, SYS_PATH_FOLDER, SYS_PATH_LINK, SYS_PATH_OTHER };
/*
 * What is at path, without following a final symbolic link; SYS_PATH_NONE
 * also when it cannot be seen, with errno saying which (ENOENT: nothing there).
 */
enum sys_path_kind sys_path_kind(const char *path);
/* Whether path is a folder, following links. */
bool sys_is_folder(const char *path);

/* The absolute path of an existing file or folder, links and "." ".." resolved; NULL (errno) if none. */
char *sys_real_path(const char *path);

/* Creates one folder (not its parents), and removes an empty one: for the output folder's own path. */
bool sys_make_folder(const char *path);
bool sys_remove_folder(const char *path);
/* Path-based calls for a single file outside a run's output folder (the consent register). */
bool sys_remove_file(const char *path);
/* Flushes one file's data to disk. */
bool sys_sync_file(const char *path);
/* Makes the entries of folder (a rename into it) durable. */
void sys_sync_folder(const char *folder);
/* Renames from to to, replacing a file at to atomically. */
bool sys_rename(const char *from, const char *to);

/* ---- folders: entries named relative to an open folder, links never followed ---- */

/*
 * An open folder. A name given with one is a single entry of it (no '/'),
 * and an entry that is a symbolic link (on Windows also a junction) is never
 * followed: it is seen, replaced or removed as the link itself, and opening
 * it as a folder fails (ELOOP). So nothing done relative to an open folder
 * can reach outside it.
 */
struct sys_folder;
/* Opens the folder at path, following links in path itself (the user chose it). NULL on failure. */
struct sys_folder *sys_folder_open(const char *path);
/* Opens the folder `name` in `in`; fails (ELOOP, ENOTDIR) if name is a link or not a folder. */
struct sys_folder *sys_folder_open_in(struct sys_folder *in, const char *name);
void               sys_folder_close(struct sys_folder *f);
/*
 * Takes f for this process (and its workers) until it is closed, so two runs
 * never write into one folder at once. False with errno EWOULDBLOCK when
 * another process holds it; true where the file system has no such locks.
 */
bool sys_folder_lock(struct sys_folder *f);
/* Whether another process holds f's lock (sys_folder_lock), without taking it. */
bool sys_folder_is_locked(struct sys_folder *f);

/* What `name` in `in` is; a link counts as SYS_PATH_LINK; SYS_PATH_NONE also when it cannot be seen. */
enum sys_path_kind sys_entry_kind(struct sys_folder *in, const char *name);
/* Calls fn for each entry of f except "." and "..", in no particular order. */
bool sys_folder_list(struct sys_folder *f, void (*fn)(void *ctx, const char *name), void *ctx);
/* Creates the folder `name` in `in`. */
bool sys_make_folder_in(struct sys_folder *in, const char *name);
bool sys_remove_folder_in(struct sys_folder *in, const char *name);
/* Removes the file or link `name` in `in`. */
bool sys_remove_in(struct sys_folder *in, const char *name);
/*
 * Writes data completely to a new file in `in` named from tmpl (".name.XXXXXX",
 * the X's replaced in place), readable only by its owner until
 * sys_publish_in; not flushed to disk.
 */
bool sys_write_new_file_in(struct sys_folder *in, char *tmpl, const void *data, size_t len);
/* Gives the finished file `name` the permissions of a normal new file (0666 less the umask). */
bool sys_publish_in(struct sys_folder *in, const char *name);
/* Flushes the data of the file `name` to disk. */
bool sys_sync_file_in(struct sys_folder *in, const char *name);
/* Flushes all data of the file system that holds f; false if unsupported. */
bool sys_sync_filesystem_of(struct sys_folder *f);
/* Makes f's entries (renames into it, removals) durable; true where folders cannot be flushed. */
bool sys_sync_entries(struct sys_folder *f);
/* Renames from in from_in to `to` in to_in, replacing a file or link there atomically. */
bool sys_rename_in(struct sys_folder *from_in, const char *from, struct sys_folder *to_in, const char *to);
/*
 * Keeps the file or link `name` in `in` under a second, new name made from
 * tmpl (X's replaced in place), so it can be put back: a hard link where the
 * file system has them (name stays in place, *moved false), else a rename
 * (*moved true).
 */
bool sys_keep_aside(struct sys_folder *in, const char *name, char *tmpl, bool *moved);

#endif
