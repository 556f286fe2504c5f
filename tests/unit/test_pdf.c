/*
 * Unit tests for pdf: fonts through fontconfig and by path, real metrics,
 * logo probing, and the writer (checked with poppler's pdftotext, pdffonts
 * and pdfinfo on the saved bytes).
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

#include "consentgen/diag.h"
#include "consentgen/layout.h"
#include "consentgen/pdf.h"
#include "consentgen/util.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define NAMES "Şahin Łukasz Nguyễn Олена Παπαδόπουλος"

static char *
formatted(const struct diags *d)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "");
    diags_format(d, &b);
    return buf_detach(&b);
}

static struct pdf_fonts *
load_family(const char *family, struct diags *d)
{
    struct config_page page = {.font = (char *)family};
    return pdf_fonts_load(&page, "schule.yaml", d);
}

static struct pdf_fonts *
load_path(const char *path, struct diags *d)
{
    struct config_page page = {.font = (char *)path, .font_is_path = true};
    return pdf_fonts_load(&page, "schule.yaml", d);
}

static double
width(const struct pdf_fonts *f, enum layout_font font, const char *s, double size_pt)
{
    const struct layout_metrics *m = pdf_fonts_metrics(f);
    return m->text_width_pt(m->ctx, font, s, strlen(s), size_pt);
}

static bool
glyph(const struct pdf_fonts *f, enum layout_font font, int32_t cp)
{
    const struct layout_metrics *m = pdf_fonts_metrics(f);
    return m->has_glyph(m->ctx, font, cp);
}

/* Runs a shell command and returns its stdout; fails the test on a non-zero status. */
static char *
run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "");
    char   chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&b, chunk, n);
    int rc = pclose(p);
    if (rc != 0)
        fail_msg("command failed (%d): %s", rc, cmd);
    return buf_detach(&b);
}

static bool
contains(const struct buf *b, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, needle, n) == 0)
            return true;
    return false;
}

/* Writes data to a new file NAME in a new temp folder; remove_temp() deletes both. */
static char *
write_temp(const char *name, const void *data, size_t len)
{
    char dir[] = "/tmp/cg-test-pdf-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static void
remove_temp(char *path)
{
    unlink(path);
    *strrchr(path, '/') = '\0';
    rmdir(path);
    free(path);
}

/* ---- fonts ---------------------------------------------------------------------------------- */

static void
test_pdf_fonts_load_family_liberation_sans(void **state)
{
    (void)state;
    struct diags      d = {0};
    struct pdf_fonts *f = load_family("Liberation Sans", &d);
    assert_non_null(f);
    assert_int_equal(d.n, 0);
    assert_string_equal(pdf_fonts_name(f), "Liberation Sans");
    pdf_fonts_free(f);
    pdf_fonts_free(NULL);
}

static void
test_pdf_fonts_family_typo_is_an_error_with_hint(void **state)
{
    (void)state;
    struct diags      d = {0};
    struct pdf_fonts *f = load_family("Liberation Sanz", &d);
    assert_null(f);
    char       *msg = formatted(&d);
    const char *want = "schule.yaml: error: font \"Liberation Sanz\" not found; installed families like it: "
                       "\"Liberation Sans\"";
    if (strncmp(msg, want, strlen(want)) != 0 || d.n != 1)
        fail_msg("got: %s", msg);
    free(msg);
    diags_fini(&d);
}

static void
test_pdf_fonts_unknown_family_is_an_error(void **state)
{
    (void)state;
    struct diags      d = {0};
    struct pdf_fonts *f = load_family("Qqqqqqqqqqqqqqqqqqqqqqqq", &d);
    assert_null(f);
    char *msg = formatted(&d);
    assert_string_equal(msg, "schule.yaml: error: font \"Qqqqqqqqqqqqqqqqqqqqqqqq\" not found\n");
    free(msg);
    diags_fini(&d);
}

static void
test_pdf_fonts_load_by_path(void **state)
{
    (void)state;
    struct diags      d = {0};
    struct pdf_fonts *f = load_path(DEJAVU, &d);
    assert_non_null(f);
    assert_int_equal(d.n, 0);
    assert_string_equal(pdf_fonts_name(f), DEJAVU);
    assert_true(glyph(f, LAYOUT_FONT_BOLD, 0x041E)); /* О */
    /* One file for all three: bold measures like regular. */
    assert_true(width(f, LAYOUT_FONT_BOLD, "Hallo", 10) == width(f, LAYOUT_FONT_REGULAR, "Hallo", 10));
    pdf_fonts_free(f);
}

static void
test_pdf_fonts_missing_path_is_an_error(void **state)
{
    (void)state;
    struct diags d = {0};
    assert_null(load_path("/nonexistent/font.ttf", &d));
    char *msg = formatted(&d);
    assert_string_equal(
        msg,
        "schule.yaml: error: cannot read font file \"/nonexistent/font.ttf\": No such file or directory\n");
    free(msg);
    diags_fini(&d);
}

static void
test_pdf_fonts_path_that_is_no_font_is_an_error(void **state)
{
    (void)state;
    struct diags d = {0};
    assert_null(load_path(FIXTURES_DIR "/pdf/logo.png", &d));
    char *path = write_temp("bad.ttf", "not a font at all", 17);
    assert_null(load_path(path, &d));

    char *msg = formatted(&d);
    char *want =
        xasprintf("schule.yaml: error: font file \"%s\" is not a TrueType font; expected a .ttf file\n"
                  "schule.yaml: error: font file \"%s\" is not a usable TrueType font\n",
                  FIXTURES_DIR "/pdf/logo.png", path);
    assert_string_equal(msg, want);
    remove_temp(path);
    free(want);
    free(msg);
    diags_fini(&d);
}

/* ---- metrics -------------------------------------------------------------------------------- */

static int
setup_fonts(void **state)
{
    struct diags d = {0};
    *state = load_family("Liberation Sans", &d);
    diags_fini(&d);
    return *state ? 0 : -1;
}

static int
teardown_fonts(void **state)
{
    pdf_fonts_free(*state);
    return 0;
}

static void
test_pdf_metrics_use_real_advance_widths(void **state)
{
    const struct pdf_fonts *f = *state;
    /* Liberation Sans is metric-compatible with Arial: H 722, a 556, l 222, o 556 (1/1000 em). */
    assert_true(fabs(width(f, LAYOUT_FONT_REGULAR, "Hallo", 10) - 22.78) < 1e-9);
    assert_true(fabs(width(f, LAYOUT_FONT_REGULAR, "ä", 10) - 5.56) < 1e-9);
    assert_true(width(f, LAYOUT_FONT_BOLD, "Hallo", 10) > width(f, LAYOUT_FONT_REGULAR, "Hallo", 10));
    assert_true(width(f, LAYOUT_FONT_REGULAR, "", 10) == 0);
    /* Scales with the size. */
    assert_true(fabs(width(f, LAYOUT_FONT_REGULAR, "Hallo", 20) - 45.56) < 1e-9);
    /* Beyond the direct table (cached in the hash): the euro sign twice, same answer. */
    double euro = width(f, LAYOUT_FONT_REGULAR, "€", 10);
    assert_true(euro > 0);
    assert_true(width(f, LAYOUT_FONT_REGULAR, "€€", 10) == 2 * euro);
    assert_true(width(f, LAYOUT_FONT_ITALIC, NAMES, 10) > 100);
}

static void
test_pdf_metrics_know_which_glyphs_exist(void **state)
{
    const struct pdf_fonts *f = *state;
    assert_true(glyph(f, LAYOUT_FONT_REGULAR, 'a'));
    assert_true(glyph(f, LAYOUT_FONT_REGULAR, 0x015E));   /* Ş */
    assert_true(glyph(f, LAYOUT_FONT_BOLD, 0x0141));      /* Ł */
    assert_true(glyph(f, LAYOUT_FONT_ITALIC, 0x1EC5));    /* ễ */
    assert_true(glyph(f, LAYOUT_FONT_REGULAR, 0x043B));   /* л */
    assert_true(glyph(f, LAYOUT_FONT_REGULAR, 0x03C0));   /* π */
    assert_false(glyph(f, LAYOUT_FONT_REGULAR, 0x4E2D));  /* 中 */
    assert_false(glyph(f, LAYOUT_FONT_REGULAR, 0x1F600)); /* emoji: beyond libharu's 16 bits anyway */
}

/* ---- logo ----------------------------------------------------------------------------------- */

static void
test_pdf_logo_probe_reads_png_and_jpeg(void **state)
{
    (void)state;
    struct diags d = {0};
    double       aspect = 0;
    assert_true(pdf_logo_probe(FIXTURES_DIR "/pdf/logo.png", "schule.yaml", &aspect, &d));
    assert_true(fabs(aspect - 3.0) < 1e-9); /* 60 x 20 */
    assert_true(pdf_logo_probe(FIXTURES_DIR "/pdf/logo.jpg", "schule.yaml", &aspect, &d));
    assert_true(fabs(aspect - 2.0) < 1e-9); /* 40 x 20 */
    assert_int_equal(d.n, 0);
}

static void
test_pdf_logo_probe_rejects_other_files(void **state)
{
    (void)state;
    struct diags d = {0};
    double       aspect = 0;
    assert_false(pdf_logo_probe(FIXTURES_DIR "/pdf/logo.gif", "schule.yaml", &aspect, &d));
    assert_false(pdf_logo_probe(FIXTURES_DIR "/pdf/missing.png", "schule.yaml", &aspect, &d));
    char *msg = formatted(&d);
    assert_string_equal(msg, "schule.yaml: error: logo \"" FIXTURES_DIR
                             "/pdf/logo.gif\" is not a PNG or JPEG image\n"
                             "schule.yaml: error: cannot read logo \"" FIXTURES_DIR
                             "/pdf/missing.png\": No such file or directory\n");
    free(msg);
    diags_fini(&d);
}

/* ---- writer --------------------------------------------------------------------------------- */

static bool
render(const struct pdf_fonts *f, const char *logo, double size_pt, struct buf *out, struct diags *d)
{
    struct layout_item items[] = {
        {LAYOUT_ITEM_LOGO, 450, 40, 90, 30, 0, 0, NULL, 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_TEXT, 70.87, 100, 0, 0, LAYOUT_FONT_BOLD, 14, "Einwilligung Videokonferenz", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_TEXT, 70.87, 130, 0, 0, LAYOUT_FONT_REGULAR, size_pt, NAMES, 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_TEXT, 70.87, 145, 0, 0, LAYOUT_FONT_ITALIC, 10.5, "Müller, Anna – 5a", 0, 0.3, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_LINE, 70.87, 200, 200, 0, 0, 0, NULL, 0.5, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_BOX, 70.87, 220, 10, 10, 0, 0, NULL, 0.75, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_TEXT, 85, 229, 0, 0, LAYOUT_FONT_REGULAR, 10.5, "Ja", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_TEXT, 85, 240, 0, 0, LAYOUT_FONT_REGULAR, 10.5, "", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
    };
    struct layout_page pages[] = {
        {items, sizeof items / sizeof items[0], 0, false},
        {NULL, 0, 0, true},
    };
    struct layout_doc doc = {.pages = pages, .n_pages = 2};
    struct pdf_meta meta = {"Einwilligung Videokonferenz – Şahin", "Städtisches Gymnasium Musterstadt", NULL};

    struct pdf_writer *w = pdf_writer_new(f, logo, &meta, d);
    if (!w)
        return false;
    bool ok = pdf_writer_add(w, &doc, d) && pdf_writer_save(w, out, d);
    pdf_writer_free(w);
    return ok;
}

static void
test_pdf_writer_prints_names_in_all_scripts(void **state)
{
    const struct pdf_fonts *f = *state;
    struct diags            d = {0};
    struct buf              b;
    buf_init(&b);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_true(render(f, FIXTURES_DIR "/pdf/logo.png", 11, &b, &d));
    assert_int_equal(d.n, 0);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "%PDF-", 5);

    char *path = write_temp("form.pdf", b.data, b.len);
    char *cmd = xasprintf("pdftotext -enc UTF-8 '%s' - 2>/dev/null", path);
    char *text = run(cmd);
    if (!strstr(text, NAMES) || !strstr(text, "Einwilligung Videokonferenz") ||
        !strstr(text, "Müller, Anna – 5a"))
        fail_msg("pdftotext gave: %s", text);
    free(cmd);
    free(text);

    /* Every font embedded (and subset): the "emb" column of pdffonts. */
    cmd =
        xasprintf("pdffonts '%s' 2>/dev/null | tail -n +3 | awk '{print $1, $(NF-4), $(NF-3)}' | sort", path);
    text = run(cmd);
    assert_string_equal(text, "HPDFAA+LiberationSans yes yes\n"
                              "HPDFAB+LiberationSans-Bold,Bold yes yes\n"
                              "HPDFAC+LiberationSans-Italic,Italic yes yes\n");
    free(cmd);
    free(text);

    cmd = xasprintf("pdfinfo -enc UTF-8 '%s' 2>/dev/null | grep -E '^(Title|Author|Creator|Pages|Page size|"
                    "CreationDate):'",
                    path);
    text = run(cmd);
    assert_string_equal(text, "Title:           Einwilligung Videokonferenz – Şahin\n"
                              "Author:          Städtisches Gymnasium Musterstadt\n"
                              "Creator:         consentgen " CONSENTGEN_VERSION "\n"
                              "Pages:           2\n"
                              "Page size:       595.276 x 841.89 pts (A4)\n");
    free(cmd);
    free(text);

    cmd = xasprintf("pdfimages -list '%s' 2>/dev/null | tail -n +3 | awk '{print $4, $5}'", path);
    text = run(cmd);
    assert_string_equal(text, "60 20\n");
    free(cmd);
    free(text);

    cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1", path);
    free(run(cmd));
    free(cmd);

    remove_temp(path);
    buf_fini(&b);
}

static void
test_pdf_writer_draws_a_jpeg_picture_as_it_is(void **state)
{
    const struct pdf_fonts *f = *state;
    /* An 8 x 4 grey JPEG. */
    static const unsigned char jpeg[] = "\xFF\xD8\xFF\xE0\x00\x10\x4A\x46\x49\x46\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xDB\x00\x43\x00\x08\x06\x06\x07\x06\x05\x08\x07\x07\x07\x09\x09\x08\x0A\x0C\x14\x0D\x0C\x0B\x0B\x0C\x19\x12\x13\x0F\x14\x1D\x1A\x1F\x1E\x1D\x1A\x1C\x1C\x20\x24\x2E\x27\x20\x22\x2C\x23\x1C\x1C\x28\x37\x29\x2C\x30\x31\x34\x34\x34\x1F\x27\x39\x3D\x38\x32\x3C\x2E\x33\x34\x32\xFF\xC0\x00\x0B\x08\x00\x04\x00\x08\x01\x01\x11\x00\xFF\xC4\x00\x1F\x00\x00\x01\x05\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\xFF\xC4\x00\xB5\x10\x00\x02\x01\x03\x03\x02\x04\x03\x05\x05\x04\x04\x00\x00\x01\x7D\x01\x02\x03\x00\x04\x11\x05\x12\x21\x31\x41\x06\x13\x51\x61\x07\x22\x71\x14\x32\x81\x91\xA1\x08\x23\x42\xB1\xC1\x15\x52\xD1\xF0\x24\x33\x62\x72\x82\x09\x0A\x16\x17\x18\x19\x1A\x25\x26\x27\x28\x29\x2A\x34\x35\x36\x37\x38\x39\x3A\x43\x44\x45\x46\x47\x48\x49\x4A\x53\x54\x55\x56\x57\x58\x59\x5A\x63\x64\x65\x66\x67\x68\x69\x6A\x73\x74\x75\x76\x77\x78\x79\x7A\x83\x84\x85\x86\x87\x88\x89\x8A\x92\x93\x94\x95\x96\x97\x98\x99\x9A\xA2\xA3\xA4\xA5\xA6\xA7\xA8\xA9\xAA\xB2\xB3\xB4\xB5\xB6\xB7\xB8\xB9\xBA\xC2\xC3\xC4\xC5\xC6\xC7\xC8\xC9\xCA\xD2\xD3\xD4\xD5\xD6\xD7\xD8\xD9\xDA\xE1\xE2\xE3\xE4\xE5\xE6\xE7\xE8\xE9\xEA\xF1\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xF9\xFA\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\xDB\xD4\x7F\xE2\x57\xFD\xAD\xF6\x4F\x93\xFB\x26\xC1\x6F\xAC\xFF\x00\xE9\x9E\xEF\x37\x74\x3E\xF1\x1F\x25\x7E\x5E\xD9\xE0\x8D\xA9\xB7\xFF\xD9";
    struct layout_item items[] = {
        {LAYOUT_ITEM_IMAGE, 70, 100, 160, 80, 0, 0, NULL, 0, 0, 0, LAYOUT_ROLE_NONE, jpeg, sizeof jpeg - 1},
    };
    struct layout_page page = {items, 1, 0, false};
    struct layout_doc  doc = {.pages = &page, .n_pages = 1};
    struct pdf_meta    meta = {"Rückläufe prüfen", "Schule", NULL};
    struct diags       d = {0};
    struct buf         b;
    buf_init(&b);
    struct pdf_writer *w = pdf_writer_new(f, NULL, &meta, &d);
    assert_non_null(w);
    assert_true(pdf_writer_add(w, &doc, &d) && pdf_writer_save(w, &b, &d));
    pdf_writer_free(w);
    assert_int_equal(d.n, 0);
    char *path = write_temp("picture.pdf", b.data, b.len);
    char *cmd = xasprintf("pdfimages -list '%s' 2>/dev/null | tail -n 1", path);
    char *list = run(cmd);
    /* pdfimages: page, num, type, width, height, color, comp, bpc, enc */
    if (!strstr(list, "8     4  gray    1   8  jpeg"))
        fail_msg("pdfimages -list: %s", list);
    free(list);
    free(cmd);
    free(path);
    buf_fini(&b);
}

static void
test_pdf_writer_embeds_a_shared_font_file_once(void **state)
{
    (void)state;
    struct diags      d = {0};
    struct pdf_fonts *f = load_path(DEJAVU, &d);
    struct buf        b;
    buf_init(&b);
    assert_non_null(f);
    assert_true(render(f, NULL, 11, &b, &d));
    char *path = write_temp("form.pdf", b.data, b.len);
    char *cmd = xasprintf("pdffonts '%s' 2>/dev/null | tail -n +3 | awk '{print $1, $(NF-4)}'", path);
    char *text = run(cmd);
    assert_string_equal(text, "HPDFAA+DejaVuSans,Book yes\n");
    free(text);
    free(cmd);
    cmd = xasprintf("pdftotext -enc UTF-8 '%s' - 2>/dev/null", path);
    text = run(cmd);
    assert_non_null(strstr(text, NAMES));
    free(text);
    free(cmd);
    remove_temp(path);
    buf_fini(&b);
    pdf_fonts_free(f);
}

static void
test_pdf_writer_is_byte_identical_for_same_input(void **state)
{
    const struct pdf_fonts *f = *state;
    struct diags            d = {0};
    struct buf              a, b;
    buf_init(&a);
    buf_init(&b);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_true(render(f, FIXTURES_DIR "/pdf/logo.jpg", 11, &a, &d));
    assert_true(render(f, FIXTURES_DIR "/pdf/logo.jpg", 11, &b, &d));
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    /* No date and no random /ID unless asked for. */
    assert_false(contains(&a, "CreationDate"));
    assert_false(contains(&a, "/ID"));
    buf_fini(&a);
    buf_fini(&b);
}

/* One page of the given text items, saved with a fresh writer. */
static void
render_items(const struct pdf_fonts *f, struct layout_item *items, size_t n, struct buf *out)
{
    struct layout_page page = {items, n, 0, false};
    struct layout_doc  doc = {.pages = &page, .n_pages = 1};
    struct pdf_meta    meta = {"Test", "Schule", NULL};
    struct diags       d = {0};
    struct pdf_writer *w = pdf_writer_new(f, NULL, &meta, &d);
    assert_non_null(w);
    assert_true(pdf_writer_add(w, &doc, &d) && pdf_writer_save(w, out, &d));
    assert_int_equal(d.n, 0);
    pdf_writer_free(w);
}

static void
test_pdf_writer_output_does_not_depend_on_earlier_pdfs(void **state)
{
    const struct pdf_fonts *f = *state;
    struct layout_item      a[] = {
             {LAYOUT_ITEM_TEXT, 70, 100, 0, 0, LAYOUT_FONT_REGULAR, 11, "Müller, Anna", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
             {LAYOUT_ITEM_TEXT, 70, 120, 0, 0, LAYOUT_FONT_BOLD, 11, "Einwilligung", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
    };
    struct layout_item b[] = {
        {LAYOUT_ITEM_TEXT, 70, 100, 0, 0, LAYOUT_FONT_REGULAR, 11, NAMES " € • ẞ", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
        {LAYOUT_ITEM_TEXT, 70, 120, 0, 0, LAYOUT_FONT_ITALIC, 11, "Коваленко", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
    };
    struct buf first, other, again, alone;
    buf_init(&first);
    buf_init(&other);
    buf_init(&again);
    buf_init(&alone);
    unsetenv("SOURCE_DATE_EPOCH");
    /* The run's fonts lend one libharu document to every PDF in turn. */
    render_items(f, a, 2, &first);
    render_items(f, b, 2, &other);
    render_items(f, a, 2, &again);
    assert_int_equal(first.len, again.len);
    assert_memory_equal(first.data, again.data, first.len);
    /* A second writer while the first is open gets a document of its own: same bytes. */
    struct diags       d = {0};
    struct pdf_writer *busy = pdf_writer_new(f, NULL, NULL, &d);
    assert_non_null(busy);
    render_items(f, a, 2, &alone);
    pdf_writer_free(busy);
    assert_int_equal(first.len, alone.len);
    assert_memory_equal(first.data, alone.data, first.len);
    buf_fini(&first);
    buf_fini(&other);
    buf_fini(&again);
    buf_fini(&alone);
}

static void
test_pdf_writer_embeds_only_styles_and_glyphs_it_prints(void **state)
{
    const struct pdf_fonts *f = *state;
    struct layout_item      items[] = {
             {LAYOUT_ITEM_TEXT, 70, 100, 0, 0, LAYOUT_FONT_REGULAR, 11, "Ja", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
             {LAYOUT_ITEM_TEXT, 70, 120, 0, 0, LAYOUT_FONT_REGULAR, 11, "Nein", 0, 0, 0, LAYOUT_ROLE_NONE, NULL, 0},
    };
    struct buf b;
    buf_init(&b);
    render_items(f, items, 2, &b);
    /* No bold or italic font object at all; a subset, not the whole 400 KB font file. */
    assert_false(contains(&b, "LiberationSans-Bold"));
    assert_false(contains(&b, "LiberationSans-Italic"));
    assert_true(b.len < 80000);
    char *path = write_temp("form.pdf", b.data, b.len);
    char *cmd =
        xasprintf("pdffonts '%s' 2>/dev/null | tail -n +3 | awk '{print $1, $(NF-4), $(NF-3)}'", path);
    char *text = run(cmd);
    assert_string_equal(text, "HPDFAA+LiberationSans yes yes\n");
    free(text);
    free(cmd);
    /*
     * The subset font program draws: dark pixels where "Ja" and "Nein" stand (a 100 x 45 pt crop
     * at 72 dpi, gray, header cut off). A broken glyph table draws nothing there.
     */
    cmd = xasprintf("pdftoppm -r 72 -gray -x 60 -y 85 -W 100 -H 45 '%s' 2>/dev/null | tail -c 4500 | "
                    "tr -d '\\200-\\377' | wc -c",
                    path);
    text = run(cmd);
    assert_true(atoi(text) > 40);
    free(text);
    free(cmd);
    cmd = xasprintf("pdftotext '%s' - 2>/dev/null", path);
    text = run(cmd);
    assert_string_equal(text, "Ja\nNein\n\n\f");
    free(text);
    free(cmd);
    remove_temp(path);
    buf_fini(&b);
}

static void
test_pdf_writer_dates_come_from_source_date_epoch(void **state)
{
    const struct pdf_fonts *f = *state;
    struct diags            d = {0};
    struct buf              b;
    buf_init(&b);
    setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
    assert_true(render(f, NULL, 11, &b, &d));
    assert_true(contains(&b, "/CreationDate (D:20261118110640Z00'00')"));
    assert_true(contains(&b, "/ModDate (D:20261118110640Z00'00')"));
    buf_reset(&b);

    setenv("SOURCE_DATE_EPOCH", "soon", 1);
    assert_true(render(f, NULL, 11, &b, &d));
    assert_false(contains(&b, "CreationDate"));
    unsetenv("SOURCE_DATE_EPOCH");
    char *msg = formatted(&d);
    assert_string_equal(msg,
                        "consentgen: warning: SOURCE_DATE_EPOCH \"soon\" is not a number of seconds since "
                        "1970; the PDF gets no date\n");
    free(msg);
    diags_fini(&d);
    buf_fini(&b);
}

static void
test_pdf_writer_reports_libharu_errors(void **state)
{
    const struct pdf_fonts *f = *state;
    struct diags            d = {0};
    struct buf              b;
    buf_init(&b);
    /* libharu refuses font sizes above 600 pt. */
    assert_false(render(f, NULL, 1000, &b, &d));
    assert_int_equal(b.len, 0);
    char *msg = formatted(&d);
    assert_string_equal(
        msg, "consentgen: error: cannot add pages to the PDF: libharu error 0x1050 (detail 1000)\n");
    free(msg);
    diags_fini(&d);
    buf_fini(&b);
}

static void
test_pdf_writer_rejects_bad_logo(void **state)
{
    const struct pdf_fonts *f = *state;
    struct diags            d = {0};
    assert_null(pdf_writer_new(f, FIXTURES_DIR "/pdf/logo.gif", NULL, &d));
    char *msg = formatted(&d);
    assert_string_equal(msg, "consentgen: error: logo \"" FIXTURES_DIR
                             "/pdf/logo.gif\" is not a PNG or JPEG image\n");
    free(msg);
    diags_fini(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_fonts_load_family_liberation_sans),
        cmocka_unit_test(test_pdf_fonts_family_typo_is_an_error_with_hint),
        cmocka_unit_test(test_pdf_fonts_unknown_family_is_an_error),
        cmocka_unit_test(test_pdf_fonts_load_by_path),
        cmocka_unit_test(test_pdf_fonts_missing_path_is_an_error),
        cmocka_unit_test(test_pdf_fonts_path_that_is_no_font_is_an_error),
        cmocka_unit_test_setup_teardown(test_pdf_metrics_use_real_advance_widths, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_metrics_know_which_glyphs_exist, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test(test_pdf_logo_probe_reads_png_and_jpeg),
        cmocka_unit_test(test_pdf_logo_probe_rejects_other_files),
        cmocka_unit_test_setup_teardown(test_pdf_writer_prints_names_in_all_scripts, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_draws_a_jpeg_picture_as_it_is, setup_fonts, teardown_fonts),
        cmocka_unit_test(test_pdf_writer_embeds_a_shared_font_file_once),
        cmocka_unit_test_setup_teardown(test_pdf_writer_is_byte_identical_for_same_input, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_output_does_not_depend_on_earlier_pdfs, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_embeds_only_styles_and_glyphs_it_prints, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_dates_come_from_source_date_epoch, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_reports_libharu_errors, setup_fonts, teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_rejects_bad_logo, setup_fonts, teardown_fonts),
    };
    return cmocka_run_group_tests_name("pdf", tests, NULL, NULL);
}
