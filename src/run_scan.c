/*
 * run_scan: the scan run. Every scan file is opened first (a file that cannot be read stops the run
 * before any work). Then the pages are shared out to worker processes (page g of all files to worker
 * g % n), each of which reads its pages and sends back one record per slip found and one per page:
 *   - every QR code whose text starts with "CG1-" is a slip; its token is looked up among the tokens
 *     computed from config and roster (and from the register's rows of pupils who left), so no state
 *     is kept between printing and scanning;
 *   - a slip of a roster pupil is read through that pupil's slip geometry (the form laid out again:
 *     the signature lines depend on the pupil's age) and decided by scan_read_slip;
 *   - corner marks that no read code accounts for are a slip whose code could not be read.
 * The main process sorts the records by file, page and position, so the result is the same for any
 * number of workers, merges the answers into the register in that order (Quelle "FILE:PAGE"), and
 * writes the register (if it changed) and then the review file beside it, each atomically. A page that
 * cannot be read is an input error: then nothing is written.
 */
#include "consentgen/run.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/output.h"
#include "consentgen/scan.h"
#include "consentgen/sys.h"
#include "consentgen/util.h"

#include "run_int.h"

#define PT_PER_MM (72.0 / 25.4)
/* The review's pictures: a slip at this resolution, a whole page at the second. */
#define PICTURE_DPI 120.0
#define PAGE_PICTURE_DPI 90.0
/* A mark this far outside a read slip's area is not that slip's. */
#define MARK_SLACK_MM 10.0
/* Marks of one slip whose code was not read: at least this many unexplained ones. */
#define UNREAD_MIN_MARKS 2
#define MAX_PAGE_MARKS 64
/* Slips on one page whose area is known (an A3 page holds a handful). */
#define MAX_PAGE_SLIPS 32

/* One computed token and whose it is. */
struct token_entry {
    char   token[FORM_TOKEN_LEN + 1];
    bool   is_left; /* a register row of a pupil no longer in the roster */
    size_t index;   /* roster pupil or register row */
};

/* What a page turned out to be, as a worker tells the main process. */
enum page_status {
    PAGE_SLIPS,       /* one or more slips (codes) */
    PAGE_BLANK,       /* no ink: the back of a sheet */
    PAGE_NOTHING,     /* ink, but no code and no corner marks */
    PAGE_UNREADABLE,  /* the page could not be decoded (a diag says why) */
};

/* Records from a worker: a 4-byte length, then one of these kinds and its payload. */
enum record_kind { RECORD_PAGE = 'P', RECORD_SLIP = 'S', RECORD_DIAG = 'E' };

struct page_record {
    uint32_t file, page;
    uint32_t status; /* enum page_status */
};

/* The fixed part of a RECORD_SLIP; the picture's JPEG bytes follow. */
struct slip_record {
    struct run_slip slip; /* picture.jpeg not valid here */
    uint32_t        jpeg_len;
};

struct diag_record {
    uint32_t level, line, col, file_len, msg_len; /* then file and msg bytes */
};

struct job {
    struct run           *r;
    struct scan_doc     **docs;
    size_t                n_docs;
    const char *const    *files;
    const char           *config_arg; /* the config as named on the command line */
    size_t               *first_page; /* per doc: global index of its first page; [n_docs]: total */
    struct token_entry   *tokens;
    size_t                n_tokens;
};

/* ---- tokens ---- */

static int
compare_tokens(const void *a, const void *b)
{
    const struct token_entry *x = a, *y = b;
    int                       c = strcmp(x->token, y->token);
    if (c)
        return c;
    /* A roster pupil before a left one; then the first in the file. */
    if (x->is_left != y->is_left)
        return x->is_left ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Every roster pupil's token and those of register rows whose pupil left, sorted. */
static void
compute_tokens(struct job *job)
{
    const struct run *r = job->r;
    size_t            n = r->roster->n_pupils + r->reg->n_rows;
    job->tokens = xcalloc(n ? n : 1, sizeof *job->tokens);
    for (size_t i = 0; i < r->roster->n_pupils; i++) {
        struct token_entry *t = &job->tokens[job->n_tokens++];
        form_token(&r->form, &r->roster->pupils[i], t->token);
        t->index = i;
    }
    for (size_t i = 0; i < r->reg->n_rows; i++) {
        const struct register_row *row = &r->reg->rows[i];
        if (row->pupil)
            continue;
        /* The token needs only what the register keeps: names, birth date, id. */
        struct pupil p = {0};
        p.last_name = row->last_name;
        p.first_name = row->first_name;
        p.class_name = row->class_name;
        p.id = row->id && *row->id ? row->id : NULL;
        p.birth_date = row->birth_date;
        struct token_entry *t = &job->tokens[job->n_tokens++];
        form_token(&r->form, &p, t->token);
        t->is_left = true;
        t->index = i;
    }
    qsort(job->tokens, job->n_tokens, sizeof *job->tokens, compare_tokens);
}

static const struct token_entry *
find_token(const struct job *job, const char *token)
{
    size_t lo = 0, hi = job->n_tokens;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int    c = strcmp(job->tokens[mid].token, token);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < job->n_tokens && strcmp(job->tokens[lo].token, token) == 0 ? &job->tokens[lo] : NULL;
}

/* ---- worker side ---- */

struct worker {
    struct job         *job;
    struct sys_channel *ch;
    struct arena       *arena;
    bool                ok;
    bool                has_default;
    struct scan_slip_geometry default_geometry; /* the first pupil's, for slips of nobody we know */
};

static void
send(struct worker *w, char kind, const void *a, size_t alen, const void *b, size_t blen, const void *c,
     size_t clen)
{
    if (!w->ok)
        return;
    struct buf rec;
    buf_init(&rec);
    uint32_t len = (uint32_t)(1 + alen + blen + clen);
    buf_append(&rec, (const char *)&len, sizeof len);
    buf_putc(&rec, kind);
    if (alen)
        buf_append(&rec, a, alen);
    if (blen)
        buf_append(&rec, b, blen);
    if (clen)
        buf_append(&rec, c, clen);
    w->ok = sys_channel_send(w->ch, rec.data, rec.len);
    buf_fini(&rec);
}

static void
send_diags(struct worker *w, struct diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct diag *g = &d->v[i];
        struct diag_record r = {(uint32_t)g->level, g->line, g->col, g->file ? (uint32_t)strlen(g->file) : 0,
                                (uint32_t)strlen(g->msg)};
        send(w, RECORD_DIAG, &r, sizeof r, g->file, r.file_len, g->msg, r.msg_len);
    }
    diags_fini(d);
}

static void
send_slip(struct worker *w, struct run_slip *s)
{
    struct slip_record rec;
    memset(&rec, 0, sizeof rec);
    rec.slip = *s;
    memset(&rec.slip.picture.jpeg, 0, sizeof rec.slip.picture.jpeg);
    rec.jpeg_len = (uint32_t)s->picture.jpeg.len;
    send(w, RECORD_SLIP, &rec, sizeof rec, s->picture.jpeg.data, s->picture.jpeg.len, NULL, 0);
    scan_picture_fini(&s->picture);
}

/* The slip geometry of pupil p; false if the template has no slip. */
static bool
geometry_of(struct worker *w, const struct pupil *p, struct scan_slip_geometry *g)
{
    struct layout_slip ls;
    bool               ok = form_slip_geometry(&w->job->r->form, p, w->arena, &ls);
    arena_reset(w->arena);
    if (ok)
        scan_geometry_from_slip(&ls, g);
    return ok;
}

static const struct scan_slip_geometry *
default_geometry(struct worker *w)
{
    if (!w->has_default)
        w->has_default = geometry_of(w, &w->job->r->roster->pupils[0], &w->default_geometry);
    return w->has_default ? &w->default_geometry : NULL;
}

static struct scan_point
code_centre(const struct scan_code *c)
{
    struct scan_point m = {0, 0};
    for (int i = 0; i < 4; i++)
        m.x += c->corners[i].x / 4, m.y += c->corners[i].y / 4;
    return m;
}

static int
compare_codes(const void *pa, const void *pb)
{
    struct scan_point a = code_centre(pa), b = code_centre(pb);
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    return (a.x > b.x) - (a.x < b.x);
}

/* Whether image point q lies within `area` (pt, widened by slack) under fit. */
static bool
in_area(const struct scan_fit *f, const struct scan_rect *area, struct scan_point q, double slack_pt)
{
    double det = f->a * f->e - f->b * f->d;
    if (fabs(det) < 1e-12)
        return false;
    double dx = q.x - f->c, dy = q.y - f->f;
    double x = (f->e * dx - f->b * dy) / det, y = (-f->d * dx + f->a * dy) / det;
    return x >= area->x_pt - slack_pt && x <= area->x_pt + area->w_pt + slack_pt && y >= area->y_pt - slack_pt &&
           y <= area->y_pt + area->h_pt + slack_pt;
}

/* Reads one slip of the page: its code tells whose it is. Returns false for a code that is not a slip. */
static bool
read_slip(struct worker *w, const struct scan_page *pg, const struct scan_code *code, struct run_slip *s)
{
    const struct job *job = w->job;
    if (strncmp(code->text, FORM_TOKEN_QR_PREFIX, strlen(FORM_TOKEN_QR_PREFIX)) != 0)
        return false; /* another QR code on the page (a web address, a copier's cover sheet) */
    enum form_token_read tr = form_token_read(code->text, s->token);
    const struct token_entry *t = tr == FORM_TOKEN_OK ? find_token(job, s->token) : NULL;
    s->kind = tr != FORM_TOKEN_OK ? RUN_SLIP_DAMAGED : !t ? RUN_SLIP_FOREIGN : t->is_left ? RUN_SLIP_LEFT
                                                                                          : RUN_SLIP_PUPIL;
    if (tr != FORM_TOKEN_OK) {
        /* For the message: what the code says, without anything a terminal would act on. */
        const char *t0 = code->text + strlen(FORM_TOKEN_QR_PREFIX);
        size_t      n = 0;
        for (; *t0 && n < FORM_TOKEN_LEN; t0++)
            s->token[n++] = (*t0 >= '0' && *t0 <= '9') || (*t0 >= 'A' && *t0 <= 'Z') || (*t0 >= 'a' && *t0 <= 'z')
                                ? *t0
                                : '?';
        s->token[n] = '\0';
    }
    s->index = t ? t->index : 0;

    struct scan_slip_geometry        g;
    const struct scan_slip_geometry *use = NULL;
    if (s->kind == RUN_SLIP_PUPIL && geometry_of(w, &job->r->roster->pupils[s->index], &g))
        use = &g;
    else if (s->kind != RUN_SLIP_PUPIL)
        use = default_geometry(w);
    if (!use)
        return true;
    s->area = use->area;
    s->n_signatures = use->n_signatures;
    for (size_t i = 0; i < use->n_signatures; i++)
        s->signers[i] = use->signatures[i].signer;
    if (s->kind == RUN_SLIP_PUPIL) {
        scan_read_slip(pg, code, use, &s->reading);
    } else {
        /* Not ours to read: only placed, for its picture and for the marks it accounts for. */
        s->reading.answer = s->reading.ticked = REGISTER_ANSWER_UNCLEAR;
        if (!scan_fit_from_code(code, &use->code, &s->reading.fit))
            memset(&s->reading.fit, 0, sizeof s->reading.fit);
    }
    /* A slip that needs a person carries its picture; a clean one only its fit (merging may want one). */
    if ((s->kind != RUN_SLIP_PUPIL || s->reading.reasons) && s->reading.fit.px_per_mm > 0)
        scan_picture_of_area(pg, &s->reading.fit, &s->area, PICTURE_DPI, &s->picture);
    return true;
}

static void
do_page(struct worker *w, size_t file, size_t index)
{
    struct job        *job = w->job;
    struct diags       d = {0};
    struct page_record pr = {(uint32_t)file, (uint32_t)(index + 1), PAGE_SLIPS};
    struct scan_page  *pg = scan_doc_page(job->docs[file], index, &d);
    send_diags(w, &d);
    if (!pg) {
        pr.status = PAGE_UNREADABLE;
        send(w, RECORD_PAGE, &pr, sizeof pr, NULL, 0, NULL, 0);
        return;
    }
    struct scan_codes codes;
    scan_read_codes(pg, &codes);
    if (codes.n > 1)
        qsort(codes.v, codes.n, sizeof *codes.v, compare_codes);

    /* Slips, and the image areas they account for. */
    struct scan_fit  fits[MAX_PAGE_SLIPS];
    struct scan_rect areas[MAX_PAGE_SLIPS];
    size_t           n_slips = 0, n_placed = 0;
    double           px_per_mm = 0;
    for (size_t k = 0; k < codes.n; k++) {
        struct run_slip s;
        memset(&s, 0, sizeof s);
        s.file = file;
        s.page = (unsigned)(index + 1);
        s.seq = (unsigned)n_slips;
        if (!read_slip(w, pg, &codes.v[k], &s))
            continue;
        if (s.reading.fit.px_per_mm > 0 && n_placed < MAX_PAGE_SLIPS) {
            fits[n_placed] = s.reading.fit;
            areas[n_placed++] = s.area;
            if (s.reading.registered == SCAN_REGISTERED || px_per_mm == 0)
                px_per_mm = s.reading.fit.px_per_mm;
        }
        n_slips++;
        send_slip(w, &s);
    }
    scan_codes_fini(&codes);

    /* Corner marks that no slip read accounts for: a slip whose code could not be read. */
    if (px_per_mm == 0)
        px_per_mm = scan_page_px_per_mm(pg);
    struct scan_point marks[MAX_PAGE_MARKS];
    size_t            n_marks = scan_find_all_marks(pg, 4.5 * px_per_mm, marks, MAX_PAGE_MARKS);
    size_t            n_unexplained = 0;
    for (size_t m = 0; m < n_marks && m < MAX_PAGE_MARKS; m++) {
        bool explained = false;
        for (size_t k = 0; k < n_placed && !explained; k++)
            explained = in_area(&fits[k], &areas[k], marks[m], MARK_SLACK_MM * PT_PER_MM);
        n_unexplained += !explained;
    }
    if (n_unexplained >= UNREAD_MIN_MARKS) {
        struct run_slip s;
        memset(&s, 0, sizeof s);
        s.file = file;
        s.page = (unsigned)(index + 1);
        s.seq = (unsigned)n_slips;
        s.kind = RUN_SLIP_UNREAD;
        s.reading.answer = s.reading.ticked = REGISTER_ANSWER_UNCLEAR;
        scan_picture_of_page(pg, PAGE_PICTURE_DPI, &s.picture);
        n_slips++;
        send_slip(w, &s);
    } else if (n_slips == 0) {
        pr.status = scan_page_is_blank(pg) ? PAGE_BLANK : PAGE_NOTHING;
    }
    scan_page_free(pg);
    send(w, RECORD_PAGE, &pr, sizeof pr, NULL, 0, NULL, 0);
}

static int
work(void *ctx, size_t index, size_t n_workers, struct sys_channel *ch)
{
    struct job   *job = ctx;
    struct worker w;
    sys_reuse_large_allocations();
    memset(&w, 0, sizeof w);
    w.job = job;
    w.ch = ch;
    w.arena = arena_new();
    w.ok = true;
    for (size_t f = 0; f < job->n_docs && w.ok; f++)
        for (size_t g = job->first_page[f]; g < job->first_page[f + 1] && w.ok; g++)
            if (g % n_workers == index)
                do_page(&w, f, g - job->first_page[f]);
    arena_free(w.arena);
    return w.ok ? 0 : 1;
}

static void
free_docs(struct job *job)
{
    for (size_t i = 0; i < job->n_docs; i++)
        scan_doc_free(job->docs[i]);
    free(job->docs);
    job->docs = NULL;
}

static void
worker_exit(void *ctx)
{
    struct job *job = ctx;
    free_docs(job);
    free(job->tokens);
    free(job->first_page);
    run_fini(job->r);
    output_cleanup();
}

/* ---- main-process side ---- */

struct collected {
    const struct job          *job;
    const struct run_progress *progress;
    struct buf                *in; /* per worker: bytes not yet parsed */
    struct run_slip           *slips;
    size_t                     n_slips, cap_slips;
    struct page_record        *pages;
    size_t                     n_pages;
    struct diags               diags;
    bool                       broken; /* a record did not make sense */
};

static void
collect(struct collected *c, char kind, const char *p, size_t len)
{
    switch (kind) {
    case RECORD_PAGE:
        if (len != sizeof(struct page_record))
            break;
        c->pages = xrealloc(c->pages, (c->n_pages + 1) * sizeof *c->pages);
        memcpy(&c->pages[c->n_pages++], p, sizeof *c->pages);
        if (c->progress && c->progress->class_done)
            c->progress->class_done(c->progress->ctx, c->n_pages, c->job->first_page[c->job->n_docs]);
        return;
    case RECORD_SLIP: {
        struct slip_record rec;
        if (len < sizeof rec)
            break;
        memcpy(&rec, p, sizeof rec);
        if (len != sizeof rec + rec.jpeg_len)
            break;
        if (c->n_slips == c->cap_slips) {
            c->cap_slips = c->cap_slips ? 2 * c->cap_slips : 64;
            c->slips = xrealloc(c->slips, c->cap_slips * sizeof *c->slips);
        }
        struct run_slip *s = &c->slips[c->n_slips++];
        *s = rec.slip;
        buf_init(&s->picture.jpeg);
        if (rec.jpeg_len)
            buf_append(&s->picture.jpeg, p + sizeof rec, rec.jpeg_len);
        return;
    }
    case RECORD_DIAG: {
        struct diag_record r;
        if (len < sizeof r)
            break;
        memcpy(&r, p, sizeof r);
        if (len != sizeof r + r.file_len + r.msg_len)
            break;
        char *file = r.file_len ? xstrndup(p + sizeof r, r.file_len) : NULL;
        char *msg = xstrndup(p + sizeof r + r.file_len, r.msg_len);
        diag_add(&c->diags, (enum diag_level)r.level, file, r.line, r.col, "%s", msg);
        free(file);
        free(msg);
        return;
    }
    default:
        break;
    }
    c->broken = true;
}

static void
receive(void *ctx, size_t index, const char *data, size_t len)
{
    struct collected *c = ctx;
    struct buf       *in = &c->in[index];
    buf_append(in, data, len);
    size_t pos = 0;
    while (in->len - pos >= sizeof(uint32_t)) {
        uint32_t n;
        memcpy(&n, in->data + pos, sizeof n);
        if (n == 0 || in->len - pos - sizeof n < n)
            break;
        collect(c, in->data[pos + sizeof n], in->data + pos + sizeof n + 1, n - 1);
        pos += sizeof n + n;
    }
    memmove(in->data, in->data + pos, in->len - pos);
    in->len -= pos;
}

static int
compare_slips(const void *pa, const void *pb)
{
    const struct run_slip *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->page != b->page)
        return a->page < b->page ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int
compare_pages(const void *pa, const void *pb)
{
    const struct page_record *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    return (a->page > b->page) - (a->page < b->page);
}

static void
collected_fini(struct collected *c, size_t n_workers)
{
    for (size_t i = 0; i < c->n_slips; i++)
        scan_picture_fini(&c->slips[i].picture);
    free(c->slips);
    free(c->pages);
    for (size_t w = 0; c->in && w < n_workers; w++)
        buf_fini(&c->in[w]);
    free(c->in);
    diags_fini(&c->diags);
}

void
run_scan_result_fini(struct run_scan_result *res)
{
    free(res->review_path);
    memset(res, 0, sizeof *res);
}

/* Opens every scan file; false if one cannot be read (all are tried, every problem reported). */
static bool
open_docs(struct job *job, struct diags *d)
{
    struct scan_limits lim = scan_limits_default();
    job->docs = xcalloc(job->n_docs ? job->n_docs : 1, sizeof *job->docs);
    job->first_page = xcalloc(job->n_docs + 1, sizeof *job->first_page);
    bool ok = true;
    for (size_t i = 0; i < job->n_docs; i++) {
        job->docs[i] = scan_doc_load(job->files[i], &lim, d);
        ok &= job->docs[i] != NULL;
        job->first_page[i + 1] = job->first_page[i] + (job->docs[i] ? scan_doc_n_pages(job->docs[i]) : 0);
    }
    return ok;
}

/* The review file's path: beside the register, "einwilligungen.csv" -> "einwilligungen-pruefen.pdf". */
static char *
review_path_of(const char *register_path)
{
    const char *slash = strrchr(register_path, '/');
    const char *name = slash ? slash + 1 : register_path;
    const char *dot = strrchr(name, '.');
    size_t      stem = dot && dot > name ? (size_t)(dot - register_path) : strlen(register_path);
    return xasprintf("%.*s-pruefen.pdf", (int)stem, register_path);
}

/* Warnings for what was found but not recorded, at FILE:PAGE, in page order. */
static void
report_pages(const struct job *job, const struct collected *c, struct diags *d)
{
    const struct run *r = job->r;
    for (size_t i = 0; i < c->n_slips; i++) {
        const struct run_slip *s = &c->slips[i];
        const char            *file = job->files[s->file];
        char                   grouped[FORM_TOKEN_LEN + 3];
        form_token_grouped(s->token, grouped);
        switch (s->kind) {
        case RUN_SLIP_PUPIL:
            break;
        case RUN_SLIP_LEFT: {
            const struct register_row *row = &r->reg->rows[s->index];
            diag_add(d, DIAG_WARNING, file, s->page, 0,
                     "the return slip of \"%s, %s\" is for a pupil who is no longer in the roster; it was not "
                     "recorded",
                     row->last_name, row->first_name);
            break;
        }
        case RUN_SLIP_FOREIGN:
            diag_add(d, DIAG_WARNING, file, s->page, 0,
                     "the return slip with the code %s is not from this form round (another school, form or "
                     "form.date); it was not recorded",
                     grouped);
            break;
        case RUN_SLIP_DAMAGED:
            diag_add(d, DIAG_WARNING, file, s->page, 0,
                     "the code of a return slip on this page is damaged (\"%s\" fails its check character); the "
                     "slip is in the review file",
                     s->token);
            break;
        case RUN_SLIP_UNREAD:
            diag_add(d, DIAG_WARNING, file, s->page, 0,
                     "the code of a return slip on this page could not be read; the page is in the review file");
            break;
        }
    }
    for (size_t i = 0; i < c->n_pages; i++)
        if (c->pages[i].status == PAGE_NOTHING)
            diag_add(d, DIAG_WARNING, job->files[c->pages[i].file], c->pages[i].page, 0,
                     "no return slip on this page (no code, no corner marks); the page was left out");
}

/* The slip's page read again and the slip's picture cut out: for a clean slip that merging put in review. */
static void
add_picture(const struct job *job, struct run_slip *s)
{
    if (s->picture.jpeg.len || !(s->reading.fit.px_per_mm > 0))
        return;
    struct diags      d = {0};
    struct scan_page *pg = scan_doc_page(job->docs[s->file], s->page - 1, &d);
    diags_fini(&d);
    if (!pg)
        return;
    scan_picture_fini(&s->picture);
    scan_picture_of_area(pg, &s->reading.fit, &s->area, PICTURE_DPI, &s->picture);
    scan_page_free(pg);
}

/* Merges the slips of roster pupils into the register, in order; marks what goes into review. */
static void
merge(const struct job *job, struct collected *c, struct run_scan_result *res)
{
    struct run *r = job->r;
    struct date today = date_today();
    for (size_t i = 0; i < c->n_slips; i++) {
        struct run_slip *s = &c->slips[i];
        if (s->kind != RUN_SLIP_PUPIL) {
            s->in_review = true;
            continue;
        }
        res->n_slips++;
        const struct pupil   *p = &r->roster->pupils[s->index];
        char                 *place = xasprintf("%s:%u", job->files[s->file], s->page);
        struct register_entry e = {s->reading.answer, s->reading.signature, today, place, s->reading.reasons != 0};
        s->change = register_record(r->reg, p, &e);
        free(place);
        if (s->change == REGISTER_UNCHANGED)
            res->n_unchanged++;
        else
            res->n_recorded++;
    }
    /* A pupil's row may need review only because of a later slip: each slip shows the row as it ends. */
    for (size_t i = 0; i < c->n_slips; i++) {
        struct run_slip *s = &c->slips[i];
        if (s->kind == RUN_SLIP_PUPIL)
            s->in_review = register_row_of(r->reg, &r->roster->pupils[s->index])->needs_review;
        if (s->in_review)
            add_picture(job, s);
    }
}

static bool
any_slip_found(const struct collected *c)
{
    return c->n_slips > 0;
}

/*
 * Writes the review file and the register (if it changed), each atomically: the review file is
 * written to a temp file beside the register first, then the register is saved, then the review file
 * is renamed into place; if the register cannot be written, the temp file is removed again, so either
 * both are new or neither is. The caller holds interrupts back meanwhile.
 */
static bool
write_results(const struct job *job, const struct collected *c, struct run_scan_result *res, struct diags *d)
{
    struct run *r = job->r;
    char       *path = review_path_of(r->config->reg.file);
    const char *slash = strrchr(path, '/');
    char       *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
    const char *name = slash ? slash + 1 : path;
    char       *tmp = NULL, *final = NULL;
    struct buf  pdf;
    buf_init(&pdf);
    size_t n_entries = 0;
    bool   ok = false;
    if (sys_is_folder(path)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": a folder with that name is in the way", path);
        goto out;
    }
    if (!run_review_pdf(r, c->slips, c->n_slips, job->files, job->config_arg, res->n_slips, &pdf, &n_entries, d))
        goto out;
    if ((dir[0] && !output_make_dir(dir, d)) || !output_stage_file(dir, name, pdf.data, pdf.len, &tmp, &final, d)) {
        diag_add(d, DIAG_NOTE, NULL, 0, 0, "nothing was recorded: the register and the review file were left as they were");
        goto out;
    }
    res->n_review = n_entries;
    if (res->n_recorded > 0) {
        if (!register_save(r->reg, r->config->reg.file, d)) {
            sys_remove_file(tmp);
            diag_add(d, DIAG_NOTE, NULL, 0, 0, "the register \"%s\" was left as it was", r->config->reg.file);
            goto out;
        }
        res->register_written = true;
    }
    /* Not published: like the register, the review file (names, scans of signatures) is its owner's only. */
    if (!sys_sync_file(tmp) || !sys_rename(tmp, final)) {
        int e = errno;
        sys_remove_file(tmp);
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write the review file \"%s\": %s", final, strerror(e));
        if (res->register_written)
            diag_add(d, DIAG_NOTE, NULL, 0, 0,
                     "the register \"%s\" was written; scan the same files again to make the review file",
                     r->config->reg.file);
        goto out;
    }
    sys_sync_folder(dir[0] ? dir : ".");
    res->review_path = path;
    path = NULL;
    ok = true;
out:
    res->write_failed = !ok;
    free(tmp);
    free(final);
    free(path);
    free(dir);
    buf_fini(&pdf);
    return ok;
}

bool
run_scan(struct run *r, const char *const *files, size_t n_files, const char *config_arg,
         const struct run_progress *progress, struct run_scan_result *res, struct diags *d)
{
    memset(res, 0, sizeof *res);
    struct job job = {r, NULL, n_files, files, config_arg, NULL, NULL, 0};
    if (!open_docs(&job, d)) {
        free_docs(&job);
        free(job.first_page);
        return false;
    }
    {
        /* The template must have a slip, or there is nothing to read. */
        struct arena      *a = arena_new();
        struct layout_slip ls;
        bool               has = r->roster->n_pupils && form_slip_geometry(&r->form, &r->roster->pupils[0], a, &ls);
        arena_free(a);
        if (!has) {
            diag_add(d, DIAG_ERROR, r->config->form.template_path, 0, 0,
                     "the template has no return slip (a ```slip block), so there is nothing to scan");
            free_docs(&job);
            free(job.first_page);
            return false;
        }
    }
    compute_tokens(&job);

    size_t n_pages = job.first_page[n_files];
    size_t n_workers = r->req->jobs ? r->req->jobs : sys_cpu_count();
    if (n_workers > n_pages)
        n_workers = n_pages ? n_pages : 1;
    struct collected c = {.job = &job, .progress = progress};
    c.in = xcalloc(n_workers, sizeof *c.in);

    bool                   ok = false;
    struct sys_interrupts *in = sys_interrupts_begin();
    if (!in) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot watch for interrupts: %s", strerror(errno));
        res->write_failed = true;
        goto out;
    }
    struct sys_worker_ops  ops = {work, &job, receive, &c, worker_exit};
    struct sys_worker_end *ends = xcalloc(n_workers, sizeof *ends);
    size_t                 started = sys_workers_run(n_workers, &ops, in, ends);
    bool                   workers_ok = started == n_workers && !c.broken;
    if (started != n_workers)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start a worker process: %s", strerror(errno));
    for (size_t w = 0; w < started; w++)
        if (ends[w].status != 0) {
            char name[24];
            if (ends[w].signo > 0)
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "a worker process was killed by %s while reading the scans",
                         sys_signal_name(ends[w].signo, name));
            workers_ok = false;
        }
    free(ends);
    res->signo = sys_interrupts_pending(in);
    if (res->signo)
        goto out;
    if (!workers_ok) {
        if (c.broken)
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "a worker process sent what could not be understood");
        res->write_failed = true;
        goto out;
    }

    /* Problems of the pages first: a page that could not be read means nothing is written. */
    for (size_t i = 0; i < c.diags.n; i++) {
        const struct diag *g = &c.diags.v[i];
        diag_add(d, g->level, g->file, g->line, g->col, "%s", g->msg);
    }
    if (c.diags.n_errors) {
        diag_add(d, DIAG_NOTE, NULL, 0, 0, "nothing was recorded: the register and the review file were left as they were");
        goto out;
    }
    if (c.n_slips > 1)
        qsort(c.slips, c.n_slips, sizeof *c.slips, compare_slips);
    if (c.n_pages > 1)
        qsort(c.pages, c.n_pages, sizeof *c.pages, compare_pages);
    res->n_pages = c.n_pages;
    report_pages(&job, &c, d);
    if (!any_slip_found(&c)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "no return slip was found in the scans; nothing was recorded");
        goto out;
    }
    merge(&job, &c, res);
    ok = write_results(&job, &c, res, d);
out:
    /* An interrupt while the files were written came too late to stop anything: the run is complete. */
    if (in)
        sys_interrupts_end(in, false);
    collected_fini(&c, n_workers);
    free_docs(&job);
    free(job.tokens);
    free(job.first_page);
    return ok;
}
