#include "fake_metrics.h"

#include <string.h>

#include "consentgen/util.h"

bool
fake_is_rtl(int32_t cp)
{
    return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF);
}

/* Spaces and punctuation take the direction of their surroundings (UAX #9 N1, N2). */
static bool
is_neutral(int32_t cp)
{
    return (cp >= 0x20 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) ||
           (cp >= 0x7B && cp <= 0x7E) || cp == 0xA0 || cp == 0xB7 || cp == 0x2013 || cp == 0x2022 ||
           cp == 0x2026;
}

struct fake_char {
    size_t          start, len;
    int32_t         cp;
    enum text_style style;
    unsigned        level;
};

/*
 * Levels as UAX #9 gives them for these characters: at a left-to-right base, right-to-left letters are 1
 * and the rest 0; at a right-to-left base, left-to-right letters and digits are 2 and the rest 1. A run of
 * neutrals between two letters of the other direction than the base takes theirs (N1), else the base's (N2).
 */
static const struct text_para *
fake_shape(void *ctx, const struct text_span *spans, size_t n_spans, enum text_direction base,
           struct arena *a)
{
    (void)ctx;
    if (base == TEXT_DIR_AUTO_RTL) { /* rules P2, P3: the first letter decides, digits and neutrals do not */
        base = TEXT_DIR_RTL;
        for (size_t i = 0; i < n_spans && base == TEXT_DIR_RTL; i++)
            for (size_t k = 0; k < spans[i].len;) {
                int32_t cp;
                size_t  m = utf8_decode(spans[i].s + k, spans[i].len - k, &cp);
                k += m ? m : 1;
                if (is_neutral(cp) || (cp >= '0' && cp <= '9'))
                    continue;
                base = fake_is_rtl(cp) ? TEXT_DIR_RTL : TEXT_DIR_LTR;
                break;
            }
    }
    unsigned base_level = base == TEXT_DIR_RTL ? 1u : 0u;
    unsigned other_level = base == TEXT_DIR_RTL ? 2u : 1u;
    size_t   len = 0;
    for (size_t i = 0; i < n_spans; i++)
        len += spans[i].len;
    char             *text = arena_alloc(a, len + 1);
    struct fake_char *ch = arena_alloc(a, (len + 1) * sizeof *ch);
    size_t            n = 0, o = 0;
    for (size_t i = 0; i < n_spans; i++) {
        memcpy(text + o, spans[i].s, spans[i].len);
        for (size_t k = 0; k < spans[i].len;) {
            int32_t cp;
            size_t  m = utf8_decode(spans[i].s + k, spans[i].len - k, &cp);
            if (m == 0) {
                cp = 0xFFFD;
                m = 1;
            }
            bool is_other = base == TEXT_DIR_RTL ? !fake_is_rtl(cp) : fake_is_rtl(cp);
            ch[n++] = (struct fake_char){o + k, m, cp, spans[i].style, is_other ? other_level : base_level};
            k += m;
        }
        o += spans[i].len;
    }
    for (size_t i = 0; i < n;) {
        if (!is_neutral(ch[i].cp)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && is_neutral(ch[j].cp))
            j++;
        unsigned lev = i > 0 && j < n && ch[i - 1].level == other_level && ch[j].level == other_level
                           ? other_level
                           : base_level;
        for (size_t k = i; k < j; k++)
            ch[k].level = lev;
        i = j;
    }
    struct text_para *p = arena_alloc(a, sizeof *p);
    p->text = text;
    p->len = len;
    p->items = arena_alloc(a, (n ? n : 1) * sizeof *p->items);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ch[j].level == ch[i].level && ch[j].style == ch[i].style)
            j++;
        struct text_item *it = &p->items[p->n_items++];
        it->start = ch[i].start;
        it->len = ch[j - 1].start + ch[j - 1].len - ch[i].start;
        it->style = ch[i].style;
        it->level = ch[i].level;
        it->font = (int)ch[i].style + ((ch[i].level & 1) ? TEXT_N_STYLES : 0);
        it->n_glyphs = j - i;
        it->glyphs = arena_alloc(a, it->n_glyphs * sizeof *it->glyphs);
        int32_t adv = (int32_t)((ch[i].style == TEXT_STYLE_BOLD ? 0.55 : 0.5) * TEXT_UNITS_PER_EM + 0.5);
        for (size_t k = i; k < j; k++) {
            size_t g = (ch[i].level & 1) ? j - 1 - k : k - i; /* right to left: visual order */
            it->glyphs[g] = (struct text_glyph){(uint32_t)ch[k].cp,    (uint32_t)ch[k].start, adv, 0, 0,
                                                (uint32_t)ch[k].start, (uint32_t)ch[k].len};
        }
        i = j;
    }
    int32_t *advance = arena_alloc(a, (len + 1) * sizeof *advance);
    bool    *is_start = arena_alloc(a, len + 1);
    for (size_t i = 0; i < p->n_items; i++)
        for (size_t g = 0; g < p->items[i].n_glyphs; g++) {
            advance[p->items[i].glyphs[g].cluster] = p->items[i].glyphs[g].x_advance;
            is_start[p->items[i].glyphs[g].cluster] = true;
        }
    is_start[len] = true;
    p->advance = advance;
    p->is_cluster_start = is_start;
    return p;
}

static size_t
next_missing(const int32_t *missing, const char *s, size_t len, size_t from, size_t *char_len)
{
    for (size_t i = from; i < len;) {
        int32_t cp;
        size_t  k = utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            *char_len = 1;
            return i;
        }
        for (const int32_t *m = missing; m && *m; m++)
            if (*m == cp) {
                *char_len = k;
                return i;
            }
        i += k;
    }
    *char_len = 0;
    return len;
}

static size_t
fake_next_unprintable(void *ctx, enum text_style style, const char *s, size_t len, size_t from,
                      size_t *char_len)
{
    (void)style;
    return next_missing(ctx, s, len, from, char_len);
}

struct text_shaper
fake_metrics(const int32_t *missing)
{
    return (struct text_shaper){(void *)missing, fake_shape, NULL, fake_next_unprintable};
}

static size_t
fake_next_unprintable_in_font(void *ctx, enum text_style style, const char *s, size_t len, size_t from,
                              size_t *char_len)
{
    const struct fake_font_missing *fm = ctx;
    return next_missing(style == fm->font ? fm->missing : NULL, s, len, from, char_len);
}

struct text_shaper
fake_metrics_font(const struct fake_font_missing *fm)
{
    return (struct text_shaper){(void *)fm, fake_shape, NULL, fake_next_unprintable_in_font};
}
