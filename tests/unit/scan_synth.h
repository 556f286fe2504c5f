/*
 * Synthetic scans for the scan tests and the scan benchmark (bench/scan_codes.c): an A4 page drawn
 * in page pt with anti-aliased shapes (QR codes from libqrencode, corner marks, boxes, text-like
 * strokes, pen ticks), rasterised at a resolution, then turned, skewed and degraded as a copier would.
 */
#ifndef CONSENTGEN_SCAN_SYNTH_H
#define CONSENTGEN_SCAN_SYNTH_H

#include <stdint.h>

#include <leptonica/allheaders.h>

#include "consentgen/scan.h"

#define SYNTH_PT_PER_MM (72.0 / 25.4)

struct synth_rng {
    uint64_t s;
};
double synth_uniform(struct synth_rng *r); /* [0, 1) */

/* An upright page at dpi, white, with the affine map from page pt to its pixels. */
struct synth_page {
    PIX            *pix; /* 8 bpp */
    double          dpi;
    struct scan_fit truth; /* page pt -> pixel, kept up to date by synth_turn */
};
void synth_page_init(struct synth_page *pg, double dpi);
void synth_page_fini(struct synth_page *pg);

/* Drawing in page pt: a filled rectangle, a frame of line width lw, a pen stroke of width w. */
void synth_fill(struct synth_page *pg, double x, double y, double w, double h, double ink);
void synth_frame(struct synth_page *pg, double x, double y, double w, double h, double lw, double ink);
void synth_stroke(struct synth_page *pg, double x0, double y0, double x1, double y1, double w, double ink);
/* Lines of text-like glyph strokes filling the rectangle. */
void synth_text(struct synth_page *pg, struct synth_rng *r, double x, double y, double w, double h);

/* What a parent did on a box. */
enum synth_mark { SYNTH_NONE, SYNTH_TICK, SYNTH_CROSS, SYNTH_FILLED, SYNTH_PENCIL_TICK, SYNTH_BLUE_TICK, SYNTH_DOT };

/*
 * A slip at (x, y) pt, 170 x 60 mm: code with token at module_mm, four 4.5 mm marks, boxes Ja and Nein,
 * two signature fields. g receives its geometry.
 */
void synth_slip(struct synth_page *pg, struct synth_rng *r, double x, double y, const char *token,
                double module_mm, struct scan_slip_geometry *g);
void synth_mark_box(struct synth_page *pg, struct synth_rng *r, const struct scan_rect *box, enum synth_mark m);
void synth_sign(struct synth_page *pg, struct synth_rng *r, const struct scan_signature_field *f, double ink);

/* Turns the page by skew_deg (clockwise) then quarter_turns * 90 degrees clockwise. */
void synth_turn(struct synth_page *pg, double skew_deg, unsigned quarter_turns);

/* Degradations, in place. */
void synth_blur(struct synth_page *pg, int half);                 /* box blur of (2 half + 1)^2 */
void synth_levels(struct synth_page *pg, double paper, double ink); /* 255 -> paper, 0 -> ink */
void synth_noise(struct synth_page *pg, struct synth_rng *r, double sigma);
void synth_jpeg(struct synth_page *pg, int quality);
void synth_threshold(struct synth_page *pg, int thresh); /* black and white, back to 8 bpp */

#endif
