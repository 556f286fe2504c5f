/*
 * roster: reads the pupil list a school's administration software exports
 * (SchILD-NRW, IServ, Excel) into struct roster.
 *
 * Input: RFC 4180 CSV (libcsv, strict quoting), one header line, then one row
 * per pupil, at most ROSTER_MAX_COLUMNS fields; delimiter ";" "," or tab,
 * detected from the header line unless configured; UTF-16 with BOM (Excel's
 * "Unicode-Text"), UTF-8 with or without BOM, or Windows-1252 (auto: a file
 * that is not valid UTF-8 but has UTF-8 letters is UTF-8 with broken lines,
 * reported; one without any is Windows-1252), converted with iconv (roster_iconv.c;
 * on Windows with the code-page API, roster_win32.c); CRLF, LF or
 * CR line ends; empty lines (also rows of only delimiters) are skipped, and so
 * are heading lines ("Klasse 5a", "5a;;;"), with a warning. Header names match
 * ignoring case and spaces at the ends. Birth dates as dd.mm.yyyy, d.m.yyyy or
 * yyyy-mm-dd, a time after them ignored; the column may be missing. Fields are
 * trimmed of every Unicode space and NFC-normalised; each problem names the
 * physical line (and column) of its row. Workbooks, PDFs and other files that
 * are not text are recognised by their first bytes and refused in one message.
 */
#include "consentgen/roster.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "roster_int.h"

#define ROSTER_MAX_FILE_BYTES ((size_t)16 * 1024 * 1024) /* 250,000 pupils; a large school needs 0.1 MiB */
#define ROSTER_MAX_FIELD_CHARS 1000
#define ROSTER_MAX_COLUMNS 1000 /* a school export has 5 to 60 */
#define MAX_LISTED_HEADERS 20   /* in a message naming the columns of the file */
#define NO_COLUMN ROSTER_NO_COLUMN

enum role { ROLE_LAST_NAME, ROLE_FIRST_NAME, ROLE_BIRTH_DATE, ROLE_CLASS, ROLE_ID, ROLE_LANGUAGE, N_ROLES };

/* The header names schools' exports use, best first: "Name" only when no better one is there. */
static const char *const role_aliases[N_ROLES][5] = {
    [ROLE_LAST_NAME] = {"Nachname", "Familienname", "SchuelerNachname", "Name", NULL},
    [ROLE_FIRST_NAME] = {"Vorname", "Rufname", "SchuelerRufname", NULL},
    [ROLE_BIRTH_DATE] = {"Geburtsdatum", "SchuelerGeburtsdatum", NULL},
    [ROLE_CLASS] = {"Klasse", "GruppeBezeichnung", "Klasse/Information", NULL}, /* the last: IServ */
    [ROLE_ID] = {"Interne ID-Nummer", "ID", "SchuelerId", "Import-ID", NULL},
    [ROLE_LANGUAGE] = {"Sprache", "Familiensprache", "Verkehrssprache", NULL},
};

/* The keys of roster.columns that name each role's column. */
static const char *const role_keys[N_ROLES] = {
    [ROLE_LAST_NAME] = "last_name", [ROLE_FIRST_NAME] = "first_name", [ROLE_BIRTH_DATE] = "birth_date",
    [ROLE_CLASS] = "class",         [ROLE_ID] = "id",                 [ROLE_LANGUAGE] = "language",
};

/* One field of the current row as libcsv delivered it, with where it starts. */
struct raw_field {
    char    *text;
    size_t   len;
    unsigned line, col;
};

/* Birth dates that are numbers or have two-digit years: reported once for the column, at the first. */
struct date_problem {
    size_t   n;
    unsigned line, col;
    char    *first; /* the first such value */
};

struct parser {
    const char                 *path;
    const struct config_roster *opts;
    struct diags               *d;
    struct roster              *r;
    const char                 *text; /* UTF-8 (or, when declared utf-8, maybe not) */
    size_t                      len;
    bool                        check_utf8; /* declared or taken as utf-8 and the text is not valid */
    bool                        is_mixed;   /* taken as utf-8 by auto: only some lines are not */

    /* Position of the byte being fed: line and characters before it on that line. */
    size_t   cur;
    unsigned line, col_chars;
    bool     row_started, field_started, skip_to_eol;
    size_t   row_start;
    unsigned row_line, row_col;
    unsigned field_line, field_col;
    bool     has_gap; /* blanks came before the field; gap_* is where the first was */
    unsigned gap_line, gap_col;

    struct raw_field *fields;
    size_t            n_fields, cap_fields;
    size_t            n_fields_seen; /* of the row, also those past ROSTER_MAX_COLUMNS, not kept */

    bool   has_header, is_fatal;
    size_t n_rows; /* data rows seen, valid or not */
    size_t column[N_ROLES];
    size_t cap_pupils;

    struct roster_bad_byte *bad;
    size_t                  n_bad, next_bad;

    struct date_problem serial_dates, two_digit_years;
};

static bool
is_blank_byte(unsigned char c, char delim)
{
    return (c == ' ' || c == '\t') && c != (unsigned char)delim;
}

/* ---- encoding ---- */

/* Whether the text holds a valid UTF-8 sequence of two or more bytes: then it was written as UTF-8. */
static bool
has_utf8_letters(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int32_t cp;
        if ((unsigned char)s[i] >= 0xC2 && utf8_decode(s + i, len - i, &cp) >= 2)
            return true;
    }
    return false;
}

/* Reports the Windows-1252 bytes without a character up to line; returns how many lie in [from, upto]. */
static size_t
report_bad_bytes(struct parser *ps, unsigned from, unsigned upto)
{
    size_t n = 0;
    while (ps->next_bad < ps->n_bad && ps->bad[ps->next_bad].line <= upto) {
        const struct roster_bad_byte *b = &ps->bad[ps->next_bad++];
        diag_add(ps->d, DIAG_ERROR, ps->path, b->line, b->col,
                 "byte 0x%02X is not a character in Windows-1252 (and the file is not UTF-8 either)",
                 b->byte);
        if (b->line >= from)
            n++;
    }
    return n;
}

/* Reports the first invalid UTF-8 byte of the current row, at its line and character column. */
static void
report_bad_utf8(struct parser *ps, size_t end)
{
    unsigned line = ps->row_line, col = ps->row_col;
    size_t   i = ps->row_start;
    while (i < end) {
        int32_t cp;
        size_t  n = utf8_decode(ps->text + i, end - i, &cp);
        if (n == 0)
            break;
        if (cp == '\n' || (cp == '\r' && (i + 1 >= ps->len || ps->text[i + 1] != '\n'))) {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    if (i >= end)
        return;
    if (ps->is_mixed)
        diag_add(ps->d, DIAG_ERROR, ps->path, line, col,
                 "this line is not UTF-8 like the rest of the file (byte 0x%02X): save the list again as "
                 "\"CSV UTF-8\", or set roster.encoding to windows-1252 if the whole file is Windows-1252",
                 (unsigned char)ps->text[i]);
    else
        diag_add(ps->d, DIAG_ERROR, ps->path, line, col,
                 "byte 0x%02X is not valid UTF-8; roster.encoding says utf-8, but a Windows-1252 file needs "
                 "\"windows-1252\" or \"auto\"",
                 (unsigned char)ps->text[i]);
}

/* Copy with each invalid UTF-8 sequence replaced by U+FFFD (header names of a declared utf-8 file). */
static char *
sanitize_utf8(const char *s, size_t len)
{
    struct buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            buf_puts(&b, "\xEF\xBF\xBD");
            i++;
        } else {
            buf_append(&b, s + i, n);
            i += n;
        }
    }
    return buf_detach(&b);
}

/* ---- fields ---- */

char *
roster_clean_field(const char *s, size_t len)
{
    char *raw = utf8_trim(s, len);
    char *nfc = utf8_nfc(raw);
    if (!nfc)
        return raw;
    free(raw);
    return nfc;
}

/* First control character (C0 but tab, DEL, C1; CR and LF too unless allowed) or -1. */
static int32_t
find_control(const char *s, size_t len, bool allow_line_breaks)
{
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return -1;
        i += n;
        if (cp == '\t' || (allow_line_breaks && (cp == '\n' || cp == '\r')))
            continue;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return cp;
    }
    return -1;
}

/* Line breaks inside a quoted extra field become LF, whatever the file used. */
static void
normalize_line_breaks(char *s)
{
    char *w = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\r') {
            *w++ = '\n';
            if (p[1] == '\n')
                p++;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
}

static bool
is_empty_field(const struct raw_field *f)
{
    bool is_ascii_blank = true;
    for (size_t i = 0; i < f->len && is_ascii_blank; i++)
        is_ascii_blank = f->text[i] == ' ' || f->text[i] == '\t';
    if (is_ascii_blank || (unsigned char)f->text[0] < 0x80)
        return is_ascii_blank;
    char *t = utf8_trim(f->text, f->len); /* a no-break space is blank too */
    bool  is_blank = !*t;
    free(t);
    return is_blank;
}

static bool
fields_all_empty(const struct parser *ps, size_t from)
{
    for (size_t i = from; i < ps->n_fields; i++)
        if (!is_empty_field(&ps->fields[i]))
            return false;
    return true;
}

static bool
row_has_bad_byte_marker(const struct parser *ps)
{
    for (size_t i = 0; i < ps->n_fields; i++)
        if (ps->fields[i].text && strstr(ps->fields[i].text, "\xEF\xBF\xBD"))
            return true;
    return false;
}

static void
clear_row(struct parser *ps)
{
    for (size_t i = 0; i < ps->n_fields; i++)
        free(ps->fields[i].text);
    ps->n_fields = 0;
    ps->n_fields_seen = 0;
}

/* ---- header ---- */

/* Case-folded, trimmed copy of a header name: "Nachname\u00A0" and "NACHNAME" are "nachname". */
static char *
header_key(const char *name)
{
    char *trimmed = utf8_trim(name, strlen(name));
    char *key = utf8_fold(trimmed);
    if (!key)
        return trimmed;
    free(trimmed);
    return key;
}

/* The column named name: ASCII case ignored, else Unicode case and spaces (keys: header_key of each). */
static size_t
find_header_in(const struct roster *r, char *const *keys, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (util_strcasecmp_ascii(r->headers[i], name) == 0)
            return i;
    char  *key = header_key(name);
    size_t found = NO_COLUMN;
    for (size_t i = 0; i < r->n_headers && found == NO_COLUMN; i++) {
        char *h = keys ? keys[i] : header_key(r->headers[i]);
        if (strcmp(h, key) == 0)
            found = i;
        if (!keys)
            free(h);
    }
    free(key);
    return found;
}

static size_t
find_header(const struct roster *r, const char *name)
{
    return find_header_in(r, NULL, name);
}

static const char *
configured_column(const struct config_roster *opts, enum role role)
{
    if (!opts)
        return NULL;
    switch (role) {
    case ROLE_LAST_NAME:
        return opts->columns.last_name;
    case ROLE_FIRST_NAME:
        return opts->columns.first_name;
    case ROLE_BIRTH_DATE:
        return opts->columns.birth_date;
    case ROLE_CLASS:
        return opts->columns.class_name;
    case ROLE_ID:
        return opts->columns.id;
    case ROLE_LANGUAGE:
        return opts->columns.language;
    case N_ROLES:
        break;
    }
    abort();
}

/* "\"Nachname\", \"Name\"": quoted names, comma-separated, for a message; at most max, then "…". Caller frees. */
static char *
quoted_list(const char *const *names, size_t n, size_t max)
{
    struct buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    for (size_t i = 0; i < n && i < max; i++)
        buf_printf(&b, "%s\"%s\"", i ? ", " : "", util_quote(names[i]).text);
    if (n > max)
        buf_puts(&b, ", \xE2\x80\xA6");
    return buf_detach(&b);
}

/* No column for a required role: what was looked for and what the file has, in one sentence per role. */
static void
report_missing_column(struct parser *ps, enum role role, const char *configured)
{
    const struct roster *r = ps->r;
    char                *has = quoted_list((const char *const *)r->headers, r->n_headers, MAX_LISTED_HEADERS);
    unsigned long        n = r->n_headers;
    size_t               n_aliases = 0;
    while (role_aliases[role][n_aliases])
        n_aliases++;
    char *looked = quoted_list(role_aliases[role], n_aliases, n_aliases);
    /* TRANSLATORS: the last %s lists the headers of the file: "Nachname", "Vorname", ... */
    if (configured)
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 util_translate_plural(
                     "no column \"%s\" (set in roster.columns.%s); the file has %lu column: %s",
                     "no column \"%s\" (set in roster.columns.%s); the file has %lu columns: %s", n),
                 util_quote(configured).text, role_keys[role], n, has);
    else if (role == ROLE_LAST_NAME)
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 util_translate_plural("no column for the last name (looked for %s); the file has %lu column: %s",
                                       "no column for the last name (looked for %s); the file has %lu columns: %s",
                                       n),
                 looked, n, has);
    else if (role == ROLE_FIRST_NAME)
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 util_translate_plural("no column for the first name (looked for %s); the file has %lu column: %s",
                                       "no column for the first name (looked for %s); the file has %lu columns: %s",
                                       n),
                 looked, n, has);
    else
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 util_translate_plural("no column for the class (looked for %s); the file has %lu column: %s",
                                       "no column for the class (looked for %s); the file has %lu columns: %s", n),
                 looked, n, has);
    free(looked);
    free(has);
}

static enum role
role_of_column(const struct parser *ps, size_t col)
{
    for (int role = 0; role < N_ROLES; role++)
        if (ps->column[role] == col)
            return (enum role)role;
    return N_ROLES;
}

/*
 * Header words that name someone other than the pupil (parents, teachers) or
 * an address: a column "Nachname Erziehungsberechtigte" is never the pupil's.
 */
static const char *const other_person_words[] = {"eltern", "erzieh", "mutter", "vater", "lehrer", "sorge",
                                                 "strasse", "straße", "ort", "schul", NULL};

/* The letters and digits of a folded header: "Geb.-Datum" is "gebdatum", "Schüler-Nachname" "schülernachname". */
static char *
header_letters(const char *key)
{
    char  *out = xmalloc(strlen(key) + 1);
    size_t n = 0;
    for (const char *p = key; *p; p++)
        if ((unsigned char)*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            out[n++] = *p;
    out[n] = '\0';
    return out;
}

static bool
has_word(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strstr(s, *words))
            return true;
    return false;
}

static bool
ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && strcmp(s + n - m, end) == 0;
}

/*
 * Whether a header (its letters, folded) names role in an export whose
 * headers are not the usual ones: "Schüler-Nachname", "Rufname (Schüler)",
 * "Geb.-Datum", "Geburtstag", "Kl.", "Klasse/Kurs", "Schüler-ID".
 */
static bool
header_suggests(const char *h, enum role role)
{
    static const char *const last[] = {"nachname", "familienname", "zuname", NULL};
    static const char *const first[] = {"vorname", "rufname", NULL};
    switch (role) {
    case ROLE_LAST_NAME:
        return has_word(h, last) || (ends_with(h, "name") && !has_word(h, first) && !strstr(h, "klasse") &&
                                       !strstr(h, "geburt"));
    case ROLE_FIRST_NAME:
        return has_word(h, first);
    case ROLE_BIRTH_DATE:
        return strstr(h, "geburt") || strncmp(h, "gebdat", 6) == 0 || strcmp(h, "geb") == 0;
    case ROLE_CLASS:
        return strncmp(h, "klasse", 6) == 0 || strcmp(h, "kl") == 0 || strcmp(h, "klbez") == 0;
    case ROLE_ID:
        return ends_with(h, "id") || strstr(h, "idnr") || strstr(h, "idnummer");
    case ROLE_LANGUAGE: /* only by its usual headers or roster.columns.language: never guessed */
        return false;
    case N_ROLES:
        break;
    }
    abort();
}

/* For init: the first column, not taken by another role, whose header suggests role; NO_COLUMN if none. */
static size_t
guess_column(const struct parser *ps, char *const *keys, enum role role)
{
    size_t found = NO_COLUMN;
    for (size_t i = 0; i < ps->r->n_headers && found == NO_COLUMN; i++) {
        if (role_of_column(ps, i) != N_ROLES)
            continue;
        char *h = header_letters(keys[i]);
        if (header_suggests(h, role) && !has_word(h, other_person_words))
            found = i;
        free(h);
    }
    return found;
}

/* Stores the header names and finds each role's column; false if a required one is missing. */
static bool
read_header(struct parser *ps)
{
    struct roster *r = ps->r;
    r->n_headers = ps->n_fields;
    r->headers = xcalloc(ps->n_fields, sizeof(*r->headers));
    for (size_t i = 0; i < ps->n_fields; i++) {
        const struct raw_field *f = &ps->fields[i];
        if (ps->check_utf8 && !utf8_is_valid(f->text, f->len)) {
            char *clean = sanitize_utf8(f->text, f->len);
            r->headers[i] = roster_clean_field(clean, strlen(clean));
            free(clean);
        } else {
            r->headers[i] = roster_clean_field(f->text, f->len);
        }
    }

    /* Each header folded once: a 10 MB header line must not be folded once per alias. */
    char **keys = xcalloc(r->n_headers ? r->n_headers : 1, sizeof(*keys));
    for (size_t i = 0; i < r->n_headers; i++)
        keys[i] = header_key(r->headers[i]);
    bool ok = true;
    for (int role = 0; role < N_ROLES; role++) {
        const char *configured = configured_column(ps->opts, (enum role)role);
        ps->column[role] = NO_COLUMN;
        if (configured) {
            ps->column[role] = find_header_in(r, keys, configured);
        } else {
            for (const char *const *a = role_aliases[role]; *a && ps->column[role] == NO_COLUMN; a++)
                ps->column[role] = find_header_in(r, keys, *a);
        }
    }
    /* Only once every usual header is placed, so a guess never takes a column a usual name names. */
    if (ps->opts && ps->opts->guess_columns)
        for (int role = 0; role < N_ROLES; role++)
            if (ps->column[role] == NO_COLUMN && !configured_column(ps->opts, (enum role)role))
                ps->column[role] = guess_column(ps, keys, (enum role)role);
    for (int role = 0; role < N_ROLES; role++) {
        const char *configured = configured_column(ps->opts, (enum role)role);
        /* Without a birth date column (IServ lists) the forms leave the date for the parents to write. */
        bool is_optional = role == ROLE_ID || role == ROLE_BIRTH_DATE || role == ROLE_LANGUAGE;
        if (ps->column[role] != NO_COLUMN || (is_optional && !configured))
            continue;

        report_missing_column(ps, (enum role)role, configured);
        ok = false;
    }
    if (!ok && r->n_headers == 1)
        diag_add(ps->d, DIAG_NOTE, ps->path, ps->row_line, 0,
                 "the header line is one single column: is the delimiter right (roster.delimiter)?");
    for (size_t i = 0; i < r->n_headers; i++)
        free(keys[i]);
    free(keys);
    r->columns = (struct roster_columns){ps->column[ROLE_LAST_NAME], ps->column[ROLE_FIRST_NAME],
                                         ps->column[ROLE_BIRTH_DATE], ps->column[ROLE_CLASS],
                                         ps->column[ROLE_ID]};
    r->has_language = ps->column[ROLE_LANGUAGE] != NO_COLUMN;
    return ok;
}

/* ---- data rows ---- */

/* Five digits: how Excel writes a date cell formatted as a number (42204 is 19.07.2015). */
static bool
is_excel_serial(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n == 5 && s[n] == '\0';
}

/* "19.7.15": a German date with a two-digit year, which could be 1915 or 2015. */
static bool
is_two_digit_year(const char *s)
{
    int         n_dots = 0, n_digits = 0;
    const char *p = s;
    for (; *p; p++) {
        if (*p == '.') {
            if (n_digits < 1 || n_digits > 2)
                return false;
            n_dots++;
            n_digits = 0;
        } else if (*p >= '0' && *p <= '9') {
            n_digits++;
        } else {
            break;
        }
    }
    if (*p == ' ') /* a time may follow, as in a date of four-digit year */
        p++;
    bool has_time = *p >= '0' && *p <= '9' && strchr(p, ':');
    return n_dots == 2 && n_digits == 2 && (*p == '\0' || has_time);
}

static void
note_date_problem(struct date_problem *dp, const struct raw_field *f, const char *value)
{
    if (dp->n++ == 0) {
        dp->line = f->line;
        dp->col = f->col;
        dp->first = xstrdup(value);
    }
}

/* The birth dates that are one problem of the whole column: one message each, at the first row. */
static void
report_date_problems(struct parser *ps)
{
    if (!ps->serial_dates.n && !ps->two_digit_years.n)
        return;
    const char                *column = ps->r->headers[ps->column[ROLE_BIRTH_DATE]];
    const struct date_problem *sd = &ps->serial_dates, *ty = &ps->two_digit_years;
    if (sd->n)
        diag_add(
            ps->d, DIAG_ERROR, ps->path, sd->line, sd->col,
            util_translate_plural(
                "the column \"%s\" holds an Excel serial number instead of a date in %zu row (\"%s\"): "
                "format the column as a date (TT.MM.JJJJ) in Excel and export again",
                "the column \"%s\" holds Excel serial numbers instead of dates in %zu rows (the first is "
                "\"%s\"): format the column as a date (TT.MM.JJJJ) in Excel and export again",
                sd->n),
            util_quote(column).text, sd->n, util_quote(sd->first).text);
    if (ty->n)
        diag_add(
            ps->d, DIAG_ERROR, ps->path, ty->line, ty->col,
            util_translate_plural(
                "the column \"%s\" has a two-digit year in %zu row (\"%s\"): format the column as a date "
                "with four-digit years (TT.MM.JJJJ) and export again",
                "the column \"%s\" has two-digit years in %zu rows (the first is \"%s\"): format the "
                "column as a date with four-digit years (TT.MM.JJJJ) and export again",
                ty->n),
            util_quote(column).text, ty->n, util_quote(ty->first).text);
}

/* A line break inside a field, named by what the field holds. */
static void
report_line_break(struct parser *ps, const struct raw_field *f, const char *header, enum role role)
{
    switch (role) {
    case ROLE_LAST_NAME:
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" has a line break; the last name must be on one line", header);
        return;
    case ROLE_FIRST_NAME:
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" has a line break; the first name must be on one line", header);
        return;
    case ROLE_BIRTH_DATE:
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" has a line break; the birth date must be on one line", header);
        return;
    case ROLE_CLASS:
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" has a line break; the class must be on one line", header);
        return;
    case ROLE_ID:
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" has a line break; the id must be on one line", header);
        return;
    case ROLE_LANGUAGE:
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" has a line break; the language must be on one line", header);
        return;
    case N_ROLES:
        break;
    }
    abort();
}

/*
 * Checks one field of a data row; false (and a diag) if it makes the row
 * unusable. A birth date goes to *birth (left {0, 0, 0} when empty).
 */
static bool
check_field(struct parser *ps, size_t i, const char *value, struct date *birth)
{
    const struct raw_field *f = &ps->fields[i];
    struct util_quoted      quoted = util_quote(ps->r->headers[i]); /* the header as messages show it */
    const char             *header = quoted.text;
    enum role               role = role_of_column(ps, i);
    /* On the raw bytes: NFC would cut the text at a NUL byte. */
    int32_t ctl = find_control(f->text, f->len, role == N_ROLES);
    if (ctl == '\n' || ctl == '\r') {
        report_line_break(ps, f, header, role);
        return false;
    }
    if (ctl >= 0) {
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" contains the control character U+%04X; remove it", header, (unsigned)ctl);
        return false;
    }
    size_t n_chars = utf8_count_chars(value, strlen(value));
    if (n_chars > ROSTER_MAX_FIELD_CHARS) {
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                 "field \"%s\" has %zu characters; at most %d are allowed", header, n_chars,
                 ROSTER_MAX_FIELD_CHARS);
        return false;
    }
    if (role == N_ROLES || role == ROLE_ID || role == ROLE_LANGUAGE)
        return true;
    if (!*value && role == ROLE_BIRTH_DATE) {
        diag_add(ps->d, DIAG_WARNING, ps->path, f->line, f->col,
                 "the birth date is empty (column \"%s\"); the form leaves it blank for the parents to fill "
                 "in",
                 header);
        return true;
    }
    if (!*value) {
        if (role == ROLE_LAST_NAME)
            diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col, "the last name is empty (column \"%s\")", header);
        else if (role == ROLE_FIRST_NAME)
            diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col, "the first name is empty (column \"%s\")",
                     header);
        else
            diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col, "the class is empty (column \"%s\")", header);
        return false;
    }
    if (role != ROLE_BIRTH_DATE)
        return true;
    switch (date_parse(value, birth)) {
    case DATE_OK:
        return true;
    case DATE_BAD_FORMAT:
        if (is_excel_serial(value))
            note_date_problem(&ps->serial_dates, f, value);
        else if (is_two_digit_year(value))
            note_date_problem(&ps->two_digit_years, f, value);
        else
            diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col,
                     "birth date \"%s\" is not a date; expected a date like 30.01.2016 or 2016-01-30",
                     util_quote(value).text);
        return false;
    case DATE_NOT_REAL:
        diag_add(ps->d, DIAG_ERROR, ps->path, f->line, f->col, "birth date \"%s\" is not a real date",
                 util_quote(value).text);
        return false;
    }
    abort();
}

/* A "?" in a name: Excel's "CSV (Trennzeichen-getrennt)" writes one for each letter Windows-1252 lacks. */
static void
check_lost_letters(struct parser *ps, char **values)
{
    static const enum role names[] = {ROLE_LAST_NAME, ROLE_FIRST_NAME};
    for (size_t k = 0; k < 2; k++) {
        size_t col = ps->column[names[k]];
        if (!strchr(values[col], '?'))
            continue;
        diag_add(ps->d, DIAG_WARNING, ps->path, ps->fields[col].line, ps->fields[col].col,
                 "the name \"%s\" has a \"?\" where a letter may have been lost: Excel's \"CSV "
                 "(Trennzeichen-getrennt)\" writes \"?\" for letters such as ı or ş; in Excel save the list "
                 "with Datei › Speichern unter › CSV UTF-8",
                 util_quote(values[col]).text);
        return; /* one warning per row */
    }
}

/* The words group headings of exports start with: "Klasse 5a", "Jahrgang 7", "Kurs Q1-D1". */
static bool
starts_with_heading_word(const char *s)
{
    static const char *const words[] = {"Klasse", "Jahrgang", "Jahrgangsstufe", "Stufe", "Kurs", "Gruppe"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = 0;
        while (words[i][n] && s[n] && (s[n] | 0x20) == (words[i][n] | 0x20))
            n++;
        if (!words[i][n] && (s[n] == ' ' || s[n] == ':'))
            return true;
    }
    return false;
}

/*
 * A line with one value only, which names a group ("Klasse 5a", or "5a;;;;"
 * as Excel writes a merged heading cell), holds no pupil: a warning, not an
 * error per empty name. Any other single value ("Müller;;;", an id, a date)
 * is a pupil whose data is missing, reported as such.
 */
static bool
skip_heading(struct parser *ps)
{
    if (ps->r->n_headers < 2)
        return false;
    const struct raw_field *value = NULL;
    for (size_t i = 0; i < ps->n_fields; i++) {
        if (is_empty_field(&ps->fields[i]))
            continue;
        if (value)
            return false;
        value = &ps->fields[i];
    }
    if (!value)
        return false;
    char *text = roster_clean_field(value->text, value->len);
    bool  has_letter = false;
    for (const char *c = text; *c; c++)
        has_letter |= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
    /* A class name is short and has a digit and a letter: "5a", "10b", "Q1"; an id or a date has no letter.
     */
    bool is_class = has_letter && strpbrk(text, "0123456789") && strlen(text) <= 12;
    bool is_heading =
        find_control(value->text, value->len, false) < 0 && (is_class || starts_with_heading_word(text));
    if (is_heading)
        diag_add(ps->d, DIAG_WARNING, ps->path, ps->row_line, 0,
                 "the line \"%s\" was skipped as a heading: it names no pupil", util_quote(text).text);
    free(text);
    return is_heading;
}

/*
 * A row with fewer or more fields than the header line. The separator is named: the
 * secretary looks for a missing or an extra one in the row.
 */
static void
report_field_count(struct parser *ps)
{
    const struct roster *r = ps->r;
    unsigned long        n = ps->n_fields;
    size_t               n_headers = r->n_headers;
    const char          *sep = r->delimiter == ',' ? "," : ";";
    if (ps->n_fields < n_headers && r->delimiter == '\t')
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 util_translate_plural("row has %lu field, but the header line has %zu: a value or a tab is missing",
                                       "row has %lu fields, but the header line has %zu: a value or a tab is missing",
                                       n),
                 n, n_headers);
    else if (ps->n_fields < n_headers)
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 util_translate_plural(
                     "row has %lu field, but the header line has %zu: a value or a \"%s\" is missing",
                     "row has %lu fields, but the header line has %zu: a value or a \"%s\" is missing", n),
                 n, n_headers, sep);
    else if (r->delimiter == '\t')
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 "row has %lu fields, but the header line has %zu: a tab too many, or text with a tab that is "
                 "not in double quotes",
                 n, n_headers);
    else
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
                 "row has %lu fields, but the header line has %zu: a \"%s\" too many, or text with a \"%s\" "
                 "that is not in double quotes",
                 n, n_headers, sep, sep);
}

static void
read_data_row(struct parser *ps, size_t end)
{
    struct roster *r = ps->r;
    ps->n_rows++;
    if (ps->check_utf8 && !utf8_is_valid(ps->text + ps->row_start, end - ps->row_start)) {
        report_bad_utf8(ps, end);
        return;
    }
    if (r->was_windows_1252 && row_has_bad_byte_marker(ps))
        return; /* reported with its position by report_bad_bytes() */
    if (skip_heading(ps)) {
        ps->n_rows--;
        return;
    }
    if (ps->n_fields < r->n_headers || (ps->n_fields > r->n_headers && !fields_all_empty(ps, r->n_headers))) {
        /* Name the separator: the secretary looks for a missing or an extra one in the row. */
        report_field_count(ps);
        return;
    }

    char      **values = xcalloc(r->n_headers ? r->n_headers : 1, sizeof(*values));
    struct date birth = {0, 0, 0};
    bool        ok = true;
    for (size_t i = 0; i < r->n_headers; i++) {
        values[i] = roster_clean_field(ps->fields[i].text, ps->fields[i].len);
        if (!check_field(ps, i, values[i], &birth))
            ok = false;
        else
            normalize_line_breaks(values[i]);
    }
    if (ok)
        check_lost_letters(ps, values);
    if (!ok) {
        for (size_t i = 0; i < r->n_headers; i++)
            free(values[i]);
        free(values);
        return;
    }

    if (r->n_pupils == ps->cap_pupils) {
        ps->cap_pupils = ps->cap_pupils ? ps->cap_pupils * 2 : 64;
        r->pupils = xrealloc(r->pupils, ps->cap_pupils * sizeof(*r->pupils));
    }
    struct pupil *p = &r->pupils[r->n_pupils++];
    p->last_name = xstrdup(values[ps->column[ROLE_LAST_NAME]]);
    p->first_name = xstrdup(values[ps->column[ROLE_FIRST_NAME]]);
    p->class_name = xstrdup(values[ps->column[ROLE_CLASS]]);
    p->id = ps->column[ROLE_ID] == NO_COLUMN ? NULL : xstrdup(values[ps->column[ROLE_ID]]);
    p->birth_date = birth;
    p->fields = values;
    p->language[0] = '\0';
    p->language_col = 0;
    if (ps->column[ROLE_LANGUAGE] != NO_COLUMN) {
        const struct raw_field *f = &ps->fields[ps->column[ROLE_LANGUAGE]];
        const char             *value = values[ps->column[ROLE_LANGUAGE]];
        p->language_col = f->col;
        /* An unknown language is no reason to leave a pupil out: the German form is what counts. */
        if (!roster_language_code(value, p->language))
            diag_add(ps->d, DIAG_WARNING, ps->path, f->line, f->col,
                     "unknown language \"%s\" (column \"%s\"); %s, %s gets the German form only",
                     util_quote(value).text, util_quote(r->headers[ps->column[ROLE_LANGUAGE]]).text,
                     util_quote(p->last_name).text, util_quote(p->first_name).text);
    }
    p->line = ps->row_line;
    p->row = ps->n_rows;
}

/* ---- libcsv callbacks and the feeding loop ---- */

static void
on_field(void *s, size_t len, void *data)
{
    struct parser *ps = data;
    /* A row of millions of ";" is not a pupil: count its fields, keep no more than the limit. */
    if (ps->n_fields_seen++ >= ROSTER_MAX_COLUMNS) {
        ps->field_started = false;
        ps->has_gap = false;
        return;
    }
    if (ps->n_fields == ps->cap_fields) {
        ps->cap_fields = ps->cap_fields ? ps->cap_fields * 2 : 16;
        ps->fields = xrealloc(ps->fields, ps->cap_fields * sizeof(*ps->fields));
    }
    struct raw_field *f = &ps->fields[ps->n_fields++];
    f->text = s ? xstrndup(s, len) : xstrdup("");
    f->len = s ? len : 0;
    f->line = ps->field_line;
    f->col = ps->field_col;
    /* An empty field is best shown where it begins, not at the delimiter that ends it. */
    if (ps->has_gap && is_empty_field(f)) {
        f->line = ps->gap_line;
        f->col = ps->gap_col;
    }
    ps->field_started = false;
    ps->has_gap = false;
}

static void
on_row(int c, void *data)
{
    (void)c;
    struct parser *ps = data;
    ps->row_started = false;
    ps->field_started = false;
    ps->has_gap = false;
    if (ps->is_fatal)
        return;
    size_t n_bad = report_bad_bytes(ps, ps->row_line, ps->line);
    if (ps->n_fields_seen > ROSTER_MAX_COLUMNS) {
        diag_add(
            ps->d, DIAG_ERROR, ps->path, ps->row_line, 0,
            "row has %zu fields; at most %d are allowed: is this the pupil list, with the right delimiter?",
            ps->n_fields_seen, ROSTER_MAX_COLUMNS);
        if (!ps->has_header)
            ps->is_fatal = true;
        else
            ps->n_rows++;
        clear_row(ps);
        return;
    }
    /* Rows of nothing but delimiters (Excel writes them) count as empty lines. */
    if (fields_all_empty(ps, 0) && n_bad == 0) {
        clear_row(ps);
        return;
    }
    if (!ps->has_header) {
        ps->has_header = true;
        if (ps->check_utf8 && !utf8_is_valid(ps->text + ps->row_start, ps->cur - ps->row_start))
            report_bad_utf8(ps, ps->cur);
        if (!read_header(ps))
            ps->is_fatal = true;
    } else {
        read_data_row(ps, ps->cur);
    }
    clear_row(ps);
}

/* Notes where a row and a field begin, before the byte at ps->cur is fed to libcsv. */
static void
track_start(struct parser *ps, unsigned char c)
{
    bool is_term = c == '\r' || c == '\n';
    if (is_blank_byte(c, ps->r->delimiter)) {
        if (!ps->field_started && !ps->has_gap) {
            ps->has_gap = true;
            ps->gap_line = ps->line;
            ps->gap_col = ps->col_chars + 1;
        }
        return;
    }
    if (!ps->row_started) {
        if (is_term) { /* a line of blanks: libcsv delivers no row */
            ps->has_gap = false;
            return;
        }
        ps->row_started = true;
        ps->row_start = ps->cur;
        ps->row_line = ps->line;
        ps->row_col = ps->col_chars + 1;
    }
    if (!ps->field_started) {
        ps->field_started = true;
        ps->field_line = ps->line;
        ps->field_col = ps->col_chars + 1;
    }
}

/* Moves the line/column past bytes [from, to). */
static void
advance(struct parser *ps, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)ps->text[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= ps->len || ps->text[i + 1] != '\n'))) {
            ps->line++;
            ps->col_chars = 0;
        } else if ((c & 0xC0) != 0x80) {
            ps->col_chars++;
        }
    }
}

void
roster_csv_init(struct csv_parser *csv, char delim)
{
    if (csv_init(csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        abort();
    csv_set_delim(csv, (unsigned char)delim);
    csv_set_realloc_func(csv, xrealloc);
    /*
     * libcsv grows its field buffer by this many bytes at a time, not by a
     * factor: at its default of 128, a 10 MB field took 80,000 reallocations
     * (quadratic copying wherever realloc cannot grow in place).
     */
    csv_set_blk_size(csv, ROSTER_CSV_BLOCK);
}

/* A strict-mode error from libcsv at byte err: report, drop the row, go on after the line end. */
static void
recover_from_parse_error(struct parser *ps, struct csv_parser *csv, size_t err)
{
    /* err may lie inside a run fed at once: count the characters before it. */
    unsigned line = ps->line;
    unsigned col = ps->col_chars + 1 + (unsigned)utf8_count_chars(ps->text + ps->cur, err - ps->cur);
    if (!ps->is_fatal) {
        report_bad_bytes(ps, ps->row_line, line);
        if (csv->quoted)
            diag_add(ps->d, DIAG_ERROR, ps->path, line, col,
                     "text after the closing quote of a field; a quote inside a quoted field is written "
                     "twice (\"\")");
        else
            diag_add(ps->d, DIAG_ERROR, ps->path, line, col,
                     "quote (\") inside a field that does not start with one; put the whole field in quotes "
                     "and write the quote twice (\"\")");
        if (!ps->has_header)
            ps->is_fatal = true;
        else
            ps->n_rows++;
    }
    clear_row(ps);
    csv_free(csv);
    roster_csv_init(csv, ps->r->delimiter);
    ps->row_started = ps->field_started = ps->has_gap = false;
    ps->skip_to_eol = true;
}

static bool
is_special(unsigned char c, char delim)
{
    return c == (unsigned char)delim || c == '"' || c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

/*
 * libcsv gives no positions, so the text is fed in pieces whose callbacks can
 * only fire at their last byte: runs of ordinary bytes, and each special byte
 * (delimiter, quote, line end, blank) alone. Thus the current line and column
 * are known whenever a field or row is delivered, also after quoted line breaks.
 */
static void
feed(struct parser *ps)
{
    struct csv_parser csv;
    char              delim = ps->r->delimiter;
    roster_csv_init(&csv, delim);
    size_t i = 0;
    while (i < ps->len && !ps->is_fatal) {
        unsigned char c = (unsigned char)ps->text[i];
        size_t        j = i + 1;
        if (!is_special(c, delim))
            while (j < ps->len && !is_special((unsigned char)ps->text[j], delim))
                j++;
        if (ps->skip_to_eol) {
            if (c == '\n' || c == '\r')
                ps->skip_to_eol = false;
            advance(ps, i, j);
            i = j;
            continue;
        }
        ps->cur = i;
        track_start(ps, c);
        size_t used = csv_parse(&csv, ps->text + i, j - i, on_field, on_row, ps);
        if (used < j - i && csv_error(&csv) == CSV_EPARSE) {
            recover_from_parse_error(ps, &csv, i + used);
            advance(ps, i, i + used);
            i += used;
            continue;
        }
        advance(ps, i, j);
        i = j;
    }
    ps->cur = ps->len;
    if (!ps->is_fatal && csv_fini(&csv, on_field, on_row, ps) != 0) {
        report_bad_bytes(ps, ps->field_line, ps->line);
        diag_add(ps->d, DIAG_ERROR, ps->path, ps->field_line, ps->field_col,
                 "the quote (\") that opens this field is never closed");
        if (!ps->has_header)
            ps->is_fatal = true;
        else
            ps->n_rows++;
        clear_row(ps);
    }
    csv_free(&csv);
    if (!ps->is_fatal)
        report_bad_bytes(ps, 0, UINT_MAX);
}

/* The most frequent of ; , tab outside quotes in the first non-empty line; ties go to ';' then ','. */
static char
detect_delimiter(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == '\r' || s[i] == '\n' || s[i] == ' '))
        i++;
    size_t n_semicolon = 0, n_comma = 0, n_tab = 0;
    bool   in_quotes = false;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '"')
            in_quotes = !in_quotes;
        else if (in_quotes)
            continue;
        else if (c == '\r' || c == '\n')
            break;
        else if (c == ';')
            n_semicolon++;
        else if (c == ',')
            n_comma++;
        else if (c == '\t')
            n_tab++;
    }
    if (n_tab > n_semicolon && n_tab > n_comma)
        return '\t';
    if (n_comma > n_semicolon)
        return ',';
    return ';';
}

static bool
is_blank_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* A file that is not CSV text: one plain sentence on what it is and how to make the CSV. False if so. */
static bool
check_kind(enum util_file_kind kind, const char *path, struct diags *d)
{
    switch (kind) {
    case UTIL_FILE_TEXT:
    case UTIL_FILE_UTF16LE:
    case UTIL_FILE_UTF16BE:
        return true;
    case UTIL_FILE_XLSX:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is an Excel workbook (.xlsx), not a CSV file: open it in Excel and save it with Datei › "
            "Speichern unter › CSV UTF-8 (durch Trennzeichen getrennt)");
        break;
    case UTIL_FILE_XLS:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is an Excel workbook in the old format (.xls), not a CSV file: open it in Excel and save "
            "it with Datei › Speichern unter › CSV UTF-8 (durch Trennzeichen getrennt)");
        break;
    case UTIL_FILE_ODS:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is a LibreOffice Calc spreadsheet (.ods), not a CSV file: open it in LibreOffice and save "
            "it with Datei › Speichern unter, Dateityp \"Text CSV (.csv)\", Zeichensatz \"Unicode "
            "(UTF-8)\"");
        break;
    case UTIL_FILE_WORD:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is a text document (Word or LibreOffice Writer), not a CSV file: export the pupil list "
            "from the school software as CSV, or copy the table into Excel and save it with Datei › "
            "Speichern unter › CSV UTF-8");
        break;
    case UTIL_FILE_PDF:
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "this is a PDF file, not a CSV file: a PDF cannot be read as a table; export the pupil list "
                 "from the school software as CSV (in Excel: Datei › Speichern unter › CSV UTF-8)");
        break;
    case UTIL_FILE_BINARY:
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "this is not a text file (perhaps an image or an archive): roster.file must name the CSV "
                 "export of the pupil list");
        break;
    }
    return false;
}

/*
 * The text of a CSV file as UTF-8. With reports_mixed (the roster), a file
 * that is not valid UTF-8 but has UTF-8 letters stays UTF-8, and its broken
 * lines are reported; without (roster_decode), such a file is Windows-1252.
 */
static bool
decode(const char *data, size_t len, enum config_encoding enc, bool reports_mixed, struct roster_text *out)
{
    memset(out, 0, sizeof *out);
    enum util_file_kind kind = util_file_kind(data, len);
    /* Excel's "Unicode-Text" is UTF-16 with a BOM, tab-separated: whatever enc says, the BOM decides. */
    if (kind == UTIL_FILE_UTF16LE || kind == UTIL_FILE_UTF16BE) {
        out->converted =
            roster_convert_utf16(data + 2, len - 2, kind == UTIL_FILE_UTF16BE, &out->len, &out->utf16_bad_line);
        if (!out->converted)
            return false;
        out->text = out->converted;
        out->is_utf8 = utf8_is_valid(out->text, out->len);
        return true;
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    out->is_utf8 = utf8_is_valid(data, len);
    /* Not all UTF-8, but some UTF-8 letters: lines added in another encoding, reported, never mojibake. */
    out->is_mixed =
        reports_mixed && enc == CONFIG_ENCODING_AUTO && !out->is_utf8 && has_utf8_letters(data, len);
    if (enc == CONFIG_ENCODING_WINDOWS_1252 ||
        (enc == CONFIG_ENCODING_AUTO && !out->is_utf8 && !out->is_mixed)) {
        out->converted = roster_convert_windows_1252(data, len, &out->len, &out->bad, &out->n_bad);
        if (!out->converted)
            return false;
        out->text = out->converted;
        out->was_windows_1252 = true;
        out->is_utf8 = true;
    } else {
        out->text = data;
        out->len = len;
    }
    return true;
}

bool
roster_decode(const char *data, size_t len, enum config_encoding enc, struct roster_text *out)
{
    return decode(data, len, enc, false, out);
}

void
roster_text_fini(struct roster_text *t)
{
    free(t->converted);
    free(t->bad);
    memset(t, 0, sizeof *t);
}

struct roster *
roster_parse(const char *data, size_t len, const char *path, const struct config_roster *opts,
             struct diags *d)
{
    enum util_file_kind kind = util_file_kind(data, len);
    if (!check_kind(kind, path, d))
        return NULL;
    struct roster_text decoded;
    if (!decode(data, len, opts ? opts->encoding : CONFIG_ENCODING_AUTO, true, &decoded)) {
        if (decoded.utf16_bad_line)
            diag_add(d, DIAG_ERROR, path, decoded.utf16_bad_line, 0,
                     "the file is UTF-16 text (Excel's \"Unicode-Text\"), but this line holds a broken "
                     "character: save the list again, best as \"CSV UTF-8\"");
        else if (kind != UTIL_FILE_TEXT)
            diag_add(d, DIAG_ERROR, path, 0, 0, "cannot convert from UTF-16: %s", strerror(errno));
        else
            diag_add(d, DIAG_ERROR, path, 0, 0, "cannot convert from Windows-1252: %s", strerror(errno));
        roster_text_fini(&decoded);
        return NULL;
    }
    if (is_blank_text(decoded.text, decoded.len)) {
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "the file is empty; expected a header line and one line per pupil");
        roster_text_fini(&decoded);
        return NULL;
    }

    struct parser ps = {0};
    ps.path = path;
    ps.opts = opts;
    ps.d = d;
    ps.line = 1;
    ps.r = xcalloc(1, sizeof(*ps.r));
    ps.r->path = xstrdup(path);
    ps.text = decoded.text;
    ps.len = decoded.len;
    ps.bad = decoded.bad;
    ps.n_bad = decoded.n_bad;
    ps.r->was_windows_1252 = decoded.was_windows_1252;
    ps.r->was_utf16 = kind == UTIL_FILE_UTF16LE || kind == UTIL_FILE_UTF16BE;
    ps.check_utf8 = !decoded.is_utf8;
    ps.is_mixed = decoded.is_mixed;
    ps.r->delimiter = opts && opts->delimiter ? opts->delimiter : detect_delimiter(ps.text, ps.len);

    feed(&ps);
    if (!ps.is_fatal)
        report_date_problems(&ps);

    if (!ps.is_fatal && !ps.has_header)
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "the file is empty; expected a header line and one line per pupil");
    else if (!ps.is_fatal && ps.n_rows == 0)
        diag_add(d, DIAG_ERROR, path, 0, 0, "no pupils: the file has only a header line");
    clear_row(&ps);
    free(ps.fields);
    free(ps.serial_dates.first);
    free(ps.two_digit_years.first);
    roster_text_fini(&decoded);
    if (ps.is_fatal || !ps.has_header) {
        roster_free(ps.r);
        return NULL;
    }
    return ps.r;
}

struct roster *
roster_load(const char *path_as_written, const struct config_roster *opts, struct diags *d)
{
    const char *path = opts && opts->file ? opts->file : path_as_written;
    char       *data;
    size_t      len;
    if (!util_read_file(path, ROSTER_MAX_FILE_BYTES, &data, &len)) {
        int err = errno;
        if (err == EFBIG)
            diag_add(d, DIAG_ERROR, path_as_written, 0, 0,
                     "the file is larger than 16 MiB, far too large for a pupil list: is it the right file?");
        else if (err == ENODEV)
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "cannot read roster \"%s\": it is a device or a pipe, not a file; roster.file must name "
                     "the CSV file",
                     util_quote(path_as_written).text);
        else
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read roster \"%s\": %s",
                     util_quote(path_as_written).text, strerror(err));
        return NULL;
    }
    struct roster *r = roster_parse(data, len, path_as_written, opts, d);
    free(data);
    return r;
}

static void
pupil_fini(struct pupil *p, size_t n_fields)
{
    free(p->last_name);
    free(p->first_name);
    free(p->class_name);
    free(p->id);
    if (p->fields)
        for (size_t i = 0; i < n_fields; i++)
            free(p->fields[i]);
    free(p->fields);
}

void
roster_free(struct roster *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_pupils; i++)
        pupil_fini(&r->pupils[i], r->n_headers);
    free(r->pupils);
    for (size_t i = 0; i < r->n_headers; i++)
        free(r->headers[i]);
    free(r->headers);
    free(r->path);
    free(r);
}

bool
roster_has_birth_date(const struct pupil *p)
{
    return p->birth_date.year != 0;
}

const char *
roster_field(const struct roster *r, const struct pupil *p, const char *header)
{
    if (!r || !p || !header)
        return NULL;
    size_t i = find_header(r, header);
    return i == NO_COLUMN ? NULL : p->fields[i];
}

/* ---- plausibility ---- */

/* Folded "last \x1f first" plus the date: equal keys are the same pupil. */
struct dup_key {
    char               *key;
    struct date         birth;
    size_t              index;
    const struct pupil *p;
};

static int
compare_dup_key(const void *pa, const void *pb)
{
    const struct dup_key *a = pa, *b = pb;
    int                   c = strcmp(a->key, b->key);
    if (c == 0)
        c = date_compare(a->birth, b->birth);
    if (c == 0)
        c = a->p->line < b->p->line ? -1 : a->p->line > b->p->line;
    if (c == 0)
        c = a->index < b->index ? -1 : a->index > b->index;
    return c;
}

/*
 * Key for "is this the same name": case and normalisation form ignored
 * (utf8_fold), and the Turkish dotted/dotless i taken as i, so "YILMAZ" finds
 * "Yılmaz" and "Ilayda" finds "İlayda". Names themselves are never changed.
 */
static char *
name_key(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    struct buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    for (size_t i = 0; i < len; i++) {
        if (i + 1 < len && (unsigned char)s[i] == 0xC4 && (unsigned char)s[i + 1] == 0xB0) { /* U+0130 İ */
            buf_putc(&b, 'I');
            i++;
        } else if (i + 1 < len && (unsigned char)s[i] == 0xC4 && (unsigned char)s[i + 1] == 0xB1) { /* ı */
            buf_putc(&b, 'i');
            i++;
        } else {
            buf_putc(&b, s[i]);
        }
    }
    char *folded = utf8_fold(b.data);
    if (!folded)
        folded = buf_detach(&b);
    buf_fini(&b);
    return folded;
}

/* The form date is wrong, not the pupils, when every pupil with a birth date (two or more) is out of range.
 */
static bool
check_form_date(const struct roster *r, struct date form_date, const char *date_file,
                struct config_pos date_at, struct diags *d)
{
    size_t n = 0;
    int    youngest = 0, oldest = 0;
    for (size_t i = 0; i < r->n_pupils; i++) {
        const struct pupil *p = &r->pupils[i];
        if (!roster_has_birth_date(p))
            continue;
        int age = date_age_on(p->birth_date, form_date);
        if (date_compare(p->birth_date, form_date) <= 0 && age >= 4 && age <= 25)
            return true;
        youngest = n == 0 || age < youngest ? age : youngest;
        oldest = n == 0 || age > oldest ? age : oldest;
        n++;
    }
    if (n < 2)
        return true;
    char form[11];
    date_format_german(form_date, form);
    if (oldest < 0)
        diag_add(d, DIAG_WARNING, date_file, date_at.line, date_at.col,
                 "on the form date %s none of the %zu pupils is born yet: is the year of form.date right?",
                 form, n);
    else
        diag_add(d, DIAG_WARNING, date_file, date_at.line, date_at.col,
                 "on the form date %s no pupil is from 4 to 25 years old (all %zu are from %d to %d): is the "
                 "year of form.date right?",
                 form, n, youngest, oldest);
    return false;
}

void
roster_check_plausible(const struct roster *r, struct date form_date, const char *date_file,
                       struct config_pos date_at, struct diags *d)
{
    if (!r)
        return;
    bool is_date_plausible = check_form_date(r, form_date, date_file, date_at, d);
    char form[11];
    date_format_german(form_date, form);
    size_t         *first_of = xcalloc(r->n_pupils ? r->n_pupils : 1, sizeof(*first_of));
    size_t         *occurrence = xcalloc(r->n_pupils ? r->n_pupils : 1, sizeof(*occurrence));
    struct dup_key *keys = xcalloc(r->n_pupils ? r->n_pupils : 1, sizeof(*keys));
    for (size_t i = 0; i < r->n_pupils; i++) {
        const struct pupil *p = &r->pupils[i];
        char               *last = name_key(p->last_name, strlen(p->last_name));
        char               *first = name_key(p->first_name, strlen(p->first_name));
        /* Without a birth date only class and id can tell two pupils of one name apart. */
        keys[i] =
            (struct dup_key){roster_has_birth_date(p) ? xasprintf("%s\x1f%s", last, first)
                                                      : xasprintf("%s\x1f%s\x1f\x1f%s\x1f%s", last, first,
                                                                  p->class_name, p->id ? p->id : ""),
                             p->birth_date, i, p};
        free(last);
        free(first);
    }
    qsort(keys, r->n_pupils, sizeof(*keys), compare_dup_key);
    for (size_t i = 0; i < r->n_pupils; i++) {
        bool same = i > 0 && strcmp(keys[i].key, keys[i - 1].key) == 0 &&
                    date_compare(keys[i].birth, keys[i - 1].birth) == 0;
        first_of[keys[i].index] = same ? first_of[keys[i - 1].index] : keys[i].index;
        occurrence[keys[i].index] = same ? occurrence[keys[i - 1].index] + 1 : 1;
    }

    for (size_t i = 0; i < r->n_pupils; i++) {
        const struct pupil *p = &r->pupils[i];
        char                born[11];
        date_format_german(p->birth_date, born);
        struct util_quoted last = util_quote(p->last_name), first = util_quote(p->first_name);
        if (!roster_has_birth_date(p)) {
            if (occurrence[i] == 2)
                diag_add(d, DIAG_WARNING, r->path, p->line, 0,
                         "\"%s, %s\" (no birth date) is listed twice in class %s; first on line %u",
                         last.text, first.text, util_quote(p->class_name).text, r->pupils[first_of[i]].line);
            else if (occurrence[i] > 2)
                diag_add(d, DIAG_WARNING, r->path, p->line, 0,
                         "\"%s, %s\" (no birth date) is listed %zu times in class %s; first on line %u",
                         last.text, first.text, occurrence[i], util_quote(p->class_name).text,
                         r->pupils[first_of[i]].line);
            continue;
        }
        if (!is_date_plausible) {
            /* reported once, at form.date */
        } else if (date_compare(p->birth_date, form_date) > 0) {
            diag_add(d, DIAG_WARNING, r->path, p->line, 0,
                     "\"%s, %s\" (born %s): the birth date is after the form date %s", last.text, first.text,
                     born, form);
        } else {
            int age = date_age_on(p->birth_date, form_date);
            if (age < 4 || age > 25)
                diag_add(
                    d, DIAG_WARNING, r->path, p->line, 0,
                    "\"%s, %s\" (born %s) is %d years old on the form date %s; expected an age from 4 to 25",
                    last.text, first.text, born, age, form);
        }
        if (occurrence[i] == 2)
            diag_add(d, DIAG_WARNING, r->path, p->line, 0,
                     "\"%s, %s\" (born %s) is listed twice; first on line %u", last.text, first.text, born,
                     r->pupils[first_of[i]].line);
        else if (occurrence[i] > 2)
            diag_add(d, DIAG_WARNING, r->path, p->line, 0,
                     "\"%s, %s\" (born %s) is listed %zu times; first on line %u", last.text, first.text,
                     born, occurrence[i], r->pupils[first_of[i]].line);
    }
    for (size_t i = 0; i < r->n_pupils; i++)
        free(keys[i].key);
    free(keys);
    free(occurrence);
    free(first_of);
}

/* ---- order and lookup ---- */

int
roster_compare_class(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *q) {
        if (*p >= '0' && *p <= '9' && *q >= '0' && *q <= '9') {
            /* Digit runs compare as numbers: "5" < "10"; leading zeros do not count. */
            while (*p == '0')
                p++;
            while (*q == '0')
                q++;
            const unsigned char *ep = p, *eq = q;
            while (*ep >= '0' && *ep <= '9')
                ep++;
            while (*eq >= '0' && *eq <= '9')
                eq++;
            if (ep - p != eq - q)
                return ep - p < eq - q ? -1 : 1;
            for (; p < ep; p++, q++)
                if (*p != *q)
                    return *p < *q ? -1 : 1;
            continue;
        }
        int cp = (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p;
        int cq = (*q >= 'A' && *q <= 'Z') ? *q + 32 : *q;
        if (cp != cq)
            return cp < cq ? -1 : 1;
        p++;
        q++;
    }
    if (*p || *q)
        return *p ? 1 : -1;
    /* Equal but for case or leading zeros: still a total order. */
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

struct sort_item {
    struct pupil p;
    char        *last_key, *first_key;
};

static int
compare_sort_item(const void *pa, const void *pb)
{
    const struct sort_item *a = pa, *b = pb;
    int                     c = roster_compare_class(a->p.class_name, b->p.class_name);
    if (c == 0)
        c = strcmp(a->last_key, b->last_key);
    if (c == 0)
        c = strcmp(a->first_key, b->first_key);
    if (c == 0)
        c = strcmp(a->p.last_name, b->p.last_name);
    if (c == 0)
        c = strcmp(a->p.first_name, b->p.first_name);
    if (c == 0)
        c = a->p.line < b->p.line ? -1 : a->p.line > b->p.line;
    if (c == 0)
        c = a->p.row < b->p.row ? -1 : a->p.row > b->p.row;
    return c;
}

void
roster_sort(struct roster *r)
{
    if (!r || r->n_pupils < 2)
        return;
    struct sort_item *items = xmalloc(r->n_pupils * sizeof(*items));
    for (size_t i = 0; i < r->n_pupils; i++) {
        items[i].p = r->pupils[i];
        items[i].last_key = utf8_sort_key(r->pupils[i].last_name);
        items[i].first_key = utf8_sort_key(r->pupils[i].first_name);
    }
    qsort(items, r->n_pupils, sizeof(*items), compare_sort_item);
    for (size_t i = 0; i < r->n_pupils; i++) {
        r->pupils[i] = items[i].p;
        free(items[i].last_key);
        free(items[i].first_key);
    }
    free(items);
}

/*
 * A pupil's names as match keys: last, first, "last first" and "first last";
 * with umlauts spelled out (Mueller) and, in plain, as their base letter (Muller).
 */
struct name_keys {
    char *last, *first, *last_first, *first_last;
};

static void
name_keys_init(struct name_keys *k, const struct pupil *p, char *(*key)(const char *))
{
    k->last = key(p->last_name);
    k->first = key(p->first_name);
    k->last_first = xasprintf("%s %s", k->last, k->first);
    k->first_last = xasprintf("%s %s", k->first, k->last);
}

static void
name_keys_fini(struct name_keys *k)
{
    free(k->last);
    free(k->first);
    free(k->last_first);
    free(k->first_last);
}

/* A query as keys: with a comma its two halves, without one the whole (q->last NULL). */
struct query_keys {
    char *last, *first, *whole;
};

static void
query_keys_init(struct query_keys *q, const char *query, char *(*key)(const char *))
{
    const char *comma = strchr(query, ',');
    q->last = q->first = NULL;
    if (comma) {
        char *last = xstrndup(query, (size_t)(comma - query));
        q->last = key(last);
        q->first = key(comma + 1);
        free(last);
    }
    q->whole = key(query);
}

static void
query_keys_fini(struct query_keys *q)
{
    free(q->last);
    free(q->first);
    free(q->whole);
}

static bool
matches(const struct query_keys *q, const struct name_keys *k)
{
    if (q->last)
        return *q->last && *q->first && strcmp(q->last, k->last) == 0 && strcmp(q->first, k->first) == 0;
    return *q->whole && (strcmp(q->whole, k->last_first) == 0 || strcmp(q->whole, k->first_last) == 0);
}

/* The pupils whose keys (made by key) match query; writes up to max indexes. */
static size_t
find_by_keys(const struct roster *r, const char *query, char *(*key)(const char *), size_t *idx, size_t max)
{
    struct query_keys q;
    query_keys_init(&q, query, key);
    size_t n = 0;
    for (size_t i = 0; i < r->n_pupils && n < max; i++) {
        struct name_keys k;
        name_keys_init(&k, &r->pupils[i], key);
        if (matches(&q, &k)) {
            if (idx)
                idx[n] = i;
            n++;
        }
        name_keys_fini(&k);
    }
    query_keys_fini(&q);
    return n;
}

size_t
roster_find_by_name(const struct roster *r, const char *query, size_t *idx, size_t max)
{
    if (!r || !query)
        return 0;
    /* Umlauts as file names spell them first (Müller = Mueller); only if none fits, as typed without them. */
    size_t n = find_by_keys(r, query, utf8_match_key, idx, max);
    return n ? n : find_by_keys(r, query, utf8_match_key_plain, idx, max);
}

static size_t
min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

struct suggestion {
    size_t i, dist;
};

static int
compare_suggestions(const void *pa, const void *pb)
{
    const struct suggestion *a = pa, *b = pb;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

size_t
roster_suggest_names(const struct roster *r, const char *query, size_t *idx, size_t max)
{
    if (!r || !query || max == 0)
        return 0;
    struct query_keys q;
    query_keys_init(&q, query, utf8_match_key);
    /* Close: a slip in a quarter of the letters, at least one ("Mülle" finds "Müller"). */
    size_t             limit = strlen(q.whole) / 4 ? strlen(q.whole) / 4 : 1;
    bool               is_one_word = !q.last && !strchr(q.whole, ' ');
    struct suggestion *v = xmalloc((r->n_pupils ? r->n_pupils : 1) * sizeof(*v));
    size_t             n = 0;
    for (size_t i = 0; *q.whole && i < r->n_pupils; i++) {
        struct name_keys k;
        name_keys_init(&k, &r->pupils[i], utf8_match_key);
        size_t dist = util_edit_distance(q.whole, k.last_first);
        if (!q.last)
            dist = min_size(dist, util_edit_distance(q.whole, k.first_last));
        if (is_one_word) /* only the last name, or only the first, typed */
            dist = min_size(
                dist, min_size(util_edit_distance(q.whole, k.last), util_edit_distance(q.whole, k.first)));
        if (dist <= limit)
            v[n++] = (struct suggestion){i, dist};
        name_keys_fini(&k);
    }
    qsort(v, n, sizeof(*v), compare_suggestions);
    n = min_size(n, max);
    for (size_t k = 0; k < n; k++)
        idx[k] = v[k].i;
    free(v);
    query_keys_fini(&q);
    return n;
}
