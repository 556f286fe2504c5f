/*
 * run: the core every command reuses. Loads and cross-checks the three
 * inputs once (config, roster, template, fonts), groups the pupils into
 * classes, applies the choice of classes and pupils, and renders the chosen
 * class and pupil files all or nothing. Prints nothing: problems go to a
 * struct diags, progress to a callback, and cli decides what to show.
 */
#ifndef CONSENTGEN_RUN_H
#define CONSENTGEN_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/form.h"
#include "consentgen/pdf.h"
#include "consentgen/register.h"
#include "consentgen/roster.h"
#include "consentgen/template.h"
#include "consentgen/text.h"

/* What a command asks of a run (cli fills it from the command line; pointers are borrowed). */
struct run_request {
    const char        *config_path;
    const char *const *classes; /* --class, in argv order */
    size_t             n_classes;
    const char *const *pupils; /* --pupil "Nachname, Vorname" */
    size_t             n_pupils;
    const char *const *ids; /* --id */
    size_t             n_ids;
    const char        *out_dir; /* NULL: output.dir of the config */
    bool               has_split;
    enum config_split  split;
    size_t             jobs;          /* worker processes; 0: one per core */
    bool               strict;        /* warnings stop the run */
    bool               need_fonts;    /* template and fonts too (render, check), not only the roster (list) */
    bool               need_register; /* the consent register too (set, status, render --missing) */
    bool               missing;       /* render: only pupils whose answer is not back */
    const char        *templates_folder; /* the shipped templates; NULL: run_shipped_templates_folder() */
    const char        *language;      /* render --language: "" German only, else an ISO 639-1 code for
                                         every pupil; NULL: each pupil's from the roster */
};

/* One class and the pupils of it that this run prints, in print order. */
struct run_class {
    const char          *name;
    const struct pupil **pupils; /* every pupil of the class: file names stay stable */
    size_t               n_pupils;
    bool                *selected; /* per pupil: print a per-pupil file */
    bool                 write_class_file;
    const char         **answers; /* render --missing: per pupil the register's answer ("Ja"), NULL if not
                                     back; the class file prints forms only for those; NULL: all */
    /* File names (run_plan_files): portable, and unique in OUT and in the class folder, ignoring case. */
    char  *file_base;   /* "5a": the class file OUT/5a.pdf and the class folder OUT/5a/ */
    char **pupil_files; /* per pupil, "Mueller_Anna.pdf"; NULL unless the run writes per-pupil files here */
};

/* The inputs of a run, loaded once and read-only afterwards (worker processes share them). */
struct run {
    const struct run_request *req;
    struct config            *config;
    struct roster            *roster;
    struct template_doc      *doc;
    struct text_engine       *text; /* fonts and shaping; its cache is each process's own */
    struct pdf_fonts         *fonts;
    double                    logo_aspect;
    struct form_run           form;
    const char               *out_dir;
    struct run_class         *classes; /* in natural class order */
    size_t                    n_classes;
    enum config_split         split;
    struct register_doc      *reg; /* when req->need_register */
    /* The translations the chosen pupils' languages ask for (templates/NAME.LL.md), when need_fonts. */
    struct form_translation *translations;
    struct template_doc    **translation_docs; /* owned, parallel to translations */
    size_t                   n_translations;
};

/*
 * Loads and cross-checks every input of req into r (zeroed by the caller).
 * Returns false with all problems in d when the run must not write anything
 * (an error, or a warning under strict). r is freed with run_fini either way.
 */
bool run_load(struct run *r, const struct run_request *req, struct diags *d);
void run_fini(struct run *r);

/*
 * Gives every class and every pupil that gets a file of its own a file name
 * (run_class.file_base, .pupil_files), unique ignoring case, so no file of a
 * run overwrites another: a name taken already gets "_2" and a warning that
 * names both, and two class names that differ only in case are a warning too.
 * Called by run_load.
 */
void run_plan_files(struct run *r, struct diags *d);

/*
 * What `check` says about the output folder, without writing: temp files
 * that a killed run left behind, and files in class folders that belong to no
 * pupil of the roster (notes).
 */
void run_check_output(const struct run *r, struct diags *d);

/*
 * The folder of the templates shipped with consentgen, where a form.template
 * given by name is found: share/consentgen/templates beside the program's
 * folder (installed: /usr/bin -> /usr/share/consentgen/templates; the build
 * tree has one that links to the source's templates/), else the folder the
 * build installs them to. NULL if neither exists. Caller frees.
 */
char *run_shipped_templates_folder(void);
/*
 * The names of the templates in folder, sorted: "videokonferenz-iserv" for
 * videokonferenz-iserv.md; translations (NAME.LANG.md) left out. NULL with
 * *n = 0 if the folder cannot be read. Free with run_template_names_free.
 */
char **run_template_names(const char *folder, size_t *n);
void   run_template_names_free(char **names, size_t n);

/* ---- init ---- */

#define RUN_INIT_CONFIG "schule.yaml"
#define RUN_INIT_TEMPLATE "videokonferenz-iserv" /* the shipped form text init copies */
#define RUN_INIT_N_FIELDS 5                      /* last name, first name, birth date, class, id */

struct run_init_request {
    const char *folder;           /* where to write; NULL or ".": the current folder; made if missing */
    const char *roster_path;      /* --roster, as given; NULL: none */
    const char *templates_folder; /* the shipped templates; NULL: run_shipped_templates_folder() */
};

struct run_init_result {
    char      **written; /* the paths written: schule.yaml, the template copy, its translations */
    size_t      n_written;
    char       *config_path;   /* FOLDER/schule.yaml, as shown in the next steps */
    const char *template_file; /* the copy's name in FOLDER ("videokonferenz-iserv.md") */
    char       *roster_file;   /* roster.file as written (relative to FOLDER); NULL without a roster */
    char       *columns[RUN_INIT_N_FIELDS]; /* the header found for each field; NULL: none */
    size_t      n_pupils, n_classes;        /* in the roster */
    bool        write_failed;               /* false: the input was the problem (exit 1), true: writing (3) */
};
void run_init_result_fini(struct run_init_result *res);

/*
 * init: writes FOLDER/schule.yaml (commented, in German) and a copy of the
 * shipped form text, both or neither; never replaces a file (each one in the
 * way is an error). With a roster, reads it as check would, with columns
 * guessed from their headers, and fills roster.file, delimiter, encoding and
 * columns so check passes. Returns false with every problem in d, and then
 * has written nothing (a folder it made is removed again).
 */
bool run_init(const struct run_init_request *req, struct run_init_result *res, struct diags *d);

/* Whether class name is among the --class names (or no --class was given). */
bool run_class_is_chosen(const struct run *r, const char *name);

/* Told in the main process each time a class is done. */
struct run_progress {
    void *ctx;
    void (*class_done)(void *ctx, size_t n_done, size_t n_classes);
};

struct run_render_result {
    char **written; /* paths of the files written, in class order; caller frees with run_render_result_fini */
    size_t n_written;
    int    signo; /* > 0: an interrupt (SIGINT, SIGTERM, SIGHUP) stopped the run; nothing was written */
};
void run_render_result_fini(struct run_render_result *res);

/*
 * Writes every file the run chose, all or nothing, in worker processes.
 * Returns false with the reasons in d when the output could not be written
 * (or an interrupt came); the problems are the same for any number of workers.
 */
bool run_render(const struct run *r, const struct run_progress *progress, struct run_render_result *res,
                struct diags *d);

/* What set did. */
struct run_set_result {
    const struct pupil  *pupil;
    enum register_change change;
    bool                 write_failed; /* false: the input was the problem (exit 1), true: writing (exit 3) */
};

/*
 * set: merges a manual answer (docs/register.md) for the one pupil that
 * --pupil or --id chose into the register and writes it, unless nothing
 * changed. Returns false with the reason in d; the register file is then as
 * it was.
 */
bool run_set(struct run *r, enum register_answer answer, struct date date, struct run_set_result *res,
             struct diags *d);

/* What scan did. */
struct run_scan_result {
    size_t n_pages;        /* pages read */
    size_t n_slips;        /* return slips of this form round found on them */
    size_t n_recorded;     /* slips that changed the register */
    size_t n_unchanged;    /* slips the register had already (the same pages scanned again) */
    size_t n_review;       /* entries of the review file (slips, pages, earlier open rows) */
    char  *review_path;    /* the review file written; NULL: none */
    bool   register_written;
    bool   write_failed; /* false: the input was the problem (exit 1), true: writing (exit 3) */
    int    signo;        /* > 0: an interrupt stopped the run before anything was written */
};
void run_scan_result_fini(struct run_scan_result *res);

/*
 * scan: reads every page of the scan files (in worker processes over pages), finds each return slip,
 * maps its code back to a pupil, reads its boxes and signatures and merges the answers into the
 * register (docs/register.md) with Quelle "FILE:PAGE". Then writes the register (when it changed)
 * and the review file beside it (REGISTER-pruefen.pdf) with every slip a person must look at;
 * config_arg is the config as the user named it, for the commands the review file shows. Returns
 * false with the reasons in d; after an input problem nothing is written. Progress counts pages.
 */
bool run_scan(struct run *r, const char *const *files, size_t n_files, const char *config_arg,
              const struct run_progress *progress, struct run_scan_result *res, struct diags *d);

#endif
