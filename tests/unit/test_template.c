/*
 * Tests for template: Markdown + front matter into blocks and spans, placeholder
 * positions, form blocks, the diagnostics, and the shipped consent text.
 * Blocks are compared through dump(), a one-line-per-block text form.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "consentgen/diag.h"
#include "consentgen/template.h"
#include "consentgen/util.h"

/* ---- helpers ---- */

static const char *const kind_names[] = {"H",    "P",     "BULLET",    "CHECKBOX",
                                         "RULE", "PUPIL", "SIGNATURE", "SLIP"};

static void
dump_spans(struct buf *b, const struct template_span *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_putc(b, ' ');
        if (s[i].style & TEMPLATE_STYLE_BOLD)
            buf_putc(b, 'B');
        if (s[i].style & TEMPLATE_STYLE_ITALIC)
            buf_putc(b, 'I');
        if (s[i].kind == TEMPLATE_SPAN_TEXT)
            buf_printf(b, "\"%s\"", s[i].text);
        else if (s[i].kind == TEMPLATE_SPAN_PLACEHOLDER)
            buf_printf(b, "{{%s}}@%u:%u", s[i].text, s[i].line, s[i].col);
        else
            buf_puts(b, "<br>");
    }
}

/* "KIND level/group @line: spans", form rows indented below their block. */
static char *
dump(const struct template_doc *doc)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < template_n_blocks(doc); i++) {
        const struct template_block *bl = template_block(doc, i);
        buf_puts(&b, kind_names[bl->kind]);
        if (bl->kind == TEMPLATE_BLOCK_HEADING || bl->kind == TEMPLATE_BLOCK_BULLET ||
            bl->kind == TEMPLATE_BLOCK_CHECKBOX)
            buf_printf(&b, "%u", bl->level);
        if (bl->group)
            buf_printf(&b, "/g%u", bl->group);
        if (bl->kind == TEMPLATE_BLOCK_CHECKBOX)
            buf_puts(&b, bl->is_checked ? "[x]" : "[ ]");
        buf_printf(&b, " @%u:", bl->line);
        dump_spans(&b, bl->spans, bl->n_spans);
        buf_putc(&b, '\n');
        for (size_t r = 0; r < bl->n_rows; r++) {
            const struct template_row *row = &bl->rows[r];
            static const char *const   audience[] = {"", "[guardian] ", "[pupil] "};
            buf_printf(&b, "  @%u %s", row->line, audience[row->audience]);
            for (size_t f = 0; f < row->n_fields; f++) {
                buf_printf(&b, "%s%s", f ? " | " : "", row->fields[f].caption);
                if (row->fields[f].value) {
                    buf_putc(&b, ':');
                    dump_spans(&b, row->fields[f].value, row->fields[f].n_value);
                }
            }
            buf_putc(&b, '\n');
        }
    }
    return buf_detach(&b);
}

static char *
format_diags(struct diags *d)
{
    struct buf b;
    buf_init(&b);
    diags_sort(d);
    diags_format(d, &b);
    return buf_detach(&b);
}

/* Parses text as "t.md"; the doc may be NULL. Fills *out_diags with the formatted diagnostics. */
static struct template_doc *
parse(const char *text, char **out_diags)
{
    struct diags         d = {0};
    struct template_doc *doc = template_parse(text, strlen(text), "t.md", &d);
    *out_diags = format_diags(&d);
    diags_fini(&d);
    return doc;
}

/* Parses text that must give no diagnostics, and compares the dump. */
static void
assert_blocks(const char *text, const char *expected)
{
    char                *diags;
    struct template_doc *doc = parse(text, &diags);
    assert_string_equal(diags, "");
    assert_non_null(doc);
    char *got = dump(doc);
    assert_string_equal(got, expected);
    free(got);
    free(diags);
    template_free(doc);
}

/* Parses text and compares only the diagnostics. */
static void
assert_diags(const char *text, const char *expected)
{
    char                *diags;
    struct template_doc *doc = parse(text, &diags);
    assert_string_equal(diags, expected);
    free(diags);
    template_free(doc);
}

/* ---- blocks ---- */

static void
test_template_reads_each_block_kind(void **state)
{
    (void)state;
    assert_blocks("# Titel\n"
                  "\n"
                  "Ein Absatz.\n"
                  "\n"
                  "## Abschnitt\n"
                  "\n"
                  "- eins\n"
                  "- zwei\n"
                  "  - tiefer\n"
                  "- drei\n"
                  "\n"
                  "---\n"
                  "\n"
                  "- [ ] Ja\n"
                  "- [x] Nein\n",
                  "H1 @1: \"Titel\"\n"
                  "P @3: \"Ein Absatz.\"\n"
                  "H2 @5: \"Abschnitt\"\n"
                  "BULLET1/g1 @7: \"eins\"\n"
                  "BULLET1/g1 @8: \"zwei\"\n"
                  "BULLET2/g2 @9: \"tiefer\"\n"
                  "BULLET1/g1 @10: \"drei\"\n"
                  "RULE @12:\n"
                  "CHECKBOX1/g3[ ] @14: \"Ja\"\n"
                  "CHECKBOX1/g3[x] @15: \"Nein\"\n");
}

static void
test_template_gives_each_list_its_own_group(void **state)
{
    (void)state;
    assert_blocks("- a\n"
                  "- b\n"
                  "\n"
                  "Zwischen.\n"
                  "\n"
                  "- c\n",
                  "BULLET1/g1 @1: \"a\"\n"
                  "BULLET1/g1 @2: \"b\"\n"
                  "P @4: \"Zwischen.\"\n"
                  "BULLET1/g2 @6: \"c\"\n");
}

static void
test_template_reads_loose_list_items_like_tight_ones(void **state)
{
    (void)state;
    assert_blocks("- erstens\n"
                  "\n"
                  "- zweitens\n"
                  "\n"
                  "  noch mehr\n",
                  "BULLET1/g1 @1: \"erstens\"\n"
                  "BULLET1/g1 @3: \"zweitens\" <br> \"noch mehr\"\n");
}

static void
test_template_keeps_bold_and_italic_as_styles(void **state)
{
    (void)state;
    assert_blocks("Ein **fetter** und *kursiver* und ***beides*** Text.\n",
                  "P @1: \"Ein \" B\"fetter\" \" und \" I\"kursiver\" \" und \" BI\"beides\" \" Text.\"\n");
}

static void
test_template_turns_soft_breaks_into_spaces_and_keeps_hard_breaks(void **state)
{
    (void)state;
    assert_blocks("eins\nzwei  \ndrei\\\nvier\n", "P @1: \"eins zwei\" <br> \"drei\" <br> \"vier\"\n");
}

static void
test_template_prints_raw_html_as_text(void **state)
{
    (void)state;
    assert_blocks("<b>fett</b> {{pupil.last_name}}\n\n<div>\n",
                  "P @1: \"<b>fett</b> \" {{pupil.last_name}}@1:13\n"
                  "P @3: \"<div>\"\n");
}

static void
test_template_prints_links_quotes_and_code_as_plain_text(void **state)
{
    (void)state;
    assert_blocks("Siehe [die Website](https://example.org) und `Code`.\n"
                  "\n"
                  "> Zitat\n"
                  "\n"
                  "    eingerückt\n",
                  "P @1: \"Siehe die Website und Code.\"\n"
                  "P @3: \"Zitat\"\n"
                  "P @5: \"eingerückt\"\n");
}

static void
test_template_reads_only_len_bytes_of_unterminated_link(void **state)
{
    (void)state;
    /* md4c 0.4.8 read the ")" after the end of this input and handed on a negative size */
    const char           text[] = "x [a](b)))";
    struct diags         d = {0};
    struct template_doc *doc = template_parse(text, 7, "t.md", &d);
    assert_int_equal(d.n, 0);
    assert_non_null(doc);
    char *got = dump(doc);
    assert_string_equal(got, "P @1: \"x [a](b\"\n");
    free(got);
    template_free(doc);
}

static void
test_template_skips_placeholders_in_link_addresses(void **state)
{
    (void)state;
    /* the pre-scan sees the one in the address, md4c's text does not: the next one keeps its own column */
    assert_blocks("[Seite](https://x/{{school.name}}) {{pupil.age}}\n",
                  "P @1: \"Seite \" {{pupil.age}}@1:36\n");
}

static void
test_template_decodes_entities(void **state)
{
    (void)state;
    assert_blocks("A &amp; B &auml; &#8222;x&#x201C; &unbekannt;\n", "P @1: \"A & B ä „x“ &unbekannt;\"\n");
}

static void
test_template_rejects_numbered_lists_and_images(void **state)
{
    (void)state;
    assert_diags(
        "1. eins\n2. zwei\n\n![Logo](logo.png)\n",
        "t.md:1: error: numbered lists are not supported: write \"- \" bullets, or \"1\\.\" to keep a "
        "number as text\n"
        "t.md:4: error: images cannot be printed from the template: the school logo comes from the "
        "config (school.logo)\n");
}

/* ---- placeholders ---- */

static void
test_template_counts_placeholder_columns_in_characters(void **state)
{
    (void)state;
    assert_blocks("Grüße an {{pupil.first_name}} aus {{ school.name }}.\n"
                  "\n"
                  "ÄÖÜ: {{form.date}}\n",
                  "P @1: \"Grüße an \" {{pupil.first_name}}@1:10 \" aus \" {{school.name}}@1:35 \".\"\n"
                  "P @3: \"ÄÖÜ: \" {{form.date}}@3:6\n");
}

static void
test_template_finds_placeholders_split_across_md4c_callbacks(void **state)
{
    (void)state;
    /* md4c hands the entity, and the text around it, on in separate calls */
    assert_blocks("A&amp;{{pupil.first_name}}&amp;B {{pupil.Interne ID-Nummer}}\n",
                  "P @1: \"A&\" {{pupil.first_name}}@1:7 \"&B \" {{pupil.Interne ID-Nummer}}@1:34\n");
}

static void
test_template_gives_placeholder_in_bold_a_bold_span(void **state)
{
    (void)state;
    assert_blocks("Name: **{{pupil.last_name}}**, *{{pupil.first_name}}*\n",
                  "P @1: \"Name: \" B{{pupil.last_name}}@1:9 \", \" I{{pupil.first_name}}@1:33\n");
}

static void
test_template_keeps_placeholder_positions_across_lines_and_blocks(void **state)
{
    (void)state;
    assert_blocks("# Für {{pupil.first_name}}\n"
                  "\n"
                  "- Klasse {{pupil.class}}\n"
                  "- [ ] {{form.platform}} nutzen\n"
                  "\n"
                  "erste Zeile\n"
                  "  zweite {{pupil.age}}\n",
                  "H1 @1: \"Für \" {{pupil.first_name}}@1:7\n"
                  "BULLET1/g1 @3: \"Klasse \" {{pupil.class}}@3:10\n"
                  "CHECKBOX1/g1[ ] @4: {{form.platform}}@4:7 \" nutzen\"\n"
                  "P @6: \"erste Zeile zweite \" {{pupil.age}}@7:10\n");
}

static void
test_template_reports_placeholder_only_partly_styled(void **state)
{
    (void)state;
    assert_diags(
        "Text {{_pupil.age_}} mehr\n",
        "t.md:1:6: error: placeholder \"{{pupil.age}}\" is only partly bold or italic: put the \"**\" or "
        "\"*\" around the whole placeholder\n");
}

static void
test_template_reports_every_unterminated_placeholder(void **state)
{
    (void)state;
    assert_diags("Hallo {{pupil.first_name\n"
                 "\n"
                 "Ä {{a {{pupil.age}} und {{\n",
                 "t.md:1:7: error: unterminated placeholder: \"{{\" has no closing \"}}\"\n"
                 "t.md:3:3: error: unterminated placeholder: \"{{\" has no closing \"}}\"\n"
                 "t.md:3:25: error: unterminated placeholder: \"{{\" has no closing \"}}\"\n");
}

static void
test_template_reports_empty_and_malformed_placeholder_names(void **state)
{
    (void)state;
    assert_diags(
        "Leer {{ }} und {{a+b}}\n",
        "t.md:1:6: error: empty placeholder \"{{}}\": write a name between the braces, such as "
        "\"{{pupil.first_name}}\"\n"
        "t.md:1:16: error: placeholder name \"a+b\" may contain only letters, digits, \".\", \"_\", \"-\" "
        "and spaces\n");
}

/* ---- form blocks ---- */

static void
test_template_reads_pupil_block_rows(void **state)
{
    (void)state;
    assert_blocks("Text\n"
                  "\n"
                  "```pupil\n"
                  "Name: {{pupil.last_name}}, {{pupil.first_name}} | Klasse: {{pupil.class}}\n"
                  "\n"
                  "Telefon\n"
                  "```\n",
                  "P @1: \"Text\"\n"
                  "PUPIL @3:\n"
                  "  @4 Name: {{pupil.last_name}}@4:7 \", \" {{pupil.first_name}}@4:28 | Klasse: "
                  "{{pupil.class}}@4:59\n"
                  "  @6 Telefon\n");
}

static void
test_template_fills_empty_pupil_block_with_default_rows(void **state)
{
    (void)state;
    assert_blocks("Text\n\n```pupil\n```\n",
                  "P @1: \"Text\"\n"
                  "PUPIL @3:\n"
                  "  @3 Name: {{pupil.last_name}}@3:0 | Vorname: {{pupil.first_name}}@3:0\n"
                  "  @3 Geburtsdatum: {{pupil.birth_date}}@3:0 | Klasse: {{pupil.class}}@3:0\n");
}

static void
test_template_reads_signature_rows_with_audience(void **state)
{
    (void)state;
    assert_blocks("~~~signature\n"
                  "[guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
                  "[pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n"
                  "Stempel der Schule\n"
                  "~~~\n",
                  "SIGNATURE @1:\n"
                  "  @2 [guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
                  "  @3 [pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n"
                  "  @4 Stempel der Schule\n");
}

static void
test_template_places_form_block_placeholders_after_others(void **state)
{
    (void)state;
    /* the pre-scan order runs through the fenced block and out again */
    assert_blocks("Vor {{school.name}}\n"
                  "\n"
                  "```pupil\n"
                  "Schule: {{school.name}}\n"
                  "```\n"
                  "\n"
                  "Nach {{school.name}}\n",
                  "P @1: \"Vor \" {{school.name}}@1:5\n"
                  "PUPIL @3:\n"
                  "  @4 Schule: {{school.name}}@4:9\n"
                  "P @7: \"Nach \" {{school.name}}@7:6\n");
}

static void
test_template_reads_the_slip_block(void **state)
{
    (void)state;
    /* The note's lines join with a space; its placeholder keeps its place. */
    assert_blocks("Text.\n\n```slip\nBitte abtrennen und bis {{form.return_by}}\n  an die Klassenleitung "
                  "zurückgeben\n```\n\n```pupil\n```\n",
                  "P @1: \"Text.\"\n"
                  "SLIP @3: \"Bitte abtrennen und bis \" {{form.return_by}}@4:25 \" an die Klassenleitung "
                  "zurückgeben\"\n"
                  "PUPIL @8:\n"
                  "  @8 Name: {{pupil.last_name}}@8:0 | Vorname: {{pupil.first_name}}@8:0\n"
                  "  @8 Geburtsdatum: {{pupil.birth_date}}@8:0 | Klasse: {{pupil.class}}@8:0\n");
    /* Empty, it is the usual note. */
    assert_blocks("Text.\n\n```slip\n```\n", "P @1: \"Text.\"\nSLIP @3: \"" TEMPLATE_SLIP_NOTE "\"\n");
    /* One slip only: everything after the first is the slip already. */
    assert_diags(
        "Text.\n\n```slip\n```\n\n```slip\n```\n",
        "t.md:6:4: error: a second slip block; the first, on line 3, already starts the return slip\n");
}

static void
test_template_reports_unknown_form_block(void **state)
{
    (void)state;
    assert_diags(
        "Text\n\n```xyz\nzeile\n```\n\n```\n```\n",
        "t.md:3:4: error: unknown form block \"xyz\": expected \"pupil\", \"signature\" or \"slip\"\n"
        "t.md:7: error: form block without a name: expected \"pupil\", \"signature\" or \"slip\" after the "
        "\"```\"\n");
}

/* Found by fuzzing: 22 or more fields in a row gave fields of negative width that ran past the margin. */
static void
test_template_refuses_more_than_four_fields_in_a_row(void **state)
{
    (void)state;
    assert_diags("```pupil\n"
                 "A: {{pupil.last_name}} | B: x | C: x | D: x\n"
                 "A | B | C | D | E\n"
                 "```\n",
                 "t.md:3: error: row has 5 fields side by side; at most 4 fit on a line: put the others on "
                 "a new line\n");
}

static void
test_template_reports_unknown_row_mark_and_empty_field(void **state)
{
    (void)state;
    assert_diags(
        "```signature\n"
        "[eltern] Ort, Datum | Unterschrift\n"
        "[pupil] Ort | \n"
        "```\n"
        "\n"
        "```pupil\n"
        "[guardian] Name: {{pupil.last_name}}\n"
        "Klasse {{pupil.class}}: x\n"
        "```\n",
        "t.md:2:1: error: unknown row mark \"[eltern]\": expected \"[guardian]\" or \"[pupil]\"\n"
        "t.md:3:15: error: empty field: expected a caption between the \"|\" signs\n"
        "t.md:7:1: error: row marks such as \"[guardian]\" belong in a signature block, not in the "
        "pupil block\n"
        "t.md:8:8: error: placeholder \"{{pupil.class}}\" cannot be part of a caption: write it after "
        "the \":\" of a pupil field\n");
}

/* ---- front matter, empty input, encoding ---- */

static void
test_template_reads_front_matter(void **state)
{
    (void)state;
    char                *diags;
    struct template_doc *doc = parse("---\n"
                                     "title: Einwilligung Foto\n"
                                     "pupil_signature_from_age: 12\n"
                                     "language: tr\n"
                                     "...\n"
                                     "# Überschrift\n",
                                     &diags);
    assert_string_equal(diags, "");
    assert_non_null(doc);
    const struct config_front_matter *fm = template_front_matter(doc);
    assert_string_equal(fm->title, "Einwilligung Foto");
    assert_int_equal(fm->pupil_signature_from_age, 12);
    assert_int_equal(fm->adult_age, 18);
    assert_string_equal(fm->language, "tr");
    assert_string_equal(template_title(doc), "Einwilligung Foto");
    char *got = dump(doc);
    assert_string_equal(got, "H1 @6: \"Überschrift\"\n");
    free(got);
    free(diags);
    template_free(doc);
}

static void
test_template_reports_front_matter_errors_at_template_lines(void **state)
{
    (void)state;
    assert_diags("---\ntitle: x\nfarbe: rot\n---\nText\n",
                 "t.md:3:1: error: unknown key \"farbe\" in the front matter; allowed keys are title, "
                 "pupil_signature_from_age, adult_age, language\n");
}

static void
test_template_without_front_matter_has_defaults(void **state)
{
    (void)state;
    char                *diags;
    struct template_doc *doc =
        parse("Text **{{pupil.first_name}}** für\n\n## Titel {{pupil.class}}\n", &diags);
    assert_string_equal(diags, "");
    const struct config_front_matter *fm = template_front_matter(doc);
    assert_null(fm->title);
    assert_int_equal(fm->pupil_signature_from_age, 14);
    assert_int_equal(fm->adult_age, 18);
    assert_string_equal(fm->language, "de");
    assert_string_equal(template_title(doc), "Titel {{pupil.class}}");
    assert_string_equal(template_path(doc), "t.md");
    free(diags);
    template_free(doc);

    doc = parse("Nur Text.\n", &diags);
    assert_string_equal(template_title(doc), "Einwilligung");
    free(diags);
    template_free(doc);
}

static void
test_template_reports_unclosed_front_matter(void **state)
{
    (void)state;
    char                *diags;
    struct template_doc *doc = parse("---\ntitle: x\n\nText\n", &diags);
    assert_null(doc);
    assert_string_equal(
        diags, "t.md:1:1: error: front matter is not closed: \"---\" on line 1 has no closing \"---\"\n");
    free(diags);
}

static void
test_template_rejects_template_without_text(void **state)
{
    (void)state;
    const char *const inputs[] = {"", "\n\n   \n", "---\ntitle: x\n---\n", "---\n---\n\n***\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char                *diags;
        struct template_doc *doc = parse(inputs[i], &diags);
        assert_null(doc);
        assert_string_equal(diags, "t.md: error: the template has no text\n");
        free(diags);
    }
}

static void
test_template_reports_invalid_utf8_and_control_characters(void **state)
{
    (void)state;
    char                *diags;
    struct template_doc *doc = parse("Grüße\n"
                                     "Gr\xfc\xdf"
                                     "e aus M\xfcnchen\n"
                                     "ok\x01\n",
                                     &diags);
    assert_null(doc);
    assert_string_equal(
        diags, "t.md:2:3: error: the template is not valid UTF-8 here: save it as UTF-8 in the editor\n"
               "t.md:3:3: error: the template holds an invisible control character (U+0001) here: "
               "delete it\n");
    free(diags);
}

static void
test_template_handles_crlf_and_bom(void **state)
{
    (void)state;
    assert_blocks("\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\n\r\nZeile {{pupil.age}}\r\nweiter\r\n\r\n"
                  "```signature\r\nOrt | Unterschrift\r\n```\r\n",
                  "P @5: \"Zeile \" {{pupil.age}}@5:7 \" weiter\"\n"
                  "SIGNATURE @8:\n"
                  "  @9 Ort | Unterschrift\n");
}

static void
test_template_load_reports_missing_and_oversized_files(void **state)
{
    (void)state;
    struct diags d = {0};
    assert_null(template_load("/nonexistent/vk.md", &d));

    char path[] = "/tmp/test_template_XXXXXX";
    int  fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 1100; i++)
        for (int k = 0; k < 1024; k++)
            fputc(k % 64 ? 'a' : '\n', f);
    fclose(f);
    assert_null(template_load(path, &d));
    unlink(path);

    char *got = format_diags(&d);
    char *expected =
        xasprintf("consentgen: error: cannot read template \"/nonexistent/vk.md\": No such file or "
                  "directory\n"
                  "consentgen: error: cannot read template \"%s\": it is larger than 1 MiB, too "
                  "large for a template\n",
                  path);
    assert_string_equal(got, expected);
    free(got);
    free(expected);
    diags_fini(&d);
}

/* ---- placeholder check ---- */

static void
test_template_check_reports_unknown_placeholders_with_hint(void **state)
{
    (void)state;
    struct config_value values[] = {{"platform", "IServ", 1, 1}, {"return_by", "11.12.2026", 2, 1}};
    struct config       c = {0};
    c.form.values = values;
    c.form.n_values = 2;
    const char *const headers[] = {"Nachname", "Vorname", "Interne ID-Nummer"};

    const char *text =
        "# Für {{pupil.first_name}} {{pupil.last_name}}\n"
        "\n"
        "Über {{form.platform}} bis {{form.return_by}}, {{pupil.interne id-nummer}}, {{pupil.age}},\n"
        "{{school.name}} {{school.address}} {{form.date}} {{pupil.id}} {{pupil.Vorname}}\n"
        "\n"
        "Grüße {{pupil.frist_name}} über {{form.plattform}} und {{ganz.anders}}\n"
        "\n"
        "```pupil\n"
        "Klasse: {{pupil.klase}}\n"
        "```\n";
    struct diags         d = {0};
    struct template_doc *doc = template_parse(text, strlen(text), "vk.md", &d);
    assert_non_null(doc);
    assert_int_equal(d.n, 0);
    assert_false(template_check_placeholders(doc, &c, headers, 3, &d));
    char *got = format_diags(&d);
    assert_string_equal(
        got,
        "vk.md:6:7: error: unknown placeholder \"{{pupil.frist_name}}\"; did you mean "
        "\"{{pupil.first_name}}\"?\n"
        "vk.md:6:33: error: unknown placeholder \"{{form.plattform}}\"; did you mean "
        "\"{{form.platform}}\"?\n"
        "vk.md:6:56: error: unknown placeholder \"{{ganz.anders}}\": expected school.name, "
        "school.address, school.data_protection, form.date, form.KEY for a key of the config's form.values, "
        "pupil.last_name, pupil.first_name, pupil.birth_date, pupil.class, pupil.age, pupil.id, or "
        "pupil.COLUMN for a roster column\n"
        "vk.md:9:9: error: unknown placeholder \"{{pupil.klase}}\"; did you mean "
        "\"{{pupil.class}}\"?\n");
    free(got);
    diags_fini(&d);

    /* without the config's values form.platform is unknown too */
    assert_false(template_check_placeholders(doc, NULL, NULL, 0, &d));
    assert_int_equal(d.n_errors, 8);
    diags_fini(&d);
    template_free(doc);
}

static void
test_template_missing_form_value_points_at_the_config(void **state)
{
    (void)state;
    struct config_value values[] = {{"platform", "IServ", 9, 15}};
    struct config       c = {0};
    c.path = "schule.yaml";
    c.form.values = values;
    c.form.n_values = 1;
    c.values_at = (struct config_pos){8, 3};
    c.form_at = (struct config_pos){5, 1};
    const char          *text = "Bis {{form.rueckgabe}} an {{form.plattform}}.\n";
    struct diags         d = {0};
    struct template_doc *doc = template_parse(text, strlen(text), "vk.md", &d);
    assert_false(template_check_placeholders(doc, &c, NULL, 0, &d));
    char *got = format_diags(&d);
    /* a typo gets its "did you mean"; a value that is not there yet, where to add it */
    assert_string_equal(
        got,
        "vk.md:1:5: error: unknown placeholder \"{{form.rueckgabe}}\": expected school.name, "
        "school.address, school.data_protection, form.date, form.KEY for a key of the config's form.values, "
        "pupil.last_name, pupil.first_name, pupil.birth_date, pupil.class, pupil.age, "
        "pupil.id, or pupil.COLUMN for a roster column\n"
        "schule.yaml:8:3: note: {{form.rueckgabe}} takes its text from the config: add a line "
        "\"rueckgabe: ...\" under form.values\n"
        "vk.md:1:27: error: unknown placeholder \"{{form.plattform}}\"; did you mean "
        "\"{{form.platform}}\"?\n");
    free(got);
    /* no form.values yet: the note points at form: */
    c.values_at = (struct config_pos){0, 0};
    assert_false(template_check_placeholders(doc, &c, NULL, 0, &d));
    got = format_diags(&d);
    assert_non_null(strstr(got, "schule.yaml:5:1: note: {{form.rueckgabe}} takes its text"));
    free(got);
    diags_fini(&d);
    template_free(doc);
}

static void
test_template_refuses_documents_spreadsheets_pdf_and_utf16(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        size_t      len;
        const char *expected;
    } cases[] = {
        {"PK\x03\x04\0\0word/document.xml", 22,
         "t.md: error: this is a text document (Word or LibreOffice Writer), not a Markdown text: copy the "
         "text "
         "into a plain text editor (Windows: Editor) and save it as a .md file (see docs/template.md)\n"},
        {"{\\rtf1\\ansi Einwilligung}", 25,
         "t.md: error: this is a text document (Word or LibreOffice Writer), not a Markdown text: copy the "
         "text "
         "into a plain text editor (Windows: Editor) and save it as a .md file (see docs/template.md)\n"},
        {"PK\x03\x04\0\0xl/workbook.xml", 20,
         "t.md: error: this is a spreadsheet (Excel or LibreOffice Calc), not a form text: form.template "
         "must "
         "name a Markdown text file (.md)\n"},
        {"%PDF-1.5\n", 9,
         "t.md: error: this is a PDF file, not a Markdown text: form.template must name a .md file such as "
         "templates/videokonferenz-iserv.md\n"},
        {"\xFF\xFE#\0 \0T\0", 8,
         "t.md: error: the template is saved as UTF-16 (\"Unicode\"); save it as UTF-8 in the "
         "editor\n"},
        {"\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16,
         "t.md: error: this is not a text file (perhaps an image or an archive): form.template must name a "
         "Markdown text file (.md)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diags d = {0};
        assert_null(template_parse(cases[i].data, cases[i].len, "t.md", &d));
        char *got = format_diags(&d);
        assert_string_equal(got, cases[i].expected);
        free(got);
        diags_fini(&d);
    }
}

/* ---- the shipped template ---- */

/* The school's text (seed), its PDF lines joined into paragraphs; only the platform and authority vary. */
static const char *const seed_paragraphs[] = {
    "Zur Ergänzung des Distanzunterrichts und als weitere Möglichkeit der Kontaktpflege beabsichtigen wir "
    "die "
    "Durchführung freiwilliger Videokonferenzen. Hierfür wird die landesweit genutzte Plattform für "
    "Bildungsmedien I-SERV genutzt. Das Verfahren und die Serverstandorte entsprechen der "
    "Datenschutz-Grundverordnung (DSGVO).",
    "Für die Durchführung der Videokonferenzen ist eine Einwilligung aller Teilnehmenden erforderlich. Bevor "
    "Sie "
    "diese erteilen, möchten wir Sie auf folgende Risiken hinweisen, die wir nach bestem Wissen und Gewissen "
    "minimieren möchten.",
    "Öffnen des privaten Lebensbereichs durch Live-Audio und Videoübertragung",
    "Durch die Ton- und Bildübertragung teilen die Teilnehmenden Ausschnitte aus ihrem privaten bzw. "
    "familiären "
    "Lebensraum mit. Dies gilt es bei der Auswahl des Ortes und der Kameraausrichtung zu berücksichtigen. "
    "Das "
    "Einschalten des Mikrofones bzw. der Kamera ist stets freiwillig.",
    "Aufzeichnung von Online-Meetings",
    "Die Möglichkeit der Aufzeichnung wurde im verwendeten Tool deaktiviert. Das Aufzeichnen von der "
    "Videomeetings, z.B. durch das Abfilmen des Bildschirms mit einem Smartphone, ist generell untersagt und "
    "sogar strafbar.",
    "Folgende Daten werden bei der Teilnahme an einer Videokonferenz verarbeitet:",
    "Internetseitenzugriffe werden mit Datum/Uhrzeit, IP-Adresse und Browserkennung in den Log-Dateien "
    "gespeichert.",
    "Für die Dauer der Videokonferenz wird eine Teilnehmer-ID erzeugt, durch die jeder Teilnehmer für das "
    "System "
    "und für die anderen Teilnehmenden identifiziert werden kann.",
    "Sofern eine Kamera eingeschaltet ist, wird alles, was sich im Sichtfeld der verwendeten Kamera "
    "befindet, an "
    "alle Teilnehmer der Videokonferenz übertragen, jedoch nicht auf dem Server gespeichert.",
    "Wenn ein Mikrofon eingeschaltet ist, werden alle Geräusche (Sprache und Hintergrundgeräusche), die das "
    "Mikrofon erfasst, an alle Teilnehmer übertragen, jedoch nicht auf dem Server gespeichert.",
    "Alle Texte, die in einen Chat eingegeben werden, werden an die jeweiligen Empfänger übertragen und für "
    "die "
    "Dauer des Meetings auf dem Server zwischengespeichert.",
    "Alle Inhalte (Dateien, Bildschirmdarstellungen), die geteilt werden, werden an alle Teilnehmer "
    "übertragen "
    "und nicht auf dem Server gespeichert.",
    "Nach Beendigung der Videokonferenz werden alle vorgenannten Daten außer den verpflichtend zu "
    "speichernden "
    "Log-Dateien gelöscht.",
    "Diese Einwilligung ist freiwillig. Aus einer Nichterteilung oder einem Widerruf einer Einwilligung "
    "entstehen keine Nachteile für die Teilhabe am schulischen Lernen.",
    "Diese Einwilligung kann für die Zukunft jederzeit widerrufen werden. Durch den Widerruf der "
    "Einwilligung "
    "wird die Rechtmäßigkeit der aufgrund der Einwilligung bis zum Widerruf erfolgten Verarbeitung nicht "
    "berührt. Soweit die Einwilligung nicht widerrufen wird, gilt sie für die Dauer der Schulzugehörigkeit.",
    "Grundsätzlich besteht gegenüber der Schule ein Recht auf Auskunft über Ihre personenbezogenen Daten, "
    "ferner "
    "haben Sie ein Recht auf Berichtigung, Löschung oder Einschränkung, ein Widerspruchsrecht gegen die "
    "Verarbeitung und ein Recht auf Datenübertragbarkeit. Zudem steht Ihnen ein Beschwerderecht bei der "
    "Landesbeauftragten für den Datenschutz und die Informationsfreiheit Nordrhein-Westfalen zu.",
    "Hiermit willige ich / willigen wir in die Teilnahme an Videokonferenzen zur Unterstützung des "
    "Unterrichtes "
    "ein:",
    "Ja",
    "Nein",
};

/* A block's text with the seed's platform and authority put in for the placeholders. */
static char *
seed_text(const struct template_block *b)
{
    struct buf t;
    buf_init(&t);
    buf_puts(&t, "");
    for (size_t i = 0; i < b->n_spans; i++) {
        const struct template_span *s = &b->spans[i];
        if (s->kind == TEMPLATE_SPAN_TEXT)
            buf_puts(&t, s->text);
        else if (s->kind == TEMPLATE_SPAN_BREAK)
            buf_putc(&t, '\n');
        else if (strcmp(s->text, "form.platform") == 0)
            buf_puts(&t, "I-SERV");
        else if (strcmp(s->text, "form.authority") == 0)
            buf_puts(
                &t,
                "Landesbeauftragten für den Datenschutz und die Informationsfreiheit Nordrhein-Westfalen");
        else
            buf_printf(&t, "{{%s}}", s->text);
    }
    return buf_detach(&t);
}

static void
test_template_shipped_text_is_the_schools_word_for_word(void **state)
{
    (void)state;
    struct diags         d = {0};
    struct template_doc *doc = template_load(SOURCE_DIR "/templates/videokonferenz-iserv.md", &d);
    char                *got = format_diags(&d);
    assert_string_equal(got, "");
    free(got);
    assert_non_null(doc);

    /*
     * Every text block of the template, in order, is a paragraph of the seed, except consentgen's own
     * additions: the contact for data protection, the slip block (its return note) and the pupil block that
     * the slip puts first. The signature block ends the form.
     */
    size_t n_seed = sizeof seed_paragraphs / sizeof seed_paragraphs[0], k = 0, n_added = 0;
    size_t n = template_n_blocks(doc);
    for (size_t i = 0; i + 1 < n; i++) {
        const struct template_block *b = template_block(doc, i);
        char                        *text = seed_text(b);
        if (b->kind == TEMPLATE_BLOCK_SLIP) {
            assert_string_equal(
                text, "Bitte abtrennen und bis {{form.return_by}} an die Klassenleitung zurückgeben");
            n_added++;
        } else if (b->kind == TEMPLATE_BLOCK_PUPIL) {
            assert_int_equal(template_block(doc, i - 1)->kind, TEMPLATE_BLOCK_SLIP); /* the pupil first */
            n_added++;
        } else if (strstr(text, "{{school.data_protection}}")) {
            assert_string_equal(
                text, "Ansprechperson für den Datenschutz an unserer Schule: {{school.data_protection}}");
            n_added++;
        } else {
            assert_true(k < n_seed);
            assert_string_equal(text, seed_paragraphs[k++]);
        }
        free(text);
    }
    assert_int_equal(k, n_seed);
    assert_int_equal(n_added, 3);
    assert_int_equal(template_block(doc, n - 1)->kind, TEMPLATE_BLOCK_SIGNATURE);

    /* structure: two section headings, one bullet list, one Ja/Nein list, the form rows */
    char *all = dump(doc);
    assert_non_null(strstr(all, "H2 @16: \"Öffnen des privaten Lebensbereichs"));
    assert_non_null(strstr(all, "H2 @23: \"Aufzeichnung von Online-Meetings\""));
    assert_non_null(strstr(all, "BULLET1/g1 @31: \"Internetseitenzugriffe"));
    assert_non_null(strstr(all, "BULLET1/g1 @47: \"Nach Beendigung"));
    assert_non_null(strstr(all, "CHECKBOX1/g2[ ] @76: \"Ja\"\nCHECKBOX1/g2[ ] @77: \"Nein\"\n"));
    assert_non_null(strstr(all,
                           "SLIP @66: \"Bitte abtrennen und bis \" {{form.return_by}}@67:25 \" an die "
                           "Klassenleitung zurückgeben\"\n"
                           "PUPIL @70:\n"
                           "  @70 Name: {{pupil.last_name}}@70:0 | Vorname: {{pupil.first_name}}@70:0\n"
                           "  @70 Geburtsdatum: {{pupil.birth_date}}@70:0 | Klasse: {{pupil.class}}@70:0\n"));
    assert_non_null(strstr(all, "SIGNATURE @79:\n"
                                "  @80 [guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
                                "  @81 [pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n"));
    assert_non_null(strstr(all, "{{form.platform}}@9:50"));
    assert_non_null(strstr(all, "{{form.authority}}@62:1"));
    assert_non_null(strstr(all, "{{school.data_protection}}@64:55"));
    free(all);

    const struct config_front_matter *fm = template_front_matter(doc);
    assert_string_equal(template_title(doc), "Einwilligung in die Teilnahme an Videokonferenzen");
    assert_int_equal(fm->pupil_signature_from_age, 14);
    assert_int_equal(fm->adult_age, 18);

    struct config_value values[] = {{"platform", "IServ", 0, 0},
                                    {"authority", "Landesbeauftragten", 0, 0},
                                    {"return_by", "11.12.2026", 0, 0}};
    struct config       c = {0};
    c.form.values = values;
    c.form.n_values = 3;
    c.school.data_protection = "Datenschutzbeauftragte Frau M. Beispiel, datenschutz@schule.example";
    assert_true(template_check_placeholders(doc, &c, NULL, 0, &d));
    assert_int_equal(d.n, 0);
    diags_fini(&d);
    template_free(doc);
}

/* ---- structure of a translation ---- */

static const char german_form[] = "---\n"
                                  "title: Einwilligung\n"
                                  "---\n"
                                  "Text mit {{form.platform}}.\n"
                                  "\n"
                                  "## Abschnitt\n"
                                  "\n"
                                  "Beschwerde bei der {{form.authority}}.\n"
                                  "\n"
                                  "- [ ] Ja\n"
                                  "- [ ] Nein\n"
                                  "\n"
                                  "```signature\n"
                                  "[guardian] Ort, Datum | Unterschrift der Erziehungsberechtigten\n"
                                  "[pupil] Ort, Datum | Unterschrift der Schülerin / des Schülers\n"
                                  "```\n"
                                  "\n"
                                  "```pupil\n"
                                  "```\n"
                                  "\n"
                                  "Bis zum {{form.return_by}} zurück.\n";

/* The German form above with its pupil block written out and every text in English. */
#define EN_FRONT "---\ntitle: Consent\nlanguage: en\n---\n"
#define EN_INTRO "Text with {{form.platform}}.\n\n"
#define EN_SECTION "## Section\n\nComplaint to the commissioner ({{form.authority}}).\n\n"
#define EN_BOXES "- [ ] Yes (Ja)\n- [ ] No (Nein)\n\n"
#define EN_SIGNATURE                                                                                         \
    "```signature\n[guardian] Place, date | Signature of the parents\n[pupil] Place, date | Signature of "   \
    "the "                                                                                                   \
    "pupil\n```\n\n"
#define EN_PUPIL                                                                                             \
    "```pupil\nLast name: {{pupil.last_name}} | First name: {{pupil.first_name}}\nDate of birth: "           \
    "{{pupil.birth_date}} | Class: {{pupil.class}}\n```\n\n"
#define EN_RETURN "Return by {{form.return_by}}.\n"
/* Parts changed by the tests */
#define EN_SECTION_WITHOUT_AUTHORITY "## Section\n\nComplaint to the commissioner.\n\n"
#define EN_THREE_BOXES "- [ ] Yes (Ja)\n- [ ] No (Nein)\n- [ ] Maybe\n\n"
#define EN_SIGNATURE_ONE_ROW "```signature\nPlace, date | Signature of the parents | Stamp\n```\n\n"

/* Parses both texts (which must parse cleanly) and returns the formatted result of the check. */
static char *
check_translation(const char *german, const char *translation)
{
    char                *diags_g, *diags_t;
    struct template_doc *g = parse(german, &diags_g), *t = parse(translation, &diags_t);
    assert_string_equal(diags_g, "");
    assert_string_equal(diags_t, "");
    assert_non_null(g);
    assert_non_null(t);
    struct diags d = {0};
    /* the German text as "de.md", so messages tell the two apart */
    struct template_doc *g_named = template_parse(german, strlen(german), "de.md", &d);
    bool                 ok = template_check_translation(g_named, t, &d);
    char                *got = format_diags(&d);
    assert_int_equal(ok, *got == '\0');
    diags_fini(&d);
    template_free(g_named);
    template_free(g);
    template_free(t);
    free(diags_g);
    free(diags_t);
    return got;
}

static void
assert_translation_diags(const char *translation, const char *expected)
{
    char *got = check_translation(german_form, translation);
    assert_string_equal(got, expected);
    free(got);
}

static void
test_template_translation_with_the_same_structure_passes(void **state)
{
    (void)state;
    assert_translation_diags(EN_FRONT EN_INTRO EN_SECTION EN_BOXES EN_SIGNATURE EN_PUPIL EN_RETURN, "");
    /* more paragraphs, bullets and placeholders in another order are free */
    assert_translation_diags(EN_FRONT "Note.\n\n- a\n- b\n\nReturn by {{form.return_by}}, with "
                                      "{{form.platform}}.\n\n" EN_SECTION EN_BOXES EN_SIGNATURE EN_PUPIL,
                             "");
}

static void
test_template_translation_reports_missing_extra_and_recounted_placeholders(void **state)
{
    (void)state;
    /* {{form.authority}} dropped: reported where its section starts */
    assert_translation_diags(
        EN_FRONT EN_INTRO EN_SECTION_WITHOUT_AUTHORITY EN_BOXES EN_SIGNATURE EN_PUPIL EN_RETURN,
        "t.md:7: error: placeholder \"{{form.authority}}\" of the German template (line 8) "
        "is missing in the translation\n");
    /* a name the German text does not use */
    assert_translation_diags(
        EN_FRONT "Text with {{form.platform}} and {{school.name}}.\n\n" EN_SECTION EN_BOXES EN_SIGNATURE
            EN_PUPIL EN_RETURN,
        "t.md:5:33: error: placeholder \"{{school.name}}\" is not in the German template "
        "\"de.md\"\n");
    /* used twice instead of once: at the second use */
    assert_translation_diags(EN_FRONT
                             "Text with {{form.platform}}, {{form.platform}}.\n\n" EN_SECTION EN_BOXES
                                 EN_SIGNATURE EN_PUPIL EN_RETURN,
                             "t.md:5:30: error: the number of uses of placeholder \"{{form.platform}}\" "
                             "differs: 2 here, 1 in the German template \"de.md\"\n");
    /* the pupil block written out without the class */
    assert_translation_diags(
        EN_FRONT EN_INTRO EN_SECTION EN_BOXES EN_SIGNATURE
        "```pupil\nLast name: {{pupil.last_name}} | First name: {{pupil.first_name}}\nDate of birth: "
        "{{pupil.birth_date}} | Class\n```\n\n" EN_RETURN,
        "t.md:7: error: placeholder \"{{pupil.class}}\" of the German template (line 18) is missing in the "
        "translation\n");
}

static void
test_template_translation_reports_form_blocks_that_differ(void **state)
{
    (void)state;
    /* no signature block */
    assert_translation_diags(
        EN_FRONT EN_INTRO EN_SECTION EN_BOXES EN_PUPIL EN_RETURN,
        "t.md: error: the pupil block of the German template (line 18) is missing in the "
        "translation\n"
        "t.md:14: error: form block 1 is a pupil block here but a signature block in the "
        "German template (line 13)\n");
    /* one block too many */
    assert_translation_diags(
        EN_FRONT EN_INTRO EN_SECTION EN_BOXES EN_SIGNATURE EN_PUPIL EN_RETURN
        "\n```signature\nPlace, date\n```\n",
        "t.md:26: error: form block 3 (signature) has no counterpart in the German template \"de.md\"\n");
    /* the pupil's row dropped, the parents' row without its mark and with a third field */
    assert_translation_diags(EN_FRONT EN_INTRO EN_SECTION EN_BOXES EN_SIGNATURE_ONE_ROW EN_PUPIL EN_RETURN,
                             "t.md:14: error: the signature block has a different number of rows: 1 here, 2 "
                             "in the German template (line 13)\n"
                             "t.md:15: error: row 1 of the signature block has a different number of fields: "
                             "3 here, 2 in the German template (line 14)\n"
                             "t.md:15: error: row 1 of the signature block has no row mark here but "
                             "\"[guardian]\" in the German template (line 14)\n");
    /* the marks swapped */
    assert_translation_diags(
        EN_FRONT EN_INTRO EN_SECTION EN_BOXES
        "```signature\n[pupil] Place, date | Signature of the pupil\n[guardian] Place, date | "
        "Signature of the parents\n```\n\n" EN_PUPIL EN_RETURN,
        "t.md:15: error: row 1 of the signature block has the row mark \"[pupil]\" here "
        "but \"[guardian]\" in the German template (line 14)\n"
        "t.md:16: error: row 2 of the signature block has the row mark \"[guardian]\" here "
        "but \"[pupil]\" in the German template (line 15)\n");
}

static void
test_template_translation_reports_row_mark_where_german_has_none(void **state)
{
    (void)state;
    char *got = check_translation("Text.\n\n```signature\nOrt, Datum | Unterschrift\n```\n",
                                  "Text.\n\n```signature\n[pupil] Place, date | Signature\n```\n");
    assert_string_equal(got, "t.md:4: error: row 1 of the signature block has the row mark \"[pupil]\" here "
                             "but none in the German template (line 4)\n");
    free(got);
}

static void
test_template_translation_reports_headings_that_differ(void **state)
{
    (void)state;
    /* the section heading as a paragraph: missing */
    assert_translation_diags(
        EN_FRONT EN_INTRO
        "Section\n\nComplaint to the commissioner ({{form.authority}}).\n\n" EN_BOXES EN_SIGNATURE EN_PUPIL
            EN_RETURN,
        "t.md: error: heading 1 of the German template (line 6, level 2) is missing in the "
        "translation\n");
    /* of another level */
    assert_translation_diags(
        EN_FRONT EN_INTRO "### Section\n\nComplaint to the commissioner "
                          "({{form.authority}}).\n\n" EN_BOXES EN_SIGNATURE EN_PUPIL EN_RETURN,
        "t.md:7: error: heading 1 has level 3 here but level 2 in the German template (line "
        "6)\n");
    /* one more */
    assert_translation_diags(
        EN_FRONT "# Consent\n\n" EN_INTRO EN_SECTION EN_BOXES EN_SIGNATURE EN_PUPIL EN_RETURN,
        "t.md:5: error: heading 1 has level 1 here but level 2 in the German template (line "
        "6)\n"
        "t.md:9: error: heading 2 has no counterpart in the German template \"de.md\"\n");
}

static void
test_template_translation_reports_check_boxes_that_differ(void **state)
{
    (void)state;
    assert_translation_diags(
        EN_FRONT EN_INTRO EN_SECTION EN_THREE_BOXES EN_SIGNATURE EN_PUPIL EN_RETURN,
        "t.md:11: error: the number of check boxes differs: 3 here, 2 in the German template \"de.md\"\n");
    assert_translation_diags(
        EN_FRONT EN_INTRO EN_SECTION "Yes (Ja) / No (Nein)\n\n" EN_SIGNATURE EN_PUPIL EN_RETURN,
        "t.md: error: the number of check boxes differs: 0 here, 2 in the German template \"de.md\"\n");
}

/* How many blocks of doc are of the kind. */
static size_t
count_blocks(const struct template_doc *doc, enum template_block_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < template_n_blocks(doc); i++)
        n += template_block(doc, i)->kind == kind;
    return n;
}

static char *
block_text(const struct template_block *b)
{
    struct buf t;
    buf_init(&t);
    for (size_t k = 0; k < b->n_spans; k++) {
        if (b->spans[k].kind == TEMPLATE_SPAN_TEXT)
            buf_puts(&t, b->spans[k].text);
        else if (b->spans[k].kind == TEMPLATE_SPAN_PLACEHOLDER)
            buf_printf(&t, "{{%s}}", b->spans[k].text);
    }
    return buf_detach(&t);
}

/* Checks one shipped translation against the German form and the rules for a translation's text. */
static void
check_shipped_translation(const struct template_doc *german, const char *path, const struct config *c)
{
    struct diags         d = {0};
    struct template_doc *t = template_load(path, &d);
    if (t) {
        template_check_translation(german, t, &d);
        template_check_placeholders(t, c, NULL, 0, &d);
    }
    char *got = format_diags(&d);
    if (!t || *got)
        fail_msg("%s:\n%s", path, got);
    free(got);
    diags_fini(&d);

    /* "videokonferenz-iserv.tr.md" says "language: tr" */
    const char *dot = strrchr(path, '.');
    assert_true(dot - path > 3);
    assert_memory_equal(template_front_matter(t)->language, dot - 2, 2);
    assert_string_not_equal(template_front_matter(t)->language, "de");
    assert_string_not_equal(template_title(t), template_title(german));

    /* The outline of the German text, plus the note at the top (two paragraphs, German first), the
     * sentence before the check boxes and the return note (a paragraph here: a translation has no slip):
     * a paragraph or a bullet left out would show here. */
    assert_int_equal(count_blocks(t, TEMPLATE_BLOCK_PARAGRAPH),
                     count_blocks(german, TEMPLATE_BLOCK_PARAGRAPH) + 4);
    assert_int_equal(count_blocks(t, TEMPLATE_BLOCK_SLIP), 0);
    assert_int_equal(count_blocks(t, TEMPLATE_BLOCK_BULLET), count_blocks(german, TEMPLATE_BLOCK_BULLET));
    char *note = block_text(template_block(t, 0));
    assert_string_equal(note, "Übersetzung – nur zur Information. Maßgeblich ist der deutsche Text.");
    free(note);
    size_t k = 0;
    while (k < template_n_blocks(t) && template_block(t, k)->kind != TEMPLATE_BLOCK_CHECKBOX)
        k++;
    assert_true(k > 0 && k < template_n_blocks(t));
    char *mark = block_text(template_block(t, k - 1));
    if (!strstr(mark, "(Bitte kreuzen Sie auf dem deutschen Formular an.)"))
        fail_msg("%s: the paragraph before the check boxes is \"%s\"", path, mark);
    free(mark);
    template_free(t);
}

static void
test_template_shipped_translations_match_the_german_form(void **state)
{
    (void)state;
    struct diags         d = {0};
    struct template_doc *german = template_load(SOURCE_DIR "/templates/videokonferenz-iserv.md", &d);
    assert_non_null(german);
    assert_int_equal(d.n, 0);
    assert_string_equal(template_front_matter(german)->language, "de");
    struct config_value values[] = {{"platform", "IServ", 0, 0},
                                    {"authority", "Landesbeauftragten", 0, 0},
                                    {"return_by", "11.12.2026", 0, 0}};
    struct config       c = {0};
    c.form.values = values;
    c.form.n_values = 3;
    c.school.data_protection = "Datenschutzbeauftragte Frau M. Beispiel, datenschutz@schule.example";

    /* every translation in the folder, and at least the six the documentation names */
    glob_t found;
    assert_int_equal(glob(SOURCE_DIR "/templates/videokonferenz-iserv.*.md", 0, NULL, &found), 0);
    static const char *const languages[] = {"ar", "en", "fa", "ru", "tr", "uk"};
    for (size_t i = 0; i < sizeof languages / sizeof languages[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "/videokonferenz-iserv.%s.md", languages[i]);
        bool is_there = false;
        for (size_t k = 0; k < found.gl_pathc; k++)
            is_there = is_there || strstr(found.gl_pathv[k], name) != NULL;
        if (!is_there)
            fail_msg("templates%s is missing", name);
    }
    for (size_t k = 0; k < found.gl_pathc; k++)
        check_shipped_translation(german, found.gl_pathv[k], &c);
    globfree(&found);
    template_free(german);
}

static void
test_template_free_accepts_null(void **state)
{
    (void)state;
    template_free(NULL);
}

/* ---- found by fuzzing ---- */

static double
cpu_seconds(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

/*
 * Each placeholder's column was counted from the start of its line, so 100,000 placeholders on one line
 * (1 MB, the template size limit) took minutes. Counting on from the previous one is linear: well under
 * a second of CPU even with sanitizers.
 */
static void
test_template_counts_columns_of_100000_placeholders_on_one_line_in_linear_time(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 100000; i++)
        buf_puts(&b, "{{a}} ");
    double               t0 = cpu_seconds();
    char                *diags;
    struct template_doc *doc = parse(b.data, &diags);
    double               used = cpu_seconds() - t0;
    assert_string_equal(diags, "");
    assert_int_equal(template_n_blocks(doc), 1);
    const struct template_block *bl = template_block(doc, 0);
    assert_int_equal(bl->n_spans, 2 * 100000 - 1); /* placeholder, " ", placeholder ... */
    assert_int_equal(bl->spans[bl->n_spans - 1].col, 6 * 99999 + 1);
    assert_true(used < 5.0);
    free(diags);
    template_free(doc);
    buf_fini(&b);
}

/* The same for the fields of a form block row: each field's column was counted from the row's start. */
static void
test_template_counts_columns_of_a_100000_field_row_in_linear_time(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "```signature\n");
    for (int i = 0; i < 100000; i++)
        buf_puts(&b, i ? "| Ort " : "Ort ");
    buf_puts(&b, "| \n```\n");
    double               t0 = cpu_seconds();
    char                *diags;
    struct template_doc *doc = parse(b.data, &diags);
    double               used = cpu_seconds() - t0;
    /* the empty last field is reported at its character column, after the line's last blank */
    assert_string_equal(diags,
                        "t.md:2:600001: error: empty field: expected a caption between the \"|\" signs\n");
    assert_true(used < 5.0);
    free(diags);
    template_free(doc);
    buf_fini(&b);
}

/*
 * A placeholder md4c hands on (here written with entities, "&#123;&#123;a}}") that has no raw "{{a}}"
 * searched all raw placeholders after it: 100,000 of each took quadratic time. Now a binary search.
 */
static void
test_template_matches_100000_entity_written_placeholders_in_linear_time(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 100000; i++)
        buf_puts(&b, "&#123;&#123;a}} ");
    buf_puts(&b, "\n\n");
    for (int i = 0; i < 100000; i++)
        buf_puts(&b, "{{b}} ");
    double               t0 = cpu_seconds();
    char                *diags;
    struct template_doc *doc = parse(b.data, &diags);
    double               used = cpu_seconds() - t0;
    assert_string_equal(diags, "");
    assert_int_equal(template_n_blocks(doc), 2);
    assert_int_equal(template_block(doc, 0)->n_spans, 2 * 100000 - 1);
    assert_string_equal(template_block(doc, 0)->spans[0].text, "a");
    assert_int_equal(template_block(doc, 1)->n_spans, 2 * 100000 - 1);
    assert_true(used < 5.0);
    free(diags);
    template_free(doc);
    buf_fini(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_reads_each_block_kind),
        cmocka_unit_test(test_template_gives_each_list_its_own_group),
        cmocka_unit_test(test_template_reads_loose_list_items_like_tight_ones),
        cmocka_unit_test(test_template_keeps_bold_and_italic_as_styles),
        cmocka_unit_test(test_template_turns_soft_breaks_into_spaces_and_keeps_hard_breaks),
        cmocka_unit_test(test_template_prints_raw_html_as_text),
        cmocka_unit_test(test_template_prints_links_quotes_and_code_as_plain_text),
        cmocka_unit_test(test_template_reads_only_len_bytes_of_unterminated_link),
        cmocka_unit_test(test_template_skips_placeholders_in_link_addresses),
        cmocka_unit_test(test_template_decodes_entities),
        cmocka_unit_test(test_template_rejects_numbered_lists_and_images),
        cmocka_unit_test(test_template_counts_placeholder_columns_in_characters),
        cmocka_unit_test(test_template_finds_placeholders_split_across_md4c_callbacks),
        cmocka_unit_test(test_template_gives_placeholder_in_bold_a_bold_span),
        cmocka_unit_test(test_template_keeps_placeholder_positions_across_lines_and_blocks),
        cmocka_unit_test(test_template_reports_placeholder_only_partly_styled),
        cmocka_unit_test(test_template_reports_every_unterminated_placeholder),
        cmocka_unit_test(test_template_reports_empty_and_malformed_placeholder_names),
        cmocka_unit_test(test_template_reads_pupil_block_rows),
        cmocka_unit_test(test_template_fills_empty_pupil_block_with_default_rows),
        cmocka_unit_test(test_template_reads_signature_rows_with_audience),
        cmocka_unit_test(test_template_places_form_block_placeholders_after_others),
        cmocka_unit_test(test_template_reads_the_slip_block),
        cmocka_unit_test(test_template_reports_unknown_form_block),
        cmocka_unit_test(test_template_missing_form_value_points_at_the_config),
        cmocka_unit_test(test_template_refuses_documents_spreadsheets_pdf_and_utf16),
        cmocka_unit_test(test_template_reports_unknown_row_mark_and_empty_field),
        cmocka_unit_test(test_template_refuses_more_than_four_fields_in_a_row),
        cmocka_unit_test(test_template_reads_front_matter),
        cmocka_unit_test(test_template_reports_front_matter_errors_at_template_lines),
        cmocka_unit_test(test_template_without_front_matter_has_defaults),
        cmocka_unit_test(test_template_reports_unclosed_front_matter),
        cmocka_unit_test(test_template_rejects_template_without_text),
        cmocka_unit_test(test_template_reports_invalid_utf8_and_control_characters),
        cmocka_unit_test(test_template_handles_crlf_and_bom),
        cmocka_unit_test(test_template_load_reports_missing_and_oversized_files),
        cmocka_unit_test(test_template_check_reports_unknown_placeholders_with_hint),
        cmocka_unit_test(test_template_shipped_text_is_the_schools_word_for_word),
        cmocka_unit_test(test_template_translation_with_the_same_structure_passes),
        cmocka_unit_test(test_template_translation_reports_missing_extra_and_recounted_placeholders),
        cmocka_unit_test(test_template_translation_reports_form_blocks_that_differ),
        cmocka_unit_test(test_template_translation_reports_row_mark_where_german_has_none),
        cmocka_unit_test(test_template_translation_reports_headings_that_differ),
        cmocka_unit_test(test_template_translation_reports_check_boxes_that_differ),
        cmocka_unit_test(test_template_shipped_translations_match_the_german_form),
        cmocka_unit_test(test_template_free_accepts_null),
        cmocka_unit_test(test_template_counts_columns_of_100000_placeholders_on_one_line_in_linear_time),
        cmocka_unit_test(test_template_counts_columns_of_a_100000_field_row_in_linear_time),
        cmocka_unit_test(test_template_matches_100000_entity_written_placeholders_in_linear_time),
    };
    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
