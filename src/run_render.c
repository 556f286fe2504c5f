/*
 * run_render: the render run, all or nothing.
 *
 * File names are planned once for the whole run before anything is written
 * (run_plan_files), so no file of a run can overwrite another, and every
 * target is checked before the first file is written. Classes are shared out
 * round-robin to workers (sys_workers_run). A worker lays out each PDF,
 * writes it to a hidden temp file in its folder and reports that file, and
 * every problem it meets, to the main process as records. Only when every
 * worker succeeded are the temp files committed (output_commit_all: every old
 * file is put back if any step fails); after a failure or an interrupt they
 * are all removed again, with every folder the run made. A worker holds
 * interrupts back while a temp file exists but is not yet reported, and the
 * temp files of a worker that was killed are found by their names.
 *
 * Problems are sorted by class before they are shown, and only those of the
 * first class that failed are kept, so the messages are the same for any
 * number of workers.
 */
#include "consentgen/run.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/form.h"
#include "consentgen/layout.h"
#include "consentgen/output.h"
#include "consentgen/pdf.h"
#include "consentgen/sys.h"
#include "consentgen/util.h"

/* ---- file names ---- */

static bool
class_is_written(const struct run_class *cls)
{
    if (cls->write_class_file)
        return true;
    for (size_t k = 0; k < cls->n_pupils; k++)
        if (cls->selected[k])
            return true;
    return false;
}

static bool
has_pupil_files(const struct run_class *cls)
{
    for (size_t k = 0; k < cls->n_pupils; k++)
        if (cls->selected[k])
            return true;
    return false;
}

/* The roster line where a class first appears. */
static unsigned
first_line(const struct run_class *cls)
{
    unsigned line = 0;
    for (size_t k = 0; k < cls->n_pupils; k++)
        if (!line || cls->pupils[k]->line < line)
            line = cls->pupils[k]->line;
    return line;
}

/* Names every pupil of cls (so a file name does not depend on the selection); warns where two collide. */
static void
plan_pupil_files(struct run *r, struct run_class *cls, struct output_namer *nm, struct diags *d)
{
    struct output_names *names = output_names_new();
    cls->pupil_files = xcalloc(cls->n_pupils, sizeof(*cls->pupil_files));
    for (size_t k = 0; k < cls->n_pupils; k++) {
        const struct pupil *p = cls->pupils[k];
        char               *who = xasprintf("%s %s", p->last_name, p->first_name);
        char               *base = output_namer_safe_name(nm, who);
        size_t              clash;
        const char         *unique = output_names_unique(names, base, &clash);
        cls->pupil_files[k] = xasprintf("%s.pdf", unique);
        if (clash != SIZE_MAX && (cls->selected[k] || cls->selected[clash])) {
            const struct pupil *q = cls->pupils[clash];
            diag_add(d, DIAG_WARNING, r->roster->path, p->line, 0,
                     "pupils \"%s, %s\" and \"%s, %s\" (line %u) of class %s would both get the file name "
                     "\"%s.pdf\"; \"%s, %s\" gets \"%s\"",
                     p->last_name, p->first_name, q->last_name, q->first_name, q->line, cls->name, base,
                     p->last_name, p->first_name, cls->pupil_files[k]);
        }
        free(base);
        free(who);
    }
    output_names_free(names);
}

/* A class in the order names are given: larger classes first, so a class of one pupil with a typo never
 * takes a real class's name. */
struct by_size {
    size_t n_pupils, index;
};

static int
compare_by_size(const void *pa, const void *pb)
{
    const struct by_size *a = pa, *b = pb;
    if (a->n_pupils != b->n_pupils)
        return a->n_pupils > b->n_pupils ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

void
run_plan_files(struct run *r, struct diags *d)
{
    struct output_namer *nm = output_namer_new();
    struct output_names *names = output_names_new();
    /*
     * Over all classes of the roster, so a class's name does not depend on
     * the choice of classes either; the larger class keeps the plain name.
     */
    struct by_size *order = xcalloc(r->n_classes + 1, sizeof(*order));
    for (size_t j = 0; j < r->n_classes; j++)
        order[j] = (struct by_size){r->classes[j].n_pupils, j};
    if (r->n_classes > 1)
        qsort(order, r->n_classes, sizeof(*order), compare_by_size);
    for (size_t i = 0; i < r->n_classes; i++) {
        struct run_class *cls = &r->classes[order[i].index];
        char             *base = output_namer_safe_name(nm, cls->name);
        size_t            clash;
        cls->file_base = xstrdup(output_names_unique(names, base, &clash));
        if (clash != SIZE_MAX) {
            const struct run_class *other = &r->classes[order[clash].index];
            if (util_strcasecmp_ascii(cls->name, other->name) == 0)
                diag_add(d, DIAG_WARNING, r->roster->path, first_line(cls), 0,
                         "class \"%s\" differs from class \"%s\" (line %u) only in upper and lower case, "
                         "perhaps a typo in the roster; it is printed as a class of its own, under the name "
                         "\"%s\"",
                         cls->name, other->name, first_line(other), cls->file_base);
            else if (class_is_written(cls) || class_is_written(other))
                diag_add(d, DIAG_WARNING, r->roster->path, first_line(cls), 0,
                         "classes \"%s\" and \"%s\" (line %u) would both be written under the name \"%s\"; "
                         "class \"%s\" is written as \"%s\"",
                         cls->name, other->name, first_line(other), base, cls->name, cls->file_base);
        }
        free(base);
        if (has_pupil_files(cls))
            plan_pupil_files(r, cls, nm, d);
    }
    free(order);
    output_names_free(names);
    output_namer_free(nm);
}

/* ---- records ---- */

/* Records from a worker to the main process: a kind byte, then NUL-terminated fields. */
enum record_kind {
    RECORD_STAGED = 'S', /* sort key, folder ("" for OUT), temp file name, final name */
    RECORD_CLASS = 'C',  /* a class is done (progress); its index */
    RECORD_DIAG = 'E',   /* class index, level, file ("" for none), line, col, message */
};

static size_t
record_fields(char kind)
{
    switch (kind) {
    case RECORD_STAGED:
        return 4;
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

/* What a worker is given: the run and its output folder (the worker's copy, shared copy-on-write). */
struct render {
    struct run        *r;
    struct output_dir *od;
};

struct worker {
    const struct run   *r;
    struct output_dir  *od;
    struct sys_channel *ch;
    struct arena       *arena;
    struct diags        d; /* of the class being rendered; sent when it is done */
};

/* Sends the problems of class j to the main process. */
static bool
send_diags(struct worker *w, size_t j)
{
    bool ok = true;
    char cls[24];
    snprintf(cls, sizeof cls, "%zu", j);
    diags_sort(&w->d); /* the summary lines of problems not listed go along too */
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

/* Saves the finished PDF to a temp file for folder/name and reports it under key. */
static bool
stage_pdf(struct worker *w, struct pdf_writer *pdf, const char *folder, const char *name, const char *key)
{
    struct buf bytes;
    buf_init(&bytes);
    bool ok = pdf_writer_save(pdf, &bytes, &w->d);
    if (ok) {
        sys_channel_hold_interrupts(w->ch);
        char *tmp = output_stage(w->od, folder, name, bytes.data, bytes.len, &w->d);
        ok = tmp != NULL;
        if (ok) {
            const char *fields[] = {key, folder, tmp, name};
            if (!send_record(w->ch, RECORD_STAGED, fields)) {
                char *shown = output_dir_show(w->od, folder, name);
                output_discard(w->od, folder, tmp);
                diag_add(&w->d, DIAG_ERROR, NULL, 0, 0, "cannot report \"%s\" to the main process: %s", shown,
                         strerror(errno));
                free(shown);
                ok = false;
            }
            free(tmp);
        }
        sys_channel_release_interrupts(w->ch);
    }
    buf_fini(&bytes);
    return ok;
}

static struct pdf_writer *
start_pdf(struct worker *w, const char *title)
{
    const struct run *r = w->r;
    struct pdf_meta   meta = {title, r->config->school.name, template_title(r->doc)};
    return pdf_writer_new(r->fonts, r->config->school.logo, &meta, &w->d);
}

/*
 * Pupil p's form, then its translation, if the family's language has one: on a sheet of its own
 * (duplex), so the German form can be handed back alone. pad: the pages end with a full sheet.
 */
static bool
add_pupil_form(struct worker *w, struct pdf_writer *pdf, const struct pupil *p, bool pad)
{
    const struct form_translation *t = form_translation_of(&w->r->form, p);
    struct layout_doc              pages = {0};
    form_layout_pupil(&w->r->form, p, w->arena, &pages);
    if (pad || (t && w->r->config->output.duplex))
        layout_pad_to_even(&pages, w->arena);
    bool ok = pdf_writer_add(pdf, &pages, &w->d);
    arena_reset(w->arena);
    if (ok && t) {
        form_layout_translation(&w->r->form, t, p, w->arena, &pages);
        if (pad)
            layout_pad_to_even(&pages, w->arena);
        ok = pdf_writer_add(pdf, &pages, &w->d);
        arena_reset(w->arena);
    }
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
        char *name = xasprintf("%s.pdf", cls->file_base);
        char  key[48];
        snprintf(key, sizeof key, "%06zu.000000", j);
        ok = stage_pdf(w, pdf, "", name, key);
        free(name);
    }
    pdf_writer_free(pdf);
    return ok;
}

/* OUT/<class>/<Nachname>_<Vorname>.pdf for the selected pupils of class j (the folder exists already). */
static bool
write_pupil_files(struct worker *w, size_t j)
{
    const struct run       *r = w->r;
    const struct run_class *cls = &r->classes[j];
    bool                    ok = true;
    for (size_t k = 0; ok && k < cls->n_pupils; k++) {
        if (!cls->selected[k])
            continue;
        const struct pupil *p = cls->pupils[k];
        char *title = xasprintf("%s \xE2\x80\x93 %s, %s (Klasse %s)", template_title(r->doc), p->last_name,
                                p->first_name, p->class_name);
        char  key[48];
        snprintf(key, sizeof key, "%06zu.%06zu", j, k + 1);
        struct pdf_writer *pdf = start_pdf(w, title);
        ok = pdf && add_pupil_form(w, pdf, p, false) &&
             stage_pdf(w, pdf, cls->file_base, cls->pupil_files[k], key);
        pdf_writer_free(pdf);
        free(title);
    }
    return ok;
}

/* A worker: renders the classes with index % n_workers == index, stops at the first that fails. */
static int
work(void *ctx, size_t index, size_t n_workers, struct sys_channel *ch)
{
    const struct render *rd = ctx;
    const struct run    *r = rd->r;
    struct worker        w = {r, rd->od, ch, arena_new(), {0}};
    bool                 ok = true;
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
    arena_free(w.arena);
    return ok ? 0 : 1;
}

/* In a worker process before it exits: its copy of the run, so memory checkers see a clean exit. */
static void
worker_exit(void *ctx)
{
    struct render *rd = ctx;
    output_dir_free(rd->od);
    run_fini(rd->r);
    output_cleanup();
}

/* ---- main-process side ---- */

struct staged {
    char *key, *folder, *tmp, *name;
};

struct worker_diag {
    size_t      class_index;
    struct diag diag; /* owns file and msg */
};

struct collected {
    const struct run          *r;
    const struct run_progress *progress;
    struct buf                *in;        /* per worker: bytes not yet parsed */
    size_t                    *last_done; /* per worker: the last class it finished; SIZE_MAX: none yet */
    size_t                    *n_errors;  /* per worker: errors it reported */
    struct staged             *files;
    size_t                     n_files, cap_files;
    struct worker_diag        *diags;
    size_t                     n_diags;
    size_t                     n_classes_done;
};

static void
add_worker_diag(struct collected *c, size_t class_index, struct diag g)
{
    c->diags = xrealloc(c->diags, (c->n_diags + 1) * sizeof(*c->diags));
    g.seq = c->n_diags;
    c->diags[c->n_diags++] = (struct worker_diag){class_index, g};
}

static void
collect_record(struct collected *c, size_t w, char kind, char **fields)
{
    switch (kind) {
    case RECORD_STAGED:
        if (c->n_files == c->cap_files) {
            c->cap_files = c->cap_files ? 2 * c->cap_files : 64;
            c->files = xrealloc(c->files, c->cap_files * sizeof(*c->files));
        }
        c->files[c->n_files++] =
            (struct staged){xstrdup(fields[0]), xstrdup(fields[1]), xstrdup(fields[2]), xstrdup(fields[3])};
        break;
    case RECORD_CLASS:
        c->last_done[w] = strtoul(fields[0], NULL, 10);
        c->n_classes_done++;
        if (c->progress && c->progress->class_done)
            c->progress->class_done(c->progress->ctx, c->n_classes_done, c->r->n_classes);
        break;
    case RECORD_DIAG: {
        struct diag g = {(enum diag_level)atoi(fields[1]),
                         *fields[2] ? xstrdup(fields[2]) : NULL,
                         (unsigned)strtoul(fields[3], NULL, 10),
                         (unsigned)strtoul(fields[4], NULL, 10),
                         xstrdup(fields[5]),
                         0};
        if (g.level == DIAG_ERROR)
            c->n_errors[w]++;
        add_worker_diag(c, strtoul(fields[0], NULL, 10), g);
        break;
    }
    default:
        abort();
    }
}

/* Takes every complete record from the front of in; leaves a partial one. */
static void
parse_records(struct buf *in, struct collected *c, size_t w)
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
        collect_record(c, w, kind, fields);
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
    parse_records(&c->in[index], c, index);
}

/*
 * A worker that did not end well without saying why (killed by a signal: out
 * of memory, a file-size limit, a crash): the class it was printing, and why.
 */
static void
explain_worker_ends(struct collected *c, const struct sys_worker_end *ends, size_t n_workers)
{
    for (size_t w = 0; w < n_workers; w++) {
        if (ends[w].status == 0 || (ends[w].signo == 0 && c->n_errors[w] > 0))
            continue;
        size_t       j = c->last_done[w] == SIZE_MAX ? w : c->last_done[w] + n_workers;
        const char  *cls = j < c->r->n_classes ? c->r->classes[j].name : NULL;
        char         buf[24];
        struct diags one = {0};
        if (ends[w].signo && cls)
            diag_add(&one, DIAG_ERROR, NULL, 0, 0, "the worker process for class \"%s\" was killed by %s",
                     cls, sys_signal_name(ends[w].signo, buf));
        else if (ends[w].signo)
            diag_add(&one, DIAG_ERROR, NULL, 0, 0, "a worker process was killed by %s",
                     sys_signal_name(ends[w].signo, buf));
        else if (cls)
            diag_add(&one, DIAG_ERROR, NULL, 0, 0, "the worker process for class \"%s\" ended with status %d",
                     cls, ends[w].status);
        else
            diag_add(&one, DIAG_ERROR, NULL, 0, 0, "a worker process ended with status %d", ends[w].status);
        /* The message moves over; the list that made it is freed without it. */
        struct diag g = one.v[0];
        one.v[0].file = one.v[0].msg = NULL;
        diags_fini(&one);
        add_worker_diag(c, cls ? j : c->r->n_classes, g);
    }
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
    size_t last_class = SIZE_MAX;
    if (failed)
        for (size_t i = 0; i < c->n_diags && last_class == SIZE_MAX; i++)
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
        free(c->files[i].folder);
        free(c->files[i].tmp);
        free(c->files[i].name);
    }
    free(c->files);
}

/* The staged files as output wants them, in class order. Caller frees the array. */
static struct output_file *
staged_files(struct collected *c)
{
    if (c->n_files > 1)
        qsort(c->files, c->n_files, sizeof(*c->files), compare_staged);
    struct output_file *files = xcalloc(c->n_files + 1, sizeof(*files));
    for (size_t i = 0; i < c->n_files; i++)
        files[i] = (struct output_file){c->files[i].folder, c->files[i].tmp, c->files[i].name};
    return files;
}

/*
 * Finds the targets that cannot be written before the first file is: a folder
 * where a PDF goes, a file or a link where a class folder goes.
 */
static bool
check_targets(const struct run *r, struct output_dir *od, struct diags *d)
{
    bool ok = true;
    for (size_t j = 0; j < r->n_classes; j++) {
        const struct run_class *cls = &r->classes[j];
        if (cls->write_class_file) {
            char *name = xasprintf("%s.pdf", cls->file_base);
            ok &= output_dir_check_file(od, "", name, d);
            free(name);
        }
        if (!has_pupil_files(cls))
            continue;
        if (!output_dir_check_folder(od, cls->file_base, d)) {
            ok = false;
            continue;
        }
        /* A new class folder has nothing in the way. */
        if (output_dir_kind(od, "", cls->file_base) != SYS_PATH_FOLDER)
            continue;
        for (size_t k = 0; k < cls->n_pupils; k++)
            if (cls->selected[k])
                ok &= output_dir_check_file(od, cls->file_base, cls->pupil_files[k], d);
    }
    return ok;
}

/* Whether the run writes every pupil of cls, so any other file in its folder is no pupil's of the roster. */
static bool
writes_whole_class(const struct run_class *cls)
{
    for (size_t k = 0; k < cls->n_pupils; k++)
        if (!cls->selected[k])
            return false;
    return cls->n_pupils > 0;
}

/*
 * Files in a class folder that belong to no pupil of the class (a pupil who
 * has left): a note each; they are left alone.
 */
static void
report_stale_files(const struct run *r, struct output_dir *od, struct diags *d)
{
    for (size_t j = 0; j < r->n_classes; j++) {
        const struct run_class *cls = &r->classes[j];
        if (!writes_whole_class(cls) || !cls->pupil_files)
            continue;
        size_t n;
        char **names = output_dir_list(od, cls->file_base, &n);
        for (size_t i = 0; i < n; i++) {
            bool ours = false;
            for (size_t k = 0; k < cls->n_pupils && !ours; k++)
                ours = strcmp(names[i], cls->pupil_files[k]) == 0;
            /* A folder of the secretary's own (say "alt") is no pupil's file. */
            if (!ours && output_dir_kind(od, cls->file_base, names[i]) != SYS_PATH_FOLDER) {
                char *shown = output_dir_show(od, cls->file_base, names[i]);
                diag_add(
                    d, DIAG_NOTE, NULL, 0, 0,
                    "\"%s\" belongs to no pupil of class %s in the roster, perhaps one who has left; it is "
                    "left as it is",
                    shown, cls->name);
                free(shown);
            }
            free(names[i]);
        }
        free(names);
    }
}

void
run_check_output(const struct run *r, struct diags *d)
{
    struct output_dir *od = output_dir_peek(r->out_dir, NULL);
    if (!od)
        return;
    /* While a render writes, its temp files are no leftovers. */
    bool busy = output_dir_is_busy(od);
    bool class_files = false;
    for (size_t j = 0; j < r->n_classes; j++)
        class_files |= r->classes[j].write_class_file;
    /* Each class folder a render would write into, then OUT itself (index n_classes). */
    for (size_t j = 0; !busy && j <= r->n_classes; j++) {
        const char *folder = j < r->n_classes ? r->classes[j].file_base : "";
        if (j < r->n_classes ? !has_pupil_files(&r->classes[j]) : !class_files)
            continue;
        size_t n;
        char **names = output_dir_leftovers(od, folder, &n);
        for (size_t i = 0; i < n; i++) {
            char *shown = output_dir_show(od, folder, names[i]);
            diag_add(
                d, DIAG_NOTE, NULL, 0, 0,
                "\"%s\" is a temporary file that an earlier run left when it was stopped; the next render "
                "removes it",
                shown);
            free(shown);
            free(names[i]);
        }
        free(names);
    }
    report_stale_files(r, od, d);
    output_dir_free(od);
}

/*
 * Opens OUT, checks every target and makes the class folders, before any
 * worker starts. NULL (nothing left behind) if a target cannot be written.
 */
static struct output_dir *
prepare_output(const struct run *r, struct diags *d)
{
    struct output_dir *od = output_dir_open(r->out_dir, NULL, d);
    if (!od)
        return NULL;
    bool ok = check_targets(r, od, d);
    bool class_files = false;
    for (size_t j = 0; ok && j < r->n_classes; j++) {
        const struct run_class *cls = &r->classes[j];
        class_files |= cls->write_class_file;
        if (has_pupil_files(cls) && (ok = output_dir_make_folder(od, cls->file_base, d)))
            output_dir_watch(od, cls->file_base);
    }
    if (ok && class_files)
        output_dir_watch(od, "");
    if (!ok) {
        output_roll_back(od, 0, NULL, d);
        output_dir_free(od);
        return NULL;
    }
    return od;
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
    struct output_dir *od = prepare_output(r, d);
    if (!od) {
        sys_interrupts_end(in, false);
        return false;
    }

    size_t n_workers = r->req->jobs ? r->req->jobs : sys_cpu_count();
    if (n_workers > r->n_classes)
        n_workers = r->n_classes ? r->n_classes : 1;
    struct collected c = {.r = r,
                          .progress = progress,
                          .in = xcalloc(n_workers, sizeof(struct buf)),
                          .last_done = xcalloc(n_workers, sizeof(size_t)),
                          .n_errors = xcalloc(n_workers, sizeof(size_t))};
    for (size_t w = 0; w < n_workers; w++)
        c.last_done[w] = SIZE_MAX;
    struct render          rd = {(struct run *)r, od};
    struct sys_worker_ops  ops = {work, &rd, receive, &c, worker_exit};
    struct sys_worker_end *ends = xcalloc(n_workers, sizeof(*ends));
    size_t                 started = sys_workers_run(n_workers, &ops, in, ends);
    bool                   ok = started == n_workers;
    if (!ok)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start a worker process: %s", strerror(errno));
    for (size_t w = 0; w < started; w++)
        ok = ok && ends[w].status == 0;
    res->signo = sys_interrupts_pending(in);
    if (!ok && !res->signo)
        explain_worker_ends(&c, ends, started);
    report_worker_diags(&c, !ok, d);

    struct output_file *files = staged_files(&c);
    if (res->signo || !ok) {
        output_roll_back(od, c.n_files, files, d);
    } else {
        ok = output_commit_all(od, c.n_files, files, d);
        res->written = xcalloc(c.n_files + 1, sizeof(*res->written));
        for (size_t i = 0; ok && i < c.n_files; i++)
            res->written[res->n_written++] = output_dir_show(od, files[i].folder, files[i].name);
        if (ok)
            report_stale_files(r, od, d);
    }
    /* An interrupt during the commit came too late to stop anything: the run is complete. */
    sys_interrupts_end(in, false);
    output_dir_free(od);
    for (size_t w = 0; w < n_workers; w++)
        buf_fini(&c.in[w]);
    free(c.in);
    free(c.last_done);
    free(c.n_errors);
    free(ends);
    free(files);
    collected_fini(&c);
    return ok && !res->signo;
}
