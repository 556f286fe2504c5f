/*
 * pdf: fonts, their real metrics, logos, and the libharu writer.
 *
 * Fonts: page.font is either a fontconfig family ("Liberation Sans": regular,
 * bold and italic are looked up with FcFontMatch and must really belong to that
 * family, as fontconfig substitutes silently) or the path of one .ttf file used
 * for all three, read without starting fontconfig. libharu embeds only
 * TrueType, so every file must be a .ttf. The files are parsed once per run into
 * one libharu document; widths and "has a glyph" come from the same cmap and
 * hmtx tables that libharu writes, so layout measures what the PDF carries.
 * Writer: text as UTF-8 through Type0 fonts (Identity-H, subset embedded); no
 * timestamps unless SOURCE_DATE_EPOCH is set. It leans on libharu's installed
 * internal headers (hpdf_doc.h, hpdf_encoder.h, hpdf_fontdef.h, hpdf_pages.h)
 * to cut libharu's fixed cost per PDF: one document reused with HPDF_NewDoc, an
 * encoder that lists only the characters a PDF prints, and its own text
 * operators. The font program itself (the subset of glyphs) is libharu's.
 * docs/performance.md says why each one; test_pdf.c guards them.
 */
#include "consentgen/pdf.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fontconfig/fontconfig.h>
#include <hpdf.h>

/* Widths of code points below this are kept in a direct table (Latin, Greek, Cyrillic, ...). */
#define NARROW_CPS 0x800
#define MAX_HINTS 3
/* The encoder for page text; libharu's own "UTF-8" encoder stays for the document info strings. */
#define TEXT_ENCODER "consentgen-UCS2"
#define BMP_WORDS (0x10000 / 64)

/* The first libharu error of a document, recorded by its error handler (libharu demo/handler.c). */
struct hpdf_error {
    HPDF_STATUS error_no;
    HPDF_STATUS detail_no;
    bool        ignore_eof; /* reading the finished stream ends with HPDF_STREAM_EOF */
};

struct glyph_slot {
    int32_t cp; /* 0: empty (U+0000 never gets here) */
    int     w;  /* 1/1000 em */
    bool    has;
};

struct face {
    char              *path;
    int                same;                 /* the first style using the same file: it owns the font */
    int                narrow_w[NARROW_CPS]; /* 1/1000 em; -1: not looked up yet */
    bool               narrow_has[NARROW_CPS];
    struct glyph_slot *wide; /* open addressing, cap is a power of two */
    size_t             n_wide, cap_wide;
};

/*
 * A libharu document with the font files loaded. libharu keeps loaded fonts
 * and encoders across HPDF_NewDoc (HPDF_FreeDoc frees only the objects of one
 * PDF and clears the glyphs-used marks), so one of these serves every PDF of a
 * run, one PDF at a time.
 */
struct hpdf_slot {
    HPDF_Doc          doc;
    struct hpdf_error err;
    HPDF_FontDef      def[LAYOUT_N_FONTS];
    const char       *font_name[LAYOUT_N_FONTS]; /* owned by doc */
    HPDF_Encoder      encoder;                   /* TEXT_ENCODER, owned by doc */
    bool              in_use;
};

struct pdf_fonts {
    char       *name; /* family, or the path */
    bool        is_path;
    struct face face[LAYOUT_N_FONTS];
    /* Lent to one writer at a time; pdf_fonts stays read-only for everyone else. */
    struct hpdf_slot     *slot;
    struct layout_metrics metrics;
};

struct saved_page {
    struct layout_item *items; /* copies, in the writer's arena */
    size_t              n_items;
    bool                is_blank;
};

struct pdf_writer {
    const struct pdf_fonts *fonts;
    struct hpdf_slot       *slot;
    bool                    owns_slot; /* the run's slot was busy: a private one */
    HPDF_Font               font[LAYOUT_N_FONTS];
    HPDF_Image              logo;
    struct arena           *arena;
    struct saved_page      *pages;
    size_t                  n_pages, cap_pages;
    uint64_t (*used)[BMP_WORDS]; /* per style owning a file: the code points printed with it */
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

/*
 * Width and glyph from the font's cmap and hmtx. HPDF_TTFontDef_GetCharWidth
 * would also mark the glyph for embedding; measuring must not, or what a PDF
 * embeds would depend on what was measured before it.
 */
static void
lookup_glyph(HPDF_FontDef def, int32_t cp, int *w, bool *has)
{
    /* HPDF_UNICODE is 16 bits: libharu cannot address other planes. */
    if (cp <= 0 || cp > 0xFFFF) {
        *w = 0;
        *has = false;
        return;
    }
    HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp);
    int         width = HPDF_TTFontDef_GetGidWidth(def, gid);
    *w = width < 0 ? 0 : width;
    *has = gid != 0;
}

static struct glyph_slot *
wide_find(const struct face *f, int32_t cp)
{
    if (!f->cap_wide)
        return NULL;
    size_t j = (size_t)cp * 2654435761u & (f->cap_wide - 1);
    for (; f->wide[j].cp != 0; j = (j + 1) & (f->cap_wide - 1))
        if (f->wide[j].cp == cp)
            return &f->wide[j];
    return NULL;
}

static void
wide_insert(struct face *f, struct glyph_slot slot)
{
    if (2 * (f->n_wide + 1) > f->cap_wide) {
        size_t             cap = f->cap_wide ? 2 * f->cap_wide : 64;
        struct glyph_slot *v = xcalloc(cap, sizeof *v);
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
    size_t j = (size_t)slot.cp * 2654435761u & (f->cap_wide - 1);
    while (f->wide[j].cp != 0)
        j = (j + 1) & (f->cap_wide - 1);
    f->wide[j] = slot;
    f->n_wide++;
}

/* Width in 1/1000 em and whether the font has the glyph, cached: this runs for every word of every pupil. */
static struct glyph_slot
char_glyph(struct pdf_fonts *fonts, enum layout_font font, int32_t cp)
{
    struct face      *f = &fonts->face[font];
    struct glyph_slot g = {cp, 0, false};
    if (cp >= 0 && cp < NARROW_CPS) {
        if (f->narrow_w[cp] < 0)
            lookup_glyph(fonts->slot->def[font], cp, &f->narrow_w[cp], &f->narrow_has[cp]);
        g.w = f->narrow_w[cp];
        g.has = f->narrow_has[cp];
        return g;
    }
    const struct glyph_slot *hit = wide_find(f, cp);
    if (hit)
        return *hit;
    lookup_glyph(fonts->slot->def[font], cp, &g.w, &g.has);
    wide_insert(f, g);
    return g;
}

static double
metrics_text_width_pt(void *ctx, enum layout_font font, const char *s, size_t len, double size_pt)
{
    struct pdf_fonts *fonts = ctx;
    long long         total = 0;
    size_t            i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            total += char_glyph(fonts, font, c).w;
            i++;
            continue;
        }
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) { /* invalid byte: no glyph, no width */
            i++;
            continue;
        }
        total += char_glyph(fonts, font, cp).w;
        i += n;
    }
    return (double)total * size_pt / 1000.0;
}

static bool
metrics_has_glyph(void *ctx, enum layout_font font, int32_t cp)
{
    if (cp <= 0 || cp > 0xFFFF)
        return false;
    return char_glyph(ctx, font, cp).has;
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
        hints[n++] = (struct hint){xstrdup((const char *)s), dist};
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
    out->path = xstrdup((const char *)file);
    rc = 1;
out:
    if (m)
        FcPatternDestroy(m);
    return rc;
}

static bool
find_family(struct pdf_fonts *f, const char *family, const char *config_path, struct diags *d)
{
    static const int weight[LAYOUT_N_FONTS] = {FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD, FC_WEIGHT_REGULAR};
    static const int slant[LAYOUT_N_FONTS] = {FC_SLANT_ROMAN, FC_SLANT_ROMAN, FC_SLANT_ITALIC};

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

/* One .ttf file for all three styles. libharu reads it; fontconfig is not started for a path. */
static bool
check_file(struct pdf_fonts *f, const char *path, const char *config_path, struct diags *d)
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
    for (int i = 0; i < LAYOUT_N_FONTS; i++)
        f->face[i].path = xstrdup(path);
    return true;
}

/* ---- the text encoder ------------------------------------------------------------------------ */

/*
 * libharu's "UTF-8" encoder makes HPDF_GetFont walk all 65,536 code points
 * through the font's cmap and write a 128 KB CIDToGIDMap and a W array of
 * every glyph into each PDF. This encoder is a CMap encoder as libharu builds
 * its own (hpdf_encoder.h): codes and CIDs are Unicode code points as with
 * "UTF-8" (Identity-H, the same content streams), but its cid_map lists only
 * the characters one PDF prints, set just before HPDF_GetFont, which then
 * looks up only those (CIDFontType2_New takes that path only while
 * to_unicode_fn is libharu's HPDF_CMapEncoder_ToUnicode).
 */

/*
 * Only for libharu's own text functions, which the writer does not call
 * (show_text writes the text operators): HPDF_Page_ShowText measures a string
 * to move its text position and skips one of width 0. The first byte measures
 * as itself (ASCII) or a space, as libharu marks what it measures for embedding.
 */
static HPDF_ByteType
text_byte_type(HPDF_Encoder encoder, HPDF_ParseText_Rec *state)
{
    (void)encoder;
    return state->index++ == 0 ? HPDF_BYTE_TYPE_SINGLE : HPDF_BYTE_TYPE_TRIAL;
}

static HPDF_UNICODE
text_to_unicode(HPDF_Encoder encoder, HPDF_UINT16 code)
{
    (void)encoder;
    return code > 0x20 && code < 0x7F ? code : 0x20;
}

/* The code point of each character, as text_encode writes it: what cannot be printed becomes a space. */
static size_t
next_code(const char *s, size_t len, HPDF_UINT16 *code)
{
    if ((unsigned char)s[0] < 0x80) { /* most of a German form */
        *code = s[0] > 0 ? (HPDF_UINT16)s[0] : 0x20;
        return 1;
    }
    int32_t cp;
    size_t  n = utf8_decode(s, len, &cp);
    if (n == 0) {
        *code = 0x20;
        return 1;
    }
    *code = cp > 0 && cp <= 0xFFFF ? (HPDF_UINT16)cp : 0x20;
    return n;
}

/* UTF-8 to the 2-byte codes of Identity-H; libharu frees the result with free(). */
static char *
text_encode(HPDF_Encoder encoder, const char *text, HPDF_UINT len, HPDF_UINT *out_len)
{
    (void)encoder;
    unsigned char *out = malloc(2 * (size_t)len + 2);
    size_t         n = 0;
    if (!out)
        abort();
    for (size_t i = 0; i < len;) {
        HPDF_UINT16 code;
        i += next_code(text + i, len - i, &code);
        out[n++] = (unsigned char)(code >> 8);
        out[n++] = (unsigned char)code;
    }
    *out_len = (HPDF_UINT)n;
    return (char *)out;
}

static HPDF_STATUS
init_text_encoder(HPDF_Encoder encoder)
{
    /* The ranges of libharu's "UTF-8" encoder, so the ToUnicode CMap libharu writes stays the same. */
    static const HPDF_CidRange_Rec cid_range[] = {{0x0000, 0xFFFF, 0}, {0xFFFF, 0xFFFF, 0}};
    static const HPDF_CidRange_Rec space_range = {0x0000, 0xFFFF, 0};
    static const HPDF_CidRange_Rec notdef_range = {0x0000, 0x001F, 1};

    HPDF_STATUS ret = HPDF_CMapEncoder_InitAttr(encoder);
    if (ret != HPDF_OK)
        return ret;
    encoder->byte_type_fn = text_byte_type;
    encoder->encode_text_fn = text_encode;
    /* Not libharu's ToUnicode while adding the range, or AddCMap fills cid_map for all 65,536 codes. */
    encoder->to_unicode_fn = text_to_unicode;
    if (HPDF_CMapEncoder_AddCMap(encoder, cid_range) != HPDF_OK ||
        HPDF_CMapEncoder_AddCodeSpaceRange(encoder, space_range) != HPDF_OK ||
        HPDF_CMapEncoder_AddNotDefRange(encoder, notdef_range) != HPDF_OK)
        return encoder->error->error_no;

    HPDF_CMapEncoderAttr attr = encoder->attr;
    /* Indexed [low byte][high byte], as libharu's HPDF_CMapEncoder_ToUnicode reads it. */
    for (unsigned lo = 0; lo < 256; lo++)
        for (unsigned hi = 0; hi < 256; hi++)
            attr->unicode_map[lo][hi] = (HPDF_UNICODE)(hi << 8 | lo);
    memset(attr->cid_map, 0, sizeof attr->cid_map);
    attr->is_lead_byte_fn = NULL;
    attr->is_trial_byte_fn = NULL;
    snprintf(attr->registry, sizeof attr->registry, "Adobe");
    snprintf(attr->ordering, sizeof attr->ordering, "Identity-H");
    attr->suppliment = 0;
    attr->writing_mode = HPDF_WMODE_HORIZONTAL;
    encoder->type = HPDF_ENCODER_TYPE_DOUBLE_BYTE;
    return HPDF_OK;
}

/* ---- the libharu document --------------------------------------------------------------------- */

/* The first style before i that uses the same file, or i. */
static int
first_with_file(const struct pdf_fonts *f, int i)
{
    for (int j = 0; j < i; j++)
        if (strcmp(f->face[j].path, f->face[i].path) == 0)
            return j;
    return i;
}

static void
slot_free(struct hpdf_slot *s)
{
    if (!s)
        return;
    if (s->doc)
        HPDF_Free(s->doc);
    free(s);
}

/* TrueType files are read whole; a font file beyond this is not a font for consent forms. */
#define MAX_FONT_FILE_BYTES ((size_t)64 * 1024 * 1024)

/*
 * HPDF_LoadTTFontFromFile as libharu does it (hpdf_doc.c LoadTTFontFromStream),
 * but from a copy of the file in memory: libharu's file stream keeps the FILE
 * open and seeks it whenever it embeds a subset, and worker processes forked
 * from one run share that file offset. NULL on failure.
 */
static const char *
load_ttf(HPDF_Doc doc, const char *path)
{
    char  *data;
    size_t len;
    if (!util_read_file(path, MAX_FONT_FILE_BYTES, &data, &len))
        return NULL;
    if (len == 0 || len > UINT_MAX) {
        free(data);
        return NULL;
    }
    HPDF_Stream stream = HPDF_MemStream_New(doc->mmgr, (HPDF_UINT)len);
    if (!stream || HPDF_Stream_Write(stream, (const HPDF_BYTE *)data, (HPDF_UINT)len) != HPDF_OK) {
        if (stream)
            HPDF_Stream_Free(stream);
        free(data);
        return NULL;
    }
    free(data);
    HPDF_FontDef def = HPDF_TTFontDef_Load(doc->mmgr, stream, HPDF_TRUE); /* owns stream, even on failure */
    if (!def)
        return NULL;
    HPDF_FontDef same = HPDF_Doc_FindFontDef(doc, def->base_font);
    if (same) { /* two files, one font name: libharu keeps the first */
        HPDF_FontDef_Free(def);
        return same->base_font;
    }
    if (HPDF_List_Add(doc->fontdef_list, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        return NULL;
    }
    /* The subset prefix: HPDFAA, HPDFAB, ... in load order. */
    if (doc->ttfont_tag[0] == 0) {
        memcpy(doc->ttfont_tag, "HPDFAA", 6);
    } else {
        for (int i = 5; i >= 0; i--) {
            if (++doc->ttfont_tag[i] <= 'Z')
                break;
            doc->ttfont_tag[i] = 'A';
        }
    }
    HPDF_TTFontDef_SetTagName(def, (char *)doc->ttfont_tag);
    return def->base_font;
}

/*
 * A document with the three files loaded (embedded: libharu keeps their bytes)
 * and both encoders registered. The files load in style order, so their
 * subset tags (HPDFAA+, HPDFAB+, ...) are the same in every slot.
 */
static struct hpdf_slot *
slot_new(const struct pdf_fonts *f, const char *config_path, struct diags *d)
{
    struct hpdf_slot *s = xcalloc(1, sizeof *s);
    s->doc = HPDF_New(on_hpdf_error, &s->err);
    HPDF_Encoder enc = NULL;
    if (s->doc && HPDF_UseUTFEncodings(s->doc) == HPDF_OK)
        enc = HPDF_CMapEncoder_New(s->doc->mmgr, (char *)TEXT_ENCODER, init_text_encoder);
    if (!enc || HPDF_Doc_RegisterEncoder(s->doc, enc) != HPDF_OK ||
        !(s->encoder = HPDF_GetEncoder(s->doc, TEXT_ENCODER))) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start libharu (libharu error 0x%04X)",
                 (unsigned)s->err.error_no);
        slot_free(s);
        return NULL;
    }
    for (int i = 0; i < LAYOUT_N_FONTS; i++) {
        int same = first_with_file(f, i);
        if (same < i) {
            s->def[i] = s->def[same];
            s->font_name[i] = s->font_name[same];
            continue;
        }
        const char *name = load_ttf(s->doc, f->face[i].path);
        s->def[i] = name ? HPDF_GetFontDef(s->doc, name) : NULL;
        s->font_name[i] = name;
        if (!s->def[i]) {
            if (f->is_path) /* no fontconfig look-up came before: say it plainly */
                diag_add(d, DIAG_ERROR, config_path, 0, 0, "font file \"%s\" is not a usable TrueType font",
                         f->face[i].path);
            else
                diag_add(d, DIAG_ERROR, config_path, 0, 0,
                         "font file \"%s\" cannot be used (libharu error 0x%04X, detail %u)", f->face[i].path,
                         (unsigned)s->err.error_no, (unsigned)s->err.detail_no);
            slot_free(s);
            return NULL;
        }
    }
    return s;
}

struct pdf_fonts *
pdf_fonts_load(const struct config_page *page, const char *config_path, struct diags *d)
{
    struct pdf_fonts *f = xcalloc(1, sizeof *f);
    const char       *font = page->font ? page->font : "Liberation Sans";
    bool              ok;

    f->name = xstrdup(font);
    f->is_path = page->font_is_path;
    if (page->font_is_path)
        ok = check_file(f, font, config_path, d);
    else
        ok = find_family(f, font, config_path, d);
    if (ok) {
        f->slot = slot_new(f, config_path, d);
        ok = f->slot != NULL;
    }
    if (!ok) {
        pdf_fonts_free(f);
        return NULL;
    }
    for (int i = 0; i < LAYOUT_N_FONTS; i++) {
        f->face[i].same = first_with_file(f, i);
        for (int cp = 0; cp < NARROW_CPS; cp++)
            f->face[i].narrow_w[cp] = -1;
    }
    f->metrics = (struct layout_metrics){f, metrics_text_width_pt, metrics_has_glyph};
    return f;
}

void
pdf_fonts_free(struct pdf_fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < LAYOUT_N_FONTS; i++) {
        free(f->face[i].path);
        free(f->face[i].wide);
    }
    slot_free(f->slot);
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
        w->slot = slot_new(fonts, NULL, d);
        w->owns_slot = true;
        if (!w->slot) {
            free(w);
            return NULL;
        }
    }
    w->slot->in_use = true;
    w->arena = arena_new();
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
 * character of the PDF is known and each font can list exactly those.
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
            sp->items[i] = lp->items[i];
            if (lp->items[i].text)
                sp->items[i].text = arena_strdup(w->arena, lp->items[i].text);
            if (lp->items[i].image) {
                unsigned char *copy = arena_alloc(w->arena, lp->items[i].image_len);
                memcpy(copy, lp->items[i].image, lp->items[i].image_len);
                sp->items[i].image = copy;
            }
        }
    }
    return true;
}

/* Current graphics state of the page being drawn, to skip redundant operators. */
struct draw_state {
    bool             in_text;
    enum layout_font font;
    double           size_pt;
    double           fill_gray;
    double           stroke_gray;
    double           line_width_pt;
    bool             is_dashed;
    bool             in_fill; /* filled rectangles collected into one path, filled once (a QR code) */
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

/* A coordinate in pt with up to 3 decimals, without printf: the locale must not make it "70,866". */
static size_t
put_number(char *out, double v)
{
    long long milli = llround(v * 1000);
    char      digits[32];
    size_t    n = 0, o = 0;
    if (milli < 0) {
        out[o++] = '-';
        milli = -milli;
    }
    int frac = (int)(milli % 1000);
    for (long long whole = milli / 1000; n == 0 || whole > 0; whole /= 10)
        digits[n++] = (char)('0' + whole % 10);
    while (n > 0)
        out[o++] = digits[--n];
    if (frac) {
        out[o++] = '.';
        for (int div = 100; frac; div /= 10) {
            out[o++] = (char)('0' + frac / div);
            frac %= div;
        }
    }
    return o;
}

/*
 * "1 0 0 1 x y Tm (...) Tj" straight into the page's content stream
 * (hpdf_pages.h). HPDF_Page_ShowText writes each character as four hex digits
 * and measures the string first; a literal string holds the same two-byte
 * codes in half the bytes, which is half the text for deflate. An absolute
 * text matrix per item: no drift from relative moves.
 */
static void
show_text(HPDF_Page page, double x_pt, double y_pt, const char *text)
{
    HPDF_PageAttr attr = page->attr;
    char          out[1024];
    size_t        o = 0;
    memcpy(out, "1 0 0 1 ", 8);
    o = 8;
    o += put_number(out + o, x_pt);
    out[o++] = ' ';
    o += put_number(out + o, y_pt);
    memcpy(out + o, " Tm\n(", 5);
    o += 5;
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        if (o > sizeof out - 16) {
            HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)out, (HPDF_UINT)o);
            o = 0;
        }
        HPDF_UINT16 code;
        i += next_code(text + i, len - i, &code);
        unsigned char bytes[2] = {(unsigned char)(code >> 8), (unsigned char)code};
        for (int k = 0; k < 2; k++) {
            /* In a literal string these need a backslash; a bare CR would be read as LF. */
            if (bytes[k] == '(' || bytes[k] == ')' || bytes[k] == '\\')
                out[o++] = '\\';
            if (bytes[k] == '\r') {
                out[o++] = '\\';
                out[o++] = 'r';
            } else {
                out[o++] = (char)bytes[k];
            }
        }
    }
    memcpy(out + o, ") Tj\n", 5);
    o += 5;
    HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)out, (HPDF_UINT)o);
}

static void
draw_item(struct pdf_writer *w, HPDF_Page page, struct draw_state *st, const struct layout_item *it)
{
    const double h = LAYOUT_PAGE_HEIGHT_PT;
    if (it->kind != LAYOUT_ITEM_RECT)
        end_fill(page, st);
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
        show_text(page, it->x_pt, h - it->y_pt, it->text);
        return;
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

static void
set_bit(uint64_t *bits, HPDF_UINT16 code)
{
    bits[code / 64] |= (uint64_t)1 << (code % 64);
}

static bool
has_bit(const uint64_t *bits, unsigned code)
{
    return bits[code / 64] >> (code % 64) & 1;
}

/*
 * Creates the fonts the saved pages use, each listing exactly the characters
 * printed with it. A style nothing is printed in gets no font at all.
 */
static bool
create_fonts(struct pdf_writer *w)
{
    const struct pdf_fonts *f = w->fonts;
    uint64_t(*used)[BMP_WORDS] = w->used = xcalloc(LAYOUT_N_FONTS, sizeof *used);
    bool any[LAYOUT_N_FONTS] = {false};
    for (size_t p = 0; p < w->n_pages; p++)
        for (size_t i = 0; i < w->pages[p].n_items; i++) {
            const struct layout_item *it = &w->pages[p].items[i];
            if (it->kind != LAYOUT_ITEM_TEXT || !it->text || !*it->text || it->font >= LAYOUT_N_FONTS)
                continue;
            int    owner = f->face[it->font].same;
            size_t len = strlen(it->text);
            for (size_t k = 0; k < len;) {
                HPDF_UINT16 code;
                k += next_code(it->text + k, len - k, &code);
                set_bit(used[owner], code);
            }
            any[owner] = true;
        }

    HPDF_CMapEncoderAttr attr = w->slot->encoder->attr;
    bool                 ok = true;
    for (int i = 0; i < LAYOUT_N_FONTS && ok; i++) {
        if (f->face[i].same != i) {
            w->font[i] = w->font[f->face[i].same];
            continue;
        }
        if (!any[i])
            continue;
        memset(attr->cid_map, 0, sizeof attr->cid_map);
        unsigned max = 0;
        for (unsigned code = 1; code <= 0xFFFF; code++)
            if (has_bit(used[i], code)) {
                attr->cid_map[code & 0xFF][code >> 8] = (HPDF_UINT16)code;
                max = code;
            }
        /*
         * libharu writes widths and the CIDToGIDMap for CIDs below the highest
         * one it saw; one more entry keeps the highest real character in.
         */
        if (max < 0xFFFF)
            attr->cid_map[(max + 1) & 0xFF][(max + 1) >> 8] = (HPDF_UINT16)(max + 1);
        w->slot->encoder->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
        w->font[i] = HPDF_GetFont(w->slot->doc, w->slot->font_name[i], TEXT_ENCODER);
        w->slot->encoder->to_unicode_fn = text_to_unicode;
        ok = w->font[i] != NULL;
        /* libharu embeds the glyphs it has marked: mark those this PDF prints. */
        for (unsigned code = 1; ok && code <= max; code++)
            if (has_bit(used[i], code))
                HPDF_TTFontDef_GetCharWidth(w->slot->def[i], (HPDF_UINT16)code);
    }
    memset(attr->cid_map, 0, sizeof attr->cid_map);
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
        struct draw_state st = {false, LAYOUT_N_FONTS, 0, 0, 0, 1, false, false};
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
    /* libharu made each font's descriptor in this PDF; the next PDF must make its own. */
    for (int i = 0; w->slot && i < LAYOUT_N_FONTS; i++)
        w->slot->def[i]->descriptor = NULL;
    if (w->owns_slot) {
        slot_free(w->slot);
    } else if (w->slot) {
        /* Frees this PDF's objects now, so memory stays flat between files. */
        HPDF_FreeDoc(w->slot->doc);
        w->slot->in_use = false;
    }
    arena_free(w->arena);
    free(w->pages);
    free(w->used);
    free(w);
}
