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

struct pdf_fonts {
    struct pdf_font_file *files; /* per font id of the text engine */
    size_t                n;
    /* Lent to one writer at a time; pdf_fonts stays read-only for everyone else. */
    struct hpdf_slot *slot;
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
    HPDF_Font              *font;      /* per font id; NULL: nothing printed in it yet */
    struct glyph_set       *used;      /* per font id: the glyphs printed, for widths and ToUnicode */
    HPDF_Image              logo;
    struct arena           *arena; /* the characters each used glyph stands for */
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
        f->files[i].data = text_engine_font_data(text, (int)i, &f->files[i].len);
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

/* What libharu failed at; each names a whole message, so that it translates. */
enum writer_step { STEP_START, STEP_INFO, STEP_PAGES, STEP_FONTS, STEP_WRITE };

static void
report_writer_error(struct pdf_writer *w, enum writer_step step, struct diags *d)
{
    unsigned no = (unsigned)w->slot->err.error_no, detail = (unsigned)w->slot->err.detail_no;
    switch (step) {
    case STEP_START:
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start the PDF: libharu error 0x%04X (detail %u)", no, detail);
        return;
    case STEP_INFO:
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot set the PDF's title and author: libharu error 0x%04X (detail %u)",
                 no, detail);
        return;
    case STEP_PAGES:
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot add pages to the PDF: libharu error 0x%04X (detail %u)", no,
                 detail);
        return;
    case STEP_FONTS:
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot embed the fonts: libharu error 0x%04X (detail %u)", no, detail);
        return;
    case STEP_WRITE:
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write the PDF: libharu error 0x%04X (detail %u)", no, detail);
        return;
    }
    abort();
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
    w->used = xcalloc(fonts->n ? fonts->n : 1, sizeof *w->used);
    w->font = xcalloc(fonts->n ? fonts->n : 1, sizeof *w->font);
    /* A fresh PDF in the same document: objects of the last one freed, loaded fonts kept. */
    w->slot->err = (struct hpdf_error){0};
    if (HPDF_NewDoc(w->slot->doc) != HPDF_OK ||
        HPDF_SetCompressionMode(w->slot->doc, HPDF_COMP_ALL) != HPDF_OK) {
        report_writer_error(w, STEP_START, d);
        goto fail;
    }
    if (logo_path) {
        w->logo = load_image(w->slot->doc, &w->slot->err, logo_path, NULL, d);
        if (!w->logo)
            goto fail;
    }
    if (!set_info(w, meta, d)) {
        report_writer_error(w, STEP_INFO, d);
        goto fail;
    }
    return w;
fail:
    pdf_writer_free(w);
    return NULL;
}

/*
 * Operators being written for a page: a buffer flushed into its content
 * stream when full. Text and paths go this way; libharu's HPDF_Page_Rectangle
 * and friends format each number through a cleared 512-byte buffer, which
 * took as long as the QR codes themselves.
 */
struct ops {
    HPDF_Page page;
    char      out[2048];
    size_t    n;
};

/* Starts o for page; the buffer is left as it is (it is written before it is read, and clearing 2 KB for
 * each rectangle of a QR code is what libharu's calls cost). */
static void
ops_begin(struct ops *o, HPDF_Page page)
{
    o->page = page;
    o->n = 0;
}

static void
ops_flush(struct ops *o)
{
    if (o->n)
        hpdf_page_write(o->page, o->out, o->n);
    o->n = 0;
}

static void
ops_put(struct ops *o, const char *s, size_t len)
{
    if (o->n + len > sizeof o->out)
        ops_flush(o);
    memcpy(o->out + o->n, s, len);
    o->n += len;
}

static void
ops_str(struct ops *o, const char *s)
{
    ops_put(o, s, strlen(s));
}

/* A number with up to 3 decimals, without printf: the locale must not make it "70,866". */
static void
ops_number(struct ops *o, double v)
{
    long long milli = llround(v * 1000);
    char      out[40], digits[24];
    size_t    n = 0, k = 0;
    if (milli < 0) {
        out[k++] = '-';
        milli = -milli;
    }
    int frac = (int)(milli % 1000);
    for (long long whole = milli / 1000; n == 0 || whole > 0; whole /= 10)
        digits[n++] = (char)('0' + whole % 10);
    while (n > 0)
        out[k++] = digits[--n];
    if (frac) {
        out[k++] = '.';
        for (int div = 100; frac; div /= 10) {
            out[k++] = (char)('0' + frac / div);
            frac %= div;
        }
    }
    ops_put(o, out, k);
}

/* A glyph id as the two bytes of its code inside a literal string. */
static void
ops_code(struct ops *o, uint32_t gid)
{
    unsigned char bytes[2] = {(unsigned char)(gid >> 8), (unsigned char)gid};
    if (o->n + 6 > sizeof o->out)
        ops_flush(o);
    char  *out = o->out + o->n;
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        /* In a literal string these need a backslash; a bare CR would be read as LF. */
        if (bytes[k] == '(' || bytes[k] == ')' || bytes[k] == '\\')
            out[n++] = '\\';
        if (bytes[k] == '\r') {
            out[n++] = '\\';
            out[n++] = 'r';
        } else {
            out[n++] = (char)bytes[k];
        }
    }
    o->n += n;
}

/* A path operator with its operands, as "x y w h re": written straight into the content stream. */
static void
put_path_op(HPDF_Page page, const double *operands, size_t n, const char *op)
{
    struct ops o;
    ops_begin(&o, page);
    for (size_t i = 0; i < n; i++) {
        ops_number(&o, operands[i]);
        ops_put(&o, " ", 1);
    }
    ops_str(&o, op);
    ops_flush(&o);
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
        put_path_op(page, NULL, 0, "f\n");
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

/* ---- the glyphs a PDF prints ---- */

/* Notes that glyph gid stands for text (copied into the writer's arena the first time). */
static void
glyph_set_add(struct pdf_writer *w, struct glyph_set *s, uint32_t gid, const char *text, size_t len,
              bool is_rtl)
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
                s->v[j] = (struct pdf_glyph_use){gid, arena_strndup(w->arena, text, len), len, is_rtl};
            return;
        }
    }
    s->v[j] = (struct pdf_glyph_use){gid, len ? arena_strndup(w->arena, text, len) : NULL, len, is_rtl};
    s->n++;
}

static int
compare_use(const void *a, const void *b)
{
    const struct pdf_glyph_use *x = a, *y = b;
    return x->gid < y->gid ? -1 : x->gid > y->gid;
}

/* ---- drawing ---- */

static long
milli_em(int32_t units)
{
    return lround((double)units * 1000.0 / TEXT_UNITS_PER_EM);
}

/*
 * One run: "1 0 0 1 x y Tm" (an absolute text matrix per run: no drift from
 * relative moves), then its glyphs in TJ arrays. A literal string holds the
 * two-byte codes in half the bytes of libharu's hex strings. The PDF moves
 * on by each glyph's W width; HarfBuzz's advance differs from the glyph's own
 * by kerning and positioning (in 1/1000 em), and where that puts a glyph
 * elsewhere, a TJ number moves it there. A mark raised or lowered gets a text
 * rise. Each glyph is noted among the glyphs of its font.
 */
static void
show_run(struct pdf_writer *w, struct ops *o, const struct layout_item *it, int font, double x_pt,
         double y_pt)
{
    const struct hpdf_slot *s = w->slot;
    struct glyph_set       *used = &w->used[font];
    long                    pen_exact = 0, pen_pdf = 0, rise = 0; /* 1/1000 em */
    bool                    in_string = false;
    ops_str(o, "1 0 0 1 ");
    ops_number(o, x_pt);
    ops_put(o, " ", 1);
    ops_number(o, y_pt);
    ops_str(o, " Tm\n[");
    for (size_t i = 0; i < it->n_glyphs; i++) {
        const struct text_glyph *g = &it->glyphs[i];
        bool                     known = g->gid < s->n_glyphs[font];
        long                     width = known ? s->width[font][g->gid] : s->def[font]->missing_width;
        int32_t                  nominal = known ? s->nominal[font][g->gid] : g->x_advance;
        long                     y_off = g->y_offset ? milli_em(g->y_offset) : 0;
        long                     x_off = g->x_offset ? milli_em(g->x_offset) : 0;
        if (y_off != rise) {
            ops_str(o, in_string ? ")] TJ\n" : "] TJ\n");
            ops_number(o, y_off * it->size_pt / 1000.0);
            ops_str(o, " Ts\n[");
            in_string = false;
            rise = y_off;
        }
        long d = pen_pdf - (pen_exact + x_off);
        if (d != 0) {
            if (in_string)
                ops_put(o, ")", 1);
            ops_number(o, (double)d);
            in_string = false;
            pen_pdf -= d;
        }
        if (!in_string)
            ops_put(o, "(", 1);
        in_string = true;
        ops_code(o, g->gid);
        pen_pdf += width;
        pen_exact += width + (g->x_advance != nominal ? milli_em(g->x_advance - nominal) : 0);
        glyph_set_add(w, used, g->gid, it->text + g->uni_start, g->uni_len, it->is_rtl);
    }
    ops_str(o, in_string ? ")] TJ\n" : "] TJ\n");
    if (rise != 0)
        ops_str(o, "0 Ts\n");
    ops_flush(o);
}

static bool
draw_item(struct pdf_writer *w, HPDF_Page page, struct draw_state *st, const struct layout_item *it)
{
    const double h = LAYOUT_PAGE_HEIGHT_PT;
    if (it->kind != LAYOUT_ITEM_RECT)
        end_fill(page, st);
    switch (it->kind) {
    case LAYOUT_ITEM_TEXT: {
        if (!it->n_glyphs || it->font < 0 || (size_t)it->font >= w->fonts->n)
            return true;
        int font = w->slot->owner[it->font];
        if (!w->font[font] && !(w->font[font] = hpdf_glyph_font_new(w->slot, font)))
            return false;
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
        struct ops o;
        ops_begin(&o, page);
        show_run(w, &o, it, font, it->x_pt, h - it->y_pt);
        return true;
    }
    case LAYOUT_ITEM_LINE:
    case LAYOUT_ITEM_DASH:
        end_text(page, st);
        set_stroke(page, st, it);
        put_path_op(page, (double[]){it->x_pt, h - it->y_pt}, 2, "m ");
        put_path_op(page, (double[]){it->x_pt + it->w_pt, h - it->y_pt - it->h_pt}, 2, "l\nS\n");
        return true;
    case LAYOUT_ITEM_BOX:
        end_text(page, st);
        set_stroke(page, st, it);
        put_path_op(page, (double[]){it->x_pt, h - it->y_pt - it->h_pt, it->w_pt, it->h_pt}, 4, "re\nS\n");
        return true;
    case LAYOUT_ITEM_CIRCLE:
        end_text(page, st);
        set_stroke(page, st, it);
        HPDF_Page_Circle(page, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt), (HPDF_REAL)it->w_pt);
        HPDF_Page_Stroke(page);
        return true;
    case LAYOUT_ITEM_RECT:
        end_text(page, st);
        if (st->in_fill && it->gray != st->fill_gray)
            end_fill(page, st);
        if (it->gray != st->fill_gray) {
            HPDF_Page_SetGrayFill(page, (HPDF_REAL)it->gray);
            st->fill_gray = it->gray;
        }
        put_path_op(page, (double[]){it->x_pt, h - it->y_pt - it->h_pt, it->w_pt, it->h_pt}, 4, "re\n");
        st->in_fill = true;
        return true;
    case LAYOUT_ITEM_LOGO:
        end_text(page, st);
        /* layout places a logo only when the run has one (logo_aspect > 0). */
        if (w->logo)
            HPDF_Page_DrawImage(page, w->logo, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt - it->h_pt),
                                (HPDF_REAL)it->w_pt, (HPDF_REAL)it->h_pt);
        return true;
    case LAYOUT_ITEM_IMAGE: {
        end_text(page, st);
        /* The JPEG's own data goes into the PDF as it is (DCTDecode), not decoded and compressed again. */
        HPDF_Image img = it->image && it->image_len
                             ? HPDF_LoadJpegImageFromMem(w->slot->doc, it->image, (HPDF_UINT)it->image_len)
                             : NULL;
        if (img)
            HPDF_Page_DrawImage(page, img, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt - it->h_pt),
                                (HPDF_REAL)it->w_pt, (HPDF_REAL)it->h_pt);
        return true;
    }
    }
    abort(); /* impossible enum value */
}

/*
 * Draws the pages at once: a font object is made when its first glyph is
 * drawn, and learns which glyphs it embeds when the PDF is saved.
 */
bool
pdf_writer_add(struct pdf_writer *w, const struct layout_doc *doc, struct diags *d)
{
    bool ok = !w->slot->err.error_no;
    for (size_t p = 0; p < doc->n_pages && ok; p++) {
        const struct layout_page *lp = &doc->pages[p];
        HPDF_Page page = HPDF_AddPage(w->slot->doc);
        if (!page)
            break;
        HPDF_Page_SetWidth(page, (HPDF_REAL)LAYOUT_PAGE_WIDTH_PT);
        HPDF_Page_SetHeight(page, (HPDF_REAL)LAYOUT_PAGE_HEIGHT_PT);
        if (lp->is_blank)
            continue;
        /* The PDF defaults: black fill and stroke, line width 1; no font yet. */
        struct draw_state st = {false, -1, 0, 0, 0, 1, false, false};
        for (size_t i = 0; i < lp->n_items && ok; i++)
            ok = draw_item(w, page, &st, &lp->items[i]) && !w->slot->err.error_no;
        end_fill(page, &st);
        end_text(page, &st);
    }
    /* Drawing problems are the pages' (libharu refuses a font size above 600 pt, for one). */
    if (!ok || w->slot->err.error_no) {
        report_writer_error(w, STEP_PAGES, d);
        return false;
    }
    return true;
}

/* Each font made for this PDF learns its glyphs: widths, ToUnicode, the subset. */
static bool
finish_fonts(struct pdf_writer *w)
{
    for (size_t i = 0; i < w->fonts->n; i++) {
        struct glyph_set *set = &w->used[i];
        if (!w->font[i])
            continue;
        size_t n = 0;
        for (size_t k = 0; k < set->cap; k++)
            if (set->v[k].gid != UINT32_MAX)
                set->v[n++] = set->v[k];
        qsort(set->v, n, sizeof *set->v, compare_use);
        if (!hpdf_glyph_font_finish(w->slot, (int)i, w->font[i], set->v, n))
            return false;
    }
    return !w->slot->err.error_no;
}

bool
pdf_writer_save(struct pdf_writer *w, struct buf *out, struct diags *d)
{
    if (w->slot->err.error_no || !finish_fonts(w) || !hpdf_deflate_streams(w->slot, w->font, w->fonts->n)) {
        report_writer_error(w, STEP_FONTS, d);
        return false;
    }
    HPDF_Doc doc = w->slot->doc;
    if (HPDF_SaveToStream(doc) != HPDF_OK) {
        report_writer_error(w, STEP_WRITE, d);
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
        report_writer_error(w, STEP_WRITE, d);
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
    free(w);
}
