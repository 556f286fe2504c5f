/*
 * pdf: the libharu writer that turns laid-out pages into a PDF, and logos.
 *
 * Text is drawn as glyph ids, as the text engine shaped it: each run is one
 * TJ array of two-byte codes (Identity-H; a code is a glyph id) with the
 * positions HarfBuzz gave (kerning, marks) where they differ from the glyph
 * widths, and a text rise (Ts) for marks placed above or below. Each font of
 * a PDF lists exactly the glyphs that PDF prints, with a ToUnicode map of the
 * characters each stands for, so text copies and searches as written, right-
 * to-left names in logical order. No timestamps unless SOURCE_DATE_EPOCH is
 * set. What needs libharu's internal structures (fonts from memory, glyph
 * fonts, the content stream, the subset marks) is in pdf_hpdf.c; this file
 * uses libharu's public API. docs/performance.md says why the writer works
 * as it does; test_pdf.c guards it.
 */
#include "consentgen/pdf.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>

#include "pdf_int.h"

/* A TJ adjustment is written when positions differ by this much (1/1000 em). */
#define ADJUST_MIN 1.0

struct pdf_fonts {
    struct pdf_font_file *files; /* per font id of the text engine */
    size_t                n;
    /* Lent to one writer at a time; pdf_fonts stays read-only for everyone else. */
    struct hpdf_slot *slot;
};

struct saved_page {
    struct layout_item *items; /* copies, in the writer's arena */
    size_t              n_items;
    bool                is_blank;
};

/* The glyphs of one font a PDF prints: open addressing on the glyph id. */
struct glyph_set {
    struct pdf_glyph_use *v; /* text NULL and len 0 with gid UINT32_MAX: empty */
    size_t                n, cap;
};

struct pdf_writer {
    const struct pdf_fonts *fonts;
    struct hpdf_slot       *slot;
    bool                    owns_slot; /* the run's slot was busy: a private one */
    HPDF_Font              *font;      /* per font id; NULL: not printed in this PDF */
    struct glyph_set       *used;      /* per font id */
    HPDF_Image              logo;
    struct arena           *arena;
    struct saved_page      *pages;
    size_t                  n_pages, cap_pages;
    struct buf              ops; /* scratch: one run's text operators */
};

/* ---- fonts ------------------------------------------------------------------------------------ */

struct pdf_fonts *
pdf_fonts_load(const struct text_engine *text, const char *config_path, struct diags *d)
{
    struct pdf_fonts *f = xcalloc(1, sizeof *f);
    f->n = text_engine_n_fonts(text);
    f->files = xcalloc(f->n ? f->n : 1, sizeof *f->files);
    for (size_t i = 0; i < f->n; i++) {
        f->files[i].path = xstrdup(text_engine_font_path(text, (int)i));
        f->files[i].is_path = text_engine_font_is_path(text, (int)i);
    }
    f->slot = hpdf_slot_new(f->files, f->n, config_path, d);
    if (!f->slot) {
        pdf_fonts_free(f);
        return NULL;
    }
    return f;
}

void
pdf_fonts_free(struct pdf_fonts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        free(f->files[i].path);
    free(f->files);
    hpdf_slot_free(f->slot);
    free(f);
}

/* ---- logo ------------------------------------------------------------------------------------- */

enum image_kind { IMAGE_UNKNOWN, IMAGE_PNG, IMAGE_JPEG };

/* By content, not by name: a "logo.png" that is really a JPEG still works. */
static bool
sniff_image(const char *path, enum image_kind *kind, int *err)
{
    unsigned char head[8] = {0};
    FILE         *fp = fopen(path, "rb");
    if (!fp) {
        *err = errno;
        return false;
    }
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n == 8 && memcmp(head, png, 8) == 0)
        *kind = IMAGE_PNG;
    else if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        *kind = IMAGE_JPEG;
    else
        *kind = IMAGE_UNKNOWN;
    return true;
}

/* Loads the logo into doc; NULL and a diag naming the file on failure. */
static HPDF_Image
load_image(HPDF_Doc doc, const struct hpdf_error *err, const char *path, const char *config_path,
           struct diags *d)
{
    enum image_kind kind;
    int             e = 0;
    if (!sniff_image(path, &kind, &e)) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0, "cannot read logo \"%s\": %s", path, strerror(e));
        return NULL;
    }
    if (kind == IMAGE_UNKNOWN) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0, "logo \"%s\" is not a PNG or JPEG image", path);
        return NULL;
    }
    HPDF_Image img =
        kind == IMAGE_PNG ? HPDF_LoadPngImageFromFile(doc, path) : HPDF_LoadJpegImageFromFile(doc, path);
    if (!img || HPDF_Image_GetWidth(img) == 0 || HPDF_Image_GetHeight(img) == 0) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0,
                 "logo \"%s\" is not a readable %s image (libharu error 0x%04X)", path,
                 kind == IMAGE_PNG ? "PNG" : "JPEG", (unsigned)err->error_no);
        return NULL;
    }
    return img;
}

bool
pdf_logo_probe(const char *path, const char *config_path, double *aspect, struct diags *d)
{
    struct hpdf_error err = {0};
    HPDF_Doc          doc = HPDF_New(hpdf_on_error, &err);
    if (!doc) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start libharu");
        return false;
    }
    HPDF_Image img = load_image(doc, &err, path, config_path, d);
    if (img)
        *aspect = (double)HPDF_Image_GetWidth(img) / (double)HPDF_Image_GetHeight(img);
    HPDF_Free(doc);
    return img != NULL;
}

/* ---- writer ----------------------------------------------------------------------------------- */

static void
report_writer_error(struct pdf_writer *w, const char *what, struct diags *d)
{
    diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot %s: libharu error 0x%04X (detail %u)", what,
             (unsigned)w->slot->err.error_no, (unsigned)w->slot->err.detail_no);
}

/*
 * SOURCE_DATE_EPOCH (reproducible-builds.org): seconds since 1970, written as
 * CreationDate and ModDate in UTC. Unset: no dates, so equal input gives equal bytes.
 */
static bool
set_dates(struct pdf_writer *w, struct diags *d)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s)
        return true;
    char     *end;
    long long secs;
    errno = 0;
    secs = strtoll(s, &end, 10);
    struct tm tm;
    time_t    t = (time_t)secs;
    if (errno || *end || secs < 0 || !gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999) {
        diag_add(d, DIAG_WARNING, NULL, 0, 0,
                 "SOURCE_DATE_EPOCH \"%s\" is not a number of seconds since 1970; the PDF gets no date", s);
        return true;
    }
    HPDF_Date date = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                      tm.tm_sec,         'Z',           0,          0};
    return HPDF_SetInfoDateAttr(w->slot->doc, HPDF_INFO_CREATION_DATE, date) == HPDF_OK &&
           HPDF_SetInfoDateAttr(w->slot->doc, HPDF_INFO_MOD_DATE, date) == HPDF_OK;
}

static bool
set_info(struct pdf_writer *w, const struct pdf_meta *meta, struct diags *d)
{
    HPDF_Doc doc = w->slot->doc;
    /* With the UTF-8 encoder current, libharu writes info strings as UTF-16BE with a BOM. */
    if (HPDF_SetCurrentEncoder(doc, "UTF-8") != HPDF_OK)
        return false;
    if (meta && meta->title && HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, meta->title) != HPDF_OK)
        return false;
    if (meta && meta->author && HPDF_SetInfoAttr(doc, HPDF_INFO_AUTHOR, meta->author) != HPDF_OK)
        return false;
    if (meta && meta->subject && HPDF_SetInfoAttr(doc, HPDF_INFO_SUBJECT, meta->subject) != HPDF_OK)
        return false;
    if (HPDF_SetInfoAttr(doc, HPDF_INFO_CREATOR, "consentgen " CONSENTGEN_VERSION) != HPDF_OK)
        return false;
    return set_dates(w, d);
}

struct pdf_writer *
pdf_writer_new(const struct pdf_fonts *fonts, const char *logo_path, const struct pdf_meta *meta,
               struct diags *d)
{
    struct pdf_writer *w = xcalloc(1, sizeof *w);
    w->fonts = fonts;
    if (!fonts->slot->in_use) {
        w->slot = fonts->slot;
    } else {
        w->slot = hpdf_slot_new(fonts->files, fonts->n, NULL, d);
        w->owns_slot = true;
        if (!w->slot) {
            free(w);
            return NULL;
        }
    }
    w->slot->in_use = true;
    w->arena = arena_new();
    buf_init(&w->ops);
    /* A fresh PDF in the same document: objects of the last one freed, loaded fonts kept. */
    w->slot->err = (struct hpdf_error){0};
    if (HPDF_NewDoc(w->slot->doc) != HPDF_OK ||
        HPDF_SetCompressionMode(w->slot->doc, HPDF_COMP_ALL) != HPDF_OK) {
        report_writer_error(w, "start the PDF", d);
        goto fail;
    }
    if (logo_path) {
        w->logo = load_image(w->slot->doc, &w->slot->err, logo_path, NULL, d);
        if (!w->logo)
            goto fail;
    }
    if (!set_info(w, meta, d)) {
        report_writer_error(w, "set the PDF's title and author", d);
        goto fail;
    }
    return w;
fail:
    pdf_writer_free(w);
    return NULL;
}

/*
 * Keeps a copy of the pages: they are drawn in pdf_writer_save, when every
 * glyph of the PDF is known and each font can list exactly those.
 */
bool
pdf_writer_add(struct pdf_writer *w, const struct layout_doc *doc, struct diags *d)
{
    if (w->slot->err.error_no) {
        report_writer_error(w, "add pages to the PDF", d);
        return false;
    }
    for (size_t p = 0; p < doc->n_pages; p++) {
        const struct layout_page *lp = &doc->pages[p];
        if (w->n_pages == w->cap_pages) {
            w->cap_pages = w->cap_pages ? 2 * w->cap_pages : 16;
            w->pages = xrealloc(w->pages, w->cap_pages * sizeof *w->pages);
        }
        struct saved_page *sp = &w->pages[w->n_pages++];
        sp->is_blank = lp->is_blank;
        sp->n_items = lp->is_blank ? 0 : lp->n_items;
        sp->items = sp->n_items ? arena_alloc(w->arena, sp->n_items * sizeof *sp->items) : NULL;
        for (size_t i = 0; i < sp->n_items; i++) {
            const struct layout_item *it = &lp->items[i];
            sp->items[i] = *it;
            if (it->text)
                sp->items[i].text = arena_strdup(w->arena, it->text);
            if (it->n_glyphs) {
                struct text_glyph *g = arena_alloc(w->arena, it->n_glyphs * sizeof *g);
                memcpy(g, it->glyphs, it->n_glyphs * sizeof *g);
                sp->items[i].glyphs = g;
            } else {
                sp->items[i].glyphs = NULL;
            }
            if (it->image) {
                unsigned char *copy = arena_alloc(w->arena, it->image_len);
                memcpy(copy, it->image, it->image_len);
                sp->items[i].image = copy;
            }
        }
    }
    return true;
}

/* Current graphics state of the page being drawn, to skip redundant operators. */
struct draw_state {
    bool   in_text;
    int    font;
    double size_pt;
    double fill_gray;
    double stroke_gray;
    double line_width_pt;
    bool   is_dashed;
    bool   in_fill; /* filled rectangles collected into one path, filled once (a QR code) */
};

/* Fills the rectangles collected so far. */
static void
end_fill(HPDF_Page page, struct draw_state *st)
{
    if (st->in_fill)
        HPDF_Page_Fill(page);
    st->in_fill = false;
}

static void
end_text(HPDF_Page page, struct draw_state *st)
{
    if (st->in_text)
        HPDF_Page_EndText(page);
    st->in_text = false;
}

static void
set_stroke(HPDF_Page page, struct draw_state *st, const struct layout_item *it)
{
    bool dashed = it->kind == LAYOUT_ITEM_DASH;
    if (dashed || st->is_dashed) {
        /* libharu takes whole points for the pattern. */
        HPDF_UINT16 d = (HPDF_UINT16)(it->dash_pt >= 1.0 ? it->dash_pt + 0.5 : 1.0), dash[2] = {d, d};
        HPDF_Page_SetDash(page, dashed ? dash : NULL, dashed ? 2 : 0, 0);
        st->is_dashed = dashed;
    }
    if (it->line_width_pt != st->line_width_pt) {
        HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->line_width_pt);
        st->line_width_pt = it->line_width_pt;
    }
    if (it->gray != st->stroke_gray) {
        HPDF_Page_SetGrayStroke(page, (HPDF_REAL)it->gray);
        st->stroke_gray = it->gray;
    }
}

/* A number with up to 3 decimals, without printf: the locale must not make it "70,866". */
static void
put_number(struct buf *b, double v)
{
    long long milli = llround(v * 1000);
    char      digits[32];
    size_t    n = 0;
    if (milli < 0) {
        buf_putc(b, '-');
        milli = -milli;
    }
    int frac = (int)(milli % 1000);
    for (long long whole = milli / 1000; n == 0 || whole > 0; whole /= 10)
        digits[n++] = (char)('0' + whole % 10);
    while (n > 0)
        buf_putc(b, digits[--n]);
    if (frac) {
        buf_putc(b, '.');
        for (int div = 100; frac; div /= 10) {
            buf_putc(b, (char)('0' + frac / div));
            frac %= div;
        }
    }
}

/* A glyph id as the two bytes of its code inside a literal string. */
static void
put_code(struct buf *b, uint32_t gid)
{
    unsigned char bytes[2] = {(unsigned char)(gid >> 8), (unsigned char)gid};
    for (int k = 0; k < 2; k++) {
        /* In a literal string these need a backslash; a bare CR would be read as LF. */
        if (bytes[k] == '(' || bytes[k] == ')' || bytes[k] == '\\')
            buf_putc(b, '\\');
        if (bytes[k] == '\r')
            buf_puts(b, "\\r");
        else
            buf_putc(b, (char)bytes[k]);
    }
}

/*
 * One run: "1 0 0 1 x y Tm" (an absolute text matrix per run: no drift from
 * relative moves), then its glyphs in TJ arrays. A literal string holds the
 * two-byte codes in half the bytes of libharu's hex strings. The pen follows
 * the PDF's widths; where HarfBuzz's position (with kerning and mark offsets)
 * is ADJUST_MIN or more away, a TJ number moves it there. A mark raised or
 * lowered gets a text rise of its own.
 */
static void
show_run(struct pdf_writer *w, HPDF_Page page, const struct layout_item *it, int font, double x_pt,
         double y_pt)
{
    struct buf  *b = &w->ops;
    const double to_milli = 1000.0 / TEXT_UNITS_PER_EM;
    double       pen_exact = 0, pen_pdf = 0, rise_pt = 0;
    bool         in_string = false;
    buf_reset(b);
    buf_puts(b, "1 0 0 1 ");
    put_number(b, x_pt);
    buf_putc(b, ' ');
    put_number(b, y_pt);
    buf_puts(b, " Tm\n[");
    for (size_t i = 0; i < it->n_glyphs; i++) {
        const struct text_glyph *g = &it->glyphs[i];
        double                   rise = (double)g->y_offset * it->size_pt / TEXT_UNITS_PER_EM;
        if (fabs(rise - rise_pt) >= 0.0005) {
            buf_puts(b, in_string ? ")] TJ\n" : "] TJ\n");
            put_number(b, rise);
            buf_puts(b, " Ts\n[");
            in_string = false;
            rise_pt = rise;
        }
        double target = pen_exact + g->x_offset * to_milli;
        double d = pen_pdf - target;
        if (fabs(d) >= ADJUST_MIN) {
            long long n = llround(d);
            buf_printf(b, "%s%lld", in_string ? ")" : "", n);
            in_string = false;
            pen_pdf -= (double)n;
        }
        if (!in_string)
            buf_putc(b, '(');
        in_string = true;
        put_code(b, g->gid);
        pen_pdf += hpdf_glyph_width(w->slot, font, g->gid);
        pen_exact += g->x_advance * to_milli;
    }
    buf_puts(b, in_string ? ")] TJ\n" : "] TJ\n");
    if (rise_pt != 0)
        buf_puts(b, "0 Ts\n");
    hpdf_page_write(page, b->data, b->len);
}

static void
draw_item(struct pdf_writer *w, HPDF_Page page, struct draw_state *st, const struct layout_item *it)
{
    const double h = LAYOUT_PAGE_HEIGHT_PT;
    if (it->kind != LAYOUT_ITEM_RECT)
        end_fill(page, st);
    switch (it->kind) {
    case LAYOUT_ITEM_TEXT: {
        if (!it->n_glyphs || it->font < 0 || (size_t)it->font >= w->fonts->n)
            return;
        int font = w->slot->owner[it->font];
        /* Consecutive text items share one BT/ET block. */
        if (!st->in_text) {
            HPDF_Page_BeginText(page);
            st->in_text = true;
        }
        if (font != st->font || it->size_pt != st->size_pt) {
            HPDF_Page_SetFontAndSize(page, w->font[font], (HPDF_REAL)it->size_pt);
            st->font = font;
            st->size_pt = it->size_pt;
        }
        if (it->gray != st->fill_gray) {
            HPDF_Page_SetGrayFill(page, (HPDF_REAL)it->gray);
            st->fill_gray = it->gray;
        }
        show_run(w, page, it, font, it->x_pt, h - it->y_pt);
        return;
    }
    case LAYOUT_ITEM_LINE:
    case LAYOUT_ITEM_DASH:
        end_text(page, st);
        set_stroke(page, st, it);
        HPDF_Page_MoveTo(page, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt));
        HPDF_Page_LineTo(page, (HPDF_REAL)(it->x_pt + it->w_pt), (HPDF_REAL)(h - it->y_pt - it->h_pt));
        HPDF_Page_Stroke(page);
        return;
    case LAYOUT_ITEM_BOX:
        end_text(page, st);
        set_stroke(page, st, it);
        HPDF_Page_Rectangle(page, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt - it->h_pt),
                            (HPDF_REAL)it->w_pt, (HPDF_REAL)it->h_pt);
        HPDF_Page_Stroke(page);
        return;
    case LAYOUT_ITEM_CIRCLE:
        end_text(page, st);
        set_stroke(page, st, it);
        HPDF_Page_Circle(page, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt), (HPDF_REAL)it->w_pt);
        HPDF_Page_Stroke(page);
        return;
    case LAYOUT_ITEM_RECT:
        end_text(page, st);
        if (st->in_fill && it->gray != st->fill_gray)
            end_fill(page, st);
        if (it->gray != st->fill_gray) {
            HPDF_Page_SetGrayFill(page, (HPDF_REAL)it->gray);
            st->fill_gray = it->gray;
        }
        HPDF_Page_Rectangle(page, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt - it->h_pt),
                            (HPDF_REAL)it->w_pt, (HPDF_REAL)it->h_pt);
        st->in_fill = true;
        return;
    case LAYOUT_ITEM_LOGO:
        end_text(page, st);
        /* layout places a logo only when the run has one (logo_aspect > 0). */
        if (w->logo)
            HPDF_Page_DrawImage(page, w->logo, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt - it->h_pt),
                                (HPDF_REAL)it->w_pt, (HPDF_REAL)it->h_pt);
        return;
    case LAYOUT_ITEM_IMAGE: {
        end_text(page, st);
        /* The JPEG's own data goes into the PDF as it is (DCTDecode), not decoded and compressed again. */
        HPDF_Image img = it->image && it->image_len
                             ? HPDF_LoadJpegImageFromMem(w->slot->doc, it->image, (HPDF_UINT)it->image_len)
                             : NULL;
        if (img)
            HPDF_Page_DrawImage(page, img, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt - it->h_pt),
                                (HPDF_REAL)it->w_pt, (HPDF_REAL)it->h_pt);
        return;
    }
    }
    abort(); /* impossible enum value */
}

/* ---- the glyphs a PDF prints ---- */

static void
glyph_set_add(struct glyph_set *s, uint32_t gid, const char *text, size_t len, bool is_rtl)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t                cap = s->cap ? 2 * s->cap : 256;
        struct pdf_glyph_use *v = xmalloc(cap * sizeof *v);
        for (size_t i = 0; i < cap; i++)
            v[i] = (struct pdf_glyph_use){UINT32_MAX, NULL, 0, false};
        for (size_t i = 0; i < s->cap; i++) {
            if (s->v[i].gid == UINT32_MAX)
                continue;
            size_t j = s->v[i].gid * 2654435761u & (cap - 1);
            while (v[j].gid != UINT32_MAX)
                j = (j + 1) & (cap - 1);
            v[j] = s->v[i];
        }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    size_t j = gid * 2654435761u & (s->cap - 1);
    for (; s->v[j].gid != UINT32_MAX; j = (j + 1) & (s->cap - 1)) {
        if (s->v[j].gid == gid) {
            if (!s->v[j].len && len) /* a glyph that stood for nothing now stands for something */
                s->v[j] = (struct pdf_glyph_use){gid, text, len, is_rtl};
            return;
        }
    }
    s->v[j] = (struct pdf_glyph_use){gid, text, len, is_rtl};
    s->n++;
}

static int
compare_use(const void *a, const void *b)
{
    const struct pdf_glyph_use *x = a, *y = b;
    return x->gid < y->gid ? -1 : x->gid > y->gid;
}

/*
 * Creates the fonts the saved pages use, each listing exactly the glyphs
 * printed with it, in the order of the font ids. A font nothing is printed
 * in gets no font object at all.
 */
static bool
create_fonts(struct pdf_writer *w)
{
    size_t n_fonts = w->fonts->n;
    w->font = xcalloc(n_fonts ? n_fonts : 1, sizeof *w->font);
    w->used = xcalloc(n_fonts ? n_fonts : 1, sizeof *w->used);
    for (size_t p = 0; p < w->n_pages; p++)
        for (size_t i = 0; i < w->pages[p].n_items; i++) {
            const struct layout_item *it = &w->pages[p].items[i];
            if (it->kind != LAYOUT_ITEM_TEXT || it->font < 0 || (size_t)it->font >= n_fonts)
                continue;
            struct glyph_set *set = &w->used[w->slot->owner[it->font]];
            for (size_t g = 0; g < it->n_glyphs; g++) {
                const struct text_glyph *gl = &it->glyphs[g];
                glyph_set_add(set, gl->gid, it->text + gl->uni_start, gl->uni_len, it->is_rtl);
            }
        }
    bool ok = true;
    for (size_t i = 0; i < n_fonts && ok; i++) {
        struct glyph_set *set = &w->used[i];
        if (!set->n)
            continue;
        size_t n = 0;
        for (size_t k = 0; k < set->cap; k++)
            if (set->v[k].gid != UINT32_MAX)
                set->v[n++] = set->v[k];
        qsort(set->v, n, sizeof *set->v, compare_use);
        w->font[i] = hpdf_glyph_font(w->slot, (int)i, set->v, n);
        ok = w->font[i] != NULL;
    }
    return ok && !w->slot->err.error_no;
}

static bool
draw_pages(struct pdf_writer *w)
{
    for (size_t p = 0; p < w->n_pages && !w->slot->err.error_no; p++) {
        const struct saved_page *sp = &w->pages[p];
        HPDF_Page                page = HPDF_AddPage(w->slot->doc);
        if (!page)
            break;
        HPDF_Page_SetWidth(page, (HPDF_REAL)LAYOUT_PAGE_WIDTH_PT);
        HPDF_Page_SetHeight(page, (HPDF_REAL)LAYOUT_PAGE_HEIGHT_PT);
        if (sp->is_blank)
            continue;
        /* The PDF defaults: black fill and stroke, line width 1; no font yet. */
        struct draw_state st = {false, -1, 0, 0, 0, 1, false, false};
        for (size_t i = 0; i < sp->n_items && !w->slot->err.error_no; i++)
            draw_item(w, page, &st, &sp->items[i]);
        end_fill(page, &st);
        end_text(page, &st);
    }
    return !w->slot->err.error_no;
}

bool
pdf_writer_save(struct pdf_writer *w, struct buf *out, struct diags *d)
{
    if (w->slot->err.error_no || !create_fonts(w)) {
        report_writer_error(w, "embed the fonts", d);
        return false;
    }
    /* Drawing problems are the pages' (libharu refuses a font size above 600 pt, for one). */
    if (!draw_pages(w)) {
        report_writer_error(w, "add pages to the PDF", d);
        return false;
    }
    HPDF_Doc doc = w->slot->doc;
    if (HPDF_SaveToStream(doc) != HPDF_OK) {
        report_writer_error(w, "write the PDF", d);
        return false;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(doc);
    char       *data = xmalloc((size_t)size + 1);
    HPDF_UINT32 got = 0;
    w->slot->err.ignore_eof = true;
    while (got < size && !w->slot->err.error_no) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS rc = HPDF_ReadFromStream(doc, (HPDF_BYTE *)data + got, &n);
        got += n;
        if ((rc != HPDF_OK && rc != HPDF_STREAM_EOF) || n == 0)
            break;
    }
    w->slot->err.ignore_eof = false;
    HPDF_ResetError(doc);
    if (got != size || w->slot->err.error_no) {
        free(data);
        report_writer_error(w, "write the PDF", d);
        return false;
    }
    buf_append(out, data, size);
    free(data);
    return true;
}

void
pdf_writer_free(struct pdf_writer *w)
{
    if (!w)
        return;
    if (w->slot)
        hpdf_slot_end_pdf(w->slot);
    if (w->owns_slot) {
        hpdf_slot_free(w->slot);
    } else if (w->slot) {
        /* Frees this PDF's objects now, so memory stays flat between files. */
        HPDF_FreeDoc(w->slot->doc);
        w->slot->in_use = false;
    }
    for (size_t i = 0; w->used && i < w->fonts->n; i++)
        free(w->used[i].v);
    free(w->used);
    free(w->font);
    arena_free(w->arena);
    free(w->pages);
    buf_fini(&w->ops);
    free(w);
}
