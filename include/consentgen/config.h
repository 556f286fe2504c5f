/*
 * config: the YAML config (read with libyaml) as plain structs. Paths are
 * resolved against the config file's folder; millimetres stay in config.
 * Also reads a template's YAML front matter, so libyaml stays in one module.
 */
#ifndef CONSENTGEN_CONFIG_H
#define CONSENTGEN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/diag.h"
#include "consentgen/util.h"

/* One free value of form.values; key and value as written. */
struct config_value {
    char    *key;
    char    *value;
    unsigned line, col; /* of the value, for messages */
};

struct config_school {
    char *name;            /* required */
    char *address;         /* NULL: none */
    char *logo;            /* resolved path; NULL: none */
    char *data_protection; /* the school's contact for data protection ({{school.data_protection}}); NULL:
                              none */
};

/* Who signs the form of a pupil without a birth date (form.signatures_without_birth_date). */
enum config_signers {
    CONFIG_SIGNERS_BOTH,     /* default: the parents' and the pupil's line */
    CONFIG_SIGNERS_GUARDIAN, /* the parents' line only, as for a child */
    CONFIG_SIGNERS_PUPIL,    /* the pupil's line only, as for an adult */
};

struct config_form {
    char                *template_path; /* resolved, required; NULL for a template_name until run finds it */
    char                *template_path_as_written;
    char                *template_name; /* form.template names a shipped template ("videokonferenz-iserv");
                                           NULL: it names a file */
    struct date          date;     /* form.date, or today */
    bool                 has_date; /* false: date is today */
    struct config_value *values;
    size_t               n_values;
    enum config_signers  signers_without_birth_date;
};

struct config_columns { /* header names in the roster; NULL: the usual aliases */
    char *last_name;
    char *first_name;
    char *birth_date;
    char *class_name;
    char *id;
    char *language; /* the family's language (ISO 639-1 code or German name); NULL: Sprache, ... */
};

enum config_encoding { CONFIG_ENCODING_AUTO, CONFIG_ENCODING_UTF8, CONFIG_ENCODING_WINDOWS_1252 };

struct config_roster {
    char                 *file;            /* resolved path, required */
    char                 *file_as_written; /* for messages */
    char                  delimiter;       /* 0: detect from the header line */
    enum config_encoding  encoding;
    struct config_columns columns;
    bool                  guess_columns; /* not from the file: init asks the roster to find a field whose usual
                                            headers are missing by the words in the headers ("Geb.-Datum") */
};

enum config_split { CONFIG_SPLIT_CLASS, CONFIG_SPLIT_PUPIL, CONFIG_SPLIT_BOTH };

struct config_output {
    char             *dir; /* resolved against the config folder; default "out" there */
    enum config_split split;
    bool              duplex;      /* default true */
    bool              class_sheet; /* default true */
};

/* The consent register that set and scan keep (register.file). */
#define CONFIG_DEFAULT_REGISTER "einwilligungen.csv"
struct config_register {
    char *file;            /* resolved; default einwilligungen.csv beside the config */
    char *file_as_written; /* as in the config, or the default name */
};

/* One entry of page.fallback_fonts. */
struct config_font {
    char    *name; /* family name, or a resolved path ending in .ttf */
    bool     is_path;
    unsigned line, col; /* of the entry; 0: from the default list */
};

/* Tried in order for characters page.font lacks: Arabic and Persian, Hebrew, then most other scripts. */
#define CONFIG_DEFAULT_FALLBACK_FONTS "Noto Naskh Arabic", "Noto Sans Hebrew", "DejaVu Sans"

struct config_page {
    char               *font; /* family name, or a resolved path ending in .ttf; default "Liberation Sans" */
    bool                font_is_path;
    bool                marks;     /* fold and hole marks; default false */
    struct config_font *fallbacks; /* page.fallback_fonts; default CONFIG_DEFAULT_FALLBACK_FONTS */
    size_t              n_fallbacks;
    bool                fallbacks_are_default; /* not in the config: a family not installed is skipped */
};

/* A place in the config file, 1-based; line 0: not written there. */
struct config_pos {
    unsigned line, col;
};

struct config {
    char                  *path; /* as given on the command line */
    struct config_school   school;
    struct config_form     form;
    struct config_roster   roster;
    struct config_output   output;
    struct config_page     page;
    struct config_register reg; /* "register" is a C keyword */
    /* Where the files are named (form.template, roster.file, school.logo, page.font), for messages about
     * them. */
    struct config_pos template_at, roster_at, logo_at, font_at, register_at;
    /* form.date's value, the form: and form.values: keys, for messages about the form date and values. */
    struct config_pos date_at, form_at, values_at;
};

/*
 * Parses YAML text; path names the file in messages and is the base for
 * relative paths. Reports every problem it can find to d. Returns NULL only
 * when nothing usable was read (syntax error, not a mapping); otherwise a
 * config with defaults filled in, even when d got errors. Caller frees.
 */
struct config *config_parse(const char *yaml, size_t len, const char *path, struct diags *d);
/* Reads the file at path, then config_parse(). NULL and a diag if unreadable. */
struct config *config_load(const char *path, struct diags *d);
void           config_free(struct config *c);

/*
 * Whether a form.template value names a shipped template rather than a file:
 * no folder (no / or \\) and no ending (no dot), as "videokonferenz-iserv".
 */
bool config_is_template_name(const char *s);

/* Looks up form.values[key]; NULL if absent. */
const char *config_value(const struct config *c, const char *key);

/* The signature ages when a template does not set them: the pupil signs too from 14, alone from 18. */
#define CONFIG_PUPIL_SIGNATURE_AGE 14
#define CONFIG_ADULT_AGE 18

/* A template's front matter (the YAML between the leading "---" lines). */
struct config_front_matter {
    char *title;                    /* NULL: none; the PDF title then comes from the first heading */
    int   pupil_signature_from_age; /* default CONFIG_PUPIL_SIGNATURE_AGE */
    int   adult_age;                /* default CONFIG_ADULT_AGE: from this age only the pupil signs */
    char  language[3];              /* ISO 639-1 code in lower case, e.g. "tr"; default "de" */
};
/*
 * Parses front matter YAML that starts at first_line of file path (for
 * positions). Unknown keys and wrong types are errors in d; defaults are kept
 * for what is missing. Returns false if d got an error.
 */
bool config_parse_front_matter(const char *yaml, size_t len, const char *path, unsigned first_line,
                               struct config_front_matter *out, struct diags *d);
void config_front_matter_fini(struct config_front_matter *fm);

#endif
