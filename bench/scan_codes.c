/*
 * The code-reader comparison of docs/scanning.md: zbar (C API) against zxing-cpp (through the scan
 * module's own wrapper, src/scan_zxing.cpp) on synthetic A4 scans (tests/unit/scan_synth.c) with two
 * return slips each, whose QR codes carry tokens like CG1-7K2MQ4XPA3ZQB. Every combination of module
 * size (0.6, 0.8, 1.0 mm), resolution (150, 200, 300 dpi) and degradation is drawn TRIALS times
 * (default 2), each time turned by a different quarter turn and skewed by a random angle within +-3
 * degrees. A code counts as read when its token comes back exactly and the reported corners give the
 * symbol's orientation right; a wrong text is counted apart. Prints Markdown tables on stdout.
 * usage: scan_codes [TRIALS]
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>
#include <zbar.h>

#include "scan_int.h"
#include "scan_synth.h"

#define MM SYNTH_PT_PER_MM
#define PI 3.14159265358979323846

enum { N_MODULES = 3, N_DPI = 3, N_DECODERS = 2, SLIPS = 2 };
static const double MODULES[N_MODULES] = {0.6, 0.8, 1.0};
static const double DPIS[N_DPI] = {150, 200, 300};
static const char  *DECODERS[N_DECODERS] = {"zbar", "zxing-cpp"};

enum cond { C_CLEAN, C_BLUR, C_NOISE, C_JPEG15, C_JPEG40, C_JPEG65, C_BW, C_BW_DARK, C_LIGHT, C_DARK, C_COPIER, N_COND };
static const char *COND_NAMES[N_COND] = {
    "clean (anti-aliased, skewed)", "blurred (box 3 px, 5 px at 300 dpi)", "noise sigma 25",
    "JPEG q15", "JPEG q40", "JPEG q65", "black and white (threshold 128)", "black and white, dark (threshold 170)",
    "light (paper 245, ink 150)", "dark (paper 150, ink 20)", "copier (blur, noise 12, JPEG q30)",
};

struct found {
    char   text[128];
    double x[4], y[4];
};

struct tally {
    unsigned read, total, wrong, turned_wrong;
    double   ms;
    unsigned pages;
};

static size_t
read_zbar(zbar_image_scanner_t *sc, const unsigned char *grey, int w, int h, int stride, struct found *out, size_t max)
{
    /* zbar wants rows without padding. */
    unsigned char *buf = malloc((size_t)w * h);
    for (int y = 0; y < h; y++)
        memcpy(buf + (size_t)y * w, grey + (size_t)y * stride, (size_t)w);
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, buf, (unsigned long)w * h, NULL);
    zbar_scan_image(sc, img);
    size_t n = 0;
    for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s && n < max; s = zbar_symbol_next(s)) {
        struct found *f = &out[n++];
        snprintf(f->text, sizeof f->text, "%s", zbar_symbol_get_data(s));
        /* zbar gives a QR code's corners as top-left, bottom-left, bottom-right, top-right. */
        static const int order[4] = {0, 3, 2, 1};
        unsigned         k = zbar_symbol_get_loc_size(s);
        for (int i = 0; i < 4; i++) {
            int j = order[i] < (int)k ? order[i] : 0;
            f->x[i] = zbar_symbol_get_loc_x(s, (unsigned)j);
            f->y[i] = zbar_symbol_get_loc_y(s, (unsigned)j);
        }
    }
    zbar_image_destroy(img);
    free(buf);
    return n;
}

static size_t
read_zxing(const unsigned char *grey, int w, int h, int stride, struct found *out, size_t max)
{
    struct scan_raw_code raw[8];
    size_t               n = scan_zxing_read(grey, w, h, stride, raw, max < 8 ? max : 8);
    for (size_t i = 0; i < n; i++) {
        memcpy(out[i].text, raw[i].text, sizeof out[i].text);
        memcpy(out[i].x, raw[i].x, sizeof out[i].x);
        memcpy(out[i].y, raw[i].y, sizeof out[i].y);
    }
    return n;
}

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void
random_token(struct synth_rng *r, char out[16])
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    memcpy(out, "CG1-", 4);
    for (int i = 4; i < 15; i++)
        out[i] = b32[(int)(synth_uniform(r) * 32)];
    out[15] = '\0';
}

static void
degrade(struct synth_page *pg, struct synth_rng *r, enum cond c)
{
    int half = pg->dpi >= 300 ? 2 : 1;
    switch (c) {
    case C_CLEAN: break;
    case C_BLUR: synth_blur(pg, half); break;
    case C_NOISE: synth_noise(pg, r, 25); break;
    case C_JPEG15: synth_jpeg(pg, 15); break;
    case C_JPEG40: synth_jpeg(pg, 40); break;
    case C_JPEG65: synth_jpeg(pg, 65); break;
    case C_BW: synth_blur(pg, 1); synth_threshold(pg, 128); break;
    case C_BW_DARK: synth_blur(pg, 1); synth_threshold(pg, 170); break;
    case C_LIGHT: synth_levels(pg, 245, 150); break;
    case C_DARK: synth_levels(pg, 150, 20); break;
    case C_COPIER: synth_blur(pg, half); synth_noise(pg, r, 12); synth_jpeg(pg, 30); break;
    case N_COND: break;
    }
}

int
main(int argc, char **argv)
{
    int trials = argc > 1 ? atoi(argv[1]) : 2;
    if (trials < 1 || trials > 1000) {
        fprintf(stderr, "usage: scan_codes [TRIALS]\n");
        return 2;
    }
    setMsgSeverity(L_SEVERITY_NONE);
    zbar_image_scanner_t *zb = zbar_image_scanner_create();
    zbar_image_scanner_set_config(zb, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(zb, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);

    static struct tally by_size[N_MODULES][N_DPI][N_DECODERS], by_cond[N_COND][N_MODULES][N_DECODERS];
    struct synth_rng rng = {0x5ca11ab1e5eedull};
    int              version[N_MODULES] = {0};
    for (int mi = 0; mi < N_MODULES; mi++)
        for (int di = 0; di < N_DPI; di++)
            for (int c = 0; c < N_COND; c++)
                for (int t = 0; t < trials; t++) {
                    struct synth_page         pg;
                    struct scan_slip_geometry g[SLIPS];
                    char                      tokens[SLIPS][16];
                    synth_page_init(&pg, DPIS[di]);
                    /* A form's text above each slip, the slips at varying places. */
                    for (int s = 0; s < SLIPS; s++) {
                        double y0 = (s ? 160 : 20) * MM + synth_uniform(&rng) * 10 * MM;
                        synth_text(&pg, &rng, 25 * MM, y0 - 15 * MM, 165 * MM, 12 * MM);
                        random_token(&rng, tokens[s]);
                        synth_slip(&pg, &rng, (15 + synth_uniform(&rng) * 10) * MM, y0, tokens[s], MODULES[mi],
                                   &g[s]);
                    }
                    double   skew = (synth_uniform(&rng) * 2 - 1) * 3;
                    unsigned quarter = (unsigned)t % 4;
                    synth_turn(&pg, skew, quarter);
                    degrade(&pg, &rng, (enum cond)c);
                    if (!version[mi]) {
                        /* Modules across the code: its size in pt over the module size. */
                        version[mi] = (int)lround((g[0].code.w_pt / (MODULES[mi] * MM) - 17) / 4);
                    }
                    /* The decoders get bytes in memory order, as a caller of the module would pass. */
                    PIX *sw = pixCopy(NULL, pg.pix);
                    pixEndianByteSwap(sw);
                    const unsigned char *grey = (const unsigned char *)pixGetData(sw);
                    int w = pixGetWidth(sw), h = pixGetHeight(sw), stride = pixGetWpl(sw) * 4;
                    double want = (skew + 90.0 * quarter) * PI / 180;
                    for (int k = 0; k < N_DECODERS; k++) {
                        struct found f[8];
                        double       t0 = now_ms();
                        size_t       n = k == 0 ? read_zbar(zb, grey, w, h, stride, f, 8)
                                                : read_zxing(grey, w, h, stride, f, 8);
                        double       ms = now_ms() - t0;
                        struct tally *ts = &by_size[mi][di][k], *tc = &by_cond[c][mi][k];
                        ts->ms += ms, ts->pages++;
                        tc->ms += ms, tc->pages++;
                        for (int s = 0; s < SLIPS; s++) {
                            int ok = 0;
                            for (size_t i = 0; i < n; i++) {
                                if (strcmp(f[i].text, tokens[s]) != 0)
                                    continue;
                                double got = atan2(f[i].y[1] - f[i].y[0], f[i].x[1] - f[i].x[0]);
                                double diff = remainder(got - want, 2 * PI);
                                ok = fabs(diff) < 15 * PI / 180 ? 1 : 2;
                            }
                            ts->total++, tc->total++;
                            if (ok == 1)
                                ts->read++, tc->read++;
                            if (ok == 2)
                                ts->turned_wrong++, tc->turned_wrong++;
                        }
                        for (size_t i = 0; i < n; i++)
                            if (strcmp(f[i].text, tokens[0]) != 0 && strcmp(f[i].text, tokens[1]) != 0)
                                ts->wrong++, tc->wrong++;
                    }
                    pixDestroy(&sw);
                    synth_page_fini(&pg);
                }
    zbar_image_scanner_destroy(zb);

    printf("Synthetic A4 scans, %d trials per cell, 2 slips per page, quarter turns 0/90/180/270 and skew within "
           "+-3 degrees; a code counts when its token and its orientation come back right.\n\n",
           trials);
    printf("QR version of a token: %d (%d x %d modules)\n\n", version[1], 17 + 4 * version[1],
           17 + 4 * version[1]);
    printf("| module | dpi | px/module |");
    for (int k = 0; k < N_DECODERS; k++)
        printf(" %s read | %s ms/page |", DECODERS[k], DECODERS[k]);
    printf("\n|---|---|---|");
    for (int k = 0; k < N_DECODERS; k++)
        printf("---|---|");
    printf("\n");
    for (int mi = 0; mi < N_MODULES; mi++)
        for (int di = 0; di < N_DPI; di++) {
            printf("| %.1f mm | %.0f | %.1f |", MODULES[mi], DPIS[di], MODULES[mi] * DPIS[di] / 25.4);
            for (int k = 0; k < N_DECODERS; k++) {
                struct tally *t = &by_size[mi][di][k];
                printf(" %u/%u%s | %.0f |", t->read, t->total, t->wrong ? " (misread!)" : "", t->ms / t->pages);
            }
            printf("\n");
        }
    printf("\n| condition |");
    for (int mi = 0; mi < N_MODULES; mi++)
        for (int k = 0; k < N_DECODERS; k++)
            printf(" %s %.1f mm |", DECODERS[k], MODULES[mi]);
    printf("\n|---|");
    for (int i = 0; i < N_MODULES * N_DECODERS; i++)
        printf("---|");
    printf("\n");
    unsigned wrong[N_DECODERS] = {0}, turned[N_DECODERS] = {0};
    for (int c = 0; c < N_COND; c++) {
        printf("| %s |", COND_NAMES[c]);
        for (int mi = 0; mi < N_MODULES; mi++)
            for (int k = 0; k < N_DECODERS; k++) {
                struct tally *t = &by_cond[c][mi][k];
                printf(" %u/%u |", t->read, t->total);
                wrong[k] += t->wrong, turned[k] += t->turned_wrong;
            }
        printf("\n");
    }
    printf("\n");
    for (int k = 0; k < N_DECODERS; k++)
        printf("%s: %u wrong texts, %u codes read with a wrong orientation.\n", DECODERS[k], wrong[k], turned[k]);
    return 0;
}
