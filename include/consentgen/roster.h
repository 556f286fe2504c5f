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
    char       *id;           /* NULL: no id column */
    struct date birth_date;   /* {0, 0, 0}: none (no birth date column, or the cell is empty) */
    char      **fields;       /* every column of the row, NFC, indexed like roster.headers */
    unsigned    line;         /* physical line where the row starts */
    size_t      row;          /* 1-based data row number */
    char        language[3];  /* the family's language (ISO 639-1, "tr"); "": German, or none given */
    unsigned    language_col; /* where the language cell starts, for messages; 0: no language column */
};

/* Which column each field was read from: an index into roster.headers, ROSTER_NO_COLUMN when none. */
#define ROSTER_NO_COLUMN ((size_t)-1)
struct roster_columns {
    size_t last_name, first_name, birth_date, class_name, id;
};

struct roster {
    char                 *path;    /* as written in the config, for messages */
    char                **headers; /* NFC, as in the file */
    size_t                n_headers;
    struct pupil         *pupils; /* valid rows only, in file order */
    size_t                n_pupils;
    char                  delimiter; /* the one used */
    bool                  was_windows_1252;
    bool                  was_utf16; /* Excel's "Unicode-Text", with a byte order mark */
    struct roster_columns columns;   /* as found, by roster.columns or the usual headers */
    bool has_language; /* the file has a language column (roster.columns.language or a usual header) */
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
 * than 4 or older than 25 on that day, the same pupil twice. When the form
 * date makes every pupil (two or more) implausible, the date is wrong, not
 * the pupils: one warning at date_file:date_at (the config's form.date; line
 * 0: the file as a whole) instead of one per pupil.
 */
void roster_check_plausible(const struct roster *r, struct date form_date, const char *date_file,
                            struct config_pos date_at, struct diags *d);

/* Whether p has a birth date: rosters without the column are valid, the form leaves it blank. */
bool roster_has_birth_date(const struct pupil *p);

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
 * Finds pupils whose name matches query as people type it: "Nachname,
 * Vorname", or without a comma both "Vorname Nachname" and "Nachname
 * Vorname"; case, accents and the spellings of file names ignored
 * (utf8_match_key: Sahin = Şahin, Mueller = Müller, Gross = Groß, ' = ’);
 * only when no pupil matches so, with umlauts as their base letter
 * (utf8_match_key_plain: Muller = Müller, unless there is a Muller).
 * Writes up to max indexes; returns the count (at most max).
 */
size_t roster_find_by_name(const struct roster *r, const char *query, size_t *idx, size_t max);
/*
 * The pupils whose names are closest to query, for "did you mean": edit
 * distance of the match keys, also of the last or the first name alone for a
 * one-word query; only close ones, best first. Writes up to max indexes.
 */
size_t roster_suggest_names(const struct roster *r, const char *query, size_t *idx, size_t max);

/* ---- the family's language ---- */

/*
 * The ISO 639-1 code of a language as a roster cell or --language names it: a code ("tr", "TR",
 * "tr-TR"), a German name ("Türkisch", "Persisch", "Dari"), an English name or the language's own
 * ("Türkçe"), case and accents ignored. German and an empty name give "" (no translation). Returns false,
 * out "", for a name it does not know.
 */
bool roster_language_code(const char *name, char out[static 3]);
/* The German name of a language code ("Türkisch"); the code itself for a language without one. */
const char *roster_language_name(const char *code);
/* Whether the language is written right to left (Arabic, Persian, Hebrew, Urdu, Pashto, ...). */
bool roster_language_is_rtl(const char *code);

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
