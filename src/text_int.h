/* Private to the text module: the engine's fonts, shared by text.c (shaping) and text_font.c (finding). */
#ifndef CONSENTGEN_TEXT_INT_H
#define CONSENTGEN_TEXT_INT_H

#include "consentgen/text.h"

#include <hb.h>

/* One font file, opened with HarfBuzz (the file is mapped, not copied). */
struct text_font {
    char      *path;
    bool       is_path; /* given as a path in the config, not found by family */
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;           /* scaled to TEXT_UNITS_PER_EM */
    bool       has_ascii[128]; /* whether the font has a glyph for each ASCII character (controls: yes) */
};

/* The fonts tried for one style, in order: page.font's face of that style, then each fallback's. */
struct text_chain {
    int   *fonts;
    size_t n;
};

struct text_cache; /* text.c */

struct text_engine {
    char              *name; /* page.font as given */
    struct text_font  *fonts;
    size_t             n_fonts;
    struct text_chain  chain[TEXT_N_STYLES];
    hb_buffer_t       *buf;
    struct text_cache *cache;
    struct text_shaper shaper;
};

/*
 * Finds page's fonts (fontconfig for families) and opens each file once:
 * fills e->fonts and e->chain. False and diags when page.font or a fallback
 * the config names cannot be used.
 */
bool text_fonts_open(struct text_engine *e, const struct config_page *page, const char *config_path,
                     struct diags *d);
void text_fonts_close(struct text_engine *e);

/*
 * The system's font finder, one file per system: fontconfig (text_font_fc.c)
 * or the font folders of Windows (text_font_win32.c). new: NULL if the list of
 * installed fonts cannot be read. match: the file of family's face nearest to
 * style, only if it really belongs to family (caller frees); NULL if none.
 * each_family: calls fn once or more for every installed family name.
 */
struct text_finder;
struct text_finder *text_finder_new(void);
void                text_finder_free(struct text_finder *f);
char               *text_finder_match(struct text_finder *f, const char *family, enum text_style style);
void text_finder_each_family(struct text_finder *f, void (*fn)(void *ctx, const char *family), void *ctx);

#endif
