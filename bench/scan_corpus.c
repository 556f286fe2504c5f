/*
 * scan_corpus: the synthetic scan corpus of bench/scan-corpus.sh, made from a school's own forms, and
 * the comparison of what `consentgen scan` recorded with the truth.
 *
 *   scan_corpus make CONFIG OUTDIR DPI SEED [PUPILS]
 *     Lays out every pupil's form with the consentgen library (the first PUPILS of the roster), renders
 *     the page with the return slip with poppler and cairo at DPI, and marks it as parents do: a tick or
 *     a cross in Ja or Nein (ballpoint, light pencil, pale blue pen), both ticked, none, a box filled
 *     over and the other ticked (a correction), a dot; place and date, and a scribbled signature on
 *     every signature line printed for the pupil's age, or one of them left empty. Then as a copier
 *     scans: most slips on their whole page, turned by up to +-3 degrees (some upside down), shifted by
 *     up to 4 mm, scaled by 0.98-1.02; some cut off along the dashed line and scanned two to a page or
 *     alone and turned by a quarter; blurred, noisy; packed 40 pages to a PDF, each PDF either grey
 *     JPEG (quality 15-65) or black and white (CCITT G4) as a copier's setting is per stack.
 *     Writes OUTDIR/scan-DPI-NN.pdf and OUTDIR/truth-DPI.txt (one line per slip: roster line, answer
 *     Ja/Nein/unklar, signed 1/0, the mark, dpi, mode, cut, file, page).
 *   scan_corpus compose CONFIG OUT.pdf|OUT.png DPI grey:Q|bw:T SEED PAGE...
 *     One scan file of the pages given, for the end-to-end tests (scripts/make-scan-fixtures.sh):
 *     PAGE is ID:MARK:yes|no:signed|unsigned|unsigned-last[:page|page180|cut|cut90|cutoff|nocode],
 *     two of them joined by "+" (two cut slips on a page), text:ID (a form's first page) or blank.
 *   scan_corpus check CONFIG REGISTER=TRUTH...
 *     Reads each register written by scan with its truth file and prints the confusion tables: truth
 *     answer x register answer, signature truth x Unterschrift, token read rate, review rate, wrong
 *     answers, and a line per mark and per scan setting.
 * The same seed gives the same corpus.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib.h>
#include <leptonica/allheaders.h>
#include <poppler.h>

#include "consentgen/form.h"
#include "consentgen/pdf.h"
#include "consentgen/register.h"
#include "consentgen/run.h"
#include "consentgen/util.h"

#define MM (72.0 / 25.4)
#define A4_W_MM 210.0
#define A4_H_MM 297.0
#define PAGES_PER_FILE 40

/* ---- randomness: the same sequence everywhere ---- */

static uint64_t rng_state;

static double
uniform(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return (double)((x * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static double
between(double lo, double hi)
{
    return lo + (hi - lo) * uniform();
}

/* ---- marks ---- */

enum mark {
    MARK_TICK,         /* ballpoint tick in the chosen box */
    MARK_CROSS,        /* ballpoint cross */
    MARK_PENCIL,       /* light pencil tick */
    MARK_BLUE,         /* pale blue pen tick */
    MARK_BOTH,         /* both boxes ticked */
    MARK_NONE,         /* neither */
    MARK_CORRECTED,    /* one box filled over, the other ticked */
    MARK_DOT,          /* only a dot in a box */
    N_MARKS
};
static const char *const MARK_NAMES[N_MARKS] = {"tick", "cross", "pencil tick", "pale blue tick",
                                                "both ticked", "none ticked", "filled + tick", "dot"};

/* How often each mark is drawn (per mille). */
static const int MARK_WEIGHTS[N_MARKS] = {420, 200, 90, 110, 40, 40, 60, 40};

static enum mark
pick_mark(void)
{
    int r = (int)(uniform() * 1000), acc = 0;
    for (int m = 0; m < N_MARKS; m++) {
        acc += MARK_WEIGHTS[m];
        if (r < acc)
            return (enum mark)m;
    }
    return MARK_TICK;
}

struct pen {
    double r, g, b, width_mm, alpha;
};
static const struct pen BALLPOINT = {0.08, 0.1, 0.3, 0.45, 1.0};
static const struct pen BLACK_PEN = {0.05, 0.05, 0.05, 0.5, 1.0};
static const struct pen PENCIL = {0.45, 0.45, 0.45, 0.35, 0.85};
static const struct pen PALE_BLUE = {0.45, 0.62, 0.98, 0.5, 1.0};

static void
use_pen(cairo_t *cr, const struct pen *p)
{
    cairo_set_source_rgba(cr, p->r, p->g, p->b, p->alpha);
    cairo_set_line_width(cr, p->width_mm * MM);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
}

static void
tick(cairo_t *cr, const struct layout_rect *b, const struct pen *p)
{
    double s = b->w_pt, j = 0.12 * s;
    use_pen(cr, p);
    cairo_move_to(cr, b->x_pt + 0.15 * s + between(-j, j), b->y_pt + 0.5 * s + between(-j, j));
    double mx = b->x_pt + 0.42 * s + between(-j, j), my = b->y_pt + 0.85 * s + between(-j, j);
    cairo_line_to(cr, mx, my);
    cairo_curve_to(cr, mx + 0.2 * s, my - 0.4 * s, b->x_pt + 0.9 * s, b->y_pt, b->x_pt + between(1.0, 1.5) * s,
                   b->y_pt - between(0.2, 0.6) * s);
    cairo_stroke(cr);
}

static void
cross(cairo_t *cr, const struct layout_rect *b, const struct pen *p)
{
    double s = b->w_pt, j = 0.1 * s;
    use_pen(cr, p);
    cairo_move_to(cr, b->x_pt + between(-j, j), b->y_pt + between(-j, j));
    cairo_line_to(cr, b->x_pt + s + between(-j, j), b->y_pt + s + between(-j, j));
    cairo_move_to(cr, b->x_pt + s + between(-j, j), b->y_pt + between(-j, j));
    cairo_line_to(cr, b->x_pt + between(-j, j), b->y_pt + s + between(-j, j));
    cairo_stroke(cr);
}

/* A box blacked out with a zigzag, a little beyond its frame. */
static void
fill_over(cairo_t *cr, const struct layout_rect *b, const struct pen *p)
{
    use_pen(cr, p);
    cairo_set_line_width(cr, 0.7 * MM);
    double over = 0.3 * MM, y = b->y_pt - over;
    bool   right = true;
    cairo_move_to(cr, b->x_pt - over, y);
    while (y <= b->y_pt + b->h_pt + over) {
        y += 0.35 * MM;
        cairo_line_to(cr, right ? b->x_pt + b->w_pt + over : b->x_pt - over, y);
        right = !right;
    }
    cairo_stroke(cr);
}

static void
dot(cairo_t *cr, const struct layout_rect *b, const struct pen *p)
{
    use_pen(cr, p);
    cairo_arc(cr, b->x_pt + b->w_pt * between(0.35, 0.65), b->y_pt + b->h_pt * between(0.35, 0.65), 0.3 * MM, 0,
              2 * 3.14159265358979);
    cairo_fill(cr);
}

/* Handwriting-like loops from (x, base) over width w, up to h above the base line. */
static void
scribble(cairo_t *cr, double x, double base, double w, double h, const struct pen *p)
{
    use_pen(cr, p);
    int    n = 6 + (int)(uniform() * 8);
    double step = w / n;
    cairo_move_to(cr, x, base - between(0, 0.3) * h);
    for (int i = 0; i < n; i++) {
        double x0 = x + i * step, up = between(0.35, 1.0) * h, down = between(0, 0.25) * h;
        cairo_curve_to(cr, x0 + 0.2 * step, base - up, x0 + 0.9 * step, base - up * between(0.6, 1.1),
                       x0 + between(0.4, 0.7) * step, base + down);
        cairo_curve_to(cr, x0 + 0.5 * step, base + down, x0 + 0.8 * step, base - 0.2 * h, x0 + step,
                       base - between(0, 0.3) * h);
    }
    cairo_stroke(cr);
}

struct truth {
    unsigned             line;
    enum register_answer answer; /* YES, NO or UNCLEAR: what a careful person would record */
    bool                 signed_all;
    enum mark            mark;
};

/* What a parent does on one slip. */
struct plan {
    enum mark mark;
    bool      say_yes;    /* the box the mark means */
    size_t    empty_line; /* a signature line left empty; SIZE_MAX: none */
};

static struct plan
random_plan(void)
{
    struct plan p;
    p.mark = pick_mark();
    p.say_yes = uniform() < 0.75;
    /* Usually every line signed; now and then one left empty (which one: decided by the slip's lines). */
    p.empty_line = uniform() < 0.08 ? (size_t)(uniform() * 1000) : SIZE_MAX;
    return p;
}

/* Marks the slip of one pupil on the page drawn in cr (pt) as planned; returns the truth. */
static struct truth
mark_slip(cairo_t *cr, const struct layout_slip *s, struct plan plan)
{
    struct truth t = {0};
    t.mark = plan.mark;
    const struct layout_rect *yes = NULL, *no = NULL;
    for (size_t i = 0; i < s->n_boxes; i++) {
        if (s->boxes[i].choice == LAYOUT_ROLE_BOX_YES)
            yes = &s->boxes[i].rect;
        if (s->boxes[i].choice == LAYOUT_ROLE_BOX_NO)
            no = &s->boxes[i].rect;
    }
    bool                      say_yes = plan.say_yes;
    const struct layout_rect *chosen = say_yes ? yes : no, *other = say_yes ? no : yes;
    const struct pen         *pen = uniform() < 0.6 ? &BALLPOINT : &BLACK_PEN;
    t.answer = say_yes ? REGISTER_ANSWER_YES : REGISTER_ANSWER_NO;
    switch (t.mark) {
    case MARK_TICK:
        tick(cr, chosen, pen);
        break;
    case MARK_CROSS:
        cross(cr, chosen, pen);
        break;
    case MARK_PENCIL:
        tick(cr, chosen, &PENCIL);
        break;
    case MARK_BLUE:
        tick(cr, chosen, &PALE_BLUE);
        break;
    case MARK_BOTH:
        tick(cr, yes, pen);
        tick(cr, no, pen);
        t.answer = REGISTER_ANSWER_UNCLEAR;
        break;
    case MARK_NONE:
        t.answer = REGISTER_ANSWER_UNCLEAR;
        break;
    case MARK_CORRECTED:
        fill_over(cr, other, pen);
        tick(cr, chosen, pen);
        t.answer = REGISTER_ANSWER_UNCLEAR; /* a person decides what the correction means */
        break;
    case MARK_DOT:
        dot(cr, chosen, pen);
        t.answer = REGISTER_ANSWER_UNCLEAR;
        break;
    case N_MARKS:
        break;
    }
    size_t empty = plan.empty_line == SIZE_MAX || s->n_signatures == 0 ? SIZE_MAX : plan.empty_line % s->n_signatures;
    t.signed_all = empty == SIZE_MAX;
    for (size_t i = 0; i < s->n_signatures; i++) {
        const struct layout_slip_signature *f = &s->signatures[i];
        /* Place and date on the line at the left of the signature line, when there is room. */
        if (f->area.x_pt > 70 * MM)
            scribble(cr, 27 * MM + between(0, 5) * MM, f->line_y_pt - between(0.8, 1.5) * MM,
                     between(25, 35) * MM, between(3.5, 5) * MM, pen);
        if (i == empty)
            continue;
        double w = fmin(f->area.w_pt - 6 * MM, between(28, 50) * MM);
        scribble(cr, f->area.x_pt + between(2, 8) * MM, f->line_y_pt - between(0.5, 2.0) * MM, w,
                 between(4, 8) * MM, uniform() < 0.85 ? pen : &PALE_BLUE);
    }
    if (!t.signed_all)
        t.answer = REGISTER_ANSWER_UNCLEAR;
    return t;
}

/* ---- pages ---- */

/* A cairo RGB24 surface to 8-bit grey (Rec. 601 luminance), as a copier's grey mode gives it. */
static PIX *
surface_grey(cairo_surface_t *s)
{
    cairo_surface_flush(s);
    int            w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int            stride = cairo_image_surface_get_stride(s);
    unsigned char *src = cairo_image_surface_get_data(s);
    PIX           *pix = pixCreate(w, h, 8);
    l_uint32      *data = pixGetData(pix);
    int            wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(src + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            uint32_t v = row[x];
            unsigned lum = (((v >> 16) & 255) * 77 + ((v >> 8) & 255) * 150 + (v & 255) * 29) >> 8;
            SET_DATA_BYTE(data + (size_t)y * wpl, x, lum);
        }
    }
    return pix;
}

static PIX *
white_page(double dpi)
{
    PIX *pix = pixCreate((int)lround(A4_W_MM / 25.4 * dpi), (int)lround(A4_H_MM / 25.4 * dpi), 8);
    pixSetAllArbitrary(pix, 255);
    return pix;
}

/* Pastes src into dst with its top-left at (x, y) px, clipped. */
static void
paste(PIX *dst, PIX *src, int x, int y)
{
    pixRasterop(dst, x, y, pixGetWidth(src), pixGetHeight(src), PIX_SRC, src, 0, 0);
}

/* White added around a piece of paper, so that turning it keeps its corners. */
#define PAD_MM 10.0

/* src turned by deg (small) about its centre, size kept, white brought in. */
static PIX *
skew(PIX *src, double deg)
{
    return pixRotate(src, (l_float32)(deg * 3.14159265358979 / 180), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
}

/* A cut slip turned by deg with room for its corners: PAD_MM of white on every side. */
static PIX *
skew_padded(PIX *src, double deg, double dpi)
{
    int  pad = (int)lround(PAD_MM / 25.4 * dpi);
    PIX *big = pixAddBorderGeneral(src, pad, pad, pad, pad, 255);
    PIX *out = skew(big, deg);
    pixDestroy(&big);
    return out;
}

/* The whole page on the glass: scaled, turned, shifted on an A4 sheet of the same resolution. */
static PIX *
place_page(PIX *page, double dpi, bool upside_down)
{
    double s = between(0.98, 1.02);
    PIX   *scaled = pixScaleGeneral(page, (l_float32)s, (l_float32)s, 0, 0); /* no sharpening */
    PIX   *turned = skew(scaled, between(-3, 3));
    pixDestroy(&scaled);
    if (upside_down) {
        PIX *t = pixRotate180(NULL, turned);
        pixDestroy(&turned);
        turned = t;
    }
    PIX *out = white_page(dpi);
    int  dx = (int)lround(between(-4, 4) / 25.4 * dpi + (pixGetWidth(out) - pixGetWidth(turned)) / 2.0);
    int  dy = (int)lround(between(-4, 4) / 25.4 * dpi + (pixGetHeight(out) - pixGetHeight(turned)) / 2.0);
    paste(out, turned, dx, dy);
    pixDestroy(&turned);
    return out;
}

static void
add_noise(PIX *pix, double sigma)
{
    int       w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
    l_uint32 *data = pixGetData(pix);
    /* Near-Gaussian noise from the sum of four uniforms (variance 4/12): cheap enough for every pixel. */
    double k = sigma / sqrt(4.0 / 12.0) / 65536.0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint64_t r = rng_state;
            r ^= r >> 12, r ^= r << 25, r ^= r >> 27;
            rng_state = r;
            uint64_t m = r * 2685821657736338717ull;
            double   g = (double)((m & 0xffff) + ((m >> 16) & 0xffff) + ((m >> 32) & 0xffff) + (m >> 48)) - 2 * 65535.0;
            double   v = GET_DATA_BYTE(data + (size_t)y * wpl, x) + k * g;
            SET_DATA_BYTE(data + (size_t)y * wpl, x, (l_uint32)(v < 0 ? 0 : v > 255 ? 255 : v));
        }
}

/* The copier's own blur and noise, then its mode: grey stays 8 bpp, black and white becomes 1 bpp. */
static PIX *
copier(PIX *page, double dpi, bool bw, int threshold)
{
    PIX *p = pixClone(page);
    if (uniform() < 0.5) {
        PIX *b = pixBlockconv(p, dpi > 250 ? 2 : 1, dpi > 250 ? 2 : 1);
        pixDestroy(&p);
        p = b;
    }
    if (uniform() < 0.35) {
        PIX *c = pixCopy(NULL, p);
        pixDestroy(&p);
        p = c;
        add_noise(p, between(4, 14));
    }
    if (bw) {
        PIX *b = pixThresholdToBinary(p, threshold);
        pixDestroy(&p);
        p = b;
    }
    return p;
}

/* One output file being filled: its pages, all in one mode. */
struct batch {
    const char *dir;
    int         dpi;
    int         n_files;
    PIXA       *pages;
    bool        bw;
    int         quality, threshold;
    FILE       *truth;
    char        name[64];
};

static void
batch_start(struct batch *b)
{
    b->pages = pixaCreate(PAGES_PER_FILE);
    b->bw = uniform() < 0.25;
    b->quality = 15 + (int)(uniform() * 51);
    b->threshold = 128 + (int)(uniform() * 48);
    snprintf(b->name, sizeof b->name, "scan-%d-%02d.pdf", b->dpi, ++b->n_files);
}

static void
batch_flush(struct batch *b)
{
    if (!b->pages || pixaGetCount(b->pages) == 0)
        return;
    l_uint8 *data = NULL;
    size_t   n = 0;
    if (pixaConvertToPdfData(b->pages, b->dpi, 1.0, b->bw ? L_G4_ENCODE : L_JPEG_ENCODE, b->quality, b->name, &data,
                             &n) != 0) {
        fprintf(stderr, "scan_corpus: cannot make %s\n", b->name);
        exit(1);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", b->dir, b->name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "scan_corpus: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    lept_free(data);
    pixaDestroy(&b->pages);
}

/* Adds a finished page; the slips on it are written to the truth file with their page number. */
static void
batch_add(struct batch *b, PIX *page, const struct truth *t, size_t n_t, const char *how)
{
    if (!b->pages)
        batch_start(b);
    PIX *p = copier(page, b->dpi, b->bw, b->threshold);
    pixaAddPix(b->pages, p, L_INSERT);
    int  page_no = pixaGetCount(b->pages);
    char mode[32];
    if (b->bw)
        snprintf(mode, sizeof mode, "black and white");
    else
        snprintf(mode, sizeof mode, "grey, JPEG q%d", b->quality);
    for (size_t i = 0; i < n_t; i++)
        fprintf(b->truth, "%u;%s;%d;%s;%d;%s;%s;%s;%d\n", t[i].line, register_answer_word(t[i].answer),
                t[i].signed_all ? 1 : 0, MARK_NAMES[t[i].mark], b->dpi, mode, how, b->name, page_no);
    if (page_no == PAGES_PER_FILE)
        batch_flush(b);
}

static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
    (void)domain, (void)level, (void)message, (void)data;
}

/* The slip's page of pupil p, rendered at dpi and marked; its slip geometry in *slip. */
static PIX *
render_marked(struct run *r, const struct pupil *p, double dpi, struct arena *a, struct layout_slip *slip,
              struct truth *t, const struct plan *plan)
{
    struct layout_doc doc;
    form_layout_pupil(&r->form, p, a, &doc);
    if (!doc.has_slip) {
        fprintf(stderr, "scan_corpus: the template has no slip\n");
        exit(1);
    }
    *slip = doc.slip;
    /* Without a plan: the form's first page, the letter the parents keep (a page without a slip). */
    struct layout_doc one = {&doc.pages[plan ? doc.slip.page : 0], 1, 1, false, {0}};
    struct diags      d = {0};
    struct pdf_meta   meta = {"scan corpus", "consentgen", NULL};
    struct pdf_writer *w = pdf_writer_new(r->fonts, r->config->school.logo, &meta, &d);
    struct buf        bytes;
    buf_init(&bytes);
    if (!w || !pdf_writer_add(w, &one, &d) || !pdf_writer_save(w, &bytes, &d)) {
        fprintf(stderr, "scan_corpus: cannot make the PDF of %s\n", p->last_name);
        exit(1);
    }
    pdf_writer_free(w);
    diags_fini(&d);
    GBytes          *gb = g_bytes_new(bytes.data, bytes.len);
    PopplerDocument *pd = poppler_document_new_from_bytes(gb, NULL, NULL);
    PopplerPage     *pg = pd ? poppler_document_get_page(pd, 0) : NULL;
    if (!pg) {
        fprintf(stderr, "scan_corpus: poppler cannot read the PDF\n");
        exit(1);
    }
    int              wpx = (int)lround(A4_W_MM / 25.4 * dpi), hpx = (int)lround(A4_H_MM / 25.4 * dpi);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
    cairo_t         *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, dpi / 72, dpi / 72);
    poppler_page_render(pg, cr);
    if (plan)
        *t = mark_slip(cr, slip, *plan);
    t->line = p->line;
    cairo_destroy(cr);
    PIX *pix = surface_grey(s);
    cairo_surface_destroy(s);
    g_object_unref(pg);
    g_object_unref(pd);
    g_bytes_unref(gb);
    buf_fini(&bytes);
    arena_reset(a);
    return pix;
}

/* The slip cut off along its dashed line (a little above or below it), to the sheet's bottom edge. */
static PIX *
cut_slip(PIX *page, const struct layout_slip *slip, double dpi)
{
    double y_mm = slip->cut_y_pt / MM + between(-2, 2);
    int    y = (int)lround(y_mm / 25.4 * dpi), h = pixGetHeight(page) - y;
    BOX   *box = boxCreate(0, y, pixGetWidth(page), h);
    PIX   *cut = pixClipRectangle(page, box, NULL);
    boxDestroy(&box);
    return cut;
}

static int
cmd_make(int argc, char **argv)
{
    if (argc < 6)
        return 2;
    const char *config = argv[2], *dir = argv[3];
    int         dpi = atoi(argv[4]);
    rng_state = strtoull(argv[5], NULL, 10) * 2654435761u + 1;
    long max = argc > 6 ? atol(argv[6]) : -1;
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION, quiet_log, NULL);

    struct run_request req = {0};
    req.config_path = config;
    req.need_fonts = true;
    struct run   r = {0};
    struct diags d = {0};
    if (!run_load(&r, &req, &d)) {
        fprintf(stderr, "scan_corpus: cannot load %s (%zu errors)\n", config, d.n_errors);
        return 1;
    }
    diags_fini(&d);
    char path[4096];
    snprintf(path, sizeof path, "%s/truth-%d.txt", dir, dpi);
    struct batch b = {dir, dpi, 0, NULL, false, 0, 0, fopen(path, "w"), ""};
    if (!b.truth) {
        fprintf(stderr, "scan_corpus: cannot write %s\n", path);
        return 1;
    }
    struct arena *a = arena_new();
    size_t        n = r.roster->n_pupils;
    if (max >= 0 && (size_t)max < n)
        n = (size_t)max;
    /* Cut slips wait here for a second one to share a page. */
    PIX         *held = NULL;
    struct truth held_t;
    double       held_content = 0; /* mm from its cut to below its bottom marks */
    for (size_t i = 0; i < n; i++) {
        const struct pupil *p = &r.roster->pupils[i];
        struct layout_slip  slip;
        struct truth        t;
        struct plan         plan = random_plan();
        PIX                *page = render_marked(&r, p, dpi, a, &slip, &t, &plan);
        double              how = uniform();
        if (how < 0.62) {
            PIX *placed = place_page(page, dpi, uniform() < 0.15);
            batch_add(&b, placed, &t, 1, "page");
            pixDestroy(&placed);
        } else if (how < 0.9) {
            /* Cut off; two slips to a page, each laid on the glass a little askew, the pair either way up. */
            /*
             * Two slips of about 140 mm (cut line to the sheet's edge) fill an A4 glass: each lies within
             * +-1.5 degrees, the second as low as its bottom corner marks allow; what hangs over the edge
             * is the footer below them.
             */
            PIX *cut = cut_slip(page, &slip, dpi);
            PIX *askew = skew_padded(cut, between(-1.5, 1.5), dpi);
            pixDestroy(&cut);
            if (!held) {
                held = askew;
                held_t = t;
                held_content = (slip.marks_y_pt[2] - slip.cut_y_pt) / MM + 6;
            } else {
                PIX   *sheet = white_page(dpi);
                double pad = PAD_MM / 25.4 * dpi, px_mm = dpi / 25.4;
                paste(sheet, held, (int)(between(-2, 3) * px_mm - pad), (int)(between(2, 4) * px_mm - pad));
                double second = A4_H_MM - ((slip.marks_y_pt[2] - slip.cut_y_pt) / MM + 6) - between(1, 4);
                if (second < held_content + 4)
                    second = held_content + 4;
                paste(sheet, askew, (int)(between(-2, 3) * px_mm - pad), (int)(second * px_mm - pad));
                if (uniform() < 0.3) {
                    PIX *turned = pixRotate180(NULL, sheet);
                    pixDestroy(&sheet);
                    sheet = turned;
                }
                struct truth both[2] = {held_t, t};
                batch_add(&b, sheet, both, 2, "cut, two to a page");
                pixDestroy(&sheet);
                pixDestroy(&held);
                pixDestroy(&askew);
            }
        } else {
            /* Cut off and laid on the glass sideways, alone. */
            PIX   *cut = cut_slip(page, &slip, dpi);
            PIX   *turned = pixRotate90(cut, uniform() < 0.5 ? 1 : -1);
            PIX   *askew = skew_padded(turned, between(-3, 3), dpi);
            PIX   *sheet = white_page(dpi);
            double pad = PAD_MM / 25.4 * dpi;
            paste(sheet, askew, (int)(between(5, 40) / 25.4 * dpi - pad), (int)(between(5, 60) / 25.4 * dpi - pad));
            batch_add(&b, sheet, &t, 1, "cut, alone, sideways");
            pixDestroy(&cut);
            pixDestroy(&turned);
            pixDestroy(&askew);
            pixDestroy(&sheet);
        }
        pixDestroy(&page);
        if ((i + 1) % 100 == 0)
            fprintf(stderr, "scan_corpus: %zu of %zu slips at %d dpi\n", i + 1, n, dpi);
    }
    if (held) {
        PIX *sheet = white_page(dpi);
        paste(sheet, held, (int)(-PAD_MM / 25.4 * dpi), (int)((5 - PAD_MM) / 25.4 * dpi));
        batch_add(&b, sheet, &held_t, 1, "cut, alone");
        pixDestroy(&sheet);
        pixDestroy(&held);
    }
    batch_flush(&b);
    fclose(b.truth);
    arena_free(a);
    run_fini(&r);
    return 0;
}

/* ---- compose: a fixed scan for the tests ---- */

static const struct pupil *
pupil_by_id(const struct run *r, const char *id)
{
    for (size_t i = 0; i < r->roster->n_pupils; i++)
        if (r->roster->pupils[i].id && strcmp(r->roster->pupils[i].id, id) == 0)
            return &r->roster->pupils[i];
    fprintf(stderr, "scan_corpus: no pupil with id %s\n", id);
    exit(2);
}

/* "ID:MARK:yes|no:signed|unsigned|unsigned-last[:page|page180|cut|cut90|cutoff|nocode]" */
static const struct pupil *
parse_slip(const struct run *r, char *spec, struct plan *plan, char **how)
{
    char *f[5] = {0};
    int   n = 0;
    for (char *t = strtok(spec, ":"); t && n < 5; t = strtok(NULL, ":"))
        f[n++] = t;
    if (n < 4) {
        fprintf(stderr, "scan_corpus: a slip is ID:MARK:yes|no:signed|unsigned[:HOW]\n");
        exit(2);
    }
    static const char *const marks[N_MARKS] = {"tick", "cross", "pencil", "blue", "both", "none", "filled", "dot"};
    plan->mark = N_MARKS;
    for (int m = 0; m < N_MARKS; m++)
        if (strcmp(f[1], marks[m]) == 0)
            plan->mark = (enum mark)m;
    if (plan->mark == N_MARKS) {
        fprintf(stderr, "scan_corpus: unknown mark %s\n", f[1]);
        exit(2);
    }
    plan->say_yes = strcmp(f[2], "yes") == 0;
    plan->empty_line = strcmp(f[3], "signed") == 0 ? SIZE_MAX : strcmp(f[3], "unsigned-last") == 0 ? 1 : 0;
    *how = f[4] ? f[4] : "page";
    return pupil_by_id(r, f[0]);
}

static void
print_truth(const struct truth *t, const char *out, int page)
{
    printf("%u;%s;%d;%s;%s;%d\n", t->line, register_answer_word(t->answer), t->signed_all ? 1 : 0, MARK_NAMES[t->mark],
           out, page);
}

/*
 * compose CONFIG OUT DPI MODE SEED PAGE...: OUT.pdf of the pages given, or OUT.png of one; MODE grey:Q
 * (JPEG quality Q; a PNG stays lossless) or bw:T (threshold T). PAGE: SLIP, SLIP+SLIP (two cut slips),
 * text:ID (the first page of a pupil's form, no slip) or blank.
 */
static int
cmd_compose(int argc, char **argv)
{
    if (argc < 8)
        return 2;
    const char *config = argv[2], *out = argv[3];
    double      dpi = atof(argv[4]);
    bool        bw = strncmp(argv[5], "bw:", 3) == 0;
    int         level = atoi(argv[5] + (bw ? 3 : 5));
    rng_state = strtoull(argv[6], NULL, 10) * 2654435761u + 1;
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION, quiet_log, NULL);
    struct run_request req = {0};
    req.config_path = config;
    req.need_fonts = true;
    struct run   r = {0};
    struct diags d = {0};
    if (!run_load(&r, &req, &d)) {
        fprintf(stderr, "scan_corpus: cannot load %s\n", config);
        return 1;
    }
    diags_fini(&d);
    struct arena *a = arena_new();
    PIXA         *pages = pixaCreate(argc - 7);
    for (int k = 7; k < argc; k++) {
        char *spec = xstrdup(argv[k]);
        PIX  *sheet = NULL;
        if (strcmp(spec, "blank") == 0) {
            sheet = white_page(dpi);
        } else if (strncmp(spec, "text:", 5) == 0) {
            struct layout_slip slip;
            struct truth       t;
            PIX *page = render_marked(&r, pupil_by_id(&r, spec + 5), dpi, a, &slip, &t, NULL);
            sheet = place_page(page, dpi, false);
            pixDestroy(&page);
        } else {
            char *plus = strchr(spec, '+');
            if (plus)
                *plus = '\0';
            char *specs[2] = {spec, plus ? plus + 1 : NULL};
            PIX  *cuts[2] = {NULL, NULL};
            double content[2] = {0, 0};
            for (int i = 0; i < 2 && specs[i]; i++) {
                struct plan         plan;
                char               *how;
                const struct pupil *p = parse_slip(&r, specs[i], &plan, &how);
                struct layout_slip  slip;
                struct truth        t;
                PIX                *page = render_marked(&r, p, dpi, a, &slip, &t, &plan);
                print_truth(&t, out, k - 6);
                if (!plus && strncmp(how, "page", 4) == 0) {
                    sheet = place_page(page, dpi, strcmp(how, "page180") == 0);
                } else if (!plus) {
                    /* cut: alone on the glass; cut90: sideways; cutoff: too far right, its right marks off
                     * the glass; nocode: its code torn off. */
                    if (strcmp(how, "nocode") == 0) {
                        double sc = dpi / 72;
                        BOX   *b = boxCreate((int)((slip.code.x_pt - 3) * sc), (int)((slip.code.y_pt - 3) * sc),
                                             (int)((slip.code.w_pt + 6) * sc), (int)((slip.code.h_pt + 6) * sc));
                        pixSetInRectArbitrary(page, b, 255);
                        boxDestroy(&b);
                    }
                    PIX *cut = cut_slip(page, &slip, dpi);
                    PIX *turned = strcmp(how, "cut90") == 0 ? pixRotate90(cut, 1) : pixClone(cut);
                    PIX *askew = skew_padded(turned, between(-3, 3), dpi);
                    double x_mm = strcmp(how, "cutoff") == 0 ? 22 : strcmp(how, "cut90") == 0 ? 30 : 1;
                    sheet = white_page(dpi);
                    paste(sheet, askew, (int)((x_mm - PAD_MM) / 25.4 * dpi), (int)((20 - PAD_MM) / 25.4 * dpi));
                    pixDestroy(&cut);
                    pixDestroy(&turned);
                    pixDestroy(&askew);
                } else {
                    PIX *cut = cut_slip(page, &slip, dpi);
                    cuts[i] = skew_padded(cut, between(-1.5, 1.5), dpi);
                    content[i] = (slip.marks_y_pt[2] - slip.cut_y_pt) / MM + 6;
                    pixDestroy(&cut);
                }
                pixDestroy(&page);
            }
            if (plus) {
                sheet = white_page(dpi);
                double pad = PAD_MM / 25.4 * dpi, px_mm = dpi / 25.4;
                paste(sheet, cuts[0], (int)(2 * px_mm - pad), (int)(3 * px_mm - pad));
                double second = fmax(A4_H_MM - content[1] - 2, content[0] + 4);
                paste(sheet, cuts[1], (int)(2 * px_mm - pad), (int)(second * px_mm - pad));
                pixDestroy(&cuts[0]);
                pixDestroy(&cuts[1]);
            }
        }
        free(spec);
        PIX *p = bw ? pixThresholdToBinary(sheet, level) : pixClone(sheet);
        pixDestroy(&sheet);
        pixaAddPix(pages, p, L_INSERT);
    }
    int rc = 0;
    size_t len = strlen(out);
    if (len > 4 && strcmp(out + len - 4, ".png") == 0) {
        PIX *p = pixaGetPix(pages, 0, L_CLONE);
        pixSetResolution(p, (l_int32)dpi, (l_int32)dpi);
        rc = pixWrite(out, p, IFF_PNG) != 0;
        pixDestroy(&p);
    } else {
        l_uint8 *data = NULL;
        size_t   n = 0;
        rc = pixaConvertToPdfData(pages, (l_int32)dpi, 1.0, bw ? L_G4_ENCODE : L_JPEG_ENCODE, level, NULL, &data, &n);
        FILE *f = rc == 0 ? fopen(out, "wb") : NULL;
        rc = !f || fwrite(data, 1, n, f) != n || fclose(f) != 0;
        lept_free(data);
    }
    if (rc)
        fprintf(stderr, "scan_corpus: cannot write %s\n", out);
    pixaDestroy(&pages);
    arena_free(a);
    run_fini(&r);
    return rc;
}

/* ---- check ---- */

struct tally {
    char   key[96];
    size_t n, read, decided_right, review, wrong, unread;
};

struct tallies {
    struct tally v[128];
    size_t       n;
};

static struct tally *
tally_of(struct tallies *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].key, key) == 0)
            return &t->v[i];
    if (t->n == 128)
        return &t->v[127];
    struct tally *x = &t->v[t->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->key, sizeof x->key, "%s", key);
    return x;
}

static int
compare_tallies(const void *a, const void *b)
{
    return strcmp(((const struct tally *)a)->key, ((const struct tally *)b)->key);
}

static void
print_tallies(const char *title, struct tallies *t)
{
    qsort(t->v, t->n, sizeof t->v[0], compare_tallies);
    printf("\n| %s | slips | code read | decided right, no review | to review | wrong |\n|---|---|---|---|---|---|\n",
           title);
    for (size_t i = 0; i < t->n; i++) {
        const struct tally *x = &t->v[i];
        printf("| %s | %zu | %zu | %zu | %zu | %zu |\n", x->key, x->n, x->read, x->decided_right, x->review, x->wrong);
    }
}

static int
answer_col(const struct register_row *row)
{
    if (row->n_sources == 0)
        return 3;
    switch (row->answer) {
    case REGISTER_ANSWER_YES:
        return 0;
    case REGISTER_ANSWER_NO:
        return 1;
    default:
        return 2;
    }
}

static int
cmd_check(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    struct run_request req = {0};
    req.config_path = argv[2];
    struct run   r = {0};
    struct diags d = {0};
    if (!run_load(&r, &req, &d)) {
        fprintf(stderr, "scan_corpus: cannot load %s\n", argv[2]);
        return 1;
    }
    /* truth answer (Ja, Nein, unklar) x register (Ja, Nein, unklar, not read); and x review */
    size_t         ans[3][4] = {{0}}, ans_review[3] = {0}, sig[2][4] = {{0}};
    size_t         total = 0, read = 0, clear = 0, clear_auto = 0, review = 0, wrong = 0, wrong_sig = 0;
    size_t         clear_mode[2] = {0, 0}, clear_mode_auto[2] = {0, 0}; /* grey, black and white */
    struct tallies by_mark = {0}, by_setting = {0};
    for (int k = 3; k < argc; k++) {
        char *eq = strchr(argv[k], '=');
        if (!eq)
            return 2;
        *eq = '\0';
        struct register_doc *reg = register_load(argv[k], r.roster, &d);
        FILE                *f = fopen(eq + 1, "r");
        if (!reg || !f) {
            fprintf(stderr, "scan_corpus: cannot read %s or %s\n", argv[k], eq + 1);
            return 1;
        }
        char line[512];
        while (fgets(line, sizeof line, f)) {
            char *field[9];
            int   n = 0;
            for (char *s = line; n < 9 && s; n++) {
                field[n] = s;
                s = strchr(s, ';');
                if (s)
                    *s++ = '\0';
            }
            if (n < 9)
                continue;
            field[8][strcspn(field[8], "\n")] = '\0';
            unsigned            at = (unsigned)strtoul(field[0], NULL, 10);
            const struct pupil *p = NULL;
            for (size_t i = 0; i < r.roster->n_pupils && !p; i++)
                if (r.roster->pupils[i].line == at)
                    p = &r.roster->pupils[i];
            if (!p)
                continue;
            const struct register_row *row = register_row_of(reg, p);
            int truth = strcmp(field[1], "Ja") == 0 ? 0 : strcmp(field[1], "Nein") == 0 ? 1 : 2;
            int got = answer_col(row);
            int signed_all = atoi(field[2]);
            total++;
            ans[truth][got]++;
            bool is_read = got != 3, is_review = row->needs_review;
            read += is_read;
            review += is_review;
            ans_review[truth] += is_review;
            bool is_wrong = got < 2 && got != truth;
            wrong += is_wrong;
            bool right_auto = got < 2 && got == truth && !is_review;
            if (truth < 2) {
                clear++;
                clear_auto += right_auto;
            }
            int sig_col = !is_read                                          ? 3
                          : row->signature == REGISTER_SIGNATURE_YES        ? 0
                          : row->signature == REGISTER_SIGNATURE_MISSING    ? 1
                                                                            : 2;
            sig[signed_all ? 0 : 1][sig_col]++;
            wrong_sig += !signed_all && sig_col == 0;
            /* JPEG qualities together: one row per resolution, colour mode and way on the glass. */
            bool bw = strncmp(field[5], "black", 5) == 0;
            char setting[96], mark[96];
            snprintf(setting, sizeof setting, "%s dpi, %s, %s", field[4], bw ? "black and white" : "grey (JPEG q15-65)",
                     field[6]);
            snprintf(mark, sizeof mark, "%s, %s", field[3], bw ? "black and white" : "grey");
            struct tally *tm = tally_of(&by_mark, mark), *ts = tally_of(&by_setting, setting);
            if (truth < 2) {
                clear_mode[bw]++;
                clear_mode_auto[bw] += right_auto;
            }
            struct tally *both[2] = {tm, ts};
            for (int b = 0; b < 2; b++) {
                both[b]->n++;
                both[b]->read += is_read;
                both[b]->decided_right += right_auto;
                both[b]->review += is_review;
                both[b]->wrong += is_wrong;
            }
        }
        fclose(f);
        register_free(reg);
    }
    static const char *const truth_names[3] = {"Ja", "Nein", "unklar (both, none, correction, dot, unsigned)"};
    printf("| truth \\ register | Ja | Nein | unklar | not read | Prüfen ja |\n|---|---|---|---|---|---|\n");
    for (int t = 0; t < 3; t++)
        printf("| %s | %zu | %zu | %zu | %zu | %zu |\n", truth_names[t], ans[t][0], ans[t][1], ans[t][2], ans[t][3],
               ans_review[t]);
    printf("\n| signature truth \\ Unterschrift | ja | fehlt | unklar | not read |\n|---|---|---|---|---|\n");
    static const char *const sig_names[2] = {"every line signed", "a line left empty"};
    for (int t = 0; t < 2; t++)
        printf("| %s | %zu | %zu | %zu | %zu |\n", sig_names[t], sig[t][0], sig[t][1], sig[t][2], sig[t][3]);
    print_tallies("mark", &by_mark);
    print_tallies("scan", &by_setting);
    printf("\nslips: %zu; code read: %zu (%.2f %%); clear slips (one mark, signed) decided without review: %zu of "
           "%zu (%.2f %%); to review: %zu (%.2f %%); wrong answers: %zu; unsigned slips recorded as signed: %zu\n",
           total, read, total ? 100.0 * read / total : 0, clear_auto, clear, clear ? 100.0 * clear_auto / clear : 0,
           review, total ? 100.0 * review / total : 0, wrong, wrong_sig);
    for (int bw = 0; bw < 2; bw++)
        printf("clear slips scanned %s decided without review: %zu of %zu (%.2f %%)\n", bw ? "black and white" : "grey",
               clear_mode_auto[bw], clear_mode[bw], clear_mode[bw] ? 100.0 * clear_mode_auto[bw] / clear_mode[bw] : 0);
    diags_fini(&d);
    run_fini(&r);
    return wrong || wrong_sig ? 3 : 0;
}

int
main(int argc, char **argv)
{
    int rc = 2;
    if (argc >= 2 && strcmp(argv[1], "make") == 0)
        rc = cmd_make(argc, argv);
    else if (argc >= 2 && strcmp(argv[1], "check") == 0)
        rc = cmd_check(argc, argv);
    else if (argc >= 2 && strcmp(argv[1], "compose") == 0)
        rc = cmd_compose(argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: scan_corpus make CONFIG OUTDIR DPI SEED [PUPILS]\n"
                        "       scan_corpus check CONFIG REGISTER=TRUTH...\n"
                        "       scan_corpus compose CONFIG OUT.pdf|OUT.png DPI grey:Q|bw:T SEED PAGE...\n");
    return rc;
}
