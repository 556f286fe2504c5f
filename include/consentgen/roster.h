/*
 * roster: the pupil list, a CSV export of the school software (libcsv),
 * decoded to UTF-8 (iconv), names normalised to NFC (utf8proc), birth dates
 * validated. Every problem names the file and the line of its row.
 */
#ifndef CONSENTGEN_ROSTER_H
#define CONSENTGEN_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/util.h"

struct pupil {
    char       *last_name; /* NFC, as written (trimmed) */
    char       *first_name;
    char       *class_name;
    char       *id; /* NULL: no id column */
    struct date birth_date;
    char      **fields; /* every column of the row, NFC, indexed like roster.headers */
    unsigned    line;   /* physical line where the row starts */
    size_t      row;    /* 1-based data row number */
};

struct roster {
    char         *path;    /* as written in the config, for messages */
    char        **headers; /* NFC, as in the file */
    size_t        n_headers;
    struct pupil *pupils; /* valid rows only, in file order */
    size_t        n_pupils;
    char          delimiter; /* the one used */
    bool          was_windows_1252;
};

/*
 * Parses CSV bytes. path names the file in messages. Rows with errors are
 * reported and left out; all rows are read. Returns NULL only if no header
 * could be read or a required column is missing. Caller frees.
 */
struct roster *roster_parse(const char *data, size_t len, const char *path, const struct config_roster *opts,
                            struct diags *d);
struct roster *roster_load(const char *path_as_written, const struct config_roster *opts, struct diags *d);
void           roster_free(struct roster *r);

/*
 * Warnings that need the form date: birth date in the future, pupil younger
 * than 4 or older than 25 on that day, the same pupil twice.
 */
void roster_check_plausible(const struct roster *r, struct date form_date, struct diags *d);

/* Value of column header (ASCII case-insensitive) for p; NULL if no such column. */
const char *roster_field(const struct roster *r, const struct pupil *p, const char *header);

/*
 * Sorts pupils by class in natural order (5a < 10a), then by last and first
 * name in German dictionary order (ä as a, ß as ss), then by file line.
 */
void roster_sort(struct roster *r);
/* Natural-order comparison of class names. */
int roster_compare_class(const char *a, const char *b);

/*
 * Finds pupils whose "Nachname, Vorname" matches query ignoring case and
 * Unicode normalisation form. Writes up to max indexes; returns the count.
 */
size_t roster_find_by_name(const struct roster *r, const char *query, size_t *idx, size_t max);

/* ---- CSV tables: the consent register is read with the roster's CSV and encoding rules ---- */

struct roster_cell {
    char    *text;      /* trimmed, NFC */
    unsigned line, col; /* where the field starts (its quote, if quoted) */
};
struct roster_table_row {
    struct roster_cell *cells;
    size_t              n_cells;
    unsigned            line; /* physical line where the row starts */
};
struct roster_table {
    struct roster_table_row *rows; /* the header line too, as rows[0] */
    size_t                   n_rows;
    bool                     was_windows_1252;
};

/*
 * Reads CSV bytes with a fixed delimiter into rows of fields with their
 * positions: RFC 4180 quoting (libcsv), UTF-8 with or without BOM or
 * Windows-1252 (detected as for the roster), CRLF, LF or CR. Lines of nothing
 * but delimiters are skipped. Each problem (a stray quote, a byte without a
 * character, a control character) is an error in d at its place and its row is left out: a caller
 * that writes the table back must stop on errors. path names the file in
 * messages. Free with roster_table_fini, also after failure.
 */
bool roster_table_parse(const char *data, size_t len, const char *path, char delimiter,
                        struct roster_table *out, struct diags *d);
void roster_table_fini(struct roster_table *t);

#endif
