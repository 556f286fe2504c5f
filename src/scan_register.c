/*
 * scan: registering a slip, i.e. the map from page pt to image px. The slip's QR code gives the first
 * estimate (its four corners in the symbol's own order, so any quarter turn is known) and the scale;
 * then the four filled corner marks are searched one after the other, nearest first, each around where
 * the fit so far puts it, and each found mark sharpens the fit for the next (as auto-multiple-choice
 * does with its corner marks: connected components of about the expected size, a least-squares affine
 * fit, a retry with three). The final fit uses only the marks; one whose marks stray more than 1 mm
 * from the slip's shape is refused rather than guessed.
 */
#include "consentgen/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "scan_int.h"

#define PT_PER_MM (72.0 / 25.4)
/* A fit whose marks stray further than this is refused. */
#define MAX_RESIDUAL_MM 1.0
/* Marks may differ from their printed size by this share (toner, blur, scaling). */
#define MARK_SIZE_TOLERANCE 0.25

struct scan_point
scan_fit_apply(const struct scan_fit *f, struct scan_point pt)
{
    return (struct scan_point){f->a * pt.x + f->b * pt.y + f->c, f->d * pt.x + f->e * pt.y + f->f};
}

static double
det3(double m[3][3])
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/* Solves m * x = r by Cramer's rule; false when m is singular. */
static bool
solve3(double m[3][3], const double r[3], double x[3])
{
    double d = det3(m);
    if (fabs(d) < 1e-12)
        return false;
    for (int k = 0; k < 3; k++) {
        double t[3][3];
        memcpy(t, m, sizeof t);
        for (int i = 0; i < 3; i++)
            t[i][k] = r[i];
        x[k] = det3(t) / d;
    }
    return true;
}

bool
scan_fit_affine(const struct scan_point *pt, const struct scan_point *px, size_t n, struct scan_fit *fit)
{
    if (n < 3)
        return false;
    /* Normal equations on centred page points keep the sums well conditioned. */
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++)
        mx += pt[i].x / n, my += pt[i].y / n;
    double m[3][3] = {{0}}, rx[3] = {0}, ry[3] = {0};
    for (size_t i = 0; i < n; i++) {
        double v[3] = {pt[i].x - mx, pt[i].y - my, 1};
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++)
                m[r][c] += v[r] * v[c];
            rx[r] += v[r] * px[i].x;
            ry[r] += v[r] * px[i].y;
        }
    }
    double sx[3], sy[3];
    if (!solve3(m, rx, sx) || !solve3(m, ry, sy))
        return false;
    memset(fit, 0, sizeof *fit);
    fit->a = sx[0], fit->b = sx[1], fit->c = sx[2] - sx[0] * mx - sx[1] * my;
    fit->d = sy[0], fit->e = sy[1], fit->f = sy[2] - sy[0] * mx - sy[1] * my;
    double scale = sqrt(fabs(fit->a * fit->e - fit->b * fit->d)); /* px per pt */
    if (!(scale > 1e-6))
        return false;
    fit->px_per_mm = scale * PT_PER_MM;
    for (size_t i = 0; i < n; i++) {
        struct scan_point q = scan_fit_apply(fit, pt[i]);
        double            r = hypot(q.x - px[i].x, q.y - px[i].y) / fit->px_per_mm;
        if (r > fit->residual_mm)
            fit->residual_mm = r;
    }
    fit->n_marks = (unsigned)n;
    /* Page +x points this way in the image: 0 right, 1 down, 2 left, 3 up (clockwise turns). */
    double angle = atan2(fit->d, fit->a) * 2 / 3.14159265358979323846;
    fit->quarter_turns = (unsigned)(((long)lround(angle) % 4 + 4) % 4);
    return true;
}

/* 95th percentile of the grey values of pix: its paper white. */
static int
paper_white(PIX *pix)
{
    NUMA *hist = pixGetGrayHistogram(pix, 1);
    if (!hist)
        return 255;
    l_float32 total = 0, v, sum = 0;
    for (int i = 0; i < 256; i++)
        total += (numaGetFValue(hist, i, &v), v);
    int white = 255;
    for (int i = 0; i < 256; i++) {
        sum += (numaGetFValue(hist, i, &v), v);
        if (sum >= 0.95f * total) {
            white = i;
            break;
        }
    }
    numaDestroy(&hist);
    return white;
}

bool
scan_find_mark(const struct scan_page *p, struct scan_point want, double side_px, double radius_px,
               struct scan_point *found)
{
    PIX *page = scan_page_pix(p);
    int  reach = (int)ceil(radius_px + side_px);
    BOX *area = boxCreate((int)floor(want.x) - reach, (int)floor(want.y) - reach, 2 * reach, 2 * reach);
    BOX *clipped = NULL;
    PIX *crop = area ? pixClipRectangle(page, area, &clipped) : NULL;
    boxDestroy(&area);
    l_int32 ox = 0, oy = 0;
    if (clipped)
        boxGetGeometry(clipped, &ox, &oy, NULL, NULL);
    boxDestroy(&clipped);
    if (!crop)
        return false;
    /* Dark is darker than 60 % of the local paper white (auto-multiple-choice's rule). */
    int  thresh = (int)(0.6 * paper_white(crop)) + 1;
    PIX *bin = pixThresholdToBinary(crop, thresh);
    pixDestroy(&crop);
    if (!bin)
        return false;
    PIXA *comps = NULL;
    BOXA *boxes = pixConnComp(bin, &comps, 8);
    pixDestroy(&bin);
    bool   ok = false;
    double best = radius_px;
    /* A square turned by up to 45 degrees has a bounding box up to sqrt(2) times its side. */
    double lo = side_px * (1 - MARK_SIZE_TOLERANCE), hi = side_px * (1 + MARK_SIZE_TOLERANCE);
    for (int i = 0; boxes && i < boxaGetCount(boxes); i++) {
        l_int32 bx, by, bw, bh, count = 0;
        boxaGetBoxGeometry(boxes, i, &bx, &by, &bw, &bh);
        if (bw < lo || bh < lo || bw > hi * 1.12 || bh > hi * 1.12)
            continue;
        PIX *c = pixaGetPix(comps, i, L_CLONE);
        pixCountPixels(c, &count, NULL);
        l_float32 cx = 0, cy = 0;
        pixCentroid(c, NULL, NULL, &cx, &cy);
        pixDestroy(&c);
        /* Filled and of the right area: the ink covers most of its box and about side squared. */
        double area_px = (double)count;
        if (area_px < 0.75 * (double)bw * bh || area_px < lo * lo || area_px > hi * hi)
            continue;
        struct scan_point centre = {ox + bx + cx + 0.5, oy + by + cy + 0.5};
        double            dist = hypot(centre.x - want.x, centre.y - want.y);
        if (dist <= best) {
            best = dist;
            *found = centre;
            ok = true;
        }
    }
    boxaDestroy(&boxes);
    pixaDestroy(&comps);
    return ok;
}

enum scan_register_result
scan_register_slip(const struct scan_page *p, const struct scan_code *code, const struct scan_slip_geometry *g,
                   struct scan_fit *fit)
{
    /* Up to 4 code corners and 4 marks, page pt and image px side by side. */
    struct scan_point pt[8], px[8];
    size_t            n = 0;
    const struct scan_rect *r = &g->code;
    const struct scan_point corners[4] = {
        {r->x_pt, r->y_pt}, {r->x_pt + r->w_pt, r->y_pt}, {r->x_pt + r->w_pt, r->y_pt + r->h_pt}, {r->x_pt, r->y_pt + r->h_pt}};
    for (int i = 0; i < 4; i++, n++)
        pt[n] = corners[i], px[n] = code->corners[i];
    struct scan_fit cur;
    if (!scan_fit_affine(pt, px, n, &cur))
        return SCAN_MARKS_MISSING;

    /* Nearest mark to the code first: it is predicted best and makes the next prediction better. */
    struct scan_point centre = {r->x_pt + r->w_pt / 2, r->y_pt + r->h_pt / 2};
    int               order[4] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (hypot(g->marks[order[j]].x - centre.x, g->marks[order[j]].y - centre.y) <
                hypot(g->marks[order[i]].x - centre.x, g->marks[order[i]].y - centre.y)) {
                int t = order[i];
                order[i] = order[j], order[j] = t;
            }
    struct scan_point mark_pt[4], mark_px[4];
    size_t            n_marks = 0;
    for (int k = 0; k < 4; k++) {
        const struct scan_point *m = &g->marks[order[k]];
        double dist_mm = hypot(m->x - centre.x, m->y - centre.y) / PT_PER_MM;
        /* The code alone fixes the angle to about one module over its width: allow for that far out. */
        double radius_mm = n_marks == 0 ? 4 + 0.06 * dist_mm : 3;
        struct scan_point got;
        if (!scan_find_mark(p, scan_fit_apply(&cur, *m), g->mark_pt * cur.px_per_mm / PT_PER_MM,
                            radius_mm * cur.px_per_mm, &got))
            continue;
        mark_pt[n_marks] = *m, mark_px[n_marks] = got, n_marks++;
        pt[n] = *m, px[n] = got, n++;
        struct scan_fit next;
        if (scan_fit_affine(pt, px, n, &next))
            cur = next;
    }
    if (n_marks < 3)
        return SCAN_MARKS_MISSING;
    if (!scan_fit_affine(mark_pt, mark_px, n_marks, fit))
        return SCAN_MARKS_DISAGREE;
    /* Three marks fit any affine map exactly: then the code's centre is the check. */
    struct scan_point want = scan_fit_apply(fit, centre), got = {0, 0};
    for (int i = 0; i < 4; i++)
        got.x += code->corners[i].x / 4, got.y += code->corners[i].y / 4;
    double code_off_mm = hypot(want.x - got.x, want.y - got.y) / fit->px_per_mm;
    if (fit->residual_mm > MAX_RESIDUAL_MM || code_off_mm > 2 * MAX_RESIDUAL_MM)
        return SCAN_MARKS_DISAGREE;
    return SCAN_REGISTERED;
}
