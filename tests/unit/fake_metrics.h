/*
 * A fake text engine for layout and form tests: one glyph per code point (glyph id = code point), every
 * glyph 0.5 em wide, bold 0.55 em. Hebrew and Arabic letters are right to left in a font of their own
 * (id TEXT_N_STYLES + style; other text uses font id = style), spaces and punctuation between two of them
 * too, so that layout's reordering of lines can be tested.
 */
#ifndef CONSENTGEN_TEST_FAKE_METRICS_H
#define CONSENTGEN_TEST_FAKE_METRICS_H

#include "consentgen/text.h"

/* Code points listed in missing (0-terminated, may be NULL) cannot be printed; missing must outlive it. */
struct text_shaper fake_metrics(const int32_t *missing);

/* Code points listed in missing cannot be printed in one style only; fm must outlive the shaper. */
struct fake_font_missing {
    enum text_style font;
    const int32_t  *missing;
};
struct text_shaper fake_metrics_font(const struct fake_font_missing *fm);

/* Whether the fake treats cp as a right-to-left letter (Hebrew, Arabic). */
bool fake_is_rtl(int32_t cp);

#endif
