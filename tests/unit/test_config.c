/*
 * Unit tests for config: YAML text in, struct config and formatted diags out.
 * Diagnostics are compared as the text cli would print (diags_format).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/util.h"

/* The three required keys; cases add to or replace them. */
#define MINIMAL "school:\n  name: S\nform:\n  template: t.md\nroster:\n  file: k.csv\n"

/* Formats d as cli would print it, in the order of addition. Caller frees. */
static char *
format_diags(const struct diags *d)
{
    struct buf b;
    buf_init(&b);
    diags_format(d, &b);
    buf_putc(&b, '\0'); /* an empty list still gives "" */
    return buf_detach(&b);
}

/* Parses yaml as path; *text gets the formatted diags (caller frees). */
static struct config *
parse(const char *yaml, const char *path, char **text)
{
    struct diags   d = {0};
    struct config *c = config_parse(yaml, strlen(yaml), path, &d);
    *text = format_diags(&d);
    diags_fini(&d);
    return c;
}

static void
test_config_reads_every_key(void **state)
{
    (void)state;
    const char    *yaml = "school:\n"
                          "  name: Städtisches Gymnasium Musterstadt\n"
                          "  address: Schulstraße 1, 12345 Musterstadt\n"
                          "  logo: img/logo.png\n"
                          "form:\n"
                          "  template: ../templates/videokonferenz-iserv.md\n"
                          "  date: 27.11.2026\n"
                          "  values:\n"
                          "    platform: IServ\n"
                          "    return_by: 11.12.2026\n"
                          "    count: 12\n"
                          "roster:\n"
                          "  file: klassen.csv\n"
                          "  delimiter: \";\"\n"
                          "  encoding: windows-1252\n"
                          "  columns:\n"
                          "    last_name: Familienname\n"
                          "    first_name: Rufname\n"
                          "    birth_date: Geb\n"
                          "    class: Kl\n"
                          "    id: SchuelerId\n"
                          "output:\n"
                          "  dir: /tmp/forms\n"
                          "  split: both\n"
                          "  duplex: no\n"
                          "  class_sheet: False\n"
                          "page:\n"
                          "  font: fonts/Schrift.ttf\n"
                          "  marks: yes\n"
                          "register:\n"
                          "  file: antworten/iserv.csv\n";
    char          *text;
    struct config *c = parse(yaml, "schule/cfg.yaml", &text);
    assert_non_null(c);
    assert_string_equal(text, "");
    assert_string_equal(c->path, "schule/cfg.yaml");
    assert_string_equal(c->school.name, "Städtisches Gymnasium Musterstadt");
    assert_string_equal(c->school.address, "Schulstraße 1, 12345 Musterstadt");
    assert_string_equal(c->school.logo, "schule/img/logo.png");
    assert_string_equal(c->form.template_path, "schule/../templates/videokonferenz-iserv.md");
    assert_string_equal(c->form.template_path_as_written, "../templates/videokonferenz-iserv.md");
    assert_true(c->form.has_date);
    assert_int_equal(c->form.date.year, 2026);
    assert_int_equal(c->form.date.month, 11);
    assert_int_equal(c->form.date.day, 27);
    assert_int_equal(c->form.n_values, 3);
    assert_string_equal(c->form.values[0].key, "platform");
    assert_string_equal(c->form.values[0].value, "IServ");
    assert_int_equal(c->form.values[0].line, 9);
    assert_int_equal(c->form.values[0].col, 15);
    assert_string_equal(c->form.values[1].key, "return_by");
    assert_string_equal(c->form.values[1].value, "11.12.2026"); /* a date stays text as written */
    assert_string_equal(config_value(c, "count"), "12");
    assert_null(config_value(c, "missing"));
    assert_string_equal(c->roster.file, "schule/klassen.csv");
    assert_string_equal(c->roster.file_as_written, "klassen.csv");
    assert_int_equal(c->roster.delimiter, ';');
    assert_int_equal(c->roster.encoding, CONFIG_ENCODING_WINDOWS_1252);
    assert_string_equal(c->roster.columns.last_name, "Familienname");
    assert_string_equal(c->roster.columns.first_name, "Rufname");
    assert_string_equal(c->roster.columns.birth_date, "Geb");
    assert_string_equal(c->roster.columns.class_name, "Kl");
    assert_string_equal(c->roster.columns.id, "SchuelerId");
    assert_string_equal(c->output.dir, "/tmp/forms"); /* absolute stays as it is */
    assert_int_equal(c->output.split, CONFIG_SPLIT_BOTH);
    assert_false(c->output.duplex);
    assert_false(c->output.class_sheet);
    assert_string_equal(c->page.font, "schule/fonts/Schrift.ttf");
    assert_true(c->page.font_is_path);
    assert_true(c->page.marks);
    assert_string_equal(c->reg.file, "schule/antworten/iserv.csv");
    assert_string_equal(c->reg.file_as_written, "antworten/iserv.csv");
    assert_int_equal(c->register_at.line, 31);
    assert_int_equal(c->register_at.col, 9);
    config_free(c);
    free(text);
}

static void
test_config_fills_defaults_when_keys_are_absent(void **state)
{
    (void)state;
    char          *text;
    struct config *c = parse(MINIMAL, "a/b/schule.yaml", &text);
    assert_non_null(c);
    assert_string_equal(text, "");
    struct date today = date_today();
    assert_false(c->form.has_date);
    assert_int_equal(date_compare(c->form.date, today), 0);
    assert_null(c->school.address);
    assert_null(c->school.logo);
    assert_int_equal(c->form.n_values, 0);
    assert_null(c->form.values);
    assert_int_equal(c->roster.delimiter, 0);
    assert_int_equal(c->roster.encoding, CONFIG_ENCODING_AUTO);
    assert_null(c->roster.columns.last_name);
    assert_null(c->roster.columns.first_name);
    assert_null(c->roster.columns.birth_date);
    assert_null(c->roster.columns.class_name);
    assert_null(c->roster.columns.id);
    assert_string_equal(c->output.dir, "a/b/out");
    assert_int_equal(c->output.split, CONFIG_SPLIT_CLASS);
    assert_true(c->output.duplex);
    assert_true(c->output.class_sheet);
    assert_string_equal(c->page.font, "Liberation Sans");
    assert_false(c->page.font_is_path);
    assert_false(c->page.marks);
    assert_string_equal(c->reg.file, "a/b/einwilligungen.csv"); /* beside the config */
    assert_string_equal(c->reg.file_as_written, "einwilligungen.csv");
    assert_int_equal(c->register_at.line, 0);
    config_free(c);
    free(text);
}

static void
test_config_empty_optional_values_keep_defaults(void **state)
{
    (void)state;
    char          *text;
    struct config *c =
        parse(MINIMAL "  columns:\n    id: ~\n    class:\noutput:\npage:\n  font:\n", "s.yaml", &text);
    assert_non_null(c);
    assert_string_equal(text, "");
    assert_null(c->roster.columns.id);
    assert_null(c->roster.columns.class_name);
    assert_string_equal(c->output.dir, "out");
    assert_string_equal(c->page.font, "Liberation Sans");
    config_free(c);
    free(text);
}

/* A config text and the exact diagnostics it must give. */
struct diag_case {
    const char *name;
    const char *yaml;
    const char *expected;
    bool        is_null; /* config_parse returns NULL */
};

static const struct diag_case diag_cases[] = {
    {"unknown key with hint",
     "school:\n  name: S\n  adress: x\nform:\n  template: t.md\nroster:\n  file: k.csv\n",
     "schule.yaml:3:3: error: unknown key \"adress\" in \"school\"; did you mean \"address\"?\n", false},
    {"unknown top-level key lists the allowed ones", MINIMAL "colour: red\n",
     "schule.yaml:7:1: error: unknown key \"colour\"; allowed keys are school, form, roster, output, page, "
     "register\n",
     false},
    {"upper-case key gets its lower-case hint", MINIMAL "Output:\n  dir: x\n",
     "schule.yaml:7:1: error: unknown key \"Output\"; did you mean \"output\"?\n", false},
    {"German column name gets the English key", MINIMAL "  columns:\n    Nachname: Name\n",
     "schule.yaml:8:5: error: unknown key \"Nachname\" in \"roster.columns\"; did you mean \"last_name\"?\n",
     false},
    {"typo in a nested key", MINIMAL "output:\n  clas_sheet: true\n",
     "schule.yaml:8:3: error: unknown key \"clas_sheet\" in \"output\"; did you mean \"class_sheet\"?\n",
     false},
    {"list where text is expected",
     "school:\n  name: [a, b]\nform:\n  template: t.md\nroster:\n  file: k.csv\n",
     "schule.yaml:2:9: error: school.name must be text, not a list\n", false},
    {"section where text is expected", MINIMAL "page:\n  font:\n    name: x\n",
     "schule.yaml:9:5: error: page.font must be text, not a section of keys\n", false},
    {"maybe is not a boolean", MINIMAL "output:\n  duplex: maybe\n",
     "schule.yaml:8:11: error: output.duplex must be true or false (ja or nein), not \"maybe\"\n", false},
    {"list is not a boolean", MINIMAL "page:\n  marks: [true]\n",
     "schule.yaml:8:10: error: page.marks must be true or false, not a list\n", false},
    {"fallback fonts as a section", MINIMAL "page:\n  fallback_fonts:\n    arabic: Amiri\n",
     "schule.yaml:9:5: error: page.fallback_fonts must be a list of font names or .ttf files, not a section of "
     "keys\n",
     false},
    {"a list inside the fallback fonts", MINIMAL "page:\n  fallback_fonts: [Amiri, [a, b]]\n",
     "schule.yaml:8:27: error: page.fallback_fonts must be a list of font names or .ttf files, not a list\n",
     false},
    {"unknown split", MINIMAL "output:\n  split: klasse\n",
     "schule.yaml:8:10: error: output.split must be class, pupil or both, not \"klasse\"\n", false},
    {"section given as text", "school: Gymnasium\nform:\n  template: t.md\nroster:\n  file: k.csv\n",
     "schule.yaml:1:9: error: school must be a section with the keys name, address, logo, data_protection, each on its own "
     "indented line, not text\n",
     false},
    {"missing required keys", "school:\n  address: x\n",
     "schule.yaml:1:1: error: missing required key \"school.name\"\n"
     "schule.yaml: error: missing required key \"form.template\"\n"
     "schule.yaml: error: missing required key \"roster.file\"\n",
     false},
    {"empty section misses its required key", "school:\nform:\n  template: t.md\nroster:\n  file: k.csv\n",
     "schule.yaml:1:1: error: missing required key \"school.name\"\n", false},
    {"empty required value", "school:\n  name:\nform:\n  template: \"\"\nroster:\n  file: k.csv\n",
     "schule.yaml:2:3: error: school.name is empty; write it after \"name:\"\n"
     "schule.yaml:4:3: error: form.template is empty; write it after \"template:\"\n",
     false},
    {"duplicate key", "school:\n  name: S\n  name: T\nform:\n  template: t.md\nroster:\n  file: k.csv\n",
     "schule.yaml:3:3: error: duplicate key \"name\" in \"school\"; it was first given at line 2\n", false},
    {"a value given three times",
     "school:\n  name: S\nform:\n  template: t.md\n  values:\n    a: 1\n    b: 2\n    a: 3\n"
     "    a: 4\nroster:\n  file: k.csv\n",
     "schule.yaml:8:5: error: duplicate key \"a\" in \"form.values\"; it was first given at line 6\n"
     "schule.yaml:9:5: error: duplicate key \"a\" in \"form.values\"; it was first given at line 6\n",
     false},
    {"duplicate section", MINIMAL "school:\n  name: T\n",
     "schule.yaml:7:1: error: duplicate key \"school\"; it was first given at line 1\n", false},
    {"nested value in form.values",
     "school:\n  name: S\nform:\n  template: t.md\n  values:\n    a:\n      b: c\n    l: [1]\n    e:\n"
     "    date: x\nroster:\n  file: k.csv\n",
     "schule.yaml:7:7: error: form.values.a must be text, not a section of keys\n"
     "schule.yaml:8:8: error: form.values.l must be text, not a list\n"
     "schule.yaml:9:5: error: form.values.e is empty; write the text after \"e:\" (or \"\" for no text)\n"
     "schule.yaml:10:5: error: \"date\" cannot be a value name: {{form.date}} is form.date; choose another "
     "name\n",
     false},
    {"unknown delimiter", MINIMAL "  delimiter: \"|\"\n",
     "schule.yaml:7:14: error: roster.delimiter must be auto, \";\", \",\" or \"\\t\" (or the words "
     "semicolon, "
     "comma, tab), not \"|\"\n",
     false},
    {"unknown encoding", MINIMAL "  encoding: latin1\n",
     "schule.yaml:7:13: error: roster.encoding must be auto, utf-8 or windows-1252, not \"latin1\"\n", false},
    {"YAML syntax error with its context as a note", "school:\n  name: \"S\n",
     "schule.yaml:3:1: error: found unexpected end of stream\n"
     "schule.yaml:2:9: note: while scanning a quoted scalar\n"
     "schule.yaml:2:9: note: the quote (\") that starts here is never closed; end the text with the same "
     "quote\n",
     true},
    {"colon in a value", "school:\n  name: Schule: Gymnasium\n",
     "schule.yaml:2:15: error: mapping values are not allowed in this context\n"
     "schule.yaml:2:15: note: put text that contains \": \" in double quotes\n",
     true},
    {"key indented too far", "school:\n  name: G\n   address: x\n",
     "schule.yaml:3:11: error: mapping values are not allowed in this context\n"
     "schule.yaml:3:11: note: check the indentation: keys of one section must start in the same column\n",
     true},
    {"key that lost its indentation", "school:\nname: G\nform:\n  template: t.md\nroster:\n  file: k.csv\n",
     "schule.yaml:2:1: error: unknown key \"name\" at the top level; it belongs under \"school:\", indented "
     "by two "
     "spaces\n"
     "schule.yaml:1:1: error: missing required key \"school.name\"\n",
     false},
    {"short key with one slip gets its hint", MINIMAL "pge:\n  marks: true\n",
     "schule.yaml:7:1: error: unknown key \"pge\"; did you mean \"page\"?\n", false},
    {"short key with two slips gets no far-fetched hint", MINIMAL "pg:\n  marks: true\n",
     "schule.yaml:7:1: error: unknown key \"pg\"; allowed keys are school, form, roster, output, page, "
     "register\n",
     false},
    {"tab used for indentation", "school:\n\tname: S\n",
     "schule.yaml:2:1: error: found character that cannot start any token\n"
     "schule.yaml:2:1: note: while scanning for the next token\n"
     "schule.yaml:2:1: note: indent with spaces, not tabs\n",
     true},
    {"unquoted comma delimiter", "roster:\n  delimiter: ,\n",
     "schule.yaml:2:14: error: did not find expected node content\n"
     "schule.yaml:2:14: note: while parsing a block node\n"
     "schule.yaml:2:14: note: put text that starts with \",\" in double quotes\n",
     true},
    {"invalid UTF-8",
     "school:\n  name: Stra\xdf"
     "e\n",
     "schule.yaml:2:13: error: the text is not UTF-8 (perhaps saved as Windows-1252 or ANSI); save the file "
     "with the encoding UTF-8\n",
     true},
    {"anchor and alias refused once",
     "school:\n  name: &n S\n  address: *n\nform:\n  template: t.md\nroster:\n  file: k.csv\n",
     "schule.yaml:2:9: error: anchors and aliases (\"&name\", \"*name\") are not supported; write the value "
     "out "
     "in full\n",
     false},
    {"deep nesting refused", "x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
     "schule.yaml:1:19: error: nesting deeper than 16 levels is not supported\n", true},
    {"empty file", "# nothing here\n",
     "schule.yaml: error: the config is empty; expected the sections school, form and roster\n", true},
    {"top level is text", "hello\n",
     "schule.yaml:1:1: error: the config must consist of the sections school, form, roster, output, register "
     "and page, "
     "not text\n",
     true},
    {"top level is a list", "- school\n",
     "schule.yaml:1:1: error: the config must consist of the sections school, form, roster, output, register "
     "and page, "
     "not a list\n",
     true},
    {"second document", MINIMAL "---\nschool:\n  name: T\n",
     "schule.yaml:7:1: error: only one YAML document is allowed; remove this \"---\" line and what follows\n",
     false},
    {"key that is not text", MINIMAL "? [a]\n: b\n",
     "schule.yaml:7:3: error: a key must be a single word followed by \":\"\n", false},
    {"several problems are all reported",
     "school:\n  name: S\n  logo: [x]\nform:\n  template: t.md\n  date: 1.1.1\n"
     "roster:\n  file: k.csv\n  encoding: ascii\noutput:\n  duplex: 2\n",
     "schule.yaml:3:9: error: school.logo must be text, not a list\n"
     "schule.yaml:6:9: error: form.date \"1.1.1\" is not a date; expected a date like 27.11.2026 or "
     "2026-11-27\n"
     "schule.yaml:9:13: error: roster.encoding must be auto, utf-8 or windows-1252, not \"ascii\"\n"
     "schule.yaml:11:11: error: output.duplex must be true or false (ja or nein), not \"2\"\n",
     false},
};

static void
check_case(const char *name, const char *yaml, const char *expected, bool is_null)
{
    char          *text;
    struct config *c = parse(yaml, "schule.yaml", &text);
    if (strcmp(text, expected) != 0 || (c == NULL) != is_null)
        fail_msg("case \"%s\":\nexpected (%s):\n%sgot (%s):\n%s", name, is_null ? "NULL" : "config", expected,
                 c ? "config" : "NULL", text);
    config_free(c);
    free(text);
}

static void
test_config_reports_each_problem_as_expected(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof diag_cases / sizeof diag_cases[0]; i++) {
        check_case(diag_cases[i].name, diag_cases[i].yaml, diag_cases[i].expected, diag_cases[i].is_null);
    }
}

static void
test_config_rejects_impossible_and_malformed_dates(void **state)
{
    (void)state;
    check_case("not real",
               "school:\n  name: S\nform:\n  template: t.md\n  date: 31.02.2026\nroster:\n  file: k\n",
               "schule.yaml:5:9: error: form.date \"31.02.2026\" is not a real date\n", false);
    check_case("ISO not real",
               "school:\n  name: S\nform:\n  template: t.md\n  date: 2026-13-01\nroster:\n  file: k\n",
               "schule.yaml:5:9: error: form.date \"2026-13-01\" is not a real date\n", false);
    check_case(
        "words", "school:\n  name: S\nform:\n  template: t.md\n  date: next friday\nroster:\n  file: k\n",
        "schule.yaml:5:9: error: form.date \"next friday\" is not a date; expected a date like 27.11.2026 "
        "or 2026-11-27\n",
        false);

    char          *text;
    struct config *c =
        parse("school:\n  name: S\nform:\n  template: t.md\n  date: 2026-11-27\nroster:\n  file: k\n",
              "s.yaml", &text);
    assert_string_equal(text, "");
    assert_true(c->form.has_date);
    assert_int_equal(c->form.date.year, 2026);
    assert_int_equal(c->form.date.month, 11);
    assert_int_equal(c->form.date.day, 27);
    config_free(c);
    free(text);

    /* a wrong date keeps today's date, so later checks still have a day to work with */
    c = parse("school:\n  name: S\nform:\n  template: t.md\n  date: 30.02.2026\nroster:\n  file: k\n",
              "s.yaml", &text);
    assert_non_null(c);
    assert_false(c->form.has_date);
    assert_int_equal(date_compare(c->form.date, date_today()), 0);
    config_free(c);
    free(text);
}

static void
test_config_accepts_every_delimiter_spelling(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        char        expected;
    } cases[] = {
        {"auto", 0},   {"AUTO", 0},        {"\";\"", ';'}, {";", ';'},    {"\",\"", ','}, {"\"\\t\"", '\t'},
        {"\\t", '\t'}, {"semicolon", ';'}, {"comma", ','}, {"tab", '\t'}, {"Tab", '\t'},  {"'\t'", '\t'},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char          *yaml = xasprintf(MINIMAL "  delimiter: %s\n", cases[i].yaml);
        char          *text;
        struct config *c = parse(yaml, "s.yaml", &text);
        if (!c || strcmp(text, "") != 0 || c->roster.delimiter != cases[i].expected)
            fail_msg("delimiter %s: got %d, diags:\n%s", cases[i].yaml, c ? c->roster.delimiter : -1, text);
        config_free(c);
        free(text);
        free(yaml);
    }
}

static void
test_config_accepts_every_encoding_spelling(void **state)
{
    (void)state;
    static const struct {
        const char          *yaml;
        enum config_encoding expected;
    } cases[] = {
        {"auto", CONFIG_ENCODING_AUTO},
        {"utf-8", CONFIG_ENCODING_UTF8},
        {"UTF-8", CONFIG_ENCODING_UTF8},
        {"utf8", CONFIG_ENCODING_UTF8},
        {"windows-1252", CONFIG_ENCODING_WINDOWS_1252},
        {"Windows-1252", CONFIG_ENCODING_WINDOWS_1252},
        {"cp1252", CONFIG_ENCODING_WINDOWS_1252},
        {"CP1252", CONFIG_ENCODING_WINDOWS_1252},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char          *yaml = xasprintf(MINIMAL "  encoding: %s\n", cases[i].yaml);
        char          *text;
        struct config *c = parse(yaml, "s.yaml", &text);
        if (!c || strcmp(text, "") != 0 || c->roster.encoding != cases[i].expected)
            fail_msg("encoding %s: got %d, diags:\n%s", cases[i].yaml, c ? (int)c->roster.encoding : -1,
                     text);
        config_free(c);
        free(text);
        free(yaml);
    }
}

static void
test_config_tells_font_path_from_family_name(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        const char *font;
        bool        is_path;
    } cases[] = {
        {"DejaVu Sans", "DejaVu Sans", false},
        {"Schrift.TTF", "cfg/Schrift.TTF", true},
        {"Schrift.otf", "cfg/Schrift.otf", true},
        {"fonts/Schrift", "cfg/fonts/Schrift", true},
        {"/usr/share/fonts/x.ttf", "/usr/share/fonts/x.ttf", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char          *yaml = xasprintf(MINIMAL "page:\n  font: %s\n", cases[i].yaml);
        char          *text;
        struct config *c = parse(yaml, "cfg/s.yaml", &text);
        assert_non_null(c);
        assert_string_equal(text, "");
        assert_string_equal(c->page.font, cases[i].font);
        assert_int_equal(c->page.font_is_path, cases[i].is_path);
        config_free(c);
        free(text);
        free(yaml);
    }
}

static void
test_config_reads_fallback_fonts_in_order(void **state)
{
    (void)state;
    char          *text;
    struct config *c = parse(MINIMAL "page:\n  fallback_fonts:\n    - Amiri\n    - fonts/Vazir.ttf\n"
                                     "    - DejaVu Sans\n",
                             "cfg/s.yaml", &text);
    assert_non_null(c);
    assert_string_equal(text, "");
    assert_false(c->page.fallbacks_are_default);
    assert_int_equal(c->page.n_fallbacks, 3);
    assert_string_equal(c->page.fallbacks[0].name, "Amiri");
    assert_false(c->page.fallbacks[0].is_path);
    assert_int_equal(c->page.fallbacks[0].line, 9);
    assert_int_equal(c->page.fallbacks[0].col, 7);
    assert_string_equal(c->page.fallbacks[1].name, "cfg/fonts/Vazir.ttf");
    assert_true(c->page.fallbacks[1].is_path);
    assert_string_equal(c->page.fallbacks[2].name, "DejaVu Sans");
    config_free(c);
    free(text);

    /* One name alone is a list of one; an empty list means no fallbacks at all. */
    c = parse(MINIMAL "page:\n  fallback_fonts: Amiri\n", "s.yaml", &text);
    assert_int_equal(c->page.n_fallbacks, 1);
    assert_string_equal(c->page.fallbacks[0].name, "Amiri");
    config_free(c);
    free(text);
    c = parse(MINIMAL "page:\n  fallback_fonts: []\n", "s.yaml", &text);
    assert_int_equal(c->page.n_fallbacks, 0);
    assert_false(c->page.fallbacks_are_default);
    config_free(c);
    free(text);

    /* Not written: the default list, each family tried if installed. */
    c = parse(MINIMAL, "s.yaml", &text);
    assert_true(c->page.fallbacks_are_default);
    assert_int_equal(c->page.n_fallbacks, 3);
    assert_string_equal(c->page.fallbacks[0].name, "Noto Naskh Arabic");
    assert_string_equal(c->page.fallbacks[1].name, "Noto Sans Hebrew");
    assert_string_equal(c->page.fallbacks[2].name, "DejaVu Sans");
    config_free(c);
    free(text);
}

static void
test_config_billion_laughs_gives_one_error_and_no_expansion(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    buf_puts(&b,
             MINIMAL "output:\n  a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for (int i = 1; i < 10; i++) {
        buf_printf(&b, "  a%d: &a%d [", i, i);
        for (int j = 0; j < 9; j++)
            buf_printf(&b, "%s*a%d", j ? ", " : "", i - 1);
        buf_puts(&b, "]\n");
    }
    char          *text;
    struct config *c = parse(b.data, "s.yaml", &text);
    assert_non_null(c);
    /* the unknown keys are reported too; the anchors only once */
    assert_non_null(strstr(text, "s.yaml:8:7: error: anchors and aliases"));
    assert_null(strstr(strstr(text, "anchors and aliases") + 1, "anchors and aliases"));
    config_free(c);
    free(text);
    buf_fini(&b);
}

static void
test_config_accepts_nesting_up_to_the_limit(void **state)
{
    (void)state;
    /* top mapping, page and 14 lists: 16 levels, allowed; the value is simply of the wrong type */
    check_case("16 levels", MINIMAL "page:\n  font: [[[[[[[[[[[[[[]]]]]]]]]]]]]]\n",
               "schule.yaml:8:9: error: page.font must be text, not a list\n", false);
    check_case("17 levels", MINIMAL "page:\n  font: [[[[[[[[[[[[[[[]]]]]]]]]]]]]]]\n",
               "schule.yaml:8:23: error: nesting deeper than 16 levels is not supported\n", true);
}

static void
test_config_load_reports_unreadable_and_too_large_files(void **state)
{
    (void)state;
    struct diags d = {0};
    assert_null(config_load("/nonexistent/schule.yaml", &d));
    char *text = format_diags(&d);
    assert_string_equal(
        text,
        "consentgen: error: cannot read config \"/nonexistent/schule.yaml\": No such file or directory\n");
    free(text);
    diags_fini(&d);

    char path[] = "/tmp/test_config_XXXXXX";
    int  fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(MINIMAL, f);
    for (int i = 0; i < (1 << 20) / 16 + 1; i++)
        fputs("# padding......\n", f);
    fclose(f);
    assert_null(config_load(path, &d));
    text = format_diags(&d);
    char *expected = xasprintf(
        "consentgen: error: cannot read config \"%s\": it is larger than 1 MiB, too large for a config\n",
        path);
    assert_string_equal(text, expected);
    free(expected);
    free(text);
    diags_fini(&d);
    unlink(path);
}

static void
test_config_example_school_loads_clean(void **state)
{
    (void)state;
    struct diags   d = {0};
    struct config *c = config_load(SOURCE_DIR "/examples/schule.yaml", &d);
    char          *text = format_diags(&d);
    assert_string_equal(text, "");
    assert_non_null(c);
    assert_string_equal(c->school.name, "Städtisches Gymnasium Musterstadt");
    assert_string_equal(c->school.address, "Schulstraße 1, 12345 Musterstadt");
    assert_string_equal(c->form.template_path, SOURCE_DIR "/examples/../templates/videokonferenz-iserv.md");
    assert_string_equal(config_value(c, "platform"), "IServ");
    assert_string_equal(
        config_value(c, "authority"),
        "Landesbeauftragten für den Datenschutz und die Informationsfreiheit Nordrhein-Westfalen");
    assert_string_equal(config_value(c, "return_by"), "11.12.2026");
    assert_string_equal(c->roster.file, SOURCE_DIR "/examples/klassen.csv");
    assert_string_equal(c->output.dir, SOURCE_DIR "/examples/out");
    assert_true(c->page.marks);
    config_free(c);
    config_free(NULL);
    free(text);
    diags_fini(&d);
}

static void
test_config_front_matter_reads_keys_and_defaults(void **state)
{
    (void)state;
    struct diags               d = {0};
    struct config_front_matter fm;
    const char                *yaml = "title: Einwilligung Videokonferenzen\npupil_signature_from_age: 16\n";
    assert_true(config_parse_front_matter(yaml, strlen(yaml), "t.md", 2, &fm, &d));
    assert_string_equal(fm.title, "Einwilligung Videokonferenzen");
    assert_int_equal(fm.pupil_signature_from_age, 16);
    assert_int_equal(fm.adult_age, 18);
    config_front_matter_fini(&fm);
    assert_null(fm.title);

    assert_true(config_parse_front_matter("", 0, "t.md", 2, &fm, &d));
    assert_null(fm.title);
    assert_int_equal(fm.pupil_signature_from_age, 14);
    assert_int_equal(fm.adult_age, 18);
    assert_string_equal(fm.language, "de");
    config_front_matter_fini(&fm);
    assert_int_equal(d.n, 0);
    diags_fini(&d);
}

static void
test_config_front_matter_reads_language_as_two_lower_case_letters(void **state)
{
    (void)state;
    struct diags               d = {0};
    struct config_front_matter fm;
    const char                *yaml = "title: Onay\nlanguage: tr\n";
    assert_true(config_parse_front_matter(yaml, strlen(yaml), "t.tr.md", 2, &fm, &d));
    assert_string_equal(fm.language, "tr");
    config_front_matter_fini(&fm);
    assert_int_equal(d.n, 0);

    /* a template without the key is German */
    yaml = "title: Einwilligung\n";
    assert_true(config_parse_front_matter(yaml, strlen(yaml), "t.md", 2, &fm, &d));
    assert_string_equal(fm.language, "de");
    config_front_matter_fini(&fm);
    assert_int_equal(d.n, 0);
    diags_fini(&d);

    static const struct {
        const char *yaml;
        const char *expected;
    } cases[] = {
        {"language: TR\n",
         "t.md:2:11: error: language must be a two-letter language code (ISO 639-1) in lower "
         "case, such as \"de\" or \"tr\", not \"TR\"\n"},
        {"language: tur\n",
         "t.md:2:11: error: language must be a two-letter language code (ISO 639-1) in lower "
         "case, such as \"de\" or \"tr\", not \"tur\"\n"},
        {"language: Türkisch\n",
         "t.md:2:11: error: language must be a two-letter language code (ISO 639-1) in "
         "lower case, such as \"de\" or \"tr\", not \"Türkisch\"\n"},
        {"language: \"t\"\n",
         "t.md:2:11: error: language must be a two-letter language code (ISO 639-1) in lower "
         "case, such as \"de\" or \"tr\", not \"t\"\n"},
        {"language: [tr]\n", "t.md:2:11: error: language must be text, not a list\n"},
        {"langauge: tr\n", "t.md:2:1: error: unknown key \"langauge\" in the front matter; did you mean "
                           "\"language\"?\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diags e = {0};
        bool         ok = config_parse_front_matter(cases[i].yaml, strlen(cases[i].yaml), "t.md", 2, &fm, &e);
        char        *text = format_diags(&e);
        if (ok || strcmp(text, cases[i].expected) != 0)
            fail_msg("front matter %s: ok=%d, expected:\n%sgot:\n%s", cases[i].yaml, ok, cases[i].expected,
                     text);
        assert_string_equal(fm.language, "de"); /* a wrong value keeps the default */
        config_front_matter_fini(&fm);
        free(text);
        diags_fini(&e);
    }
}

static void
test_config_front_matter_reports_at_template_lines(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        const char *expected;
    } cases[] = {
        {"title: X\ntitel: Y\n",
         "t.md:3:1: error: unknown key \"titel\" in the front matter; did you mean \"title\"?\n"},
        {"adult_age: achtzehn\n",
         "t.md:2:12: error: adult_age must be a whole number from 0 to 99, not \"achtzehn\"\n"},
        {"adult_age: 100\n",
         "t.md:2:12: error: adult_age must be a whole number from 0 to 99, not \"100\"\n"},
        {"adult_age: -1\n", "t.md:2:12: error: adult_age must be a whole number from 0 to 99, not \"-1\"\n"},
        {"pupil_signature_from_age: 14.5\n",
         "t.md:2:27: error: pupil_signature_from_age must be a whole number from 0 to 99, not \"14.5\"\n"},
        {"pupil_signature_from_age: 20\n",
         "t.md:2:27: error: pupil_signature_from_age (20) must not be above adult_age (18)\n"},
        {"title: [a]\n", "t.md:2:8: error: title must be text, not a list\n"},
        {"title: \"x\n",
         "t.md:3:1: error: found unexpected end of stream\nt.md:2:8: note: while scanning a quoted scalar\n"
         "t.md:2:8: note: the quote (\") that starts here is never closed; end the text with the same "
         "quote\n"},
        {"- a\n",
         "t.md:2:1: error: the front matter must consist of the keys title, pupil_signature_from_age, "
         "adult_age and language, not a list\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diags               d = {0};
        struct config_front_matter fm;
        bool  ok = config_parse_front_matter(cases[i].yaml, strlen(cases[i].yaml), "t.md", 2, &fm, &d);
        char *text = format_diags(&d);
        if (ok || strcmp(text, cases[i].expected) != 0)
            fail_msg("front matter %s: ok=%d, expected:\n%sgot:\n%s", cases[i].yaml, ok, cases[i].expected,
                     text);
        assert_true(fm.pupil_signature_from_age >= 0);
        config_front_matter_fini(&fm);
        free(text);
        diags_fini(&d);
    }
}

static void
test_config_keeps_where_each_file_is_named(void **state)
{
    (void)state;
    char          *text;
    struct config *c = parse("school:\n  name: S\n  logo:   logo.png\nform:\n  template: t.md\n"
                             "roster:\n  file: \"k.csv\"\npage:\n  font: Schrift.ttf\n",
                             "schule.yaml", &text);
    assert_string_equal(text, "");
    assert_non_null(c);
    assert_int_equal(c->logo_at.line, 3);
    assert_int_equal(c->logo_at.col, 11);
    assert_int_equal(c->template_at.line, 5);
    assert_int_equal(c->template_at.col, 13);
    assert_int_equal(c->roster_at.line, 7);
    assert_int_equal(c->roster_at.col, 9);
    assert_int_equal(c->font_at.line, 9);
    assert_int_equal(c->font_at.col, 9);
    config_free(c);
    free(text);

    c = parse(MINIMAL, "schule.yaml", &text);
    assert_non_null(c);
    assert_int_equal(c->logo_at.line, 0); /* not written: messages about the default have no place */
    assert_int_equal(c->font_at.line, 0);
    config_free(c);
    free(text);
}

static void
test_config_accepts_ja_and_nein_as_booleans(void **state)
{
    (void)state;
    char          *text;
    struct config *c =
        parse(MINIMAL "output:\n  duplex: nein\n  class_sheet: Ja\npage:\n  marks: JA\n", "s.yaml", &text);
    assert_string_equal(text, "");
    assert_false(c->output.duplex);
    assert_true(c->output.class_sheet);
    assert_true(c->page.marks);
    config_free(c);
    free(text);
}

static void
test_config_explains_backslashes_in_double_quotes(void **state)
{
    (void)state;
    static const struct {
        const char *yaml, *expected;
    } cases[] = {
        {"school:\n  name: S\nform:\n  template: \"C:\\Users\\Sekretariat\\Vorlagen\\video.md\"\n",
         "s.yaml:4:18: error: did not find expected hexdecimal number\n"
         "s.yaml:4:13: note: while parsing a quoted scalar\n"
         "s.yaml:4:18: note: in double quotes a backslash starts an escape such as \\n; write a Windows path "
         "in "
         "single quotes ('C:\\Users\\Sekretariat\\video.md') or with / instead of \\\n"},
        {"roster:\n  file: \"D:\\Schule\\klassen.csv\"\n",
         "s.yaml:2:12: error: found unknown escape character\n"
         "s.yaml:2:9: note: while parsing a quoted scalar\n"
         "s.yaml:2:12: note: in double quotes a backslash starts an escape such as \\n; write a Windows path "
         "in "
         "single quotes ('C:\\Users\\Sekretariat\\video.md') or with / instead of \\\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char          *text;
        struct config *c = parse(cases[i].yaml, "s.yaml", &text);
        assert_null(c);
        assert_string_equal(text, cases[i].expected);
        free(text);
    }
    /* single quotes keep backslashes */
    char          *text;
    struct config *c =
        parse("school:\n  name: S\nform:\n  template: 'C:\\Users\\video.md'\nroster:\n  file: k.csv\n",
              "s.yaml", &text);
    assert_string_equal(text, "");
    assert_string_equal(c->form.template_path_as_written, "C:\\Users\\video.md");
    config_free(c);
    free(text);
}

static void
test_config_keeps_the_lines_of_an_address(void **state)
{
    (void)state;
    static const char *const yamls[] = {
        "school:\n  name: S\n  address: Schulstra\xC3\x9F"
        "e 1\n    12345 Musterstadt\n",
        "school:\n  name: S\n  address:\n    - Schulstra\xC3\x9F"
        "e 1\n    - 12345 Musterstadt\n",
        "school:\n  name: S\n  address: |\n    Schulstra\xC3\x9F"
        "e 1\n    12345 Musterstadt\n",
        "school:\n  name: S\n  address: \"Schulstra\xC3\x9F"
        "e 1\\n12345 Musterstadt\"\n",
    };
    for (size_t i = 0; i < sizeof yamls / sizeof yamls[0]; i++) {
        char          *yaml = xasprintf("%sform:\n  template: t.md\nroster:\n  file: k.csv\n", yamls[i]);
        char          *text;
        struct config *c = parse(yaml, "s.yaml", &text);
        assert_string_equal(text, "");
        /* a "|" block keeps its final line break: layout prints no empty line for it */
        const char *a = c->school.address, *want = "Schulstra\xC3\x9F"
                                                   "e 1\n12345 Musterstadt";
        assert_memory_equal(a, want, strlen(want));
        assert_true(a[strlen(want)] == '\0' || strcmp(a + strlen(want), "\n") == 0);
        config_free(c);
        free(text);
        free(yaml);
    }
    char          *text;
    struct config *c = parse("school:\n  name: S\n  address:\n    - [a, b]\n"
                             "form:\n  template: t.md\n"
                             "roster:\n  file: k.csv\n",
                             "s.yaml", &text);
    assert_string_equal(text, "s.yaml:4:7: error: each line of school.address must be text, not a list\n");
    config_free(c);
    free(text);
}

static void
test_config_reads_signatures_without_birth_date(void **state)
{
    (void)state;
    char          *text;
    struct config *c = parse(MINIMAL, "s.yaml", &text);
    assert_int_equal(c->form.signers_without_birth_date, CONFIG_SIGNERS_BOTH);
    config_free(c);
    free(text);
    c = parse("school:\n  name: S\nform:\n  template: t.md\n  signatures_without_birth_date: guardian\n"
              "roster:\n  file: k.csv\n",
              "s.yaml", &text);
    assert_string_equal(text, "");
    assert_int_equal(c->form.signers_without_birth_date, CONFIG_SIGNERS_GUARDIAN);
    config_free(c);
    free(text);
    c = parse("school:\n  name: S\nform:\n  template: t.md\n  signatures_without_birth_date: eltern\n"
              "roster:\n  file: k.csv\n",
              "s.yaml", &text);
    assert_string_equal(text,
                        "s.yaml:5:34: error: form.signatures_without_birth_date must be both, guardian or "
                        "pupil, not \"eltern\"\n");
    config_free(c);
    free(text);
}

static void
test_config_refuses_workbooks_documents_and_pdf(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        size_t      len;
        const char *expected;
    } cases[] = {
        {"PK\x03\x04\0\0xl/workbook.xml", 20,
         "s.yaml: error: this is a spreadsheet (Excel or LibreOffice Calc), not a config: the config is a "
         "text "
         "file like examples/schule.yaml, and the pupil list is named in it under roster.file\n"},
        {"PK\x03\x04\0\0word/document.xml", 22,
         "s.yaml: error: this is a text document (Word or LibreOffice Writer), not a config: write the "
         "config in a "
         "plain text editor (Windows: Editor) and save it as schule.yaml, like examples/schule.yaml\n"},
        {"%PDF-1.7\n", 9,
         "s.yaml: error: this is a PDF file, not a config: the config is a text file like "
         "examples/schule.yaml\n"},
        {"\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16,
         "s.yaml: error: this is not a text file (perhaps an image or an archive), not a config: the config "
         "is a "
         "text file like examples/schule.yaml\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diags d = {0};
        assert_null(config_parse(cases[i].data, cases[i].len, "s.yaml", &d));
        char *text = format_diags(&d);
        assert_string_equal(text, cases[i].expected);
        free(text);
        diags_fini(&d);
    }
}

static void
test_config_load_refuses_a_fifo_without_opening_it(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_config_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *fifo = xasprintf("%s/schule.yaml", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    struct diags d = {0};
    assert_null(config_load(fifo, &d));
    char *text = format_diags(&d);
    char *expected = xasprintf(
        "consentgen: error: cannot read config \"%s\": it is a device or a pipe, not a file\n", fifo);
    assert_string_equal(text, expected);
    free(expected);
    free(text);
    diags_fini(&d);
    unlink(fifo);
    rmdir(dir);
    free(fifo);
}

/* form.template without a folder and an ending names a shipped template; run finds its file. */
static void
test_config_takes_a_template_without_ending_as_a_shipped_name(void **state)
{
    (void)state;
    char          *text;
    struct config *c = parse("school:\n  name: S\nform:\n  template: videokonferenz-iserv\nroster:\n"
                             "  file: k.csv\n",
                             "a/schule.yaml", &text);
    assert_string_equal(text, "");
    assert_non_null(c);
    assert_string_equal(c->form.template_name, "videokonferenz-iserv");
    assert_null(c->form.template_path);
    assert_string_equal(c->form.template_path_as_written, "videokonferenz-iserv");
    assert_int_equal(c->template_at.line, 4);
    config_free(c);
    free(text);

    c = parse(MINIMAL, "a/schule.yaml", &text);
    assert_null(c->form.template_name);
    assert_string_equal(c->form.template_path, "a/t.md");
    config_free(c);
    free(text);

    assert_true(config_is_template_name("videokonferenz-iserv"));
    assert_true(config_is_template_name("Elternbrief_2026"));
    assert_false(config_is_template_name("videokonferenz-iserv.md"));
    assert_false(config_is_template_name("vorlagen/brief"));
    assert_false(config_is_template_name("C:\\Vorlagen\\brief"));
    assert_false(config_is_template_name("./brief"));
    assert_false(config_is_template_name(""));
}

/* The bracketed texts consentgen init writes for the school warn until they are replaced. */
static void
test_config_warns_of_placeholders_left_in(void **state)
{
    (void)state;
    char          *text;
    struct config *c = parse("school:\n"
                             "  name: \"[Name der Schule]\"\n"
                             "  address: \"[Straße Nr., PLZ Ort]\"\n"
                             "  data_protection: \"[Datenschutz: Name, E-Mail]\"\n"
                             "form:\n"
                             "  template: t.md\n"
                             "  values:\n"
                             "    platform: \"[Plattform]\"\n"
                             "    authority: \"[a] und [b]\"\n"
                             "roster:\n"
                             "  file: k.csv\n",
                             "schule.yaml", &text);
    assert_string_equal(
        text,
        "schule.yaml:2:9: warning: school.name still holds the placeholder \"[Name der Schule]\"; write the "
        "real text there before printing\n"
        "schule.yaml:3:12: warning: school.address still holds the placeholder \"[Straße Nr., PLZ Ort]\"; "
        "write the real text there before printing\n"
        "schule.yaml:4:20: warning: school.data_protection still holds the placeholder \"[Datenschutz: Name, "
        "E-Mail]\"; write the real text there before printing\n"
        "schule.yaml:8:15: warning: form.values.platform still holds the placeholder \"[Plattform]\"; write "
        "the real text there before printing\n"); /* "[a] und [b]" is text with brackets in it */
    assert_string_equal(c->school.name, "[Name der Schule]"); /* a warning: check and render go on */
    config_free(c);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_reads_every_key),
        cmocka_unit_test(test_config_fills_defaults_when_keys_are_absent),
        cmocka_unit_test(test_config_empty_optional_values_keep_defaults),
        cmocka_unit_test(test_config_reports_each_problem_as_expected),
        cmocka_unit_test(test_config_rejects_impossible_and_malformed_dates),
        cmocka_unit_test(test_config_accepts_every_delimiter_spelling),
        cmocka_unit_test(test_config_accepts_every_encoding_spelling),
        cmocka_unit_test(test_config_tells_font_path_from_family_name),
        cmocka_unit_test(test_config_reads_fallback_fonts_in_order),
        cmocka_unit_test(test_config_billion_laughs_gives_one_error_and_no_expansion),
        cmocka_unit_test(test_config_accepts_nesting_up_to_the_limit),
        cmocka_unit_test(test_config_load_reports_unreadable_and_too_large_files),
        cmocka_unit_test(test_config_example_school_loads_clean),
        cmocka_unit_test(test_config_front_matter_reads_keys_and_defaults),
        cmocka_unit_test(test_config_front_matter_reports_at_template_lines),
        cmocka_unit_test(test_config_front_matter_reads_language_as_two_lower_case_letters),
        cmocka_unit_test(test_config_keeps_where_each_file_is_named),
        cmocka_unit_test(test_config_accepts_ja_and_nein_as_booleans),
        cmocka_unit_test(test_config_explains_backslashes_in_double_quotes),
        cmocka_unit_test(test_config_keeps_the_lines_of_an_address),
        cmocka_unit_test(test_config_reads_signatures_without_birth_date),
        cmocka_unit_test(test_config_refuses_workbooks_documents_and_pdf),
        cmocka_unit_test(test_config_load_refuses_a_fifo_without_opening_it),
        cmocka_unit_test(test_config_takes_a_template_without_ending_as_a_shipped_name),
        cmocka_unit_test(test_config_warns_of_placeholders_left_in),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
