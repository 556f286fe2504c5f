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
#include <zlib.h>

#include "consentgen/diag.h"
#include "consentgen/layout.h"
#include "consentgen/pdf.h"
#include "consentgen/text.h"
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

/* The engine and the pdf fonts of one config; what the tests share. */
struct fonts {
    struct text_engine *text;
    struct pdf_fonts   *pdf;
};

static struct fonts *
load(const char *font, bool is_path, bool with_fallbacks)
{
    static const struct config_font fb[] = {
        {"Noto Naskh Arabic", false, 0, 0}, {"Noto Sans Hebrew", false, 0, 0}, {"DejaVu Sans", false, 0, 0}};
    struct config_page page = {0};
    page.font = (char *)font;
    page.font_is_path = is_path;
    page.fallbacks = with_fallbacks ? (struct config_font *)fb : NULL;
    page.n_fallbacks = with_fallbacks ? 3 : 0;
    page.fallbacks_are_default = true;
    struct diags  d = {0};
    struct fonts *f = xcalloc(1, sizeof *f);
    f->text = text_engine_load(&page, "schule.yaml", &d);
    assert_non_null(f->text);
    f->pdf = pdf_fonts_load(f->text, "schule.yaml", &d);
    assert_non_null(f->pdf);
    assert_int_equal(d.n, 0);
    return f;
}

static void
fonts_free(struct fonts *f)
{
    pdf_fonts_free(f->pdf);
    text_engine_free(f->text);
    free(f);
}

/*
 * Text items of one line at (x, y), as layout makes them: one per run, right-to-left runs (level 1 here)
 * put in visual order. Returns the number of items added to out.
 */
static size_t
text_line(struct fonts *f, struct arena *a, double x, double y, enum text_style style, double size_pt,
          double gray, const char *s, struct layout_item *out)
{
    const struct text_shaper *sh = text_engine_shaper(f->text);
    struct text_span          span = {s, strlen(s), style};
    const struct text_para   *p = sh->shape(sh->ctx, &span, 1, TEXT_DIR_LTR, a);
    size_t                    n = p->n_items;
    for (size_t i = 0; i < n; i++) {
        const struct text_item *it = &p->items[i];
        struct text_glyph      *g = arena_alloc(a, (it->n_glyphs + 1) * sizeof *g);
        for (size_t k = 0; k < it->n_glyphs; k++) {
            g[k] = it->glyphs[k];
            g[k].cluster -= (uint32_t)it->start;
            g[k].uni_start = g[k].uni_len ? g[k].uni_start - (uint32_t)it->start : 0;
        }
        out[i] = (struct layout_item){.kind = LAYOUT_ITEM_TEXT,
                                      .y_pt = y,
                                      .font = it->font,
                                      .style = it->style,
                                      .is_rtl = it->level & 1,
                                      .size_pt = size_pt,
                                      .text = arena_strndup(a, p->text + it->start, it->len),
                                      .glyphs = g,
                                      .n_glyphs = it->n_glyphs,
                                      .gray = gray};
    }
    for (size_t i = 0; i < n;) { /* rule L2 for levels 0 and 1 */
        size_t j = i;
        while (j < n && out[j].is_rtl)
            j++;
        for (size_t lo = i, hi = j; lo + 1 < hi; lo++, hi--) {
            struct layout_item t = out[lo];
            out[lo] = out[hi - 1];
            out[hi - 1] = t;
        }
        i = j > i ? j : i + 1;
    }
    for (size_t i = 0; i < n; i++) {
        out[i].x_pt = x;
        for (size_t k = 0; k < out[i].n_glyphs; k++)
            x += out[i].glyphs[k].x_advance * size_pt / TEXT_UNITS_PER_EM;
    }
    return n;
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

/* ---- fonts -------------------------------------------------------------------------------- */

static int
setup_fonts(void **state)
{
    *state = load("Liberation Sans", false, true);
    return 0;
}

static int
teardown_fonts(void **state)
{
    fonts_free(*state);
    return 0;
}

static void
test_pdf_fonts_load_every_font_of_the_engine(void **state)
{
    (void)state;
    struct fonts *f = load("Liberation Sans", false, true);
    /* Liberation Sans x 3, Noto Naskh Arabic x 2, Noto Sans Hebrew x 2, DejaVu Sans x 3. */
    assert_int_equal(text_engine_n_fonts(f->text), 10);
    fonts_free(f);
    pdf_fonts_free(NULL);
}

static void
test_pdf_fonts_report_a_file_libharu_cannot_use(void **state)
{
    (void)state;
    /* Without an OS/2 table HarfBuzz still shapes with the font, but libharu cannot embed it. */
    char *path = xasprintf("/tmp/cg-test-pdf-%ld.ttf", (long)getpid());
    char *cmd = xasprintf("hb-subset --unicodes=41-5A --drop-tables+=OS/2 --output-file='%s' "
                          "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
                          path);
    free(run(cmd));
    free(cmd);
    struct config_page page = {0};
    page.font = path;
    page.font_is_path = true;
    struct diags        d = {0};
    struct text_engine *t = text_engine_load(&page, "schule.yaml", &d);
    assert_non_null(t);
    assert_null(pdf_fonts_load(t, "schule.yaml", &d));
    char *msg = formatted(&d);
    char *want = xasprintf("schule.yaml: error: font file \"%s\" is not a usable TrueType font\n", path);
    assert_string_equal(msg, want);
    text_engine_free(t);
    unlink(path);
    free(path);
    free(want);
    free(msg);
    diags_fini(&d);
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

#define ARABIC "محمد حداد"
#define PERSIAN "زهرا رضایی"
#define HEBREW "כהן"

static bool
render(struct fonts *f, const char *logo, double size_pt, struct buf *out, struct diags *d)
{
    struct arena      *a = arena_new();
    struct layout_item items[32] = {
        {.kind = LAYOUT_ITEM_LOGO, .x_pt = 450, .y_pt = 40, .w_pt = 90, .h_pt = 30},
        {.kind = LAYOUT_ITEM_LINE, .x_pt = 70.87, .y_pt = 200, .w_pt = 200, .line_width_pt = 0.5},
        {.kind = LAYOUT_ITEM_BOX, .x_pt = 70.87, .y_pt = 220, .w_pt = 10, .h_pt = 10, .line_width_pt = 0.75},
    };
    size_t n = 3;
    n += text_line(f, a, 70.87, 100, TEXT_STYLE_BOLD, 14, 0, "Einwilligung Videokonferenz", items + n);
    n += text_line(f, a, 70.87, 130, TEXT_STYLE_REGULAR, size_pt, 0, NAMES, items + n);
    n += text_line(f, a, 70.87, 145, TEXT_STYLE_ITALIC, 10.5, 0.3, "Müller, Anna – 5a", items + n);
    n += text_line(f, a, 70.87, 160, TEXT_STYLE_REGULAR, 11, 0, ARABIC, items + n);
    n += text_line(f, a, 70.87, 175, TEXT_STYLE_BOLD, 11, 0, PERSIAN, items + n);
    n += text_line(f, a, 70.87, 190, TEXT_STYLE_REGULAR, 11, 0, HEBREW, items + n);
    n += text_line(f, a, 85, 229, TEXT_STYLE_REGULAR, 10.5, 0, "Ja", items + n);
    struct layout_page pages[] = {
        {items, n, 0, false},
        {NULL, 0, 0, true},
    };
    struct layout_doc doc = {.pages = pages, .n_pages = 2};
    struct pdf_meta meta = {"Einwilligung Videokonferenz – Şahin", "Städtisches Gymnasium Musterstadt", NULL};

    struct pdf_writer *w = pdf_writer_new(f->pdf, logo, &meta, d);
    bool               ok = w && pdf_writer_add(w, &doc, d) && pdf_writer_save(w, out, d);
    pdf_writer_free(w);
    arena_free(a);
    return ok;
}

static void
test_pdf_writer_prints_names_in_all_scripts(void **state)
{
    struct fonts *f = *state;
    struct diags  d = {0};
    struct buf    b;
    buf_init(&b);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_true(render(f, FIXTURES_DIR "/pdf/logo.png", 11, &b, &d));
    assert_int_equal(d.n, 0);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "%PDF-", 5);

    /* Every name as written, in logical order, and not a word from poppler on stderr. */
    char *path = write_temp("form.pdf", b.data, b.len);
    char *cmd = xasprintf("pdftotext -enc UTF-8 '%s' - 2>&1", path);
    char *text = run(cmd);
    if (!strstr(text, NAMES) || !strstr(text, "Einwilligung Videokonferenz") ||
        !strstr(text, "Müller, Anna – 5a") || !strstr(text, ARABIC) || !strstr(text, PERSIAN) ||
        !strstr(text, HEBREW) || strstr(text, "Syntax"))
        fail_msg("pdftotext gave: %s", text);
    free(cmd);
    free(text);

    /* Every font embedded (and subset): the "emb" and "sub" columns of pdffonts; tags follow the font ids. */
    cmd = xasprintf("pdffonts '%s' 2>&1 | tail -n +3 | awk '{print $1, $(NF-4), $(NF-3)}' | sort", path);
    text = run(cmd);
    assert_string_equal(text, "HPDFAA+LiberationSans yes yes\n"
                              "HPDFAB+LiberationSans-Bold,Bold yes yes\n"
                              "HPDFAC+LiberationSans-Italic,Italic yes yes\n"
                              "HPDFAD+NotoNaskhArabic-Regular yes yes\n"
                              "HPDFAE+NotoNaskhArabic-Bold,Bold yes yes\n");
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

/* The PDF decompressed by qpdf (binary bytes kept, NUL-terminated). */
static void
uncompressed(const struct buf *pdf, struct buf *out)
{
    char *path = write_temp("form.pdf", pdf->data, pdf->len);
    char *cmd = xasprintf("qpdf --qdf --object-streams=disable '%s' -", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    buf_init(out);
    char   chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(out, chunk, k);
    assert_int_equal(pclose(p), 0);
    free(cmd);
    remove_temp(path);
}

static void
test_pdf_writer_writes_its_own_to_unicode_maps(void **state)
{
    struct fonts *f = *state;
    struct diags  d = {0};
    struct buf    b;
    buf_init(&b);
    assert_true(render(f, NULL, 11, &b, &d));
    struct buf q;
    uncompressed(&b, &q);
    /* libharu's encoding CMap (begincidrange) is gone; ours map glyph ids to characters. */
    assert_false(contains(&q, "begincidrange"));
    assert_true(contains(&q, "/CMapName /Adobe-Identity-UCS def"));
    assert_true(contains(&q, "beginbfchar"));
    assert_true(contains(&q, "/CIDToGIDMap /Identity"));
    /* "Ja" in Liberation Sans: J and a are glyphs 45 and 68. */
    assert_true(contains(&q, "<002D> <004A>"));
    assert_true(contains(&q, "<0044> <0061>"));
    /* The lam-alef-free Arabic name: each letter form stands for its letter, e.g. ح (U+062D). */
    assert_true(contains(&q, "<062D>"));
    buf_fini(&q);
    buf_fini(&b);
}

/* Glyph ids of the TJ strings of a decompressed PDF, in content order, as "45 68 ...". */
static char *
content_glyphs(const struct buf *q)
{
    struct buf out;
    buf_init(&out);
    buf_puts(&out, "");
    const char *s = q->data, *end = q->data + q->len;
    bool        in_tj = false;
    for (; s + 4 < end; s++) {
        if (!in_tj) {
            in_tj = memcmp(s, "Tm\n[", 4) == 0;
            continue;
        }
        if (s[0] == ']' && s[1] == ' ' && s[2] == 'T') {
            in_tj = false;
            continue;
        }
        if (*s == '<') { /* qpdf --qdf writes strings in hex */
            unsigned v = 0;
            int      n = 0;
            for (s++; s < end && *s != '>'; s++) {
                v = v << 4 | (unsigned)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
                if (++n == 4) {
                    buf_printf(&out, "%s%u", out.len ? " " : "", v);
                    v = 0;
                    n = 0;
                }
            }
            continue;
        }
        if (*s != '(')
            continue;
        unsigned char bytes[2];
        int           n = 0;
        for (s++; s < end && *s != ')'; s++) {
            unsigned char c = (unsigned char)*s;
            if (c == '\\') {
                s++;
                c = *s == 'r' ? '\r' : (unsigned char)*s;
            }
            bytes[n++] = c;
            if (n == 2) {
                buf_printf(&out, "%s%u", out.len ? " " : "", (unsigned)(bytes[0] << 8 | bytes[1]));
                n = 0;
            }
        }
    }
    return buf_detach(&out);
}

static void
test_pdf_writer_draws_the_glyph_ids_harfbuzz_gave(void **state)
{
    struct fonts      *f = *state;
    struct arena      *a = arena_new();
    struct layout_item items[8];
    size_t             n = text_line(f, a, 70, 100, TEXT_STYLE_REGULAR, 11, 0, "Tag " ARABIC, items);
    struct buf         b;
    buf_init(&b);
    struct layout_page page = {items, n, 0, false};
    struct layout_doc  doc = {.pages = &page, .n_pages = 1};
    struct diags       d = {0};
    struct pdf_writer *w = pdf_writer_new(f->pdf, NULL, NULL, &d);
    assert_true(pdf_writer_add(w, &doc, &d) && pdf_writer_save(w, &b, &d));
    pdf_writer_free(w);
    struct buf want;
    buf_init(&want);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < items[i].n_glyphs; k++)
            buf_printf(&want, "%s%u", want.len ? " " : "", (unsigned)items[i].glyphs[k].gid);
    struct buf q;
    uncompressed(&b, &q);
    char *got = content_glyphs(&q);
    assert_string_equal(got, want.data);
    free(got);
    buf_fini(&q);
    buf_fini(&want);
    buf_fini(&b);
    arena_free(a);
}

/* Dark pixels (below half gray) of a crop of page 1 at 72 dpi, in pt from the top-left corner. */
static size_t
dark_pixels(const struct buf *pdf, int x, int y, int w, int h)
{
    char *path = write_temp("form.pdf", pdf->data, pdf->len);
    char *cmd = xasprintf("pdftoppm -r 72 -gray -x %d -y %d -W %d -H %d '%s' 2>/dev/null", x, y, w, h, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct buf b;
    buf_init(&b);
    char   chunk[4096];
    size_t k, n = 0;
    while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&b, chunk, k);
    assert_int_equal(pclose(p), 0);
    /* A PGM: "P5\n<w> <h>\n255\n", then the pixels, the last w * h bytes. */
    assert_true(b.len >= (size_t)(w * h));
    for (size_t i = b.len - (size_t)(w * h); i < b.len; i++)
        n += (unsigned char)b.data[i] < 128;
    buf_fini(&b);
    free(cmd);
    remove_temp(path);
    return n;
}

/* One glyph run of s at 60 pt, baseline 100 pt from the top, saved as a PDF into out. */
static void
render_big(struct fonts *f, const char *s, struct buf *out)
{
    struct arena      *a = arena_new();
    struct layout_item items[4];
    size_t             n = text_line(f, a, 20, 100, TEXT_STYLE_REGULAR, 60, 0, s, items);
    struct layout_page page = {items, n, 0, false};
    struct layout_doc  doc = {.pages = &page, .n_pages = 1};
    struct diags       d = {0};
    struct pdf_writer *w = pdf_writer_new(f->pdf, NULL, NULL, &d);
    assert_true(pdf_writer_add(w, &doc, &d) && pdf_writer_save(w, out, &d));
    pdf_writer_free(w);
    arena_free(a);
}

static size_t
ink_of(struct fonts *f, const char *s)
{
    struct buf b;
    buf_init(&b);
    render_big(f, s, &b);
    size_t n = dark_pixels(&b, 10, 20, 120, 110);
    buf_fini(&b);
    return n;
}

static void
test_pdf_writer_embeds_the_parts_of_composite_glyphs(void **state)
{
    (void)state;
    /*
     * DejaVu Sans builds ễ from ê (itself e and a circumflex) and a tilde; Noto Naskh Arabic builds ب from
     * the dotless ٮ and a dot. With only the first level of parts embedded, ễ printed as a lone tilde and ب
     * without its dot.
     */
    struct fonts *dejavu = load("DejaVu Sans", false, false);
    size_t        e = ink_of(dejavu, "e"), e_hat_tilde = ink_of(dejavu, "ễ");
    if (e_hat_tilde <= e + e / 10)
        fail_msg("ễ has %zu dark pixels, e %zu", e_hat_tilde, e);
    fonts_free(dejavu);
    struct fonts *naskh = load("Noto Naskh Arabic", false, false);
    size_t        dotless = ink_of(naskh, "ٮ"), beh = ink_of(naskh, "ب");
    if (beh <= dotless)
        fail_msg("ب has %zu dark pixels, ٮ %zu", beh, dotless);
    fonts_free(naskh);
}

static void
test_pdf_writer_draws_a_jpeg_picture_as_it_is(void **state)
{
    struct fonts *f = *state;
    /* An 8 x 4 grey JPEG. */
    static const unsigned char jpeg[] = "\xFF\xD8\xFF\xE0\x00\x10\x4A\x46\x49\x46\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xDB\x00\x43\x00\x08\x06\x06\x07\x06\x05\x08\x07\x07\x07\x09\x09\x08\x0A\x0C\x14\x0D\x0C\x0B\x0B\x0C\x19\x12\x13\x0F\x14\x1D\x1A\x1F\x1E\x1D\x1A\x1C\x1C\x20\x24\x2E\x27\x20\x22\x2C\x23\x1C\x1C\x28\x37\x29\x2C\x30\x31\x34\x34\x34\x1F\x27\x39\x3D\x38\x32\x3C\x2E\x33\x34\x32\xFF\xC0\x00\x0B\x08\x00\x04\x00\x08\x01\x01\x11\x00\xFF\xC4\x00\x1F\x00\x00\x01\x05\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\xFF\xC4\x00\xB5\x10\x00\x02\x01\x03\x03\x02\x04\x03\x05\x05\x04\x04\x00\x00\x01\x7D\x01\x02\x03\x00\x04\x11\x05\x12\x21\x31\x41\x06\x13\x51\x61\x07\x22\x71\x14\x32\x81\x91\xA1\x08\x23\x42\xB1\xC1\x15\x52\xD1\xF0\x24\x33\x62\x72\x82\x09\x0A\x16\x17\x18\x19\x1A\x25\x26\x27\x28\x29\x2A\x34\x35\x36\x37\x38\x39\x3A\x43\x44\x45\x46\x47\x48\x49\x4A\x53\x54\x55\x56\x57\x58\x59\x5A\x63\x64\x65\x66\x67\x68\x69\x6A\x73\x74\x75\x76\x77\x78\x79\x7A\x83\x84\x85\x86\x87\x88\x89\x8A\x92\x93\x94\x95\x96\x97\x98\x99\x9A\xA2\xA3\xA4\xA5\xA6\xA7\xA8\xA9\xAA\xB2\xB3\xB4\xB5\xB6\xB7\xB8\xB9\xBA\xC2\xC3\xC4\xC5\xC6\xC7\xC8\xC9\xCA\xD2\xD3\xD4\xD5\xD6\xD7\xD8\xD9\xDA\xE1\xE2\xE3\xE4\xE5\xE6\xE7\xE8\xE9\xEA\xF1\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xF9\xFA\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\xDB\xD4\x7F\xE2\x57\xFD\xAD\xF6\x4F\x93\xFB\x26\xC1\x6F\xAC\xFF\x00\xE9\x9E\xEF\x37\x74\x3E\xF1\x1F\x25\x7E\x5E\xD9\xE0\x8D\xA9\xB7\xFF\xD9";
    struct layout_item items[] = {
        {.kind = LAYOUT_ITEM_IMAGE, .x_pt = 70, .y_pt = 100, .w_pt = 160, .h_pt = 80, .image = jpeg,
         .image_len = sizeof jpeg - 1},
    };
    struct layout_page page = {items, 1, 0, false};
    struct layout_doc  doc = {.pages = &page, .n_pages = 1};
    struct pdf_meta    meta = {"Rückläufe prüfen", "Schule", NULL};
    struct diags       d = {0};
    struct buf         b;
    buf_init(&b);
    struct pdf_writer *w = pdf_writer_new(f->pdf, NULL, &meta, &d);
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
    struct diags  d = {0};
    struct fonts *f = load(DEJAVU, true, false);
    struct buf    b;
    buf_init(&b);
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
    assert_non_null(strstr(text, ARABIC));
    free(text);
    free(cmd);
    remove_temp(path);
    buf_fini(&b);
    fonts_free(f);
}

static void
test_pdf_writer_is_byte_identical_for_same_input(void **state)
{
    struct fonts *f = *state;
    struct diags  d = {0};
    struct buf    a, b;
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

/* One page of two lines of text (styles s1, s2), saved with a fresh writer. */
static void
render_lines(struct fonts *f, enum text_style s1, const char *t1, enum text_style s2, const char *t2,
             struct buf *out)
{
    struct arena      *a = arena_new();
    struct layout_item items[16];
    size_t             n = text_line(f, a, 70, 100, s1, 11, 0, t1, items);
    n += text_line(f, a, 70, 120, s2, 11, 0, t2, items + n);
    struct layout_page page = {items, n, 0, false};
    struct layout_doc  doc = {.pages = &page, .n_pages = 1};
    struct pdf_meta    meta = {"Test", "Schule", NULL};
    struct diags       d = {0};
    struct pdf_writer *w = pdf_writer_new(f->pdf, NULL, &meta, &d);
    assert_non_null(w);
    assert_true(pdf_writer_add(w, &doc, &d) && pdf_writer_save(w, out, &d));
    assert_int_equal(d.n, 0);
    pdf_writer_free(w);
    arena_free(a);
}

static void
test_pdf_writer_output_does_not_depend_on_earlier_pdfs(void **state)
{
    struct fonts *f = *state;
    struct buf    first, other, again, alone;
    buf_init(&first);
    buf_init(&other);
    buf_init(&again);
    buf_init(&alone);
    unsetenv("SOURCE_DATE_EPOCH");
    /* The run's fonts lend one libharu document to every PDF in turn. */
    render_lines(f, TEXT_STYLE_REGULAR, "Müller, Anna", TEXT_STYLE_BOLD, "Einwilligung", &first);
    render_lines(f, TEXT_STYLE_REGULAR, NAMES " € • ẞ " ARABIC, TEXT_STYLE_ITALIC, "Коваленко", &other);
    render_lines(f, TEXT_STYLE_REGULAR, "Müller, Anna", TEXT_STYLE_BOLD, "Einwilligung", &again);
    assert_int_equal(first.len, again.len);
    assert_memory_equal(first.data, again.data, first.len);
    /* A second writer while the first is open gets a document of its own: same bytes. */
    struct diags       d = {0};
    struct pdf_writer *busy = pdf_writer_new(f->pdf, NULL, NULL, &d);
    assert_non_null(busy);
    render_lines(f, TEXT_STYLE_REGULAR, "Müller, Anna", TEXT_STYLE_BOLD, "Einwilligung", &alone);
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
    struct fonts *f = *state;
    struct buf    b;
    buf_init(&b);
    render_lines(f, TEXT_STYLE_REGULAR, "Ja", TEXT_STYLE_REGULAR, "Nein", &b);
    /* No bold, italic or fallback font object at all; a subset, not the whole 400 KB font file. */
    assert_false(contains(&b, "LiberationSans-Bold"));
    assert_false(contains(&b, "LiberationSans-Italic"));
    assert_false(contains(&b, "Naskh"));
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
    cmd = xasprintf("pdftotext '%s' - 2>&1", path);
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
    struct fonts *f = *state;
    struct diags  d = {0};
    struct buf    b;
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
    struct fonts *f = *state;
    struct diags  d = {0};
    struct buf    b;
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
    struct fonts *f = *state;
    struct diags  d = {0};
    assert_null(pdf_writer_new(f->pdf, FIXTURES_DIR "/pdf/logo.gif", NULL, &d));
    char *msg = formatted(&d);
    assert_string_equal(msg, "consentgen: error: logo \"" FIXTURES_DIR
                             "/pdf/logo.gif\" is not a PNG or JPEG image\n");
    free(msg);
    diags_fini(&d);
}

/* The first needle in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; p + n <= end; p++)
        if (memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* The last occurrence of needle in [begin, end), or NULL. */
static const char *
find_last(const char *begin, const char *end, const char *needle)
{
    const char *last = NULL;
    for (const char *p = begin; (p = find(p, end, needle)) != NULL; p++)
        last = p;
    return last;
}

static void
test_pdf_writer_deflates_each_stream_once(void **state)
{
    struct fonts *f = *state;
    struct diags  d = {0};
    struct buf    b;
    buf_init(&b);
    /* render() ends with a blank page, as duplex class files have between forms. */
    assert_true(render(f, NULL, 11, &b, &d));
    const char *end = b.data + b.len;
    size_t      contents = 0, font_files = 0, blank = 0;
    for (const char *p = b.data; (p = find(p, end, ">>\012stream\015\012")) != NULL; p++) {
        const char *dict = find_last(b.data, p, " obj");
        const char *data = p + strlen(">>\012stream\015\012");
        const char *stop = find(data, end, "endstream");
        assert_non_null(dict);
        assert_non_null(stop);
        const char *filter = find(dict, p, "/Filter");
        if (!filter) { /* only the blank page's empty content stream: an empty Flate stream is not valid */
            assert_int_equal(stop - data, 1);
            blank++;
            continue;
        }
        /* One filter entry, Flate: ours (contents, font files) or libharu's (the ToUnicode maps). */
        assert_true(find(dict, p, "/Filter /FlateDecode") == filter ||
                    find(dict, p, "/Filter [ /FlateDecode ]") == filter);
        assert_null(find(filter + 1, p, "/Filter"));
        static unsigned char out[1 << 20];
        z_stream             z = {0};
        assert_int_equal(inflateInit(&z), Z_OK);
        z.next_in = (unsigned char *)data;
        z.avail_in = (unsigned)(stop - data);
        z.next_out = out;
        z.avail_out = sizeof out;
        assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
        size_t len = z.total_out;
        inflateEnd(&z);
        /* Inflated once, the data is what it is meant to be: no stream was deflated twice. Contents and
         * font files are deflated by pdf_hpdf.c at its own level (the filter as a name, not an array). */
        bool        is_ours = find(dict, p, "/Filter /FlateDecode") == filter;
        const char *length1 = find(dict, p, "/Length1 ");
        if (length1) {
            assert_int_equal(strtoul(length1 + 9, NULL, 10), len);
            assert_memory_equal(out, "\0\1\0\0", 4); /* a TrueType font file */
            assert_true(is_ours);
            font_files++;
        } else if (find((const char *)out, (const char *)out + len, " Tf\012")) {
            assert_true(is_ours);
            contents++;
        }
    }
    assert_int_equal(contents, 1);
    assert_int_equal(blank, 1);
    assert_true(font_files >= 2); /* Liberation Sans regular, bold, italic and the fallbacks used */
    buf_fini(&b);
    diags_fini(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_fonts_load_every_font_of_the_engine),
        cmocka_unit_test(test_pdf_fonts_report_a_file_libharu_cannot_use),
        cmocka_unit_test(test_pdf_logo_probe_reads_png_and_jpeg),
        cmocka_unit_test(test_pdf_logo_probe_rejects_other_files),
        cmocka_unit_test_setup_teardown(test_pdf_writer_prints_names_in_all_scripts, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_draws_a_jpeg_picture_as_it_is, setup_fonts, teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_writes_its_own_to_unicode_maps, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test_setup_teardown(test_pdf_writer_draws_the_glyph_ids_harfbuzz_gave, setup_fonts,
                                        teardown_fonts),
        cmocka_unit_test(test_pdf_writer_embeds_the_parts_of_composite_glyphs),
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
        cmocka_unit_test_setup_teardown(test_pdf_writer_deflates_each_stream_once, setup_fonts,
                                        teardown_fonts),
    };
    return cmocka_run_group_tests_name("pdf", tests, NULL, NULL);
}
