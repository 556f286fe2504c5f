/*
 * scan: reading a registered slip's check boxes and signature fields. Everything is sampled through the
 * fit into a small upright grid of about one sample per scan pixel, so skew and quarter turns are gone
 * before anything is counted. Dark and faint are judged against the local paper white (the 90th
 * percentile around the field), not a fixed grey, as auto-multiple-choice and SDAPS do: copiers scan
 * lighter or darker from one day to the next.
 *   Box: the printed frame is found within +-0.8 mm of where the fit puts it, then the dark share inside
 *   the box shrunk to 75 % decides (bands measured with bench/scan.sh boxes, docs/scanning.md): below
 *   4 % and little faint ink empty, 8-72 % ticked or crossed, from 85 % filled over (a correction),
 *   anything between unsure.
 *   Signature: SDAPS's test: 2 x 2 mm windows in 1 mm steps over the field above its line, a window with
 *   6 % dark ink counts, the printed line and 0.5 mm around it left out; ink spanning 5 mm or more in
 *   four windows or more is a signature, less is unsure.
 */
#include "consentgen/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/util.h"
#include "scan_int.h"

#define PT_PER_MM (72.0 / 25.4)

/* Box bands: dark share in the shrunk box (see the file comment). */
#define BOX_EMPTY_MAX 0.04
#define BOX_EMPTY_FAINT_MAX 0.20
#define BOX_MARKED_MIN 0.08
#define BOX_MARKED_MAX 0.72
#define BOX_FILLED_MIN 0.85
#define BOX_INNER_SHARE 0.75
/* Dark: below this share of the paper white; faint: below the second. */
#define DARK_SHARE 0.75
#define FAINT_SHARE 0.85

/* An upright grid of samples over a page rectangle. */
struct grid {
    int     w, h;
    double  step_pt; /* page pt per sample */
    double *v;
};

static void
grid_sample(struct grid *g, const struct scan_page *p, const struct scan_fit *fit, double x_pt, double y_pt, double w_pt,
            double h_pt)
{
    g->step_pt = 1 / (fit->px_per_mm / PT_PER_MM);
    if (g->step_pt < 0.25)
        g->step_pt = 0.25;
    g->w = (int)ceil(w_pt / g->step_pt);
    g->h = (int)ceil(h_pt / g->step_pt);
    if (g->w < 1)
        g->w = 1;
    if (g->h < 1)
        g->h = 1;
    g->v = xmalloc((size_t)g->w * g->h * sizeof *g->v);
    /* The map is affine: one step along a row or down a column adds the same offset in the image. */
    struct scan_point o = scan_fit_apply(fit, (struct scan_point){x_pt + 0.5 * g->step_pt, y_pt + 0.5 * g->step_pt});
    double            ix = fit->a * g->step_pt, iy = fit->d * g->step_pt;
    double            jx = fit->b * g->step_pt, jy = fit->e * g->step_pt;
    for (int j = 0; j < g->h; j++) {
        double qx = o.x + j * jx, qy = o.y + j * jy;
        for (int i = 0; i < g->w; i++, qx += ix, qy += iy)
            g->v[(size_t)j * g->w + i] = scan_page_sample(p, qx, qy);
    }
}

/* The 90th percentile of a grid: the paper white around a field (a histogram: samples are 0..255). */
static double
grid_white(const struct grid *g)
{
    size_t n = (size_t)g->w * g->h, hist[256] = {0};
    for (size_t i = 0; i < n; i++) {
        double v = g->v[i];
        hist[v <= 0 ? 0 : v >= 255 ? 255 : (int)v]++;
    }
    size_t want = (size_t)(0.9 * (n - 1)), sum = 0;
    int    white = 255;
    for (int i = 0; i < 256; i++) {
        sum += hist[i];
        if (sum > want) {
            white = i;
            break;
        }
    }
    return white < 32 ? 32 : white;
}

static double
at(const struct grid *g, int i, int j)
{
    if (i < 0 || j < 0 || i >= g->w || j >= g->h)
        return 255;
    return g->v[(size_t)j * g->w + i];
}

struct scan_box_reading
scan_measure_box(const struct scan_page *p, const struct scan_fit *fit, const struct scan_rect *box)
{
    /* The box and 3 mm around it: room for the frame search and for the local paper white. */
    const double margin = 3 * PT_PER_MM;
    struct grid  g;
    grid_sample(&g, p, fit, box->x_pt - margin, box->y_pt - margin, box->w_pt + 2 * margin, box->h_pt + 2 * margin);
    double white = grid_white(&g);
    double s = g.step_pt;
    /* The frame: the offset within +-0.8 mm where the darkest square outline of the box's size lies. */
    int    bw = (int)lround(box->w_pt / s), bh = (int)lround(box->h_pt / s);
    int    x0 = (int)lround(margin / s), y0 = x0, search = (int)ceil(0.8 * PT_PER_MM / s);
    int    best_dx = 0, best_dy = 0;
    double best = -1;
    for (int dy = -search; dy <= search; dy++)
        for (int dx = -search; dx <= search; dx++) {
            double dark = 0;
            for (int i = 0; i < bw; i++)
                dark += 2 * white - at(&g, x0 + dx + i, y0 + dy) - at(&g, x0 + dx + i, y0 + dy + bh - 1);
            for (int j = 0; j < bh; j++)
                dark += 2 * white - at(&g, x0 + dx, y0 + dy + j) - at(&g, x0 + dx + bw - 1, y0 + dy + j);
            if (dark > best)
                best = dark, best_dx = dx, best_dy = dy;
        }
    /* Inside: the box shrunk to 75 % about its centre, clear of the frame and its blur. */
    double cx = x0 + best_dx + bw / 2.0, cy = y0 + best_dy + bh / 2.0;
    double hw = bw * BOX_INNER_SHARE / 2, hh = bh * BOX_INNER_SHARE / 2;
    size_t n = 0, dark = 0, faint = 0;
    for (int j = (int)ceil(cy - hh); j < (int)floor(cy + hh); j++)
        for (int i = (int)ceil(cx - hw); i < (int)floor(cx + hw); i++) {
            double v = at(&g, i, j);
            n++;
            dark += v < DARK_SHARE * white;
            faint += v < FAINT_SHARE * white;
        }
    free(g.v);
    struct scan_box_reading r = {SCAN_BOX_UNSURE, n ? (double)dark / n : 0};
    double                  faint_share = n ? (double)faint / n : 0;
    if (r.dark_share < BOX_EMPTY_MAX && faint_share < BOX_EMPTY_FAINT_MAX)
        r.state = SCAN_BOX_EMPTY;
    else if (r.dark_share >= BOX_MARKED_MIN && r.dark_share <= BOX_MARKED_MAX)
        r.state = SCAN_BOX_MARKED;
    else if (r.dark_share >= BOX_FILLED_MIN)
        r.state = SCAN_BOX_FILLED;
    return r;
}

struct scan_ink_reading
scan_measure_signature(const struct scan_page *p, const struct scan_fit *fit, const struct scan_signature_field *f)
{
    /* The field above its line: captions sit below it. */
    const struct scan_rect *a = &f->area;
    double                  bottom = fmin(a->y_pt + a->h_pt, f->line_y_pt + 0.5 * PT_PER_MM);
    struct grid             g;
    grid_sample(&g, p, fit, a->x_pt, a->y_pt, a->w_pt, fmax(bottom - a->y_pt, 1));
    double white = grid_white(&g), s = g.step_pt;
    /*
     * The printed line: the darkest row within 1.5 mm of line_y, if it is darker than paper; it and
     * 0.5 mm on either side are left out. A thin line blurred by the scanner is grey, not dark.
     */
    bool  *skip = xcalloc((size_t)g.h, sizeof *skip);
    int    line_row = (int)floor((f->line_y_pt - a->y_pt) / s), reach = (int)ceil(1.5 * PT_PER_MM / s);
    int    pad = (int)ceil(0.5 * PT_PER_MM / s), darkest = -1;
    double darkest_mean = FAINT_SHARE * white * g.w;
    for (int j = line_row - reach; j <= line_row + reach; j++) {
        if (j < 0 || j >= g.h)
            continue;
        double sum = 0;
        for (int i = 0; i < g.w; i++)
            sum += at(&g, i, j);
        if (sum < darkest_mean)
            darkest_mean = sum, darkest = j;
    }
    for (int k = (darkest >= 0 ? darkest : line_row) - pad; k <= (darkest >= 0 ? darkest : line_row) + pad; k++)
        if (k >= 0 && k < g.h)
            skip[k] = true;
    int                     win = (int)lround(2 * PT_PER_MM / s), step = (int)lround(1 * PT_PER_MM / s);
    struct scan_ink_reading r = {SCAN_INK_NONE, 0, 0};
    double                  min_x = INFINITY, max_x = -INFINITY;
    if (win < 1)
        win = 1;
    if (step < 1)
        step = 1;
    for (int wy = 0; wy + win <= g.h; wy += step)
        for (int wx = 0; wx + win <= g.w; wx += step) {
            int n = 0, dark = 0;
            for (int j = wy; j < wy + win; j++) {
                if (skip[j])
                    continue;
                for (int i = wx; i < wx + win; i++) {
                    n++;
                    dark += at(&g, i, j) < DARK_SHARE * white;
                }
            }
            if (n > 0 && dark >= 0.06 * n) {
                r.n_windows++;
                min_x = fmin(min_x, wx), max_x = fmax(max_x, wx + win);
            }
        }
    free(skip);
    free(g.v);
    if (r.n_windows > 0)
        r.extent_mm = (max_x - min_x) * s / PT_PER_MM;
    if (r.extent_mm >= 5 && r.n_windows >= 4)
        r.state = SCAN_INK_PRESENT;
    else if (r.n_windows > 0)
        r.state = SCAN_INK_UNSURE;
    return r;
}
