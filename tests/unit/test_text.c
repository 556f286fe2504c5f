/*
 * Unit tests for text: finding fonts (fontconfig, paths, fallbacks), font choice per grapheme cluster,
 * directions, and shaping compared with HarfBuzz's own hb-shape on the same font file and text.
 */
#include "consentgen/text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consentgen/diag.h"
#include "consentgen/util.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define NASKH "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"
#define HEBREW "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf"

static char *
formatted(const struct diags *d)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "");
    diags_format(d, &b);
    return buf_detach(&b);
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

/* An engine for font (family or path) with the given fallbacks (families), none by default. */
static struct text_engine *
engine(const char *font, bool is_path, const struct config_font *fallbacks, size_t n, bool is_default,
       struct diags *d)
{
    struct config_page page = {0};
    page.font = (char *)font;
    page.font_is_path = is_path;
    page.fallbacks = (struct config_font *)fallbacks;
    page.n_fallbacks = n;
    page.fallbacks_are_default = is_default;
    return text_engine_load(&page, "schule.yaml", d);
}

static struct text_engine *
liberation_with_defaults(void)
{
    static const struct config_font fb[] = {
        {"Noto Naskh Arabic", false, 0, 0}, {"Noto Sans Hebrew", false, 0, 0}, {"DejaVu Sans", false, 0, 0}};
    struct diags        d = {0};
    struct text_engine *e = engine("Liberation Sans", false, fb, 3, true, &d);
    assert_non_null(e);
    assert_int_equal(d.n, 0);
    return e;
}

static const struct text_para *
shape1(struct text_engine *e, const char *s, enum text_style style, struct arena *a)
{
    const struct text_shaper *sh = text_engine_shaper(e);
    struct text_span          span = {s, strlen(s), style};
    return sh->shape(sh->ctx, &span, 1, TEXT_DIR_LTR, a);
}

/* ---- fonts ---- */

static void
test_text_loads_a_family_with_three_styles(void **state)
{
    (void)state;
    struct diags        d = {0};
    struct text_engine *e = engine("Liberation Sans", false, NULL, 0, false, &d);
    assert_non_null(e);
    assert_int_equal(d.n, 0);
    assert_string_equal(text_engine_name(e), "Liberation Sans");
    assert_int_equal(text_engine_n_fonts(e), 3);
    assert_non_null(strstr(text_engine_font_path(e, 0), "LiberationSans-Regular.ttf"));
    assert_non_null(strstr(text_engine_font_path(e, 1), "LiberationSans-Bold.ttf"));
    assert_non_null(strstr(text_engine_font_path(e, 2), "LiberationSans-Italic.ttf"));
    assert_false(text_engine_font_is_path(e, 0));
    assert_null(text_engine_font_path(e, 3));
    text_engine_free(e);
    text_engine_free(NULL);
}

static void
test_text_family_typo_is_an_error_with_hint(void **state)
{
    (void)state;
    struct diags d = {0};
    assert_null(engine("Liberation Sanz", false, NULL, 0, false, &d));
    char       *msg = formatted(&d);
    const char *want = "schule.yaml: error: font \"Liberation Sanz\" not found; installed families like it: "
                       "\"Liberation Sans\"";
    if (strncmp(msg, want, strlen(want)) != 0 || d.n != 1)
        fail_msg("got: %s", msg);
    free(msg);
    diags_fini(&d);
}

static void
test_text_unknown_family_is_an_error(void **state)
{
    (void)state;
    struct diags d = {0};
    assert_null(engine("Qqqqqqqqqqqqqqqqqqqqqqqq", false, NULL, 0, false, &d));
    char *msg = formatted(&d);
    assert_string_equal(msg, "schule.yaml: error: font \"Qqqqqqqqqqqqqqqqqqqqqqqq\" not found\n");
    free(msg);
    diags_fini(&d);
}

static void
test_text_loads_one_file_for_all_styles(void **state)
{
    (void)state;
    struct diags        d = {0};
    struct text_engine *e = engine(DEJAVU, true, NULL, 0, false, &d);
    assert_non_null(e);
    assert_int_equal(d.n, 0);
    assert_string_equal(text_engine_name(e), DEJAVU);
    assert_int_equal(text_engine_n_fonts(e), 1);
    assert_true(text_engine_font_is_path(e, 0));
    /* Bold is the same file: the same glyphs. */
    struct arena           *a = arena_new();
    const struct text_para *r = shape1(e, "Hallo", TEXT_STYLE_REGULAR, a);
    const struct text_para *b = shape1(e, "Hallo", TEXT_STYLE_BOLD, a);
    assert_int_equal(r->items[0].font, b->items[0].font);
    assert_memory_equal(r->items[0].glyphs, b->items[0].glyphs, 5 * sizeof(struct text_glyph));
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_bad_font_paths_are_errors(void **state)
{
    (void)state;
    struct diags d = {0};
    assert_null(engine("/nonexistent/font.ttf", true, NULL, 0, false, &d));
    assert_null(engine(FIXTURES_DIR "/pdf/logo.png", true, NULL, 0, false, &d));
    char *path = xasprintf("/tmp/cg-test-text-%ld.ttf", (long)getpid());
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("not a font at all", fp);
    fclose(fp);
    assert_null(engine(path, true, NULL, 0, false, &d));
    char *msg = formatted(&d);
    char *want = xasprintf(
        "schule.yaml: error: cannot read font file \"/nonexistent/font.ttf\": No such file or directory\n"
        "schule.yaml: error: font file \"%s\" is not a TrueType font; expected a .ttf file\n"
        "schule.yaml: error: font file \"%s\" is not a usable TrueType font\n",
        FIXTURES_DIR "/pdf/logo.png", path);
    assert_string_equal(msg, want);
    unlink(path);
    free(path);
    free(want);
    free(msg);
    diags_fini(&d);
}

static void
test_text_fallbacks_the_config_names_must_exist_defaults_need_not(void **state)
{
    (void)state;
    static const struct config_font fb[] = {{"Noto Naskh Arabic", false, 12, 7},
                                            {"Qqqqqqqqqqqqqqqqq", false, 13, 7}};
    struct diags                    d = {0};
    assert_null(engine("Liberation Sans", false, fb, 2, false, &d));
    char *msg = formatted(&d);
    assert_string_equal(msg, "schule.yaml:13:7: error: font \"Qqqqqqqqqqqqqqqqq\" not found\n");
    free(msg);
    diags_fini(&d);

    /* The same list as the default: the missing family is left out, the others are used. */
    struct text_engine *e = engine("Liberation Sans", false, fb, 2, true, &d);
    assert_non_null(e);
    assert_int_equal(d.n, 0);
    assert_int_equal(text_engine_n_fonts(e), 5); /* Liberation x 3, Naskh regular and bold */
    assert_string_equal(text_engine_font_path(e, 3), NASKH);
    text_engine_free(e);
}

/* ---- shaping compared with hb-shape ---- */

/* One item's glyphs in hb-shape's format: [gid=cluster@dx,dy+advance|...], clusters relative to the item. */
static char *
item_as_hb_shape(const struct text_item *it)
{
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '[');
    for (size_t i = 0; i < it->n_glyphs; i++) {
        const struct text_glyph *g = &it->glyphs[i];
        buf_printf(&b, "%s%u=%u", i ? "|" : "", (unsigned)g->gid, (unsigned)(g->cluster - it->start));
        if (g->x_offset || g->y_offset)
            buf_printf(&b, "@%d,%d", (int)g->x_offset, (int)g->y_offset);
        buf_printf(&b, "+%d", (int)g->x_advance);
    }
    buf_puts(&b, "]\n");
    return buf_detach(&b);
}

static char *
shell_quote(const char *s, size_t len)
{
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '\'');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\'')
            buf_puts(&b, "'\\''");
        else
            buf_putc(&b, s[i]);
    }
    buf_putc(&b, '\'');
    return buf_detach(&b);
}

/* What hb-shape prints for item it of p, shaped alone with the rest of the paragraph as context. */
static char *
hb_shape_item(const struct text_engine *e, const struct text_para *p, const struct text_item *it,
              const char *script)
{
    char *text = shell_quote(p->text + it->start, it->len);
    char *before = shell_quote(p->text, it->start);
    char *after = shell_quote(p->text + it->start + it->len, p->len - it->start - it->len);
    /* hb-shape reads its arguments in the locale's charset: UTF-8 whatever the caller's locale. */
    char *cmd = xasprintf("LC_ALL=C.UTF-8 hb-shape --no-glyph-names --utf8-clusters --font-size=%d "
                          "--language=und --direction=%s --script=%s %s %s --text-before=%s --text-after=%s '%s' %s",
                          TEXT_UNITS_PER_EM, it->level & 1 ? "rtl" : "ltr", script,
                          it->start == 0 ? "--bot" : "", it->start + it->len == p->len ? "--eot" : "", before,
                          after, text_engine_font_path(e, it->font), text);
    char *out = run(cmd);
    free(cmd);
    free(text);
    free(before);
    free(after);
    return out;
}

static void
assert_item_like_hb_shape(const struct text_engine *e, const struct text_para *p, size_t i,
                          const char *script)
{
    char *want = hb_shape_item(e, p, &p->items[i], script);
    char *got = item_as_hb_shape(&p->items[i]);
    if (strcmp(want, got) != 0)
        fail_msg("item %zu of \"%s\": hb-shape %s      engine %s", i, p->text, want, got);
    free(want);
    free(got);
}

static char *
item_text(const struct text_para *p, size_t i)
{
    return xstrndup(p->text + p->items[i].start, p->items[i].len);
}

static void
test_text_shapes_latin_like_hb_shape(void **state)
{
    (void)state;
    struct text_engine     *e = liberation_with_defaults();
    struct arena           *a = arena_new();
    const struct text_para *p = shape1(e, "Müller, Anna – Şahin, Łukasz (Klasse 5a)", TEXT_STYLE_REGULAR, a);
    assert_int_equal(p->n_items, 1);
    assert_int_equal(p->items[0].font, 0);
    assert_int_equal(p->items[0].level, 0);
    assert_item_like_hb_shape(e, p, 0, "latn");
    /* Each glyph stands for its own character: "ü" is two bytes at offset 1. */
    assert_int_equal(p->items[0].glyphs[1].uni_start, 1);
    assert_int_equal(p->items[0].glyphs[1].uni_len, 2);
    p = shape1(e, "Einwilligung", TEXT_STYLE_BOLD, a);
    assert_int_equal(p->items[0].font, 1);
    assert_item_like_hb_shape(e, p, 0, "latn");
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_shapes_arabic_joined_from_the_fallback_font(void **state)
{
    (void)state;
    struct text_engine     *e = liberation_with_defaults();
    struct arena           *a = arena_new();
    const struct text_para *p = shape1(e, "محمد حداد", TEXT_STYLE_REGULAR, a);
    /* One right-to-left item in Noto Naskh Arabic, the space inside it included. */
    assert_int_equal(p->n_items, 1);
    assert_string_equal(text_engine_font_path(e, p->items[0].font), NASKH);
    assert_int_equal(p->items[0].level, 1);
    assert_item_like_hb_shape(e, p, 0, "arab");
    /* Visual order: the glyph at the left end is the last letter (د at byte 15), the right end the first. */
    const struct text_item *it = &p->items[0];
    assert_int_equal(it->glyphs[0].cluster, 15);
    assert_int_equal(it->glyphs[it->n_glyphs - 1].cluster, 0);
    /* Joining: د after م takes its final form, unlike د alone (or after ا, which joins nothing after it). */
    const struct text_para *iso = shape1(e, "د", TEXT_STYLE_REGULAR, a);
    const struct text_para *fin = shape1(e, "محمد", TEXT_STYLE_REGULAR, a);
    assert_int_equal(it->glyphs[0].gid, iso->items[0].glyphs[0].gid);
    assert_int_not_equal(fin->items[0].glyphs[0].gid, iso->items[0].glyphs[0].gid);
    assert_int_not_equal(fin->items[0].glyphs[0].gid, 0);
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_shapes_lam_alef_as_one_glyph_for_two_characters(void **state)
{
    (void)state;
    struct diags        d = {0};
    struct text_engine *e = engine(DEJAVU, true, NULL, 0, false, &d);
    assert_non_null(e);
    struct arena           *a = arena_new();
    const struct text_para *p = shape1(e, "لا", TEXT_STYLE_REGULAR, a);
    assert_int_equal(p->n_items, 1);
    assert_item_like_hb_shape(e, p, 0, "arab");
    assert_int_equal(p->items[0].n_glyphs, 1);
    /* The ligature stands for both letters in ToUnicode. */
    assert_int_equal(p->items[0].glyphs[0].uni_start, 0);
    assert_int_equal(p->items[0].glyphs[0].uni_len, 4);
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_shapes_hebrew_right_to_left(void **state)
{
    (void)state;
    struct text_engine *e = liberation_with_defaults();
    struct arena       *a = arena_new();
    /* Liberation Sans has Hebrew letters itself; Noto Sans Hebrew serves a font without them. */
    const struct text_para *p = shape1(e, "כהן", TEXT_STYLE_REGULAR, a);
    assert_int_equal(p->n_items, 1);
    assert_int_equal(p->items[0].font, 0);
    assert_int_equal(p->items[0].level, 1);
    assert_item_like_hb_shape(e, p, 0, "hebr");
    /* ן (the last letter, bytes 4..5) is drawn first, at the left. */
    assert_int_equal(p->items[0].glyphs[0].cluster, 4);
    arena_free(a);
    text_engine_free(e);

    struct diags                    d = {0};
    static const struct config_font fb[] = {{"Noto Sans Hebrew", false, 0, 0}};
    e = engine("Noto Naskh Arabic", false, fb, 1, false, &d);
    assert_non_null(e);
    a = arena_new();
    p = shape1(e, "כהן", TEXT_STYLE_REGULAR, a);
    assert_int_equal(p->n_items, 1);
    assert_string_equal(text_engine_font_path(e, p->items[0].font), HEBREW);
    assert_item_like_hb_shape(e, p, 0, "hebr");
    arena_free(a);
    text_engine_free(e);
}

static const struct text_para *
shape_at(struct text_engine *e, const char *s, enum text_direction base, struct arena *a)
{
    const struct text_shaper *sh = text_engine_shaper(e);
    struct text_span          span = {s, strlen(s), TEXT_STYLE_REGULAR};
    return sh->shape(sh->ctx, &span, 1, base, a);
}

static void
test_text_right_to_left_base_lifts_latin_to_level_two(void **state)
{
    (void)state;
    struct text_engine     *e = liberation_with_defaults();
    struct arena           *a = arena_new();
    const char             *s = "منصة IServ 2020.";
    const struct text_para *p = shape_at(e, s, TEXT_DIR_RTL, a);
    /* Arabic and the spaces and the final full stop at level 1 (the base), "IServ" and "2020" at 2. */
    assert_true(p->n_items >= 3);
    for (size_t i = 0; i < p->n_items; i++) {
        char *t = item_text(p, i);
        if (strcmp(t, "IServ") == 0 || strcmp(t, "2020") == 0)
            assert_int_equal(p->items[i].level, 2);
        else if (strstr(t, "IServ") == NULL && strstr(t, "2020") == NULL)
            assert_int_equal(p->items[i].level, 1);
        free(t);
    }
    char *last = item_text(p, p->n_items - 1);
    assert_string_equal(last, ".");
    assert_int_equal(p->items[p->n_items - 1].level, 1);
    free(last);
    /* The same text at a left-to-right base: the full stop stays with the German side. */
    p = shape_at(e, s, TEXT_DIR_LTR, a);
    assert_int_equal(p->items[p->n_items - 1].level, 0);
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_auto_base_takes_the_first_strong_letter(void **state)
{
    (void)state;
    struct text_engine     *e = liberation_with_defaults();
    struct arena           *a = arena_new();
    const struct text_para *p = shape_at(e, "Übersetzung – nur zur Information.", TEXT_DIR_AUTO_RTL, a);
    assert_int_equal(p->n_items, 1);
    assert_int_equal(p->items[0].level, 0);
    p = shape_at(e, "ترجمة – للاطلاع فقط.", TEXT_DIR_AUTO_RTL, a);
    for (size_t i = 0; i < p->n_items; i++)
        assert_int_equal(p->items[i].level, 1);
    /* No strong letter at all: right to left, so a date stays where the Arabic text puts it. */
    p = shape_at(e, "11.12.2026", TEXT_DIR_AUTO_RTL, a);
    assert_int_equal(p->items[0].level, 2);
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_splits_german_with_an_arabic_name_into_directed_items(void **state)
{
    (void)state;
    struct text_engine       *e = liberation_with_defaults();
    struct arena             *a = arena_new();
    const struct text_span    spans[] = {{"Für ", 5, TEXT_STYLE_REGULAR},
                                         {"محمد حداد", strlen("محمد حداد"), TEXT_STYLE_BOLD},
                                         {" (Klasse 7b)", 12, TEXT_STYLE_REGULAR}};
    const struct text_shaper *sh = text_engine_shaper(e);
    const struct text_para   *p = sh->shape(sh->ctx, spans, 3, TEXT_DIR_LTR, a);
    assert_int_equal(p->n_items, 3);
    char *t0 = item_text(p, 0), *t1 = item_text(p, 1), *t2 = item_text(p, 2);
    assert_string_equal(t0, "Für ");
    assert_string_equal(t1, "محمد حداد");
    assert_string_equal(t2, " (Klasse 7b)");
    assert_int_equal(p->items[0].level, 0);
    assert_int_equal(p->items[1].level, 1);
    assert_int_equal(p->items[2].level, 0);
    assert_int_equal(p->items[0].font, 0);
    assert_int_equal(p->items[1].style, TEXT_STYLE_BOLD);
    assert_string_equal(text_engine_font_path(e, p->items[1].font),
                        "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf");
    assert_int_equal(p->items[2].font, 0);
    assert_item_like_hb_shape(e, p, 0, "latn");
    assert_item_like_hb_shape(e, p, 1, "arab");
    assert_item_like_hb_shape(e, p, 2, "latn");
    free(t0);
    free(t1);
    free(t2);
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_shapes_vietnamese_nfc_and_nfd_alike(void **state)
{
    (void)state;
    struct diags        d = {0};
    struct text_engine *e = engine("DejaVu Sans", false, NULL, 0, false, &d);
    assert_non_null(e);
    struct arena           *a = arena_new();
    const char             *nfc = "Nguyễn Trần Ắnh";
    const char             *nfd = "Nguye\xcc\x82\xcc\x83n Tra\xcc\x82\xcc\x80n A\xcc\x86\xcc\x81nh";
    const struct text_para *c = shape1(e, nfc, TEXT_STYLE_REGULAR, a);
    const struct text_para *p = shape1(e, nfd, TEXT_STYLE_REGULAR, a);
    assert_int_equal(c->n_items, 1);
    assert_int_equal(p->n_items, 1);
    assert_item_like_hb_shape(e, c, 0, "latn");
    assert_item_like_hb_shape(e, p, 0, "latn");
    /* The same glyphs (the composed letters) and advances; only the clusters' byte offsets differ. */
    assert_int_equal(c->items[0].n_glyphs, p->items[0].n_glyphs);
    for (size_t i = 0; i < c->items[0].n_glyphs; i++) {
        assert_int_equal(c->items[0].glyphs[i].gid, p->items[0].glyphs[i].gid);
        assert_int_equal(c->items[0].glyphs[i].x_advance, p->items[0].glyphs[i].x_advance);
    }
    /* ễ from e + U+0302 + U+0303: one glyph standing for all three characters (5 bytes at 4). */
    assert_int_equal(p->items[0].glyphs[4].uni_start, 4);
    assert_int_equal(p->items[0].glyphs[4].uni_len, 5);
    /* Printable: the whole cluster shapes. */
    const struct text_shaper *sh = text_engine_shaper(e);
    size_t                    k;
    assert_int_equal(sh->next_unprintable(sh->ctx, TEXT_STYLE_REGULAR, nfd, strlen(nfd), 0, &k), strlen(nfd));
    arena_free(a);
    text_engine_free(e);
}

static void
test_text_finds_characters_no_font_prints(void **state)
{
    (void)state;
    struct text_engine       *e = liberation_with_defaults();
    const struct text_shaper *sh = text_engine_shaper(e);
    const char               *s = "Wang, 李明 حداد";
    size_t                    k;
    size_t                    at = sh->next_unprintable(sh->ctx, TEXT_STYLE_REGULAR, s, strlen(s), 0, &k);
    assert_int_equal(at, 6);
    assert_int_equal(k, 3);
    at = sh->next_unprintable(sh->ctx, TEXT_STYLE_REGULAR, s, strlen(s), at + k, &k);
    assert_int_equal(at, 9);
    at = sh->next_unprintable(sh->ctx, TEXT_STYLE_REGULAR, s, strlen(s), at + k, &k);
    assert_int_equal(at, strlen(s)); /* the Arabic name prints with the fallback */
    /* A mark no font has, on a letter every font has: the mark is named. */
    const char *mark = "a\xe0\xa5\x91"; /* a + U+0951 DEVANAGARI STRESS SIGN UDATTA */
    assert_int_equal(sh->next_unprintable(sh->ctx, TEXT_STYLE_BOLD, mark, strlen(mark), 0, &k), 1);
    assert_int_equal(k, 3);
    text_engine_free(e);
}

static void
assert_same_para(const struct text_para *p, const struct text_para *q)
{
    assert_int_equal(p->len, q->len);
    assert_memory_equal(p->text, q->text, p->len);
    assert_memory_equal(p->advance, q->advance, p->len * sizeof *p->advance);
    assert_memory_equal(p->is_cluster_start, q->is_cluster_start, p->len + 1);
    assert_int_equal(p->n_items, q->n_items);
    for (size_t i = 0; i < p->n_items; i++) {
        assert_int_equal(p->items[i].n_glyphs, q->items[i].n_glyphs);
        assert_memory_equal(p->items[i].glyphs, q->items[i].glyphs,
                            p->items[i].n_glyphs * sizeof(struct text_glyph));
    }
}

static void
test_text_gives_the_same_result_from_its_cache(void **state)
{
    (void)state;
    struct text_engine       *e = liberation_with_defaults();
    const struct text_shaper *sh = text_engine_shaper(e);
    struct arena             *a = arena_new();
    const struct text_para   *p = shape1(e, "Hallo حداد", TEXT_STYLE_REGULAR, a);
    /* The cache's own paragraph, until release. */
    assert_ptr_equal(shape1(e, "Hallo حداد", TEXT_STYLE_REGULAR, a), p);
    /* Measured for line breaking: "H" (a cluster of its own) and the Arabic letters. */
    assert_true(p->is_cluster_start[0] && p->is_cluster_start[6] && p->is_cluster_start[p->len]);
    assert_false(p->is_cluster_start[7]); /* the second byte of ح */
    assert_int_equal(p->advance[0], p->items[0].glyphs[0].x_advance);
    /* The same text in another style is another paragraph. */
    const struct text_para *b = shape1(e, "Hallo حداد", TEXT_STYLE_BOLD, a);
    assert_int_equal(b->items[0].font, 1);

    /* Past its size the cache starts over at release, and shapes the same again. */
    struct arena          *keep = arena_new();
    struct text_para      *copy = arena_alloc(keep, sizeof *copy);
    const struct text_span span = {"Hallo حداد", strlen("Hallo حداد"), TEXT_STYLE_REGULAR};
    *copy = *p;
    copy->text = arena_strdup(keep, p->text);
    int32_t *adv = arena_alloc(keep, p->len * sizeof *adv);
    memcpy(adv, p->advance, p->len * sizeof *adv);
    copy->advance = adv;
    bool *starts = arena_alloc(keep, p->len + 1);
    memcpy(starts, p->is_cluster_start, p->len + 1);
    copy->is_cluster_start = starts;
    copy->items = arena_alloc(keep, p->n_items * sizeof *copy->items);
    for (size_t i = 0; i < p->n_items; i++) {
        copy->items[i] = p->items[i];
        copy->items[i].glyphs = arena_alloc(keep, p->items[i].n_glyphs * sizeof(struct text_glyph));
        memcpy(copy->items[i].glyphs, p->items[i].glyphs, p->items[i].n_glyphs * sizeof(struct text_glyph));
    }
    for (int i = 0; i < 4000; i++) {
        char *s =
            xasprintf("Zeile %d: Die Schule informiert die Eltern über den Ablauf der Videokonferenzen.", i);
        shape1(e, s, TEXT_STYLE_REGULAR, a);
        free(s);
    }
    sh->release(sh->ctx);
    const struct text_para *again = sh->shape(sh->ctx, &span, 1, TEXT_DIR_LTR, a);
    assert_same_para(copy, again);
    arena_free(keep);
    arena_free(a);
    text_engine_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_loads_a_family_with_three_styles),
        cmocka_unit_test(test_text_family_typo_is_an_error_with_hint),
        cmocka_unit_test(test_text_unknown_family_is_an_error),
        cmocka_unit_test(test_text_loads_one_file_for_all_styles),
        cmocka_unit_test(test_text_bad_font_paths_are_errors),
        cmocka_unit_test(test_text_fallbacks_the_config_names_must_exist_defaults_need_not),
        cmocka_unit_test(test_text_shapes_latin_like_hb_shape),
        cmocka_unit_test(test_text_shapes_arabic_joined_from_the_fallback_font),
        cmocka_unit_test(test_text_shapes_lam_alef_as_one_glyph_for_two_characters),
        cmocka_unit_test(test_text_shapes_hebrew_right_to_left),
        cmocka_unit_test(test_text_splits_german_with_an_arabic_name_into_directed_items),
        cmocka_unit_test(test_text_right_to_left_base_lifts_latin_to_level_two),
        cmocka_unit_test(test_text_auto_base_takes_the_first_strong_letter),
        cmocka_unit_test(test_text_shapes_vietnamese_nfc_and_nfd_alike),
        cmocka_unit_test(test_text_finds_characters_no_font_prints),
        cmocka_unit_test(test_text_gives_the_same_result_from_its_cache),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
