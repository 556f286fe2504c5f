/*
 * cli_render: the render run, all or nothing.
 *
 * Classes are shared out round-robin to worker processes (fork: the loaded
 * inputs are shared copy-on-write). A worker lays out each PDF, writes it to a
 * hidden temp file in its folder and reports that file to the parent over a
 * pipe. Only when every worker succeeded does the parent rename all temp files
 * into place; after a failure, or when SIGINT, SIGTERM or SIGHUP arrives (read
 * through a signalfd, so no handler and no global state), it removes them all.
 * A worker holds those signals back while a temp file exists but is not yet
 * reported, so no temp file can be forgotten.
 */
#include "consentgen/cli.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consentgen/form.h"
#include "consentgen/layout.h"
#include "consentgen/output.h"
#include "consentgen/pdf.h"
#include "consentgen/util.h"

#include "cli_int.h"

/* Records from a worker to the parent: a kind byte, then NUL-terminated fields. */
enum record_kind {
    RECORD_STAGED = 'S', /* sort key, temp path, final path */
    RECORD_FOLDER = 'D', /* a folder the worker created */
    RECORD_CLASS = 'C',  /* a class is done (progress); its name */
};

static size_t
record_fields(char kind)
{
    return kind == RECORD_STAGED ? 3 : 1;
}

static bool
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static bool
send_record(int fd, char kind, const char *const *fields)
{
    struct buf b;
    buf_init(&b);
    buf_putc(&b, kind);
    for (size_t i = 0; i < record_fields(kind); i++)
        buf_append(&b, fields[i], strlen(fields[i]) + 1);
    bool ok = write_all(fd, b.data, b.len);
    buf_fini(&b);
    return ok;
}

/* ---- worker side ---- */

struct worker {
    const struct run    *r;
    int                  fd;   /* pipe to the parent */
    sigset_t             hold; /* held back while a temp file is not yet reported */
    struct output_namer *namer;
    struct arena        *arena;
    struct diags         d;
};

/* Saves the finished PDF to a temp file in dir and reports it under key. */
static bool
stage_pdf(struct worker *w, struct pdf_writer *pdf, const char *dir, const char *name, const char *key)
{
    struct buf bytes;
    buf_init(&bytes);
    bool ok = pdf_writer_save(pdf, &bytes, &w->d);
    if (ok) {
        sigset_t old;
        char    *tmp, *final;
        sigprocmask(SIG_BLOCK, &w->hold, &old);
        ok = output_stage(dir, name, bytes.data, bytes.len, &tmp, &final, &w->d);
        if (ok) {
            const char *fields[] = {key, tmp, final};
            if (!send_record(w->fd, RECORD_STAGED, fields)) {
                output_discard(tmp);
                diag_add(&w->d, DIAG_ERROR, NULL, 0, 0, "cannot report \"%s\" to the main process: %s", final,
                         strerror(errno));
                ok = false;
            }
            free(tmp);
            free(final);
        }
        sigprocmask(SIG_SETMASK, &old, NULL);
    }
    buf_fini(&bytes);
    return ok;
}

/* Creates dir if needed; a folder made here is reported, so a failed run can remove it again. */
static bool
make_folder(struct worker *w, const char *dir)
{
    struct stat st;
    bool        existed = stat(dir, &st) == 0;
    sigset_t    old;
    sigprocmask(SIG_BLOCK, &w->hold, &old);
    bool ok = output_make_dir(dir, &w->d);
    if (ok && !existed) {
        const char *fields[] = {dir};
        ok = send_record(w->fd, RECORD_FOLDER, fields);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return ok;
}

static struct pdf_writer *
start_pdf(struct worker *w, const char *title)
{
    const struct run *r = w->r;
    struct pdf_meta   meta = {title, r->config->school.name, template_title(r->doc)};
    return pdf_writer_new(r->fonts, r->config->school.logo, &meta, &w->d);
}

static bool
add_pupil_form(struct worker *w, struct pdf_writer *pdf, const struct pupil *p, bool pad)
{
    struct layout_doc pages = {0};
    form_layout_pupil(&w->r->form, p, w->arena, &pages);
    if (pad)
        layout_pad_to_even(&pages, w->arena);
    bool ok = pdf_writer_add(pdf, &pages, &w->d);
    arena_reset(w->arena);
    return ok;
}

/* OUT/<class>.pdf: the return list, then every pupil's form (each on a new sheet with duplex). */
static bool
write_class_file(struct worker *w, size_t j)
{
    const struct run       *r = w->r;
    const struct config    *c = r->config;
    const struct class_job *job = &r->jobs[j];
    char                   *title = xasprintf("%s \xE2\x80\x93 Klasse %s", template_title(r->doc), job->name);
    struct pdf_writer      *pdf = start_pdf(w, title);
    free(title);
    bool ok = pdf != NULL;
    if (ok && c->output.class_sheet) {
        struct layout_doc pages = {0};
        form_layout_class_sheet(&r->form, job->name, job->pupils, job->n_pupils, w->arena, &pages);
        if (c->output.duplex)
            layout_pad_to_even(&pages, w->arena);
        ok = pdf_writer_add(pdf, &pages, &w->d);
        arena_reset(w->arena);
    }
    for (size_t k = 0; ok && k < job->n_pupils; k++)
        ok = add_pupil_form(w, pdf, job->pupils[k], c->output.duplex);
    if (ok) {
        char *safe = output_namer_safe_name(w->namer, job->name);
        char *name = xasprintf("%s.pdf", safe);
        char  key[48];
        snprintf(key, sizeof key, "%06zu.000000", j);
        ok = stage_pdf(w, pdf, r->out_dir, name, key);
        free(name);
        free(safe);
    }
    pdf_writer_free(pdf);
    return ok;
}

/* OUT/<class>/<Nachname>_<Vorname>.pdf for the selected pupils of class j. */
static bool
write_pupil_files(struct worker *w, size_t j)
{
    const struct run       *r = w->r;
    const struct class_job *job = &r->jobs[j];
    bool                    any = false;
    for (size_t k = 0; k < job->n_pupils; k++)
        any |= job->selected[k];
    if (!any)
        return true;
    char *safe_class = output_namer_safe_name(w->namer, job->name);
    char *dir = xasprintf("%s/%s", r->out_dir, safe_class);
    bool  ok = make_folder(w, dir);
    /* Names are made unique over the whole class, so a pupil's file name does not depend on the selection. */
    struct output_names *names = output_names_new();
    for (size_t k = 0; ok && k < job->n_pupils; k++) {
        const struct pupil *p = job->pupils[k];
        char               *who = xasprintf("%s %s", p->last_name, p->first_name);
        char               *base = output_namer_safe_name(w->namer, who);
        const char         *unique = output_names_unique(names, base);
        free(base);
        free(who);
        if (!job->selected[k])
            continue;
        char *file = xasprintf("%s.pdf", unique);
        char *title = xasprintf("%s \xE2\x80\x93 %s, %s (Klasse %s)", template_title(r->doc), p->last_name,
                                p->first_name, p->class_name);
        char  key[48];
        snprintf(key, sizeof key, "%06zu.%06zu", j, k + 1);
        struct pdf_writer *pdf = start_pdf(w, title);
        ok = pdf && add_pupil_form(w, pdf, p, false) && stage_pdf(w, pdf, dir, file, key);
        pdf_writer_free(pdf);
        free(title);
        free(file);
    }
    output_names_free(names);
    free(dir);
    free(safe_class);
    return ok;
}

/* Renders the classes with index % n_workers == index; returns the exit status. */
static int
worker_main(const struct run *r, size_t index, size_t n_workers, int fd, const sigset_t *hold)
{
    struct worker w = {r, fd, *hold, output_namer_new(), arena_new(), {0}};
    int           status = CLI_EXIT_OK;
    for (size_t j = index; j < r->n_jobs && status == CLI_EXIT_OK; j += n_workers) {
        const struct class_job *job = &r->jobs[j];
        if ((job->write_class_file && !write_class_file(&w, j)) || !write_pupil_files(&w, j))
            status = CLI_EXIT_OUTPUT;
        const char *fields[] = {job->name};
        if (status == CLI_EXIT_OK && !send_record(fd, RECORD_CLASS, fields))
            status = CLI_EXIT_OUTPUT;
    }
    cli_print_diags(&w.d);
    diags_fini(&w.d);
    output_namer_free(w.namer);
    arena_free(w.arena);
    return status;
}

/* ---- parent side ---- */

struct staged {
    char *key, *tmp, *final;
};

struct collected {
    struct staged *files;
    size_t         n_files, cap_files;
    char         **folders; /* created by workers, in creation order */
    size_t         n_folders;
    size_t         n_classes_done;
};

static void
collect_record(struct collected *c, char kind, char **fields)
{
    switch (kind) {
    case RECORD_STAGED:
        if (c->n_files == c->cap_files) {
            c->cap_files = c->cap_files ? 2 * c->cap_files : 64;
            c->files = xrealloc(c->files, c->cap_files * sizeof(*c->files));
        }
        c->files[c->n_files++] = (struct staged){xstrdup(fields[0]), xstrdup(fields[1]), xstrdup(fields[2])};
        break;
    case RECORD_FOLDER:
        c->folders = xrealloc(c->folders, (c->n_folders + 1) * sizeof(*c->folders));
        c->folders[c->n_folders++] = xstrdup(fields[0]);
        break;
    case RECORD_CLASS:
        c->n_classes_done++;
        break;
    default:
        abort();
    }
}

/* Takes every complete record from the front of in; leaves a partial one. */
static void
parse_records(struct buf *in, struct collected *c)
{
    size_t pos = 0;
    while (pos < in->len) {
        char   kind = in->data[pos];
        size_t p = pos + 1;
        char  *fields[3];
        size_t n = 0;
        while (n < record_fields(kind)) {
            char *nul = memchr(in->data + p, '\0', in->len - p);
            if (!nul)
                break;
            fields[n++] = in->data + p;
            p = (size_t)(nul - in->data) + 1;
        }
        if (n < record_fields(kind))
            break;
        collect_record(c, kind, fields);
        pos = p;
    }
    memmove(in->data, in->data + pos, in->len - pos);
    in->len -= pos;
}

static int
compare_staged(const void *a, const void *b)
{
    return strcmp(((const struct staged *)a)->key, ((const struct staged *)b)->key);
}

static void
collected_fini(struct collected *c)
{
    for (size_t i = 0; i < c->n_files; i++) {
        free(c->files[i].key);
        free(c->files[i].tmp);
        free(c->files[i].final);
    }
    for (size_t i = 0; i < c->n_folders; i++)
        free(c->folders[i]);
    free(c->files);
    free(c->folders);
}

/* Removes every temp file and every folder this run created. */
static void
roll_back(const struct collected *c, const char *out_dir, bool made_out_dir)
{
    for (size_t i = 0; i < c->n_files; i++)
        output_discard(c->files[i].tmp);
    for (size_t i = c->n_folders; i-- > 0;)
        rmdir(c->folders[i]);
    if (made_out_dir)
        rmdir(out_dir);
}

static void
show_progress(const struct run *r, size_t done)
{
    if (!r->progress)
        return;
    char line[96];
    int  n = snprintf(line, sizeof line, "\r\033[K%zu of %zu classes done", done, r->n_jobs);
    if (n > 0)
        (void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/*
 * Finds the targets that cannot be written before the first file is: a folder
 * where a class PDF goes, a file where a class folder goes.
 */
static bool
check_targets(const struct run *r, struct diags *d)
{
    struct output_namer *nm = output_namer_new();
    size_t               errors_before = d->n_errors;
    for (size_t j = 0; j < r->n_jobs; j++) {
        const struct class_job *job = &r->jobs[j];
        bool                    any = false;
        for (size_t k = 0; k < job->n_pupils; k++)
            any |= job->selected[k];
        char       *safe = output_namer_safe_name(nm, job->name);
        struct stat st;
        if (job->write_class_file) {
            char *path = xasprintf("%s/%s.pdf", r->out_dir, safe);
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                diag_add(d, DIAG_ERROR, NULL, 0, 0,
                         "cannot write \"%s\": a folder with that name is in the way", path);
            free(path);
        }
        if (any) {
            char *dir = xasprintf("%s/%s", r->out_dir, safe);
            if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
                diag_add(d, DIAG_ERROR, NULL, 0, 0,
                         "cannot create folder \"%s\": a file with that name is in the way", dir);
            free(dir);
        }
        free(safe);
    }
    output_namer_free(nm);
    return d->n_errors == errors_before;
}

/* Starts n workers; returns how many started. pids and fds get one entry per started worker. */
static size_t
start_workers(struct run *r, size_t n, const sigset_t *hold, const sigset_t *old, int sfd, pid_t *pids,
              int *fds)
{
    pid_t parent = getpid();
    fflush(NULL);
    for (size_t w = 0; w < n; w++) {
        int p[2];
        if (pipe(p) != 0)
            return w;
        pids[w] = fork();
        if (pids[w] < 0) {
            close(p[0]);
            close(p[1]);
            return w;
        }
        if (pids[w] == 0) {
            /* A worker must not outlive an interrupted parent. */
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent)
                _exit(CLI_EXIT_OUTPUT);
            close(sfd);
            close(p[0]);
            for (size_t i = 0; i < w; i++)
                close(fds[i]);
            sigprocmask(SIG_SETMASK, old, NULL);
            int rc = worker_main(r, w, n, p[1], hold);
            close(p[1]);
            /* Free the worker's copy too, so memory checkers see a clean exit. */
            run_fini(r);
            free(pids);
            free(fds);
            output_cleanup();
            _exit(rc);
        }
        close(p[1]);
        fds[w] = p[0];
    }
    return n;
}

/*
 * Reads the workers' records until every pipe is closed. A signal arriving
 * meanwhile is passed on to the workers as SIGTERM; returns its number, or 0.
 */
static int
gather(struct run *r, int sfd, const pid_t *pids, const int *fds, size_t n, struct collected *c)
{
    struct pollfd *pfd = xcalloc(n + 1, sizeof(*pfd));
    struct buf    *in = xcalloc(n, sizeof(*in));
    size_t         open_pipes = n;
    int            signo = 0;
    pfd[0] = (struct pollfd){sfd, POLLIN, 0};
    for (size_t w = 0; w < n; w++) {
        pfd[w + 1] = (struct pollfd){fds[w], POLLIN, 0};
        buf_init(&in[w]);
    }
    while (open_pipes > 0) {
        if (poll(pfd, n + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si && !signo) {
                signo = (int)si.ssi_signo;
                for (size_t w = 0; w < n; w++)
                    kill(pids[w], SIGTERM);
            }
        }
        for (size_t w = 0; w < n; w++) {
            if (pfd[w + 1].fd < 0 || !(pfd[w + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char    chunk[8192];
            ssize_t got = read(pfd[w + 1].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0) {
                buf_append(&in[w], chunk, (size_t)got);
                size_t before = c->n_classes_done;
                parse_records(&in[w], c);
                if (c->n_classes_done != before)
                    show_progress(r, c->n_classes_done);
                continue;
            }
            close(pfd[w + 1].fd);
            pfd[w + 1].fd = -1;
            open_pipes--;
        }
    }
    for (size_t w = 0; w < n; w++)
        buf_fini(&in[w]);
    free(in);
    free(pfd);
    return signo;
}

int
cli_render_run(struct run *r, size_t n_workers)
{
    struct diags d = {0};
    sigset_t     hold, old;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigprocmask(SIG_BLOCK, &hold, &old);
    int sfd = signalfd(-1, &hold, SFD_CLOEXEC | SFD_NONBLOCK);

    struct stat st;
    bool        made_out_dir = stat(r->out_dir, &st) != 0;
    if (sfd < 0 || !output_make_dir(r->out_dir, &d) || !check_targets(r, &d)) {
        if (sfd < 0)
            diag_add(&d, DIAG_ERROR, NULL, 0, 0, "cannot watch for interrupts: %s", strerror(errno));
        cli_print_diags(&d);
        fputs("consentgen: note: no file was written\n", stderr);
        diags_fini(&d);
        if (sfd >= 0)
            close(sfd);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return CLI_EXIT_OUTPUT;
    }

    pid_t           *pids = xcalloc(n_workers, sizeof(*pids));
    int             *fds = xcalloc(n_workers, sizeof(*fds));
    size_t           started = start_workers(r, n_workers, &hold, &old, sfd, pids, fds);
    int              status = CLI_EXIT_OK;
    struct collected c = {0};
    if (started < n_workers) {
        fprintf(stderr, "consentgen: error: cannot start a worker process: %s\n", strerror(errno));
        for (size_t w = 0; w < started; w++)
            kill(pids[w], SIGTERM);
        status = CLI_EXIT_OUTPUT;
    }
    int signo = gather(r, sfd, pids, fds, started, &c);
    for (size_t w = 0; w < started; w++) {
        int ws;
        while (waitpid(pids[w], &ws, 0) < 0 && errno == EINTR)
            ;
        int rc = WIFEXITED(ws) ? WEXITSTATUS(ws) : CLI_EXIT_OUTPUT;
        if (rc > status)
            status = rc;
    }
    if (r->progress)
        fputs("\r\033[K", stderr);

    if (signo || status != CLI_EXIT_OK) {
        roll_back(&c, r->out_dir, made_out_dir);
        fputs(signo ? "consentgen: note: interrupted: no file was written\n"
                    : "consentgen: note: no file was written\n",
              stderr);
    } else {
        /* Everything is staged: sync all at once, rename in class order, then list what was written. */
        qsort(c.files, c.n_files, sizeof(*c.files), compare_staged);
        char **tmps = xcalloc(c.n_files + 1, sizeof(*tmps));
        char **finals = xcalloc(c.n_files + 1, sizeof(*finals));
        for (size_t i = 0; i < c.n_files; i++) {
            tmps[i] = c.files[i].tmp;
            finals[i] = c.files[i].final;
        }
        size_t done = 0;
        if (!output_commit_all(c.n_files, tmps, finals, &done, &d))
            status = CLI_EXIT_OUTPUT;
        for (size_t i = 0; i < done; i++)
            printf("%s\n", c.files[i].final);
        /* The file that failed is gone already; the ones after it are never renamed. */
        for (size_t i = done + 1; i < c.n_files; i++)
            output_discard(c.files[i].tmp);
        free(tmps);
        free(finals);
        cli_print_diags(&d);
        /* A signal during the renames came too late to stop anything: the run is complete. */
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) > 0)
            ;
    }
    collected_fini(&c);
    diags_fini(&d);
    free(pids);
    free(fds);
    close(sfd);
    if (signo) {
        /* End the way an interrupted program ends, so the shell sees it (status 128 + signal). */
        fflush(NULL);
        signal(signo, SIG_DFL);
        sigprocmask(SIG_SETMASK, &old, NULL);
        raise(signo);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return status;
}
