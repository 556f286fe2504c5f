/*
 * register: the consent register (register.file), the school's index of the
 * answers that came back: a CSV file the secretary opens in a spreadsheet,
 * one row per pupil of the roster. Read (also after a spreadsheet saved it
 * again), matched to the roster, merged with new answers (set, scan) by rules
 * that never lose an answer, and written back atomically, readable only by
 * its owner. docs/register.md describes the file and the rules.
 */
#ifndef CONSENTGEN_REGISTER_H
#define CONSENTGEN_REGISTER_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/diag.h"
#include "consentgen/roster.h"
#include "consentgen/util.h"

/* The header line, as written (the file itself starts with a UTF-8 BOM and uses CRLF). */
#define REGISTER_HEADER "Klasse;Nachname;Vorname;Geburtsdatum;ID;Antwort;Unterschrift;Eingang;Quelle;Prüfen"

enum register_answer {
    REGISTER_ANSWER_NONE,      /* empty: not back */
    REGISTER_ANSWER_YES,       /* "Ja" */
    REGISTER_ANSWER_NO,        /* "Nein" */
    REGISTER_ANSWER_UNCLEAR,   /* "unklar": a person must decide (set) */
    REGISTER_ANSWER_WITHDRAWN, /* "widerrufen" */
};

enum register_signature {
    REGISTER_SIGNATURE_NONE,    /* empty */
    REGISTER_SIGNATURE_YES,     /* "ja" */
    REGISTER_SIGNATURE_MISSING, /* "fehlt" */
    REGISTER_SIGNATURE_UNCLEAR, /* "unklar" */
};

/* The word for an answer as the register writes it ("Ja", "widerrufen"); "" for none. */
const char *register_answer_word(enum register_answer a);

/* Where an answer came from: "scan1.pdf:3" or "manuell", and what it said there. */
struct register_source {
    char                *place;
    enum register_answer answer;
};

struct register_row {
    char                   *class_name; /* of a roster pupil: from the roster, as it is now */
    char                   *last_name;
    char                   *first_name;
    struct date             birth_date;
    char                   *id; /* "" when none */
    enum register_answer    answer;
    enum register_signature signature;
    struct date             received; /* Eingang */
    bool                    has_received;
    struct register_source *sources; /* Quelle, in the order they came */
    size_t                  n_sources;
    bool                    needs_review; /* Prüfen = ja */
    const struct pupil     *pupil;        /* NULL: no longer in the roster (the row is kept) */
    unsigned                line;         /* in the file read; 0: a new row */
};

struct register_doc {
    char                *path; /* for messages */
    struct register_row *rows; /* the roster's pupils in roster order, then rows no longer in it */
    size_t               n_rows;
    const struct roster *roster;       /* borrowed; must outlive the register */
    size_t              *row_of_pupil; /* per roster pupil: index into rows */
    bool                 existed;      /* the file was there when read */
};

/*
 * Parses register bytes (UTF-8 with or without BOM, or Windows-1252 as a
 * spreadsheet saves it; ";"; dates as yyyy-mm-dd or dd.mm.yyyy) and matches
 * each row to a pupil of roster: by ID where both have one, else by name and
 * birth date (also when a Windows-1252 save turned letters into "?"). Adds an
 * empty row for each pupil without one. A row whose pupil is no longer in the
 * roster is a warning and is kept; an unknown word, a bad date, a changed,
 * removed or added column, two rows for one pupil are errors (the register
 * must then not be written). Returns NULL when the header line is unusable.
 * Keeps a reference to roster. Caller frees.
 */
struct register_doc *register_parse(const char *data, size_t len, const char *path,
                                    const struct roster *roster, struct diags *d);
/* Reads the file at path, then register_parse(); a file that is not there gives an empty register. */
struct register_doc *register_load(const char *path, const struct roster *roster, struct diags *d);
/* An empty register: one row per pupil, no answers. */
struct register_doc *register_new(const char *path, const struct roster *roster);
void                 register_free(struct register_doc *reg);

/* The row of roster pupil p (p points into the roster's pupils). */
struct register_row *register_row_of(const struct register_doc *reg, const struct pupil *p);

/* A new answer for one pupil. */
struct register_entry {
    enum register_answer    answer;
    enum register_signature signature; /* a scan's reading; set ignores it */
    struct date             date;      /* Eingang */
    const char             *place;     /* "scan1.pdf:3"; NULL: a manual entry (set), "manuell" */
    bool                    needs_review;
};

enum register_change {
    REGISTER_UNCHANGED, /* the same answer from the same place again */
    REGISTER_RECORDED,  /* the row took the answer */
    REGISTER_CONFLICT,  /* a different answer: Antwort "unklar", Prüfen "ja", both sources kept */
};

/*
 * Merges e into pupil p's row (docs/register.md "How answers are merged"):
 * an empty row takes the answer; the same answer from the same place changes
 * nothing; a manual entry is a person's decision and sets the answer, clears
 * Prüfen and keeps every earlier source; another answer from a scan makes
 * the row "unklar" with Prüfen "ja"; no answer is ever removed.
 */
enum register_change register_record(struct register_doc *reg, const struct pupil *p,
                                     const struct register_entry *e);

/* The file's bytes: BOM, header, one CRLF line per row. */
void register_format(const struct register_doc *reg, struct buf *out);

/*
 * Writes the register to path atomically (temp file in its folder, fsync,
 * rename) with permissions for its owner only. On failure the old file is
 * left as it was and a diag says why.
 */
bool register_save(const struct register_doc *reg, const char *path, struct diags *d);

/* Counts over a set of rows, for status. */
struct register_counts {
    size_t n_forms, n_back, n_yes, n_no, n_unclear, n_withdrawn, n_missing, n_review;
};
void register_count_row(const struct register_row *row, struct register_counts *c);

#endif
