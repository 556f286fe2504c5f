/*
 * libFuzzer harness for the scan image reader: the input is the bytes of a scan file (PDF, PNG, JPEG,
 * TIFF or anything else), opened as the scan command would, with small limits (4 pages, 4 million
 * pixels, 72 dpi rendering) so that one input stays fast; every page is read, its codes are searched,
 * a slip is read whole against a fixed geometry (registered, boxes and signature measured, answer
 * derived), and the page is searched for corner marks and told blank or not. Everything is freed,
 * nothing printed.
 */
#include <stddef.h>
#include <stdint.h>

#include "consentgen/diag.h"
#include "consentgen/scan.h"
#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scan_limits lim = scan_limits_default();
    lim.max_pages = 4;
    lim.max_pixels = 4000000;
    lim.render_dpi = 72;
    struct diags     d = {0};
    struct scan_doc *doc = scan_doc_parse(data, size, "scan.pdf", &lim, &d);
    for (size_t i = 0; doc && i < scan_doc_n_pages(doc); i++) {
        struct scan_page *p = scan_doc_page(doc, i, &d);
        if (!p)
            continue;
        struct scan_codes codes;
        scan_read_codes(p, &codes);
        const struct scan_slip_geometry g = {
            .mark_pt = 12.8,
            .marks = {{8, 8}, {474, 8}, {474, 162}, {8, 162}},
            .code = {390, 25, 48, 48},
            .n_boxes = 2,
            .boxes = {{34, 79, 10, 10}, {80, 79, 10, 10}},
            .choices = {SCAN_CHOICE_YES, SCAN_CHOICE_NO},
            .n_signatures = 1,
            .signatures = {{{100, 108, 127, 34}, 142, SCAN_SIGNER_GUARDIAN}},
            .area = {0, 0, 482, 170},
        };
        for (size_t k = 0; k < codes.n; k++) {
            struct scan_slip_reading r;
            scan_read_slip(p, &codes.v[k], &g, &r);
        }
        struct scan_point marks[8];
        scan_find_all_marks(p, 12.8 * scan_page_px_per_mm(p) / 2.83, marks, 8);
        scan_page_is_blank(p);
        scan_codes_fini(&codes);
        scan_page_free(p);
    }
    scan_doc_free(doc);
    test_format_and_free_diags(&d);
    return 0;
}
