/*
 * text: the text engine. Finds the fonts (page.font for regular, bold and
 * italic, then page.fallback_fonts) through fontconfig or as .ttf paths,
 * chooses a font per grapheme cluster, resolves directions with FriBidi and
 * shapes with HarfBuzz. Layout sees it only through struct text_shaper, so
 * tests can give layout a fake; pdf reads the font files and glyph runs.
 */
#ifndef CONSENTGEN_TEXT_H
#define CONSENTGEN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/util.h"

enum text_style { TEXT_STYLE_REGULAR, TEXT_STYLE_BOLD, TEXT_STYLE_ITALIC, TEXT_N_STYLES };

/* Glyph positions are in units of 1/TEXT_UNITS_PER_EM em: at size_pt, v units are v * size_pt / 65536 pt. */
#define TEXT_UNITS_PER_EM 65536

struct text_glyph {
    uint32_t gid;       /* glyph id in the item's font */
    uint32_t cluster;   /* byte offset in the text of the first character of the glyph's cluster */
    int32_t  x_advance; /* text units */
    int32_t  x_offset, y_offset;
    uint32_t uni_start; /* the characters the glyph stands for (ToUnicode): bytes of the text */
    uint32_t uni_len;   /* 0: none (a second glyph of a character) */
};

/* A run of text shaped in one font, one style and one direction. */
struct text_item {
    size_t             start, len; /* bytes of the paragraph's text */
    int                font;       /* the engine's font id */
    enum text_style    style;
    unsigned           level;  /* bidi embedding level; odd: right to left */
    struct text_glyph *glyphs; /* in visual order: a right-to-left item's glyphs are reversed */
    size_t             n_glyphs;
};

/*
 * A shaped paragraph: its items are in logical order and cover the text
 * without gaps. advance and is_cluster_start measure it for line breaking:
 * a line may end only where a cluster starts.
 */
struct text_para {
    const char       *text; /* the spans' text, joined */
    size_t            len;
    struct text_item *items;
    size_t            n_items;
    const int32_t    *advance;          /* per byte: its cluster's advance where one starts, else 0 */
    const bool       *is_cluster_start; /* per byte, and at len */
};

/*
 * A paragraph's base direction (UAX #9 paragraph level): German pages are left to right; on an Arabic or
 * Persian page a paragraph is right to left unless its first strong letter is a left-to-right one (rules
 * P2, P3), so that the German note on such a page keeps its full stop at its end.
 */
enum text_direction {
    TEXT_DIR_LTR,
    TEXT_DIR_RTL,
    TEXT_DIR_AUTO_RTL, /* the first strong letter decides; right to left when there is none */
};

/* A piece of a paragraph's text in one style. */
struct text_span {
    const char     *s;
    size_t          len;
    enum text_style style;
};

/*
 * The engine as layout and form see it: the real one (text_engine_shaper) or
 * a fake in tests (tests/unit/fake_metrics.c).
 */
struct text_shaper {
    void *ctx;
    /*
     * Shapes one paragraph whose base direction is base: levels are even
     * (left to right) or odd from there. The result stays valid until release,
     * read-only (it is the engine's cache, or in a). Equal input gives equal
     * output.
     */
    const struct text_para *(*shape)(void *ctx, const struct text_span *spans, size_t n_spans,
                                     enum text_direction base, struct arena *a);
    /* The caller holds no shaped paragraph any more: the engine may drop what it keeps. */
    void (*release)(void *ctx);
    /*
     * The byte offset, from `from` on, of the next character of s that no
     * font of the style can print in its grapheme cluster, its length in
     * *char_len; len when there is none.
     */
    size_t (*next_unprintable)(void *ctx, enum text_style style, const char *s, size_t len, size_t from,
                               size_t *char_len);
};

struct text_engine; /* opaque: the fonts, HarfBuzz and the shaping cache of one run */

/*
 * Finds and opens the fonts of page: page->font (a fontconfig family with its
 * regular, bold and italic faces, or one .ttf file for all three), then each
 * fallback in order. A fallback family that is not installed is an error when
 * the config names it and skipped when it comes from the default list.
 * config_path names the config in messages. NULL and diags on failure.
 */
struct text_engine *text_engine_load(const struct config_page *page, const char *config_path,
                                     struct diags *d);
void                text_engine_free(struct text_engine *e);

/* The shaper interface of e; it caches what it shaped in e, so it is one process's, not shared. */
const struct text_shaper *text_engine_shaper(struct text_engine *e);

/* page.font as the config gives it (a family or a path), for messages. */
const char *text_engine_name(const struct text_engine *e);

/* The distinct font files, ids 0 .. n - 1: the main font's styles first, then the fallbacks. */
size_t      text_engine_n_fonts(const struct text_engine *e);
const char *text_engine_font_path(const struct text_engine *e, int font);
/* Whether the font was given as a path (true) or found by family name. */
bool text_engine_font_is_path(const struct text_engine *e, int font);
/* The bytes of the font file (mapped, not copied), valid while e lives; NULL for an unknown id. */
const char *text_engine_font_data(const struct text_engine *e, int font, size_t *len);

#endif
