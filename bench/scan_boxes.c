/*
 * The check-box and signature bands of src/scan_measure.c, measured: synthetic slips (tests/unit/
 * scan_synth.c) at 150, 200 and 300 dpi, each box empty, ticked (ballpoint, light pencil, pale blue
 * pen), crossed, filled over or dotted, each page skewed, turned, blurred and JPEG-compressed or noisy,
 * registered from its marks and measured. Prints per mark the range of the dark share inside the box
 * shrunk to 75 % and how the module classified it, then the same for signature fields.
 * usage: scan_boxes [TRIALS]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "scan_int.h"
#include "scan_synth.h"

#define MM SYNTH_PT_PER_MM

static const char *MARKS[] = {"empty", "tick (ballpoint)", "cross", "filled over", "tick (light pencil)",
                              "tick (pale blue pen)", "dot 0.6 mm"};
static const char *STATES[] = {"empty", "marked", "filled", "unsure"};

int
main(int argc, char **argv)
{
    int trials = argc > 1 ? atoi(argv[1]) : 6;
    setMsgSeverity(L_SEVERITY_NONE);
    const double     dpis[3] = {150, 200, 300};
    double           lo[7], hi[7];
    unsigned         count[7][4] = {{0}}, sig[2][3] = {{0}}, unregistered = 0;
    double           sig_lo[2] = {1e9, 1e9}, sig_hi[2] = {0, 0};
    struct synth_rng r = {0xb0c5eedull};
    for (int m = 0; m < 7; m++)
        lo[m] = 1, hi[m] = 0;
    for (int t = 0; t < trials; t++)
        for (int di = 0; di < 3; di++)
            for (int m = 0; m < 7; m += 2) {
                struct synth_page         pg;
                struct scan_slip_geometry g;
                synth_page_init(&pg, dpis[di]);
                synth_slip(&pg, &r, 20 * MM, 100 * MM, "CG1-7K2MQ4XPA3Z", 0.8, &g);
                int mk[2] = {m, m + 1 < 7 ? m + 1 : 0};
                for (int b = 0; b < 2; b++)
                    synth_mark_box(&pg, &r, &g.boxes[b], (enum synth_mark)mk[b]);
                int signs = t % 2;
                synth_sign(&pg, &r, &g.signatures[signs], t % 4 < 2 ? 40 : 140);
                synth_turn(&pg, (synth_uniform(&r) * 2 - 1) * 3, (unsigned)(t + m) % 4);
                synth_blur(&pg, 1);
                if (t % 3 == 0)
                    synth_noise(&pg, &r, 15);
                synth_jpeg(&pg, 15 + (t * 17) % 50);
                struct scan_page *p = scan_page_from_pix(pg.pix, "x", 1, pg.dpi);
                pg.pix = NULL;
                struct scan_codes codes;
                struct scan_fit   fit;
                scan_read_codes(p, &codes);
                if (codes.n != 1 || scan_register_slip(p, &codes.v[0], &g, &fit) != SCAN_REGISTERED) {
                    unregistered++;
                } else {
                    for (int b = 0; b < 2; b++) {
                        struct scan_box_reading rd = scan_measure_box(p, &fit, &g.boxes[b]);
                        lo[mk[b]] = fmin(lo[mk[b]], rd.dark_share), hi[mk[b]] = fmax(hi[mk[b]], rd.dark_share);
                        count[mk[b]][rd.state]++;
                    }
                    for (int s = 0; s < 2; s++) {
                        struct scan_ink_reading rd = scan_measure_signature(p, &fit, &g.signatures[s]);
                        int                     k = s == signs;
                        sig[k][rd.state]++;
                        sig_lo[k] = fmin(sig_lo[k], rd.extent_mm), sig_hi[k] = fmax(sig_hi[k], rd.extent_mm);
                    }
                }
                scan_codes_fini(&codes);
                scan_page_free(p);
                synth_page_fini(&pg);
            }
    printf("| box | dark share (min-max) |");
    for (int s = 0; s < 4; s++)
        printf(" %s |", STATES[s]);
    printf("\n|---|---|---|---|---|---|\n");
    for (int m = 0; m < 7; m++) {
        printf("| %s | %.3f-%.3f |", MARKS[m], lo[m], hi[m]);
        for (int s = 0; s < 4; s++)
            printf(" %u |", count[m][s]);
        printf("\n");
    }
    printf("\n| signature field | ink extent mm (min-max) | none | present | unsure |\n|---|---|---|---|---|\n");
    for (int k = 0; k < 2; k++)
        printf("| %s | %.1f-%.1f | %u | %u | %u |\n", k ? "signed" : "empty", sig_lo[k], sig_hi[k], sig[k][0],
               sig[k][1], sig[k][2]);
    printf("\nslips not registered: %u\n", unregistered);
    return 0;
}
