/* Unit tests for layout: geometry, line breaking, pagination rules, class sheet, dump; with fake metrics. */
#include "consentgen/layout.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "consentgen/diag.h"
#include "consentgen/template.h"
#include "fake_metrics.h"
#include "test_support.h"

#define MM LAYOUT_PT_PER_MM
#define LEFT_PT (25.0 * MM)
#define RIGHT_PT (LAYOUT_PAGE_WIDTH_PT - 20.0 * MM)
#define BOTTOM_PT (LAYOUT_PAGE_HEIGHT_PT - 25.0 * MM)
#define EPS 0.01
#define BOX_PT (3.5 * MM)

struct kv {
    const char *name, *value;
};

/* Values every test can use; a test puts its own first. */
struct values {
    const struct kv *extra;
};

static const struct kv base_values[] = {
    {"pupil.last_name", "Yılmaz"},
    {"pupil.first_name", "Elif"},
    {"pupil.birth_date", "03.05.2013"},
    {"pupil.class", "7b"},
    {"form.date", "27.11.2026"},
    {"school.name", "Gymnasium Musterstadt"},
    {NULL, NULL},
};

static const char *
lookup(void *ctx, const char *name)
{
    const struct values *v = ctx;
    for (const struct kv *k = v->extra; k && k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k->value;
    for (const struct kv *k = base_values; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k->value;
    return NULL;
}

static struct config_school school = {"Gymnasium Musterstadt", "Schulstraße 1, 12345 Musterstadt", NULL,
                                      NULL};

static struct template_doc *
parse(const char *md)
{
    struct diags d = {0};
    struct buf   b;
    buf_init(&b);
    struct template_doc *doc = template_parse(md, strlen(md), "t.md", &d);
    diags_format(&d, &b);
    assert_string_equal(b.data ? b.data : "", "");
    assert_non_null(doc);
    buf_fini(&b);
    diags_fini(&d);
    return doc;
}

static struct layout_form_params
params(int age)
{
    struct layout_form_params p = {0};
    p.setup.school = &school;
    p.footer = "Yılmaz, Elif · Klasse 7b";
    p.pupil_age = age;
    p.pupil_signature_from_age = 14;
    p.adult_age = 18;
    return p;
}

/* Lays out md for a pupil of the given age with extra values. */
static void
lay(const char *md, const struct kv *extra, int age, struct arena *a, struct layout_doc *out)
{
    struct template_doc      *doc = parse(md);
    struct values             v = {extra};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(age);
    struct text_shaper        m = fake_metrics(NULL);
    layout_form(doc, &lv, &p, &m, a, out);
    template_free(doc); /* layout copies what it keeps into the arena */
}

/* Filler: n one-line paragraphs, then a paragraph of n_lines lines (for finer steps down the page). */
static char *
filler_lines(size_t n, size_t n_lines, const char *tail)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "Zeile %zu.\n\n", i + 1);
    for (size_t i = 0; i < n_lines; i++)
        buf_printf(&b, "Vers %zu.%s", i + 1, i + 1 == n_lines ? "\n\n" : "\\\n");
    buf_puts(&b, tail);
    return buf_detach(&b);
}

static char *
filler(size_t n, const char *tail)
{
    return filler_lines(n, 0, tail);
}

/* A run's width from its glyphs' advances. */
static double
item_w(const struct layout_item *it)
{
    double w = 0;
    for (size_t i = 0; i < it->n_glyphs; i++)
        w += it->glyphs[i].x_advance * it->size_pt / TEXT_UNITS_PER_EM;
    return w;
}

static bool
is_footer(const struct layout_item *it)
{
    return it->kind == LAYOUT_ITEM_TEXT && it->y_pt > BOTTOM_PT + 1.0;
}

/* Page index (0-based) of the first text item containing s; -1 if none. */
static int
page_of(const struct layout_doc *d, const char *s)
{
    for (size_t p = 0; p < d->n_pages; p++)
        for (size_t i = 0; i < d->pages[p].n_items; i++)
            if (d->pages[p].items[i].kind == LAYOUT_ITEM_TEXT && strstr(d->pages[p].items[i].text, s))
                return (int)p;
    return -1;
}

/* Page index of the text item that is exactly s; -1 if none. */
static int
page_of_exact(const struct layout_doc *d, const char *s)
{
    for (size_t p = 0; p < d->n_pages; p++)
        for (size_t i = 0; i < d->pages[p].n_items; i++)
            if (d->pages[p].items[i].kind == LAYOUT_ITEM_TEXT && strcmp(d->pages[p].items[i].text, s) == 0)
                return (int)p;
    return -1;
}

static size_t
count_text_on_page(const struct layout_page *pg, const char *s)
{
    size_t n = 0;
    for (size_t i = 0; i < pg->n_items; i++)
        n += pg->items[i].kind == LAYOUT_ITEM_TEXT && strstr(pg->items[i].text, s) != NULL;
    return n;
}

static void
assert_inside_margins(const struct layout_doc *d)
{
    for (size_t p = 0; p < d->n_pages; p++) {
        for (size_t i = 0; i < d->pages[p].n_items; i++) {
            const struct layout_item *it = &d->pages[p].items[i];
            if (it->kind != LAYOUT_ITEM_TEXT)
                continue;
            if (it->x_pt < LEFT_PT - EPS || it->x_pt + item_w(it) > RIGHT_PT + EPS || it->y_pt < 0 ||
                it->y_pt > LAYOUT_PAGE_HEIGHT_PT)
                fail_msg("text \"%s\" at %.2f..%.2f, %.2f on page %zu is outside the margins", it->text,
                         it->x_pt, it->x_pt + item_w(it), it->y_pt, p + 1);
        }
    }
}

static const char long_text[] =
    "# Einwilligung\n\n"
    "Zur Ergänzung des Distanzunterrichts und als weitere Möglichkeit der Kontaktpflege beabsichtigen wir "
    "die Durchführung freiwilliger Videokonferenzen. Das Verfahren und die Serverstandorte entsprechen der "
    "Datenschutz-Grundverordnung (DSGVO), wie **die Schule {{school.name}}** *versichert*.\n\n"
    "## Aufzeichnung von Online-Meetings\n\n"
    "- Internetseitenzugriffe werden mit Datum/Uhrzeit, IP-Adresse und Browserkennung in den Log-Dateien "
    "gespeichert.\n"
    "  - Für die Dauer der Videokonferenz wird eine Teilnehmer-ID erzeugt, durch die jeder Teilnehmer für "
    "das System identifiziert werden kann.\n"
    "- Nach Beendigung der Videokonferenz werden alle vorgenannten Daten gelöscht.\n\n"
    "Hiermit willige ich / willigen wir in die Teilnahme ein:\n\n"
    "- [ ] Ja\n- [x] Nein\n\n"
    "```pupil\n```\n\n"
    "```signature\n[guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
    "[pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n```\n";

static void
test_layout_keeps_every_text_inside_the_margins(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay(long_text, NULL, 15, a, &d);
    assert_true(d.n_pages >= 1);
    assert_inside_margins(&d);
    assert_non_null(test_find_text(&d, "Einwilligung"));
    arena_free(a);
}

static void
test_layout_breaks_a_120_character_surname_inside_the_margins(void **state)
{
    (void)state;
    char name[121];
    for (int i = 0; i < 120; i++)
        name[i] = (char)('a' + i % 26);
    name[0] = 'N';
    name[120] = '\0';
    const struct kv   extra[] = {{"pupil.last_name", name}, {NULL, NULL}};
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("Schülerin oder Schüler: {{pupil.last_name}}, {{pupil.first_name}}\n\n```pupil\n```\n", extra, 10, a,
        &d);
    assert_inside_margins(&d);

    /* The paragraph's pieces, put together, hold the whole name. */
    struct buf all;
    buf_init(&all);
    for (size_t i = 0; i < d.pages[0].n_items; i++) {
        const struct layout_item *it = &d.pages[0].items[i];
        if (it->kind == LAYOUT_ITEM_TEXT && it->size_pt == 11.0)
            buf_puts(&all, it->text);
    }
    assert_non_null(strstr(all.data, name));
    buf_fini(&all);
    arena_free(a);
}

static void
test_layout_breaks_after_a_hyphen(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    /* 468 pt text width at 5.5 pt per character: 85 characters fit; the compound word crosses the end. */
    lay("aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff "
        "Datenschutz-Grundverordnung gilt.\n",
        NULL, 10, a, &d);
    assert_non_null(
        test_find_text(&d, "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff Datenschutz-"));
    assert_non_null(test_find_text(&d, "Grundverordnung gilt."));
    arena_free(a);
}

static void
test_layout_places_style_runs_at_measured_offsets(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("Ein **fettes** und *schräges* Wort\n", NULL, 10, a, &d);
    /* A space belongs to the run before it and is as wide as that font's space. */
    const struct layout_item *r1 = test_find_text(&d, "Ein ");
    const struct layout_item *b = test_find_text(&d, "fettes ");
    const struct layout_item *r2 = test_find_text(&d, "und ");
    const struct layout_item *it = test_find_text(&d, "schräges ");
    const struct layout_item *r3 = test_find_text(&d, "Wort");
    assert_true(r1 && b && r2 && it && r3);
    assert_int_equal(b->style, TEXT_STYLE_BOLD);
    assert_int_equal(it->style, TEXT_STYLE_ITALIC);
    assert_int_equal(r2->style, TEXT_STYLE_REGULAR);
    assert_float_equal(r1->x_pt, LEFT_PT, EPS);
    assert_float_equal(b->x_pt, LEFT_PT + 4 * 5.5, EPS);        /* "Ein " regular */
    assert_float_equal(r2->x_pt, b->x_pt + 7 * 0.55 * 11, EPS); /* "fettes " bold */
    assert_float_equal(it->x_pt, r2->x_pt + 4 * 5.5, EPS);      /* "und " */
    assert_float_equal(r3->x_pt, it->x_pt + 9 * 5.5, EPS);
    assert_float_equal(r1->y_pt, b->y_pt, EPS);
    arena_free(a);
}

static void
test_layout_shrinks_a_long_name_in_the_pupil_block(void **state)
{
    (void)state;
    /* 50 characters: 275 pt at 11 pt, more than the 222 pt of a half-width field; fits at 8 pt. */
    const char       *name = "Papadopoulou-Konstantinidou-Alexandropoulou-Kayaa";
    const struct kv   extra[] = {{"pupil.last_name", name}, {NULL, NULL}};
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("Text.\n\n```pupil\n```\n", extra, 10, a, &d);
    const struct layout_item *it = test_find_text(&d, name);
    assert_non_null(it);
    assert_true(it->size_pt < 11.0);
    assert_true(it->size_pt >= 8.0);
    const struct layout_item *first = test_find_text(&d, "Elif");
    assert_non_null(first);
    assert_float_equal(first->size_pt, 11.0, EPS);
    assert_float_equal(first->y_pt, it->y_pt, EPS); /* both sit on their rules, which share a row */
    assert_inside_margins(&d);
    arena_free(a);
}

static void
test_layout_never_leaves_a_heading_last_on_a_page(void **state)
{
    (void)state;
    for (size_t k = 30; k < 60; k++) {
        char *md = filler(k, "## Zwischenüberschrift\n\nErster Satz nach der Überschrift.\n\nEnde.\n");
        struct arena     *a = arena_new();
        struct layout_doc d;
        lay(md, NULL, 10, a, &d);
        for (size_t p = 0; p < d.n_pages; p++) {
            const struct layout_item *last = NULL;
            for (size_t i = 0; i < d.pages[p].n_items; i++) {
                const struct layout_item *it = &d.pages[p].items[i];
                if (it->kind == LAYOUT_ITEM_TEXT && !is_footer(it) && (!last || it->y_pt >= last->y_pt))
                    last = it;
            }
            assert_non_null(last);
            if (strcmp(last->text, "Zwischenüberschrift") == 0)
                fail_msg("with %zu lines before it, the heading ends page %zu", k, p + 1);
        }
        assert_int_equal(page_of(&d, "Zwischenüberschrift"), page_of(&d, "Erster Satz"));
        arena_free(a);
        free(md);
    }
}

static void
test_layout_leaves_no_orphan_or_widow_line(void **state)
{
    (void)state;
    /* "xq": a 5-line paragraph; "yq": a 3-line paragraph that must move whole. */
    struct buf five, three;
    buf_init(&five);
    buf_init(&three);
    for (int i = 0; i < 5 * 6; i++) /* 6 words of 12 letters fill an 85-character line */
        buf_puts(&five, "xqxqxqxqxqxq ");
    for (int i = 0; i < 3 * 6; i++)
        buf_puts(&three, "yqyqyqyqyqyq ");
    char *tail = xasprintf("%s\n\n%s\n\nEnde.\n", five.data, three.data);
    bool  saw_split = false;
    for (size_t k = 15 * 5; k < 30 * 5; k++) {
        char             *md = filler_lines(k / 5, k % 5, tail);
        struct arena     *a = arena_new();
        struct layout_doc d;
        lay(md, NULL, 10, a, &d);
        size_t n_five = 0, n_three_pages = 0;
        for (size_t p = 0; p < d.n_pages; p++) {
            size_t n = count_text_on_page(&d.pages[p], "xqxq");
            if (n == 1)
                fail_msg("filler %zu: one line of the paragraph is alone on page %zu", k, p + 1);
            saw_split |= n > 1 && n < 5;
            n_five += n;
            n_three_pages += count_text_on_page(&d.pages[p], "yqyq") > 0;
        }
        assert_int_equal(n_five, 5);
        assert_int_equal(n_three_pages, 1);
        arena_free(a);
        free(md);
    }
    assert_true(saw_split); /* the 5-line paragraph did break over a page at some point */
    free(tail);
    buf_fini(&five);
    buf_fini(&three);
}

static void
test_layout_keeps_checkboxes_pupil_and_signature_blocks_together(void **state)
{
    (void)state;
    const char *tail =
        "Frage:\n\n"
        "- [ ] Ja, ich willige in die Teilnahme an Videokonferenzen zur Unterstützung des Unterrichts ein\n"
        "- [ ] Nein, ich willige nicht ein\n"
        "- [ ] Ich möchte vorher mit der Klassenleitung sprechen\n\n"
        "```pupil\n```\n\n"
        "```signature\n[guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
        "[pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n```\n";
    for (size_t k = 20; k < 60; k++) {
        char             *md = filler(k, tail);
        struct arena     *a = arena_new();
        struct layout_doc d;
        lay(md, NULL, 15, a, &d);
        int box_page = -1;
        for (size_t p = 0; p < d.n_pages; p++)
            for (size_t i = 0; i < d.pages[p].n_items; i++)
                if (d.pages[p].items[i].kind == LAYOUT_ITEM_BOX) {
                    if (box_page >= 0 && box_page != (int)p)
                        fail_msg("with %zu lines before them, the check boxes are split", k);
                    box_page = (int)p;
                }
        assert_true(box_page >= 0);
        assert_int_equal(page_of(&d, "Ja, ich willige"), page_of(&d, "Ich möchte vorher"));
        assert_int_equal(page_of_exact(&d, "Frage:"), box_page); /* the question stays with its answers */
        int pupil = page_of_exact(&d, "Name");
        assert_true(pupil >= 0);
        assert_int_equal(page_of_exact(&d, "Vorname"), pupil);
        assert_int_equal(page_of_exact(&d, "Geburtsdatum"), pupil);
        assert_int_equal(page_of_exact(&d, "Klasse"), pupil);
        assert_int_equal(page_of_exact(&d, "03.05.2013"), pupil);
        int sig = page_of(&d, "Unterschrift der Erziehungsberechtigten");
        assert_true(sig >= 0);
        assert_int_equal(page_of(&d, "Unterschrift der Schülerin"), sig);
        assert_inside_margins(&d);
        arena_free(a);
        free(md);
    }
}

static void
test_layout_puts_short_checkboxes_on_one_row(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("Hiermit willige ich ein:\n\n- [ ] Ja\n- [x] Nein\n", NULL, 10, a, &d);
    const struct layout_item *boxes[2];
    size_t                    n_boxes = 0, n_cross = 0;
    for (size_t i = 0; i < d.pages[0].n_items; i++) {
        const struct layout_item *it = &d.pages[0].items[i];
        if (it->kind == LAYOUT_ITEM_BOX && n_boxes < 2)
            boxes[n_boxes++] = it;
        n_cross += it->kind == LAYOUT_ITEM_LINE && it->h_pt != 0.0; /* the cross's diagonals */
    }
    assert_int_equal(n_boxes, 2);
    assert_int_equal(n_cross, 2);
    assert_float_equal(boxes[0]->y_pt, boxes[1]->y_pt, EPS);
    assert_float_equal(boxes[0]->w_pt, 3.5 * MM, EPS);
    assert_true(boxes[1]->x_pt - boxes[0]->x_pt > 15.0 * MM);
    const struct layout_item *ja = test_find_text(&d, "Ja"), *nein = test_find_text(&d, "Nein");
    assert_true(ja && nein);
    assert_float_equal(ja->y_pt, nein->y_pt, EPS);
    /* The box is centred on the text line: its middle is above the baseline, its bottom near it. */
    assert_true(boxes[0]->y_pt + boxes[0]->h_pt / 2 < ja->y_pt);
    assert_true(boxes[0]->y_pt + boxes[0]->h_pt > ja->y_pt - 2.0);
    assert_true(ja->x_pt > boxes[0]->x_pt + boxes[0]->w_pt);
    arena_free(a);
}

static void
test_layout_puts_long_checkboxes_one_per_line(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("- [ ] Ja, ich willige in die Teilnahme ein\n- [ ] Nein\n", NULL, 10, a, &d);
    const struct layout_item *ja = test_find_text(&d, "Ja, ich willige in die Teilnahme ein"),
                             *nein = test_find_text(&d, "Nein");
    assert_true(ja && nein);
    assert_true(nein->y_pt > ja->y_pt);
    assert_float_equal(nein->x_pt, ja->x_pt, EPS);
    arena_free(a);
}

static const char signature_md[] = "Text.\n\n```signature\n"
                                   "[guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
                                   "[pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n```\n";

static void
assert_signature_rows(int age, bool has_guardian, bool has_pupil)
{
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay(signature_md, NULL, age, a, &d);
    if ((page_of(&d, "Unterschrift der Erziehungsberechtigten") >= 0) != has_guardian ||
        (page_of(&d, "Unterschrift der Schülerin") >= 0) != has_pupil)
        fail_msg("age %d: expected guardian row %d, pupil row %d", age, has_guardian, has_pupil);
    arena_free(a);
}

static void
test_layout_selects_signature_rows_by_age(void **state)
{
    (void)state;
    assert_signature_rows(13, true, false);
    assert_signature_rows(14, true, true);
    assert_signature_rows(17, true, true);
    assert_signature_rows(18, false, true);
    assert_signature_rows(25, false, true);
}

static void
test_layout_splits_a_two_field_signature_row_35_to_65(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay(signature_md, NULL, 10, a, &d);
    const struct layout_item *rules[2];
    size_t                    n = 0;
    for (size_t i = 0; i < d.pages[0].n_items && n < 2; i++)
        if (d.pages[0].items[i].kind == LAYOUT_ITEM_LINE && d.pages[0].items[i].y_pt > 50.0 * MM)
            rules[n++] = &d.pages[0].items[i];
    assert_int_equal(n, 2);
    double text_w = RIGHT_PT - LEFT_PT;
    assert_float_equal(rules[0]->x_pt, LEFT_PT, EPS);
    assert_float_equal(rules[0]->w_pt, 0.35 * text_w, EPS);
    assert_float_equal(rules[1]->x_pt + rules[1]->w_pt, RIGHT_PT, EPS);
    assert_float_equal(rules[1]->x_pt - (rules[0]->x_pt + rules[0]->w_pt), 10.0 * MM, EPS);
    const struct layout_item *cap = test_find_text(&d, "Ort, Datum");
    assert_non_null(cap);
    assert_true(cap->y_pt > rules[0]->y_pt);
    assert_float_equal(cap->size_pt, 8.0, EPS);
    arena_free(a);
}

static void
test_layout_prints_page_x_of_y_on_every_page(void **state)
{
    (void)state;
    char             *md = filler(50, "Ende.\n");
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay(md, NULL, 10, a, &d);
    assert_int_equal(d.n_pages, 2);
    assert_non_null(test_find_text(&d, "Yılmaz, Elif · Klasse 7b · Seite 1 von 2"));
    assert_non_null(test_find_text(&d, "Yılmaz, Elif · Klasse 7b · Seite 2 von 2"));
    assert_int_equal(page_of(&d, "Seite 2 von 2"), 1);
    const struct layout_item *f = test_find_text(&d, "Yılmaz, Elif · Klasse 7b · Seite 1 von 2");
    assert_float_equal(f->y_pt, LAYOUT_PAGE_HEIGHT_PT - 12.0 * MM, EPS);
    assert_float_equal(f->size_pt, 8.5, EPS);
    /* Page 1 starts below the letterhead zone, page 2 at the 20 mm top margin. */
    assert_true(test_find_text(&d, "Zeile 1.")->y_pt > 45.0 * MM);
    double top2 = LAYOUT_PAGE_HEIGHT_PT;
    for (size_t i = 0; i < d.pages[1].n_items; i++)
        if (d.pages[1].items[i].kind == LAYOUT_ITEM_TEXT && d.pages[1].items[i].y_pt < top2)
            top2 = d.pages[1].items[i].y_pt;
    assert_true(top2 > 20.0 * MM && top2 < 30.0 * MM);
    /* Body text ends 25 mm above the bottom edge. */
    for (size_t p = 0; p < d.n_pages; p++)
        for (size_t i = 0; i < d.pages[p].n_items; i++)
            if (d.pages[p].items[i].kind == LAYOUT_ITEM_TEXT && !is_footer(&d.pages[p].items[i]))
                assert_true(d.pages[p].items[i].y_pt <= BOTTOM_PT);
    arena_free(a);
    free(md);
}

static void
test_layout_draws_letterhead_logo_and_marks(void **state)
{
    (void)state;
    struct template_doc      *doc = parse("Text.\n");
    struct values             v = {NULL};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(10);
    struct text_shaper        m = fake_metrics(NULL);
    struct arena             *a = arena_new();
    struct layout_doc         d;
    p.setup.marks = true;
    p.setup.logo_aspect = 4.0; /* wide: 40 mm by 10 mm */
    layout_form(doc, &lv, &p, &m, a, &d);
    const struct layout_item *name = test_find_text(&d, "Gymnasium Musterstadt");
    assert_non_null(name);
    assert_int_equal(name->style, TEXT_STYLE_BOLD);
    assert_true(name->y_pt > 15.0 * MM && name->y_pt < 25.0 * MM);
    const struct layout_item *addr = test_find_text(&d, "Schulstraße 1, 12345 Musterstadt");
    assert_non_null(addr);
    assert_true(addr->y_pt > name->y_pt && addr->size_pt < 10.0);
    size_t n_logo = 0, n_marks = 0;
    for (size_t i = 0; i < d.pages[0].n_items; i++) {
        const struct layout_item *it = &d.pages[0].items[i];
        if (it->kind == LAYOUT_ITEM_LOGO) {
            n_logo++;
            assert_float_equal(it->w_pt, 40.0 * MM, EPS);
            assert_float_equal(it->h_pt, 10.0 * MM, EPS);
            assert_float_equal(it->x_pt + it->w_pt, RIGHT_PT, EPS);
            assert_true(it->y_pt + it->h_pt < 45.0 * MM);
        }
        if (it->kind == LAYOUT_ITEM_LINE && it->x_pt < 5.0 * MM) {
            n_marks++;
            assert_float_equal(it->line_width_pt, 0.3, EPS);
        }
    }
    assert_int_equal(n_logo, 1);
    assert_int_equal(n_marks, 3);
    arena_free(a);
    template_free(doc);
}

static void
test_layout_breaks_a_block_taller_than_a_page_and_ends(void **state)
{
    (void)state;
    /* 6000 letters without a space: 71 lines, more than a page; in the pupil block it is cut after 4 lines.
     */
    char *word = calloc(6001, 1);
    memset(word, 'w', 6000);
    const struct kv   extra[] = {{"pupil.last_name", word}, {NULL, NULL}};
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("{{pupil.last_name}}\n\n```pupil\n```\n", extra, 10, a, &d);
    assert_int_equal(d.n_pages, 2);
    assert_non_null(test_find_text(&d, "Yılmaz, Elif · Klasse 7b · Seite 1 von 2"));
    assert_inside_margins(&d);
    for (size_t p = 0; p < d.n_pages; p++)
        for (size_t i = 0; i < d.pages[p].n_items; i++)
            if (d.pages[p].items[i].kind == LAYOUT_ITEM_TEXT && !is_footer(&d.pages[p].items[i]))
                assert_true(d.pages[p].items[i].y_pt <= BOTTOM_PT);
    arena_free(a);
    free(word);
}

static void
test_layout_pads_to_an_even_page_count(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("Kurz.\n", NULL, 10, a, &d);
    assert_int_equal(d.n_pages, 1);
    layout_pad_to_even(&d, a);
    assert_int_equal(d.n_pages, 2);
    assert_false(d.pages[0].is_blank);
    assert_true(d.pages[1].is_blank);
    assert_int_equal(d.pages[1].n_items, 0);
    layout_pad_to_even(&d, a);
    assert_int_equal(d.n_pages, 2);
    arena_free(a);
}

static void
test_layout_review_keeps_each_entry_whole_two_slips_to_a_page(void **state)
{
    (void)state;
    struct arena        *a = arena_new();
    static const unsigned char jpeg[] = "\xFF\xD8\xFF\xE0 not decoded by layout";
    const char *reasons[] = {"Ja und Nein angekreuzt", "Unterschrift der Erziehungsberechtigten fehlt"};
    const char *cmds[] = {"consentgen set schule.yaml --id 40123 --answer ja",
                          "consentgen set schule.yaml --id 40123 --answer nein"};
    struct layout_review_entry e[4];
    for (int i = 0; i < 4; i++)
        e[i] = (struct layout_review_entry){"Şahin, İlayda · Klasse 5a", "scan1.pdf, Seite 3", reasons, 2,
                                            "Entscheidung eintragen:", cmds, 2, jpeg, sizeof jpeg - 1, 1.6};
    /* The last one came from an earlier scan: no picture. */
    e[3].jpeg = NULL;
    const char *intro[] = {"Scan vom 02.12.2026"};
    struct layout_review_params p = {"Rückläufe prüfen", intro, 1, e, 4, 3, "Aus früheren Scans noch offen",
                                     "Rückläufe prüfen · Einwilligung"};
    struct text_shaper m = fake_metrics(NULL);
    struct layout_doc  d;
    layout_review_sheet(&p, &m, a, &d);
    /* Title and two slips, then one slip, the heading and the open row. */
    assert_int_equal(d.n_pages, 2);
    size_t n_images[2] = {0, 0};
    for (size_t pg = 0; pg < 2; pg++)
        for (size_t i = 0; i < d.pages[pg].n_items; i++) {
            const struct layout_item *it = &d.pages[pg].items[i];
            if (it->kind != LAYOUT_ITEM_IMAGE)
                continue;
            n_images[pg]++;
            assert_ptr_equal(it->image, jpeg);
            assert_int_equal(it->image_len, sizeof jpeg - 1);
            assert_float_equal(it->w_pt / it->h_pt, 1.6, 1e-9);
            assert_true(it->y_pt + it->h_pt < LAYOUT_PAGE_HEIGHT_PT - 25 * LAYOUT_PT_PER_MM);
        }
    assert_int_equal(n_images[0], 2);
    assert_int_equal(n_images[1], 1);
    assert_int_equal(count_text_on_page(&d.pages[0], "Şahin, İlayda · Klasse 5a"), 2);
    assert_int_equal(count_text_on_page(&d.pages[1], "Şahin, İlayda · Klasse 5a"), 2);
    assert_non_null(test_find_text(&d, "Aus früheren Scans noch offen"));
    assert_non_null(test_find_text(&d, "consentgen set schule.yaml --id 40123 --answer nein"));
    assert_non_null(test_find_text(&d, "Rückläufe prüfen · Einwilligung · Seite 2 von 2"));
    struct buf dump;
    buf_init(&dump);
    layout_dump(&d, &dump);
    assert_non_null(strstr(dump.data, " bytes"));
    buf_fini(&dump);
    arena_free(a);
}

static void
test_layout_class_sheet_lists_every_pupil_and_repeats_the_header(void **state)
{
    (void)state;
    struct arena           *a = arena_new();
    struct layout_sheet_row rows[40];
    char                    last[40][32], first[40][32];
    for (int i = 0; i < 40; i++) {
        snprintf(last[i], sizeof last[i], "Nachname%02d", i + 1);
        snprintf(first[i], sizeof first[i], "Vorname%02d", i + 1);
        rows[i] = (struct layout_sheet_row){last[i], first[i], NULL, NULL};
    }
    rows[3].last_name = "Papadopoulou-Konstantinidou-Alexandropoulou-Kayaa-Yılmaz";
    struct layout_sheet_params p = {0};
    p.setup.school = &school;
    p.class_name = "5a";
    p.form_title = "Einwilligung in die Teilnahme an Videokonferenzen";
    p.form_date = "27.11.2026";
    p.return_by = "11.12.2026";
    p.rows = rows;
    p.n_rows = 40;
    struct text_shaper m = fake_metrics(NULL);
    struct layout_doc  d;
    layout_class_sheet(&p, &m, a, &d);

    assert_int_equal(d.n_pages, 2);
    assert_non_null(test_find_text(&d, "Rücklaufliste Klasse 5a"));
    assert_non_null(test_find_text(&d, "Einwilligung in die Teilnahme an Videokonferenzen"));
    assert_non_null(test_find_text(&d, "Datum des Formulars: 27.11.2026"));
    assert_non_null(test_find_text(&d, "Anzahl der Formulare: 40"));
    assert_non_null(test_find_text(&d, "Rückgabe bis: 11.12.2026"));
    for (int i = 0; i < 40; i++) {
        assert_true(i == 3 || test_find_text(&d, last[i]) != NULL);
        assert_non_null(test_find_text(&d, first[i]));
    }
    for (size_t pg = 0; pg < 2; pg++) {
        assert_int_equal(count_text_on_page(&d.pages[pg], "Nachname") > 0, true);
        size_t n_header = 0;
        for (size_t i = 0; i < d.pages[pg].n_items; i++) {
            const struct layout_item *it = &d.pages[pg].items[i];
            n_header += it->kind == LAYOUT_ITEM_TEXT && it->style == TEXT_STYLE_BOLD &&
                        (strcmp(it->text, "zurück") == 0 || strcmp(it->text, "Ja") == 0 ||
                         strcmp(it->text, "Nein") == 0 || strcmp(it->text, "Nachname") == 0);
        }
        assert_int_equal(n_header, 4);
    }
    assert_non_null(test_find_text(&d, "Klasse 5a · Rücklaufliste · Seite 1 von 2"));
    assert_non_null(test_find_text(&d, "Klasse 5a · Rücklaufliste · Seite 2 von 2"));

    /* A name too long for its cell even at 9 pt wraps after a hyphen, whole, in a taller row. */
    const struct layout_item *l1 = test_find_text(&d, "Papadopoulou-Konstantinidou-");
    const struct layout_item *l2 = test_find_text(&d, "Alexandropoulou-Kayaa-Yılmaz");
    assert_true(l1 && l2);
    assert_float_equal(l1->size_pt, 9.0, EPS);
    assert_float_equal(l2->x_pt, l1->x_pt, EPS);
    assert_true(l2->y_pt > l1->y_pt + 9.0);
    assert_inside_margins(&d);

    /* Three boxes per row, 3.5 mm square. */
    size_t n_boxes = 0;
    for (size_t pg = 0; pg < d.n_pages; pg++)
        for (size_t i = 0; i < d.pages[pg].n_items; i++)
            if (d.pages[pg].items[i].kind == LAYOUT_ITEM_BOX) {
                n_boxes++;
                assert_float_equal(d.pages[pg].items[i].w_pt, 3.5 * MM, EPS);
            }
    assert_int_equal(n_boxes, 120);
    arena_free(a);
}

/* Lays out a class sheet of n rows for class 5a. */
static void
lay_sheet(const struct layout_sheet_row *rows, size_t n, struct arena *a, struct layout_doc *d)
{
    struct layout_sheet_params p = {0};
    p.setup.school = &school;
    p.class_name = "5a";
    p.form_title = "Einwilligung";
    p.form_date = "27.11.2026";
    p.rows = rows;
    p.n_rows = n;
    struct text_shaper m = fake_metrics(NULL);
    layout_class_sheet(&p, &m, a, d);
}

/* The boxes of the row whose number is nr ("2."), and that number's item. */
static size_t
sheet_row_boxes(const struct layout_doc *d, const char *nr, const struct layout_item **boxes)
{
    const struct layout_item *num = test_find_text(d, nr);
    assert_non_null(num);
    size_t n = 0;
    for (size_t i = 0; i < d->pages[0].n_items; i++) {
        const struct layout_item *it = &d->pages[0].items[i];
        if (it->kind == LAYOUT_ITEM_BOX && fabs(it->y_pt + it->h_pt / 2 - (num->y_pt - 0.35 * 11.0)) < 0.5 &&
            n < 3)
            boxes[n++] = it;
    }
    return n;
}

static void
test_layout_class_sheet_keeps_boxes_in_the_middle_of_a_tall_row(void **state)
{
    (void)state;
    struct arena                 *a = arena_new();
    struct layout_doc             d;
    const struct layout_sheet_row rows[] = {
        {"Abel", "Anna", NULL, NULL},
        {"Schulze-Wiedemann-Hoffmann-Brandenburger", "Maximiliane-Charlotte", NULL, NULL},
        {"Zander", "Zoe", NULL, NULL},
    };
    lay_sheet(rows, 3, a, &d);
    /* 40 characters at 9 pt (4.5 pt each) do not fit the 134.7 pt cell: two lines, broken after "-". */
    const struct layout_item *l1 = test_find_text(&d, "Schulze-Wiedemann-Hoffmann-");
    const struct layout_item *l2 = test_find_text(&d, "Brandenburger");
    assert_true(l1 && l2);
    const struct layout_item *b1[3], *b2[3], *b3[3];
    assert_int_equal(sheet_row_boxes(&d, "1.", b1), 3);
    assert_int_equal(sheet_row_boxes(&d, "2.", b2), 3);
    assert_int_equal(sheet_row_boxes(&d, "3.", b3), 3);
    /* Row 2 is taller than 7.5 mm; its boxes and number sit between its two name lines. */
    double mid = b2[0]->y_pt + b2[0]->h_pt / 2;
    assert_true(mid > l1->y_pt - 9.0 && mid < l2->y_pt);
    assert_true(b3[0]->y_pt - b1[0]->y_pt > 2 * 7.5 * MM + 1.0); /* rows 1 and 2: row 2 grew */
    assert_float_equal(b1[0]->y_pt - test_find_text(&d, "Abel")->y_pt,
                       b3[0]->y_pt - test_find_text(&d, "Zander")->y_pt, EPS);
    assert_inside_margins(&d);
    arena_free(a);
}

static void
test_layout_class_sheet_cuts_a_name_only_beyond_four_lines(void **state)
{
    (void)state;
    char name[201];
    for (int i = 0; i < 200; i++)
        name[i] = (char)('a' + i % 26);
    name[200] = '\0';
    struct arena                 *a = arena_new();
    struct layout_doc             d;
    const struct layout_sheet_row rows[] = {{name, "Anna", NULL, NULL}};
    lay_sheet(rows, 1, a, &d);
    /* 29 characters a line at 9 pt: four lines, the last ending in "…", nothing of the name beyond. */
    size_t n_lines = 0;
    bool   has_ellipsis = false;
    for (size_t i = 0; i < d.pages[0].n_items; i++) {
        const struct layout_item *it = &d.pages[0].items[i];
        if (it->kind != LAYOUT_ITEM_TEXT || fabs(it->x_pt - (LEFT_PT + 12.0 * MM)) > EPS ||
            it->style == TEXT_STYLE_BOLD)
            continue; /* the Nachname column below its bold header */
        assert_float_equal(it->size_pt, 9.0, EPS);
        n_lines++;
        has_ellipsis |= strstr(it->text, "…") != NULL;
    }
    assert_int_equal(n_lines, 4);
    assert_true(has_ellipsis);
    assert_non_null(test_find_text(&d, "Anna"));
    assert_inside_margins(&d);
    arena_free(a);
}

static void
test_layout_footer_cuts_a_long_name_but_keeps_class_and_page(void **state)
{
    (void)state;
    struct template_doc      *doc = parse("Text.\n");
    struct values             v = {NULL};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(10);
    struct text_shaper        m = fake_metrics(NULL);
    struct arena             *a = arena_new();
    struct layout_doc         d;
    char                      footer[200];
    memset(footer, 'W', 150);
    strcpy(footer + 150, ", Hubert · Klasse 10a");
    p.footer = footer;
    layout_form(doc, &lv, &p, &m, a, &d);
    const struct layout_item *f = NULL;
    for (size_t i = 0; i < d.pages[0].n_items; i++)
        if (is_footer(&d.pages[0].items[i]))
            f = &d.pages[0].items[i];
    assert_non_null(f);
    assert_float_equal(f->size_pt, 7.0, EPS);
    size_t      len = strlen(f->text);
    const char *tail = "… · Klasse 10a · Seite 1 von 1";
    assert_true(len > strlen(tail));
    assert_string_equal(f->text + len - strlen(tail), tail);
    assert_true(strncmp(f->text, "WWWW", 4) == 0);
    assert_inside_margins(&d);
    arena_free(a);
    template_free(doc);
}

static void
test_layout_opens_the_pupil_block_with_a_title_and_keeps_values_off_the_rule(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay("Text.\n\n```signature\n[guardian] Unterschrift\n```\n\n```pupil\n```\n\nBitte zurückgeben.\n", NULL,
        10, a, &d);
    const struct layout_item *title = test_find_text(&d, "Angaben zur Schülerin / zum Schüler");
    const struct layout_item *value = test_find_text(&d, "Yılmaz"), *cap = test_find_text(&d, "Name");
    const struct layout_item *sig = test_find_text(&d, "Unterschrift");
    assert_true(title && value && cap && sig);
    assert_int_equal(title->style, TEXT_STYLE_BOLD);
    assert_true(title->y_pt > sig->y_pt && title->y_pt < value->y_pt);
    /* A gray hairline across the text width above the title; the value's rule 3.5 pt under its baseline. */
    const struct layout_item *hair = NULL, *rule = NULL;
    for (size_t i = 0; i < d.pages[0].n_items; i++) {
        const struct layout_item *it = &d.pages[0].items[i];
        if (it->kind != LAYOUT_ITEM_LINE)
            continue;
        if (it->y_pt < title->y_pt && it->y_pt > sig->y_pt && it->gray > 0.0)
            hair = it;
        if (it->y_pt > value->y_pt && it->y_pt < cap->y_pt && it->x_pt == value->x_pt)
            rule = it;
    }
    assert_true(hair && rule);
    assert_float_equal(hair->x_pt, LEFT_PT, EPS);
    assert_float_equal(hair->x_pt + hair->w_pt, RIGHT_PT, EPS);
    assert_float_equal(rule->y_pt - value->y_pt, 3.5, EPS);
    /* The return note after the block keeps more distance than paragraphs keep between them. */
    const struct layout_item *note = test_find_text(&d, "Bitte zurückgeben.");
    const struct layout_item *klasse = test_find_text(&d, "Klasse");
    assert_true(note && klasse);
    assert_true(note->y_pt - klasse->y_pt > 1.2 * 11.0 * 1.3);
    arena_free(a);
}

static void
test_layout_dump_of_a_tiny_form(void **state)
{
    (void)state;
    struct template_doc      *doc = parse("# Titel\n\nHallo **{{pupil.first_name}}**!\n");
    struct values             v = {NULL};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(10);
    struct text_shaper        m = fake_metrics(NULL);
    struct arena             *a = arena_new();
    struct layout_doc         d;
    struct buf                out;
    p.setup.school = NULL;
    p.footer = "Quote \"x\"";
    layout_form(doc, &lv, &p, &m, a, &d);
    buf_init(&out);
    layout_dump(&d, &out);
    assert_string_equal(
        out.data, "page 1\n"
                  "  line 70.87 113.39 467.72 0.00 0.50 gray 0.60\n"
                  "  text 70.87 150.31 bold f1 15.00 \"Titel\"\n"
                  "  text 70.87 177.45 regular f0 11.00 \"Hallo \"\n"
                  "  text 103.87 177.45 bold f1 11.00 \"Elif\"\n"
                  "  text 128.07 177.45 regular f0 11.00 \"!\"\n"
                  "  text 70.87 807.87 regular f0 8.50 gray 0.40 \"Quote \\\"x\\\" · Seite 1 von 1\"\n");
    buf_fini(&out);
    arena_free(a);
    template_free(doc);
}

/* The text items of the line with baseline y on page 1, left to right. */
static size_t
line_items(const struct layout_doc *d, double y, const struct layout_item **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < d->pages[0].n_items && n < max; i++) {
        const struct layout_item *it = &d->pages[0].items[i];
        if (it->kind == LAYOUT_ITEM_TEXT && fabs(it->y_pt - y) < EPS)
            out[n++] = it;
    }
    for (size_t i = 1; i < n; i++) /* by x */
        for (size_t j = i; j > 0 && out[j]->x_pt < out[j - 1]->x_pt; j--) {
            const struct layout_item *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

static void
test_layout_puts_a_right_to_left_name_inside_a_german_sentence(void **state)
{
    (void)state;
    struct arena          *a = arena_new();
    struct layout_doc      d;
    static const struct kv name[] = {{"pupil.first_name", "אבג דהו"}, {NULL, NULL}};
    lay("Für {{pupil.first_name}} gilt **das**.\n", name, 10, a, &d);
    const struct layout_item *rtl = test_find_text(&d, "אבג דהו");
    assert_non_null(rtl);
    const struct layout_item *it[8];
    size_t                    n = line_items(&d, rtl->y_pt, it, 8);
    /* Logical runs "Für ", the name (its inner space right to left too), " gilt ", "das", "."; placed left to
     * to right in that order, as the sentence is left to right. */
    assert_int_equal(n, 5);
    assert_string_equal(it[0]->text, "Für ");
    assert_ptr_equal(it[1], rtl);
    assert_string_equal(it[2]->text, " gilt ");
    assert_string_equal(it[3]->text, "das");
    assert_true(rtl->is_rtl && !it[0]->is_rtl && !it[2]->is_rtl);
    assert_float_equal(rtl->x_pt, LEFT_PT + 4 * 5.5, EPS);
    assert_float_equal(it[2]->x_pt, rtl->x_pt + 7 * 5.5, EPS);
    /* The name's glyphs run right to left: its last letter ו is drawn first, at the left. */
    assert_int_equal(rtl->n_glyphs, 7);
    assert_int_equal(rtl->glyphs[0].gid, 0x05D5);
    assert_int_equal(rtl->glyphs[6].gid, 0x05D0);
    /* Clusters and characters point into the run's own (logical) text. */
    assert_int_equal(rtl->glyphs[0].cluster, strlen("אבג דה"));
    assert_int_equal(rtl->glyphs[6].uni_start, 0);
    assert_int_equal(rtl->glyphs[6].uni_len, 2);
    arena_free(a);
}

static void
test_layout_breaks_right_to_left_text_on_its_logical_order(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    struct buf        md;
    buf_init(&md);
    /* 40 Hebrew words of 4 letters with numbers between them: "אבגד 1 אבגד 2 ..." breaks into lines. */
    buf_puts(&md, "Start ");
    for (int i = 0; i < 40; i++)
        buf_printf(&md, "%sאבגד", i ? " " : "");
    buf_puts(&md, " Ende\n");
    lay(md.data, NULL, 10, a, &d);
    assert_inside_margins(&d);
    /* Line 1: "Start " then the first Hebrew words, right to left, all in one run. */
    const struct layout_item *start = test_find_text(&d, "Start ");
    assert_non_null(start);
    const struct layout_item *it[8];
    size_t                    n = line_items(&d, start->y_pt, it, 8);
    assert_int_equal(n, 2);
    assert_true(it[1]->is_rtl);
    assert_float_equal(it[1]->x_pt, LEFT_PT + 6 * 5.5, EPS);
    /* The line ends where a word ends; the next line goes on with the next word, logically. */
    size_t first_len = strlen(it[1]->text);
    assert_true(first_len % strlen("אבגד ") == strlen("אבגד"));
    const struct layout_item *next[8];
    n = line_items(&d, start->y_pt + 11 * 1.3, next, 8);
    assert_int_equal(n, 1);
    assert_true(next[0]->is_rtl);
    assert_memory_equal(next[0]->text, "אבגד אבגד", strlen("אבגד אבגד"));
    /* The last line: the rest of the words, right to left, then " Ende" to their right. */
    const struct layout_item *ende = test_find_text(&d, " Ende");
    assert_non_null(ende);
    n = line_items(&d, ende->y_pt, it, 8);
    assert_int_equal(n, 2);
    assert_true(it[0]->is_rtl);
    assert_ptr_equal(it[1], ende);
    buf_fini(&md);
    arena_free(a);
}

static void
test_layout_prefills_a_right_to_left_name_in_the_pupil_block(void **state)
{
    (void)state;
    struct arena          *a = arena_new();
    struct layout_doc      d;
    static const struct kv name[] = {
        {"pupil.last_name", "حداد"}, {"pupil.first_name", "محمد علي"}, {NULL, NULL}};
    lay("```pupil\n```\n", name, 10, a, &d);
    const struct layout_item *last = test_find_text(&d, "حداد");
    const struct layout_item *first = test_find_text(&d, "محمد علي");
    const struct layout_item *cap = test_find_text(&d, "Name");
    assert_true(last && first && cap);
    /* Left-aligned in its field like any name, drawn right to left. */
    assert_float_equal(last->x_pt, cap->x_pt, EPS);
    assert_true(last->is_rtl && first->is_rtl);
    assert_int_equal(last->glyphs[0].gid, 0x062F); /* د, the last letter, at the left */
    assert_int_equal(first->n_glyphs, 8);
    assert_int_equal(first->glyphs[0].gid, 0x064A); /* ي */
    arena_free(a);
}

struct heading_run {
    struct template_doc *doc;
    struct arena        *a;
    struct layout_doc    d;
};

static void *
lay_heading_run(void *arg)
{
    struct heading_run       *h = arg;
    struct values             v = {NULL};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(12);
    struct text_shaper        m = fake_metrics(NULL);
    layout_form(h->doc, &lv, &p, &m, h->a, &h->d);
    return NULL;
}

/*
 * Found by fuzzing: each heading measured the run of headings after it recursively (a heading is kept
 * with what follows), so 20,000 headings took quadratic time and overflowed a small thread stack.
 */
static void
test_layout_paginates_a_run_of_20000_headings_on_a_small_stack(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 20000; i++)
        buf_puts(&b, "## Abschnitt\n\n");
    struct heading_run h = {parse(b.data), arena_new(), {0}};
    pthread_attr_t     attr;
    pthread_t          t;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
    assert_int_equal(pthread_create(&t, &attr, lay_heading_run, &h), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&attr);
    /* 20,000 heading lines of 14 pt or more: hundreds of pages, every heading placed. */
    size_t n_headings = 0;
    for (size_t pg = 0; pg < h.d.n_pages; pg++)
        for (size_t i = 0; i < h.d.pages[pg].n_items; i++)
            if (h.d.pages[pg].items[i].text && strcmp(h.d.pages[pg].items[i].text, "Abschnitt") == 0)
                n_headings++;
    assert_int_equal(n_headings, 20000);
    assert_true(h.d.n_pages > 300);
    arena_free(h.a);
    template_free(h.doc);
    buf_fini(&b);
}

/* ---- return slip ---- */

#define SLIP_MD                                                                                              \
    "```slip\n"                                                                                              \
    "Bitte abtrennen und bis {{form.return_by}} zurückgeben\n"                                              \
    "```\n\n"                                                                                                \
    "```pupil\n```\n\n"                                                                                      \
    "Hiermit willige ich ein:\n\n"                                                                           \
    "- [ ] Ja\n- [ ] Nein\n\n"                                                                               \
    "```signature\n```\n"

static const struct kv slip_values[] = {{"form.return_by", "11.12.2026"}, {NULL, NULL}};

/* Lays out md like lay(), with a slip code and the form's date. */
static void
lay_slip(const char *md, int age, struct arena *a, struct layout_doc *out)
{
    struct template_doc      *doc = parse(md);
    struct values             v = {slip_values};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(age);
    struct text_shaper        m = fake_metrics(NULL);
    p.form_title = "Einwilligung Videokonferenzen";
    p.form_date = "27.11.2026";
    p.slip_code = "CG1-3HWZGMJPVEMK";
    p.slip_token = "3HWZ-GMJP-VEMK";
    layout_form(doc, &lv, &p, &m, a, out);
    template_free(doc);
}

static bool
rect_inside(const struct layout_rect *in, double x0, double y0, double x1, double y1)
{
    return in->x_pt >= x0 - EPS && in->y_pt >= y0 - EPS && in->x_pt + in->w_pt <= x1 + EPS &&
           in->y_pt + in->h_pt <= y1 + EPS;
}

static void
test_layout_puts_the_slip_at_the_foot_of_the_last_page(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay_slip("Ein kurzer Text.\n\n" SLIP_MD, 15, a, &d);
    assert_int_equal(d.n_pages, 1);
    assert_true(d.has_slip);
    const struct layout_slip *g = &d.slip;
    assert_int_equal(g->page, 0);

    /* The cut line is dashed, across the sheet, the note above it; the scissors at its left end. */
    const struct layout_page *pg = &d.pages[0];
    size_t                    n_dash = 0, n_circle = 0, n_rect = 0;
    for (size_t i = 0; i < pg->n_items; i++) {
        const struct layout_item *it = &pg->items[i];
        n_dash += it->kind == LAYOUT_ITEM_DASH;
        n_circle += it->kind == LAYOUT_ITEM_CIRCLE;
        n_rect += it->kind == LAYOUT_ITEM_RECT;
        if (it->kind == LAYOUT_ITEM_DASH) {
            assert_true(fabs(it->y_pt - g->cut_y_pt) < EPS);
            assert_true(it->dash_pt > 0);
            assert_true(it->x_pt < LEFT_PT && it->x_pt + it->w_pt > RIGHT_PT);
        }
    }
    assert_int_equal(n_dash, 1);
    assert_int_equal(n_circle, 2);
    const struct layout_item *note = test_find_text(&d, "Bitte abtrennen und bis 11.12.2026 zurückgeben");
    assert_non_null(note);
    assert_true(note->y_pt < g->cut_y_pt);
    assert_true(note->gray > 0.0); /* set off from the form's text */

    /* At the foot: the last signature line ends just above the body's bottom, the marks below it. */
    assert_int_equal(g->n_signatures, 2);
    assert_int_equal(g->signatures[0].signer, LAYOUT_ROLE_SIGN_GUARDIAN);
    assert_int_equal(g->signatures[1].signer, LAYOUT_ROLE_SIGN_PUPIL);
    assert_true(g->signatures[1].line_y_pt < BOTTOM_PT && g->signatures[1].line_y_pt > BOTTOM_PT - 15 * MM);
    assert_true(g->marks_y_pt[2] > BOTTOM_PT && g->marks_y_pt[2] < LAYOUT_PAGE_HEIGHT_PT - 15 * MM);

    /* The slip repeats school, form title and date; the pupil comes first, then the choice, then signing. */
    const struct layout_item *school_it = test_find_text(&d, "Gymnasium Musterstadt");
    assert_non_null(test_find_text(&d, "Einwilligung Videokonferenzen"));
    assert_non_null(test_find_text(&d, "Rückmeldung zum Schreiben vom 27.11.2026"));
    const struct layout_item *name = test_find_text(&d, "Yılmaz");
    const struct layout_item *question = test_find_text(&d, "Hiermit willige ich ein:");
    assert_non_null(name);
    assert_non_null(question);
    assert_true(g->cut_y_pt < name->y_pt && name->y_pt < question->y_pt);
    assert_true(question->y_pt < g->boxes[0].rect.y_pt && g->boxes[0].rect.y_pt < g->signatures[0].line_y_pt);
    assert_non_null(test_find_text(&d, "Ort, Datum"));
    (void)school_it;

    /* Two boxes, Ja then Nein, of the body's box size. */
    assert_int_equal(g->n_boxes, 2);
    assert_int_equal(g->boxes[0].choice, LAYOUT_ROLE_BOX_YES);
    assert_int_equal(g->boxes[1].choice, LAYOUT_ROLE_BOX_NO);
    assert_true(fabs(g->boxes[0].rect.w_pt - 3.5 * MM) < EPS);

    /* The code: version 1 (21 modules) of 0.9 mm, drawn as filled rectangles, the token beside it. */
    assert_true(fabs(g->module_pt - 0.9 * MM) < EPS);
    assert_true(fabs(g->code.w_pt - 21 * 0.9 * MM) < EPS);
    assert_true(n_rect > 4 + 21); /* the marks, and at least one run per module row */
    const struct layout_item *token = test_find_text(&d, "3HWZ-GMJP-VEMK");
    assert_non_null(token);
    assert_true(token->x_pt < g->code.x_pt - 4 * g->module_pt); /* outside the quiet zone */
    assert_true(token->y_pt > g->code.y_pt && token->y_pt <= g->code.y_pt + g->code.h_pt);

    /* Four marks of 4.5 mm around everything scan reads, and the quiet zone clear of them. */
    assert_true(fabs(g->mark_pt - 4.5 * MM) < EPS);
    double x0 = g->marks_x_pt[0] + g->mark_pt / 2, x1 = g->marks_x_pt[1] - g->mark_pt / 2;
    double y0 = g->marks_y_pt[0] + g->mark_pt / 2, y1 = g->marks_y_pt[3] - g->mark_pt / 2;
    assert_true(fabs(g->marks_x_pt[0] - g->marks_x_pt[3]) < EPS &&
                fabs(g->marks_y_pt[0] - g->marks_y_pt[1]) < EPS);
    assert_true(g->marks_x_pt[0] - g->mark_pt / 2 > 10 * MM); /* clear of the fold and hole marks */
    struct layout_rect quiet = {g->code.x_pt - 4 * g->module_pt, g->code.y_pt - 4 * g->module_pt,
                                g->code.w_pt + 8 * g->module_pt, g->code.h_pt + 8 * g->module_pt};
    assert_true(rect_inside(&quiet, x0, g->cut_y_pt, x1, y1));
    for (size_t i = 0; i < g->n_boxes; i++)
        assert_true(rect_inside(&g->boxes[i].rect, x0, y0, x1, y1));
    for (size_t i = 0; i < g->n_signatures; i++)
        assert_true(rect_inside(&g->signatures[i].area, x0, y0, x1, y1));
    assert_true(g->rect.y_pt == g->cut_y_pt &&
                fabs(g->rect.y_pt + g->rect.h_pt - LAYOUT_PAGE_HEIGHT_PT) < EPS);
    /* No text, rule or box of the slip inside the quiet zone but the code's own modules. */
    for (size_t i = 0; i < pg->n_items; i++) {
        const struct layout_item *it = &pg->items[i];
        if (it->kind == LAYOUT_ITEM_RECT || it->y_pt < g->cut_y_pt)
            continue;
        bool in = it->x_pt > quiet.x_pt && it->x_pt < quiet.x_pt + quiet.w_pt && it->y_pt > quiet.y_pt &&
                  it->y_pt < quiet.y_pt + quiet.h_pt;
        if (in)
            fail_msg("item %zu (kind %d) at %.1f, %.1f is in the code's quiet zone", i, (int)it->kind,
                     it->x_pt, it->y_pt);
    }
    arena_free(a);
}

static void
test_layout_slip_signature_rows_follow_the_age(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay_slip("Text.\n\n" SLIP_MD, 10, a, &d);
    assert_int_equal(d.slip.n_signatures, 1);
    assert_int_equal(d.slip.signatures[0].signer, LAYOUT_ROLE_SIGN_GUARDIAN);
    lay_slip("Text.\n\n" SLIP_MD, 18, a, &d);
    assert_int_equal(d.slip.n_signatures, 1);
    assert_int_equal(d.slip.signatures[0].signer, LAYOUT_ROLE_SIGN_PUPIL);
    /* "Ort, Datum" is a line to write on, not a signature: the signature is the row's last field. */
    assert_true(d.slip.signatures[0].area.x_pt > LEFT_PT + 30 * MM);
    arena_free(a);
}

static void
test_layout_moves_the_slip_whole_to_a_new_page_when_it_does_not_fit(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    /* Text that ends low on page 1: the slip, about 14 cm tall, goes to the foot of page 2, whole. */
    bool saw_one_page = false, saw_new_page = false;
    for (size_t n = 4; n <= 40; n += 4) {
        char *md = filler(n, SLIP_MD);
        lay_slip(md, 15, a, &d);
        free(md);
        const struct layout_slip *g = &d.slip;
        assert_int_equal(g->page, d.n_pages - 1);
        /* Every item at or below the note is on the slip's page: it is never split. */
        for (size_t p = 0; p + 1 < d.n_pages; p++)
            for (size_t i = 0; i < d.pages[p].n_items; i++)
                assert_true(d.pages[p].items[i].kind != LAYOUT_ITEM_DASH &&
                            d.pages[p].items[i].role == LAYOUT_ROLE_NONE);
        assert_true(g->signatures[g->n_signatures - 1].line_y_pt < BOTTOM_PT);
        assert_true(g->signatures[g->n_signatures - 1].line_y_pt > BOTTOM_PT - 15 * MM);
        /* The text above ends at least 6 mm above the note. */
        const struct layout_page *pg = &d.pages[g->page];
        for (size_t i = 0; i < pg->n_items; i++)
            if (pg->items[i].kind == LAYOUT_ITEM_TEXT && strncmp(pg->items[i].text, "Zeile", 5) == 0)
                assert_true(pg->items[i].y_pt < g->cut_y_pt - 9 * MM);
        saw_one_page |= d.n_pages == 1;
        saw_new_page |= d.n_pages == 2 && g->page == 1;
    }
    assert_true(saw_one_page);
    assert_true(saw_new_page);
    arena_free(a);
}

static void
test_layout_prints_the_form_date_under_the_letterhead(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc d;
    lay_slip("Text.\n", 10, a, &d);
    assert_false(d.has_slip);
    const struct layout_item *date = test_find_text(&d, "27.11.2026");
    assert_non_null(date);
    assert_true(date->y_pt < 40 * MM && date->y_pt > 35 * MM);
    assert_true(date->x_pt > LEFT_PT + 100 * MM); /* right-aligned, as in a letter */
    arena_free(a);
}

static void
test_layout_class_sheet_ticks_answers_already_back(void **state)
{
    (void)state;
    struct arena                 *a = arena_new();
    struct layout_doc             d;
    const struct layout_sheet_row rows[] = {{"Abel", "Anna", "Ja", NULL},
                                            {"Bauer", "Ben", NULL, NULL},
                                            {"Cem", "Can", "Nein", NULL},
                                            {"Dorn", "Dana", "widerrufen", NULL}};
    struct layout_sheet_params    p = {0};
    p.setup.school = &school;
    p.class_name = "5a";
    p.rows = rows;
    p.n_rows = 4;
    struct text_shaper    m = fake_metrics(NULL);
    layout_class_sheet(&p, &m, a, &d);
    assert_non_null(test_find_text(&d, "Anzahl der Formulare: 4 (schon zurück: 3, noch offen: 1)"));
    assert_non_null(test_find_text(&d, "widerrufen"));
    /* A tick is two short strokes: zurück and Ja for Anna, zurück and Nein for Can, zurück for Dana. */
    size_t n_strokes = 0;
    for (size_t i = 0; i < d.pages[0].n_items; i++) {
        const struct layout_item *it = &d.pages[0].items[i];
        n_strokes += it->kind == LAYOUT_ITEM_LINE && fabs(it->line_width_pt - 0.9) < EPS;
    }
    assert_int_equal(n_strokes, 2 * 5);
    arena_free(a);
}

static void
test_layout_without_birth_date_prints_the_configured_signature_rows(void **state)
{
    (void)state;
    static const struct {
        bool guardian, pupil;
    } cases[] = {{true, true}, {true, false}, {false, true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct template_doc      *doc = parse(signature_md);
        struct values             v = {NULL};
        struct layout_values      lv = {&v, lookup};
        struct layout_form_params p = params(0); /* the age is not known: 0 must not choose */
        struct text_shaper        m = fake_metrics(NULL);
        struct arena             *a = arena_new();
        struct layout_doc         d;
        p.is_age_unknown = true;
        p.guardian_signs_without_age = cases[i].guardian;
        p.pupil_signs_without_age = cases[i].pupil;
        layout_form(doc, &lv, &p, &m, a, &d);
        assert_int_equal(page_of(&d, "Unterschrift der Erziehungsberechtigten") >= 0, cases[i].guardian);
        assert_int_equal(page_of(&d, "Unterschrift der Schülerin / des Schülers") >= 0, cases[i].pupil);
        arena_free(a);
        template_free(doc);
    }
}

/* The fold and hole marks of page i (0-based) of d. */
static size_t
count_marks(const struct layout_doc *d, size_t i)
{
    size_t n = 0;
    for (size_t k = 0; k < d->pages[i].n_items; k++)
        n += d->pages[i].items[k].kind == LAYOUT_ITEM_LINE && d->pages[i].items[k].x_pt < 5.0 * MM;
    return n;
}

static void
test_layout_prints_marks_on_front_pages_only_for_duplex(void **state)
{
    (void)state;
    char                     *md = filler(120, "Ende.\n"); /* three pages */
    struct template_doc      *doc = parse(md);
    struct values             v = {NULL};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(10);
    struct text_shaper        m = fake_metrics(NULL);
    struct arena             *a = arena_new();
    struct layout_doc         d;
    p.setup.marks = true;
    p.setup.is_duplex = true;
    layout_form(doc, &lv, &p, &m, a, &d);
    assert_true(d.n_pages >= 3);
    /* on a back page the hole mark would sit at the wrong edge of the sheet */
    for (size_t i = 0; i < d.n_pages; i++)
        assert_int_equal(count_marks(&d, i), i % 2 == 0 ? 3 : 0);
    arena_reset(a);
    p.setup.is_duplex = false; /* single-sided: every page is a front */
    layout_form(doc, &lv, &p, &m, a, &d);
    for (size_t i = 0; i < d.n_pages; i++)
        assert_int_equal(count_marks(&d, i), 3);
    arena_free(a);
    template_free(doc);
    free(md);
}

/* A translation: the same check boxes and signature rows, but nothing to tick or sign, and on a
 * right-to-left page the body is mirrored while letterhead and footer stay where they are. */
static const char *TRANSLATION_MD = "Ein Satz\n\n- Punkt\n\n- [ ] Ja\n- [ ] Nein\n\n"
                                    "```signature\nOrt, Datum | Unterschrift\n```\n";

static void
lay_translation(enum text_direction dir, bool is_information, struct arena *a, struct layout_doc *out)
{
    struct template_doc      *doc = parse(TRANSLATION_MD);
    struct values             v = {NULL};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(12);
    struct text_shaper        m = fake_metrics(NULL);
    p.direction = dir;
    p.is_information = is_information;
    layout_form(doc, &lv, &p, &m, a, out);
    template_free(doc);
}

static const struct layout_item *
find_text(const struct layout_page *pg, const char *text)
{
    for (size_t i = 0; i < pg->n_items; i++)
        if (pg->items[i].kind == LAYOUT_ITEM_TEXT && strcmp(pg->items[i].text, text) == 0)
            return &pg->items[i];
    return NULL;
}

static void
test_layout_translation_has_nothing_to_tick_or_sign(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc german, info;
    lay_translation(TEXT_DIR_LTR, false, a, &german);
    lay_translation(TEXT_DIR_LTR, true, a, &info);
    size_t n_roles = 0, n_lines = 0, n_boxes = 0, n_gray_boxes = 0, n_info_lines = 0;
    for (size_t i = 0; i < german.pages[0].n_items; i++) {
        n_roles += german.pages[0].items[i].role != LAYOUT_ROLE_NONE;
        n_lines += german.pages[0].items[i].kind == LAYOUT_ITEM_LINE;
    }
    assert_int_equal(n_roles, 3); /* two boxes and the signature line */
    for (size_t i = 0; i < info.pages[0].n_items; i++) {
        const struct layout_item *it = &info.pages[0].items[i];
        assert_int_equal(it->role, LAYOUT_ROLE_NONE);
        n_boxes += it->kind == LAYOUT_ITEM_BOX;
        n_gray_boxes += it->kind == LAYOUT_ITEM_BOX && it->gray > 0.5;
        n_info_lines += it->kind == LAYOUT_ITEM_LINE;
    }
    assert_int_equal(n_boxes, 2);
    assert_int_equal(n_gray_boxes, 2);
    assert_int_equal(n_info_lines, n_lines - 2); /* no rules for "Ort, Datum" and the signature */
    assert_non_null(find_text(&info.pages[0], "Unterschrift"));
    arena_free(a);
}

static void
test_layout_translation_with_a_slip_block_gets_no_slip(void **state)
{
    (void)state;
    struct arena             *a = arena_new();
    struct template_doc *doc = parse("Text\n\n```slip\nBitte bis morgen\n```\n\n- [ ] Ja\n- [ ] Nein\n");
    struct values             v = {NULL};
    struct layout_values      lv = {&v, lookup};
    struct layout_form_params p = params(12);
    struct text_shaper        m = fake_metrics(NULL);
    struct layout_doc         d;
    p.slip_code = "CG1-0123456789AB";
    p.is_information = true;
    layout_form(doc, &lv, &p, &m, a, &d);
    assert_false(d.has_slip);
    size_t n_boxes = 0;
    for (size_t i = 0; i < d.pages[0].n_items; i++) {
        enum layout_item_kind k = d.pages[0].items[i].kind;
        assert_true(k != LAYOUT_ITEM_DASH && k != LAYOUT_ITEM_RECT);
        assert_int_equal(d.pages[0].items[i].role, LAYOUT_ROLE_NONE);
        n_boxes += d.pages[0].items[i].kind == LAYOUT_ITEM_BOX;
    }
    assert_int_equal(n_boxes, 2);
    assert_non_null(find_text(&d.pages[0], "Bitte bis morgen"));
    template_free(doc);
    arena_free(a);
}

static void
test_layout_right_to_left_page_mirrors_only_the_body(void **state)
{
    (void)state;
    struct arena     *a = arena_new();
    struct layout_doc ltr, rtl;
    lay_translation(TEXT_DIR_LTR, true, a, &ltr);
    lay_translation(TEXT_DIR_RTL, true, a, &rtl);
    /* A line of the body ends at the right margin; the bullet stands right of its text. */
    const struct layout_item *s_ltr = find_text(&ltr.pages[0], "Ein Satz"),
                             *s_rtl = find_text(&rtl.pages[0], "Ein Satz");
    assert_non_null(s_ltr);
    assert_non_null(s_rtl);
    assert_float_equal(s_ltr->x_pt, LEFT_PT, 0.01);
    assert_float_equal(s_rtl->x_pt + s_rtl->w_pt, RIGHT_PT, 0.01);
    const struct layout_item *bullet = find_text(&rtl.pages[0], "•"),
                             *point = find_text(&rtl.pages[0], "Punkt");
    assert_non_null(bullet);
    assert_non_null(point);
    assert_true(bullet->x_pt > point->x_pt + point->w_pt);
    /* The first check box stands right of the second. */
    double box_x[2];
    size_t n = 0;
    for (size_t i = 0; i < rtl.pages[0].n_items && n < 2; i++)
        if (rtl.pages[0].items[i].kind == LAYOUT_ITEM_BOX)
            box_x[n++] = rtl.pages[0].items[i].x_pt;
    assert_int_equal(n, 2);
    assert_true(box_x[0] > box_x[1]);
    assert_float_equal(box_x[0] + BOX_PT, RIGHT_PT, 0.01);
    /* Letterhead and footer as on a German page. */
    const struct layout_item *h_ltr = find_text(&ltr.pages[0], school.name);
    const struct layout_item *h_rtl = find_text(&rtl.pages[0], school.name);
    assert_non_null(h_rtl);
    assert_float_equal(h_rtl->x_pt, h_ltr->x_pt, 0.01);
    const struct layout_page *pl = &ltr.pages[0], *pr = &rtl.pages[0];
    assert_float_equal(pr->items[pr->n_items - 1].x_pt, pl->items[pl->n_items - 1].x_pt, 0.01);
    assert_float_equal(pr->items[pr->n_items - 1].x_pt, LEFT_PT, 0.01);
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_keeps_every_text_inside_the_margins),
        cmocka_unit_test(test_layout_breaks_a_120_character_surname_inside_the_margins),
        cmocka_unit_test(test_layout_breaks_after_a_hyphen),
        cmocka_unit_test(test_layout_places_style_runs_at_measured_offsets),
        cmocka_unit_test(test_layout_shrinks_a_long_name_in_the_pupil_block),
        cmocka_unit_test(test_layout_never_leaves_a_heading_last_on_a_page),
        cmocka_unit_test(test_layout_leaves_no_orphan_or_widow_line),
        cmocka_unit_test(test_layout_keeps_checkboxes_pupil_and_signature_blocks_together),
        cmocka_unit_test(test_layout_puts_short_checkboxes_on_one_row),
        cmocka_unit_test(test_layout_puts_long_checkboxes_one_per_line),
        cmocka_unit_test(test_layout_selects_signature_rows_by_age),
        cmocka_unit_test(test_layout_without_birth_date_prints_the_configured_signature_rows),
        cmocka_unit_test(test_layout_prints_marks_on_front_pages_only_for_duplex),
        cmocka_unit_test(test_layout_splits_a_two_field_signature_row_35_to_65),
        cmocka_unit_test(test_layout_prints_page_x_of_y_on_every_page),
        cmocka_unit_test(test_layout_draws_letterhead_logo_and_marks),
        cmocka_unit_test(test_layout_breaks_a_block_taller_than_a_page_and_ends),
        cmocka_unit_test(test_layout_pads_to_an_even_page_count),
        cmocka_unit_test(test_layout_class_sheet_lists_every_pupil_and_repeats_the_header),
        cmocka_unit_test(test_layout_review_keeps_each_entry_whole_two_slips_to_a_page),
        cmocka_unit_test(test_layout_class_sheet_keeps_boxes_in_the_middle_of_a_tall_row),
        cmocka_unit_test(test_layout_class_sheet_cuts_a_name_only_beyond_four_lines),
        cmocka_unit_test(test_layout_footer_cuts_a_long_name_but_keeps_class_and_page),
        cmocka_unit_test(test_layout_opens_the_pupil_block_with_a_title_and_keeps_values_off_the_rule),
        cmocka_unit_test(test_layout_dump_of_a_tiny_form),
        cmocka_unit_test(test_layout_puts_a_right_to_left_name_inside_a_german_sentence),
        cmocka_unit_test(test_layout_breaks_right_to_left_text_on_its_logical_order),
        cmocka_unit_test(test_layout_prefills_a_right_to_left_name_in_the_pupil_block),
        cmocka_unit_test(test_layout_paginates_a_run_of_20000_headings_on_a_small_stack),
        cmocka_unit_test(test_layout_puts_the_slip_at_the_foot_of_the_last_page),
        cmocka_unit_test(test_layout_slip_signature_rows_follow_the_age),
        cmocka_unit_test(test_layout_moves_the_slip_whole_to_a_new_page_when_it_does_not_fit),
        cmocka_unit_test(test_layout_prints_the_form_date_under_the_letterhead),
        cmocka_unit_test(test_layout_class_sheet_ticks_answers_already_back),
        cmocka_unit_test(test_layout_translation_has_nothing_to_tick_or_sign),
        cmocka_unit_test(test_layout_right_to_left_page_mirrors_only_the_body),
        cmocka_unit_test(test_layout_translation_with_a_slip_block_gets_no_slip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
