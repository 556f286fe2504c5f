/*
 * pdf: fonts, their real metrics, logos, and the libharu writer.
 *
 * Fonts: page.font is either a fontconfig family ("Liberation Sans": regular,
 * bold and italic are looked up with FcFontMatch and must really belong to that
 * family, as fontconfig substitutes silently) or the path of one .ttf file used
 * for all three. libharu embeds only TrueType, so every file must be a .ttf.
 * Metrics come from a private libharu document holding the three fonts, so the
 * widths layout measures are exactly the widths the PDF's W arrays carry; the
 * glyph check uses the font's cmap as fontconfig's FcCharSet.
 * Writer: one libharu document per PDF; text as UTF-8 through Type0 fonts
 * (Identity-H, subset embedded); no timestamps unless SOURCE_DATE_EPOCH is set.
 */
#include "consentgen/pdf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fontconfig/fontconfig.h>
#include <hpdf.h>

/* Widths of code points below this are kept in a direct table (Latin, Greek, Cyrillic, ...). */
#define NARROW_CPS 0x800
#define MAX_HINTS 3

/* The first libharu error of a document, recorded by its error handler (libharu demo/handler.c). */
struct hpdf_error {
    HPDF_STATUS error_no;
    HPDF_STATUS detail_no;
    bool        ignore_eof; /* reading the finished stream ends with HPDF_STREAM_EOF */
};

struct width_slot {
    int32_t cp; /* 0: empty (U+0000 never gets here) */
    int     w;  /* 1/1000 em */
};

struct face {
    char              *path;
    FcCharSet         *charset;              /* the font's cmap */
    HPDF_Font          font;                 /* in pdf_fonts.doc */
    int                narrow_w[NARROW_CPS]; /* 1/1000 em; -1: not looked up yet */
    struct width_slot *wide;                 /* open addressing, cap is a power of two */
    size_t             n_wide, cap_wide;
};

struct pdf_fonts {
    char                 *name; /* family, or the path */
    struct face           face[LAYOUT_N_FONTS];
    HPDF_Doc              doc; /* metrics only; never saved */
    struct hpdf_error     err;
    struct layout_metrics metrics;
};

struct pdf_writer {
    HPDF_Doc                doc;
    struct hpdf_error       err;
    const struct pdf_fonts *fonts;
    HPDF_Font               font[LAYOUT_N_FONTS];
    HPDF_Image              logo;
};

static void
on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    struct hpdf_error *e = user_data;
    if (e->ignore_eof && error_no == HPDF_STREAM_EOF)
        return;
    if (e->error_no == 0) {
        e->error_no = error_no;
        e->detail_no = detail_no;
    }
}

static bool
has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && util_strcasecmp_ascii(s + n - m, suffix) == 0;
}

/* ---- metrics ---------------------------------------------------------------------------------- */

static int
lookup_width(struct face *f, int32_t cp)
{
    /* HPDF_UNICODE is 16 bits: libharu cannot address other planes (has_glyph says no to those). */
    if (cp > 0xFFFF || cp < 0)
        return 0;
    int w = HPDF_Font_GetUnicodeWidth(f->font, (HPDF_UNICODE)cp);
    return w < 0 ? 0 : w;
}

static void
wide_insert(struct face *f, int32_t cp, int w)
{
    if (2 * (f->n_wide + 1) > f->cap_wide) {
        size_t             cap = f->cap_wide ? 2 * f->cap_wide : 64;
        struct width_slot *v = xcalloc(cap, sizeof *v);
        for (size_t i = 0; i < f->cap_wide; i++) {
            if (f->wide[i].cp == 0)
                continue;
            size_t j = (size_t)f->wide[i].cp * 2654435761u & (cap - 1);
            while (v[j].cp != 0)
                j = (j + 1) & (cap - 1);
            v[j] = f->wide[i];
        }
        free(f->wide);
        f->wide = v;
        f->cap_wide = cap;
    }
    size_t j = (size_t)cp * 2654435761u & (f->cap_wide - 1);
    while (f->wide[j].cp != 0)
        j = (j + 1) & (f->cap_wide - 1);
    f->wide[j] = (struct width_slot){ cp, w };
    f->n_wide++;
}

/* Width in 1/1000 em, cached: this runs for every word of every pupil. */
static int
char_width(struct face *f, int32_t cp)
{
    if (cp >= 0 && cp < NARROW_CPS) {
        if (f->narrow_w[cp] < 0)
            f->narrow_w[cp] = lookup_width(f, cp);
        return f->narrow_w[cp];
    }
    if (f->cap_wide) {
        size_t j = (size_t)cp * 2654435761u & (f->cap_wide - 1);
        for (; f->wide[j].cp != 0; j = (j + 1) & (f->cap_wide - 1))
            if (f->wide[j].cp == cp)
                return f->wide[j].w;
    }
    int w = lookup_width(f, cp);
    wide_insert(f, cp, w);
    return w;
}

static double
metrics_text_width_pt(void *ctx, enum layout_font font, const char *s, size_t len, double size_pt)
{
    struct pdf_fonts *fonts = ctx;
    struct face      *f = &fonts->face[font];
    long long         total = 0;
    size_t            i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            total += char_width(f, c);
            i++;
            continue;
        }
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) { /* invalid byte: no glyph, no width */
            i++;
            continue;
        }
        total += char_width(f, cp);
        i += n;
    }
    return (double)total * size_pt / 1000.0;
}

static bool
metrics_has_glyph(void *ctx, enum layout_font font, int32_t cp)
{
    const struct pdf_fonts *fonts = ctx;
    if (cp <= 0 || cp > 0xFFFF)
        return false;
    return FcCharSetHasChar(fonts->face[font].charset, (FcChar32)cp) == FcTrue;
}

/* ---- finding fonts ----------------------------------------------------------------------------- */

struct hint {
    char  *family;
    size_t distance;
};

static int
compare_hints(const void *a, const void *b)
{
    const struct hint *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return strcmp(x->family, y->family);
}

/* "; installed families like it: "Liberation Sans", ..." or "" when none is close. */
static char *
family_hints(FcConfig *cfg, const char *family)
{
    FcPattern   *pat = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
    FcFontSet   *set = FcFontList(cfg, pat, os);
    struct hint *hints = NULL;
    size_t       n = 0, cap = 0;
    size_t       max_distance = strlen(family) / 3 + 1;

    for (int i = 0; set && i < set->nfont; i++) {
        FcChar8 *s;
        if (FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &s) != FcResultMatch)
            continue;
        size_t dist = util_edit_distance(family, (const char *)s); /* ignores ASCII case */
        if (dist > max_distance)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(hints[k].family, (const char *)s) == 0;
        if (seen)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            hints = xrealloc(hints, cap * sizeof *hints);
        }
        hints[n++] = (struct hint){ xstrdup((const char *)s), dist };
    }
    /* FcFontList's order depends on the cache; sort so the message is stable. */
    if (n > 0)
        qsort(hints, n, sizeof *hints, compare_hints);

    struct buf b;
    buf_init(&b);
    for (size_t k = 0; k < n; k++) {
        if (k < MAX_HINTS)
            buf_printf(&b, "%s\"%s\"", k == 0 ? "; installed families like it: " : ", ", hints[k].family);
        free(hints[k].family);
    }
    free(hints);
    if (set)
        FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    return b.data ? buf_detach(&b) : xstrdup("");
}

static bool
pattern_has_family(FcPattern *p, const char *family)
{
    FcChar8 *s;
    for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &s) == FcResultMatch; i++)
        if (FcStrCmpIgnoreCase(s, (const FcChar8 *)family) == 0)
            return true;
    return false;
}

/*
 * Finds the file of one style of family. A family without that style gives
 * its closest member (a family with only a regular face prints bold as regular).
 * Returns 1 found, 0 family not installed, -1 not TrueType (diag added).
 */
static int
match_face(FcConfig *cfg, const char *family, int weight, int slant, struct face *out,
           const char *config_path, struct diags *d)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT, weight);
    FcPatternAddInteger(pat, FC_SLANT, slant);
    /* Prefer a TrueType file where a family ships several formats. */
    FcPatternAddString(pat, FC_FONTFORMAT, (const FcChar8 *)"TrueType");
    FcConfigSubstitute(cfg, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult   result;
    FcPattern *m = FcFontMatch(cfg, pat, &result);
    FcPatternDestroy(pat);

    int      rc = 0;
    FcChar8 *file;
    if (!m || !pattern_has_family(m, family) || FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch)
        goto out;
    if (!has_suffix_ci((const char *)file, ".ttf")) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0,
                 "font \"%s\" is not a TrueType font (\"%s\"); choose a family with .ttf files or the path "
                 "of a .ttf file",
                 family, (const char *)file);
        rc = -1;
        goto out;
    }
    FcCharSet *cs;
    if (FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) != FcResultMatch) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0, "font file \"%s\" has no character map",
                 (const char *)file);
        rc = -1;
        goto out;
    }
    out->path = xstrdup((const char *)file);
    out->charset = FcCharSetCopy(cs);
    rc = 1;
out:
    if (m)
        FcPatternDestroy(m);
    return rc;
}

static bool
find_family(struct pdf_fonts *f, const char *family, const char *config_path, struct diags *d)
{
    static const int weight[LAYOUT_N_FONTS] = { FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD, FC_WEIGHT_REGULAR };
    static const int slant[LAYOUT_N_FONTS] = { FC_SLANT_ROMAN, FC_SLANT_ROMAN, FC_SLANT_ITALIC };

    /* A private config, destroyed after the look-up: no fontconfig state outlives this call. */
    FcConfig *cfg = FcInitLoadConfigAndFonts();
    if (!cfg) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0, "cannot look up font \"%s\": fontconfig did not start",
                 family);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < LAYOUT_N_FONTS && ok; i++) {
        int rc = match_face(cfg, family, weight[i], slant[i], &f->face[i], config_path, d);
        if (rc == 0) {
            char *hints = family_hints(cfg, family);
            diag_add(d, DIAG_ERROR, config_path, 0, 0, "font \"%s\" not found%s", family, hints);
            free(hints);
        }
        ok = rc == 1;
    }
    FcConfigDestroy(cfg);
    return ok;
}

static bool
query_file(struct pdf_fonts *f, const char *path, const char *config_path, struct diags *d)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0, "cannot read font file \"%s\": %s", path, strerror(errno));
        return false;
    }
    fclose(fp);
    if (!has_suffix_ci(path, ".ttf")) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0,
                 "font file \"%s\" is not a TrueType font; expected a .ttf file", path);
        return false;
    }
    int        count = 0;
    FcPattern *p = FcFreeTypeQuery((const FcChar8 *)path, 0, NULL, &count);
    FcCharSet *cs;
    if (!p || FcPatternGetCharSet(p, FC_CHARSET, 0, &cs) != FcResultMatch) {
        diag_add(d, DIAG_ERROR, config_path, 0, 0, "font file \"%s\" is not a usable TrueType font", path);
        if (p)
            FcPatternDestroy(p);
        return false;
    }
    for (int i = 0; i < LAYOUT_N_FONTS; i++) {
        f->face[i].path = xstrdup(path);
        f->face[i].charset = FcCharSetCopy(cs);
    }
    FcPatternDestroy(p);
    return true;
}

/* The first style before i that uses the same file, or -1. */
static int
shared_face(const struct pdf_fonts *f, int i)
{
    for (int j = 0; j < i; j++)
        if (strcmp(f->face[j].path, f->face[i].path) == 0)
            return j;
    return -1;
}

/* Loads the three files into the metrics document. */
static bool
load_metrics_fonts(struct pdf_fonts *f, const char *config_path, struct diags *d)
{
    f->doc = HPDF_New(on_hpdf_error, &f->err);
    if (!f->doc || HPDF_UseUTFEncodings(f->doc) != HPDF_OK) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start libharu (libharu error 0x%04X)",
                 (unsigned)f->err.error_no);
        return false;
    }
    for (int i = 0; i < LAYOUT_N_FONTS; i++) {
        struct face *face = &f->face[i];
        for (int cp = 0; cp < NARROW_CPS; cp++)
            face->narrow_w[cp] = -1;
        int same = shared_face(f, i);
        if (same >= 0) {
            face->font = f->face[same].font;
            continue;
        }
        /* Without embedding libharu keeps only the metrics and the cmap. */
        const char *name = HPDF_LoadTTFontFromFile(f->doc, face->path, HPDF_FALSE);
        face->font = name ? HPDF_GetFont(f->doc, name, "UTF-8") : NULL;
        if (!face->font) {
            diag_add(d, DIAG_ERROR, config_path, 0, 0,
                     "font file \"%s\" cannot be used (libharu error 0x%04X, detail %u)", face->path,
                     (unsigned)f->err.error_no, (unsigned)f->err.detail_no);
            return false;
        }
    }
    return true;
}

struct pdf_fonts *
pdf_fonts_load(const struct config_page *page, const char *config_path, struct diags *d)
{
    struct pdf_fonts *f = xcalloc(1, sizeof *f);
    const char       *font = page->font ? page->font : "Liberation Sans";
    bool              ok;

    f->name = xstrdup(font);
    if (page->font_is_path)
        ok = query_file(f, font, config_path, d);
    else
        ok = find_family(f, font, config_path, d);
    if (ok)
        ok = load_metrics_fonts(f, config_path, d);
    if (!ok) {
        pdf_fonts_free(f);
        return NULL;
    }
    f->metrics = (struct layout_metrics){ f, metrics_text_width_pt, metrics_has_glyph };
    return f;
}

void
pdf_fonts_free(struct pdf_fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < LAYOUT_N_FONTS; i++) {
        free(f->face[i].path);
        if (f->face[i].charset)
            FcCharSetDestroy(f->face[i].charset);
        free(f->face[i].wide);
    }
    if (f->doc)
        HPDF_Free(f->doc);
    free(f->name);
    free(f);
}

const struct layout_metrics *
pdf_fonts_metrics(const struct pdf_fonts *f)
{
    return &f->metrics;
}

const char *
pdf_fonts_name(const struct pdf_fonts *f)
{
    return f->name;
}

/* ---- logo ------------------------------------------------------------------------------------- */

enum image_kind { IMAGE_UNKNOWN, IMAGE_PNG, IMAGE_JPEG };

/* By content, not by name: a "logo.png" that is really a JPEG still works. */
static bool
sniff_image(const char *path, enum image_kind *kind, int *err)
{
    unsigned char head[8] = { 0 };
    FILE         *fp = fopen(path, "rb");
    if (!fp) {
        *err = errno;
        return false;
    }
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
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
    struct hpdf_error err = { 0 };
    HPDF_Doc          doc = HPDF_New(on_hpdf_error, &err);
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
             (unsigned)w->err.error_no, (unsigned)w->err.detail_no);
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
    HPDF_Date date = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                       tm.tm_sec,         'Z',           0,          0 };
    return HPDF_SetInfoDateAttr(w->doc, HPDF_INFO_CREATION_DATE, date) == HPDF_OK &&
           HPDF_SetInfoDateAttr(w->doc, HPDF_INFO_MOD_DATE, date) == HPDF_OK;
}

static bool
set_info(struct pdf_writer *w, const struct pdf_meta *meta, struct diags *d)
{
    /* With the UTF-8 encoder current, libharu writes info strings as UTF-16BE with a BOM. */
    if (HPDF_SetCurrentEncoder(w->doc, "UTF-8") != HPDF_OK)
        return false;
    if (meta && meta->title && HPDF_SetInfoAttr(w->doc, HPDF_INFO_TITLE, meta->title) != HPDF_OK)
        return false;
    if (meta && meta->author && HPDF_SetInfoAttr(w->doc, HPDF_INFO_AUTHOR, meta->author) != HPDF_OK)
        return false;
    if (meta && meta->subject && HPDF_SetInfoAttr(w->doc, HPDF_INFO_SUBJECT, meta->subject) != HPDF_OK)
        return false;
    if (HPDF_SetInfoAttr(w->doc, HPDF_INFO_CREATOR, "consentgen " CONSENTGEN_VERSION) != HPDF_OK)
        return false;
    return set_dates(w, d);
}

struct pdf_writer *
pdf_writer_new(const struct pdf_fonts *fonts, const char *logo_path, const struct pdf_meta *meta,
               struct diags *d)
{
    struct pdf_writer *w = xcalloc(1, sizeof *w);
    w->fonts = fonts;
    w->doc = HPDF_New(on_hpdf_error, &w->err);
    if (!w->doc) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start libharu");
        free(w);
        return NULL;
    }
    if (HPDF_SetCompressionMode(w->doc, HPDF_COMP_ALL) != HPDF_OK ||
        HPDF_UseUTFEncodings(w->doc) != HPDF_OK) {
        report_writer_error(w, "start the PDF", d);
        goto fail;
    }
    for (int i = 0; i < LAYOUT_N_FONTS; i++) {
        /* A file shared by two styles (a .ttf path, a family without italic) is read and embedded once. */
        int same = shared_face(fonts, i);
        if (same >= 0) {
            w->font[i] = w->font[same];
            continue;
        }
        const char *name = HPDF_LoadTTFontFromFile(w->doc, fonts->face[i].path, HPDF_TRUE);
        w->font[i] = name ? HPDF_GetFont(w->doc, name, "UTF-8") : NULL;
        if (!w->font[i]) {
            char *what = xasprintf("embed font file \"%s\"", fonts->face[i].path);
            report_writer_error(w, what, d);
            free(what);
            goto fail;
        }
    }
    if (logo_path) {
        w->logo = load_image(w->doc, &w->err, logo_path, NULL, d);
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

/* Current graphics state of the page being drawn, to skip redundant operators. */
struct draw_state {
    bool             in_text;
    enum layout_font font;
    double           size_pt;
    double           fill_gray;
    double           stroke_gray;
    double           line_width_pt;
};

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
    if (it->line_width_pt != st->line_width_pt) {
        HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->line_width_pt);
        st->line_width_pt = it->line_width_pt;
    }
    if (it->gray != st->stroke_gray) {
        HPDF_Page_SetGrayStroke(page, (HPDF_REAL)it->gray);
        st->stroke_gray = it->gray;
    }
}

static void
draw_item(struct pdf_writer *w, HPDF_Page page, struct draw_state *st, const struct layout_item *it)
{
    const double h = LAYOUT_PAGE_HEIGHT_PT;
    switch (it->kind) {
    case LAYOUT_ITEM_TEXT:
        if (!it->text || !*it->text)
            return;
        /* Consecutive text items share one BT/ET block. */
        if (!st->in_text) {
            HPDF_Page_BeginText(page);
            st->in_text = true;
        }
        if (it->font != st->font || it->size_pt != st->size_pt) {
            HPDF_Page_SetFontAndSize(page, w->font[it->font], (HPDF_REAL)it->size_pt);
            st->font = it->font;
            st->size_pt = it->size_pt;
        }
        if (it->gray != st->fill_gray) {
            HPDF_Page_SetGrayFill(page, (HPDF_REAL)it->gray);
            st->fill_gray = it->gray;
        }
        /* An absolute text matrix per item: no drift from libharu's relative moves. */
        HPDF_Page_SetTextMatrix(page, 1, 0, 0, 1, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt));
        HPDF_Page_ShowText(page, it->text);
        return;
    case LAYOUT_ITEM_LINE:
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
    case LAYOUT_ITEM_LOGO:
        end_text(page, st);
        /* layout places a logo only when the run has one (logo_aspect > 0). */
        if (w->logo)
            HPDF_Page_DrawImage(page, w->logo, (HPDF_REAL)it->x_pt, (HPDF_REAL)(h - it->y_pt - it->h_pt),
                                (HPDF_REAL)it->w_pt, (HPDF_REAL)it->h_pt);
        return;
    }
    abort(); /* impossible enum value */
}

bool
pdf_writer_add(struct pdf_writer *w, const struct layout_doc *doc, struct diags *d)
{
    if (w->err.error_no) {
        report_writer_error(w, "add pages to the PDF", d);
        return false;
    }
    for (size_t p = 0; p < doc->n_pages; p++) {
        const struct layout_page *lp = &doc->pages[p];
        HPDF_Page                 page = HPDF_AddPage(w->doc);
        if (!page)
            break;
        HPDF_Page_SetWidth(page, (HPDF_REAL)LAYOUT_PAGE_WIDTH_PT);
        HPDF_Page_SetHeight(page, (HPDF_REAL)LAYOUT_PAGE_HEIGHT_PT);
        if (lp->is_blank)
            continue;
        /* The PDF defaults: black fill and stroke, line width 1; no font yet. */
        struct draw_state st = { false, LAYOUT_N_FONTS, 0, 0, 0, 1 };
        for (size_t i = 0; i < lp->n_items && !w->err.error_no; i++)
            draw_item(w, page, &st, &lp->items[i]);
        end_text(page, &st);
        if (w->err.error_no)
            break;
    }
    if (w->err.error_no) {
        report_writer_error(w, "add pages to the PDF", d);
        return false;
    }
    return true;
}

bool
pdf_writer_save(struct pdf_writer *w, struct buf *out, struct diags *d)
{
    if (w->err.error_no || HPDF_SaveToStream(w->doc) != HPDF_OK) {
        report_writer_error(w, "write the PDF", d);
        return false;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(w->doc);
    char       *data = xmalloc(size + 1);
    HPDF_UINT32 got = 0;
    w->err.ignore_eof = true;
    while (got < size && !w->err.error_no) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS rc = HPDF_ReadFromStream(w->doc, (HPDF_BYTE *)data + got, &n);
        got += n;
        if ((rc != HPDF_OK && rc != HPDF_STREAM_EOF) || n == 0)
            break;
    }
    w->err.ignore_eof = false;
    HPDF_ResetError(w->doc);
    if (got != size || w->err.error_no) {
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
    if (w->doc)
        HPDF_Free(w->doc);
    free(w);
}
