/* Unit tests for form: placeholder values, the layout calls for a pupil and a class, the glyph checks. */
#include "consentgen/form.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_metrics.h"
#include "test_support.h"

static struct config_value values[] = {
    {"platform", "IServ", 12, 15},
    {"return_by", "11.12.2026", 13, 16},
    {"authority", "Landesbeauftragten → NRW", 14, 16},
};

static struct config config = {
    .path = "schule.yaml",
    .school = {"Gymnasium Musterstadt", "Schulstraße 1, 12345 Musterstadt", NULL,
               "Datenschutz: ds@schule.example"},
    .form = {.date = {2026, 11, 27}, .has_date = true, .values = values, .n_values = 3},
    .page = {.font = "Liberation Sans"},
};

static char *headers[] = {"Nachname", "Vorname", "Geburtsdatum", "Klasse", "Wohnort", "Bemerkung"};

static char *fields_an[] = {"Nguyễn", "An", "01.02.2012", "5a", "Łódź", "ẞ-Test"};
static char *fields_ben[] = {"Özdemir", "Ben", "28.11.2012", "5a", "Köln", ""};

static struct pupil pupils[] = {
    {"Nguyễn", "An", "5a", NULL, {2012, 2, 1}, fields_an, 17, 16, "", 0},
    {"Özdemir", "Ben", "5a", "4711", {2012, 11, 28}, fields_ben, 18, 17, "", 0},
};

static struct roster roster = {
    .path = "klassen.csv", .headers = headers, .n_headers = 6, .pupils = pupils, .n_pupils = 2, .delimiter = ';'};

/* The codes of An and Ben in the round of `config` with the form "Einwilligung Videokonferenzen". */
#define TOKEN_AN "3HWZGMJPVEMK"
#define TOKEN_BEN "PE6W43ENSPB4"

static struct template_doc *
parse(const char *md)
{
    struct diags         d = {0};
    struct template_doc *doc = template_parse(md, strlen(md), "vorlage.md", &d);
    assert_int_equal(d.n_errors, 0);
    assert_non_null(doc);
    diags_fini(&d);
    return doc;
}

static struct form_run
run_for(const struct template_doc *doc, const struct text_shaper *m)
{
    struct form_run run = {0};
    run.config = &config;
    run.roster = &roster;
    run.doc = doc;
    run.shaper = m;
    run.font_name = "Liberation Sans";
    return run;
}

static void
test_form_value_fills_every_placeholder_kind(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("Text.\n");
    struct text_shaper m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct arena         *a = arena_new();
    const struct pupil   *an = &pupils[0], *ben = &pupils[1];

    assert_string_equal(form_value(&run, an, "school.name", a), "Gymnasium Musterstadt");
    assert_string_equal(form_value(&run, an, "school.address", a), "Schulstraße 1, 12345 Musterstadt");
    assert_string_equal(form_value(&run, an, "form.date", a), "27.11.2026");
    assert_string_equal(form_value(&run, an, "form.platform", a), "IServ");
    assert_null(form_value(&run, an, "form.nothing", a));
    assert_string_equal(form_value(&run, an, "pupil.last_name", a), "Nguyễn");
    assert_string_equal(form_value(&run, an, "pupil.first_name", a), "An");
    assert_string_equal(form_value(&run, an, "pupil.birth_date", a), "01.02.2012");
    assert_string_equal(form_value(&run, an, "pupil.class", a), "5a");
    assert_string_equal(form_value(&run, an, "pupil.age", a), "14");
    assert_string_equal(form_value(&run, ben, "pupil.age", a), "13"); /* 14th birthday the day after */
    assert_string_equal(form_value(&run, an, "pupil.id", a), "");
    assert_string_equal(form_value(&run, ben, "pupil.id", a), "4711");
    assert_string_equal(form_value(&run, an, "pupil.Wohnort", a), "Łódź");
    assert_null(form_value(&run, an, "pupil.Hobby", a));
    assert_null(form_value(&run, an, "teacher.name", a));

    config.school.address = NULL;
    assert_string_equal(form_value(&run, an, "school.address", a), "");
    config.school.address = "Schulstraße 1, 12345 Musterstadt";
    arena_free(a);
    template_free(doc);
}

static void
test_form_pupil_name_is_last_comma_first(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    assert_string_equal(form_pupil_name(&pupils[0], a), "Nguyễn, An");
    arena_free(a);
}

static void
test_form_layout_pupil_prefills_and_writes_the_footer(void **state)
{
    (void)state;
    struct template_doc *doc =
        parse("---\ntitle: Einwilligung\n---\n\n"
              "Plattform {{form.platform}} für {{pupil.first_name}} ({{pupil.age}}).\n\n"
              "```pupil\n```\n\n"
              "```signature\n[guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
              "[pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n```\n");
    struct text_shaper m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct arena         *a = arena_new();
    struct layout_doc     d;

    form_layout_pupil(&run, &pupils[0], a, &d);
    assert_int_equal(d.n_pages, 1);
    assert_non_null(test_find_text(&d, "Nguyễn, An · Klasse 5a · Seite 1 von 1"));
    assert_non_null(test_find_text(&d, "Plattform IServ für An (14)."));
    assert_non_null(test_find_text(&d, "Nguyễn"));
    assert_non_null(test_find_text(&d, "01.02.2012"));
    assert_non_null(test_find_text(&d, "Gymnasium Musterstadt"));
    /* 14 on the form date: guardian and pupil sign. */
    assert_non_null(test_find_text(&d, "Unterschrift der Erziehungsberechtigten"));
    assert_non_null(test_find_text(&d, "Unterschrift der Schülerin / des Schülers"));

    /* 13 (birthday tomorrow): only the guardian. */
    form_layout_pupil(&run, &pupils[1], a, &d);
    assert_non_null(test_find_text(&d, "Unterschrift der Erziehungsberechtigten"));
    assert_null(test_find_text(&d, "Unterschrift der Schülerin / des Schülers"));
    arena_free(a);
    template_free(doc);
}

static void
test_form_layout_pupil_takes_ages_from_the_front_matter(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("---\npupil_signature_from_age: 12\nadult_age: 14\n---\n\nText.\n\n"
                                       "```signature\n[guardian] Unterschrift der Erziehungsberechtigten\n"
                                       "[pupil] Unterschrift der Schülerin / des Schülers\n```\n");
    struct text_shaper m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct arena         *a = arena_new();
    struct layout_doc     d;

    form_layout_pupil(&run, &pupils[0], a, &d); /* 14: adult by this template */
    assert_null(test_find_text(&d, "Unterschrift der Erziehungsberechtigten"));
    assert_non_null(test_find_text(&d, "Unterschrift der Schülerin / des Schülers"));
    form_layout_pupil(&run, &pupils[1], a, &d); /* 13 */
    assert_non_null(test_find_text(&d, "Unterschrift der Erziehungsberechtigten"));
    assert_non_null(test_find_text(&d, "Unterschrift der Schülerin / des Schülers"));
    arena_free(a);
    template_free(doc);
}

static void
test_form_class_sheet_lists_the_pupils_with_the_return_date(void **state)
{
    (void)state;
    struct template_doc      *doc = parse("---\ntitle: Einwilligung Video\n---\n\nText.\n");
    struct text_shaper     m = fake_metrics(NULL);
    struct form_run           run = run_for(doc, &m);
    struct arena             *a = arena_new();
    const struct pupil *const list[] = {&pupils[0], &pupils[1]};
    struct layout_doc         d;

    form_layout_class_sheet(&run, "5a", list, NULL, 2, a, &d);
    assert_non_null(test_find_text(&d, "Rücklaufliste Klasse 5a"));
    assert_non_null(test_find_text(&d, "Einwilligung Video"));
    assert_non_null(test_find_text(&d, "Datum des Formulars: 27.11.2026"));
    assert_non_null(test_find_text(&d, "Anzahl der Formulare: 2"));
    assert_non_null(test_find_text(&d, "Rückgabe bis: 11.12.2026"));
    assert_non_null(test_find_text(&d, "Nguyễn"));
    assert_non_null(test_find_text(&d, "Özdemir"));
    assert_non_null(test_find_text(&d, "Klasse 5a · Rücklaufliste · Seite 1 von 1"));
    arena_free(a);
    template_free(doc);
}

static void
test_form_pupil_without_birth_date_leaves_it_blank_and_both_sign(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("Text {{pupil.first_name}}: [{{pupil.birth_date}}] [{{pupil.age}}].\n\n"
                                       "```signature\n[guardian] Unterschrift der Erziehungsberechtigten\n"
                                       "[pupil] Unterschrift der Schülerin / des Schülers\n```\n");
    struct text_shaper    m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct arena         *a = arena_new();
    struct layout_doc     d;
    struct pupil          no_date = pupils[0];
    no_date.birth_date = (struct date){0, 0, 0};

    assert_string_equal(form_value(&run, &no_date, "pupil.birth_date", a), "");
    assert_string_equal(form_value(&run, &no_date, "pupil.age", a), "");
    form_layout_pupil(&run, &no_date, a, &d);
    assert_non_null(test_find_text(&d, "Text An: [] []."));
    assert_non_null(test_find_text(&d, "Unterschrift der Erziehungsberechtigten"));
    assert_non_null(test_find_text(&d, "Unterschrift der Schülerin / des Schülers"));
    /* form.signatures_without_birth_date: guardian */
    struct config guardian_only = config;
    guardian_only.form.signers_without_birth_date = CONFIG_SIGNERS_GUARDIAN;
    run.config = &guardian_only;
    form_layout_pupil(&run, &no_date, a, &d);
    assert_non_null(test_find_text(&d, "Unterschrift der Erziehungsberechtigten"));
    assert_null(test_find_text(&d, "Unterschrift der Schülerin / des Schülers"));
    arena_free(a);
    template_free(doc);
}

static void
test_form_class_sheet_tells_pupils_of_one_name_apart(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("Text.\n");
    struct text_shaper    m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct arena         *a = arena_new();
    struct pupil          twins[4] = {pupils[0], pupils[0], pupils[1], pupils[1]};
    twins[1].first_name = "AN"; /* the same name, written otherwise */
    twins[1].birth_date = (struct date){2013, 5, 6};
    twins[3].birth_date = (struct date){0, 0, 0}; /* no birth date: the id tells them apart */
    const struct pupil *const list[] = {&twins[0], &twins[1], &twins[2], &twins[3]};
    struct layout_doc         d;
    form_layout_class_sheet(&run, "5a", list, NULL, 4, a, &d);
    assert_non_null(test_find_text(&d, "An (geb. 01.02.2012)"));
    assert_non_null(test_find_text(&d, "AN (geb. 06.05.2013)"));
    assert_non_null(test_find_text(&d, "Ben (geb. 28.11.2012)"));
    assert_non_null(test_find_text(&d, "Ben (ID 4711)"));
    arena_reset(a);
    /* names of their own keep their cell as it was */
    form_layout_class_sheet(&run, "5a", list + 1, NULL, 2, a, &d);
    assert_non_null(test_find_text(&d, "AN"));
    assert_non_null(test_find_text(&d, "Ben"));
    arena_free(a);
    template_free(doc);
}

static void
assert_diags(const struct diags *d, const char *expected)
{
    struct buf b;
    buf_init(&b);
    diags_format(d, &b);
    assert_string_equal(b.data ? b.data : "", expected);
    buf_fini(&b);
}

static void
test_form_check_glyphs_reports_each_missing_character_once(void **state)
{
    (void)state;
    /* ễ is in the name (checked in regular and bold, and used twice); Ł in a column the template prints;
     * ẞ only in a column it does not print, so it is not reported. */
    static const int32_t  missing[] = {0x1EC5, 0x0141, 0x1E9E, 0};
    struct template_doc  *doc = parse("**{{pupil.last_name}}** aus {{pupil.Wohnort}}: {{pupil.last_name}}\n");
    struct text_shaper m = fake_metrics(missing);
    struct form_run       run = run_for(doc, &m);
    struct diags          d = {0};

    assert_false(form_check_glyphs(&run, &pupils[0], &d));
    assert_diags(&d, "klassen.csv:17: error: the font \"Liberation Sans\" cannot print \"ễ\" (U+1EC5) in "
                     "\"Nguyễn, An\" (Klasse 5a)\n"
                     "klassen.csv:17: error: the font \"Liberation Sans\" cannot print \"Ł\" (U+0141) in "
                     "\"Łódź\" (Nguyễn, An, Klasse 5a)\n");
    diags_fini(&d);

    assert_true(form_check_glyphs(&run, &pupils[1], &d));
    assert_int_equal(d.n, 0);
    template_free(doc);
}

static void
test_form_check_glyphs_names_the_bold_font(void **state)
{
    (void)state;
    /* A font that lacks "Ö" in bold only: names are checked in bold too, as the class sheet prints them. */
    static const int32_t           missing[] = {0xD6, 0};
    const struct fake_font_missing fm = {TEXT_STYLE_BOLD, missing};
    struct text_shaper          m = fake_metrics_font(&fm);
    struct template_doc           *doc = parse("Für {{pupil.first_name}}.\n");
    struct form_run                run = run_for(doc, &m);
    struct diags                   d = {0};
    assert_false(form_check_glyphs(&run, &pupils[1], &d));
    assert_diags(&d,
                 "klassen.csv:18: error: the font \"Liberation Sans\" (bold) cannot print \"Ö\" (U+00D6) in "
                 "\"Özdemir, Ben\" (Klasse 5a)\n");
    diags_fini(&d);
    template_free(doc);
}

static void
test_form_check_glyphs_run_reports_shared_text_at_its_source(void **state)
{
    (void)state;
    static const int32_t  missing[] = {0x2192, 0x2605, 0}; /* → in a config value, ★ in the template */
    struct template_doc  *doc = parse("Bei der {{form.authority}} ★ und {{form.authority}}.\n");
    struct text_shaper m = fake_metrics(missing);
    struct form_run       run = run_for(doc, &m);
    struct diags          d = {0};

    assert_false(form_check_glyphs_run(&run, &d));
    assert_diags(&d, "schule.yaml:14:16: error: the font \"Liberation Sans\" cannot print \"→\" (U+2192) in "
                     "\"Landesbeauftragten → NRW\"\n"
                     "vorlage.md:1: error: the font \"Liberation Sans\" cannot print \"★\" (U+2605) in the "
                     "template's text\n");
    diags_fini(&d);

    /* Pupil checks leave shared values alone: a school name is not reported once per pupil. */
    assert_true(form_check_glyphs(&run, &pupils[1], &d));
    diags_fini(&d);
    template_free(doc);
}

/* ---- return-slip codes ---- */

static void
test_form_token_is_fixed_for_the_same_round_and_pupil(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("# Einwilligung Videokonferenzen\n\nText.\n");
    struct text_shaper    m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    char                  a[FORM_TOKEN_LEN + 1], b[FORM_TOKEN_LEN + 1];
    form_token(&run, &pupils[0], a);
    form_token(&run, &pupils[0], b);
    assert_string_equal(a, b);
    /* Printed slips must stay readable by later versions: the code of a pupil never changes. */
    assert_string_equal(a, TOKEN_AN);
    form_token(&run, &pupils[1], b);
    assert_string_equal(b, TOKEN_BEN);
    assert_int_equal(strlen(a), FORM_TOKEN_LEN);
    for (size_t i = 0; i < FORM_TOKEN_LEN; i++)
        assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", a[i]));
    template_free(doc);
}

static void
test_form_token_changes_with_the_round_but_not_with_the_class(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("# Einwilligung Videokonferenzen\n\nText.\n");
    struct template_doc  *other_form = parse("# Einwilligung Fotos\n\nText.\n");
    struct text_shaper    m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct config         c = config;
    char                  base[FORM_TOKEN_LEN + 1], t[FORM_TOKEN_LEN + 1];
    form_token(&run, &pupils[0], base);

    run.config = &c;
    c.form.date = (struct date){2027, 3, 1}; /* the next round */
    form_token(&run, &pupils[0], t);
    assert_string_not_equal(t, base);
    c.form.date = config.form.date;
    c.school.name = "Gesamtschule Musterstadt";
    form_token(&run, &pupils[0], t);
    assert_string_not_equal(t, base);
    c.school.name = config.school.name;
    run.doc = other_form;
    form_token(&run, &pupils[0], t);
    assert_string_not_equal(t, base);
    run.doc = doc;

    struct pupil moved = pupils[0];
    moved.class_name = "6b";
    form_token(&run, &moved, t);
    assert_string_equal(t, base);
    moved.id = "9";
    form_token(&run, &moved, t);
    assert_string_not_equal(t, base);
    moved = pupils[0];
    moved.birth_date.day = 2;
    form_token(&run, &moved, t);
    assert_string_not_equal(t, base);
    /* Length prefixes: moving a letter from one field to the next gives another code. */
    moved = pupils[0];
    moved.last_name = "Nguyễ";
    moved.first_name = "nAn";
    form_token(&run, &moved, t);
    assert_string_not_equal(t, base);
    template_free(doc);
    template_free(other_form);
}

static void
test_form_token_reads_back_as_printed_and_as_coded(void **state)
{
    (void)state;
    char grouped[FORM_TOKEN_LEN + 3], out[FORM_TOKEN_LEN + 1];
    form_token_grouped(TOKEN_AN, grouped);
    assert_int_equal(strlen(grouped), 14);
    assert_int_equal(grouped[4], '-');
    assert_int_equal(grouped[9], '-');
    assert_int_equal(form_token_read(grouped, out), FORM_TOKEN_OK);
    assert_string_equal(out, TOKEN_AN);
    assert_int_equal(form_token_read(FORM_TOKEN_QR_PREFIX TOKEN_AN, out), FORM_TOKEN_OK);
    assert_string_equal(out, TOKEN_AN);

    char lower[32];
    for (size_t i = 0; i <= strlen(grouped); i++)
        lower[i] = (char)(grouped[i] >= 'A' && grouped[i] <= 'Z' ? grouped[i] + 32 : grouped[i]);
    assert_int_equal(form_token_read(lower, out), FORM_TOKEN_OK);
    assert_string_equal(out, TOKEN_AN);

    assert_int_equal(form_token_read("", out), FORM_TOKEN_MALFORMED);
    assert_int_equal(form_token_read("CG2-" TOKEN_AN, out), FORM_TOKEN_MALFORMED);
    assert_int_equal(form_token_read(TOKEN_AN "0", out), FORM_TOKEN_MALFORMED);
    assert_int_equal(form_token_read("K7M2-9QXD-4TB", out), FORM_TOKEN_MALFORMED);
    assert_int_equal(form_token_read("K7M2-9QXD-4TBU", out), FORM_TOKEN_MALFORMED); /* U is no symbol */

    /* A token that itself begins with C and G reads as printed and as coded (found by fuzz_token). */
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char              cg[FORM_TOKEN_LEN + 1] = "CG137553755?", qr[FORM_TOKEN_LEN + 8];
    size_t            n_ok = 0;
    for (size_t k = 0; k < 32; k++) {
        cg[FORM_TOKEN_LEN - 1] = alphabet[k];
        if (form_token_read(cg, out) != FORM_TOKEN_OK)
            continue;
        n_ok++;
        assert_string_equal(out, cg);
        form_token_grouped(cg, grouped);
        assert_int_equal(form_token_read(grouped, out), FORM_TOKEN_OK);
        assert_string_equal(out, cg);
        memcpy(qr, FORM_TOKEN_QR_PREFIX, 4);
        memcpy(qr + 4, cg, FORM_TOKEN_LEN + 1);
        assert_int_equal(form_token_read(qr, out), FORM_TOKEN_OK);
        assert_string_equal(out, cg);
    }
    assert_int_equal(n_ok, 1);
}

static void
test_form_token_check_character_catches_every_slip_and_swap(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char              t[FORM_TOKEN_LEN + 1], out[FORM_TOKEN_LEN + 1];
    size_t            n_tried = 0;
    /* Every single wrong character, at every place, the check character included. */
    for (size_t i = 0; i < FORM_TOKEN_LEN; i++) {
        for (size_t k = 0; k < 32; k++) {
            strcpy(t, TOKEN_AN);
            if (t[i] == alphabet[k])
                continue;
            t[i] = alphabet[k];
            assert_int_equal(form_token_read(t, out), FORM_TOKEN_BAD_CHECK);
            n_tried++;
        }
    }
    assert_int_equal(n_tried, FORM_TOKEN_LEN * 31);
    /* Every swap of two different characters, near or far. */
    for (size_t i = 0; i < FORM_TOKEN_LEN; i++) {
        for (size_t j = i + 1; j < FORM_TOKEN_LEN; j++) {
            strcpy(t, TOKEN_BEN);
            if (t[i] == t[j])
                continue;
            char c = t[i];
            t[i] = t[j];
            t[j] = c;
            assert_int_equal(form_token_read(t, out), FORM_TOKEN_BAD_CHECK);
        }
    }
}

static void
test_form_token_reads_i_l_o_as_digits(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("# Einwilligung\n\nText.\n");
    struct text_shaper    m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct pupil          p = pupils[0];
    char                  t[FORM_TOKEN_LEN + 1], typed[FORM_TOKEN_LEN + 1], out[FORM_TOKEN_LEN + 1];
    /* A pupil whose code has a 1 and a 0. */
    do {
        p.birth_date.day++;
        form_token(&run, &p, t);
    } while (p.birth_date.day < 28 && !(strchr(t, '1') && strchr(t, '0')));
    assert_non_null(strchr(t, '1'));
    assert_non_null(strchr(t, '0'));
    /* I and L read as 1, O as 0 (Crockford): a code survives being typed with letters. */
    strcpy(typed, t);
    for (char *c = typed; *c; c++)
        *c = *c == '1' ? 'l' : *c == '0' ? 'O' : *c;
    assert_int_equal(form_token_read(typed, out), FORM_TOKEN_OK);
    assert_string_equal(out, t);
    template_free(doc);
}

static void
test_form_check_tokens_accepts_distinct_and_repeated_pupils(void **state)
{
    (void)state;
    struct template_doc  *doc = parse("# Einwilligung\n\nText.\n");
    struct text_shaper    m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct pupil          many[3] = {pupils[0], pupils[1], pupils[0]}; /* An listed twice */
    struct roster         r = roster;
    r.pupils = many;
    r.n_pupils = 3;
    run.roster = &r;
    struct diags d = {0};
    assert_true(form_check_tokens(&run, &d));
    assert_int_equal(d.n, 0);
    diags_fini(&d);
    template_free(doc);
}

static void
test_form_slip_carries_the_pupils_code(void **state)
{
    (void)state;
    struct template_doc *doc =
        parse("# Einwilligung Videokonferenzen\n\nText.\n\n```slip\n```\n\n```pupil\n```\n\n"
              "- [ ] Ja\n- [ ] Nein\n\n```signature\n```\n");
    struct text_shaper    m = fake_metrics(NULL);
    struct form_run       run = run_for(doc, &m);
    struct arena         *a = arena_new();
    struct layout_doc     d;
    form_layout_pupil(&run, &pupils[0], a, &d);
    assert_true(d.has_slip);
    char grouped[FORM_TOKEN_LEN + 3];
    form_token_grouped(TOKEN_AN, grouped);
    assert_non_null(test_find_text(&d, grouped));
    assert_non_null(test_find_text(&d, "Rückmeldung zum Schreiben vom 27.11.2026"));
    assert_non_null(test_find_text(&d, TEMPLATE_SLIP_NOTE));

    /* scan asks for the geometry without a PDF: the same as the laid-out form's. */
    struct layout_slip g;
    assert_true(form_slip_geometry(&run, &pupils[0], a, &g));
    assert_int_equal(g.page, d.slip.page);
    assert_true(g.code.x_pt == d.slip.code.x_pt && g.code.y_pt == d.slip.code.y_pt);
    assert_int_equal(g.n_boxes, 2);
    arena_free(a);
    template_free(doc);

    /* Without a slip block there is no geometry. */
    doc = parse("Text.\n");
    run = run_for(doc, &m);
    a = arena_new();
    assert_false(form_slip_geometry(&run, &pupils[0], a, &g));
    arena_free(a);
    template_free(doc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_value_fills_every_placeholder_kind),
        cmocka_unit_test(test_form_pupil_name_is_last_comma_first),
        cmocka_unit_test(test_form_layout_pupil_prefills_and_writes_the_footer),
        cmocka_unit_test(test_form_layout_pupil_takes_ages_from_the_front_matter),
        cmocka_unit_test(test_form_class_sheet_lists_the_pupils_with_the_return_date),
        cmocka_unit_test(test_form_pupil_without_birth_date_leaves_it_blank_and_both_sign),
        cmocka_unit_test(test_form_class_sheet_tells_pupils_of_one_name_apart),
        cmocka_unit_test(test_form_check_glyphs_reports_each_missing_character_once),
        cmocka_unit_test(test_form_check_glyphs_names_the_bold_font),
        cmocka_unit_test(test_form_check_glyphs_run_reports_shared_text_at_its_source),
        cmocka_unit_test(test_form_token_is_fixed_for_the_same_round_and_pupil),
        cmocka_unit_test(test_form_token_changes_with_the_round_but_not_with_the_class),
        cmocka_unit_test(test_form_token_reads_back_as_printed_and_as_coded),
        cmocka_unit_test(test_form_token_check_character_catches_every_slip_and_swap),
        cmocka_unit_test(test_form_token_reads_i_l_o_as_digits),
        cmocka_unit_test(test_form_slip_carries_the_pupils_code),
        cmocka_unit_test(test_form_check_tokens_accepts_distinct_and_repeated_pupils),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
