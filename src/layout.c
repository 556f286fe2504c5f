/*
 * layout: places a consent form, or a class's return list, on A4 pages as positioned glyph runs, rules and
 * boxes.
 *
 * Geometry after DIN 5008: margins 25 mm left and 20 mm right; page 1 carries the letterhead zone of Form B
 * (45 mm: school name, address, logo), later pages start 20 mm from the top; body text ends 25 mm above the
 * bottom edge and the footer ("... · Seite X von Y") sits 12 mm above it.
 *
 * Text: each paragraph is shaped through the text engine (struct text_shaper) and broken on its logical
 * text, left-aligned and greedily at spaces and after hyphens inside words; a word wider than the line is
 * cut between grapheme clusters. Each line's runs are then put in visual order (UAX #9 rule L2: from the
 * highest level down to the lowest odd one, every sequence at that level or above is reversed), so a
 * right-to-left name inside a German sentence reads right.
 *
 * A translation into Arabic or Persian is laid out the same way with its paragraphs shaped at a
 * right-to-left base, then each line and shape of its body mirrored inside the text area (x' = LEFT +
 * RIGHT - x - w): lines right-aligned, bullets, check boxes and the first field of a row at the right. The
 * letterhead and the footer are not mirrored. A translation's check boxes are gray and its signature block
 * has no rules: only the German form is ticked and signed.
 *
 * Each block becomes a unit made of unbreakable slices ("frags": a text line, a form row). Pagination rules:
 * a heading stays with the first two lines of what follows it, and so does a short question with its check
 * boxes; a paragraph or bullet leaves no single line at a page bottom or top (2- and 3-line paragraphs move
 * whole); check boxes, the pupil block and the signature block never split. A unit taller than a page is
 * broken anyway, so layout always ends.
 */
#include "consentgen/layout.h"

#include <math.h>
#include <string.h>

#include "layout_int.h"

/* Type sizes and line spacing (BODY_PT, LEADING and the page geometry: layout_int.h). */
#define ASCENT 0.8    /* of the size: baseline below the top of a line's glyphs */
#define X_HEIGHT 0.35 /* of the size: check boxes and table rows centre on it */
#define TITLE_PT 15.0 /* the form's title, the return list's title */
#define H1_PT 14.0
#define H2_PT 12.0
#define CAPTION_LEADING 1.2
#define CAPTION_DROP_PT 1.0 /* caption's top below its rule */
#define CAPTION_PAD_PT 3.0  /* below a caption's first line */

/* Space between blocks, in body lines. */
#define TITLE_SPACE_AFTER 0.8
#define HEADING_SPACE_AFTER 0.4
#define PARA_SPACE 0.6
#define PARA_AFTER_FORM_SPACE 1.4 /* the return note after the pupil or signature block */
#define LIST_ITEM_SPACE 0.2
#define CHECKBOX_SPACE 0.8
#define CHECKBOX_ITEM_SPACE 0.3

/* Check boxes and bullets. */
#define BOX_LINE_PT 0.6
#define BOX_TICK_INSET 0.2 /* of the box: the cross of a checked box */
#define BOX_TICK_LINE_PT 0.8
#define BOX_ROW_GAP_PT (15.0 * MM)       /* between short items on one row, as on the paper form */
#define BOX_ROW_MAX_LABEL_PT (40.0 * MM) /* a longer label puts each item on its own line */
#define INFO_BOX_GRAY 0.6                /* a translation's boxes: shown, not for ticking */
#define INFO_CAPTION_TOP_PT 2.0          /* a translation's signature captions: no writing space */

/* Rules ("---") and form fields. */
#define RULE_SPACE 0.6 /* body lines above a rule */
#define RULE_H_PT 10.0
#define HAIRLINE_PT 0.5
#define RULE_GRAY 0.5
#define VALUE_DEPTH 0.9 /* of the size: a value's top to its baseline */
#define PUPIL_SPACE 1.2 /* body lines above the pupil block */
#define PUPIL_TITLE_TOP_PT (2.5 * MM)
#define PUPIL_HEAD_PT (4.0 * MM) /* the hairline to the title's line */
#define PUPIL_RULE_GRAY 0.6
#define PUPIL_FIELD_GAP_PT (8.0 * MM)
#define PUPIL_ROW_GAP_PT (6.0 * MM)
#define SIGN_FIELD_GAP_PT (10.0 * MM)
#define SIGN_WRITING_PT (12.0 * MM) /* writing space above a signature rule */
#define SIGN_FIRST_SHARE 0.35       /* "Ort, Datum" in a row of two fields */
#define SIGN_ROW_GAP_PT (2.0 * MM)

/* Letterhead and marks. */
#define LOGO_W_PT (40.0 * MM)
#define LOGO_H_PT (22.0 * MM)
#define LOGO_TOP_PT (13.0 * MM)
#define LOGO_GAP_PT (5.0 * MM)
#define SCHOOL_PT 14.0
#define SCHOOL_TOP_PT (15.0 * MM) /* capitals start here */
#define SCHOOL_CAP_HEIGHT 0.75    /* of the size */
#define SCHOOL_LEADING 1.2
#define ADDRESS_PT 9.5
#define ADDRESS_GRAY 0.3
#define ZONE_RULE_Y_PT (40.0 * MM)   /* the hairline under the letterhead */
#define ZONE_TEXT_MAX_PT (38.0 * MM) /* letterhead text below this moves the body down */
#define ZONE_GAP_PT (3.0 * MM)
#define MARK_X_PT (3.0 * MM)
#define FOLD_MARK_PT (5.0 * MM)
#define HOLE_MARK_PT (7.0 * MM)
#define MARK_LINE_PT 0.3
#define MARK_GRAY 0.5

/* Footer. */
#define FOOTER_PT 8.5
#define FOOTER_MIN_PT 7.0
#define FOOTER_GRAY 0.4
#define SIZE_STEP_PT 0.5 /* text shrinks in these steps */

/* Appends to an array in the arena: a full array is copied into one twice its size. */
void *
grow(struct arena *a, void *v, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return v;
    size_t new_cap = *cap ? *cap * 2 : 8;
    void  *nv = arena_alloc(a, new_cap * elem);
    if (n)
        memcpy(nv, v, n * elem);
    *cap = new_cap;
    return nv;
}

/* Text units (1/65536 em) at size_pt, in pt. */
static double
pt_of(int64_t units, double size_pt)
{
    return (double)units * size_pt / TEXT_UNITS_PER_EM;
}

/* One code point; invalid bytes count as one character each so that layout always advances. */
static size_t
cp_next(const char *s, size_t len, int32_t *cp)
{
    size_t k = utf8_decode(s, len, cp);
    if (k == 0) {
        *cp = (unsigned char)s[0];
        k = 1;
    }
    return k;
}

/* ---- pieces of a page ---- */

struct unit *
flow_add(struct ctx *c, struct flow *fl, enum unit_kind kind, double space_before_pt)
{
    struct unit *u = PUSH(c->a, fl->v, fl->n, fl->cap);
    u->kind = kind;
    u->space_before_pt = space_before_pt;
    return u;
}

struct frag *
unit_add_frag(struct ctx *c, struct unit *u, double h_pt)
{
    struct frag *f = PUSH(c->a, u->frags, u->n_frags, u->cap);
    f->h_pt = h_pt;
    return f;
}

static struct layout_item *
frag_item(struct ctx *c, struct frag *f, enum layout_item_kind kind, double x_pt, double y_pt)
{
    struct layout_item *it = PUSH(c->a, f->items, f->n_items, f->cap);
    it->kind = kind;
    it->x_pt = x_pt;
    it->y_pt = y_pt;
    return it;
}

void
frag_shape(struct ctx *c, struct frag *f, enum layout_item_kind kind, double x_pt, double y_pt, double w_pt,
           double h_pt, double line_width_pt, double gray)
{
    if (c->is_mirrored) { /* x' = LEFT + RIGHT - x: a line keeps its start, an area its left edge */
        bool is_stroke = kind == LAYOUT_ITEM_LINE || kind == LAYOUT_ITEM_DASH || kind == LAYOUT_ITEM_CIRCLE;
        x_pt = LEFT_PT + RIGHT_PT - x_pt - (is_stroke ? 0.0 : w_pt);
        if (kind == LAYOUT_ITEM_LINE || kind == LAYOUT_ITEM_DASH)
            w_pt = -w_pt;
    }
    struct layout_item *it = frag_item(c, f, kind, x_pt, y_pt);
    it->w_pt = w_pt;
    it->h_pt = h_pt;
    it->line_width_pt = line_width_pt;
    it->gray = gray;
}

/* ---- styled text ---- */

static enum text_style
style_of(unsigned style)
{
    if (style & TEMPLATE_STYLE_BOLD)
        return TEXT_STYLE_BOLD; /* bold italic prints bold: three fonts are embedded, not four */
    if (style & TEMPLATE_STYLE_ITALIC)
        return TEXT_STYLE_ITALIC;
    return TEXT_STYLE_REGULAR;
}

void
segs_add(struct ctx *c, struct segs *sg, const char *s, enum text_style style)
{
    struct seg *g = PUSH(c->a, sg->v, sg->n, sg->cap);
    g->s = s ? s : "";
    g->len = strlen(g->s);
    g->style = style;
}

void
segs_add_break(struct ctx *c, struct segs *sg)
{
    struct seg *g = PUSH(c->a, sg->v, sg->n, sg->cap);
    g->s = "";
    g->is_break = true;
}

static const char *
lookup_value(struct ctx *c, const char *name)
{
    const char *v = c->values && c->values->lookup ? c->values->lookup(c->values->ctx, name) : NULL;
    return v ? v : arena_printf(c->a, "{{%s}}", name);
}

/* Placeholder values are inserted as plain text here, after parsing: a value can never become markup. */
void
segs_from_spans(struct ctx *c, struct segs *sg, const struct template_span *spans, size_t n, unsigned extra)
{
    for (size_t i = 0; i < n; i++) {
        enum text_style style = style_of(spans[i].style | extra);
        switch (spans[i].kind) {
        case TEMPLATE_SPAN_TEXT:
            segs_add(c, sg, spans[i].text, style);
            break;
        case TEMPLATE_SPAN_PLACEHOLDER:
            segs_add(c, sg, lookup_value(c, spans[i].text ? spans[i].text : ""), style);
            break;
        case TEMPLATE_SPAN_BREAK:
            segs_add_break(c, sg);
            break;
        }
    }
}

static size_t
segs_n_breaks(const struct segs *sg)
{
    size_t n = 0;
    for (size_t i = 0; i < sg->n; i++)
        n += sg->v[i].is_break;
    return n;
}

/* ---- shaped paragraphs ---- */

/* The text between two hard breaks, shaped; the engine measures each cluster at the byte it starts at. */
struct chunk {
    const struct text_para *p;
    const int32_t          *adv;      /* per byte: the cluster's advance there, 0 inside a cluster */
    const bool             *is_start; /* per byte: a cluster starts there */
};

struct shaped {
    struct chunk *v;
    size_t        n, cap;
};

static bool
is_space_byte(char ch)
{
    return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

static void
chunk_of(const struct text_para *p, struct chunk *ch)
{
    ch->p = p;
    ch->adv = p->advance;
    ch->is_start = p->is_cluster_start;
}

/*
 * Shapes segs [first, end) as one paragraph. Spaces and line ends separate words; a run of them counts
 * once and takes the style of the text before it (a space is as wide as in that text); spaces at the ends
 * are dropped. U+00A0 is not a space here, so it never breaks.
 */
static void
shape_chunk(struct ctx *c, const struct seg *v, size_t first, size_t end, struct chunk *out)
{
    struct buf *t = &c->text;
    buf_reset(t);
    size_t           cap = end - first + 1, n = 0;
    size_t          *starts = arena_alloc(c->a, cap * sizeof *starts);
    enum text_style *styles = arena_alloc(c->a, cap * sizeof *styles);
    for (size_t i = first; i < end; i++) {
        for (size_t k = 0; k < v[i].len;) {
            if (is_space_byte(v[i].s[k])) {
                if (t->len && t->data[t->len - 1] != ' ')
                    buf_putc(t, ' ');
                k++;
                continue;
            }
            size_t j = k;
            while (j < v[i].len && !is_space_byte(v[i].s[j]))
                j++;
            if (n == 0 || styles[n - 1] != v[i].style) {
                starts[n] = t->len;
                styles[n++] = v[i].style;
            }
            buf_append(t, v[i].s + k, j - k);
            k = j;
        }
    }
    if (t->len && t->data[t->len - 1] == ' ')
        t->len--;
    struct text_span *spans = arena_alloc(c->a, cap * sizeof *spans);
    for (size_t i = 0; i < n; i++) {
        size_t stop = i + 1 < n ? starts[i + 1] : t->len;
        spans[i] = (struct text_span){t->data + starts[i], stop - starts[i], styles[i]};
    }
    chunk_of(c->sh->shape(c->sh->ctx, spans, n, c->dir, c->a), out);
}

/* Shapes styled text, one chunk per run of text between hard breaks (empty ones left out). */
static void
shape_segs(struct ctx *c, const struct segs *sg, struct shaped *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sg->n;) {
        size_t j = i;
        while (j < sg->n && !sg->v[j].is_break)
            j++;
        struct chunk ch;
        shape_chunk(c, sg->v, i, j, &ch);
        if (ch.p->len)
            *PUSH(c->a, out->v, out->n, out->cap) = ch;
        i = j + 1;
    }
}

/* Shapes a string in one style, as is. */
static void
shape_string(struct ctx *c, const char *s, enum text_style style, struct chunk *out)
{
    struct text_span span = {s ? s : "", s ? strlen(s) : 0, style};
    chunk_of(c->sh->shape(c->sh->ctx, &span, 1, c->dir, c->a), out);
}

static int64_t
range_units(const struct chunk *ch, size_t start, size_t end)
{
    int64_t w = 0;
    for (size_t i = start; i < end; i++)
        w += ch->adv[i];
    return w;
}

double
str_w(struct ctx *c, enum text_style style, const char *s, double size_pt)
{
    struct chunk ch;
    shape_string(c, s, style, &ch);
    return pt_of(range_units(&ch, 0, ch.p->len), size_pt);
}

/* ---- lines ---- */

/* Reverses runs [i, j). */
static void
reverse_runs(struct lrun *r, size_t i, size_t j)
{
    for (; i + 1 < j; i++, j--) {
        struct lrun t = r[i];
        r[i] = r[j - 1];
        r[j - 1] = t;
    }
}

/* The first glyph of item it whose cluster is at or after (left to right) or before (right to left) at. */
static size_t
glyph_bound(const struct text_item *it, size_t at, bool is_rtl)
{
    size_t lo = 0, hi = it->n_glyphs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        bool   is_before = is_rtl ? it->glyphs[mid].cluster >= at : it->glyphs[mid].cluster < at;
        if (is_before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The glyphs [*lo, *hi) of item it whose clusters lie in [s, e): clusters are monotone (HarfBuzz's
 * default cluster level), ascending left to right and descending in a right-to-left item. */
static void
glyph_range(const struct text_item *it, size_t s, size_t e, size_t *lo, size_t *hi)
{
    if (it->level & 1) {
        *lo = glyph_bound(it, e, true);
        *hi = glyph_bound(it, s, true);
    } else {
        *lo = glyph_bound(it, s, false);
        *hi = glyph_bound(it, e, false);
    }
}

/*
 * The line [start, end) of a chunk: the part of each item in it (glyphs and characters copied, offsets
 * made relative to the run's text), put in visual order by rule L2 and placed left to right. Lines end at
 * cluster starts and never include their trailing space, so rule L1 has nothing to reset.
 */
static void
make_line(struct ctx *c, const struct chunk *ch, size_t start, size_t end, double size_pt, struct tline *out)
{
    memset(out, 0, sizeof *out);
    out->ch = ch;
    out->start = start;
    out->end = end;
    const struct text_para *p = ch->p;
    unsigned                max_level = 0, min_odd = UINT32_MAX;
    for (size_t i = 0; i < p->n_items; i++) {
        const struct text_item *it = &p->items[i];
        size_t                  s = it->start > start ? it->start : start;
        size_t                  e = it->start + it->len < end ? it->start + it->len : end;
        if (s >= e)
            continue;
        size_t lo, hi;
        glyph_range(it, s, e, &lo, &hi);
        struct lrun *r = PUSH(c->a, out->runs, out->n_runs, out->cap);
        r->font = it->font;
        r->style = it->style;
        r->level = it->level;
        r->text = arena_strndup(c->a, p->text + s, e - s);
        r->n_glyphs = lo < hi ? hi - lo : 0;
        struct text_glyph *gl = arena_memdup(c->a, it->glyphs + lo, r->n_glyphs * sizeof *gl);
        int64_t            w = 0;
        for (size_t g = 0; g < r->n_glyphs; g++) {
            gl[g].cluster -= (uint32_t)s;
            gl[g].uni_start = gl[g].uni_len ? gl[g].uni_start - (uint32_t)s : 0;
            w += gl[g].x_advance;
        }
        r->glyphs = gl;
        r->w_pt = pt_of(w, size_pt);
        if (it->level > max_level)
            max_level = it->level;
        if ((it->level & 1) && it->level < min_odd)
            min_odd = it->level;
    }
    for (unsigned lev = max_level; min_odd != UINT32_MAX && lev >= min_odd && lev > 0; lev--) {
        for (size_t i = 0; i < out->n_runs;) {
            if (out->runs[i].level < lev) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < out->n_runs && out->runs[j].level >= lev)
                j++;
            reverse_runs(out->runs, i, j);
            i = j;
        }
    }
    double x = 0;
    for (size_t i = 0; i < out->n_runs; i++) {
        out->runs[i].x_pt = x;
        x += out->runs[i].w_pt;
    }
    out->w_pt = x;
}

/*
 * Appends line b to line a, its runs moved by a's width; where a's last run and b's first are one font and
 * style left to right, they become one run (as if shaped together: the footer's parts).
 */
static void
line_append(struct ctx *c, struct tline *a, const struct tline *b)
{
    for (size_t i = 0; i < b->n_runs; i++) {
        struct lrun  r = b->runs[i];
        struct lrun *last = a->n_runs ? &a->runs[a->n_runs - 1] : NULL;
        r.x_pt += a->w_pt;
        if (i == 0 && last && last->font == r.font && last->style == r.style && !(last->level & 1) &&
            !(r.level & 1)) {
            size_t             len = strlen(last->text);
            struct text_glyph *g = arena_alloc(c->a, (last->n_glyphs + r.n_glyphs) * sizeof *g);
            memcpy(g, last->glyphs, last->n_glyphs * sizeof *g);
            for (size_t k = 0; k < r.n_glyphs; k++) {
                g[last->n_glyphs + k] = r.glyphs[k];
                g[last->n_glyphs + k].cluster += (uint32_t)len;
                g[last->n_glyphs + k].uni_start += (uint32_t)len;
            }
            last->text = arena_printf(c->a, "%s%s", last->text, r.text);
            last->glyphs = g;
            last->n_glyphs += r.n_glyphs;
            last->w_pt += r.w_pt;
            continue;
        }
        *PUSH(c->a, a->runs, a->n_runs, a->cap) = r;
    }
    a->w_pt += b->w_pt;
}

/* A string in one style as one line, however wide. */
static void
line_of(struct ctx *c, const char *s, enum text_style style, double size_pt, struct tline *out)
{
    struct chunk *ch = arena_alloc(c->a, sizeof *ch);
    shape_string(c, s, style, ch);
    make_line(c, ch, 0, ch->p->len, size_pt, out);
}

/* ---- line breaking ---- */

/* The text between two break opportunities. */
struct word {
    size_t start, end;
    double w_pt;
    double space_pt; /* the space before it; 0: none */
};

struct breaker {
    struct ctx         *c;
    double              size_pt, width_pt;
    const struct chunk *ch;
    struct tlines      *out;
    bool                has_content;
    size_t              start, end; /* of the open line */
    double              x_pt;
};

/* True if at least two characters of the same word follow (no break in "E-Mail" or "Ton- und"). */
static bool
two_chars_follow(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < 2 && s[i] != ' ';) {
        int32_t cp;
        i += cp_next(s + i, len - i, &cp);
        n++;
    }
    return n >= 2;
}

/*
 * Splits a chunk into words at its spaces. A hyphen with two characters on either side ends a word too,
 * glued to the next, so "Datenschutz-Grundverordnung" may break after "-".
 */
static size_t
tokenize(struct ctx *c, const struct chunk *ch, double size_pt, struct word **out)
{
    const char  *t = ch->p->text;
    size_t       len = ch->p->len, n = 0, cap = 0;
    struct word *w = NULL;
    double       space_pt = 0;
    for (size_t i = 0; i < len;) {
        if (t[i] == ' ') {
            space_pt = pt_of(ch->adv[i], size_pt);
            i++;
            continue;
        }
        size_t j = i, n_chars = 0;
        while (j < len && t[j] != ' ') {
            int32_t cp;
            j += cp_next(t + j, len - j, &cp);
            n_chars++;
            if (cp == '-' && n_chars >= 3 && ch->is_start[j] && two_chars_follow(t + j, len - j))
                break;
        }
        struct word *wd = PUSH(c->a, w, n, cap);
        wd->start = i;
        wd->end = j;
        wd->w_pt = pt_of(range_units(ch, i, j), size_pt);
        wd->space_pt = space_pt;
        space_pt = 0;
        i = j;
    }
    *out = w;
    return n;
}

static void
end_line(struct breaker *b)
{
    struct tline *tl = PUSH(b->c->a, b->out->v, b->out->n, b->out->cap);
    make_line(b->c, b->ch, b->start, b->end, b->size_pt, tl);
    b->has_content = false;
    b->x_pt = 0;
}

static void
line_put(struct breaker *b, size_t start, size_t end, double w_pt)
{
    if (!b->has_content) {
        b->start = start;
        b->x_pt = 0;
        b->has_content = true;
    }
    b->end = end;
    b->x_pt += w_pt;
}

/*
 * A word wider than the line (a 120-letter surname) is cut between grapheme clusters: each line takes what
 * fits, preferring to end after a hyphen if that keeps at least a third of the line filled.
 */
static void
put_long_word(struct breaker *b, const struct word *w)
{
    const struct chunk *ch = b->ch;
    size_t              p = w->start;
    while (p < w->end) {
        double x_pt = 0, hyphen_x_pt = 0;
        size_t q = p, hyphen = p;
        bool   is_done = true, has_hyphen = false;
        while (q < w->end) {
            size_t k = q + 1;
            while (k < w->end && !ch->is_start[k])
                k++;
            double cw = pt_of(range_units(ch, q, k), b->size_pt);
            if (x_pt > 0 && x_pt + cw > b->width_pt + EPS_PT) {
                is_done = false;
                break;
            }
            x_pt += cw;
            bool is_hyphen = ch->p->text[q] == '-' && k == q + 1;
            q = k;
            if (is_hyphen) {
                hyphen = q;
                hyphen_x_pt = x_pt;
                has_hyphen = true;
            }
        }
        if (!is_done && has_hyphen && hyphen_x_pt >= b->width_pt / 3) {
            q = hyphen;
            x_pt = hyphen_x_pt;
        }
        line_put(b, p, q, x_pt);
        if (!is_done)
            end_line(b);
        p = q;
    }
}

/* Greedy line filling: a word goes on the current line if it fits, else it starts the next one. */
static void
fill_lines(struct breaker *b, const struct word *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct word *w = &words[i];
        double             space_pt = b->has_content ? w->space_pt : 0.0;
        if (b->has_content && b->x_pt + space_pt + w->w_pt <= b->width_pt + EPS_PT) {
            line_put(b, w->start, w->end, space_pt + w->w_pt);
            continue;
        }
        if (b->has_content)
            end_line(b);
        if (w->w_pt <= b->width_pt + EPS_PT)
            line_put(b, w->start, w->end, w->w_pt);
        else
            put_long_word(b, w);
    }
    if (b->has_content)
        end_line(b);
}

/* Breaks shaped text into lines no wider than width_pt; each chunk starts a new line. Appends to out. */
static void
break_shaped(struct ctx *c, const struct shaped *sh, double size_pt, double width_pt, struct tlines *out)
{
    for (size_t i = 0; i < sh->n; i++) {
        struct breaker b = {0};
        b.c = c;
        b.size_pt = size_pt;
        b.width_pt = width_pt;
        b.ch = &sh->v[i];
        b.out = out;
        struct word *words;
        size_t       n = tokenize(c, b.ch, size_pt, &words);
        fill_lines(&b, words, n);
    }
}

void
break_text(struct ctx *c, const struct segs *sg, double size_pt, double width_pt, struct tlines *out)
{
    struct shaped sh;
    shape_segs(c, sg, &sh);
    break_shaped(c, &sh, size_pt, width_pt, out);
}

/* The largest size from max_pt down to MIN_SIZE_PT (steps of SIZE_STEP_PT) at which the text needs no extra
 * line; at the smallest size it wraps. Shaped once: shaping does not depend on the size. */
static double
fit_text(struct ctx *c, const struct segs *sg, double max_pt, double width_pt, struct tlines *out)
{
    size_t        n_allowed = 1 + segs_n_breaks(sg);
    double        size_pt = max_pt;
    struct shaped sh;
    shape_segs(c, sg, &sh);
    for (;;) {
        memset(out, 0, sizeof *out);
        break_shaped(c, &sh, size_pt, width_pt, out);
        if (out->n <= n_allowed || size_pt - SIZE_STEP_PT < MIN_SIZE_PT - EPS_PT)
            return size_pt;
        size_pt -= SIZE_STEP_PT;
    }
}

/* Baseline of text in a line box of height lh_pt, from the box's top: half the leading, then the ascent. */
double
baseline_in(double lh_pt, double size_pt)
{
    return (lh_pt - size_pt) / 2 + ASCENT * size_pt;
}

void
frag_tline(struct ctx *c, struct frag *f, const struct tline *tl, double x_pt, double y_pt, double size_pt,
           double gray)
{
    if (c->is_mirrored) /* the line ends where it would start left to right: right-aligned */
        x_pt = LEFT_PT + RIGHT_PT - x_pt - tl->w_pt;
    for (size_t r = 0; r < tl->n_runs; r++) {
        const struct lrun *run = &tl->runs[r];
        if (!run->n_glyphs)
            continue;
        struct layout_item *it = frag_item(c, f, LAYOUT_ITEM_TEXT, x_pt + run->x_pt, y_pt);
        it->w_pt = run->w_pt;
        it->font = run->font;
        it->style = run->style;
        it->is_rtl = run->level & 1;
        it->size_pt = size_pt;
        it->gray = gray;
        it->text = run->text;
        it->glyphs = run->glyphs;
        it->n_glyphs = run->n_glyphs;
    }
}

/* A string in one style on one line at (x, baseline y). */
void
frag_text(struct ctx *c, struct frag *f, double x_pt, double y_pt, enum text_style style, double size_pt,
          double gray, const char *text)
{
    struct tline tl;
    line_of(c, text, style, size_pt, &tl);
    frag_tline(c, f, &tl, x_pt, y_pt, size_pt, gray);
}

/* Adds one frag per line of the text; returns the unit or NULL if the text is empty. */
static struct unit *
add_text_unit(struct ctx *c, struct flow *fl, enum unit_kind kind, const struct segs *sg, double x_pt,
              double width_pt, double size_pt, double space_before_pt)
{
    struct tlines tl = {0};
    break_text(c, sg, size_pt, width_pt, &tl);
    if (tl.n == 0)
        return NULL;
    double       lh_pt = size_pt * LEADING;
    struct unit *u = flow_add(c, fl, kind, space_before_pt);
    for (size_t i = 0; i < tl.n; i++) {
        struct frag *f = unit_add_frag(c, u, lh_pt);
        frag_tline(c, f, &tl.v[i], x_pt, baseline_in(lh_pt, size_pt), size_pt, 0.0);
    }
    return u;
}

/*
 * Cuts text at a grapheme cluster so that text + "…" + suffix fits width_pt (the class sheet's names, the
 * footer). With is_whole_first, the whole text with "…" is tried first; otherwise at least one cluster goes.
 */
static const char *
cut_to_width(struct ctx *c, enum text_style style, const char *text, const char *suffix, double size_pt,
             double width_pt, bool is_whole_first)
{
    size_t  len = strlen(text), n = 0;
    size_t *ends = arena_alloc(c->a, (len + 1) * sizeof *ends); /* cluster ends, ascending */
    for (size_t i = 0; i < len;) {
        i += utf8_grapheme_len(text + i, len - i);
        ends[n++] = i;
    }
    size_t k = is_whole_first ? n : (n ? n - 1 : 0);
    for (; k > 0; k--) {
        size_t keep = ends[k - 1];
        while (keep > 0 && (text[keep - 1] == ' ' || text[keep - 1] == ','))
            keep--;
        const char *s = arena_printf(c->a, "%.*s…%s", (int)keep, text, suffix);
        if (str_w(c, style, s, size_pt) <= width_pt + EPS_PT)
            return s;
    }
    return arena_printf(c->a, "…%s", suffix);
}

/* The style of a line's logically last character. */
static enum text_style
last_style(const struct tline *tl)
{
    const struct text_para *p = tl->ch->p;
    for (size_t i = 0; i < p->n_items; i++)
        if (tl->end > p->items[i].start && tl->end <= p->items[i].start + p->items[i].len)
            return p->items[i].style;
    return TEXT_STYLE_REGULAR;
}

/* Replaces line tl by its text cut with "…" to width_pt, in the style of its last character. */
static void
cut_line(struct ctx *c, struct tline *tl, double size_pt, double width_pt, bool is_whole_first)
{
    enum text_style style = last_style(tl);
    const char     *text = arena_strndup(c->a, tl->ch->p->text + tl->start, tl->end - tl->start);
    line_of(c, cut_to_width(c, style, text, "", size_pt, width_pt, is_whole_first), style, size_pt, tl);
}

/* ---- blocks ---- */

static void
add_heading(struct ctx *c, struct flow *fl, const struct segs *sg, double size_pt, double space_after_pt)
{
    struct unit *u = add_text_unit(c, fl, UNIT_HEADING, sg, LEFT_PT, TEXT_W_PT, size_pt, LINE_PT);
    if (u)
        u->space_after_pt = space_after_pt;
}

static double
heading_size_pt(unsigned level)
{
    return level <= 1 ? H1_PT : level == 2 ? H2_PT : BODY_PT;
}

static void
add_bullet(struct ctx *c, struct flow *fl, const struct template_block *b, double space_before_pt)
{
    unsigned    level = b->level ? b->level : 1;
    double      indent = (level - 1) * INDENT_PT;
    struct segs sg = {0};
    segs_from_spans(c, &sg, b->spans, b->n_spans, 0);
    struct unit *u = add_text_unit(c, fl, UNIT_FLOW, &sg, LEFT_PT + indent + INDENT_PT,
                                   TEXT_W_PT - indent - INDENT_PT, BODY_PT, space_before_pt);
    if (!u) { /* an empty item still shows its bullet */
        u = flow_add(c, fl, UNIT_FLOW, space_before_pt);
        unit_add_frag(c, u, LINE_PT);
    }
    frag_text(c, &u->frags[0], LEFT_PT + indent, baseline_in(LINE_PT, BODY_PT), TEXT_STYLE_REGULAR, BODY_PT,
              0.0, level % 2 == 0 ? "–" : "•");
}

/* What ticking the box of check-box item b means: a label starting with the word "Ja" or "Nein", or other. */
static enum layout_role
checkbox_role(const struct template_block *b)
{
    const char *s = b->n_spans && b->spans[0].kind == TEMPLATE_SPAN_TEXT ? b->spans[0].text : "";
    while (*s == ' ')
        s++;
    static const struct {
        const char      *word;
        enum layout_role role;
    } words[] = {{"ja", LAYOUT_ROLE_BOX_YES}, {"nein", LAYOUT_ROLE_BOX_NO}};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(words[i].word), k = 0;
        while (k < n && s[k] && (s[k] | 0x20) == words[i].word[k])
            k++;
        char after = s[k];
        bool is_word_end = !((after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
                             (unsigned char)after >= 0x80);
        if (k == n && is_word_end)
            return words[i].role;
    }
    return LAYOUT_ROLE_BOX_OTHER;
}

/* A check box of the body size, centred on the x-height of a text line with the given baseline. */
static void
frag_checkbox(struct ctx *c, struct frag *f, double x_pt, double baseline_pt, bool is_checked,
              enum layout_role role)
{
    double y_pt = baseline_pt - X_HEIGHT * BODY_PT - BOX_PT / 2;
    /* In a translation the box only shows the choice: gray, and no box of a slip. */
    frag_shape(c, f, LAYOUT_ITEM_BOX, x_pt, y_pt, BOX_PT, BOX_PT, BOX_LINE_PT,
               c->is_information ? INFO_BOX_GRAY : 0.0);
    f->items[f->n_items - 1].role = c->is_information ? LAYOUT_ROLE_NONE : role;
    if (is_checked) {
        double in_pt = BOX_PT * BOX_TICK_INSET, d_pt = BOX_PT - 2 * in_pt;
        frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt + in_pt, y_pt + in_pt, d_pt, d_pt, BOX_TICK_LINE_PT, 0.0);
        frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt + in_pt, y_pt + BOX_PT - in_pt, d_pt, -d_pt, BOX_TICK_LINE_PT,
                   0.0);
    }
}

/*
 * Check boxes of one list: short labels ("Ja", "Nein") share one row BOX_ROW_GAP_PT apart, as on
 * the paper form; otherwise one per line with the label's lines hanging beside the box. Never split.
 */
static void
add_checkboxes(struct ctx *c, struct flow *fl, const struct template_doc *doc, size_t first, size_t end,
               double space_before_pt)
{
    size_t         n = end - first;
    struct tlines *labels = arena_alloc(c->a, n * sizeof *labels);
    unsigned       level = template_block(doc, first)->level;
    double         indent = level > 1 ? (level - 1) * INDENT_PT : 0.0;
    double         text_x = indent + BOX_PT + BOX_GAP_PT;
    double         base = baseline_in(LINE_PT, BODY_PT);

    bool   is_row = true;
    double total_w = 0;
    for (size_t i = 0; i < n; i++) {
        const struct template_block *b = template_block(doc, first + i);
        struct segs                  sg = {0};
        segs_from_spans(c, &sg, b->spans, b->n_spans, 0);
        break_text(c, &sg, BODY_PT, TEXT_W_PT - text_x, &labels[i]);
        double w_pt = labels[i].n ? labels[i].v[0].w_pt : 0.0;
        if (labels[i].n > 1 || w_pt > BOX_ROW_MAX_LABEL_PT)
            is_row = false;
        total_w += (i ? BOX_ROW_GAP_PT : 0.0) + BOX_PT + BOX_GAP_PT + w_pt;
    }
    if (indent + total_w > TEXT_W_PT)
        is_row = false;

    struct unit *u = flow_add(c, fl, UNIT_KEEP, space_before_pt);
    if (is_row) {
        struct frag *f = unit_add_frag(c, u, LINE_PT);
        double       x = LEFT_PT + indent;
        for (size_t i = 0; i < n; i++) {
            frag_checkbox(c, f, x, base, template_block(doc, first + i)->is_checked,
                          checkbox_role(template_block(doc, first + i)));
            if (labels[i].n)
                frag_tline(c, f, &labels[i].v[0], x + BOX_PT + BOX_GAP_PT, base, BODY_PT, 0.0);
            x += BOX_PT + BOX_GAP_PT + (labels[i].n ? labels[i].v[0].w_pt : 0.0) + BOX_ROW_GAP_PT;
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t n_lines = labels[i].n ? labels[i].n : 1;
        for (size_t k = 0; k < n_lines; k++) {
            struct frag *f = unit_add_frag(c, u, LINE_PT);
            if (k == 0)
                frag_checkbox(c, f, LEFT_PT + indent, base, template_block(doc, first + i)->is_checked,
                              checkbox_role(template_block(doc, first + i)));
            if (k < labels[i].n)
                frag_tline(c, f, &labels[i].v[k], LEFT_PT + text_x, base, BODY_PT, 0.0);
        }
        if (i + 1 < n)
            u->frags[u->n_frags - 1].h_pt += CHECKBOX_ITEM_SPACE * LINE_PT;
    }
}

static void
add_rule(struct ctx *c, struct flow *fl)
{
    struct unit *u = flow_add(c, fl, UNIT_KEEP, RULE_SPACE * LINE_PT);
    struct frag *f = unit_add_frag(c, u, RULE_H_PT);
    frag_shape(c, f, LAYOUT_ITEM_LINE, LEFT_PT, RULE_H_PT / 2, TEXT_W_PT, 0.0, HAIRLINE_PT, RULE_GRAY);
}

/* A caption under a rule: 8 pt gray, wrapped to the field; returns the number of lines. */
static size_t
frag_caption(struct ctx *c, struct frag *f, const char *caption, double x_pt, double w_pt, double rule_y_pt)
{
    struct segs   sg = {0};
    struct tlines tl = {0};
    segs_add(c, &sg, caption, TEXT_STYLE_REGULAR);
    break_text(c, &sg, CAPTION_PT, w_pt, &tl);
    for (size_t k = 0; k < tl.n; k++)
        frag_tline(c, f, &tl.v[k], x_pt,
                   rule_y_pt + CAPTION_PT + CAPTION_DROP_PT + k * CAPTION_PT * CAPTION_LEADING, CAPTION_PT,
                   CAPTION_GRAY);
    return tl.n;
}

static double
caption_h_pt(size_t n_lines)
{
    return CAPTION_PT + CAPTION_PAD_PT + (n_lines > 1 ? (n_lines - 1) * CAPTION_PT * CAPTION_LEADING : 0.0);
}

/*
 * Pupil block: a gray hairline and the title PUPIL_BLOCK_TITLE open it, so that it reads as one block about
 * the child and not as a stray field under the signatures (where the school's paper form has it). Then each
 * row's fields side by side in equal widths, PUPIL_FIELD_GAP_PT apart; the value (prefilled) sits
 * VALUE_LIFT_PT above a thin rule, clear of descenders, with the caption below. A value too wide shrinks to 8
 * pt, then wraps in its field (up to MAX_VALUE_LINES lines).
 */
static void
add_pupil_block(struct ctx *c, struct flow *fl, const struct template_block *b, const char *title)
{
    struct unit *u = flow_add(c, fl, UNIT_KEEP, PUPIL_SPACE * LINE_PT);
    struct frag *head = unit_add_frag(c, u, PUPIL_HEAD_PT + PUPIL_TITLE_PT * LEADING);
    frag_shape(c, head, LAYOUT_ITEM_LINE, LEFT_PT, 0.0, TEXT_W_PT, 0.0, HAIRLINE_PT, PUPIL_RULE_GRAY);
    frag_text(c, head, LEFT_PT, PUPIL_TITLE_TOP_PT + ASCENT * PUPIL_TITLE_PT, TEXT_STYLE_BOLD, PUPIL_TITLE_PT,
              0.0, title ? title : PUPIL_BLOCK_TITLE);
    for (size_t r = 0; r < b->n_rows; r++) {
        const struct template_row *row = &b->rows[r];
        size_t                     n = row->n_fields;
        if (n == 0)
            continue;
        double         gap_pt = PUPIL_FIELD_GAP_PT;
        double         w_pt = (TEXT_W_PT - (n - 1) * gap_pt) / n;
        struct tlines *values = arena_alloc(c->a, n * sizeof *values);
        double        *sizes = arena_alloc(c->a, n * sizeof *sizes);
        double         rule_y = VALUE_DEPTH * BODY_PT; /* top to the last baseline, at least one body line */
        for (size_t i = 0; i < n; i++) {
            struct segs sg = {0};
            segs_from_spans(c, &sg, row->fields[i].value, row->fields[i].n_value, 0);
            sizes[i] = fit_text(c, &sg, BODY_PT, w_pt, &values[i]);
            if (values[i].n > MAX_VALUE_LINES) {
                /* Only absurd data gets here; the row must still fit on a page, so the rest is cut. */
                values[i].n = MAX_VALUE_LINES;
                cut_line(c, &values[i].v[MAX_VALUE_LINES - 1], sizes[i], w_pt, false);
            }
            double h_pt =
                VALUE_DEPTH * sizes[i] + (values[i].n > 1 ? (values[i].n - 1) * sizes[i] * LEADING : 0.0);
            if (h_pt > rule_y)
                rule_y = h_pt;
        }
        rule_y += VALUE_LIFT_PT;
        struct frag *f = unit_add_frag(c, u, 0.0);
        size_t       n_cap = 1;
        for (size_t i = 0; i < n; i++) {
            double x_pt = LEFT_PT + i * (w_pt + gap_pt);
            double lh = sizes[i] * LEADING;
            for (size_t k = 0; k < values[i].n; k++)
                frag_tline(c, f, &values[i].v[k], x_pt, rule_y - VALUE_LIFT_PT - (values[i].n - 1 - k) * lh,
                           sizes[i], 0.0);
            frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt, rule_y, w_pt, 0.0, HAIRLINE_PT, 0.0);
            size_t k = frag_caption(c, f, row->fields[i].caption, x_pt, w_pt, rule_y);
            if (k > n_cap)
                n_cap = k;
        }
        f->h_pt = rule_y + caption_h_pt(n_cap) + (r + 1 < b->n_rows ? PUPIL_ROW_GAP_PT : 0.0);
    }
    if (u->n_frags == 1) /* no field at all: no title alone either */
        fl->n--;
}

static bool
row_applies(const struct template_row *row, const struct layout_form_params *pr)
{
    switch (row->audience) {
    case TEMPLATE_ROW_GUARDIAN:
        return pr->is_age_unknown ? pr->guardian_signs_without_age : pr->pupil_age < pr->adult_age;
    case TEMPLATE_ROW_PUPIL:
        return pr->is_age_unknown ? pr->pupil_signs_without_age
                                  : pr->pupil_age >= pr->pupil_signature_from_age;
    case TEMPLATE_ROW_ALWAYS:
        return true;
    }
    return true;
}

/*
 * Signature block: a rule with SIGN_WRITING_PT of writing space above it and the caption below; in a row of
 * two fields the first ("Ort, Datum") takes SIGN_FIRST_SHARE of the width. Rows are chosen by the pupil's
 * age.
 */
static void
add_signature_block(struct ctx *c, struct flow *fl, const struct template_block *b,
                    const struct layout_form_params *pr)
{
    struct unit *u = flow_add(c, fl, UNIT_KEEP, LINE_PT);
    /* A translation's block only says what the German one asks for: captions, no lines to sign on. */
    double gap_pt = SIGN_FIELD_GAP_PT, rule_y = c->is_information ? INFO_CAPTION_TOP_PT : SIGN_WRITING_PT;
    for (size_t r = 0; r < b->n_rows; r++) {
        const struct template_row *row = &b->rows[r];
        size_t                     n = row->n_fields;
        if (n == 0 || !row_applies(row, pr))
            continue;
        struct frag *f = unit_add_frag(c, u, 0.0);
        size_t       n_cap = 1;
        double       x_pt = LEFT_PT;
        for (size_t i = 0; i < n; i++) {
            double w_pt = (TEXT_W_PT - (n - 1) * gap_pt) / n;
            if (n == 2)
                w_pt =
                    i == 0 ? SIGN_FIRST_SHARE * TEXT_W_PT : TEXT_W_PT - SIGN_FIRST_SHARE * TEXT_W_PT - gap_pt;
            if (!c->is_information)
                frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt, rule_y, w_pt, 0.0, HAIRLINE_PT, 0.0);
            /* The last field of a row is the signature; those before it ("Ort, Datum") are not. */
            if (i + 1 == n && !c->is_information)
                f->items[f->n_items - 1].role = row->audience == TEMPLATE_ROW_GUARDIAN
                                                    ? LAYOUT_ROLE_SIGN_GUARDIAN
                                                : row->audience == TEMPLATE_ROW_PUPIL ? LAYOUT_ROLE_SIGN_PUPIL
                                                                                      : LAYOUT_ROLE_SIGN_ANY;
            size_t k = frag_caption(c, f, row->fields[i].caption, x_pt, w_pt, rule_y);
            if (k > n_cap)
                n_cap = k;
            x_pt += w_pt + gap_pt;
        }
        f->h_pt = rule_y + caption_h_pt(n_cap) + SIGN_ROW_GAP_PT;
    }
    if (u->n_frags == 0)
        fl->n--;
}

/* A heading's space below replaces the space above of what follows it. */
void
apply_heading_space(struct flow *fl)
{
    for (size_t i = 1; i < fl->n; i++)
        if (fl->v[i - 1].kind == UNIT_HEADING)
            fl->v[i].space_before_pt = fl->v[i - 1].space_after_pt;
}

static void
build_form_flow(struct ctx *c, const struct template_doc *doc, const struct layout_form_params *pr,
                struct flow *fl)
{
    size_t n = template_n_blocks(doc), i = 0;

    /*
     * The form title: a leading "# ..." is the title as written (with its styles and values); else the
     * front matter's title; else template_title's default, unless that was taken from a later heading,
     * which then prints in its place and is not repeated at the top.
     */
    struct segs                       title = {0};
    const struct template_block      *b0 = n ? template_block(doc, 0) : NULL;
    const struct config_front_matter *fm = template_front_matter(doc);
    bool                              has_head = false;
    for (size_t k = 0; k < n; k++)
        has_head |= template_block(doc, k)->kind == TEMPLATE_BLOCK_HEADING;
    if (b0 && b0->kind == TEMPLATE_BLOCK_HEADING && b0->level <= 1) {
        segs_from_spans(c, &title, b0->spans, b0->n_spans, TEMPLATE_STYLE_BOLD);
        i = 1;
    } else if ((fm && fm->title && *fm->title) || !has_head) {
        segs_add(c, &title, template_title(doc), TEXT_STYLE_BOLD);
    }
    add_heading(c, fl, &title, TITLE_PT, TITLE_SPACE_AFTER * LINE_PT);
    /* The slip block ends the information part: the slip is laid out on its own (layout_slip.c). A
     * translation has no slip, even if its text has the block: what follows it is printed as the rest. */
    size_t end = i;
    while (end < n && (c->is_information || template_block(doc, end)->kind != TEMPLATE_BLOCK_SLIP))
        end++;
    build_blocks(c, doc, i, end, pr, fl);
    apply_heading_space(fl);
}

void
build_blocks(struct ctx *c, const struct template_doc *doc, size_t from, size_t n,
             const struct layout_form_params *pr, struct flow *fl)
{
    size_t                       i = from;
    const struct template_block *prev = NULL;
    while (i < n) {
        const struct template_block *b = template_block(doc, i);
        struct segs                  sg = {0};
        bool                         in_list = prev &&
                       (prev->kind == TEMPLATE_BLOCK_BULLET || prev->kind == TEMPLATE_BLOCK_CHECKBOX) &&
                       prev->group == b->group;
        switch (b->kind) {
        case TEMPLATE_BLOCK_HEADING:
            segs_from_spans(c, &sg, b->spans, b->n_spans, TEMPLATE_STYLE_BOLD);
            add_heading(c, fl, &sg, heading_size_pt(b->level), HEADING_SPACE_AFTER * LINE_PT);
            break;
        case TEMPLATE_BLOCK_PARAGRAPH: {
            /* Text after a form block (the return note) stands apart from the last caption. */
            bool after_form =
                prev && (prev->kind == TEMPLATE_BLOCK_PUPIL || prev->kind == TEMPLATE_BLOCK_SIGNATURE);
            segs_from_spans(c, &sg, b->spans, b->n_spans, 0);
            add_text_unit(c, fl, UNIT_FLOW, &sg, LEFT_PT, TEXT_W_PT, BODY_PT,
                          (after_form ? PARA_AFTER_FORM_SPACE : PARA_SPACE) * LINE_PT);
            break;
        }
        case TEMPLATE_BLOCK_BULLET:
            add_bullet(c, fl, b, (in_list ? LIST_ITEM_SPACE : PARA_SPACE) * LINE_PT);
            break;
        case TEMPLATE_BLOCK_CHECKBOX: {
            size_t end = i + 1;
            while (end < n && template_block(doc, end)->kind == TEMPLATE_BLOCK_CHECKBOX &&
                   template_block(doc, end)->group == b->group)
                end++;
            size_t n_before = fl->n;
            add_checkboxes(c, fl, doc, i, end, (in_list ? CHECKBOX_ITEM_SPACE : CHECKBOX_SPACE) * LINE_PT);
            /* The question ("... willige ich ein:") stays on the page of its answers, if it is short. */
            struct unit *q = n_before ? &fl->v[n_before - 1] : NULL;
            if (prev && prev->kind == TEMPLATE_BLOCK_PARAGRAPH && q && q->kind == UNIT_FLOW &&
                q->n_frags <= 3) {
                q->kind = UNIT_HEADING;
                q->space_after_pt = fl->v[n_before].space_before_pt;
            }
            prev = template_block(doc, end - 1);
            i = end;
            continue;
        }
        case TEMPLATE_BLOCK_RULE:
            add_rule(c, fl);
            break;
        case TEMPLATE_BLOCK_PUPIL:
            add_pupil_block(c, fl, b, pr->pupil_block_title);
            break;
        case TEMPLATE_BLOCK_SIGNATURE:
            add_signature_block(c, fl, b, pr);
            break;
        case TEMPLATE_BLOCK_SLIP: /* a second one, reported by template: nothing to print */
            if (c->is_information) { /* a translation's: its return note is a paragraph */
                segs_from_spans(c, &sg, b->spans, b->n_spans, 0);
                add_text_unit(c, fl, UNIT_FLOW, &sg, LEFT_PT, TEXT_W_PT, BODY_PT, PARA_SPACE * LINE_PT);
            }
            break;
        }
        prev = b;
        i++;
    }
}

/* ---- page furniture ---- */

/* Letterhead of page 1 in page coordinates, with the form's date (NULL: none); returns where the body may
 * start. */
static double
build_letterhead(struct ctx *c, const struct layout_page_setup *setup, const char *date, struct frag *f)
{
    double text_w_pt = TEXT_W_PT;
    if (setup->logo_aspect > 0) {
        double w_pt = LOGO_W_PT, h_pt = LOGO_W_PT / setup->logo_aspect;
        if (h_pt > LOGO_H_PT) {
            h_pt = LOGO_H_PT;
            w_pt = LOGO_H_PT * setup->logo_aspect;
        }
        frag_shape(c, f, LAYOUT_ITEM_LOGO, RIGHT_PT - w_pt, LOGO_TOP_PT, w_pt, h_pt, 0.0, 0.0);
        text_w_pt -= LOGO_W_PT + LOGO_GAP_PT;
    }
    double bottom_pt = 0;
    if (setup->school) {
        double        y_pt = SCHOOL_TOP_PT + SCHOOL_CAP_HEIGHT * SCHOOL_PT;
        struct segs   sg = {0};
        struct tlines tl = {0};
        segs_add(c, &sg, setup->school->name, TEXT_STYLE_BOLD);
        break_text(c, &sg, SCHOOL_PT, text_w_pt, &tl);
        for (size_t k = 0; k < tl.n; k++, y_pt += SCHOOL_PT * SCHOOL_LEADING)
            frag_tline(c, f, &tl.v[k], LEFT_PT, y_pt, SCHOOL_PT, 0.0);
        if (setup->school->address && *setup->school->address) {
            /* A multi-line address from YAML keeps its lines. */
            struct segs addr = {0};
            const char *s = setup->school->address;
            while (*s) {
                const char *nl = strchr(s, '\n');
                size_t      n = nl ? (size_t)(nl - s) : strlen(s);
                if (n) {
                    segs_add(c, &addr, arena_strndup(c->a, s, n), TEXT_STYLE_REGULAR);
                    segs_add_break(c, &addr);
                }
                s += n + (nl != NULL);
            }
            memset(&tl, 0, sizeof tl);
            break_text(c, &addr, ADDRESS_PT, text_w_pt, &tl);
            /* The address's baseline one name size under the name's. */
            y_pt += SCHOOL_PT - SCHOOL_PT * SCHOOL_LEADING;
            for (size_t k = 0; k < tl.n; k++, y_pt += ADDRESS_PT * LEADING)
                frag_tline(c, f, &tl.v[k], LEFT_PT, y_pt, ADDRESS_PT, ADDRESS_GRAY);
        }
        bottom_pt = y_pt;
    }
    /* The date right-aligned above the rule, as a letter has it (DIN 5008), under the logo. */
    double date_y_pt = bottom_pt < ZONE_TEXT_MAX_PT ? ZONE_TEXT_MAX_PT : bottom_pt + ADDRESS_PT * LEADING;
    if (date && *date)
        frag_text(c, f, RIGHT_PT - str_w(c, TEXT_STYLE_REGULAR, date, ADDRESS_PT), date_y_pt,
                  TEXT_STYLE_REGULAR, ADDRESS_PT, ADDRESS_GRAY, date);
    if (bottom_pt < ZONE_TEXT_MAX_PT) {
        frag_shape(c, f, LAYOUT_ITEM_LINE, LEFT_PT, ZONE_RULE_Y_PT, TEXT_W_PT, 0.0, HAIRLINE_PT,
                   PUPIL_RULE_GRAY);
        return FIRST_TOP_PT;
    }
    /* A very long name or address: no rule, the body moves down. */
    return (date && *date ? date_y_pt : bottom_pt) + ZONE_GAP_PT;
}

/* Fold marks at 105 and 210 mm and the hole mark at 148.5 mm, at the left paper edge. */
static void
build_marks(struct ctx *c, struct frag *f)
{
    frag_shape(c, f, LAYOUT_ITEM_LINE, MARK_X_PT, 105.0 * MM, FOLD_MARK_PT, 0.0, MARK_LINE_PT, MARK_GRAY);
    frag_shape(c, f, LAYOUT_ITEM_LINE, MARK_X_PT, 148.5 * MM, HOLE_MARK_PT, 0.0, MARK_LINE_PT, MARK_GRAY);
    frag_shape(c, f, LAYOUT_ITEM_LINE, MARK_X_PT, 210.0 * MM, FOLD_MARK_PT, 0.0, MARK_LINE_PT, MARK_GRAY);
}

/* ---- pagination ---- */

struct pager {
    struct ctx        *c;
    struct layout_doc *out;
    const struct frag *letterhead;
    double             first_top_pt;
    const struct frag *marks; /* NULL: none */
    bool               marks_on_fronts_only;
    const struct frag *repeat; /* class sheet: table header for every further page */
    double             y_pt;
    bool               at_top; /* nothing placed yet on this page: space above is dropped */
};

static struct layout_page *
doc_add_page(struct arena *a, struct layout_doc *d)
{
    return PUSH(a, d->pages, d->n_pages, d->cap);
}

static void
page_copy(struct arena *a, struct layout_page *pg, const struct frag *f, double dy_pt)
{
    for (size_t i = 0; i < f->n_items; i++) {
        struct layout_item *it = PUSH(a, pg->items, pg->n_items, pg->cap);
        *it = f->items[i];
        it->y_pt += dy_pt;
    }
}

static void
place(struct pager *p, const struct frag *f)
{
    page_copy(p->c->a, &p->out->pages[p->out->n_pages - 1], f, p->y_pt);
    p->y_pt += f->h_pt;
    p->at_top = false;
}

static void
new_page(struct pager *p)
{
    struct layout_page *pg = doc_add_page(p->c->a, p->out);
    p->y_pt = TOP_PT;
    if (p->out->n_pages == 1) {
        page_copy(p->c->a, pg, p->letterhead, 0.0);
        p->y_pt = p->first_top_pt;
    }
    if (p->marks && (!p->marks_on_fronts_only || p->out->n_pages % 2 == 1))
        page_copy(p->c->a, pg, p->marks, 0.0);
    if (p->repeat)
        place(p, p->repeat);
    p->at_top = true;
}

static bool
fits(const struct pager *p, double h_pt)
{
    return p->y_pt + h_pt <= BOTTOM_PT + EPS_PT;
}

/*
 * Height that must fit on the page for each unit to start there. A heading counts what it is kept with, so
 * a run of headings chains: computed back to front, once, as a recursion would be quadratic and deep.
 */
static double *
min_start_heights(struct arena *a, const struct flow *fl)
{
    double *h = arena_alloc(a, (fl->n ? fl->n : 1) * sizeof *h);
    for (size_t i = fl->n; i-- > 0;) {
        const struct unit *u = &fl->v[i];
        size_t             n = u->n_frags;
        size_t             k_n = u->kind == UNIT_FLOW && n > 3 ? 2 : n; /* 2-3 lines move whole */
        for (size_t k = 0; k < k_n; k++)
            h[i] += u->frags[k].h_pt;
        if (u->kind == UNIT_HEADING && i + 1 < fl->n)
            h[i] += fl->v[i + 1].space_before_pt + h[i + 1];
    }
    return h;
}

/* Lines of a paragraph: never one alone at the bottom or the top of a page. */
static void
place_flow(struct pager *p, const struct unit *u)
{
    size_t i = 0, n = u->n_frags;
    while (i < n) {
        size_t fit = 0;
        double h = 0;
        while (i + fit < n && fits(p, h + u->frags[i + fit].h_pt))
            h += u->frags[i + fit++].h_pt;
        size_t rem = n - i, k = fit;
        if (fit < rem) {
            if (rem <= 3)
                k = 0;
            else {
                if (rem - k < 2)
                    k = rem - 2;
                if (k < 2)
                    k = 0;
            }
            if (k == 0 && p->at_top) /* the page cannot hold more: break anyway, never loop */
                k = fit ? fit : 1;
        }
        for (size_t j = 0; j < k; j++)
            place(p, &u->frags[i + j]);
        i += k;
        if (i < n)
            new_page(p);
    }
}

static void
paginate(struct pager *p, const struct flow *fl)
{
    const double *start_h = min_start_heights(p->c->a, fl);
    for (size_t i = 0; i < fl->n; i++) {
        const struct unit *u = &fl->v[i];
        double             gap = p->at_top ? 0.0 : u->space_before_pt;
        if (!p->at_top && !fits(p, gap + start_h[i])) {
            new_page(p);
            gap = 0;
        }
        p->y_pt += gap;
        if (u->kind == UNIT_FLOW) {
            place_flow(p, u);
        } else {
            for (size_t k = 0; k < u->n_frags; k++) {
                if (!p->at_top && !fits(p, u->frags[k].h_pt)) /* only a unit taller than a page */
                    new_page(p);
                place(p, &u->frags[k]);
            }
        }
        if (u->is_table_header && u->n_frags)
            p->repeat = &u->frags[0];
    }
}

/*
 * "<prefix> · Seite X von Y" at every printed page's foot; a long prefix shrinks to FOOTER_MIN_PT, then its
 * name part is cut with "…". The prefix's last part ("Klasse 7b") and the page count are never cut: the
 * secretary sorts loose sheets by them.
 */
static void
add_footers(struct ctx *c, struct layout_doc *d, const char *prefix)
{
    prefix = prefix ? prefix : "";
    const char *last_sep = NULL;
    for (const char *s = strstr(prefix, " · "); s; s = strstr(s + 1, " · "))
        last_sep = s;
    size_t head_len = last_sep ? (size_t)(last_sep - prefix) : strlen(prefix);
    for (size_t i = 0; i < d->n_pages; i++) {
        struct layout_page *pg = &d->pages[i];
        if (pg->is_blank)
            continue;
        /* The prefix is the same on every page, the page count on every form: shaped apart, each is shaped
         * once (the prefix) or once per run (the page count). */
        const char *pages = arena_printf(c->a, "Seite %zu von %zu", i + 1, d->n_pages);
        const char *head = *prefix ? arena_printf(c->a, "%s · ", prefix) : "";
        double      size = FOOTER_PT;
        double      w_em = str_w(c, TEXT_STYLE_REGULAR, head, 1.0) + str_w(c, TEXT_STYLE_REGULAR, pages, 1.0);
        while (size > FOOTER_MIN_PT && w_em * size > TEXT_W_PT + EPS_PT)
            size -= SIZE_STEP_PT;
        struct tline line, tail;
        if (w_em * size > TEXT_W_PT + EPS_PT) {
            line_of(c,
                    cut_to_width(c, TEXT_STYLE_REGULAR, arena_strndup(c->a, prefix, head_len),
                                 arena_printf(c->a, "%s · %s", prefix + head_len, pages), size, TEXT_W_PT,
                                 false),
                    TEXT_STYLE_REGULAR, size, &line);
        } else {
            line_of(c, head, TEXT_STYLE_REGULAR, size, &line);
            line_of(c, pages, TEXT_STYLE_REGULAR, size, &tail);
            line_append(c, &line, &tail);
        }
        /* Straight onto the page: a footer is never moved. */
        struct frag f = {pg->items, pg->n_items, pg->cap, 0.0};
        frag_tline(c, &f, &line, LEFT_PT, FOOTER_Y_PT, size, FOOTER_GRAY);
        pg->items = f.items;
        pg->n_items = f.n_items;
        pg->cap = f.cap;
    }
}

/*
 * The slip goes to the foot of the last page, its content ending where the body does; if it does not fit
 * below what is there, to the foot of a new page. It is never split.
 */
static void
place_slip(struct pager *p, const struct slip *slip)
{
    double top_pt = BOTTOM_PT - slip->frag.h_pt;
    if (top_pt < TOP_PT) /* taller than a page: only an absurd template */
        top_pt = TOP_PT;
    if (!p->at_top && p->y_pt + SLIP_MIN_GAP_PT > top_pt + EPS_PT)
        new_page(p);
    if (p->y_pt > top_pt)
        top_pt = p->y_pt;
    p->y_pt = top_pt;
    place(p, &slip->frag);
    p->out->has_slip = true;
    slip_place(slip, p->out->n_pages - 1, top_pt, &p->out->slip);
}

static void
run_pages(struct ctx *c, const struct layout_page_setup *setup, const struct flow *fl,
          const struct slip *slip, const char *date, const char *footer, struct layout_doc *out)
{
    struct frag  letterhead = {0}, marks = {0};
    struct pager p = {0};
    p.c = c;
    p.out = out;
    p.letterhead = &letterhead;
    p.first_top_pt = build_letterhead(c, setup, date, &letterhead);
    if (setup->marks) {
        build_marks(c, &marks);
        p.marks = &marks;
        p.marks_on_fronts_only = setup->is_duplex;
    }
    new_page(&p);
    paginate(&p, fl);
    if (slip)
        place_slip(&p, slip);
    add_footers(c, out, footer);
}

void
layout_form(const struct template_doc *doc, const struct layout_values *values,
            const struct layout_form_params *params, const struct text_shaper *sh, struct arena *a,
            struct layout_doc *out)
{
    memset(out, 0, sizeof *out);
    struct ctx c = {.sh = sh, .a = a, .values = values};
    buf_init(&c.text);
    struct flow fl = {0};
    /* The body in the page's direction; letterhead, slip and footer are German and stay as they are. */
    c.dir = params->direction;
    c.is_mirrored = params->direction != TEXT_DIR_LTR;
    c.is_information = params->is_information;
    build_form_flow(&c, doc, params, &fl);
    c.dir = TEXT_DIR_LTR;
    c.is_mirrored = false;
    c.is_information = false;
    size_t slip_at = 0, n = template_n_blocks(doc);
    while (slip_at < n && template_block(doc, slip_at)->kind != TEMPLATE_BLOCK_SLIP)
        slip_at++;
    if (params->is_information)
        slip_at = n;
    struct slip slip;
    if (slip_at < n)
        slip_build(&c, doc, slip_at, params, &slip);
    run_pages(&c, &params->setup, &fl, slip_at < n ? &slip : NULL, params->form_date, params->footer, out);
    if (sh->release)
        sh->release(sh->ctx);
    buf_fini(&c.text);
}

/* ---- class sheet ---- */

#define ROW_H_PT (7.5 * MM)
#define NR_W_PT (12.0 * MM)
#define MARK_W_PT (18.0 * MM)
#define LANG_W_PT (24.0 * MM) /* the language column, only when a pupil of the class gets a translation */
#define NAME_W_PT ((TEXT_W_PT - NR_W_PT - 3 * MARK_W_PT - c->sheet_lang_w_pt) / 2)
#define MARKS_X_PT (LEFT_PT + NR_W_PT + 2 * NAME_W_PT + c->sheet_lang_w_pt) /* the "zurück" column */
#define SHEET_MIN_PT 9.0 /* a name shrinks no further before it wraps: a list is read at a glance */
#define SHEET_MAX_LINES 4
#define SHEET_LEADING 1.15
#define SHEET_HEAD_PT 9.5
#define SHEET_CELL_PAD_PT (1.0 * MM) /* "Nr." and the numbers from the left edge */
#define SHEET_ROW_PAD_PT (2.0 * MM)  /* a tall row's space above and below its lines */
#define SHEET_HEAD_LINE_PT 0.6
#define SHEET_ROW_LINE_PT 0.3
#define SHEET_ROW_GRAY 0.5

/*
 * A name cell's lines: the name shrinks to SHEET_MIN_PT on one line, then wraps at that size (after hyphens,
 * between code points if it must) into at most SHEET_MAX_LINES lines; only beyond that is it cut with "…".
 * The teacher ticks names off by reading them, so a name stays whole where it can.
 */
static double
sheet_name_lines(struct ctx *c, const char *name, struct tlines *tl)
{
    double        width_pt = NAME_W_PT - SHEET_ROW_PAD_PT, size = BODY_PT;
    struct segs   sg = {0};
    struct shaped sh;
    name = name ? name : "";
    segs_add(c, &sg, name, TEXT_STYLE_REGULAR);
    shape_segs(c, &sg, &sh);
    int64_t w = sh.n ? range_units(&sh.v[0], 0, sh.v[0].p->len) : 0;
    while (size > SHEET_MIN_PT && pt_of(w, size) > width_pt + EPS_PT)
        size -= SIZE_STEP_PT;
    memset(tl, 0, sizeof *tl);
    break_shaped(c, &sh, size, width_pt, tl);
    if (tl->n > SHEET_MAX_LINES) {
        tl->n = SHEET_MAX_LINES;
        cut_line(c, &tl->v[SHEET_MAX_LINES - 1], size, width_pt, true);
    }
    return size;
}

/* Height of a row whose tallest cell has n_lines lines at size_pt; one-line rows are ROW_H_PT. */
static double
sheet_row_h(size_t n_lines, double size_pt)
{
    double h_pt = n_lines * size_pt * SHEET_LEADING + SHEET_ROW_PAD_PT;
    return h_pt > ROW_H_PT ? h_pt : ROW_H_PT;
}

/* A cell's lines, centred as a block on the row's middle. */
static void
sheet_cell(struct ctx *c, struct frag *f, const struct tlines *tl, double size_pt, double x_pt,
           double row_h_pt)
{
    double lh_pt = size_pt * SHEET_LEADING;
    double y_pt = row_h_pt / 2 - (tl->n - 1) * lh_pt / 2 + X_HEIGHT * size_pt;
    for (size_t k = 0; k < tl->n; k++, y_pt += lh_pt)
        frag_tline(c, f, &tl->v[k], x_pt, y_pt, size_pt, 0.0);
}

static void
sheet_header(struct ctx *c, struct frag *f)
{
    static const char *const marks[] = {"zurück", "Ja", "Nein"};
    double                   base = ROW_H_PT / 2 + X_HEIGHT * SHEET_HEAD_PT;
    frag_text(c, f, LEFT_PT + SHEET_CELL_PAD_PT, base, TEXT_STYLE_BOLD, SHEET_HEAD_PT, 0.0, "Nr.");
    frag_text(c, f, LEFT_PT + NR_W_PT, base, TEXT_STYLE_BOLD, SHEET_HEAD_PT, 0.0, "Nachname");
    frag_text(c, f, LEFT_PT + NR_W_PT + NAME_W_PT, base, TEXT_STYLE_BOLD, SHEET_HEAD_PT, 0.0, "Vorname");
    if (c->sheet_lang_w_pt > 0)
        frag_text(c, f, LEFT_PT + NR_W_PT + 2 * NAME_W_PT, base, TEXT_STYLE_BOLD, SHEET_HEAD_PT, 0.0,
                  "Übersetzung");
    for (size_t k = 0; k < 3; k++) {
        double col = MARKS_X_PT + k * MARK_W_PT;
        double w = str_w(c, TEXT_STYLE_BOLD, marks[k], SHEET_HEAD_PT);
        frag_text(c, f, col + (MARK_W_PT - w) / 2, base, TEXT_STYLE_BOLD, SHEET_HEAD_PT, 0.0, marks[k]);
    }
    frag_shape(c, f, LAYOUT_ITEM_LINE, LEFT_PT, ROW_H_PT, TEXT_W_PT, 0.0, SHEET_HEAD_LINE_PT, 0.0);
}

/* A tick (check mark) in the box at (x, y), as a teacher would make it. */
static void
frag_tick(struct ctx *c, struct frag *f, double x_pt, double y_pt)
{
    double s = BOX_PT;
    frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt + 0.18 * s, y_pt + 0.52 * s, 0.22 * s, 0.26 * s, 0.9, 0.0);
    frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt + 0.40 * s, y_pt + 0.78 * s, 0.45 * s, -0.62 * s, 0.9, 0.0);
}

/* One pupil's row; a wrapped name makes the whole row taller, the boxes stay in its middle. */
static void
sheet_row(struct ctx *c, struct unit *u, size_t nr, const struct layout_sheet_row *row)
{
    struct tlines last, first;
    double        last_pt = sheet_name_lines(c, row->last_name, &last);
    double        first_pt = sheet_name_lines(c, row->first_name, &first);
    double        h_pt = sheet_row_h(last.n, last_pt);
    if (sheet_row_h(first.n, first_pt) > h_pt)
        h_pt = sheet_row_h(first.n, first_pt);
    struct frag *f = unit_add_frag(c, u, h_pt);
    frag_text(c, f, LEFT_PT + SHEET_CELL_PAD_PT, h_pt / 2 + X_HEIGHT * BODY_PT, TEXT_STYLE_REGULAR, BODY_PT,
              0.0, arena_printf(c->a, "%zu.", nr));
    sheet_cell(c, f, &last, last_pt, LEFT_PT + NR_W_PT, h_pt);
    sheet_cell(c, f, &first, first_pt, LEFT_PT + NR_W_PT + NAME_W_PT, h_pt);
    /* The translation this pupil's envelope gets besides the German form. */
    if (c->sheet_lang_w_pt > 0 && row->language && *row->language) {
        double      w_pt = c->sheet_lang_w_pt - SHEET_ROW_PAD_PT;
        const char *lang = str_w(c, TEXT_STYLE_REGULAR, row->language, 9.0) <= w_pt + EPS_PT
                               ? row->language
                               : cut_to_width(c, TEXT_STYLE_REGULAR, row->language, "", 9.0, w_pt, false);
        frag_text(c, f, LEFT_PT + NR_W_PT + 2 * NAME_W_PT, h_pt / 2 + X_HEIGHT * 9.0, TEXT_STYLE_REGULAR, 9.0,
                  0.0, lang);
    }
    /* An answer already in the register (render --missing): ticked as back, and what it was. */
    const char *answer = row->answer && *row->answer ? row->answer : NULL;
    bool        is_yes = answer && strcmp(answer, "Ja") == 0, is_no = answer && strcmp(answer, "Nein") == 0;
    for (size_t k = 0; k < 3; k++) {
        double col = MARKS_X_PT + k * MARK_W_PT;
        double x = col + (MARK_W_PT - BOX_PT) / 2, y = (h_pt - BOX_PT) / 2;
        if (answer && k > 0 && !is_yes && !is_no)
            continue; /* "unklar", "widerrufen": the word instead of the two boxes */
        frag_shape(c, f, LAYOUT_ITEM_BOX, x, y, BOX_PT, BOX_PT, BOX_LINE_PT, 0.0);
        if (answer && (k == 0 || (k == 1 && is_yes) || (k == 2 && is_no)))
            frag_tick(c, f, x, y);
    }
    if (answer && !is_yes && !is_no) {
        double col = MARKS_X_PT + MARK_W_PT;
        double w = str_w(c, TEXT_STYLE_REGULAR, answer, 9.0);
        frag_text(c, f, col + (2 * MARK_W_PT - w) / 2, h_pt / 2 + X_HEIGHT * 9.0, TEXT_STYLE_REGULAR, 9.0,
                  0.0, answer);
    }
    frag_shape(c, f, LAYOUT_ITEM_LINE, LEFT_PT, h_pt, TEXT_W_PT, 0.0, SHEET_ROW_LINE_PT, SHEET_ROW_GRAY);
}

void
layout_class_sheet(const struct layout_sheet_params *params, const struct text_shaper *sh, struct arena *a,
                   struct layout_doc *out)
{
    memset(out, 0, sizeof *out);
    struct ctx c = {.sh = sh, .a = a};
    buf_init(&c.text);
    struct flow fl = {0};
    const char *class_name = params->class_name ? params->class_name : "";
    for (size_t i = 0; i < params->n_rows; i++)
        if (params->rows[i].language && *params->rows[i].language)
            c.sheet_lang_w_pt = LANG_W_PT;

    struct segs title = {0};
    segs_add(&c, &title, arena_printf(a, "Rücklaufliste Klasse %s", class_name), TEXT_STYLE_BOLD);
    add_heading(&c, &fl, &title, TITLE_PT, TITLE_SPACE_AFTER * LINE_PT);

    struct segs info = {0};
    if (params->form_title && *params->form_title) {
        segs_add(&c, &info, params->form_title, TEXT_STYLE_BOLD);
        segs_add_break(&c, &info);
    }
    segs_add(&c, &info,
             arena_printf(a, "Datum des Formulars: %s", params->form_date ? params->form_date : ""),
             TEXT_STYLE_REGULAR);
    segs_add_break(&c, &info);
    /* A reminder round (render --missing): how many are back already, as the register has it. */
    size_t n_back = 0;
    for (size_t i = 0; i < params->n_rows; i++)
        n_back += params->rows[i].answer && *params->rows[i].answer;
    if (n_back)
        segs_add(&c, &info,
                 arena_printf(a, "Anzahl der Formulare: %zu (schon zurück: %zu, noch offen: %zu)",
                              params->n_rows, n_back, params->n_rows - n_back),
                 TEXT_STYLE_REGULAR);
    else
        segs_add(&c, &info, arena_printf(a, "Anzahl der Formulare: %zu", params->n_rows), TEXT_STYLE_REGULAR);
    if (params->return_by) {
        segs_add_break(&c, &info);
        segs_add(&c, &info, arena_printf(a, "Rückgabe bis: %s", params->return_by), TEXT_STYLE_REGULAR);
    }
    add_text_unit(&c, &fl, UNIT_FLOW, &info, LEFT_PT, TEXT_W_PT, BODY_PT, 0.0);

    struct unit *header = flow_add(&c, &fl, UNIT_HEADING, LINE_PT);
    header->is_table_header = true;
    sheet_header(&c, unit_add_frag(&c, header, ROW_H_PT));
    for (size_t i = 0; i < params->n_rows; i++) {
        struct unit *u = flow_add(&c, &fl, UNIT_KEEP, 0.0);
        sheet_row(&c, u, i + 1, &params->rows[i]);
    }
    apply_heading_space(&fl);
    run_pages(&c, &params->setup, &fl, NULL, NULL, arena_printf(a, "Klasse %s · Rücklaufliste", class_name),
              out);
    if (sh->release)
        sh->release(sh->ctx);
    buf_fini(&c.text);
}

void
layout_pad_to_even(struct layout_doc *doc, struct arena *a)
{
    if (doc->n_pages % 2 == 0)
        return;
    struct layout_page *pg = doc_add_page(a, doc);
    pg->is_blank = true;
}

/* ---- dump ---- */

/* The dump prints each text run's characters in logical order with its position: goldens stay readable. */

static void
put_num(struct buf *out, double v)
{
    if (fabs(v) < 0.005)
        v = 0.0; /* no "-0.00" */
    buf_printf(out, " %.2f", v);
}

static void
put_gray(struct buf *out, double gray)
{
    if (gray > 0.0)
        buf_printf(out, " gray %.2f", gray);
}

static void
put_quoted(struct buf *out, const char *s)
{
    buf_putc(out, '"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(out, '\\');
        buf_putc(out, *s);
    }
    buf_putc(out, '"');
}

void
layout_dump(const struct layout_doc *doc, struct buf *out)
{
    static const char *const styles[] = {"regular", "bold", "italic"};
    for (size_t p = 0; p < doc->n_pages; p++) {
        const struct layout_page *pg = &doc->pages[p];
        buf_printf(out, "page %zu%s\n", p + 1, pg->is_blank ? " blank" : "");
        for (size_t i = 0; i < pg->n_items; i++) {
            const struct layout_item *it = &pg->items[i];
            switch (it->kind) {
            case LAYOUT_ITEM_TEXT:
                buf_puts(out, "  text");
                put_num(out, it->x_pt);
                put_num(out, it->y_pt);
                buf_printf(out, " %s f%d", (unsigned)it->style < TEXT_N_STYLES ? styles[it->style] : "?",
                           it->font);
                put_num(out, it->size_pt);
                put_gray(out, it->gray);
                buf_puts(out, it->is_rtl ? " rtl " : " ");
                put_quoted(out, it->text);
                break;
            case LAYOUT_ITEM_LINE:
            case LAYOUT_ITEM_BOX:
            case LAYOUT_ITEM_DASH:
                buf_puts(out, it->kind == LAYOUT_ITEM_LINE  ? "  line"
                              : it->kind == LAYOUT_ITEM_BOX ? "  box"
                                                            : "  dash");
                put_num(out, it->x_pt);
                put_num(out, it->y_pt);
                put_num(out, it->w_pt);
                put_num(out, it->h_pt);
                put_num(out, it->line_width_pt);
                if (it->kind == LAYOUT_ITEM_DASH)
                    put_num(out, it->dash_pt);
                put_gray(out, it->gray);
                if (it->role != LAYOUT_ROLE_NONE)
                    buf_printf(out, " role %d", (int)it->role);
                break;
            case LAYOUT_ITEM_RECT:
                buf_puts(out, "  rect");
                put_num(out, it->x_pt);
                put_num(out, it->y_pt);
                put_num(out, it->w_pt);
                put_num(out, it->h_pt);
                put_gray(out, it->gray);
                break;
            case LAYOUT_ITEM_CIRCLE:
                buf_puts(out, "  circle");
                put_num(out, it->x_pt);
                put_num(out, it->y_pt);
                put_num(out, it->w_pt);
                put_num(out, it->line_width_pt);
                put_gray(out, it->gray);
                break;
            case LAYOUT_ITEM_LOGO:
            case LAYOUT_ITEM_IMAGE:
                buf_puts(out, it->kind == LAYOUT_ITEM_LOGO ? "  logo" : "  image");
                put_num(out, it->x_pt);
                put_num(out, it->y_pt);
                put_num(out, it->w_pt);
                put_num(out, it->h_pt);
                if (it->kind == LAYOUT_ITEM_IMAGE)
                    buf_printf(out, " %zu bytes", it->image_len);
                break;
            }
            buf_putc(out, '\n');
        }
    }
}
