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
        const char *args[8];
        const char *msg;
    } cases[] = {
        {{NULL}, "consentgen: error: no command given\n"},
        {{"print", "s.yaml", NULL},
         "consentgen: error: unknown command \"print\": expected render, check or list\n"},
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
         "consentgen: error: --pupil, --id, --out, --split, --jobs and --quiet belong to render\n"},
        {{"render", "s.yaml", "--pupil", "A, B", "--split", "class", NULL},
         "consentgen: error: --pupil and --id write one file per pupil; leave out --split\n"},
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
        cmocka_unit_test(test_cli_reports_usage_errors),
        cmocka_unit_test(test_cli_help_and_version_anywhere),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
