/*
 * text: shaping. A paragraph (spans of text, each in one style) becomes items of glyphs:
 *
 *   1. directions: FriBidi resolves the embedding level of every character (UAX #9, rules X1 to I2) on the
 *      logical text at the base direction layout asks for (left to right for the German forms; for an
 *      Arabic or Persian translation right to left, or as its first strong letter says); layout reorders
 *      each line (L2);
 *   2. fonts: each grapheme cluster (UAX #29, utf8proc) takes the first font of its style's chain that
 *      shapes the whole cluster without .notdef; spaces, digits and punctuation stay in the font before
 *      them when it has them, so an Arabic name is not cut into pieces at its spaces;
 *   3. items: clusters of one style, font, level and script (HarfBuzz's Unicode data; common characters
 *      take their neighbours' script) are shaped together with HarfBuzz, the rest of the paragraph given
 *      as context, so joining across a style change stays right.
 *
 * Shaping is independent of the size (no hinting): positions are in 1/65536 em. The same paragraphs come
 * back for every pupil (the template's text), so each shaped paragraph is kept in a cache, measured for line
 * breaking, and handed out as it is; when it holds more than CACHE_MAX_BYTES, the cache starts over at the
 * next release (after a form is laid out), so memory stays flat over a large roster.
 */
#include "consentgen/text.h"

#include <stdlib.h>
#include <string.h>

#include <fribidi.h>
#include <hb.h>

#include "text_int.h"

#define CACHE_MAX_BYTES ((size_t)2 << 20)

/* ---- a hash table of byte keys, for shaped paragraphs and for cluster coverage ---- */

struct entry {
    struct entry     *next;
    uint64_t          hash;
    size_t            key_len;
    char             *key;
    struct text_para *para;    /* paragraphs */
    int               covered; /* coverage: 1 yes, 0 no */
};

struct table {
    struct entry **buckets;
    size_t         n_buckets, n, bytes;
};

struct text_cache {
    struct table paras, covers;
    struct buf   key; /* scratch */
};

static uint64_t
hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

static struct entry *
table_find(const struct table *t, const char *key, size_t len, uint64_t hash)
{
    if (!t->n_buckets)
        return NULL;
    for (struct entry *e = t->buckets[hash & (t->n_buckets - 1)]; e; e = e->next)
        if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    return NULL;
}

static void
table_clear(struct table *t)
{
    for (size_t i = 0; i < t->n_buckets; i++) {
        for (struct entry *e = t->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e->para);
            free(e);
        }
    }
    free(t->buckets);
    *t = (struct table){NULL, 0, 0, 0};
}

/* Adds an entry (the key is copied behind it); extra is the memory the value holds. */
static struct entry *
table_add(struct table *t, const char *key, size_t len, uint64_t hash, size_t extra)
{
    if (2 * (t->n + 1) > t->n_buckets) {
        size_t         n = t->n_buckets ? 2 * t->n_buckets : 256;
        struct entry **b = xcalloc(n, sizeof *b);
        for (size_t i = 0; i < t->n_buckets; i++) {
            for (struct entry *e = t->buckets[i], *next; e; e = next) {
                next = e->next;
                e->next = b[e->hash & (n - 1)];
                b[e->hash & (n - 1)] = e;
            }
        }
        free(t->buckets);
        t->buckets = b;
        t->n_buckets = n;
    }
    struct entry *e = xcalloc(1, sizeof *e + len);
    e->key = (char *)(e + 1);
    memcpy(e->key, key, len);
    e->key_len = len;
    e->hash = hash;
    e->next = t->buckets[hash & (t->n_buckets - 1)];
    t->buckets[hash & (t->n_buckets - 1)] = e;
    t->n++;
    t->bytes += sizeof *e + len + extra;
    return e;
}

/* ---- copies of a shaped paragraph ---- */

static size_t
align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t
para_size(const struct text_para *p)
{
    size_t n = align8(sizeof *p) + align8(p->len + 1) + align8(p->n_items * sizeof *p->items) +
               align8((p->len + 1) * sizeof *p->advance) + align8(p->len + 1);
    for (size_t i = 0; i < p->n_items; i++)
        n += p->items[i].n_glyphs * sizeof(struct text_glyph);
    return n;
}

/* Copies p into mem (para_size(p) bytes, 8-aligned) and measures it: one block, one free. */
static struct text_para *
para_copy(const struct text_para *p, void *mem)
{
    char             *m = mem;
    struct text_para *q = (struct text_para *)m;
    m += align8(sizeof *q);
    char *text = m;
    memcpy(text, p->text, p->len);
    text[p->len] = '\0';
    m += align8(p->len + 1);
    struct text_item *items = (struct text_item *)m;
    m += align8(p->n_items * sizeof *items);
    int32_t *advance = (int32_t *)m;
    memset(advance, 0, (p->len + 1) * sizeof *advance);
    m += align8((p->len + 1) * sizeof *advance);
    bool *is_start = (bool *)m;
    memset(is_start, 0, p->len + 1);
    m += align8(p->len + 1);
    for (size_t i = 0; i < p->n_items; i++) {
        items[i] = p->items[i];
        items[i].glyphs = (struct text_glyph *)m;
        if (p->items[i].n_glyphs)
            memcpy(m, p->items[i].glyphs, p->items[i].n_glyphs * sizeof(struct text_glyph));
        m += p->items[i].n_glyphs * sizeof(struct text_glyph);
        is_start[items[i].start] = true;
        for (size_t g = 0; g < items[i].n_glyphs; g++) {
            size_t at = items[i].glyphs[g].cluster;
            if (at < p->len) {
                is_start[at] = true;
                advance[at] += items[i].glyphs[g].x_advance;
            }
        }
    }
    is_start[p->len] = true;
    *q = (struct text_para){text, p->len, items, p->n_items, advance, is_start};
    return q;
}

/* ---- coverage ---- */

/* C0 and C1 controls print nothing; layout turns line ends into spaces before shaping. */
static bool
is_control(hb_codepoint_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

static bool
shapes_without_notdef(struct text_engine *e, int font, const char *s, size_t len)
{
    hb_buffer_clear_contents(e->buf);
    hb_buffer_add_utf8(e->buf, s, (int)len, 0, (int)len);
    hb_buffer_guess_segment_properties(e->buf);
    hb_shape(e->fonts[font].font, e->buf, NULL, 0);
    unsigned         n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(e->buf, &n);
    for (unsigned i = 0; i < n; i++)
        if (info[i].codepoint == 0)
            return false;
    return n > 0;
}

/*
 * Whether font prints the cluster s (len bytes): every character has a glyph, or the cluster shapes
 * without .notdef as a whole (NFD Vietnamese in a font with only the composed letters; joiners).
 */
static bool
covers(struct text_engine *e, int font, const char *s, size_t len)
{
    if (len == 1 && (unsigned char)s[0] < 0x80)
        return e->fonts[font].has_ascii[(unsigned char)s[0]];
    hb_font_t *f = e->fonts[font].font;
    bool       all = true;
    for (size_t i = 0; i < len && all;) {
        int32_t        cp;
        size_t         k = utf8_decode(s + i, len - i, &cp);
        hb_codepoint_t g;
        if (k == 0)
            return false; /* an invalid byte prints as .notdef in every font */
        all = is_control((hb_codepoint_t)cp) || hb_font_get_nominal_glyph(f, (hb_codepoint_t)cp, &g);
        i += k;
    }
    if (all)
        return true;
    struct buf *key = &e->cache->key;
    buf_reset(key);
    buf_append(key, (const char *)&font, sizeof font);
    buf_append(key, s, len);
    uint64_t      h = hash_bytes(key->data, key->len);
    struct entry *hit = table_find(&e->cache->covers, key->data, key->len, h);
    if (hit)
        return hit->covered;
    bool ok = shapes_without_notdef(e, font, s, len);
    if (e->cache->covers.bytes > CACHE_MAX_BYTES) /* never handed out: may start over at once */
        table_clear(&e->cache->covers);
    /* The key buffer was not touched by shaping. */
    table_add(&e->cache->covers, key->data, key->len, h, 0)->covered = ok;
    return ok;
}

static int
first_covering(struct text_engine *e, enum text_style style, const char *s, size_t len)
{
    const struct text_chain *c = &e->chain[style];
    for (size_t i = 0; i < c->n; i++)
        if (covers(e, c->fonts[i], s, len))
            return c->fonts[i];
    return -1;
}

/* ---- itemizing ---- */

struct cluster {
    size_t          start, end; /* bytes */
    enum text_style style;
    unsigned        level;
    hb_script_t     script; /* HB_SCRIPT_COMMON: none of its own */
    int             font;
};

static bool
is_weak_script(hb_script_t s)
{
    return s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED || s == HB_SCRIPT_UNKNOWN;
}

static bool
same_run(const struct cluster *a, const struct cluster *b)
{
    return a->font == b->font && a->style == b->style && a->level == b->level;
}

/* Decodes text into code points for FriBidi; an invalid byte is U+FFFD, as HarfBuzz reads it. */
static size_t
decode(const char *text, size_t len, FriBidiChar *cps, size_t *offs)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t  k = utf8_decode(text + i, len - i, &cp);
        if (k == 0) {
            cp = 0xFFFD;
            k = 1;
        }
        offs[n] = i;
        cps[n++] = (FriBidiChar)cp;
        i += k;
    }
    offs[n] = len;
    return n;
}

/* Splits the paragraph into grapheme clusters (never across spans) with their level, script and font. */
static size_t
find_clusters(struct text_engine *e, const char *text, size_t len, const size_t *span_end,
              const enum text_style *span_style, size_t n_spans, enum text_direction base, struct cluster *cl)
{
    FriBidiChar        *cps = xmalloc((len + 1) * sizeof *cps);
    size_t             *offs = xmalloc((len + 1) * sizeof *offs);
    size_t              n_cps = decode(text, len, cps, offs);
    FriBidiCharType    *types = xmalloc((n_cps + 1) * sizeof *types);
    FriBidiBracketType *brackets = xmalloc((n_cps + 1) * sizeof *brackets);
    FriBidiLevel       *levels = xcalloc(n_cps + 1, sizeof *levels);
    FriBidiParType      dir = base == TEXT_DIR_RTL        ? FRIBIDI_PAR_RTL
                              : base == TEXT_DIR_AUTO_RTL ? FRIBIDI_PAR_WRTL
                                                          : FRIBIDI_PAR_LTR;
    fribidi_get_bidi_types(cps, (FriBidiStrIndex)n_cps, types);
    fribidi_get_bracket_types(cps, (FriBidiStrIndex)n_cps, types, brackets);
    if (!fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)n_cps, &dir, levels))
        memset(levels, base != TEXT_DIR_LTR,
               (n_cps + 1) * sizeof *levels); /* allocation failure in FriBidi */

    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    size_t              n = 0, cp_i = 0, span = 0;
    for (size_t b = 0; b < len;) {
        while (span + 1 < n_spans && b >= span_end[span])
            span++;
        size_t          end = span_end[span] < len ? span_end[span] : len;
        size_t          glen = utf8_grapheme_len(text + b, end - b);
        struct cluster *c = &cl[n++];
        c->start = b;
        c->end = b + glen;
        c->style = span_style[span];
        c->level = levels[cp_i];
        c->script = HB_SCRIPT_COMMON;
        for (; cp_i < n_cps && offs[cp_i] < c->end; cp_i++) {
            hb_script_t s = hb_unicode_script(uf, cps[cp_i]);
            if (is_weak_script(c->script) && !is_weak_script(s))
                c->script = s;
        }
        b = c->end;
    }

    /* Fonts: common characters stay with the font before them when it has them. */
    for (size_t i = 0; i < n; i++) {
        struct cluster *c = &cl[i];
        const char     *s = text + c->start;
        size_t          k = c->end - c->start;
        c->font = -1;
        if (is_weak_script(c->script) && i > 0 && cl[i - 1].style == c->style &&
            covers(e, cl[i - 1].font, s, k))
            c->font = cl[i - 1].font;
        if (c->font < 0)
            c->font = first_covering(e, c->style, s, k);
        if (c->font < 0) /* nothing prints it: the glyph check has said so; .notdef of the main font */
            c->font = e->chain[c->style].fonts[0];
    }
    /*
     * Scripts: common characters take the script of the text before them in the same font, style and
     * direction, else of the text after them; so "(" after an Arabic name goes with the German after it.
     */
    for (size_t i = 1; i < n; i++)
        if (is_weak_script(cl[i].script) && same_run(&cl[i - 1], &cl[i]))
            cl[i].script = cl[i - 1].script;
    for (size_t i = n; i-- > 1;)
        if (is_weak_script(cl[i - 1].script) && same_run(&cl[i - 1], &cl[i]))
            cl[i - 1].script = cl[i].script;
    free(cps);
    free(offs);
    free(types);
    free(brackets);
    free(levels);
    return n;
}

/*
 * Which characters each glyph stands for (the PDF's ToUnicode): a cluster of one glyph stands for all its
 * characters (a ligature such as lam-alef for two); in a cluster of several glyphs, a glyph that is a
 * character's own glyph stands for it, the other glyphs take the rest in logical order.
 */
static void
assign_unicode(hb_font_t *font, const char *text, struct text_glyph *g, size_t first, size_t n, size_t c_end,
               bool is_rtl)
{
    size_t c = g[first].cluster;
    if (n == 1) {
        g[first].uni_start = (uint32_t)c;
        g[first].uni_len = (uint32_t)(c_end - c);
        return;
    }
    enum { MAX = 32 };
    size_t cp_off[MAX + 1], n_cp = 0;
    bool   used[MAX] = {false};
    for (size_t i = c; i < c_end && n_cp < MAX;) {
        int32_t cp;
        size_t  k = utf8_decode(text + i, c_end - i, &cp);
        cp_off[n_cp++] = i;
        i += k ? k : 1;
    }
    cp_off[n_cp] = c_end;
    for (size_t j = 0; j < n; j++) {
        struct text_glyph *gl = &g[first + (is_rtl ? n - 1 - j : j)];
        gl->uni_start = (uint32_t)c;
        gl->uni_len = 0;
        for (size_t k = 0; k < n_cp; k++) {
            int32_t        cp;
            hb_codepoint_t nominal;
            if (used[k] || !utf8_decode(text + cp_off[k], cp_off[k + 1] - cp_off[k], &cp))
                continue;
            if (hb_font_get_nominal_glyph(font, (hb_codepoint_t)cp, &nominal) && nominal == gl->gid) {
                used[k] = true;
                gl->uni_start = (uint32_t)cp_off[k];
                gl->uni_len = (uint32_t)(cp_off[k + 1] - cp_off[k]);
                break;
            }
        }
    }
    size_t             k = 0;
    struct text_glyph *last = NULL;
    for (size_t j = 0; j < n; j++) {
        struct text_glyph *gl = &g[first + (is_rtl ? n - 1 - j : j)];
        if (gl->uni_len)
            continue;
        while (k < n_cp && used[k])
            k++;
        if (k == n_cp)
            break;
        used[k] = true;
        gl->uni_start = (uint32_t)cp_off[k];
        gl->uni_len = (uint32_t)(cp_off[k + 1] - cp_off[k]);
        last = gl;
    }
    /* More characters than glyphs: the last glyph takes those right behind its own. */
    for (; last && k < n_cp; k++) {
        if (used[k])
            continue;
        if (cp_off[k] != last->uni_start + last->uni_len)
            break;
        last->uni_len = (uint32_t)(cp_off[k + 1] - last->uni_start);
    }
}

static void
shape_item(struct text_engine *e, const char *text, size_t len, struct text_item *it, hb_script_t script)
{
    hb_buffer_t *buf = e->buf;
    bool         is_rtl = it->level & 1;
    hb_buffer_clear_contents(buf);
    hb_buffer_add_utf8(buf, text, (int)len, (unsigned)it->start, (int)it->len);
    hb_buffer_set_direction(buf, is_rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, script);
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_GRAPHEMES);
    hb_buffer_set_flags(buf, (it->start == 0 ? HB_BUFFER_FLAG_BOT : 0) |
                                 (it->start + it->len == len ? HB_BUFFER_FLAG_EOT : 0));
    hb_font_t *font = e->fonts[it->font].font;
    hb_shape(font, buf, NULL, 0);

    unsigned             n;
    hb_glyph_info_t     *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    it->glyphs = xcalloc(n ? n : 1, sizeof *it->glyphs);
    it->n_glyphs = n;
    for (unsigned i = 0; i < n; i++)
        it->glyphs[i] = (struct text_glyph){
            info[i].codepoint, info[i].cluster, pos[i].x_advance, pos[i].x_offset, pos[i].y_offset, 0, 0};
    /* Clusters are monotone: ascending left to right, descending in a right-to-left item. */
    size_t item_end = it->start + it->len;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && it->glyphs[j].cluster == it->glyphs[i].cluster)
            j++;
        size_t c_end;
        if (!is_rtl)
            c_end = j < n ? it->glyphs[j].cluster : item_end;
        else
            c_end = i > 0 ? it->glyphs[i - 1].cluster : item_end;
        assign_unicode(font, text, it->glyphs, i, j - i, c_end, is_rtl);
        i = j;
    }
}

/* Shapes a paragraph into p (malloc'd parts; free with para_parts_free). */
static void
shape_para(struct text_engine *e, const struct text_span *spans, size_t n_spans, enum text_direction base,
           struct text_para *p)
{
    size_t len = 0;
    for (size_t i = 0; i < n_spans; i++)
        len += spans[i].len;
    char            *text = xmalloc(len + 1);
    size_t          *span_end = xmalloc((n_spans + 1) * sizeof *span_end);
    enum text_style *span_style = xmalloc((n_spans + 1) * sizeof *span_style);
    size_t           o = 0;
    for (size_t i = 0; i < n_spans; i++) {
        memcpy(text + o, spans[i].s, spans[i].len);
        o += spans[i].len;
        span_end[i] = o;
        span_style[i] = spans[i].style < TEXT_N_STYLES ? spans[i].style : TEXT_STYLE_REGULAR;
    }
    text[len] = '\0';
    if (n_spans == 0) {
        span_end[0] = 0;
        span_style[0] = TEXT_STYLE_REGULAR;
        n_spans = 1;
    }

    struct cluster   *cl = xmalloc((len + 1) * sizeof *cl);
    size_t            n_cl = find_clusters(e, text, len, span_end, span_style, n_spans, base, cl);
    struct text_item *items = xcalloc(n_cl + 1, sizeof *items);
    hb_script_t      *scripts = xcalloc(n_cl + 1, sizeof *scripts);
    size_t            n_items = 0;
    for (size_t i = 0; i < n_cl; i++) {
        const struct cluster *c = &cl[i];
        struct text_item     *last = n_items ? &items[n_items - 1] : NULL;
        if (last && last->font == c->font && last->style == c->style && last->level == c->level &&
            scripts[n_items - 1] == c->script) {
            last->len = c->end - last->start;
            continue;
        }
        items[n_items] =
            (struct text_item){c->start, c->end - c->start, c->font, c->style, c->level, NULL, 0};
        scripts[n_items++] = c->script;
    }
    for (size_t i = 0; i < n_items; i++)
        shape_item(e, text, len, &items[i], scripts[i]);
    *p = (struct text_para){text, len, items, n_items, NULL, NULL}; /* measured by para_copy */
    free(scripts);
    free(cl);
    free(span_end);
    free(span_style);
}

static void
para_parts_free(struct text_para *p)
{
    for (size_t i = 0; i < p->n_items; i++)
        free(p->items[i].glyphs);
    free(p->items);
    free((char *)p->text);
}

static const struct text_para *
engine_shape(void *ctx, const struct text_span *spans, size_t n_spans, enum text_direction base,
             struct arena *a)
{
    struct text_engine *e = ctx;
    struct buf         *key = &e->cache->key;
    buf_reset(key);
    buf_putc(key, base == TEXT_DIR_RTL ? 'r' : base == TEXT_DIR_AUTO_RTL ? 'a' : 'p');
    for (size_t i = 0; i < n_spans; i++) {
        uint32_t n = (uint32_t)spans[i].len;
        buf_putc(key, (char)spans[i].style);
        buf_append(key, (const char *)&n, sizeof n);
        buf_append(key, spans[i].s, spans[i].len);
    }
    uint64_t      h = hash_bytes(key->data, key->len);
    struct entry *hit = table_find(&e->cache->paras, key->data, key->len, h);
    if (!hit) {
        /* Shaping uses the key buffer for coverage look-ups: keep a copy of the key. */
        char  *k = xmalloc(key->len);
        size_t k_len = key->len;
        memcpy(k, key->data, k_len);
        struct text_para p;
        shape_para(e, spans, n_spans, base, &p);
        size_t size = para_size(&p);
        hit = table_add(&e->cache->paras, k, k_len, h, size);
        hit->para = para_copy(&p, xmalloc(size));
        para_parts_free(&p);
        free(k);
    }
    (void)a; /* the cache holds the result until release */
    return hit->para;
}

/* The cache starts over once it is full, but only here: what shape returned is used until now. */
static void
engine_release(void *ctx)
{
    struct text_engine *e = ctx;
    if (e->cache->paras.bytes > CACHE_MAX_BYTES)
        table_clear(&e->cache->paras);
}

/* ---- unprintable characters ---- */

static size_t
engine_next_unprintable(void *ctx, enum text_style style, const char *s, size_t len, size_t from,
                        size_t *char_len)
{
    struct text_engine      *e = ctx;
    const struct text_chain *chain = &e->chain[style < TEXT_N_STYLES ? style : TEXT_STYLE_REGULAR];
    for (size_t b = 0; b < len;) {
        size_t glen = utf8_grapheme_len(s + b, len - b);
        size_t end = b + glen;
        if (end <= from || first_covering(e, style, s + b, glen) >= 0) {
            b = end;
            continue;
        }
        /* Blame the characters no font has; if each has one somewhere, the cluster's last character. */
        size_t last = b, last_len = 0;
        for (size_t i = b; i < end;) {
            int32_t cp;
            size_t  k = utf8_decode(s + i, end - i, &cp);
            if (k == 0) {
                if (i >= from) {
                    *char_len = 1;
                    return i;
                }
                i++;
                continue;
            }
            bool has = is_control((hb_codepoint_t)cp);
            for (size_t f = 0; f < chain->n && !has; f++) {
                hb_codepoint_t g;
                has = hb_font_get_nominal_glyph(e->fonts[chain->fonts[f]].font, (hb_codepoint_t)cp, &g);
            }
            if (!has && i >= from) {
                *char_len = k;
                return i;
            }
            last = i;
            last_len = k;
            i += k;
        }
        if (last >= from && last_len) {
            *char_len = last_len;
            return last;
        }
        b = end;
    }
    *char_len = 0;
    return len;
}

/* ---- the engine ---- */

struct text_engine *
text_engine_load(const struct config_page *page, const char *config_path, struct diags *d)
{
    struct text_engine *e = xcalloc(1, sizeof *e);
    e->name = xstrdup(page->font ? page->font : "Liberation Sans");
    if (!text_fonts_open(e, page, config_path, d)) {
        text_engine_free(e);
        return NULL;
    }
    e->buf = hb_buffer_create();
    e->cache = xcalloc(1, sizeof *e->cache);
    buf_init(&e->cache->key);
    e->shaper = (struct text_shaper){e, engine_shape, engine_release, engine_next_unprintable};
    return e;
}

void
text_engine_free(struct text_engine *e)
{
    if (!e)
        return;
    if (e->cache) {
        table_clear(&e->cache->paras);
        table_clear(&e->cache->covers);
        buf_fini(&e->cache->key);
        free(e->cache);
    }
    hb_buffer_destroy(e->buf);
    text_fonts_close(e);
    free(e->name);
    free(e);
}

const struct text_shaper *
text_engine_shaper(struct text_engine *e)
{
    return &e->shaper;
}

const char *
text_engine_name(const struct text_engine *e)
{
    return e->name;
}

size_t
text_engine_n_fonts(const struct text_engine *e)
{
    return e->n_fonts;
}

const char *
text_engine_font_path(const struct text_engine *e, int font)
{
    return font >= 0 && (size_t)font < e->n_fonts ? e->fonts[font].path : NULL;
}

bool
text_engine_font_is_path(const struct text_engine *e, int font)
{
    return font >= 0 && (size_t)font < e->n_fonts && e->fonts[font].is_path;
}

const char *
text_engine_font_data(const struct text_engine *e, int font, size_t *len)
{
    *len = 0;
    if (font < 0 || (size_t)font >= e->n_fonts)
        return NULL;
    unsigned    n = 0;
    const char *data = hb_blob_get_data(e->fonts[font].blob, &n);
    *len = n;
    return data;
}
