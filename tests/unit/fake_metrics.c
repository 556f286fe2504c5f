#include "fake_metrics.h"

#include "consentgen/util.h"

static double
fake_text_width(void *ctx, enum layout_font font, const char *s, size_t len, double size_pt)
{
    (void)ctx;
    double em = font == LAYOUT_FONT_BOLD ? 0.55 : 0.5;
    return (double)utf8_count_chars(s, len) * em * size_pt;
}

static bool
fake_has_glyph(void *ctx, enum layout_font font, int32_t cp)
{
    (void)font;
    const int32_t *missing = ctx;
    for (; missing && *missing; missing++)
        if (*missing == cp)
            return false;
    return true;
}

struct layout_metrics
fake_metrics(const int32_t *missing)
{
    return (struct layout_metrics){(void *)missing, fake_text_width, fake_has_glyph};
}

static bool
fake_has_glyph_in_font(void *ctx, enum layout_font font, int32_t cp)
{
    const struct fake_font_missing *fm = ctx;
    if (font != fm->font)
        return true;
    for (const int32_t *missing = fm->missing; missing && *missing; missing++)
        if (*missing == cp)
            return false;
    return true;
}

struct layout_metrics
fake_metrics_font(const struct fake_font_missing *fm)
{
    return (struct layout_metrics){(void *)fm, fake_text_width, fake_has_glyph_in_font};
}
