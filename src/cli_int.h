/*
 * Shared by the two halves of the cli module: cli.c (arguments, loading and
 * cross-checking the inputs, commands) and cli_render.c (the render run).
 */
#ifndef CONSENTGEN_CLI_INT_H
#define CONSENTGEN_CLI_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/cli.h"
#include "consentgen/config.h"
#include "consentgen/form.h"
#include "consentgen/pdf.h"
#include "consentgen/roster.h"
#include "consentgen/template.h"

/* One class and the pupils of it that this run prints, in print order. */
struct class_job {
    const char          *name;
    const struct pupil **pupils; /* every pupil of the class: file names stay stable */
    size_t               n_pupils;
    bool                *selected; /* per pupil: print a per-pupil file */
    bool                 write_class_file;
};

/* The inputs of a run, loaded once and read-only afterwards (worker processes share them). */
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

void run_fini(struct run *r);

/* Prints d sorted, in the GNU format, to stderr. */
void cli_print_diags(struct diags *d);

/*
 * Writes every file of the run, all or nothing: worker processes stage each
 * PDF as a temp file, and only when all succeeded are they renamed into
 * place; on a failure or SIGINT/SIGTERM/SIGHUP every temp file is removed.
 * Prints the written paths on stdout. Returns the exit status.
 */
int cli_render_run(struct run *r, size_t n_workers);

#endif
