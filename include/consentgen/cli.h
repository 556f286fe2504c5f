/*
 * cli: the command line. Parses arguments, loads and cross-checks all
 * inputs, runs the class/pupil loop, prints diagnostics and results, and
 * picks the exit status. The only module that prints or exits.
 */
#ifndef CONSENTGEN_CLI_H
#define CONSENTGEN_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/register.h"

enum cli_exit { CLI_EXIT_OK = 0, CLI_EXIT_INPUT = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_OUTPUT = 3 };

enum cli_command {
    CLI_CMD_NONE,
    CLI_CMD_RENDER,
    CLI_CMD_CHECK,
    CLI_CMD_LIST,
    CLI_CMD_SET,
    CLI_CMD_STATUS,
    CLI_CMD_SCAN,
    CLI_CMD_INIT,
    CLI_CMD_HELP,
    CLI_CMD_VERSION
};

struct cli_opts {
    enum cli_command     command;
    const char          *config_path;
    const char         **classes; /* --class, in argv order */
    size_t               n_classes;
    const char         **pupils; /* --pupil "Nachname, Vorname" */
    size_t               n_pupils;
    const char         **ids; /* --id */
    size_t               n_ids;
    const char          *out_dir; /* NULL: config output.dir */
    bool                 has_split;
    enum config_split    split;
    int                  jobs; /* 0: number of cores */
    bool                 quiet;
    bool                 strict;
    bool                 missing;    /* render, status: only the pupils whose answer is not back */
    bool                 has_answer; /* set --answer */
    enum register_answer answer;
    bool                 has_date; /* set --date; otherwise today */
    struct date          date;
    const char         **files; /* scan: the scanned files, in argv order */
    size_t               n_files;
    const char          *folder;      /* init: FOLDER; NULL: the current folder */
    const char          *roster_path; /* init --roster */
    bool                 has_language; /* render --language */
    char                 language[3];  /* its ISO 639-1 code; "": German only */
};

/*
 * Parses argv into opts (pointers into argv). On a usage error returns false
 * with one diag (no file) in d. Caller frees with cli_opts_fini().
 */
bool cli_parse(int argc, char **argv, struct cli_opts *opts, struct diags *d);
void cli_opts_fini(struct cli_opts *opts);

int cli_main(int argc, char **argv);

#endif
