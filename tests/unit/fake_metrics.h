/* Fake font metrics for layout tests: every glyph is 0.5 em wide, bold 0.55 em. */
#ifndef CONSENTGEN_TEST_FAKE_METRICS_H
#define CONSENTGEN_TEST_FAKE_METRICS_H

#include "consentgen/layout.h"

/* Code points listed in missing (may be NULL) have no glyph. */
struct layout_metrics fake_metrics(const int32_t *missing);

/* Code points listed in missing have no glyph in one font only; fm must outlive the metrics. */
struct fake_font_missing {
    enum layout_font font;
    const int32_t   *missing;
};
struct layout_metrics fake_metrics_font(const struct fake_font_missing *fm);

#endif
