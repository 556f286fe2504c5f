/*
 * scan: the QR codes of a page, read with zxing-cpp (scan_zxing.cpp) in any of the four orientations.
 * The corners come back in the symbol's own order (its top-left first), so a caller knows which way the
 * slip is turned. A scan of 250 dpi or more is read first at half its resolution (a 0.9 mm module is
 * still 5 pixels wide, and zxing-cpp's time grows with the pixels), and at its own resolution only if
 * that finds nothing. A page with no code at all is read once more with its contrast stretched from
 * its own paper white and darkest ink, which brings back faint prints and light scans.
 */
#include "consentgen/scan.h"

#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "consentgen/util.h"
#include "scan_int.h"

/* More codes than slips fit on an A3 page would be noise. */
#define MAX_CODES 32
/* From this resolution on, codes are looked for at half of it first. */
#define HALVE_FROM_DPI 250.0

static size_t
read_pix(PIX *pix, struct scan_raw_code *raw, size_t max)
{
    /* zxing-cpp wants bytes in memory order; leptonica keeps them in 32-bit words. */
    PIX *bytes = pixCopy(NULL, pix);
    if (!bytes)
        return 0;
    pixEndianByteSwap(bytes);
    size_t n = scan_zxing_read((const unsigned char *)pixGetData(bytes), pixGetWidth(bytes), pixGetHeight(bytes),
                               pixGetWpl(bytes) * 4, raw, max);
    pixDestroy(&bytes);
    return n;
}

/* pix with its 1st percentile mapped to black and its 99th to white. */
static PIX *
stretched(PIX *pix)
{
    NUMA *hist = pixGetGrayHistogram(pix, 2);
    if (!hist)
        return NULL;
    l_float32 total = 0, v;
    for (int i = 0; i < 256; i++)
        total += (numaGetFValue(hist, i, &v), v);
    int       lo = 0, hi = 255;
    l_float32 sum = 0;
    for (int i = 0; i < 256; i++) {
        sum += (numaGetFValue(hist, i, &v), v);
        if (sum <= 0.01f * total)
            lo = i;
        if (sum < 0.99f * total)
            hi = i + 1;
    }
    numaDestroy(&hist);
    if (hi - lo < 16)
        return NULL;
    return pixGammaTRC(NULL, pix, 1.0f, lo, hi);
}

void
scan_read_codes(const struct scan_page *p, struct scan_codes *out)
{
    struct scan_raw_code raw[MAX_CODES];
    PIX                 *pix = scan_page_pix(p);
    size_t               n = 0;
    double               dpi = scan_page_dpi(p);
    if (dpi >= HALVE_FROM_DPI) {
        PIX *half = pixScaleAreaMap2(pix);
        n = half ? read_pix(half, raw, MAX_CODES) : 0;
        pixDestroy(&half);
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < 4; k++) {
                /* A pixel of the half image covers two of the page's: its centre is at 2 x + 0.5. */
                raw[i].x[k] = 2 * raw[i].x[k] + 0.5;
                raw[i].y[k] = 2 * raw[i].y[k] + 0.5;
            }
    }
    if (n == 0)
        n = read_pix(pix, raw, MAX_CODES);
    if (n == 0) {
        PIX *s = stretched(pix);
        if (s)
            n = read_pix(s, raw, MAX_CODES);
        pixDestroy(&s);
    }
    out->v = n ? xcalloc(n, sizeof *out->v) : NULL;
    out->n = 0;
    for (size_t i = 0; i < n; i++) {
        /* A text that did not fit is no token of ours; it is left out. */
        if (raw[i].is_truncated)
            continue;
        struct scan_code *c = &out->v[out->n++];
        c->text = xstrdup(raw[i].text);
        for (int k = 0; k < 4; k++)
            c->corners[k] = (struct scan_point){raw[i].x[k], raw[i].y[k]};
    }
}

void
scan_codes_fini(struct scan_codes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].text);
    free(c->v);
    c->v = NULL;
    c->n = 0;
}
