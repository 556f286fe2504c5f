/*
 * cli: the command line and the run. Reads the three inputs, cross-checks
 * them (placeholders against roster columns, glyphs against fonts), reports
 * every problem at once and stops before writing if there was an error. Then
 * renders class by class, in --jobs worker processes, each file written
 * atomically. The only module that prints, and the one place that picks the
 * exit status (DESIGN.md): 0 done, 1 invalid input, 2 usage, 3 output failed.
 */
#include "consentgen/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consentgen/form.h"
#include "consentgen/output.h"
#include "consentgen/pdf.h"
#include "consentgen/roster.h"
#include "consentgen/template.h"
#include "consentgen/util.h"

#include "cli_int.h"

#define USAGE_LINE "usage: consentgen render|check|list CONFIG [OPTIONS]"

static const char HELP_TEXT[] =
    "consentgen " CONSENTGEN_VERSION " - prints consent forms for a whole school\n"
    "\n"
    "Usage:\n"
    "  consentgen render CONFIG [OPTIONS]   write the forms as PDF files\n"
    "  consentgen check  CONFIG             check config, roster, template and fonts; write nothing\n"
    "  consentgen list   CONFIG [--class NAME]...\n"
    "                                       classes with pupil counts; the pupils of named classes\n"
    "  consentgen --help | --version\n"
    "\n"
    "Choosing pupils (render, list):\n"
    "  --class NAME          only this class (repeatable)\n"
    "  --pupil \"NAME, VORNAME\"  only this pupil, one file (repeatable)\n"
    "  --id ID               only the pupil with this id from the roster (repeatable)\n"
    "\n"
    "Output (render):\n"
    "  --out DIR             folder for the PDF files (default: output.dir of the config)\n"
    "  --split class|pupil|both\n"
    "                        one file per class (OUT/5a.pdf), per pupil (OUT/5a/Name_Vorname.pdf), or both\n"
    "  --jobs N              worker processes (default: number of processor cores)\n"
    "  --quiet               no progress line\n"
    "  --strict              treat warnings (duplicate pupil, odd birth date) as errors\n"
    "\n"
    "Exit status:\n"
    "  0  done\n"
    "  1  the input is invalid (config, roster, template, a name the font cannot print); nothing was "
    "written\n"
    "  2  the command line is wrong\n"
    "  3  an output file could not be written; no partial file is left behind\n"
    "\n"
    "Problems are shown as FILE:LINE:COLUMN: error: MESSAGE. See consentgen(1).\n";

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

bool
cli_parse(int argc, char **argv, struct cli_opts *opts, struct diags *d)
{
    enum { OPT_CLASS = 256, OPT_PUPIL, OPT_ID, OPT_OUT, OPT_SPLIT, OPT_JOBS, OPT_QUIET, OPT_STRICT };
    static const struct option longopts[] = {
        {"class", required_argument, NULL, OPT_CLASS},
        {"pupil", required_argument, NULL, OPT_PUPIL},
        {"id", required_argument, NULL, OPT_ID},
        {"out", required_argument, NULL, OPT_OUT},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
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
    else if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        opts->command = CLI_CMD_HELP;
    else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
        opts->command = CLI_CMD_VERSION;
    else {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "unknown command \"%s\": expected render, check or list", cmd);
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
    if (!opts->config_path) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "no CONFIG file given");
        return false;
    }
    bool selects_pupils = opts->n_pupils || opts->n_ids;
    if (opts->command != CLI_CMD_RENDER &&
        (selects_pupils || opts->out_dir || opts->has_split || opts->jobs || opts->quiet)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "--pupil, --id, --out, --split, --jobs and --quiet belong to render");
        return false;
    }
    if (opts->command == CLI_CMD_CHECK && opts->n_classes) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--class belongs to render and list");
        return false;
    }
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
    memset(opts, 0, sizeof(*opts));
}

/* ---- printing ---- */

void
cli_print_diags(struct diags *d)
{
    struct buf b;
    buf_init(&b);
    diags_sort(d);
    diags_format(d, &b);
    if (b.len)
        fwrite(b.data, 1, b.len, stderr);
    buf_fini(&b);
}

static void
print_usage_error(struct diags *d)
{
    cli_print_diags(d);
    fprintf(stderr, "%s\nTry 'consentgen --help'.\n", USAGE_LINE);
}

/* ---- the run: inputs loaded once, read-only afterwards ---- */

void
run_fini(struct run *r)
{
    for (size_t i = 0; i < r->n_jobs; i++) {
        free(r->jobs[i].pupils);
        free(r->jobs[i].selected);
    }
    free(r->jobs);
    pdf_fonts_free(r->fonts);
    template_free(r->doc);
    roster_free(r->roster);
    config_free(r->config);
}

static bool
class_selected(const struct cli_opts *o, const char *name)
{
    if (!o->n_classes)
        return true;
    for (size_t i = 0; i < o->n_classes; i++)
        if (util_strcasecmp_ascii(o->classes[i], name) == 0)
            return true;
    return false;
}

/* Classes of the sorted roster, each with all its pupils. */
static void
group_classes(struct run *r)
{
    const struct roster *ro = r->roster;
    for (size_t i = 0; i < ro->n_pupils;) {
        size_t j = i;
        while (j < ro->n_pupils && strcmp(ro->pupils[j].class_name, ro->pupils[i].class_name) == 0)
            j++;
        r->jobs = xrealloc(r->jobs, (r->n_jobs + 1) * sizeof(*r->jobs));
        struct class_job *job = &r->jobs[r->n_jobs++];
        job->name = ro->pupils[i].class_name;
        job->n_pupils = j - i;
        job->pupils = xmalloc(job->n_pupils * sizeof(*job->pupils));
        job->selected = xcalloc(job->n_pupils, sizeof(*job->selected));
        for (size_t k = i; k < j; k++)
            job->pupils[k - i] = &ro->pupils[k];
        job->write_class_file = false;
        i = j;
    }
}

/* Applies --class, --pupil, --id; problems (no such class, ambiguous pupil) go to d. */
static void
select_pupils(struct run *r, struct diags *d)
{
    const struct cli_opts *o = r->opts;
    const char            *roster_path = r->roster->path;
    bool                   by_pupil = o->n_pupils || o->n_ids;

    for (size_t c = 0; c < o->n_classes; c++) {
        bool found = false;
        for (size_t j = 0; j < r->n_jobs && !found; j++)
            found = util_strcasecmp_ascii(o->classes[c], r->jobs[j].name) == 0;
        if (!found) {
            struct buf names;
            buf_init(&names);
            for (size_t j = 0; j < r->n_jobs; j++)
                buf_printf(&names, "%s%s", j ? ", " : "", r->jobs[j].name);
            diag_add(d, DIAG_ERROR, roster_path, 0, 0, "no class \"%s\" in the roster; its classes are: %s",
                     o->classes[c], names.data ? names.data : "");
            buf_fini(&names);
        }
    }

    for (size_t j = 0; j < r->n_jobs; j++) {
        struct class_job *job = &r->jobs[j];
        bool              in_class = class_selected(o, job->name);
        if (!by_pupil) {
            job->write_class_file = in_class && r->split != CONFIG_SPLIT_PUPIL;
            for (size_t k = 0; k < job->n_pupils; k++)
                job->selected[k] = in_class && r->split != CONFIG_SPLIT_CLASS;
        }
    }
    if (!by_pupil)
        return;

    for (size_t q = 0; q < o->n_pupils; q++) {
        size_t              idx[16];
        size_t              n = roster_find_by_name(r->roster, o->pupils[q], idx, 16);
        size_t              n_in = 0;
        const struct pupil *hit[16];
        for (size_t k = 0; k < n && k < 16; k++)
            if (class_selected(o, r->roster->pupils[idx[k]].class_name))
                hit[n_in++] = &r->roster->pupils[idx[k]];
        if (n_in == 0) {
            diag_add(d, DIAG_ERROR, roster_path, 0, 0,
                     "no pupil \"%s\" in the roster%s (write \"Nachname, Vorname\")", o->pupils[q],
                     o->n_classes ? " in the named classes" : "");
            continue;
        }
        if (n_in > 1) {
            diag_add(d, DIAG_ERROR, roster_path, 0, 0,
                     "\"%s\" matches %zu pupils; add --class or use --id to choose one", o->pupils[q], n_in);
            for (size_t k = 0; k < n_in; k++) {
                char born[11];
                date_format_german(hit[k]->birth_date, born);
                diag_add(d, DIAG_NOTE, roster_path, hit[k]->line, 0, "%s, %s, Klasse %s, born %s%s%s",
                         hit[k]->last_name, hit[k]->first_name, hit[k]->class_name, born,
                         hit[k]->id ? ", id " : "", hit[k]->id ? hit[k]->id : "");
            }
            continue;
        }
        for (size_t j = 0; j < r->n_jobs; j++)
            for (size_t k = 0; k < r->jobs[j].n_pupils; k++)
                if (r->jobs[j].pupils[k] == hit[0])
                    r->jobs[j].selected[k] = true;
    }
    for (size_t q = 0; q < o->n_ids; q++) {
        bool found = false;
        for (size_t j = 0; j < r->n_jobs; j++)
            for (size_t k = 0; k < r->jobs[j].n_pupils; k++) {
                const struct pupil *p = r->jobs[j].pupils[k];
                if (p->id && strcmp(p->id, o->ids[q]) == 0 && class_selected(o, p->class_name)) {
                    r->jobs[j].selected[k] = true;
                    found = true;
                }
            }
        if (!found)
            diag_add(d, DIAG_ERROR, roster_path, 0, 0, "no pupil with id \"%s\" in the roster%s", o->ids[q],
                     r->roster->pupils && r->roster->n_pupils && !r->roster->pupils[0].id
                         ? " (the roster has no id column)"
                         : "");
    }
}

/*
 * A file the config names that cannot be read ("cannot read roster ...") gets
 * no position from its loader; point such problems, added to d from index
 * `from` on, at the config line that names the file, so an editor jumps there.
 */
static void
point_at_config(struct diags *d, size_t from, const struct config *c, struct config_pos at)
{
    for (size_t i = from; at.line && i < d->n; i++) {
        struct diag *g = &d->v[i];
        if (g->line != 0 || (g->file && strcmp(g->file, c->path) != 0))
            continue;
        free(g->file);
        g->file = xstrdup(c->path);
        g->line = at.line;
        g->col = at.col;
    }
}

/*
 * Loads and cross-checks every input. Returns false with all problems in d
 * when the run must not write anything.
 */
static bool
run_load(struct run *r, bool need_fonts, struct diags *d)
{
    r->config = config_load(r->opts->config_path, d);
    if (!r->config)
        return false;
    struct config *c = r->config;

    /* A config with errors still names the other inputs where it can: their problems are reported too. */
    size_t from = d->n;
    if (c->roster.file)
        r->roster = roster_load(c->roster.file, &c->roster, d);
    point_at_config(d, from, c, c->roster_at);
    if (need_fonts) {
        from = d->n;
        if (c->form.template_path)
            r->doc = template_load(c->form.template_path, d);
        point_at_config(d, from, c, c->template_at);
        from = d->n;
        r->fonts = pdf_fonts_load(&c->page, c->path, d);
        point_at_config(d, from, c, c->font_at);
        from = d->n;
        if (c->school.logo)
            pdf_logo_probe(c->school.logo, c->path, &r->logo_aspect, d);
        point_at_config(d, from, c, c->logo_at);
    }
    if (r->roster) {
        roster_check_plausible(r->roster, c->form.date, d);
        roster_sort(r->roster);
    }
    if (r->doc && r->roster)
        template_check_placeholders(r->doc, c, (const char *const *)r->roster->headers, r->roster->n_headers,
                                    d);

    r->form = (struct form_run){c,
                                r->roster,
                                r->doc,
                                r->fonts ? pdf_fonts_metrics(r->fonts) : NULL,
                                r->fonts ? pdf_fonts_name(r->fonts) : c->page.font,
                                r->logo_aspect};
    r->split = r->opts->has_split ? r->opts->split : c->output.split;
    if (r->opts->n_pupils || r->opts->n_ids)
        r->split = CONFIG_SPLIT_PUPIL;
    if (r->roster) {
        group_classes(r);
        select_pupils(r, d);
    }
    if (r->roster && r->doc && r->fonts && d->n_errors == 0) {
        form_check_glyphs_run(&r->form, d);
        for (size_t j = 0; j < r->n_jobs; j++) {
            const struct class_job *job = &r->jobs[j];
            for (size_t k = 0; k < job->n_pupils; k++)
                if (job->selected[k] || job->write_class_file)
                    form_check_glyphs(&r->form, job->pupils[k], d);
        }
    }
    return d->n_errors == 0 && (!r->opts->strict || d->n_warnings == 0);
}

/* ---- commands ---- */

static size_t
count_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

static int
cmd_render(const struct cli_opts *o)
{
    struct run   r = {0};
    struct diags d = {0};
    r.opts = o;
    bool ok = run_load(&r, true, &d);
    cli_print_diags(&d);
    diags_fini(&d);
    if (!ok) {
        run_fini(&r);
        return CLI_EXIT_INPUT;
    }
    r.out_dir = o->out_dir ? o->out_dir : r.config->output.dir;
    r.progress = !o->quiet && isatty(STDERR_FILENO);
    size_t n_workers = o->jobs ? (size_t)o->jobs : count_cores();
    if (n_workers > r.n_jobs)
        n_workers = r.n_jobs ? r.n_jobs : 1;
    int status = cli_render_run(&r, n_workers);
    run_fini(&r);
    return status;
}

static int
cmd_check(const struct cli_opts *o)
{
    struct run   r = {0};
    struct diags d = {0};
    r.opts = o;
    bool ok = run_load(&r, true, &d);
    cli_print_diags(&d);
    if (ok)
        printf("%s: ok: %zu classes, %zu pupils, %zu warnings\n", o->config_path, r.n_jobs,
               r.roster->n_pupils, d.n_warnings);
    diags_fini(&d);
    run_fini(&r);
    return ok ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}

static int
cmd_list(const struct cli_opts *o)
{
    struct run   r = {0};
    struct diags d = {0};
    r.opts = o;
    bool ok = run_load(&r, false, &d);
    cli_print_diags(&d);
    diags_fini(&d);
    if (!ok) {
        run_fini(&r);
        return CLI_EXIT_INPUT;
    }
    if (!o->n_classes) {
        printf("%-10s %s\n", "Klasse", "Schüler");
        for (size_t j = 0; j < r.n_jobs; j++)
            printf("%-10s %7zu\n", r.jobs[j].name, r.jobs[j].n_pupils);
    } else {
        printf("Klasse\tNachname\tVorname\tGeburtsdatum%s\n", r.roster->pupils[0].id ? "\tID" : "");
        for (size_t j = 0; j < r.n_jobs; j++) {
            if (!class_selected(o, r.jobs[j].name))
                continue;
            for (size_t k = 0; k < r.jobs[j].n_pupils; k++) {
                const struct pupil *p = r.jobs[j].pupils[k];
                char                born[11];
                date_format_german(p->birth_date, born);
                printf("%s\t%s\t%s\t%s%s%s\n", p->class_name, p->last_name, p->first_name, born,
                       p->id ? "\t" : "", p->id ? p->id : "");
            }
        }
    }
    run_fini(&r);
    return CLI_EXIT_OK;
}

int
cli_main(int argc, char **argv)
{
    struct cli_opts o;
    struct diags    d = {0};
    if (!cli_parse(argc, argv, &o, &d)) {
        print_usage_error(&d);
        diags_fini(&d);
        cli_opts_fini(&o);
        return CLI_EXIT_USAGE;
    }
    diags_fini(&d);
    int status;
    switch (o.command) {
    case CLI_CMD_HELP:
        fputs(HELP_TEXT, stdout);
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
    case CLI_CMD_NONE:
    default:
        abort();
    }
    cli_opts_fini(&o);
    output_cleanup();
    if (fflush(stdout) != 0 && status == CLI_EXIT_OK) {
        fprintf(stderr, "consentgen: error: cannot write to standard output: %s\n", strerror(errno));
        status = CLI_EXIT_OUTPUT;
    }
    return status;
}
