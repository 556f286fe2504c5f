/*
 * layout_int.h: what the files of the layout module share: the page geometry,
 * the pieces a page is built of (frags in units in a flow), styled text, its
 * shaping through the text engine and its line breaking (layout.c), and the
 * return slip (layout_slip.c).
 */
#ifndef CONSENTGEN_LAYOUT_INT_H
#define CONSENTGEN_LAYOUT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/layout.h"
#include "consentgen/template.h"
#include "consentgen/text.h"
#include "consentgen/util.h"

#define MM LAYOUT_PT_PER_MM
#define PAGE_W_PT LAYOUT_PAGE_WIDTH_PT
#define PAGE_H_PT LAYOUT_PAGE_HEIGHT_PT
#define LEFT_PT (25.0 * MM)              /* DIN 5008 left margin */
#define RIGHT_PT (PAGE_W_PT - 20.0 * MM) /* x of the right margin */
#define TEXT_W_PT (RIGHT_PT - LEFT_PT)
#define ZONE_PT (45.0 * MM) /* letterhead zone of Form B */
#define FIRST_TOP_PT (ZONE_PT + 3.0 * MM)
#define TOP_PT (20.0 * MM)
#define BOTTOM_PT (PAGE_H_PT - 25.0 * MM)
#define FOOTER_Y_PT (PAGE_H_PT - 12.0 * MM)
#define BODY_PT 11.0
#define LEADING 1.3
#define LINE_PT (BODY_PT * LEADING)
#define CAPTION_PT 8.0
#define CAPTION_GRAY 0.35
#define BOX_PT (3.5 * MM)
#define BOX_GAP_PT (2.0 * MM)
#define INDENT_PT (6.0 * MM)
#define MIN_SIZE_PT 8.0
#define MAX_VALUE_LINES 4 /* of a pupil block value at 8 pt */
#define VALUE_LIFT_PT 3.5 /* baseline of a prefilled value above its rule: descenders stay clear */
#define PUPIL_TITLE_PT 9.5
#define PUPIL_BLOCK_TITLE "Angaben zur Schülerin / zum Schüler"
#define EPS_PT 0.01

/* Everything a layout call shares. */
struct ctx {
    const struct text_shaper   *sh;
    struct arena               *a;
    const struct layout_values *values;
    struct buf                  text; /* scratch: a paragraph's text being joined */
    enum text_direction         dir;  /* of the paragraphs being shaped */
    /* A right-to-left page's body: each line and shape is mirrored inside the text area, so lines are
     * right-aligned and bullets and boxes stand at the right; letterhead and footer are not. */
    bool is_mirrored;
    bool   is_information;  /* a translation: check boxes are shown, not for ticking; nothing to sign */
    double sheet_lang_w_pt; /* class sheet: the language column's width; 0: none */
};

#define PUSH(a, arr, n, cap) ((arr) = grow((a), (arr), (n), &(cap), sizeof *(arr)), &(arr)[(n)++])

/* An unbreakable horizontal slice of a unit; item y is relative to the slice's top. */
struct frag {
    struct layout_item *items;
    size_t              n_items, cap;
    double              h_pt;
};

enum unit_kind {
    UNIT_FLOW,    /* paragraph, bullet: may break between lines, no orphan or widow */
    UNIT_KEEP,    /* never split (check boxes, form blocks) */
    UNIT_HEADING, /* never split, and kept with the start of the next unit */
};

struct unit {
    enum unit_kind kind;
    double         space_before_pt; /* dropped at the top of a page */
    double         space_after_pt;  /* headings: replaces the next unit's space_before */
    bool           is_table_header; /* class sheet: repeated on every further page */
    struct frag   *frags;
    size_t         n_frags, cap;
};

struct flow {
    struct unit *v;
    size_t       n, cap;
};

struct seg {
    const char     *s;
    size_t          len;
    enum text_style style;
    bool            is_break; /* hard line break */
};

struct segs {
    struct seg *v;
    size_t      n, cap;
};

struct chunk; /* a shaped paragraph (layout.c) */

/* A glyph run of a line, one item's part; x from the line's start. */
struct lrun {
    int                      font;
    enum text_style          style;
    unsigned                 level;
    double                   x_pt, w_pt;
    const char              *text; /* logical order, in the arena */
    const struct text_glyph *glyphs;
    size_t                   n_glyphs;
};

/* A broken line: its runs in visual order. */
struct tline {
    struct lrun        *runs;
    size_t              n_runs, cap;
    double              w_pt;
    const struct chunk *ch; /* where the line's text comes from */
    size_t              start, end;
};

struct tlines {
    struct tline *v;
    size_t        n, cap;
};

/* Appends to an array in the arena: a full array is copied into one twice its size. */
void *grow(struct arena *a, void *v, size_t n, size_t *cap, size_t elem);

/* The advance of a string in one style at size_pt, shaped. */
double       str_w(struct ctx *c, enum text_style style, const char *s, double size_pt);
struct unit *flow_add(struct ctx *c, struct flow *fl, enum unit_kind kind, double space_before_pt);
struct frag *unit_add_frag(struct ctx *c, struct unit *u, double h_pt);
/* A string in one style on one line at (x, baseline y). */
void frag_text(struct ctx *c, struct frag *f, double x_pt, double y_pt, enum text_style style, double size_pt,
               double gray, const char *text);
void frag_shape(struct ctx *c, struct frag *f, enum layout_item_kind kind, double x_pt, double y_pt,
                double w_pt, double h_pt, double line_width_pt, double gray);
void segs_add(struct ctx *c, struct segs *sg, const char *s, enum text_style style);
void segs_add_break(struct ctx *c, struct segs *sg);
/* Placeholder values are inserted as plain text here, after parsing: a value can never become markup. */
void segs_from_spans(struct ctx *c, struct segs *sg, const struct template_span *spans, size_t n,
                     unsigned extra);
/* Breaks styled text into lines no wider than width_pt (shaped, then reordered); appends them to out. */
void break_text(struct ctx *c, const struct segs *sg, double size_pt, double width_pt, struct tlines *out);
/* Baseline of text in a line box of height lh_pt, from the box's top: half the leading, then the ascent. */
double baseline_in(double lh_pt, double size_pt);
void   frag_tline(struct ctx *c, struct frag *f, const struct tline *tl, double x_pt, double y_pt,
                  double size_pt, double gray);
/* A heading's space below replaces the space above of what follows it. */
void apply_heading_space(struct flow *fl);
/* The template's blocks [from, to) as units of fl (layout.c's block rules). */
void build_blocks(struct ctx *c, const struct template_doc *doc, size_t from, size_t to,
                  const struct layout_form_params *pr, struct flow *fl);

/* ---- the return slip (layout_slip.c) ---- */

/* The slip as one unbreakable piece: from the return note above the cut line to its bottom corner marks. */
struct slip {
    struct frag        frag;
    double             cut_y_pt; /* in the frag */
    struct layout_slip geometry; /* y in the frag; page and offset filled in when it is placed */
};

/* Builds the slip of a form from the slip block (doc's block slip_index) and everything after it. */
void slip_build(struct ctx *c, const struct template_doc *doc, size_t slip_index,
                const struct layout_form_params *pr, struct slip *out);
/* The geometry of a slip placed with its frag's top at y_pt on page `page` (0-based). */
void slip_place(const struct slip *s, size_t page, double y_pt, struct layout_slip *out);
/* Space kept between the end of the information part and the slip's return note. */
#define SLIP_MIN_GAP_PT (6.0 * MM)

#endif
