#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "consentgen/cli.h"

/* Parses a NULL-terminated argument list; returns the formatted diags ("" when none). */
static bool
parse(struct cli_opts *o, char *out, size_t out_len, const char *const *args)
{
    char *argv[32];
    int   argc = 0;
    argv[argc++] = (char *)"consentgen";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    struct diags d = {0};
    bool         ok = cli_parse(argc, argv, o, &d);
    struct buf   b;
    buf_init(&b);
    diags_format(&d, &b);
    snprintf(out, out_len, "%s", b.data ? b.data : "");
    buf_fini(&b);
    diags_fini(&d);
    return ok;
}

static void
test_cli_parses_render_with_options_after_config(void **state)
{
    (void)state;
    struct cli_opts o;
    char            msg[512];
    const char     *args[] = {"render",  "schule.yaml", "--class", "5a", "--class", "7b",       "--out", "x",
                              "--split", "both",        "--jobs",  "3",  "--quiet", "--strict", NULL};
    assert_true(parse(&o, msg, sizeof msg, args));
    assert_string_equal(msg, "");
    assert_int_equal(o.command, CLI_CMD_RENDER);
    assert_string_equal(o.config_path, "schule.yaml");
    assert_int_equal(o.n_classes, 2);
    assert_string_equal(o.classes[1], "7b");
    assert_string_equal(o.out_dir, "x");
    assert_true(o.has_split);
    assert_int_equal(o.split, CONFIG_SPLIT_BOTH);
    assert_int_equal(o.jobs, 3);
    assert_true(o.quiet);
    assert_true(o.strict);
    cli_opts_fini(&o);
}

static void
test_cli_parses_language_as_code_or_name(void **state)
{
    (void)state;
    static const struct {
        const char *arg, *code;
    } cases[] = {{"tr", "tr"},   {"Türkisch", "tr"}, {"ARABISCH", "ar"},
                 {"Dari", "fa"}, {"de", ""},         {"Deutsch", ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cli_opts o;
        char            msg[512];
        const char     *args[] = {"render", "schule.yaml", "--language", cases[i].arg, NULL};
        assert_true(parse(&o, msg, sizeof msg, args));
        assert_string_equal(msg, "");
        assert_true(o.has_language);
        assert_string_equal(o.language, cases[i].code);
        cli_opts_fini(&o);
    }
}

static void
test_cli_parses_pupil_selection(void **state)
{
    (void)state;
    struct cli_opts o;
    char            msg[512];
    const char     *args[] = {"render", "--pupil", "Yılmaz, Elif", "s.yaml", "--id", "4711", NULL};
    assert_true(parse(&o, msg, sizeof msg, args));
    assert_int_equal(o.n_pupils, 1);
    assert_string_equal(o.pupils[0], "Yılmaz, Elif");
    assert_int_equal(o.n_ids, 1);
    assert_string_equal(o.config_path, "s.yaml");
    cli_opts_fini(&o);
}

static void
test_cli_reports_usage_errors(void **state)
{
    (void)state;
    static const struct {
        const char *args[12];
        const char *msg;
    } cases[] = {
        {{NULL}, "consentgen: error: no command given\n"},
        {{"print", "s.yaml", NULL},
         "consentgen: error: unknown command \"print\": expected render, check, list, scan, set, status or init\n"},
        {{"scan", "s.yaml", NULL}, "consentgen: error: scan needs the scanned files: consentgen scan CONFIG FILE...\n"},
        {{"scan", "s.yaml", "a.pdf", "--out", "x", NULL},
         "consentgen: error: --out and --split belong to render; scan writes the register and its review file\n"},
        {{"scan", "s.yaml", "a.pdf", "--class", "5a", NULL},
         "consentgen: error: scan reads every slip in the files; --class, --pupil, --id and --missing do not belong "
         "to it\n"},
        {{"set", "s.yaml", "b.yaml", NULL},
         "consentgen: error: unexpected argument \"b.yaml\": only one CONFIG is taken\n"},
        {{"render", NULL}, "consentgen: error: no CONFIG file given\n"},
        {{"render", "s.yaml", "--jobs", "x", NULL}, "consentgen: error: --jobs: \"x\" is not a number\n"},
        {{"render", "s.yaml", "--jobs", "0", NULL},
         "consentgen: error: --jobs: 0 is out of range (1 to 256)\n"},
        {{"render", "s.yaml", "--split", "all", NULL},
         "consentgen: error: --split: \"all\" is not one of class, pupil, both\n"},
        {{"render", "s.yaml", "--colour", NULL}, "consentgen: error: unknown option \"--colour\"\n"},
        {{"render", "s.yaml", "--out", NULL}, "consentgen: error: --out needs a value\n"},
        {{"render", "a.yaml", "b.yaml", NULL},
         "consentgen: error: unexpected argument \"b.yaml\": only one CONFIG is taken\n"},
        {{"check", "s.yaml", "--pupil", "A, B", NULL},
         "consentgen: error: --pupil and --id belong to render and set\n"},
        {{"list", "s.yaml", "--out", "x", NULL},
         "consentgen: error: --out, --split, --jobs and --quiet belong to render\n"},
        {{"check", "s.yaml", "--class", "5a", NULL},
         "consentgen: error: --class belongs to render, list, set and status\n"},
        {{"render", "s.yaml", "--answer", "ja", NULL},
         "consentgen: error: --answer and --date belong to set\n"},
        {{"list", "s.yaml", "--missing", NULL},
         "consentgen: error: --missing belongs to render and status\n"},
        {{"set", "s.yaml", "--missing", "--id", "1", "--answer", "ja", NULL},
         "consentgen: error: --missing belongs to render and status\n"},
        {{"status", "s.yaml", "--id", "1", NULL},
         "consentgen: error: --pupil and --id belong to render and set\n"},
        {{"set", "s.yaml", "--answer", "ja", NULL},
         "consentgen: error: set needs the pupil: --pupil \"NACHNAME, VORNAME\" or --id ID\n"},
        {{"set", "s.yaml", "--id", "1", "--id", "2", "--answer", "ja", NULL},
         "consentgen: error: set records one pupil's answer; give --pupil or --id once\n"},
        {{"set", "s.yaml", "--id", "1", NULL},
         "consentgen: error: set needs the answer: --answer ja, nein or widerrufen\n"},
        {{"set", "s.yaml", "--id", "1", "--answer", "vielleicht", NULL},
         "consentgen: error: --answer: \"vielleicht\" is not one of ja, nein, widerrufen\n"},
        {{"set", "s.yaml", "--id", "1", "--answer", "ja", "--date", "1.12.", NULL},
         "consentgen: error: --date: \"1.12.\" is not a date; expected a date like 2026-12-01 or "
         "01.12.2026\n"},
        {{"set", "s.yaml", "--id", "1", "--answer", "ja", "--date", "2026-02-30", NULL},
         "consentgen: error: --date: \"2026-02-30\" is not a real date\n"},
        {{"set", "s.yaml", "--id", "1", "--answer", "ja", "--date", "9999-12-31", NULL},
         "consentgen: error: --date: 9999-12-31 lies in the future; give the day the answer came in\n"},
        {{"render", "s.yaml", "--pupil", "A, B", "--split", "class", NULL},
         "consentgen: error: --pupil and --id write one file per pupil; leave out --split\n"},
        {{"render", "s.yaml", "--language", "Elbisch", NULL},
         "consentgen: error: --language: \"Elbisch\" is not a language; give a code such as tr or a name "
         "such as Türkisch\n"},
        {{"check", "s.yaml", "--language", "tr", NULL}, "consentgen: error: --language belongs to render\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cli_opts o;
        char            msg[512];
        assert_false(parse(&o, msg, sizeof msg, cases[i].args));
        assert_string_equal(msg, cases[i].msg);
        cli_opts_fini(&o);
    }
}

static void
test_cli_parses_set(void **state)
{
    (void)state;
    struct cli_opts o;
    char            msg[512];
    const char     *a1[] = {"set",      "s.yaml", "--pupil", "Şahin, İlayda",
                            "--answer", "Nein",   "--date",  "01.12.2026",
                            "--class",  "5a",     NULL};
    assert_true(parse(&o, msg, sizeof msg, a1));
    assert_string_equal(msg, "");
    assert_int_equal(o.command, CLI_CMD_SET);
    assert_int_equal(o.n_pupils, 1);
    assert_string_equal(o.pupils[0], "Şahin, İlayda");
    assert_int_equal(o.n_classes, 1);
    assert_true(o.has_answer);
    assert_int_equal(o.answer, REGISTER_ANSWER_NO);
    assert_true(o.has_date);
    assert_int_equal(o.date.year, 2026);
    assert_int_equal(o.date.month, 12);
    assert_int_equal(o.date.day, 1);
    cli_opts_fini(&o);
    const char *a2[] = {"set", "--id", "40123", "--answer", "widerrufen", "s.yaml", NULL};
    assert_true(parse(&o, msg, sizeof msg, a2));
    assert_int_equal(o.answer, REGISTER_ANSWER_WITHDRAWN);
    assert_false(o.has_date); /* today */
    assert_string_equal(o.ids[0], "40123");
    cli_opts_fini(&o);
}

static void
test_cli_parses_status_and_render_missing(void **state)
{
    (void)state;
    struct cli_opts o;
    char            msg[512];
    const char     *a1[] = {"status", "s.yaml", "--class", "5a", "--class", "6b", "--missing", NULL};
    assert_true(parse(&o, msg, sizeof msg, a1));
    assert_string_equal(msg, "");
    assert_int_equal(o.command, CLI_CMD_STATUS);
    assert_int_equal(o.n_classes, 2);
    assert_true(o.missing);
    cli_opts_fini(&o);
    const char *a2[] = {"render", "s.yaml", "--missing", "--split", "pupil", NULL};
    assert_true(parse(&o, msg, sizeof msg, a2));
    assert_int_equal(o.command, CLI_CMD_RENDER);
    assert_true(o.missing);
    cli_opts_fini(&o);
    const char *a3[] = {"status", "s.yaml", NULL};
    assert_true(parse(&o, msg, sizeof msg, a3));
    assert_false(o.missing);
    cli_opts_fini(&o);
}

static void
test_cli_parses_scan_with_its_files_in_order(void **state)
{
    (void)state;
    struct cli_opts o;
    char            msg[512];
    const char     *a1[] = {"scan", "s.yaml", "montag.pdf", "--jobs", "2", "dienstag.pdf", "--quiet", "b.tif", NULL};
    assert_true(parse(&o, msg, sizeof msg, a1));
    assert_string_equal(msg, "");
    assert_int_equal(o.command, CLI_CMD_SCAN);
    assert_string_equal(o.config_path, "s.yaml");
    assert_int_equal(o.n_files, 3);
    assert_string_equal(o.files[0], "montag.pdf");
    assert_string_equal(o.files[1], "dienstag.pdf");
    assert_string_equal(o.files[2], "b.tif");
    assert_int_equal(o.jobs, 2);
    assert_true(o.quiet);
    cli_opts_fini(&o);
}

static void
test_cli_parses_init_with_and_without_folder(void **state)
{
    (void)state;
    struct cli_opts   o;
    char              msg[512];
    const char *const bare[] = {"init", NULL};
    assert_true(parse(&o, msg, sizeof msg, bare));
    assert_int_equal(o.command, CLI_CMD_INIT);
    assert_null(o.folder);
    assert_null(o.roster_path);
    assert_null(o.config_path);
    cli_opts_fini(&o);

    const char *const full[] = {"init", "--roster", "Export/schild.csv", "Formulare", NULL};
    assert_true(parse(&o, msg, sizeof msg, full));
    assert_string_equal(o.folder, "Formulare");
    assert_string_equal(o.roster_path, "Export/schild.csv");
    cli_opts_fini(&o);

    static const struct {
        const char *args[5];
        const char *msg;
    } bad[] = {
        {{"init", "a", "b", NULL}, "consentgen: error: unexpected argument \"b\": init takes one FOLDER, and the "
                                   "roster with --roster\n"},
        {{"init", "--class", "5a", NULL}, "consentgen: error: init takes only a folder and --roster FILE\n"},
        {{"check", "schule.yaml", "--roster", "k.csv", NULL},
         "consentgen: error: --roster belongs to init; the config names the roster of the others\n"},
        {{"init", "--roster", NULL}, "consentgen: error: --roster needs a value\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_false(parse(&o, msg, sizeof msg, bad[i].args));
        assert_string_equal(msg, bad[i].msg);
        cli_opts_fini(&o);
    }
}

static void
test_cli_help_and_version_anywhere(void **state)
{
    (void)state;
    struct cli_opts o;
    char            msg[512];
    const char     *a1[] = {"--help", NULL};
    assert_true(parse(&o, msg, sizeof msg, a1));
    assert_int_equal(o.command, CLI_CMD_HELP);
    cli_opts_fini(&o);
    const char *a2[] = {"render", "s.yaml", "--help", NULL};
    assert_true(parse(&o, msg, sizeof msg, a2));
    assert_int_equal(o.command, CLI_CMD_HELP);
    cli_opts_fini(&o);
    const char *a3[] = {"--version", NULL};
    assert_true(parse(&o, msg, sizeof msg, a3));
    assert_int_equal(o.command, CLI_CMD_VERSION);
    cli_opts_fini(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_parses_render_with_options_after_config),
        cmocka_unit_test(test_cli_parses_pupil_selection),
        cmocka_unit_test(test_cli_parses_language_as_code_or_name),
        cmocka_unit_test(test_cli_reports_usage_errors),
        cmocka_unit_test(test_cli_parses_set),
        cmocka_unit_test(test_cli_parses_status_and_render_missing),
        cmocka_unit_test(test_cli_parses_scan_with_its_files_in_order),
        cmocka_unit_test(test_cli_parses_init_with_and_without_folder),
        cmocka_unit_test(test_cli_help_and_version_anywhere),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
