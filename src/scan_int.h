/*
 * Shared by the files of the scan module (scan_image.c, scan_code.c, scan_zxing.cpp, scan_register.c,
 * scan_measure.c) and its unit tests: the leptonica image behind a page, and the C face of the one C++
 * file (zxing-cpp has no C API).
 */
#ifndef CONSENTGEN_SCAN_INT_H
#define CONSENTGEN_SCAN_INT_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stddef.h>

#ifndef __cplusplus
#include <leptonica/allheaders.h>

#include "consentgen/scan.h"

/* Wraps pix (8 bpp, taken over) as page number of file name (copied). */
struct scan_page *scan_page_from_pix(PIX *pix, const char *name, unsigned number, double dpi);
/* The page's image (borrowed, 8 bpp grey). */
PIX *scan_page_pix(const struct scan_page *p);
/* Grey value at (x, y) with bilinear interpolation; outside the image: white. */
double scan_page_sample(const struct scan_page *p, double x, double y);
/* Switches leptonica's messages on stderr off (once per process; only cli may print). */
void scan_quiet_libraries(void);
#endif

/* One symbol as zxing-cpp reports it. */
struct scan_raw_code {
    char   text[128]; /* NUL-terminated; longer texts are flagged with is_truncated */
    int    is_truncated;
    double x[4], y[4]; /* px: top-left, top-right, bottom-right, bottom-left of the symbol */
};
/*
 * Reads every QR code in a grey image (bytes in memory order, stride bytes per row) into out (at most
 * max); returns how many. Never throws: any exception of the library means no code.
 */
size_t scan_zxing_read(const unsigned char *grey, int width, int height, int stride, struct scan_raw_code *out,
                       size_t max);

#ifdef __cplusplus
}
#endif

#endif
