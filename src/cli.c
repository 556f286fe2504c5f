/*
 * cli: the command line. Parses the arguments, hands each command to the run
 * core (run.c: load and cross-check the inputs, choose classes and pupils,
 * render all or nothing), prints the problems it reports, the results and
 * the progress line. The only module that prints, and the one place that
 * picks the exit status (DESIGN.md): 0 done, 1 invalid input, 2 usage,
 * 3 output failed.
 */
#include "consentgen/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/output.h"
#include "consentgen/run.h"
#include "consentgen/sys.h"
#include "consentgen/util.h"

static void
print_help(void)
{
    /* TRANSLATORS: %s is the version number. */
    printf(
        _("consentgen %s - prints consent forms for a whole school\n"
          "\n"
          "Usage:\n"
          "  consentgen render CONFIG [OPTIONS]   write the forms as PDF files\n"
          "  consentgen check  CONFIG             check config, roster, template and fonts; write nothing\n"
          "  consentgen list   CONFIG [--class NAME]...\n"
          "                                       classes with pupil counts; the pupils of named classes\n"
          "  consentgen scan   CONFIG FILE...     read scanned return slips (PDF, PNG, JPEG, TIFF) into the\n"
          "                                       consent register; slips to check go to a review PDF\n"
          "  consentgen set    CONFIG (--pupil \"NACHNAME, VORNAME\" | --id ID) --answer ja|nein|widerrufen "
          "[--date "
          "D]\n"
          "                                       record an answer in the consent register\n"
          "  consentgen status CONFIG [--class NAME]... [--missing]\n"
          "                                       answers back per class; with --missing who is still "
          "missing\n"
          "  consentgen init   [FOLDER] [--roster FILE]\n"
          "                                       start a new school: a commented schule.yaml and a copy of\n"
          "                                       the form text in FOLDER (default: here); never replaces a "
          "file\n"
          "  consentgen --help | --version\n"
          "\n"
          "Choosing classes and pupils:\n"
          "  --class NAME          only this class (render, list, set, status; repeatable)\n"
          "  --pupil \"NACHNAME, VORNAME\"\n"
          "                        only this pupil (render: one file; set; repeatable); case, accents\n"
          "                        and spellings such as ue for ü do not matter\n"
          "  --id ID               only the pupil with this id from the roster (render, set; repeatable)\n"
          "  --missing             render, status: only the pupils whose answer is not in the register yet\n"
          "\n"
          "Answers (set):\n"
          "  --answer ja|nein|widerrufen\n"
          "                        the answer on the signed slip, or a withdrawal\n"
          "  --date D              the day it came in (2026-12-01 or 01.12.2026; default: today)\n"
          "\n"
          "Starting (init):\n"
          "  --roster FILE         the pupil list exported by the school software: schule.yaml names it\n"
          "                        and the columns, delimiter and encoding found in it\n"
          "\n"
          "Output (render):\n"
          "  --out DIR             folder for the PDF files (default: output.dir of the config)\n"
          "  --split class|pupil|both\n"
          "                        one file per class (OUT/5a.pdf), per pupil (OUT/5a/Name_Vorname.pdf), or "
          "both\n"
          "  --language CODE       every form with the translation into this language (tr, ar, Türkisch\n"
          "                        ...; de: German only) instead of the roster's language column\n"
          "  --jobs N              worker processes (render, scan; default: number of processor cores)\n"
          "  --quiet               no progress line (render, scan)\n"
          "  --strict              treat warnings (duplicate pupil, odd birth date) as errors: the run\n"
          "                        stops and writes nothing\n"
          "\n"
          "Exit status:\n"
          "  0  done\n"
          "  1  the input is invalid (config, roster, template, register, a name the font cannot print); "
          "nothing was written\n"
          "  2  the command line is wrong\n"
          "  3  an output file or the register could not be written; no partial file is left behind\n"
          "\n"
          "Problems are shown as FILE:LINE:COLUMN: error: MESSAGE. See consentgen(1).\n"),
        CONSENTGEN_VERSION);
}

/* ---- argument parsing ---- */

static void
push_arg(const char ***v, size_t *n, const char *arg)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = arg;
}

static bool
parse_split(const char *s, enum config_split *split)
{
    if (strcmp(s, "class") == 0)
        *split = CONFIG_SPLIT_CLASS;
    else if (strcmp(s, "pupil") == 0)
        *split = CONFIG_SPLIT_PUPIL;
    else if (strcmp(s, "both") == 0)
        *split = CONFIG_SPLIT_BOTH;
    else
        return false;
    return true;
}

/* The answers set takes; "ja" also as "Ja", "JA". */
static bool
parse_answer(const char *s, enum register_answer *answer)
{
    if (util_strcasecmp_ascii(s, "ja") == 0)
        *answer = REGISTER_ANSWER_YES;
    else if (util_strcasecmp_ascii(s, "nein") == 0)
        *answer = REGISTER_ANSWER_NO;
    else if (util_strcasecmp_ascii(s, "widerrufen") == 0)
        *answer = REGISTER_ANSWER_WITHDRAWN;
    else
        return false;
    return true;
}

static bool
parse_date_option(const char *s, struct date *date, struct diags *d)
{
    switch (date_parse(s, date)) {
    case DATE_OK:
        break;
    case DATE_BAD_FORMAT:
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "--date: \"%s\" is not a date; expected a date like 2026-12-01 or "
                 "01.12.2026",
                 s);
        return false;
    case DATE_NOT_REAL:
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--date: \"%s\" is not a real date", s);
        return false;
    }
    if (date_compare(*date, date_today()) > 0) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--date: %s lies in the future; give the day the answer came in",
                 s);
        return false;
    }
    return true;
}

/* Options that only some commands take; one message per group, so each is a whole sentence. */
static bool
check_options_fit(const struct cli_opts *o, struct diags *d)
{
    enum cli_command c = o->command;
    if (c != CLI_CMD_INIT && o->roster_path) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--roster belongs to init; the config names the roster of the others");
        return false;
    }
    if (c == CLI_CMD_INIT && (o->n_classes || o->n_pupils || o->n_ids || o->out_dir || o->has_split || o->jobs ||
                              o->quiet || o->strict || o->missing || o->has_answer || o->has_date)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "init takes only a folder and --roster FILE");
        return false;
    }
    if (c == CLI_CMD_INIT)
        return true;
    if (c != CLI_CMD_RENDER && c != CLI_CMD_SCAN && (o->out_dir || o->has_split || o->jobs || o->quiet)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--out, --split, --jobs and --quiet belong to render");
        return false;
    }
    if (c == CLI_CMD_SCAN && (o->out_dir || o->has_split)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "--out and --split belong to render; scan writes the register and its review file");
        return false;
    }
    if (c == CLI_CMD_SCAN && (o->n_classes || o->n_pupils || o->n_ids || o->missing)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "scan reads every slip in the files; --class, --pupil, --id and --missing do not belong to it");
        return false;
    }
    if (c == CLI_CMD_SCAN && o->n_files == 0) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "scan needs the scanned files: consentgen scan CONFIG FILE...");
        return false;
    }
    if (c != CLI_CMD_RENDER && c != CLI_CMD_SET && (o->n_pupils || o->n_ids)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--pupil and --id belong to render and set");
        return false;
    }
    if (c == CLI_CMD_CHECK && o->n_classes) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--class belongs to render, list, set and status");
        return false;
    }
    if (c != CLI_CMD_SET && (o->has_answer || o->has_date)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--answer and --date belong to set");
        return false;
    }
    if (c != CLI_CMD_RENDER && o->has_language) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--language belongs to render");
        return false;
    }
    if (c != CLI_CMD_RENDER && c != CLI_CMD_STATUS && o->missing) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--missing belongs to render and status");
        return false;
    }
    if (c == CLI_CMD_SET) {
        if (o->n_pupils + o->n_ids == 0) {
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "set needs the pupil: --pupil \"NACHNAME, VORNAME\" or --id ID");
            return false;
        }
        if (o->n_pupils + o->n_ids > 1) {
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "set records one pupil's answer; give --pupil or --id once");
            return false;
        }
        if (!o->has_answer) {
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "set needs the answer: --answer ja, nein or widerrufen");
            return false;
        }
    }
    return true;
}

bool
cli_parse(int argc, char **argv, struct cli_opts *opts, struct diags *d)
{
    enum {
        OPT_CLASS = 256,
        OPT_PUPIL,
        OPT_ID,
        OPT_OUT,
        OPT_SPLIT,
        OPT_JOBS,
        OPT_QUIET,
        OPT_STRICT,
        OPT_MISSING,
        OPT_ANSWER,
        OPT_DATE,
        OPT_ROSTER,
        OPT_LANGUAGE
    };
    static const struct option longopts[] = {
        {"class", required_argument, NULL, OPT_CLASS}, {"pupil", required_argument, NULL, OPT_PUPIL},
        {"id", required_argument, NULL, OPT_ID},       {"out", required_argument, NULL, OPT_OUT},
        {"split", required_argument, NULL, OPT_SPLIT}, {"jobs", required_argument, NULL, OPT_JOBS},
        {"quiet", no_argument, NULL, OPT_QUIET},       {"strict", no_argument, NULL, OPT_STRICT},
        {"missing", no_argument, NULL, OPT_MISSING},   {"answer", required_argument, NULL, OPT_ANSWER},
        {"date", required_argument, NULL, OPT_DATE},   {"roster", required_argument, NULL, OPT_ROSTER},
        {"help", no_argument, NULL, 'h'},              {"version", no_argument, NULL, 'V'},
        {"language", required_argument, NULL, OPT_LANGUAGE},
        {NULL, 0, NULL, 0},
    };
    memset(opts, 0, sizeof(*opts));
    if (argc < 2) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "no command given");
        return false;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "render") == 0)
        opts->command = CLI_CMD_RENDER;
    else if (strcmp(cmd, "check") == 0)
        opts->command = CLI_CMD_CHECK;
    else if (strcmp(cmd, "list") == 0)
        opts->command = CLI_CMD_LIST;
    else if (strcmp(cmd, "set") == 0)
        opts->command = CLI_CMD_SET;
    else if (strcmp(cmd, "status") == 0)
        opts->command = CLI_CMD_STATUS;
    else if (strcmp(cmd, "scan") == 0)
        opts->command = CLI_CMD_SCAN;
    else if (strcmp(cmd, "init") == 0)
        opts->command = CLI_CMD_INIT;
    else if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        opts->command = CLI_CMD_HELP;
    else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
        opts->command = CLI_CMD_VERSION;
    else {
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "unknown command \"%s\": expected render, check, list, scan, set, status or init", cmd);
        return false;
    }
    if (opts->command == CLI_CMD_HELP || opts->command == CLI_CMD_VERSION)
        return true;

    optind = 0; /* glibc: full re-initialisation, so cli_parse can run more than once */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "+:hV", longopts, NULL)) != -1 || optind < argc - 1) {
        if (c == -1) { /* a positional argument: the config; options may follow it */
            const char *arg = argv[1 + optind++];
            if (opts->config_path && opts->command == CLI_CMD_SCAN) {
                push_arg(&opts->files, &opts->n_files, arg);
                continue;
            }
            if (opts->command == CLI_CMD_INIT) {
                if (opts->folder) {
                    diag_add(d, DIAG_ERROR, NULL, 0, 0,
                             "unexpected argument \"%s\": init takes one FOLDER, and the roster with --roster",
                             arg);
                    return false;
                }
                opts->folder = arg;
                continue;
            }
            if (opts->config_path) {
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "unexpected argument \"%s\": only one CONFIG is taken",
                         arg);
                return false;
            }
            opts->config_path = arg;
            continue;
        }
        switch (c) {
        case OPT_CLASS:
            push_arg(&opts->classes, &opts->n_classes, optarg);
            break;
        case OPT_PUPIL:
            push_arg(&opts->pupils, &opts->n_pupils, optarg);
            break;
        case OPT_ID:
            push_arg(&opts->ids, &opts->n_ids, optarg);
            break;
        case OPT_OUT:
            opts->out_dir = optarg;
            break;
        case OPT_SPLIT:
            if (!parse_split(optarg, &opts->split)) {
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "--split: \"%s\" is not one of class, pupil, both",
                         optarg);
                return false;
            }
            opts->has_split = true;
            break;
        case OPT_JOBS: {
            char *end;
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (end == optarg || *end || errno) {
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "--jobs: \"%s\" is not a number", optarg);
                return false;
            }
            if (n < 1 || n > 256) {
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "--jobs: %ld is out of range (1 to 256)", n);
                return false;
            }
            opts->jobs = (int)n;
            break;
        }
        case OPT_QUIET:
            opts->quiet = true;
            break;
        case OPT_STRICT:
            opts->strict = true;
            break;
        case OPT_MISSING:
            opts->missing = true;
            break;
        case OPT_ANSWER:
            if (!parse_answer(optarg, &opts->answer)) {
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "--answer: \"%s\" is not one of ja, nein, widerrufen",
                         optarg);
                return false;
            }
            opts->has_answer = true;
            break;
        case OPT_DATE:
            if (!parse_date_option(optarg, &opts->date, d))
                return false;
            opts->has_date = true;
            break;
        case OPT_ROSTER:
            opts->roster_path = optarg;
            break;
        case OPT_LANGUAGE:
            if (!roster_language_code(optarg, opts->language)) {
                diag_add(d, DIAG_ERROR, NULL, 0, 0,
                         "--language: \"%s\" is not a language; give a code such as tr or a name such as "
                         "Türkisch",
                         util_quote(optarg).text);
                return false;
            }
            opts->has_language = true;
            break;
        case 'h':
            opts->command = CLI_CMD_HELP;
            return true;
        case 'V':
            opts->command = CLI_CMD_VERSION;
            return true;
        case ':':
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "%s needs a value", argv[optind]);
            return false;
        default:
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "unknown option \"%s\"", argv[optind]);
            return false;
        }
    }
    if (!opts->config_path && opts->command != CLI_CMD_INIT) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "no CONFIG file given");
        return false;
    }
    if (!check_options_fit(opts, d))
        return false;
    bool selects_pupils = opts->n_pupils || opts->n_ids;
    if (selects_pupils && opts->has_split && opts->split != CONFIG_SPLIT_PUPIL) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--pupil and --id write one file per pupil; leave out --split");
        return false;
    }
    return true;
}

void
cli_opts_fini(struct cli_opts *opts)
{
    free(opts->classes);
    free(opts->pupils);
    free(opts->ids);
    free(opts->files);
    memset(opts, 0, sizeof(*opts));
}

/* ---- printing ---- */

static void
print_diags(struct diags *d)
{
    struct buf b;
    buf_init(&b);
    diags_sort(d);
    diags_format(d, &b);
    if (b.len)
        fwrite(b.data, 1, b.len, stderr);
    buf_fini(&b);
}

/* "consentgen: note: MSG" on stderr, msg already translated. */
static void
print_note(const char *msg)
{
    struct diags d = {0};
    diag_add(&d, DIAG_NOTE, NULL, 0, 0, "%s", msg);
    print_diags(&d);
    diags_fini(&d);
}

static void
print_usage_error(struct diags *d)
{
    print_diags(d);
    fprintf(stderr, "%s\n%s\n%s\n", _("usage: consentgen render|check|list|scan|set|status CONFIG [OPTIONS]"),
            _("       consentgen init [FOLDER] [--roster FILE]"), _("Try 'consentgen --help'."));
}

/* ---- commands ---- */

/*
 * One row of a table under its translated heading: the label left-aligned,
 * each number right-aligned under the end of the heading's next word. Counted
 * in characters ("zurück" has more bytes than characters), so a translated
 * heading lines its numbers up by itself. tail (NULL: none) follows the numbers.
 */
static void
print_table_row_with(const char *header, const char *label, const size_t *numbers, size_t n, const char *tail)
{
    size_t      col = utf8_count_chars(label, strlen(label));
    const char *h = header + strcspn(header, " "); /* the first word is the label's column */
    fputs(label, stdout);
    for (size_t i = 0; i < n; i++) {
        h += strspn(h, " ");
        h += strcspn(h, " ");
        size_t end = utf8_count_chars(header, (size_t)(h - header));
        char   num[24];
        size_t len = (size_t)snprintf(num, sizeof num, "%zu", numbers[i]);
        size_t pad = end > col + len ? end - col - len : 1;
        printf("%*s%s", (int)pad, "", num);
        col += pad + len;
    }
    if (tail)
        fputs(tail, stdout);
    putchar('\n');
}

static void
print_table_row(const char *header, const char *label, const size_t *numbers, size_t n)
{
    print_table_row_with(header, label, numbers, n, NULL);
}

/* The heading of a tab-separated list of pupils (list --class, status --missing). */
static void
print_pupils_header(bool has_id)
{
    /* TRANSLATORS: headings of a tab-separated list of pupils; keep the tabs (\t). */
    puts(has_id ? _("Class\tLast name\tFirst name\tBirth date\tID") : _("Class\tLast name\tFirst name\tBirth date"));
}

static struct run_request
request_of(const struct cli_opts *o, bool need_fonts)
{
    struct run_request req = {0};
    req.config_path = o->config_path;
    req.classes = o->classes;
    req.n_classes = o->n_classes;
    req.pupils = o->pupils;
    req.n_pupils = o->n_pupils;
    req.ids = o->ids;
    req.n_ids = o->n_ids;
    req.out_dir = o->out_dir;
    req.has_split = o->has_split;
    req.split = o->split;
    req.jobs = (size_t)o->jobs;
    req.strict = o->strict;
    req.need_fonts = need_fonts;
    req.need_register =
        o->command == CLI_CMD_SET || o->command == CLI_CMD_STATUS || o->command == CLI_CMD_SCAN || o->missing;
    req.missing = o->missing;
    req.language = o->has_language ? o->language : NULL;
    return req;
}

static void
show_progress(void *ctx, size_t n_done, size_t n_classes)
{
    (void)ctx;
    fputs("\r\033[K", stderr);
    fprintf(stderr, util_translate_plural("%zu of %zu class done", "%zu of %zu classes done", n_classes), n_done,
            n_classes);
    fflush(stderr);
}

/* Under --strict, warnings alone stop a run: say so, or the secretary looks for an error that is not there.
 */
static bool
stopped_by_strict(const struct cli_opts *o, const struct diags *d)
{
    return o->strict && d->n_errors == 0 && d->n_warnings > 0;
}

/* Loads the run, printing its problems; false (and r freed) if it has errors. req must outlive r. */
static bool
load_run(struct run *r, const struct run_request *req)
{
    struct diags d = {0};
    bool         ok = run_load(r, req, &d);
    print_diags(&d);
    diags_fini(&d);
    if (!ok)
        run_fini(r);
    return ok;
}

static int
cmd_render(const struct cli_opts *o)
{
    struct run_request req = request_of(o, true);
    struct run         r = {0};
    struct diags       d = {0};
    bool               ok = run_load(&r, &req, &d);
    print_diags(&d);
    if (!ok && stopped_by_strict(o, &d))
        print_note(util_translate_plural("--strict: the warning above stopped the run; no file was written",
                                         "--strict: the warnings above stopped the run; no file was written",
                                         d.n_warnings));
    diags_fini(&d);
    if (!ok) {
        run_fini(&r);
        return CLI_EXIT_INPUT;
    }
    bool                     progress = !o->quiet && sys_stderr_is_terminal();
    struct run_progress      shown = {NULL, progress ? show_progress : NULL};
    struct run_render_result res;
    ok = run_render(&r, &shown, &res, &d);
    if (progress)
        fputs("\r\033[K", stderr);
    for (size_t i = 0; i < res.n_written; i++)
        printf("%s\n", res.written[i]);
    print_diags(&d);
    if (res.signo)
        print_note(_("interrupted: no file was written"));
    else if (!ok && res.n_written == 0)
        print_note(_("no file was written"));
    else if (ok && res.n_written == 0 && o->missing)
        print_note(_("every chosen pupil's answer is in the register: there is nothing to remind"));
    int signo = res.signo;
    run_render_result_fini(&res);
    diags_fini(&d);
    run_fini(&r);
    if (signo) {
        /* End the way an interrupted program ends, so the shell sees it (status 128 + signal). */
        output_cleanup();
        sys_exit_by_signal(signo);
    }
    return ok ? CLI_EXIT_OK : CLI_EXIT_OUTPUT;
}

static int
cmd_check(const struct cli_opts *o)
{
    struct run_request req = request_of(o, true);
    struct run         r = {0};
    struct diags       d = {0};
    struct diags       out = {0}; /* notes on the output folder: their own, not the last warning's */
    bool               ok = run_load(&r, &req, &d);
    if (ok)
        run_check_output(&r, &out);
    print_diags(&d);
    print_diags(&out);
    diags_fini(&out);
    if (!ok && stopped_by_strict(o, &d))
        print_note(util_translate_plural("--strict: the warning above counts as an error",
                                         "--strict: the warnings above count as errors", d.n_warnings));
    if (ok) {
        unsigned long n_classes = r.n_classes, n_pupils = r.roster->n_pupils, n_warnings = d.n_warnings;
        char *classes = xasprintf(util_translate_plural("%lu class", "%lu classes", n_classes), n_classes);
        char *pupils = xasprintf(util_translate_plural("%lu pupil", "%lu pupils", n_pupils), n_pupils);
        char *warnings =
            xasprintf(util_translate_plural("%lu warning", "%lu warnings", n_warnings), n_warnings);
        /* TRANSLATORS: the config file, then "2 classes", "48 pupils", "0 warnings". */
        printf(_("%s: ok: %s, %s, %s\n"), o->config_path, classes, pupils, warnings);
        free(classes);
        free(pupils);
        free(warnings);
    }
    diags_fini(&d);
    run_fini(&r);
    return ok ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}

/* "  Türkisch 3, Arabisch 1": the languages of a class's families other than German, most first. Caller
 * frees. */
static char *
class_languages(const struct run_class *cls)
{
    const char **codes = xcalloc(cls->n_pupils + 1, sizeof *codes);
    size_t      *counts = xcalloc(cls->n_pupils + 1, sizeof *counts);
    size_t       n = 0;
    for (size_t k = 0; k < cls->n_pupils; k++) {
        const char *code = cls->pupils[k]->language;
        if (!*code)
            continue;
        size_t i = 0;
        while (i < n && strcmp(codes[i], code) != 0)
            i++;
        if (i == n)
            codes[n++] = code;
        counts[i]++;
    }
    /* Most first, then by name: a stable order for the same roster. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            bool before = counts[j] > counts[j - 1] ||
                          (counts[j] == counts[j - 1] &&
                           strcmp(roster_language_name(codes[j]), roster_language_name(codes[j - 1])) < 0);
            if (!before)
                break;
            const char *tc = codes[j];
            size_t      tn = counts[j];
            codes[j] = codes[j - 1];
            counts[j] = counts[j - 1];
            codes[j - 1] = tc;
            counts[j - 1] = tn;
        }
    struct buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s %zu", i ? ", " : "  ", roster_language_name(codes[i]), counts[i]);
    free(codes);
    free(counts);
    return buf_detach(&b);
}

static int
cmd_list(const struct cli_opts *o)
{
    struct run_request req = request_of(o, false);
    struct run         r = {0};
    if (!load_run(&r, &req))
        return CLI_EXIT_INPUT;
    bool has_language = r.roster->has_language;
    if (!o->n_classes) {
        /* TRANSLATORS: the heading of list's table; one word per column, the numbers end under the
           last letter of the second word. */
        const char *header = _("Class      Pupils");
        /* TRANSLATORS: the same heading when the roster names the families' languages: a third word. */
        const char *header_languages = _("Class      Pupils  Languages");
        puts(has_language ? header_languages : header);
        for (size_t j = 0; j < r.n_classes; j++) {
            char *languages = has_language ? class_languages(&r.classes[j]) : NULL;
            print_table_row_with(has_language ? header_languages : header, r.classes[j].name,
                                 &r.classes[j].n_pupils, 1, languages);
            free(languages);
        }
    } else {
        if (has_language)
            /* TRANSLATORS: headings of a tab-separated list of pupils with the family's language; keep the
               tabs (\t). */
            puts(r.roster->pupils[0].id ? _("Class\tLast name\tFirst name\tBirth date\tID\tLanguage")
                                        : _("Class\tLast name\tFirst name\tBirth date\tLanguage"));
        else
            print_pupils_header(r.roster->pupils[0].id != NULL);
        for (size_t j = 0; j < r.n_classes; j++) {
            if (!run_class_is_chosen(&r, r.classes[j].name))
                continue;
            for (size_t k = 0; k < r.classes[j].n_pupils; k++) {
                const struct pupil *p = r.classes[j].pupils[k];
                char                born[11] = "";
                if (roster_has_birth_date(p))
                    date_format_german(p->birth_date, born);
                printf("%s\t%s\t%s\t%s%s%s", p->class_name, p->last_name, p->first_name, born, p->id ? "\t" : "",
                       p->id ? p->id : "");
                if (has_language)
                    printf("\t%s", *p->language ? roster_language_name(p->language) : "");
                printf("\n");
            }
        }
    }
    run_fini(&r);
    return CLI_EXIT_OK;
}

static int
cmd_set(const struct cli_opts *o)
{
    struct run_request req = request_of(o, false);
    struct run         r = {0};
    struct diags       d = {0};
    bool               ok = run_load(&r, &req, &d);
    int                status = CLI_EXIT_INPUT;
    if (ok) {
        struct run_set_result res;
        ok = run_set(&r, o->answer, o->has_date ? o->date : date_today(), &res, &d);
        if (ok && res.change == REGISTER_UNCHANGED)
            diag_add(&d, DIAG_NOTE, NULL, 0, 0,
                     "\"%s, %s\" (Klasse %s) has the answer %s already; the register is unchanged",
                     res.pupil->last_name, res.pupil->first_name, res.pupil->class_name,
                     register_answer_word(register_row_of(r.reg, res.pupil)->answer));
        else if (ok)
            printf("%s\n", r.config->reg.file);
        status = ok ? CLI_EXIT_OK : res.write_failed ? CLI_EXIT_OUTPUT : CLI_EXIT_INPUT;
    }
    print_diags(&d);
    diags_fini(&d);
    run_fini(&r);
    return status;
}

static void
print_counts_row(const char *header, const char *label, const struct register_counts *c)
{
    size_t v[] = {c->n_forms, c->n_back,      c->n_yes,     c->n_no,
                  c->n_unclear, c->n_withdrawn, c->n_missing, c->n_review};
    print_table_row(header, label, v, sizeof v / sizeof v[0]);
}

/* status: per class the forms, the answers back by kind and the missing ones; with --missing, who. */
static int
cmd_status(const struct cli_opts *o)
{
    struct run_request req = request_of(o, false);
    struct run         r = {0};
    if (!load_run(&r, &req))
        return CLI_EXIT_INPUT;
    /* TRANSLATORS: the heading of status's table: the class, the forms, the answers back (yes, no, unclear and
       withdrawn together), then each kind, the ones not back, the rows to check. One word per column; each
       number ends under the last letter of its word. */
    const char *header = _("Class      Forms   Back    Yes    No Unclear Withdrawn Missing  Check");
    puts(header);
    struct register_counts all = {0};
    for (size_t j = 0; j < r.n_classes; j++) {
        const struct run_class *cls = &r.classes[j];
        if (!run_class_is_chosen(&r, cls->name))
            continue;
        struct register_counts c = {0};
        for (size_t k = 0; k < cls->n_pupils; k++) {
            /* A pupil listed twice in the roster has one row and counts once. */
            const struct register_row *row = register_row_of(r.reg, cls->pupils[k]);
            bool                       repeated = false;
            for (size_t m = 0; m < k && !repeated; m++)
                repeated = register_row_of(r.reg, cls->pupils[m]) == row;
            if (!repeated) {
                register_count_row(row, &c);
                register_count_row(row, &all);
            }
        }
        print_counts_row(header, cls->name, &c);
    }
    /* TRANSLATORS: the last row of status's table, the whole school. */
    print_counts_row(header, _("Total"), &all);
    if (o->missing) {
        printf("\n%s\n", _("Not back yet:"));
        print_pupils_header(r.roster->pupils[0].id != NULL);
        for (size_t j = 0; j < r.n_classes; j++) {
            const struct run_class *cls = &r.classes[j];
            if (!run_class_is_chosen(&r, cls->name))
                continue;
            for (size_t k = 0; k < cls->n_pupils; k++) {
                const struct pupil *p = cls->pupils[k];
                if (register_row_of(r.reg, p)->answer != REGISTER_ANSWER_NONE ||
                    (k > 0 && register_row_of(r.reg, cls->pupils[k - 1]) == register_row_of(r.reg, p)))
                    continue;
                char born[11];
                date_format_german(p->birth_date, born);
                printf("%s\t%s\t%s\t%s%s%s\n", p->class_name, p->last_name, p->first_name, born,
                       p->id ? "\t" : "", p->id ? p->id : "");
            }
        }
    }
    run_fini(&r);
    return CLI_EXIT_OK;
}

static void
show_scan_progress(void *ctx, size_t n_done, size_t n_pages)
{
    (void)ctx;
    fputs("\r\033[K", stderr);
    fprintf(stderr, util_translate_plural("%zu of %zu page read", "%zu of %zu pages read", n_pages), n_done,
            n_pages);
    fflush(stderr);
}

/* scan: the files' slips into the register; prints what it wrote and a summary. */
static int
cmd_scan(const struct cli_opts *o)
{
#ifndef CONSENTGEN_HAVE_SCAN
    (void)show_scan_progress;
    (void)o;
    struct diags d = {0};
    /* The Windows build (docs/windows.md) and a build with CONSENTGEN_SCAN=OFF. */
    diag_add(&d, DIAG_ERROR, NULL, 0, 0,
             "scan is not available in this build of consentgen; record the answers with set instead");
    print_diags(&d);
    diags_fini(&d);
    return CLI_EXIT_USAGE;
#else
    struct run_request req = request_of(o, true);
    struct run         r = {0};
    if (!load_run(&r, &req))
        return CLI_EXIT_INPUT;
    bool                   progress = !o->quiet && sys_stderr_is_terminal();
    struct run_progress    shown = {NULL, progress ? show_scan_progress : NULL};
    struct run_scan_result res;
    struct diags           d = {0};
    bool                   ok = run_scan(&r, o->files, o->n_files, o->config_path, &shown, &res, &d);
    if (progress)
        fputs("\r\033[K", stderr);
    if (res.register_written)
        printf("%s\n", r.config->reg.file);
    if (res.review_path)
        printf("%s\n", res.review_path);
    /* The summary comes last, after the messages about single pages. */
    struct diags summary = {0};
    if (ok)
        diag_add(&summary, DIAG_NOTE, NULL, 0, 0,
                 /* TRANSLATORS: the counts of return slips, then the review file. */
                 util_translate_plural("return slips read: %zu on %zu page; recorded: %zu; already in the register: "
                                       "%zu; to check: %zu (see \"%s\")",
                                       "return slips read: %zu on %zu pages; recorded: %zu; already in the register: "
                                       "%zu; to check: %zu (see \"%s\")",
                                       res.n_pages),
                 res.n_slips, res.n_pages, res.n_recorded, res.n_unchanged, res.n_review, res.review_path);
    print_diags(&d);
    print_diags(&summary);
    diags_fini(&summary);
    if (res.signo)
        print_note(_("interrupted: nothing was recorded"));
    int signo = res.signo;
    int status = ok ? CLI_EXIT_OK : res.write_failed ? CLI_EXIT_OUTPUT : CLI_EXIT_INPUT;
    run_scan_result_fini(&res);
    diags_fini(&d);
    run_fini(&r);
    if (signo) {
        output_cleanup();
        sys_exit_by_signal(signo);
    }
    return status;
#endif
}

/* A path as one shell word for a command to copy: as it is when plain, else in single quotes. */
static char *
shell_word(const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/+-") == strlen(s))
        return xstrdup(s);
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '\'');
    for (const char *p = s; *p; p++)
        if (*p == '\'')
            buf_puts(&b, "'\\''"); /* ends the quote, a quoted quote, starts it again */
        else
            buf_putc(&b, *p);
    buf_putc(&b, '\'');
    return buf_detach(&b);
}

/* init: the files written, what was found in the roster, and what to do next. */
static void
print_init_result(const struct run_init_result *res, const char *roster_path)
{
    for (size_t i = 0; i < res->n_written; i++)
        printf("%s\n", res->written[i]);
    if (roster_path) {
        unsigned long n_classes = res->n_classes, n_pupils = res->n_pupils;
        char *classes = xasprintf(util_translate_plural("%lu class", "%lu classes", n_classes), n_classes);
        char *pupils = xasprintf(util_translate_plural("%lu pupil", "%lu pupils", n_pupils), n_pupils);
        /* TRANSLATORS: the roster file, then "48 pupils", "2 classes"; a list of its columns follows. */
        printf(_("\nIn %s (%s, %s), these columns were found:\n"), roster_path, pupils, classes);
        free(classes);
        free(pupils);
        const char *labels[RUN_INIT_N_FIELDS] = {_("last name"), _("first name"), _("birth date"), _("class"),
                                                 _("id")};
        for (size_t i = 0; i < RUN_INIT_N_FIELDS; i++) {
            if (res->columns[i])
                /* TRANSLATORS: "last name: "Nachname"": a field of the form and the roster's column for it. */
                printf(_("  %s: \"%s\"\n"), labels[i], util_quote(res->columns[i]).text);
            else if (i == 2)
                printf(_("  %s: none; the forms leave the birth date blank for the parents\n"), labels[i]);
            else if (i == 4)
                printf(_("  %s: none (it is not needed)\n"), labels[i]);
        }
    }
    char *config = shell_word(res->config_path);
    puts(_("\nNext steps:"));
    printf(_("  1. Open %s in a text editor and replace each text in [square brackets] with your school's.\n"),
           res->config_path);
    printf(_("  2. Read the form text %s beside it and adapt it to your school where needed.\n"),
           res->template_file);
    if (!roster_path)
        printf(_("  3. Export the pupil list from the school software (SchILD-NRW, IServ) as a CSV file and\n"
                 "     save it as klassen.csv beside %s.\n"),
               res->config_path);
    printf(_("  %d. Check everything: consentgen check %s\n"), roster_path ? 3 : 4, config);
    printf(_("  %d. Print the forms:  consentgen render %s\n"), roster_path ? 4 : 5, config);
    free(config);
}

static int
cmd_init(const struct cli_opts *o)
{
    struct run_init_request req = {o->folder, o->roster_path, NULL};
    struct run_init_result  res;
    struct diags            d = {0};
    bool                    ok = run_init(&req, &res, &d);
    print_diags(&d);
    if (ok)
        print_init_result(&res, o->roster_path);
    int status = ok ? CLI_EXIT_OK : res.write_failed ? CLI_EXIT_OUTPUT : CLI_EXIT_INPUT;
    diags_fini(&d);
    run_init_result_fini(&res);
    return status;
}

/*
 * The message catalogues are in share/locale beside the program's folder
 * (installed: /usr/bin -> /usr/share/locale; the build tree; the Windows zip),
 * else where the build installs them.
 */
static void
init_messages(void)
{
    char *dir = sys_program_folder();
    char *beside = dir ? xasprintf("%s/../share/locale", dir) : NULL;
    util_i18n_init(beside && sys_is_folder(beside) ? beside : CONSENTGEN_LOCALEDIR);
    free(beside);
    free(dir);
}

/*
 * "consentgen check schule" means schule.yaml: when CONFIG does not exist but
 * CONFIG.yaml or CONFIG.yml does (or the other of the two endings), that one
 * is used, with a note. Returns the path to use (caller frees) or NULL.
 */
static char *
find_config(const char *path)
{
    if (util_check_regular_file(path) || errno != ENOENT)
        return NULL;
    size_t                   n = strlen(path);
    size_t                   stem = n > 5 && strcmp(path + n - 5, ".yaml") == 0  ? n - 5
                                    : n > 4 && strcmp(path + n - 4, ".yml") == 0 ? n - 4
                                                                                 : n;
    static const char *const suffixes[] = {".yaml", ".yml"};
    for (size_t i = 0; i < 2; i++) {
        char *candidate = xasprintf("%.*s%s", (int)stem, path, suffixes[i]);
        if (strcmp(candidate, path) != 0 && util_check_regular_file(candidate)) {
            char *msg = xasprintf(_("there is no file \"%s\": using \"%s\""), util_quote(path).text,
                                  util_quote(candidate).text);
            print_note(msg);
            free(msg);
            return candidate;
        }
        free(candidate);
    }
    return NULL;
}

int
cli_main(int argc, char **argv)
{
    sys_console_init();
    init_messages();
    struct cli_opts o;
    struct diags    d = {0};
    if (!cli_parse(argc, argv, &o, &d)) {
        print_usage_error(&d);
        diags_fini(&d);
        cli_opts_fini(&o);
        return CLI_EXIT_USAGE;
    }
    diags_fini(&d);
    char *found = NULL;
    if (o.config_path && (found = find_config(o.config_path)) != NULL)
        o.config_path = found;
    int status;
    switch (o.command) {
    case CLI_CMD_HELP:
        print_help();
        status = CLI_EXIT_OK;
        break;
    case CLI_CMD_VERSION:
        printf("consentgen %s\n", CONSENTGEN_VERSION);
        status = CLI_EXIT_OK;
        break;
    case CLI_CMD_RENDER:
        status = cmd_render(&o);
        break;
    case CLI_CMD_CHECK:
        status = cmd_check(&o);
        break;
    case CLI_CMD_LIST:
        status = cmd_list(&o);
        break;
    case CLI_CMD_SET:
        status = cmd_set(&o);
        break;
    case CLI_CMD_STATUS:
        status = cmd_status(&o);
        break;
    case CLI_CMD_SCAN:
        status = cmd_scan(&o);
        break;
    case CLI_CMD_INIT:
        status = cmd_init(&o);
        break;
    case CLI_CMD_NONE:
    default:
        abort();
    }
    cli_opts_fini(&o);
    free(found);
    output_cleanup();
    if (fflush(stdout) != 0 && status == CLI_EXIT_OK) {
        struct diags out = {0};
        diag_add(&out, DIAG_ERROR, NULL, 0, 0, "cannot write to standard output: %s", strerror(errno));
        print_diags(&out);
        diags_fini(&out);
        status = CLI_EXIT_OUTPUT;
    }
    return status;
}
