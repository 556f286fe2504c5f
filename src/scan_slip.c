/*
 * scan: one return slip read whole, and what else a page shows. A slip is registered from its corner
 * marks, each check box and signature line is measured (scan_measure.c), and the answer is derived by
 * the rule "a wrong Ja or Nein is worse than none": Ja or Nein only when exactly one of the two boxes is
 * ticked, the other is empty, no box is filled over or unsure and every signature line printed for the
 * pupil has ink; anything else is "unklar" with the reasons a person reads in the review file.
 * For the review, a slip is cut out of the page through its fit, upright, as a small JPEG picture.
 * For pages whose codes cannot all be read, the filled squares of a corner mark's size are found on
 * the whole page (at a reduced resolution, as auto-multiple-choice finds its marks: connected
 * components of about the expected size, filled), and a blank page (the back of a sheet) is told apart.
 */
#include "consentgen/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "scan_int.h"

#define PT_PER_MM (72.0 / 25.4)
/* Space around the corner marks that the review's picture shows. */
#define AREA_SIDE_MM 5.0
#define AREA_TOP_MM 3.0
#define AREA_BOTTOM_MM 4.0
/* The review's pictures: plain JPEG, sharp enough to read a name and a tick. */
#define PICTURE_QUALITY 70
/* On the whole page, marks are looked for at this many pixels per side or a little more. */
#define PAGE_MARK_PX 12.0
/* The whole-page search is stricter on size than the search near a code: a filled 3.5 mm box is no mark. */
#define PAGE_MARK_TOLERANCE 0.15
/* Ink on a page: darker than this share of its paper white; a page with less than this share is blank. */
#define BLANK_DARK_SHARE 0.6
#define BLANK_MAX_INK 0.0005

static enum scan_choice
choice_of(enum layout_role role)
{
    switch (role) {
    case LAYOUT_ROLE_BOX_YES:
        return SCAN_CHOICE_YES;
    case LAYOUT_ROLE_BOX_NO:
        return SCAN_CHOICE_NO;
    default:
        return SCAN_CHOICE_OTHER;
    }
}

static enum scan_signer
signer_of(enum layout_role role)
{
    switch (role) {
    case LAYOUT_ROLE_SIGN_GUARDIAN:
        return SCAN_SIGNER_GUARDIAN;
    case LAYOUT_ROLE_SIGN_PUPIL:
        return SCAN_SIGNER_PUPIL;
    default:
        return SCAN_SIGNER_ANY;
    }
}

static struct scan_rect
rect_of(const struct layout_rect *r)
{
    return (struct scan_rect){r->x_pt, r->y_pt, r->w_pt, r->h_pt};
}

void
scan_geometry_from_slip(const struct layout_slip *s, struct scan_slip_geometry *g)
{
    memset(g, 0, sizeof *g);
    g->mark_pt = s->mark_pt;
    for (int k = 0; k < 4; k++)
        g->marks[k] = (struct scan_point){s->marks_x_pt[k], s->marks_y_pt[k]};
    g->code = rect_of(&s->code);
    for (size_t i = 0; i < s->n_boxes && g->n_boxes < SCAN_MAX_BOXES; i++) {
        g->boxes[g->n_boxes] = rect_of(&s->boxes[i].rect);
        g->choices[g->n_boxes++] = choice_of(s->boxes[i].choice);
    }
    for (size_t i = 0; i < s->n_signatures && g->n_signatures < SCAN_MAX_SIGNATURES; i++)
        g->signatures[g->n_signatures++] = (struct scan_signature_field){
            rect_of(&s->signatures[i].area), s->signatures[i].line_y_pt, signer_of(s->signatures[i].signer)};
    /* The picture: from just above the cut line's marks to below the bottom ones, a little to the sides. */
    double half = s->mark_pt / 2, x0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (int k = 0; k < 4; k++) {
        x0 = fmin(x0, s->marks_x_pt[k] - half);
        x1 = fmax(x1, s->marks_x_pt[k] + half);
        y1 = fmax(y1, s->marks_y_pt[k] + half);
    }
    double y0 = fmin(s->cut_y_pt, s->marks_y_pt[0] - half) - AREA_TOP_MM * PT_PER_MM;
    x0 -= AREA_SIDE_MM * PT_PER_MM;
    x1 += AREA_SIDE_MM * PT_PER_MM;
    y1 += AREA_BOTTOM_MM * PT_PER_MM;
    g->area = (struct scan_rect){x0, y0, x1 - x0, y1 - y0};
}

bool
scan_fit_from_code(const struct scan_code *code, const struct scan_rect *r, struct scan_fit *fit)
{
    const struct scan_point corners[4] = {{r->x_pt, r->y_pt},
                                          {r->x_pt + r->w_pt, r->y_pt},
                                          {r->x_pt + r->w_pt, r->y_pt + r->h_pt},
                                          {r->x_pt, r->y_pt + r->h_pt}};
    return scan_fit_affine(corners, code->corners, 4, fit);
}

/* The state of the first box meaning choice; EMPTY if the slip has none (then `has` is false). */
static enum scan_box_state
box_of(const struct scan_slip_geometry *g, const struct scan_slip_reading *r, enum scan_choice choice, bool *has)
{
    for (size_t i = 0; i < g->n_boxes; i++)
        if (g->choices[i] == choice) {
            *has = true;
            return r->boxes[i].state;
        }
    *has = false;
    return SCAN_BOX_EMPTY;
}

/* What the Ja and Nein boxes say, and why not when they say nothing clear. */
static enum register_answer
decide_boxes(enum scan_box_state yes, enum scan_box_state no, unsigned *reasons)
{
    if (yes == SCAN_BOX_FILLED || no == SCAN_BOX_FILLED)
        *reasons |= SCAN_REVIEW_FILLED;
    if (yes == SCAN_BOX_UNSURE || no == SCAN_BOX_UNSURE)
        *reasons |= SCAN_REVIEW_BOX_UNSURE;
    if (*reasons & (SCAN_REVIEW_FILLED | SCAN_REVIEW_BOX_UNSURE))
        return REGISTER_ANSWER_UNCLEAR;
    if (yes == SCAN_BOX_MARKED && no == SCAN_BOX_MARKED) {
        *reasons |= SCAN_REVIEW_BOTH_TICKED;
        return REGISTER_ANSWER_UNCLEAR;
    }
    if (yes == SCAN_BOX_MARKED)
        return REGISTER_ANSWER_YES;
    if (no == SCAN_BOX_MARKED)
        return REGISTER_ANSWER_NO;
    *reasons |= SCAN_REVIEW_NONE_TICKED;
    return REGISTER_ANSWER_UNCLEAR;
}

void
scan_read_slip(const struct scan_page *p, const struct scan_code *code, const struct scan_slip_geometry *g,
               struct scan_slip_reading *out)
{
    memset(out, 0, sizeof *out);
    out->ticked = REGISTER_ANSWER_UNCLEAR;
    out->answer = REGISTER_ANSWER_UNCLEAR;
    out->signature = REGISTER_SIGNATURE_UNCLEAR;
    out->registered = scan_register_slip(p, code, g, &out->fit);
    if (out->registered != SCAN_REGISTERED) {
        /* Without the marks nothing is measured: a box read through the code alone could be the wrong one. */
        out->reasons |= out->registered == SCAN_MARKS_MISSING ? SCAN_REVIEW_MARKS_MISSING : SCAN_REVIEW_MARKS_DISAGREE;
        if (!scan_fit_from_code(code, &g->code, &out->fit))
            memset(&out->fit, 0, sizeof out->fit);
        return;
    }
    for (size_t i = 0; i < g->n_boxes; i++)
        out->boxes[i] = scan_measure_box(p, &out->fit, &g->boxes[i]);
    bool                has_yes, has_no;
    enum scan_box_state yes = box_of(g, out, SCAN_CHOICE_YES, &has_yes);
    enum scan_box_state no = box_of(g, out, SCAN_CHOICE_NO, &has_no);
    if (has_yes && has_no)
        out->ticked = decide_boxes(yes, no, &out->reasons);
    else
        out->reasons |= SCAN_REVIEW_BOX_UNSURE; /* a slip without both boxes is no yes-or-no question */

    bool missing = false, unsure = false;
    for (size_t i = 0; i < g->n_signatures; i++) {
        out->signatures[i] = scan_measure_signature(p, &out->fit, &g->signatures[i]);
        missing |= out->signatures[i].state == SCAN_INK_NONE;
        unsure |= out->signatures[i].state == SCAN_INK_UNSURE;
    }
    if (missing)
        out->reasons |= SCAN_REVIEW_SIGNATURE_MISSING;
    if (unsure)
        out->reasons |= SCAN_REVIEW_SIGNATURE_UNSURE;
    out->signature = g->n_signatures == 0 ? REGISTER_SIGNATURE_NONE
                     : missing            ? REGISTER_SIGNATURE_MISSING
                     : unsure             ? REGISTER_SIGNATURE_UNCLEAR
                                          : REGISTER_SIGNATURE_YES;
    out->answer = out->reasons ? REGISTER_ANSWER_UNCLEAR : out->ticked;
}

/* ---- pictures ---- */

void
scan_picture_fini(struct scan_picture *pic)
{
    buf_fini(&pic->jpeg);
    pic->w_px = pic->h_px = 0;
}

static bool
encode(PIX *pix, struct scan_picture *pic)
{
    l_uint8 *data = NULL;
    size_t   size = 0;
    bool     ok = pixWriteMemJpeg(&data, &size, pix, PICTURE_QUALITY, 0) == 0 && data;
    buf_init(&pic->jpeg);
    if (ok) {
        buf_append(&pic->jpeg, (const char *)data, size);
        pic->w_px = (unsigned)pixGetWidth(pix);
        pic->h_px = (unsigned)pixGetHeight(pix);
    }
    lept_free(data);
    return ok;
}

bool
scan_picture_of_area(const struct scan_page *p, const struct scan_fit *fit, const struct scan_rect *area,
                     double dpi, struct scan_picture *pic)
{
    memset(pic, 0, sizeof *pic);
    double step = 72.0 / dpi;
    int    w = (int)ceil(area->w_pt / step), h = (int)ceil(area->h_pt / step);
    if (!(dpi > 0) || w < 1 || h < 1 || w > 8000 || h > 8000 || !(fit->px_per_mm > 0))
        return false;
    PIX *pix = pixCreate(w, h, 8);
    if (!pix)
        return false;
    l_uint32 *data = pixGetData(pix);
    int       wpl = pixGetWpl(pix);
    /* The map is affine: a step along a row or down a column adds the same offset in the image. */
    struct scan_point o = scan_fit_apply(fit, (struct scan_point){area->x_pt + 0.5 * step, area->y_pt + 0.5 * step});
    for (int j = 0; j < h; j++) {
        double qx = o.x + j * fit->b * step, qy = o.y + j * fit->e * step;
        for (int i = 0; i < w; i++, qx += fit->a * step, qy += fit->d * step) {
            double v = scan_page_sample(p, qx, qy);
            SET_DATA_BYTE(data + (size_t)j * wpl, i, (l_uint32)(v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5));
        }
    }
    bool ok = encode(pix, pic);
    pixDestroy(&pix);
    return ok;
}

double
scan_page_px_per_mm(const struct scan_page *p)
{
    double dpi = scan_page_dpi(p);
    if (dpi > 0)
        return dpi / 25.4;
    /* Unknown: the longer side is taken for A4's 297 mm, what a copier's glass holds. */
    unsigned w = scan_page_width(p), h = scan_page_height(p);
    return (w > h ? w : h) / 297.0;
}

bool
scan_picture_of_page(const struct scan_page *p, double dpi, struct scan_picture *pic)
{
    memset(pic, 0, sizeof *pic);
    float scale = (float)(dpi / 25.4 / scan_page_px_per_mm(p));
    if (scale > 1)
        scale = 1;
    PIX *small = pixScale(scan_page_pix(p), scale, scale);
    if (!small)
        return false;
    bool ok = encode(small, pic);
    pixDestroy(&small);
    return ok;
}

/* ---- the whole page ---- */

/*
 * The page reduced by halving until it is no smaller than factor (<= 1) of its size (averaging 2 x 2
 * pixels each time: fast and exact), its factor in *got, and its paper white (95th percentile).
 */
static PIX *
reduced(const struct scan_page *p, double factor, double *got, int *white)
{
    PIX *pix = pixClone(scan_page_pix(p));
    *got = 1;
    while (pix && *got / 2 >= factor && pixGetWidth(pix) >= 64 && pixGetHeight(pix) >= 64) {
        PIX *half = pixScaleAreaMap2(pix);
        pixDestroy(&pix);
        pix = half;
        *got /= 2;
    }
    *white = 255;
    if (!pix)
        return NULL;
    /* Every other pixel of every other row is enough for a percentile of the whole page. */
    NUMA *hist = pixGetGrayHistogram(pix, 2);
    if (hist) {
        l_float32 total = 0, v, sum = 0;
        for (int i = 0; i < 256; i++)
            total += (numaGetFValue(hist, i, &v), v);
        for (int i = 0; i < 256; i++) {
            sum += (numaGetFValue(hist, i, &v), v);
            if (sum >= 0.95f * total) {
                *white = i;
                break;
            }
        }
        numaDestroy(&hist);
    }
    return pix;
}

bool
scan_page_is_blank(const struct scan_page *p)
{
    /* About 50 dpi is plenty to see whether there is ink; the outer 3 % may be the scanner's dark edge. */
    double factor;
    int    white;
    PIX   *pix = reduced(p, fmin(1.0, 2.0 / scan_page_px_per_mm(p)), &factor, &white);
    if (!pix)
        return false;
    int      w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
    int      mx = w * 3 / 100, my = h * 3 / 100;
    double   thresh = BLANK_DARK_SHARE * white;
    size_t   n = 0, dark = 0;
    l_uint32 *data = pixGetData(pix);
    for (int y = my; y < h - my; y++)
        for (int x = mx; x < w - mx; x++) {
            n++;
            dark += GET_DATA_BYTE(data + (size_t)y * wpl, x) < thresh;
        }
    pixDestroy(&pix);
    return n > 0 && (double)dark / n < BLANK_MAX_INK;
}

size_t
scan_find_all_marks(const struct scan_page *p, double side_px, struct scan_point *out, size_t max)
{
    double factor;
    int    white;
    PIX   *pix = reduced(p, side_px > PAGE_MARK_PX ? PAGE_MARK_PX / side_px : 1.0, &factor, &white);
    if (!pix)
        return 0;
    PIX *bin = pixThresholdToBinary(pix, (int)(0.6 * white) + 1);
    pixDestroy(&pix);
    if (!bin)
        return 0;
    PIXA  *comps = NULL;
    BOXA  *boxes = pixConnComp(bin, &comps, 8);
    double side = side_px * factor, lo = side * (1 - PAGE_MARK_TOLERANCE), hi = side * (1 + PAGE_MARK_TOLERANCE);
    size_t n = 0;
    /* Reduced, a mark's edge is a partly dark pixel on either side: one pixel more or less is its size. */
    lo -= 1, hi += 1;
    for (int i = 0; boxes && i < boxaGetCount(boxes); i++) {
        l_int32 bx, by, bw, bh, count = 0;
        boxaGetBoxGeometry(boxes, i, &bx, &by, &bw, &bh);
        /* Skewed by up to 3 degrees, a square's bounding box grows by up to 10 %. */
        if (bw < lo || bh < lo || bw > hi * 1.1 || bh > hi * 1.1)
            continue;
        PIX      *c = pixaGetPix(comps, i, L_CLONE);
        l_float32 cx = 0, cy = 0;
        pixCountPixels(c, &count, NULL);
        pixCentroid(c, NULL, NULL, &cx, &cy);
        pixDestroy(&c);
        if (count < 0.75 * (double)bw * bh || count < lo * lo || count > hi * hi)
            continue;
        if (n < max)
            out[n] = (struct scan_point){(bx + cx + 0.5) / factor, (by + cy + 0.5) / factor};
        n++;
    }
    boxaDestroy(&boxes);
    pixaDestroy(&comps);
    pixDestroy(&bin);
    return n;
}
