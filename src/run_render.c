/*
 * run_render: the render run, all or nothing.
 *
 * Classes are shared out round-robin to workers (sys_workers_run). A worker
 * lays out each PDF, writes it to a hidden temp file in its folder and reports
 * that file, and every problem it meets, to the main process as records. Only
 * when every worker succeeded are the temp files renamed into place; after a
 * failure or an interrupt they are all removed again, with every folder the
 * run made. A worker holds interrupts back while a temp file exists but is not
 * yet reported, so no temp file can be forgotten.
 *
 * Problems are sorted by class before they are shown, and only those of the
 * first class that failed are kept, so the messages are the same for any
 * number of workers.
 */
#include "consentgen/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/form.h"
#include "consentgen/layout.h"
#include "consentgen/output.h"
#include "consentgen/pdf.h"
#include "consentgen/sys.h"
#include "consentgen/util.h"

/* Records from a worker to the main process: a kind byte, then NUL-terminated fields. */
enum record_kind {
    RECORD_STAGED = 'S', /* sort key, temp path, final path */
    RECORD_FOLDER = 'D', /* a folder the worker created */
    RECORD_CLASS = 'C',  /* a class is done (progress); its index */
    RECORD_DIAG = 'E',   /* class index, level, file ("" for none), line, col, message */
};

static size_t
record_fields(char kind)
{
    switch (kind) {
    case RECORD_STAGED:
        return 3;
    case RECORD_DIAG:
        return 6;
    default:
        return 1;
    }
}

static bool
send_record(struct sys_channel *ch, char kind, const char *const *fields)
{
    struct buf b;
    buf_init(&b);
    buf_putc(&b, kind);
    for (size_t i = 0; i < record_fields(kind); i++)
        buf_append(&b, fields[i], strlen(fields[i]) + 1);
    bool ok = sys_channel_send(ch, b.data, b.len);
    buf_fini(&b);
    return ok;
}

/* ---- worker side ---- */

struct worker {
    const struct run    *r;
    struct sys_channel  *ch;
    struct output_namer *namer;
    struct arena        *arena;
    struct diags         d; /* of the class being rendered; sent when it is done */
};

/* Sends the problems of class j to the main process. */
static bool
send_diags(struct worker *w, size_t j)
{
    bool ok = true;
    char cls[24];
    snprintf(cls, sizeof cls, "%zu", j);
    for (size_t i = 0; ok && i < w->d.n; i++) {
        const struct diag *g = &w->d.v[i];
        char               level[4], line[16], col[16];
        snprintf(level, sizeof level, "%d", (int)g->level);
        snprintf(line, sizeof line, "%u", g->line);
        snprintf(col, sizeof col, "%u", g->col);
        const char *fields[] = {cls, level, g->file ? g->file : "", line, col, g->msg};
        ok = send_record(w->ch, RECORD_DIAG, fields);
    }
    diags_fini(&w->d);
    return ok;
}

/* Saves the finished PDF to a temp file in dir and reports it under key. */
static bool
stage_pdf(struct worker *w, struct pdf_writer *pdf, const char *dir, const char *name, const char *key)
{
    struct buf bytes;
    buf_init(&bytes);
    bool ok = pdf_writer_save(pdf, &bytes, &w->d);
    if (ok) {
        char *tmp, *final;
        sys_channel_hold_interrupts(w->ch);
        ok = output_stage(dir, name, bytes.data, bytes.len, &tmp, &final, &w->d);
        if (ok) {
            const char *fields[] = {key, tmp, final};
            if (!send_record(w->ch, RECORD_STAGED, fields)) {
                output_discard(tmp);
                diag_add(&w->d, DIAG_ERROR, NULL, 0, 0, "cannot report \"%s\" to the main process: %s", final,
                         strerror(errno));
                ok = false;
            }
            free(tmp);
            free(final);
        }
        sys_channel_release_interrupts(w->ch);
    }
    buf_fini(&bytes);
    return ok;
}

/* Creates dir if needed; a folder made here is reported, so a failed run can remove it again. */
static bool
make_folder(struct worker *w, const char *dir)
{
    bool existed = sys_is_folder(dir);
    sys_channel_hold_interrupts(w->ch);
    bool ok = output_make_dir(dir, &w->d);
    if (ok && !existed) {
        const char *fields[] = {dir};
        ok = send_record(w->ch, RECORD_FOLDER, fields);
    }
    sys_channel_release_interrupts(w->ch);
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
    const struct run_class *cls = &r->classes[j];
    char                   *title = xasprintf("%s \xE2\x80\x93 Klasse %s", template_title(r->doc), cls->name);
    struct pdf_writer      *pdf = start_pdf(w, title);
    free(title);
    bool ok = pdf != NULL;
    if (ok && c->output.class_sheet) {
        struct layout_doc pages = {0};
        form_layout_class_sheet(&r->form, cls->name, cls->pupils, (const char *const *)cls->answers,
                                cls->n_pupils, w->arena, &pages);
        if (c->output.duplex)
            layout_pad_to_even(&pages, w->arena);
        ok = pdf_writer_add(pdf, &pages, &w->d);
        arena_reset(w->arena);
    }
    for (size_t k = 0; ok && k < cls->n_pupils; k++)
        if (!cls->answers || !cls->answers[k]) /* --missing: only those whose answer is not back */
            ok = add_pupil_form(w, pdf, cls->pupils[k], c->output.duplex);
    if (ok) {
        char *safe = output_namer_safe_name(w->namer, cls->name);
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
    const struct run_class *cls = &r->classes[j];
    bool                    any = false;
    for (size_t k = 0; k < cls->n_pupils; k++)
        any |= cls->selected[k];
    if (!any)
        return true;
    char *safe_class = output_namer_safe_name(w->namer, cls->name);
    char *dir = xasprintf("%s/%s", r->out_dir, safe_class);
    bool  ok = make_folder(w, dir);
    /* Names are made unique over the whole class, so a pupil's file name does not depend on the selection. */
    struct output_names *names = output_names_new();
    for (size_t k = 0; ok && k < cls->n_pupils; k++) {
        const struct pupil *p = cls->pupils[k];
        char               *who = xasprintf("%s %s", p->last_name, p->first_name);
        char               *base = output_namer_safe_name(w->namer, who);
        const char         *unique = output_names_unique(names, base);
        free(base);
        free(who);
        if (!cls->selected[k])
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

/* A worker: renders the classes with index % n_workers == index, stops at the first that fails. */
static int
work(void *ctx, size_t index, size_t n_workers, struct sys_channel *ch)
{
    const struct run *r = ctx;
    struct worker     w = {r, ch, output_namer_new(), arena_new(), {0}};
    bool              ok = true;
    for (size_t j = index; j < r->n_classes && ok; j += n_workers) {
        const struct run_class *cls = &r->classes[j];
        ok = (!cls->write_class_file || write_class_file(&w, j)) && write_pupil_files(&w, j);
        char done[24];
        snprintf(done, sizeof done, "%zu", j);
        const char *fields[] = {done};
        bool        sent = send_diags(&w, j);
        ok = ok && sent && send_record(ch, RECORD_CLASS, fields);
    }
    diags_fini(&w.d);
    output_namer_free(w.namer);
    arena_free(w.arena);
    return ok ? 0 : 1;
}

/* In a worker process before it exits: its copy of the run, so memory checkers see a clean exit. */
static void
worker_exit(void *ctx)
{
    run_fini((struct run *)ctx);
    output_cleanup();
}

/* ---- main-process side ---- */

struct staged {
    char *key, *tmp, *final;
};

struct worker_diag {
    size_t      class_index;
    struct diag diag; /* owns file and msg */
};

struct collected {
    const struct run          *r;
    const struct run_progress *progress;
    struct buf                *in; /* per worker: bytes not yet parsed */
    struct staged             *files;
    size_t                     n_files, cap_files;
    char                     **folders; /* created by workers, in creation order */
    size_t                     n_folders;
    struct worker_diag        *diags;
    size_t                     n_diags;
    size_t                     n_classes_done;
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
        if (c->progress && c->progress->class_done)
            c->progress->class_done(c->progress->ctx, c->n_classes_done, c->r->n_classes);
        break;
    case RECORD_DIAG: {
        c->diags = xrealloc(c->diags, (c->n_diags + 1) * sizeof(*c->diags));
        struct worker_diag *g = &c->diags[c->n_diags++];
        g->class_index = strtoul(fields[0], NULL, 10);
        g->diag = (struct diag){(enum diag_level)atoi(fields[1]),
                                *fields[2] ? xstrdup(fields[2]) : NULL,
                                (unsigned)strtoul(fields[3], NULL, 10),
                                (unsigned)strtoul(fields[4], NULL, 10),
                                xstrdup(fields[5]),
                                c->n_diags};
        break;
    }
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
        char  *fields[6];
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

static void
receive(void *ctx, size_t index, const char *data, size_t len)
{
    struct collected *c = ctx;
    buf_append(&c->in[index], data, len);
    parse_records(&c->in[index], c);
}

static int
compare_staged(const void *a, const void *b)
{
    return strcmp(((const struct staged *)a)->key, ((const struct staged *)b)->key);
}

static int
compare_worker_diags(const void *pa, const void *pb)
{
    const struct worker_diag *a = pa, *b = pb;
    if (a->class_index != b->class_index)
        return a->class_index < b->class_index ? -1 : 1;
    return a->diag.seq < b->diag.seq ? -1 : a->diag.seq > b->diag.seq;
}

/*
 * Moves the workers' problems to d in class order. After a failure only the
 * classes up to the first one with an error count: what other workers met
 * after it depends on their number.
 */
static void
report_worker_diags(struct collected *c, bool failed, struct diags *d)
{
    if (c->n_diags > 1)
        qsort(c->diags, c->n_diags, sizeof(*c->diags), compare_worker_diags);
    size_t last_class = (size_t)-1;
    if (failed)
        for (size_t i = 0; i < c->n_diags && last_class == (size_t)-1; i++)
            if (c->diags[i].diag.level == DIAG_ERROR)
                last_class = c->diags[i].class_index;
    for (size_t i = 0; i < c->n_diags; i++) {
        struct diag *g = &c->diags[i].diag;
        if (c->diags[i].class_index <= last_class)
            diag_add(d, g->level, g->file, g->line, g->col, "%s", g->msg);
        free(g->file);
        free(g->msg);
    }
    free(c->diags);
    c->diags = NULL;
    c->n_diags = 0;
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
        sys_remove_folder(c->folders[i]);
    if (made_out_dir)
        sys_remove_folder(out_dir);
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
    for (size_t j = 0; j < r->n_classes; j++) {
        const struct run_class *cls = &r->classes[j];
        bool                    any = false;
        for (size_t k = 0; k < cls->n_pupils; k++)
            any |= cls->selected[k];
        char *safe = output_namer_safe_name(nm, cls->name);
        if (cls->write_class_file) {
            char *path = xasprintf("%s/%s.pdf", r->out_dir, safe);
            if (sys_is_folder(path))
                diag_add(d, DIAG_ERROR, NULL, 0, 0,
                         "cannot write \"%s\": a folder with that name is in the way", path);
            free(path);
        }
        if (any) {
            char *dir = xasprintf("%s/%s", r->out_dir, safe);
            if (sys_path_kind(dir) != SYS_PATH_NONE && !sys_is_folder(dir))
                diag_add(d, DIAG_ERROR, NULL, 0, 0,
                         "cannot create folder \"%s\": a file with that name is in the way", dir);
            free(dir);
        }
        free(safe);
    }
    output_namer_free(nm);
    return d->n_errors == errors_before;
}

/* Everything is staged: one flush, renames in class order. Returns false if one failed. */
static bool
commit(struct collected *c, struct run_render_result *res, struct diags *d)
{
    if (c->n_files > 1)
        qsort(c->files, c->n_files, sizeof(*c->files), compare_staged);
    char **tmps = xcalloc(c->n_files + 1, sizeof(*tmps));
    char **finals = xcalloc(c->n_files + 1, sizeof(*finals));
    for (size_t i = 0; i < c->n_files; i++) {
        tmps[i] = c->files[i].tmp;
        finals[i] = c->files[i].final;
    }
    size_t done = 0;
    bool   ok = output_commit_all(c->n_files, tmps, finals, &done, d);
    res->written = xcalloc(done + 1, sizeof(*res->written));
    for (size_t i = 0; i < done; i++)
        res->written[res->n_written++] = xstrdup(c->files[i].final);
    /* The file that failed is gone already; the ones after it are never renamed. */
    for (size_t i = done + 1; i < c->n_files; i++)
        output_discard(c->files[i].tmp);
    free(tmps);
    free(finals);
    return ok;
}

void
run_render_result_fini(struct run_render_result *res)
{
    for (size_t i = 0; i < res->n_written; i++)
        free(res->written[i]);
    free(res->written);
    memset(res, 0, sizeof(*res));
}

bool
run_render(const struct run *r, const struct run_progress *progress, struct run_render_result *res,
           struct diags *d)
{
    memset(res, 0, sizeof(*res));
    struct sys_interrupts *in = sys_interrupts_begin();
    if (!in) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot watch for interrupts: %s", strerror(errno));
        return false;
    }
    bool made_out_dir = sys_path_kind(r->out_dir) == SYS_PATH_NONE;
    if (!output_make_dir(r->out_dir, d) || !check_targets(r, d)) {
        sys_interrupts_end(in, false);
        return false;
    }

    size_t n_workers = r->req->jobs ? r->req->jobs : sys_cpu_count();
    if (n_workers > r->n_classes)
        n_workers = r->n_classes ? r->n_classes : 1;
    struct collected       c = {.r = r, .progress = progress, .in = xcalloc(n_workers, sizeof(struct buf))};
    struct sys_worker_ops  ops = {work, (void *)r, receive, &c, worker_exit};
    struct sys_worker_end *ends = xcalloc(n_workers, sizeof(*ends));
    size_t                 started = sys_workers_run(n_workers, &ops, in, ends);
    bool                   ok = started == n_workers;
    if (!ok)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start a worker process: %s", strerror(errno));
    for (size_t w = 0; w < started; w++)
        ok = ok && ends[w].status == 0;
    report_worker_diags(&c, !ok, d);

    res->signo = sys_interrupts_pending(in);
    if (res->signo || !ok)
        roll_back(&c, r->out_dir, made_out_dir);
    else
        ok = commit(&c, res, d);
    /* An interrupt during the renames came too late to stop anything: the run is complete. */
    sys_interrupts_end(in, false);
    for (size_t w = 0; w < n_workers; w++)
        buf_fini(&c.in[w]);
    free(c.in);
    free(ends);
    collected_fini(&c);
    return ok && !res->signo;
}
