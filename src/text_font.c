/*
 * text fonts: finds the files of page.font and page.fallback_fonts and opens
 * them with HarfBuzz. A family name is looked up for regular, bold and italic
 * by the system's finder (fontconfig on Linux, text_font_fc.c; the font
 * folders on Windows, text_font_win32.c); each match must really belong to
 * that family, as fontconfig substitutes silently (a family with only a
 * regular face prints bold as regular). A path is one .ttf file for all three
 * styles, read without the finder. libharu embeds only TrueType, so every
 * file must be a .ttf. Equal files get one font id; ids follow the order of
 * the config: page.font's regular, bold, italic, then each fallback's.
 */
#include "consentgen/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

#define MAX_HINTS 3

static bool
has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && util_strcasecmp_ascii(s + n - m, suffix) == 0;
}

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

struct hints {
    const char  *family;
    size_t       max_distance;
    struct hint *v;
    size_t       n, cap;
};

static void
consider_hint(void *ctx, const char *s)
{
    struct hints *h = ctx;
    size_t        dist = util_edit_distance(h->family, s); /* ignores ASCII case */
    if (dist > h->max_distance)
        return;
    for (size_t k = 0; k < h->n; k++)
        if (strcmp(h->v[k].family, s) == 0)
            return;
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->v = xrealloc(h->v, h->cap * sizeof *h->v);
    }
    h->v[h->n++] = (struct hint){xstrdup(s), dist};
}

/* "\"Liberation Sans\", \"Liberation Serif\"": the installed families like it, or "" when none is close. */
static char *
family_hints(struct text_finder *finder, const char *family)
{
    struct hints h = {family, strlen(family) / 3 + 1, NULL, 0, 0};
    text_finder_each_family(finder, consider_hint, &h);
    /* The finder's order depends on its cache; sort so the message is stable. */
    if (h.n > 0)
        qsort(h.v, h.n, sizeof *h.v, compare_hints);

    struct buf b;
    buf_init(&b);
    for (size_t k = 0; k < h.n; k++) {
        if (k < MAX_HINTS)
            buf_printf(&b, "%s\"%s\"", k == 0 ? "" : ", ", h.v[k].family);
        free(h.v[k].family);
    }
    free(h.v);
    return b.data ? buf_detach(&b) : xstrdup("");
}

/* Where messages about a font point: the config line of its entry, or the config alone (then run.c points
 * them at page.font). */
struct where {
    const char *file;
    unsigned    line, col;
};

/*
 * Finds the file of one style of family. Returns 1 found (*path set), 0 family
 * not installed, -1 not TrueType (diag added).
 */
static int
match_face(struct text_finder *finder, const char *family, enum text_style style, char **path,
           struct where at, struct diags *d)
{
    char *file = text_finder_match(finder, family, style);
    if (!file)
        return 0;
    if (!has_suffix_ci(file, ".ttf")) {
        diag_add(d, DIAG_ERROR, at.file, at.line, at.col,
                 "font \"%s\" is not a TrueType font (\"%s\"); choose a family with .ttf files or the path "
                 "of a .ttf file",
                 util_quote(family).text, util_quote(file).text);
        free(file);
        return -1;
    }
    *path = file;
    return 1;
}

/* The three style files of a family; false (and a diag) if the family is not installed or not TrueType. */
static bool
find_family(struct text_finder *finder, const char *family, char *paths[TEXT_N_STYLES], struct where at,
            struct diags *d)
{
    for (int i = 0; i < TEXT_N_STYLES; i++) {
        int rc = match_face(finder, family, (enum text_style)i, &paths[i], at, d);
        if (rc == 0) {
            char *hints = family_hints(finder, family);
            if (*hints)
                diag_add(d, DIAG_ERROR, at.file, at.line, at.col,
                         "font \"%s\" not found; installed families like it: %s", util_quote(family).text, hints);
            else
                diag_add(d, DIAG_ERROR, at.file, at.line, at.col, "font \"%s\" not found", util_quote(family).text);
            free(hints);
        }
        if (rc != 1)
            return false;
    }
    return true;
}

/* One .ttf file for all three styles. */
static bool
check_file(const char *path, char *paths[TEXT_N_STYLES], struct where at, struct diags *d)
{
    /* A FIFO or a device would block the reader that opens it: refused before, by stat. */
    if (!util_check_regular_file(path)) {
        if (errno == ENODEV)
            diag_add(d, DIAG_ERROR, at.file, at.line, at.col,
                     "cannot read font file \"%s\": it is a device or a pipe, not a file",
                     util_quote(path).text);
        else
            diag_add(d, DIAG_ERROR, at.file, at.line, at.col, "cannot read font file \"%s\": %s",
                     util_quote(path).text, strerror(errno));
        return false;
    }
    if (!has_suffix_ci(path, ".ttf")) {
        diag_add(d, DIAG_ERROR, at.file, at.line, at.col,
                 "font file \"%s\" is not a TrueType font; expected a .ttf file", util_quote(path).text);
        return false;
    }
    for (int i = 0; i < TEXT_N_STYLES; i++)
        paths[i] = xstrdup(path);
    return true;
}

/* The id of the font file path, opening it with HarfBuzz the first time; -1 (and a diag) if unusable. */
static int
font_id(struct text_engine *e, const char *path, bool is_path, struct where at, struct diags *d)
{
    for (size_t i = 0; i < e->n_fonts; i++)
        if (strcmp(e->fonts[i].path, path) == 0)
            return (int)i;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    hb_face_t *face = blob ? hb_face_create(blob, 0) : NULL;
    if (!face || hb_face_get_glyph_count(face) == 0 || hb_face_get_upem(face) == 0) {
        diag_add(d, DIAG_ERROR, at.file, at.line, at.col, "font file \"%s\" is not a usable TrueType font",
                 path);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        return -1;
    }
    e->fonts = xrealloc(e->fonts, (e->n_fonts + 1) * sizeof *e->fonts);
    struct text_font *f = &e->fonts[e->n_fonts];
    f->path = xstrdup(path);
    f->is_path = is_path;
    f->blob = blob;
    f->face = face;
    f->font = hb_font_create(face);
    hb_font_set_scale(f->font, TEXT_UNITS_PER_EM, TEXT_UNITS_PER_EM);
    for (hb_codepoint_t cp = 0; cp < 128; cp++) {
        hb_codepoint_t g;
        f->has_ascii[cp] = cp < 0x20 || cp == 0x7F || hb_font_get_nominal_glyph(f->font, cp, &g);
    }
    return (int)e->n_fonts++;
}

static void
chain_add(struct text_chain *c, int font)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->fonts[i] == font)
            return; /* a file twice in one chain would only be tried twice */
    c->fonts = xrealloc(c->fonts, (c->n + 1) * sizeof *c->fonts);
    c->fonts[c->n++] = font;
}

/* Finds one font (family or path) and appends its style files to the chains. */
static bool
add_font(struct text_engine *e, struct text_finder **finder, const char *name, bool is_path, struct where at,
         struct diags *d)
{
    char *paths[TEXT_N_STYLES] = {NULL};
    bool  ok;
    if (is_path) {
        ok = check_file(name, paths, at, d);
    } else {
        /* A private finder, freed after the look-ups: no fontconfig state outlives loading. */
        if (!*finder)
            *finder = text_finder_new();
        if (!*finder) {
            diag_add(d, DIAG_ERROR, at.file, at.line, at.col,
                     "cannot look up font \"%s\": fontconfig did not start", util_quote(name).text);
            return false;
        }
        ok = find_family(*finder, name, paths, at, d);
    }
    for (int i = 0; ok && i < TEXT_N_STYLES; i++) {
        int id = font_id(e, paths[i], is_path, at, d);
        if (id < 0)
            ok = false;
        else
            chain_add(&e->chain[i], id);
    }
    for (int i = 0; i < TEXT_N_STYLES; i++)
        free(paths[i]);
    return ok;
}

bool
text_fonts_open(struct text_engine *e, const struct config_page *page, const char *config_path,
                struct diags *d)
{
    struct text_finder *finder = NULL;
    const char  *font = page->font ? page->font : "Liberation Sans";
    struct where at = {config_path, 0, 0};
    bool         ok = add_font(e, &finder, font, page->font_is_path, at, d);
    for (size_t i = 0; i < page->n_fallbacks; i++) {
        const struct config_font *fb = &page->fallbacks[i];
        if (page->fallbacks_are_default) {
            /* The default list names what Debian's font packages have; a machine without one does without. */
            struct diags quiet = {0};
            add_font(e, &finder, fb->name, fb->is_path, at, &quiet);
            diags_fini(&quiet);
            continue;
        }
        struct where fb_at = {config_path, fb->line, fb->col};
        ok = add_font(e, &finder, fb->name, fb->is_path, fb_at, d) && ok;
    }
    text_finder_free(finder);
    return ok;
}

void
text_fonts_close(struct text_engine *e)
{
    for (size_t i = 0; i < e->n_fonts; i++) {
        hb_font_destroy(e->fonts[i].font);
        hb_face_destroy(e->fonts[i].face);
        hb_blob_destroy(e->fonts[i].blob);
        free(e->fonts[i].path);
    }
    free(e->fonts);
    e->fonts = NULL;
    e->n_fonts = 0;
    for (int i = 0; i < TEXT_N_STYLES; i++) {
        free(e->chain[i].fonts);
        e->chain[i] = (struct text_chain){NULL, 0};
    }
}
