/*
 * Unit tests for scan: scan files to grey pages (PDF drawn with cairo or written by leptonica, PNG,
 * JPEG, multi-page G4 TIFF, and files that are no scans), QR codes in every orientation, registration
 * from the corner marks, check boxes and signature fields. Pages are synthetic (scan_synth.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>
#include <qrencode.h>

#include "consentgen/diag.h"
#include "consentgen/scan.h"
#include "consentgen/util.h"
#include "scan_int.h"
#include "scan_synth.h"

#define MM SYNTH_PT_PER_MM
#define TOKEN "CG1-7K2MQ4XPA3Z"

static char *
formatted(struct diags *d)
{
    struct buf b;
    buf_init(&b);
    diags_format(d, &b);
    buf_putc(&b, '\0');
    return buf_detach(&b);
}

static void
expect_refused(const void *data, size_t len, const char *name, const char *want)
{
    struct diags       d = {0};
    struct scan_limits lim = scan_limits_default();
    struct scan_doc   *doc = scan_doc_parse(data, len, name, &lim, &d);
    assert_null(doc);
    char *got = formatted(&d);
    assert_string_equal(got, want);
    free(got);
    diags_fini(&d);
}

static void
test_scan_refuses_office_files_by_name_of_their_kind(void **state)
{
    (void)state;
    static const char xlsx[] = "PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml....xl/workbook.xml";
    static const char docx[] = "PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml....word/document.xml";
    static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....W\0o\0r\0k\0b\0o\0o\0k\0";
    expect_refused(xlsx, sizeof xlsx - 1, "rueck.xlsx",
                   "rueck.xlsx: error: this is an Excel workbook, not a scan: expected a scan as PDF, PNG, JPEG or "
                   "TIFF\n");
    expect_refused(docx, sizeof docx - 1, "rueck.docx",
                   "rueck.docx: error: this is a Word document, not a scan: expected a scan as PDF, PNG, JPEG or "
                   "TIFF\n");
    expect_refused(xls, sizeof xls - 1, "alt.xls",
                   "alt.xls: error: this is an Excel workbook, not a scan: expected a scan as PDF, PNG, JPEG or "
                   "TIFF\n");
}

static void
test_scan_refuses_empty_text_and_unknown_files(void **state)
{
    (void)state;
    expect_refused("", 0, "leer.pdf", "leer.pdf: error: the file is empty: expected a scan as PDF, PNG, JPEG or TIFF\n");
    expect_refused("Klasse;Nachname\r\n5a;Yilmaz\r\n", 28, "scan.pdf",
                   "scan.pdf: error: this is a text file, not a scan: expected a scan as PDF, PNG, JPEG or TIFF\n");
    expect_refused("GIF89a\x01\0\x01\0", 10, "x.gif",
                   "x.gif: error: this is a GIF, BMP or WebP image: save the scan as PDF, PNG, JPEG or TIFF "
                   "instead\n");
    expect_refused("\x01\x02\x03\xff\xfe\0\0", 7, "x.bin",
                   "x.bin: error: this file is not a scan in a format consentgen reads: expected PDF, PNG, JPEG or "
                   "TIFF\n");
}

/* An upright synthetic slip page at dpi; the caller frees pg. */
static void
slip_page(struct synth_page *pg, double dpi, struct scan_slip_geometry *g, uint64_t seed)
{
    struct synth_rng r = {seed};
    synth_page_init(pg, dpi);
    synth_text(pg, &r, 25 * MM, 20 * MM, 165 * MM, 60 * MM);
    synth_slip(pg, &r, 20 * MM, 180 * MM, TOKEN, 0.8, g);
}

static struct scan_page *
as_page(struct synth_page *pg)
{
    /* The page takes the image over. */
    struct scan_page *p = scan_page_from_pix(pg->pix, "scan.pdf", 1, pg->dpi);
    pg->pix = NULL;
    return p;
}

static struct scan_doc *
parse_ok(const void *data, size_t len, const char *name)
{
    struct diags       d = {0};
    struct scan_limits lim = scan_limits_default();
    struct scan_doc   *doc = scan_doc_parse(data, len, name, &lim, &d);
    if (!doc || d.n != 0) {
        char *s = formatted(&d);
        fail_msg("%s: %s", name, s);
    }
    diags_fini(&d);
    return doc;
}

static double
mean_grey(const struct scan_page *p)
{
    l_float32 v = 0;
    pixGetAverageMasked(scan_page_pix(p), NULL, 0, 0, 1, L_MEAN_ABSVAL, &v);
    return v;
}

static void
test_scan_reads_png_and_jpeg_as_one_grey_page(void **state)
{
    (void)state;
    struct synth_page         pg;
    struct scan_slip_geometry g;
    slip_page(&pg, 150, &g, 1);
    l_uint8 *png = NULL, *jpg = NULL;
    size_t   png_len = 0, jpg_len = 0;
    assert_int_equal(pixWriteMemPng(&png, &png_len, pg.pix, 0), 0);
    assert_int_equal(pixWriteMemJpeg(&jpg, &jpg_len, pg.pix, 60, 0), 0);
    const l_uint8 *files[2] = {png, jpg};
    size_t         lens[2] = {png_len, jpg_len};
    for (int i = 0; i < 2; i++) {
        struct scan_doc *doc = parse_ok(files[i], lens[i], i ? "scan.jpg" : "scan.png");
        assert_int_equal(scan_doc_n_pages(doc), 1);
        struct diags      d = {0};
        struct scan_page *p = scan_doc_page(doc, 0, &d);
        assert_non_null(p);
        assert_int_equal(d.n, 0);
        assert_int_equal(scan_page_width(p), pixGetWidth(pg.pix));
        assert_int_equal(scan_page_height(p), pixGetHeight(pg.pix));
        assert_int_equal(pixGetDepth(scan_page_pix(p)), 8);
        assert_int_equal(scan_page_number(p), 1);
        struct scan_codes codes;
        scan_read_codes(p, &codes);
        assert_int_equal(codes.n, 1);
        assert_string_equal(codes.v[0].text, TOKEN);
        scan_codes_fini(&codes);
        scan_page_free(p);
        scan_doc_free(doc);
    }
    free(png);
    free(jpg);
    synth_page_fini(&pg);
}

static void
test_scan_reads_every_page_of_a_g4_tiff(void **state)
{
    (void)state;
    PIXA *pages = pixaCreate(3);
    for (int i = 0; i < 3; i++) {
        struct synth_page         pg;
        struct scan_slip_geometry g;
        slip_page(&pg, 200, &g, 10 + i);
        PIX *bw = pixThresholdToBinary(pg.pix, 128);
        pixaAddPix(pages, bw, L_INSERT);
        synth_page_fini(&pg);
    }
    l_uint8 *tiff = NULL;
    size_t   len = 0;
    assert_int_equal(pixaWriteMemMultipageTiff(&tiff, &len, pages), 0);
    pixaDestroy(&pages);
    struct scan_doc *doc = parse_ok(tiff, len, "stapel.tif");
    assert_int_equal(scan_doc_n_pages(doc), 3);
    for (size_t i = 0; i < 3; i++) {
        struct diags      d = {0};
        struct scan_page *p = scan_doc_page(doc, i, &d);
        assert_non_null(p);
        assert_int_equal(scan_page_number(p), i + 1);
        /* G4 pages come out as paper-white grey pages. */
        assert_true(mean_grey(p) > 200);
        struct scan_codes codes;
        scan_read_codes(p, &codes);
        assert_int_equal(codes.n, 1);
        scan_codes_fini(&codes);
        scan_page_free(p);
    }
    scan_doc_free(doc);

    /* More pages than allowed: one message for the file. */
    struct diags       d = {0};
    struct scan_limits lim = scan_limits_default();
    lim.max_pages = 2;
    assert_null(scan_doc_parse(tiff, len, "stapel.tif", &lim, &d));
    char *got = formatted(&d);
    assert_string_equal(got, "stapel.tif: error: the file has 3 pages, more than the 2 one scan file may have: split it "
                             "into several files\n");
    free(got);
    diags_fini(&d);
    free(tiff);
}

static void
test_scan_takes_the_full_page_image_of_a_pdf_and_fixes_polarity(void **state)
{
    (void)state;
    struct synth_page         pg;
    struct scan_slip_geometry g;
    slip_page(&pg, 200, &g, 3);
    /* A black-and-white scan as a copier writes it (CCITT G4), and the same inverted (8-bit). */
    PIX *bw = pixThresholdToBinary(pg.pix, 128);
    PIX *neg = pixInvert(NULL, pg.pix);
    PIX *imgs[2] = {bw, neg};
    for (int i = 0; i < 2; i++) {
        l_uint8 *pdf = NULL;
        size_t   len = 0;
        assert_int_equal(pixWriteMemPdf(&pdf, &len, imgs[i], 200, "scan"), 0);
        struct scan_doc  *doc = parse_ok(pdf, len, "scan.pdf");
        struct diags      d = {0};
        struct scan_page *p = scan_doc_page(doc, 0, &d);
        assert_non_null(p);
        /* The image itself, at its own resolution, not a rendering. */
        assert_int_equal(scan_page_width(p), pixGetWidth(pg.pix));
        assert_int_equal(scan_page_height(p), pixGetHeight(pg.pix));
        assert_true(fabs(scan_page_dpi(p) - 200) < 1);
        assert_true(mean_grey(p) > 200);
        struct scan_codes codes;
        scan_read_codes(p, &codes);
        assert_int_equal(codes.n, 1);
        assert_string_equal(codes.v[0].text, TOKEN);
        scan_codes_fini(&codes);
        scan_page_free(p);
        scan_doc_free(doc);
        free(pdf);
    }
    pixDestroy(&bw);
    pixDestroy(&neg);
    synth_page_fini(&pg);
}

static cairo_status_t
collect(void *closure, const unsigned char *data, unsigned int len)
{
    buf_append(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* A two-page vector PDF: page 2 holds a QR code drawn as rectangles, as consentgen prints it. */
static void
vector_pdf(struct buf *out)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(collect, out, 595.276, 841.89);
    cairo_t         *cr = cairo_create(s);
    cairo_rectangle(cr, 100, 100, 200, 20);
    cairo_fill(cr);
    cairo_show_page(cr);
    QRcode *qr = QRcode_encodeString(TOKEN, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
    double  m = 0.8 * MM;
    for (int row = 0; row < qr->width; row++)
        for (int col = 0; col < qr->width; col++)
            if (qr->data[row * qr->width + col] & 1)
                cairo_rectangle(cr, 400 + col * m, 600 + row * m, m, m);
    QRcode_free(qr);
    cairo_fill(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
}

static void
test_scan_renders_pdf_pages_without_an_image(void **state)
{
    (void)state;
    struct buf pdf;
    buf_init(&pdf);
    vector_pdf(&pdf);
    struct scan_doc *doc = parse_ok(pdf.data, pdf.len, "druck.pdf");
    assert_int_equal(scan_doc_n_pages(doc), 2);
    struct diags      d = {0};
    struct scan_page *p = scan_doc_page(doc, 1, &d);
    assert_non_null(p);
    assert_int_equal(scan_page_number(p), 2);
    assert_int_equal(scan_page_dpi(p), 200);
    assert_int_equal(scan_page_width(p), 1654); /* A4 at 200 dpi */
    assert_int_equal(scan_page_height(p), 2339);
    struct scan_codes codes;
    scan_read_codes(p, &codes);
    assert_int_equal(codes.n, 1);
    assert_string_equal(codes.v[0].text, TOKEN);
    /* Upright: the symbol's top-left corner is its top-left on the page (400 pt, 600 pt at 200 dpi). */
    assert_true(fabs(codes.v[0].corners[0].x - 400 * 200 / 72.0) < 8);
    assert_true(fabs(codes.v[0].corners[0].y - 600 * 200 / 72.0) < 8);
    scan_codes_fini(&codes);
    scan_page_free(p);
    scan_doc_free(doc);

    /* Cut off in the middle: one message, never a crash. */
    struct scan_limits lim = scan_limits_default();
    doc = scan_doc_parse(pdf.data, pdf.len / 2, "druck.pdf", &lim, &d);
    if (doc) {
        for (size_t i = 0; i < scan_doc_n_pages(doc); i++)
            scan_page_free(scan_doc_page(doc, i, &d));
        scan_doc_free(doc);
    }
    assert_true(d.n_errors >= 1);
    assert_string_equal(d.v[0].file, "druck.pdf");
    diags_fini(&d);
    buf_fini(&pdf);
}

static void
test_scan_reports_cut_off_images_and_oversized_pages(void **state)
{
    (void)state;
    struct synth_page         pg;
    struct scan_slip_geometry g;
    slip_page(&pg, 150, &g, 4);
    l_uint8 *png = NULL;
    size_t   len = 0;
    assert_int_equal(pixWriteMemPng(&png, &len, pg.pix, 0), 0);
    struct scan_doc  *doc = parse_ok(png, len / 3, "cut.png");
    struct diags      d = {0};
    struct scan_page *p = scan_doc_page(doc, 0, &d);
    assert_null(p);
    char *got = formatted(&d);
    assert_string_equal(got, "cut.png: error: the PNG image is damaged or cut off and cannot be read\n");
    free(got);
    diags_fini(&d);
    scan_doc_free(doc);

    struct scan_limits lim = scan_limits_default();
    lim.max_pixels = 1000000;
    doc = scan_doc_parse(png, len, "gross.png", &lim, &d);
    assert_non_null(doc);
    assert_null(scan_doc_page(doc, 0, &d));
    got = formatted(&d);
    assert_string_equal(got, "gross.png:1: error: this page is 1240 x 1754 pixels, more than the 1 million pixels a "
                             "page may have\n");
    free(got);
    diags_fini(&d);
    scan_doc_free(doc);
    free(png);
    synth_page_fini(&pg);
}

static void
test_scan_libraries_print_nothing_on_broken_files(void **state)
{
    (void)state;
    struct synth_page         pg;
    struct scan_slip_geometry g;
    slip_page(&pg, 100, &g, 5);
    l_uint8 *files[4] = {NULL, NULL, NULL, NULL};
    size_t   lens[4] = {0, 0, 0, 0};
    pixWriteMemPng(&files[0], &lens[0], pg.pix, 0);
    pixWriteMemJpeg(&files[1], &lens[1], pg.pix, 50, 0);
    PIX *bw = pixThresholdToBinary(pg.pix, 128);
    pixWriteMemPdf(&files[2], &lens[2], bw, 100, "x");
    pixWriteMemTiff(&files[3], &lens[3], bw, IFF_TIFF_G4);
    pixDestroy(&bw);
    synth_page_fini(&pg);
    const char *names[4] = {"a.png", "a.jpg", "a.pdf", "a.tif"};

    /* stderr into a file while broken files are read. */
    fflush(stderr);
    FILE *tmp = tmpfile();
    int   saved = dup(2);
    dup2(fileno(tmp), 2);
    struct diags       d = {0};
    struct scan_limits lim = scan_limits_default();
    for (int i = 0; i < 4; i++)
        for (size_t cut = 64; cut < lens[i]; cut = cut * 3 + 17) {
            /* Cut off, and with a run of bytes overwritten. */
            for (int damage = 0; damage < 2; damage++) {
                uint8_t *b = xmalloc(lens[i]);
                memcpy(b, files[i], lens[i]);
                size_t n = damage ? lens[i] : cut;
                if (damage)
                    memset(b + cut, 0x5a, cut + 40 < lens[i] ? 40 : lens[i] - cut);
                struct scan_doc *doc = scan_doc_parse(b, n, names[i], &lim, &d);
                for (size_t k = 0; doc && k < scan_doc_n_pages(doc); k++)
                    scan_page_free(scan_doc_page(doc, k, &d));
                scan_doc_free(doc);
                free(b);
            }
        }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    long printed = ftell(tmp);
    if (printed > 0) {
        char   msg[2048] = "";
        rewind(tmp);
        size_t k = fread(msg, 1, sizeof msg - 1, tmp);
        msg[k] = 0;
        print_message("stderr: %s\n", msg);
    }
    fclose(tmp);
    assert_true(d.n_errors > 0);
    diags_fini(&d);
    for (int i = 0; i < 4; i++)
        free(files[i]);
    assert_int_equal(printed, 0);
}

static void
test_scan_reads_code_and_its_orientation_at_every_quarter_turn(void **state)
{
    (void)state;
    const double skews[4] = {0, 3, -3, 1.5};
    for (unsigned q = 0; q < 4; q++) {
        struct synth_page         pg;
        struct scan_slip_geometry g;
        slip_page(&pg, 200, &g, 20 + q);
        synth_turn(&pg, skews[q], q);
        synth_jpeg(&pg, 40);
        struct scan_fit   truth = pg.truth;
        struct scan_page *p = as_page(&pg);
        struct scan_codes codes;
        scan_read_codes(p, &codes);
        assert_int_equal(codes.n, 1);
        assert_string_equal(codes.v[0].text, TOKEN);
        /* The symbol's top-left corner is where the truth puts the code's top-left corner. */
        struct scan_point want = scan_fit_apply(&truth, (struct scan_point){g.code.x_pt, g.code.y_pt});
        double            off_mm = hypot(codes.v[0].corners[0].x - want.x, codes.v[0].corners[0].y - want.y) /
                        (200 / 25.4);
        if (off_mm > 1.5)
            fail_msg("quarter turn %u: top-left corner %.1f mm off", q, off_mm);
        scan_codes_fini(&codes);
        scan_page_free(p);
        synth_page_fini(&pg);
    }
}

static void
test_scan_fit_affine_recovers_a_map_and_refuses_collinear_points(void **state)
{
    (void)state;
    struct scan_fit   want = {.a = 2.7, .b = -0.1, .c = 50, .d = 0.1, .e = 2.7, .f = -20};
    struct scan_point pt[4] = {{10, 10}, {500, 12}, {490, 200}, {12, 190}}, px[4];
    for (int i = 0; i < 4; i++)
        px[i] = scan_fit_apply(&want, pt[i]);
    struct scan_fit got;
    assert_true(scan_fit_affine(pt, px, 4, &got));
    assert_true(fabs(got.a - want.a) < 1e-9 && fabs(got.b - want.b) < 1e-9 && fabs(got.c - want.c) < 1e-6);
    assert_true(fabs(got.d - want.d) < 1e-9 && fabs(got.e - want.e) < 1e-9 && fabs(got.f - want.f) < 1e-6);
    assert_true(got.residual_mm < 1e-6);
    assert_int_equal(got.quarter_turns, 0);
    /* One mark 1 mm off shows in the residual. */
    px[2].x += 1.5 * got.px_per_mm;
    assert_true(scan_fit_affine(pt, px, 4, &got));
    assert_true(got.residual_mm > 0.3);
    struct scan_point line[3] = {{0, 0}, {1, 1}, {2, 2}};
    assert_false(scan_fit_affine(line, px, 3, &got));
    assert_false(scan_fit_affine(pt, px, 2, &got));
}

/* Registers a synthetic slip and checks the fit against the page's truth at every box. */
static void
expect_registered(struct synth_page *pg, const struct scan_slip_geometry *g, double max_err_mm)
{
    struct scan_fit   truth = pg->truth;
    struct scan_page *p = as_page(pg);
    struct scan_codes codes;
    scan_read_codes(p, &codes);
    assert_int_equal(codes.n, 1);
    struct scan_fit fit;
    assert_int_equal(scan_register_slip(p, &codes.v[0], g, &fit), SCAN_REGISTERED);
    assert_int_equal(fit.n_marks, 4);
    assert_int_equal(fit.quarter_turns, truth.quarter_turns);
    assert_true(fit.residual_mm < 0.5);
    for (size_t i = 0; i < g->n_boxes; i++) {
        struct scan_point c = {g->boxes[i].x_pt + g->boxes[i].w_pt / 2, g->boxes[i].y_pt + g->boxes[i].h_pt / 2};
        struct scan_point a = scan_fit_apply(&fit, c), b = scan_fit_apply(&truth, c);
        double            err = hypot(a.x - b.x, a.y - b.y) / truth.px_per_mm;
        if (err > max_err_mm)
            fail_msg("box %zu is %.2f mm off", i, err);
    }
    scan_codes_fini(&codes);
    scan_page_free(p);
}

static void
test_scan_registers_slip_turned_and_skewed(void **state)
{
    (void)state;
    const double dpis[3] = {150, 200, 300};
    for (unsigned q = 0; q < 4; q++) {
        struct synth_page         pg;
        struct scan_slip_geometry g;
        slip_page(&pg, dpis[q % 3], &g, 30 + q);
        synth_turn(&pg, q % 2 ? 3 : -2.5, q);
        synth_blur(&pg, 1);
        expect_registered(&pg, &g, 0.25);
        synth_page_fini(&pg);
    }
}

static void
test_scan_register_refuses_slip_without_enough_marks(void **state)
{
    (void)state;
    struct synth_page         pg;
    struct scan_slip_geometry g;
    slip_page(&pg, 200, &g, 40);
    /* Two marks cut off by careless copying. */
    double s = pg.truth.a;
    for (int i = 2; i < 4; i++) {
        BOX *b = boxCreate((int)((g.marks[i].x - 4 * MM) * s), (int)((g.marks[i].y - 4 * MM) * s), (int)(8 * MM * s),
                           (int)(8 * MM * s));
        pixSetInRectArbitrary(pg.pix, b, 255);
        boxDestroy(&b);
    }
    struct scan_page *p = as_page(&pg);
    struct scan_codes codes;
    scan_read_codes(p, &codes);
    assert_int_equal(codes.n, 1);
    struct scan_fit fit;
    assert_int_equal(scan_register_slip(p, &codes.v[0], &g, &fit), SCAN_MARKS_MISSING);
    scan_codes_fini(&codes);
    scan_page_free(p);
}

static void
test_scan_box_states_from_empty_to_filled(void **state)
{
    (void)state;
    static const struct {
        enum synth_mark     mark;
        enum scan_box_state want;
    } cases[] = {
        {SYNTH_NONE, SCAN_BOX_EMPTY},      {SYNTH_TICK, SCAN_BOX_MARKED},       {SYNTH_CROSS, SCAN_BOX_MARKED},
        {SYNTH_FILLED, SCAN_BOX_FILLED},   {SYNTH_PENCIL_TICK, SCAN_BOX_MARKED}, {SYNTH_BLUE_TICK, SCAN_BOX_MARKED},
    };
    const double dpis[3] = {150, 200, 300};
    for (int di = 0; di < 3; di++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c += 2) {
            struct synth_page         pg;
            struct scan_slip_geometry g;
            struct synth_rng          r = {100 + c + 7 * di};
            slip_page(&pg, dpis[di], &g, 50 + c);
            synth_mark_box(&pg, &r, &g.boxes[0], cases[c].mark);
            synth_mark_box(&pg, &r, &g.boxes[1], cases[c + 1].mark);
            synth_turn(&pg, 2, 2);
            synth_blur(&pg, 1);
            synth_jpeg(&pg, 50);
            struct scan_page *p = as_page(&pg);
            struct scan_codes codes;
            scan_read_codes(p, &codes);
            assert_int_equal(codes.n, 1);
            struct scan_fit fit;
            assert_int_equal(scan_register_slip(p, &codes.v[0], &g, &fit), SCAN_REGISTERED);
            for (int b = 0; b < 2; b++) {
                struct scan_box_reading got = scan_measure_box(p, &fit, &g.boxes[b]);
                if (got.state != cases[c + b].want)
                    fail_msg("%.0f dpi, mark %d: state %d, want %d (dark share %.3f)", dpis[di], cases[c + b].mark,
                             got.state, cases[c + b].want, got.dark_share);
            }
            scan_codes_fini(&codes);
            scan_page_free(p);
            synth_page_fini(&pg);
        }
}

static void
test_scan_signature_ink_ignores_the_printed_line(void **state)
{
    (void)state;
    struct synth_page         pg;
    struct scan_slip_geometry g;
    struct synth_rng          r = {77};
    slip_page(&pg, 200, &g, 60);
    synth_sign(&pg, &r, &g.signatures[1], 40);
    synth_turn(&pg, -1.5, 1);
    synth_noise(&pg, &r, 10);
    synth_jpeg(&pg, 40);
    struct scan_page *p = as_page(&pg);
    struct scan_codes codes;
    scan_read_codes(p, &codes);
    assert_int_equal(codes.n, 1);
    struct scan_fit fit;
    assert_int_equal(scan_register_slip(p, &codes.v[0], &g, &fit), SCAN_REGISTERED);
    struct scan_ink_reading empty = scan_measure_signature(p, &fit, &g.signatures[0]);
    struct scan_ink_reading signed_ = scan_measure_signature(p, &fit, &g.signatures[1]);
    assert_int_equal(empty.state, SCAN_INK_NONE);
    assert_int_equal(empty.n_windows, 0);
    assert_int_equal(signed_.state, SCAN_INK_PRESENT);
    assert_true(signed_.extent_mm > 20);
    scan_codes_fini(&codes);
    scan_page_free(p);
    synth_page_fini(&pg);
}

/* A synthetic slip marked and signed as given, turned and degraded like a copier's scan, read whole. */
static void
read_marked(enum synth_mark yes, enum synth_mark no, bool sign0, bool sign1, double dpi, unsigned turns,
            uint64_t seed, struct scan_slip_reading *out)
{
    struct synth_page         pg;
    struct scan_slip_geometry g;
    struct synth_rng          r = {seed};
    slip_page(&pg, dpi, &g, seed);
    synth_mark_box(&pg, &r, &g.boxes[0], yes);
    synth_mark_box(&pg, &r, &g.boxes[1], no);
    if (sign0)
        synth_sign(&pg, &r, &g.signatures[0], 40);
    if (sign1)
        synth_sign(&pg, &r, &g.signatures[1], 40);
    g.signatures[0].signer = SCAN_SIGNER_GUARDIAN;
    g.signatures[1].signer = SCAN_SIGNER_PUPIL;
    synth_turn(&pg, turns % 2 ? 2.5 : -1.5, turns);
    synth_blur(&pg, 1);
    synth_jpeg(&pg, 45);
    struct scan_page *p = as_page(&pg);
    struct scan_codes codes;
    scan_read_codes(p, &codes);
    assert_int_equal(codes.n, 1);
    scan_read_slip(p, &codes.v[0], &g, out);
    scan_codes_fini(&codes);
    scan_page_free(p);
    synth_page_fini(&pg);
}

static void
test_scan_slip_answer_only_when_one_box_is_ticked_and_every_line_signed(void **state)
{
    (void)state;
    static const struct {
        enum synth_mark         yes, no;
        bool                    sign0, sign1;
        enum register_answer    ticked, answer;
        enum register_signature signature;
        unsigned                reasons;
    } cases[] = {
        {SYNTH_TICK, SYNTH_NONE, true, true, REGISTER_ANSWER_YES, REGISTER_ANSWER_YES, REGISTER_SIGNATURE_YES, 0},
        {SYNTH_NONE, SYNTH_CROSS, true, true, REGISTER_ANSWER_NO, REGISTER_ANSWER_NO, REGISTER_SIGNATURE_YES, 0},
        {SYNTH_BLUE_TICK, SYNTH_NONE, true, true, REGISTER_ANSWER_YES, REGISTER_ANSWER_YES, REGISTER_SIGNATURE_YES, 0},
        {SYNTH_TICK, SYNTH_TICK, true, true, REGISTER_ANSWER_UNCLEAR, REGISTER_ANSWER_UNCLEAR, REGISTER_SIGNATURE_YES,
         SCAN_REVIEW_BOTH_TICKED},
        {SYNTH_NONE, SYNTH_NONE, true, true, REGISTER_ANSWER_UNCLEAR, REGISTER_ANSWER_UNCLEAR, REGISTER_SIGNATURE_YES,
         SCAN_REVIEW_NONE_TICKED},
        {SYNTH_FILLED, SYNTH_TICK, true, true, REGISTER_ANSWER_UNCLEAR, REGISTER_ANSWER_UNCLEAR,
         REGISTER_SIGNATURE_YES, SCAN_REVIEW_FILLED},
        {SYNTH_DOT, SYNTH_NONE, true, true, REGISTER_ANSWER_UNCLEAR, REGISTER_ANSWER_UNCLEAR, REGISTER_SIGNATURE_YES,
         SCAN_REVIEW_BOX_UNSURE},
        /* A clear Ja without the pupil's signature is no answer yet: a person looks. */
        {SYNTH_TICK, SYNTH_NONE, true, false, REGISTER_ANSWER_YES, REGISTER_ANSWER_UNCLEAR,
         REGISTER_SIGNATURE_MISSING, SCAN_REVIEW_SIGNATURE_MISSING},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct scan_slip_reading got;
        read_marked(cases[c].yes, cases[c].no, cases[c].sign0, cases[c].sign1, c % 2 ? 150 : 200, (unsigned)c % 4,
                    300 + c, &got);
        assert_int_equal(got.registered, SCAN_REGISTERED);
        if (got.ticked != cases[c].ticked || got.answer != cases[c].answer || got.signature != cases[c].signature ||
            got.reasons != cases[c].reasons)
            fail_msg("case %zu: ticked %d answer %d signature %d reasons %#x; want %d %d %d %#x (boxes %.3f %.3f)", c,
                     got.ticked, got.answer, got.signature, got.reasons, cases[c].ticked, cases[c].answer,
                     cases[c].signature, cases[c].reasons, got.boxes[0].dark_share, got.boxes[1].dark_share);
    }
}

static void
test_scan_slip_without_its_marks_is_not_read(void **state)
{
    (void)state;
    struct synth_page         pg;
    struct scan_slip_geometry g;
    struct synth_rng          r = {9};
    slip_page(&pg, 200, &g, 41);
    synth_mark_box(&pg, &r, &g.boxes[0], SYNTH_TICK);
    /* The lower half cut off: two marks gone. */
    BOX *b = boxCreate(0, (int)(pg.truth.f + 225 * MM * pg.truth.e), pixGetWidth(pg.pix), pixGetHeight(pg.pix));
    pixSetInRectArbitrary(pg.pix, b, 255);
    boxDestroy(&b);
    struct scan_page *p = as_page(&pg);
    struct scan_codes codes;
    scan_read_codes(p, &codes);
    assert_int_equal(codes.n, 1);
    struct scan_slip_reading got;
    scan_read_slip(p, &codes.v[0], &g, &got);
    assert_int_equal(got.registered, SCAN_MARKS_MISSING);
    assert_int_equal(got.answer, REGISTER_ANSWER_UNCLEAR);
    assert_int_equal(got.reasons, SCAN_REVIEW_MARKS_MISSING);
    /* The code alone still places the slip, roughly, for its picture. */
    assert_true(got.fit.px_per_mm > 7 && got.fit.px_per_mm < 8.5);
    struct scan_picture pic;
    assert_true(scan_picture_of_area(p, &got.fit, &g.area, 100, &pic));
    assert_int_equal(pic.w_px, (unsigned)ceil(g.area.w_pt / 0.72));
    assert_int_equal(pic.h_px, (unsigned)ceil(g.area.h_pt / 0.72));
    assert_true(pic.jpeg.len > 1000 && memcmp(pic.jpeg.data, "\xFF\xD8\xFF", 3) == 0);
    scan_picture_fini(&pic);
    scan_codes_fini(&codes);
    scan_page_free(p);
    synth_page_fini(&pg);
}

static void
test_scan_geometry_from_slip_keeps_choices_signers_and_its_area(void **state)
{
    (void)state;
    struct layout_slip s;
    memset(&s, 0, sizeof s);
    s.cut_y_pt = 400;
    s.mark_pt = 12.8;
    const double xs[4] = {42.5, 552.8, 552.8, 42.5}, ys[4] = {417, 417, 780, 780};
    memcpy(s.marks_x_pt, xs, sizeof xs);
    memcpy(s.marks_y_pt, ys, sizeof ys);
    s.code = (struct layout_rect){470, 417, 53.6, 53.6};
    s.n_boxes = 2;
    s.boxes[0] = (struct layout_slip_box){{75, 650, 10, 10}, LAYOUT_ROLE_BOX_NO};
    s.boxes[1] = (struct layout_slip_box){{140, 650, 10, 10}, LAYOUT_ROLE_BOX_YES};
    s.n_signatures = 2;
    s.signatures[0] = (struct layout_slip_signature){{300, 690, 200, 31}, 721, LAYOUT_ROLE_SIGN_GUARDIAN};
    s.signatures[1] = (struct layout_slip_signature){{300, 740, 200, 31}, 771, LAYOUT_ROLE_SIGN_PUPIL};
    struct scan_slip_geometry g;
    scan_geometry_from_slip(&s, &g);
    assert_int_equal(g.n_boxes, 2);
    assert_int_equal(g.choices[0], SCAN_CHOICE_NO);
    assert_int_equal(g.choices[1], SCAN_CHOICE_YES);
    assert_int_equal(g.n_signatures, 2);
    assert_int_equal(g.signatures[0].signer, SCAN_SIGNER_GUARDIAN);
    assert_int_equal(g.signatures[1].signer, SCAN_SIGNER_PUPIL);
    assert_true(fabs(g.signatures[1].line_y_pt - 771) < 1e-9);
    assert_true(fabs(g.marks[2].x - 552.8) < 1e-9 && fabs(g.marks[2].y - 780) < 1e-9);
    /* The picture: from 3 mm above the cut line to 4 mm below the bottom marks, 5 mm beside them. */
    assert_true(fabs(g.area.y_pt - (400 - 3 * MM)) < 1e-6);
    assert_true(fabs(g.area.y_pt + g.area.h_pt - (780 + 6.4 + 4 * MM)) < 1e-6);
    assert_true(fabs(g.area.x_pt - (42.5 - 6.4 - 5 * MM)) < 1e-6);
}

static void
test_scan_finds_the_marks_of_a_slip_whose_code_is_gone(void **state)
{
    (void)state;
    const double dpis[3] = {150, 200, 300};
    for (int i = 0; i < 3; i++) {
        struct synth_page         pg;
        struct scan_slip_geometry g;
        slip_page(&pg, dpis[i], &g, 70 + i);
        /* The code smudged over: nothing to read, but the four marks are there. */
        synth_fill(&pg, g.code.x_pt - 2, g.code.y_pt - 2, g.code.w_pt + 4, g.code.h_pt + 4, 255);
        synth_stroke(&pg, g.code.x_pt, g.code.y_pt + 10, g.code.x_pt + g.code.w_pt, g.code.y_pt + 30, 8, 60);
        synth_turn(&pg, 2.5, i);
        synth_jpeg(&pg, 40);
        struct scan_page *p = as_page(&pg);
        struct scan_codes codes;
        scan_read_codes(p, &codes);
        assert_int_equal(codes.n, 0);
        struct scan_point marks[16];
        size_t            n = scan_find_all_marks(p, 4.5 * scan_page_px_per_mm(p), marks, 16);
        if (n != 4)
            fail_msg("%.0f dpi: %zu marks", dpis[i], n);
        assert_false(scan_page_is_blank(p));
        scan_codes_fini(&codes);
        scan_page_free(p);
        synth_page_fini(&pg);
    }
    /* A blank back page, a little noisy, and a page of text without slip. */
    struct synth_page pg;
    struct synth_rng  r = {5};
    synth_page_init(&pg, 200);
    synth_noise(&pg, &r, 6);
    synth_jpeg(&pg, 30);
    struct scan_page *blank = as_page(&pg);
    assert_true(scan_page_is_blank(blank));
    struct scan_point marks[4];
    assert_int_equal(scan_find_all_marks(blank, 4.5 * scan_page_px_per_mm(blank), marks, 4), 0);
    scan_page_free(blank);
    synth_page_fini(&pg);
    synth_page_init(&pg, 200);
    synth_text(&pg, &r, 25 * MM, 20 * MM, 165 * MM, 240 * MM);
    struct scan_page *text = as_page(&pg);
    assert_false(scan_page_is_blank(text));
    assert_int_equal(scan_find_all_marks(text, 4.5 * scan_page_px_per_mm(text), marks, 4), 0);
    scan_page_free(text);
    synth_page_fini(&pg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_refuses_office_files_by_name_of_their_kind),
        cmocka_unit_test(test_scan_refuses_empty_text_and_unknown_files),
        cmocka_unit_test(test_scan_reads_png_and_jpeg_as_one_grey_page),
        cmocka_unit_test(test_scan_reads_every_page_of_a_g4_tiff),
        cmocka_unit_test(test_scan_takes_the_full_page_image_of_a_pdf_and_fixes_polarity),
        cmocka_unit_test(test_scan_renders_pdf_pages_without_an_image),
        cmocka_unit_test(test_scan_reports_cut_off_images_and_oversized_pages),
        cmocka_unit_test(test_scan_libraries_print_nothing_on_broken_files),
        cmocka_unit_test(test_scan_reads_code_and_its_orientation_at_every_quarter_turn),
        cmocka_unit_test(test_scan_fit_affine_recovers_a_map_and_refuses_collinear_points),
        cmocka_unit_test(test_scan_registers_slip_turned_and_skewed),
        cmocka_unit_test(test_scan_register_refuses_slip_without_enough_marks),
        cmocka_unit_test(test_scan_box_states_from_empty_to_filled),
        cmocka_unit_test(test_scan_signature_ink_ignores_the_printed_line),
        cmocka_unit_test(test_scan_slip_answer_only_when_one_box_is_ticked_and_every_line_signed),
        cmocka_unit_test(test_scan_slip_without_its_marks_is_not_read),
        cmocka_unit_test(test_scan_geometry_from_slip_keeps_choices_signers_and_its_area),
        cmocka_unit_test(test_scan_finds_the_marks_of_a_slip_whose_code_is_gone),
    };
    return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
