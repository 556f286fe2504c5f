/*
 * libFuzzer harness for the scan image reader: the input is the bytes of a scan file (PDF, PNG, JPEG,
 * TIFF or anything else), opened as the scan command would, with small limits (4 pages, 4 million
 * pixels, 72 dpi rendering) so that one input stays fast; every page is read, its codes are searched
 * and a slip is registered against a fixed geometry. Everything is freed, nothing printed.
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
            .n_boxes = 1,
            .boxes = {{34, 79, 10, 10}},
            .n_signatures = 1,
            .signatures = {{{100, 108, 127, 34}, 142}},
        };
        for (size_t k = 0; k < codes.n; k++) {
            struct scan_fit fit;
            if (scan_register_slip(p, &codes.v[k], &g, &fit) == SCAN_REGISTERED) {
                scan_measure_box(p, &fit, &g.boxes[0]);
                scan_measure_signature(p, &fit, &g.signatures[0]);
            }
        }
        scan_codes_fini(&codes);
        scan_page_free(p);
    }
    scan_doc_free(doc);
    test_format_and_free_diags(&d);
    return 0;
}
