/*
 * Synthetic scans (scan_synth.h). Shapes are drawn with exact area coverage (rectangles) or distance
 * coverage (strokes), so a rasterised page looks like a scanner's grey image and not like a stamped
 * bitmap; turns use leptonica's area-mapping rotation, degradations its convolution and JPEG codec.
 */
#include "scan_synth.h"

#include <math.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define MM SYNTH_PT_PER_MM
#define SYNTH_PI 3.14159265358979323846

double
synth_uniform(struct synth_rng *r)
{
    /* xorshift64*, fixed by the seed, so every run draws the same corpus. */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (double)((r->s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static double
gauss(struct synth_rng *r)
{
    double u = synth_uniform(r) + 1e-12, v = synth_uniform(r);
    return sqrt(-2 * log(u)) * cos(2 * SYNTH_PI * v);
}

void
synth_page_init(struct synth_page *pg, double dpi)
{
    double s = dpi / 72.0;
    int    w = (int)lround(210 * MM * s), h = (int)lround(297 * MM * s);
    pg->pix = pixCreate(w, h, 8);
    pixSetAllArbitrary(pg->pix, 255);
    pixSetResolution(pg->pix, (int)dpi, (int)dpi);
    pg->dpi = dpi;
    memset(&pg->truth, 0, sizeof pg->truth);
    pg->truth.a = s;
    pg->truth.e = s;
    pg->truth.px_per_mm = dpi / 25.4;
}

void
synth_page_fini(struct synth_page *pg)
{
    pixDestroy(&pg->pix);
}

static void
blend(PIX *pix, int x, int y, double cover, double ink)
{
    if (cover <= 0 || x < 0 || y < 0 || x >= (int)pixGetWidth(pix) || y >= (int)pixGetHeight(pix))
        return;
    if (cover > 1)
        cover = 1;
    l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
    double    old = GET_DATA_BYTE(line, x);
    double    v = old * (1 - cover) + fmin(old, ink) * cover;
    SET_DATA_BYTE(line, x, (int)lround(v));
}

void
synth_fill(struct synth_page *pg, double x, double y, double w, double h, double ink)
{
    /* Upright page only: the page is drawn before it is turned. */
    double s = pg->truth.a;
    double x0 = x * s, y0 = y * s, x1 = (x + w) * s, y1 = (y + h) * s;
    for (int py = (int)floor(y0); py < (int)ceil(y1); py++) {
        double cy = fmin(y1, py + 1) - fmax(y0, py);
        for (int px = (int)floor(x0); px < (int)ceil(x1); px++) {
            double cx = fmin(x1, px + 1) - fmax(x0, px);
            blend(pg->pix, px, py, cx * cy, ink);
        }
    }
}

void
synth_frame(struct synth_page *pg, double x, double y, double w, double h, double lw, double ink)
{
    synth_fill(pg, x, y, w, lw, ink);
    synth_fill(pg, x, y + h - lw, w, lw, ink);
    synth_fill(pg, x, y + lw, lw, h - 2 * lw, ink);
    synth_fill(pg, x + w - lw, y + lw, lw, h - 2 * lw, ink);
}

void
synth_stroke(struct synth_page *pg, double x0, double y0, double x1, double y1, double w, double ink)
{
    double s = pg->truth.a;
    x0 *= s, y0 *= s, x1 *= s, y1 *= s, w *= s;
    double r = w / 2 + 1;
    int    bx0 = (int)floor(fmin(x0, x1) - r), bx1 = (int)ceil(fmax(x0, x1) + r);
    int    by0 = (int)floor(fmin(y0, y1) - r), by1 = (int)ceil(fmax(y0, y1) + r);
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int py = by0; py <= by1; py++)
        for (int px = bx0; px <= bx1; px++) {
            double cx = px + 0.5, cy = py + 0.5;
            double t = len2 > 0 ? ((cx - x0) * dx + (cy - y0) * dy) / len2 : 0;
            t = fmax(0, fmin(1, t));
            double ex = x0 + t * dx - cx, ey = y0 + t * dy - cy;
            blend(pg->pix, px, py, w / 2 - sqrt(ex * ex + ey * ey) + 0.5, ink);
        }
}

void
synth_text(struct synth_page *pg, struct synth_rng *r, double x, double y, double w, double h)
{
    const double cell = 1.9 * MM, xh = 2.0 * MM, sw = 0.28 * MM, lead = 5 * MM;
    for (double ly = y; ly + xh <= y + h; ly += lead) {
        double lx = x;
        while (lx < x + w - 4 * cell) {
            int n = 2 + (int)(synth_uniform(r) * 8);
            for (int i = 0; i < n && lx + cell < x + w; i++, lx += cell) {
                /* A glyph: one or two stems, an ascender now and then, a bar. */
                double asc = synth_uniform(r) < 0.3 ? 1.0 * MM : 0;
                synth_fill(pg, lx, ly - asc, sw, xh + asc, 0);
                if (synth_uniform(r) < 0.6)
                    synth_fill(pg, lx + cell - 0.6 * MM - sw, ly, sw, xh, 0);
                double by = ly + synth_uniform(r) * (xh - sw);
                synth_fill(pg, lx, by, cell - 0.6 * MM, sw, 0);
            }
            lx += 1.8 * MM;
        }
    }
}

static void
draw_qr(struct synth_page *pg, double x, double y, const char *token, double module_mm, struct scan_rect *out)
{
    QRcode *qr = QRcode_encodeString(token, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
    double  m = module_mm * MM;
    for (int row = 0; row < qr->width; row++)
        for (int col = 0; col < qr->width; col++)
            if (qr->data[row * qr->width + col] & 1)
                synth_fill(pg, x + col * m, y + row * m, m, m, 0);
    *out = (struct scan_rect){x, y, qr->width * m, qr->width * m};
    QRcode_free(qr);
}

void
synth_slip(struct synth_page *pg, struct synth_rng *r, double x, double y, const char *token, double module_mm,
           struct scan_slip_geometry *g)
{
    memset(g, 0, sizeof *g);
    g->mark_pt = 4.5 * MM;
    const double cx[4] = {3, 167, 167, 3}, cy[4] = {3, 3, 57, 57};
    for (int i = 0; i < 4; i++) {
        g->marks[i] = (struct scan_point){x + cx[i] * MM, y + cy[i] * MM};
        synth_fill(pg, g->marks[i].x - g->mark_pt / 2, g->marks[i].y - g->mark_pt / 2, g->mark_pt, g->mark_pt, 0);
    }
    /* The code at the top right, 4 modules of quiet zone inside the marks, its token below it. */
    QRcode *qr = QRcode_encodeString(token, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
    double  side = qr->width * module_mm * MM;
    QRcode_free(qr);
    double qx = x + 170 * MM - 9 * MM - side, qy = y + 9 * MM;
    draw_qr(pg, qx, qy, token, module_mm, &g->code);
    synth_text(pg, r, qx, qy + side + 2 * MM, fmin(side, 30 * MM), 2.5 * MM);
    /* School, title, pupil. */
    synth_text(pg, r, x + 10 * MM, y + 8 * MM, qx - x - 20 * MM, 14 * MM);
    /* Ja and Nein with their labels. */
    g->n_boxes = 2;
    g->choices[0] = SCAN_CHOICE_YES;
    g->choices[1] = SCAN_CHOICE_NO;
    g->area = (struct scan_rect){x - 5 * MM, y - 3 * MM, 180 * MM, 66 * MM};
    for (int i = 0; i < 2; i++) {
        g->boxes[i] = (struct scan_rect){x + (12 + 35 * i) * MM, y + 28 * MM, 3.5 * MM, 3.5 * MM};
        synth_frame(pg, g->boxes[i].x_pt, g->boxes[i].y_pt, g->boxes[i].w_pt, g->boxes[i].h_pt, 0.8, 0);
        synth_text(pg, r, g->boxes[i].x_pt + 6 * MM, y + 28.5 * MM, 10 * MM, 2.5 * MM);
    }
    /* Two signature lines with "Ort, Datum" and the caption below. */
    g->n_signatures = 2;
    for (int i = 0; i < 2; i++) {
        double lx = x + (10 + 78 * i) * MM, ly = y + 50 * MM;
        g->signatures[i].area = (struct scan_rect){lx + 25 * MM, y + 38 * MM, 45 * MM, 12 * MM};
        g->signatures[i].line_y_pt = ly;
        synth_fill(pg, lx, ly - 0.25, 70 * MM, 0.5, 0);
        synth_text(pg, r, lx, ly + 1.5 * MM, 60 * MM, 2.5 * MM);
    }
}

void
synth_mark_box(struct synth_page *pg, struct synth_rng *r, const struct scan_rect *b, enum synth_mark m)
{
    double x = b->x_pt, y = b->y_pt, s = b->w_pt;
    double j[6];
    for (int i = 0; i < 6; i++)
        j[i] = (synth_uniform(r) - 0.5) * 0.25 * s;
    switch (m) {
    case SYNTH_NONE:
        break;
    case SYNTH_TICK:
    case SYNTH_PENCIL_TICK:
    case SYNTH_BLUE_TICK: {
        double w = m == SYNTH_PENCIL_TICK ? 0.35 * MM : 0.5 * MM;
        double ink = m == SYNTH_TICK ? 30 : m == SYNTH_PENCIL_TICK ? 150 : 140;
        double mx = x + 0.4 * s + j[0], my = y + 0.85 * s + j[1];
        synth_stroke(pg, x + 0.1 * s + j[2], y + 0.5 * s + j[3], mx, my, w, ink);
        synth_stroke(pg, mx, my, x + 1.1 * s + j[4], y - 0.3 * s + j[5], w, ink);
        break;
    }
    case SYNTH_CROSS:
        synth_stroke(pg, x + j[0], y + j[1], x + s + j[2], y + s + j[3], 0.5 * MM, 30);
        synth_stroke(pg, x + s + j[4], y + j[5], x + j[1], y + s + j[0], 0.5 * MM, 30);
        break;
    case SYNTH_FILLED:
        /* Scribbled over: dense zigzag strokes across the whole box. */
        for (double t = -0.1; t <= 1.1; t += 0.12)
            synth_stroke(pg, x - 0.1 * s, y + t * s, x + 1.1 * s, y + (t + 0.1) * s + j[(int)(t * 10 + 1) % 6], 0.5 * MM, 40);
        break;
    case SYNTH_DOT:
        synth_stroke(pg, x + 0.5 * s + j[0], y + 0.5 * s + j[1], x + 0.5 * s + j[0] + 0.1, y + 0.5 * s + j[1], 0.6 * MM, 30);
        break;
    }
}

void
synth_sign(struct synth_page *pg, struct synth_rng *r, const struct scan_signature_field *f, double ink)
{
    double x = f->area.x_pt + 3 * MM + synth_uniform(r) * 5 * MM;
    double end = x + (25 + synth_uniform(r) * 12) * MM;
    double base = f->line_y_pt - 3 * MM, px = x, py = base;
    while (px < end) {
        double nx = px + (0.8 + synth_uniform(r) * 1.5) * MM;
        double ny = base - synth_uniform(r) * 5 * MM + 1 * MM;
        synth_stroke(pg, px, py, nx, ny, 0.4 * MM, ink);
        px = nx, py = ny;
    }
}

/* truth := R o truth, with R the affine x' = p*x + q*y + t, y' = u*x + v*y + w. */
static void
compose(struct scan_fit *f, double p, double q, double t, double u, double v, double w)
{
    struct scan_fit o = *f;
    f->a = p * o.a + q * o.d, f->b = p * o.b + q * o.e, f->c = p * o.c + q * o.f + t;
    f->d = u * o.a + v * o.d, f->e = u * o.b + v * o.e, f->f = u * o.c + v * o.f + w;
}

void
synth_turn(struct synth_page *pg, double skew_deg, unsigned quarter_turns)
{
    if (skew_deg != 0) {
        double th = skew_deg * SYNTH_PI / 180, cw = pixGetWidth(pg->pix) / 2.0, ch = pixGetHeight(pg->pix) / 2.0;
        PIX   *t = pixRotate(pg->pix, (float)th, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
        pixDestroy(&pg->pix);
        pg->pix = t;
        /* leptonica turns clockwise on screen about the centre: in y-down pixels that is +th. */
        double c = cos(th), s = sin(th);
        compose(&pg->truth, c, -s, cw - c * cw + s * ch, s, c, ch - s * cw - c * ch);
    }
    quarter_turns %= 4;
    if (quarter_turns) {
        double w = pixGetWidth(pg->pix), h = pixGetHeight(pg->pix);
        PIX   *t = pixRotateOrth(pg->pix, (int)quarter_turns);
        pixDestroy(&pg->pix);
        pg->pix = t;
        if (quarter_turns == 1)
            compose(&pg->truth, 0, -1, h, 1, 0, 0);
        else if (quarter_turns == 2)
            compose(&pg->truth, -1, 0, w, 0, -1, h);
        else
            compose(&pg->truth, 0, 1, 0, -1, 0, w);
    }
    pg->truth.quarter_turns = quarter_turns;
}

void
synth_blur(struct synth_page *pg, int half)
{
    PIX *t = pixBlockconv(pg->pix, half, half);
    pixDestroy(&pg->pix);
    pg->pix = t;
}

void
synth_levels(struct synth_page *pg, double paper, double ink)
{
    int       w = pixGetWidth(pg->pix), h = pixGetHeight(pg->pix), wpl = pixGetWpl(pg->pix);
    l_uint32 *data = pixGetData(pg->pix);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double v = GET_DATA_BYTE(data + (size_t)y * wpl, x) / 255.0;
            SET_DATA_BYTE(data + (size_t)y * wpl, x, (int)lround(ink + v * (paper - ink)));
        }
}

void
synth_noise(struct synth_page *pg, struct synth_rng *r, double sigma)
{
    int       w = pixGetWidth(pg->pix), h = pixGetHeight(pg->pix), wpl = pixGetWpl(pg->pix);
    l_uint32 *data = pixGetData(pg->pix);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double v = GET_DATA_BYTE(data + (size_t)y * wpl, x) + sigma * gauss(r);
            SET_DATA_BYTE(data + (size_t)y * wpl, x, (int)fmax(0, fmin(255, lround(v))));
        }
}

void
synth_jpeg(struct synth_page *pg, int quality)
{
    l_uint8 *data = NULL;
    size_t   len = 0;
    if (pixWriteMemJpeg(&data, &len, pg->pix, quality, 0) != 0)
        abort();
    PIX *t = pixReadMemJpeg(data, len, 0, 1, NULL, 0);
    free(data);
    if (!t)
        abort();
    pixDestroy(&pg->pix);
    pg->pix = t;
}

void
synth_threshold(struct synth_page *pg, int thresh)
{
    PIX *b = pixThresholdToBinary(pg->pix, thresh);
    PIX *t = pixConvert1To8(NULL, b, 255, 0);
    pixDestroy(&b);
    pixDestroy(&pg->pix);
    pg->pix = t;
}
