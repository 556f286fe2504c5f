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
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consentgen/form.h"
#include "consentgen/output.h"
#include "consentgen/pdf.h"
#include "consentgen/roster.h"
#include "consentgen/template.h"
#include "consentgen/util.h"

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
    "  1  the input is invalid (config, roster, template, a name the font cannot print); nothing was written\n"
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
        { "class", required_argument, NULL, OPT_CLASS }, { "pupil", required_argument, NULL, OPT_PUPIL },
        { "id", required_argument, NULL, OPT_ID },       { "out", required_argument, NULL, OPT_OUT },
        { "split", required_argument, NULL, OPT_SPLIT }, { "jobs", required_argument, NULL, OPT_JOBS },
        { "quiet", no_argument, NULL, OPT_QUIET },       { "strict", no_argument, NULL, OPT_STRICT },
        { "help", no_argument, NULL, 'h' },              { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
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
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "unexpected argument \"%s\": only one CONFIG is taken", arg);
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
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "--split: \"%s\" is not one of class, pupil, both", optarg);
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
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--pupil, --id, --out, --split, --jobs and --quiet belong to render");
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

static void
print_usage_error(struct diags *d)
{
    print_diags(d);
    fprintf(stderr, "%s\nTry 'consentgen --help'.\n", USAGE_LINE);
}

/* ---- the run: inputs loaded once, read-only afterwards ---- */

/* One class and the pupils of it that this run prints, in print order. */
struct class_job {
    const char          *name;
    const struct pupil **pupils;   /* every pupil of the class: file names stay stable */
    size_t               n_pupils;
    bool                *selected; /* per pupil: print a per-pupil file */
    bool                 write_class_file;
};

struct run {
    const struct cli_opts *opts;
    struct config         *config;
    struct roster         *roster;
    struct template_doc   *doc;
    struct pdf_fonts      *fonts;
    double                 logo_aspect;
    struct form_run        form;
    const char            *out_dir;
    struct class_job      *jobs;
    size_t                 n_jobs;
    enum config_split      split;
    bool                   progress;
};

static void
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
        size_t idx[16];
        size_t n = roster_find_by_name(r->roster, o->pupils[q], idx, 16);
        size_t n_in = 0;
        const struct pupil *hit[16];
        for (size_t k = 0; k < n && k < 16; k++)
            if (class_selected(o, r->roster->pupils[idx[k]].class_name))
                hit[n_in++] = &r->roster->pupils[idx[k]];
        if (n_in == 0) {
            diag_add(d, DIAG_ERROR, roster_path, 0, 0, "no pupil \"%s\" in the roster%s (write \"Nachname, Vorname\")",
                     o->pupils[q], o->n_classes ? " in the named classes" : "");
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
        template_check_placeholders(r->doc, c, (const char *const *)r->roster->headers, r->roster->n_headers, d);

    r->form = (struct form_run){ c, r->roster, r->doc, r->fonts ? pdf_fonts_metrics(r->fonts) : NULL,
                                 r->fonts ? pdf_fonts_name(r->fonts) : c->page.font, r->logo_aspect };
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

/* ---- rendering ---- */

static char *
join_path(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

/* Renders pages into a fresh PDF and writes it atomically to dir/name. */
struct pdf_job {
    struct pdf_writer *writer;
    struct arena      *arena;
};

static bool
start_pdf(const struct run *r, struct pdf_job *pj, const char *title, struct diags *d)
{
    struct pdf_meta meta = { title, r->config->school.name, template_title(r->doc) };
    pj->writer = pdf_writer_new(r->fonts, r->config->school.logo, &meta, d);
    return pj->writer != NULL;
}

static bool
finish_pdf(struct pdf_job *pj, const char *dir, const char *name, struct diags *d)
{
    struct buf pdf;
    buf_init(&pdf);
    bool ok = pdf_writer_save(pj->writer, &pdf, d) && output_write_atomic(dir, name, pdf.data, pdf.len, d);
    buf_fini(&pdf);
    pdf_writer_free(pj->writer);
    pj->writer = NULL;
    return ok;
}

static bool
add_pupil_form(const struct run *r, struct pdf_job *pj, const struct pupil *p, bool pad, struct diags *d)
{
    struct layout_doc pages = { 0 };
    form_layout_pupil(&r->form, p, pj->arena, &pages);
    if (pad)
        layout_pad_to_even(&pages, pj->arena);
    bool ok = pdf_writer_add(pj->writer, &pages, d);
    arena_reset(pj->arena);
    return ok;
}

/*
 * Each written path goes into `written` behind a sort key (class index, file
 * index), so stdout lists files in class order whatever the worker timing.
 */
static bool
write_class_file(const struct run *r, size_t j, struct output_namer *nm, struct arena *a, struct buf *written,
                 struct diags *d)
{
    const struct config    *c = r->config;
    const struct class_job *job = &r->jobs[j];
    struct pdf_job          pj = { NULL, a };
    char *title = xasprintf("%s \xE2\x80\x93 Klasse %s", template_title(r->doc), job->name);
    bool  ok = start_pdf(r, &pj, title, d);
    free(title);
    if (ok && c->output.class_sheet) {
        struct layout_doc pages = { 0 };
        form_layout_class_sheet(&r->form, job->name, job->pupils, job->n_pupils, a, &pages);
        if (c->output.duplex)
            layout_pad_to_even(&pages, a);
        ok = pdf_writer_add(pj.writer, &pages, d);
        arena_reset(a);
    }
    for (size_t k = 0; ok && k < job->n_pupils; k++)
        ok = add_pupil_form(r, &pj, job->pupils[k], c->output.duplex, d);
    if (!ok) {
        pdf_writer_free(pj.writer);
        return false;
    }
    char *safe = output_namer_safe_name(nm, job->name);
    char *name = xasprintf("%s.pdf", safe);
    ok = finish_pdf(&pj, r->out_dir, name, d);
    if (ok)
        buf_printf(written, "%06zu.000000\t%s/%s\n", j, r->out_dir, name);
    free(name);
    free(safe);
    return ok;
}

static bool
write_pupil_files(const struct run *r, size_t j, struct output_namer *nm, struct arena *a, struct buf *written,
                  struct diags *d)
{
    const struct class_job *job = &r->jobs[j];
    bool any = false;
    for (size_t k = 0; k < job->n_pupils; k++)
        any |= job->selected[k];
    if (!any)
        return true;
    char *safe_class = output_namer_safe_name(nm, job->name);
    char *dir = join_path(r->out_dir, safe_class);
    bool  ok = output_make_dir(dir, d);
    /* Names are made unique over the whole class, so a pupil's file name does not depend on the selection. */
    struct output_names *names = output_names_new();
    for (size_t k = 0; ok && k < job->n_pupils; k++) {
        const struct pupil *p = job->pupils[k];
        char *base_last = output_namer_safe_name(nm, p->last_name);
        char *base_first = output_namer_safe_name(nm, p->first_name);
        char *base = xasprintf("%s_%s", base_last, base_first);
        const char *unique = output_names_unique(names, base);
        free(base);
        free(base_last);
        free(base_first);
        if (!job->selected[k])
            continue;
        char          *file = xasprintf("%s.pdf", unique);
        struct pdf_job pj = { NULL, a };
        char *title = xasprintf("%s \xE2\x80\x93 %s, %s (Klasse %s)", template_title(r->doc), p->last_name,
                                p->first_name, p->class_name);
        ok = start_pdf(r, &pj, title, d) && add_pupil_form(r, &pj, p, false, d) && finish_pdf(&pj, dir, file, d);
        if (!ok && pj.writer)
            pdf_writer_free(pj.writer);
        if (ok)
            buf_printf(written, "%06zu.%06zu\t%s/%s\n", j, k + 1, dir, file);
        free(title);
        free(file);
    }
    output_names_free(names);
    free(dir);
    free(safe_class);
    return ok;
}

static void
show_progress(const struct run *r, size_t done, size_t total, const char *class_name)
{
    if (!r->progress)
        return;
    char line[160];
    int  n = snprintf(line, sizeof line, "\r\033[KKlasse %-8.8s %zu von %zu Klassen fertig", class_name, done, total);
    if (n > 0)
        (void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/*
 * Finds the targets that cannot be written before the first file is, so such
 * a run writes nothing: a folder where a class PDF goes, a file where a class
 * folder goes. Other failures (disk full) still show up while writing.
 */
static bool
check_targets(const struct run *r, struct diags *d)
{
    struct output_namer *nm = output_namer_new();
    size_t               errors_before = d->n_errors;
    for (size_t j = 0; j < r->n_jobs; j++) {
        const struct class_job *job = &r->jobs[j];
        bool                    any = false;
        for (size_t k = 0; k < job->n_pupils; k++)
            any |= job->selected[k];
        char       *safe = output_namer_safe_name(nm, job->name);
        struct stat st;
        if (job->write_class_file) {
            char *path = xasprintf("%s/%s.pdf", r->out_dir, safe);
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": a folder with that name is in the way",
                         path);
            free(path);
        }
        if (any) {
            char *dir = join_path(r->out_dir, safe);
            if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
                diag_add(d, DIAG_ERROR, NULL, 0, 0,
                         "cannot create folder \"%s\": a file with that name is in the way", dir);
            free(dir);
        }
        free(safe);
    }
    output_namer_free(nm);
    return d->n_errors == errors_before;
}

/* Renders the jobs with index % n_workers == worker; returns the exit status. */
static int
render_share(const struct run *r, size_t worker, size_t n_workers, struct buf *written)
{
    struct diags  d = { 0 };
    struct arena        *a = arena_new();
    struct output_namer *nm = output_namer_new();
    int                  status = CLI_EXIT_OK;
    size_t        done = 0;
    for (size_t j = worker; j < r->n_jobs && status == CLI_EXIT_OK; j += n_workers) {
        const struct class_job *job = &r->jobs[j];
        if (job->write_class_file && !write_class_file(r, j, nm, a, written, &d))
            status = CLI_EXIT_OUTPUT;
        if (status == CLI_EXIT_OK && !write_pupil_files(r, j, nm, a, written, &d))
            status = CLI_EXIT_OUTPUT;
        show_progress(r, ++done * n_workers, r->n_jobs, job->name);
    }
    output_namer_free(nm);
    arena_free(a);
    print_diags(&d);
    diags_fini(&d);
    return status;
}

static size_t
count_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

/*
 * Worker processes share the loaded inputs copy-on-write. Each writes its
 * files and sends the list of paths back through a pipe, so stdout lists
 * them in class order whatever the timing.
 */
static int
render_all(const struct run *r, size_t n_workers, struct buf *written)
{
    if (n_workers <= 1)
        return render_share(r, 0, 1, written);

    pid_t *pids = xcalloc(n_workers, sizeof(*pids));
    int   *fds = xcalloc(n_workers, sizeof(*fds));
    int    status = CLI_EXIT_OK;
    pid_t  parent = getpid();
    fflush(NULL);
    for (size_t w = 0; w < n_workers; w++) {
        int p[2];
        if (pipe(p) != 0 || (pids[w] = fork()) < 0) {
            fprintf(stderr, "consentgen: error: cannot start a worker process: %s\n", strerror(errno));
            status = CLI_EXIT_OUTPUT;
            n_workers = w;
            break;
        }
        if (pids[w] == 0) {
            /* A worker must not outlive an interrupted parent. */
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent)
                _exit(CLI_EXIT_OUTPUT);
            close(p[0]);
            struct buf mine;
            buf_init(&mine);
            int rc = render_share(r, w, n_workers, &mine);
            for (size_t off = 0; off < mine.len;) {
                ssize_t n = write(p[1], mine.data + off, mine.len - off);
                if (n <= 0 && errno != EINTR)
                    break;
                if (n > 0)
                    off += (size_t)n;
            }
            buf_fini(&mine);
            close(p[1]);
            _exit(rc);
        }
        close(p[1]);
        fds[w] = p[0];
    }
    struct buf *parts = xcalloc(n_workers, sizeof(*parts));
    for (size_t w = 0; w < n_workers; w++) {
        char    chunk[4096];
        ssize_t n;
        buf_init(&parts[w]);
        while ((n = read(fds[w], chunk, sizeof chunk)) != 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                break;
            buf_append(&parts[w], chunk, (size_t)n);
        }
        close(fds[w]);
        int ws;
        while (waitpid(pids[w], &ws, 0) < 0 && errno == EINTR)
            ;
        int rc = WIFEXITED(ws) ? WEXITSTATUS(ws) : CLI_EXIT_OUTPUT;
        if (rc > status)
            status = rc;
    }
    for (size_t w = 0; w < n_workers; w++)
        buf_append(written, parts[w].data ? parts[w].data : "", parts[w].len);
    for (size_t w = 0; w < n_workers; w++)
        buf_fini(&parts[w]);
    free(parts);
    free(pids);
    free(fds);
    return status;
}

/* Sorts the written paths by their key and prints them without it. */
static int
compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
print_written(struct buf *written)
{
    size_t n = 0;
    char **lines = NULL;
    for (char *s = written->data, *nl; s && *s; s = nl + 1) {
        nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        lines = xrealloc(lines, (n + 1) * sizeof(*lines));
        lines[n++] = s;
    }
    if (n)
        qsort(lines, n, sizeof(*lines), compare_lines);
    for (size_t i = 0; i < n; i++)
        printf("%s\n", strchr(lines[i], '\t') + 1);
    free(lines);
}

static int
cmd_render(const struct cli_opts *o)
{
    struct run   r = { 0 };
    struct diags d = { 0 };
    r.opts = o;
    bool ok = run_load(&r, true, &d);
    print_diags(&d);
    diags_fini(&d);
    if (!ok) {
        run_fini(&r);
        return CLI_EXIT_INPUT;
    }
    r.out_dir = o->out_dir ? o->out_dir : r.config->output.dir;
    r.progress = !o->quiet && isatty(STDERR_FILENO);
    if (!output_make_dir(r.out_dir, &d) || !check_targets(&r, &d)) {
        print_diags(&d);
        diags_fini(&d);
        run_fini(&r);
        return CLI_EXIT_OUTPUT;
    }
    size_t n_workers = o->jobs ? (size_t)o->jobs : count_cores();
    if (n_workers > r.n_jobs)
        n_workers = r.n_jobs ? r.n_jobs : 1;
    struct buf written;
    buf_init(&written);
    int status = render_all(&r, n_workers, &written);
    if (r.progress)
        fputs("\r\033[K", stderr);
    print_written(&written);
    buf_fini(&written);
    run_fini(&r);
    return status;
}

static int
cmd_check(const struct cli_opts *o)
{
    struct run   r = { 0 };
    struct diags d = { 0 };
    r.opts = o;
    bool ok = run_load(&r, true, &d);
    print_diags(&d);
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
    struct run   r = { 0 };
    struct diags d = { 0 };
    r.opts = o;
    bool ok = run_load(&r, false, &d);
    print_diags(&d);
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
    struct diags    d = { 0 };
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
