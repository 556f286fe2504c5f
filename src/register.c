/*
 * register: the consent register, read, matched to the roster, merged and
 * written back.
 *
 * The file (DESIGN.md): UTF-8 with BOM, ";" between fields, CRLF, the header
 *   Klasse;Nachname;Vorname;Geburtsdatum;ID;Antwort;Unterschrift;Eingang;Quelle;Prüfen
 * and one row per pupil. Written with Geburtsdatum as dd.mm.yyyy and Eingang
 * as yyyy-mm-dd; Quelle is a list "scan1.pdf:3 | manuell", each place followed
 * by its answer in brackets ("scan1.pdf:3 (Ja)") when the places disagree.
 * Read back as a spreadsheet saves it: Windows-1252 without BOM, dates as
 * dd.mm.yyyy, fields quoted, columns in another order, leading zeros of IDs
 * lost, letters Windows-1252 lacks turned into "?". A field that starts like a
 * formula (= + - @) is written after an apostrophe, so a spreadsheet shows it
 * as text, and read back without it.
 */
#include "consentgen/register.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/output.h"
#include "consentgen/sys.h"

#define REGISTER_MAX_FILE_BYTES ((size_t)16 * 1024 * 1024)

enum column {
    COL_CLASS,
    COL_LAST,
    COL_FIRST,
    COL_BIRTH,
    COL_ID,
    COL_ANSWER,
    COL_SIGNATURE,
    COL_RECEIVED,
    COL_SOURCE,
    COL_REVIEW,
    N_COLUMNS
};

static const char *const COLUMN_NAMES[N_COLUMNS] = {"Klasse", "Nachname", "Vorname",      "Geburtsdatum",
                                                    "ID",     "Antwort",  "Unterschrift", "Eingang",
                                                    "Quelle", "Prüfen"};

static const char *const ANSWER_WORDS[] = {"", "Ja", "Nein", "unklar", "widerrufen"};
static const char *const SIGNATURE_WORDS[] = {"", "ja", "fehlt", "unklar"};

const char *
register_answer_word(enum register_answer a)
{
    return ANSWER_WORDS[a];
}

/* An answer word in any case; false if it is none. */
static bool
parse_answer(const char *s, enum register_answer *out)
{
    for (size_t i = 0; i < sizeof ANSWER_WORDS / sizeof ANSWER_WORDS[0]; i++)
        if (util_strcasecmp_ascii(s, ANSWER_WORDS[i]) == 0) {
            *out = (enum register_answer)i;
            return true;
        }
    return false;
}

static bool
parse_signature(const char *s, enum register_signature *out)
{
    for (size_t i = 0; i < sizeof SIGNATURE_WORDS / sizeof SIGNATURE_WORDS[0]; i++)
        if (util_strcasecmp_ascii(s, SIGNATURE_WORDS[i]) == 0) {
            *out = (enum register_signature)i;
            return true;
        }
    return false;
}

/* ---- rows ---- */

static void
row_fini(struct register_row *row)
{
    free(row->class_name);
    free(row->last_name);
    free(row->first_name);
    free(row->id);
    for (size_t i = 0; i < row->n_sources; i++)
        free(row->sources[i].place);
    free(row->sources);
}

static void
add_source(struct register_row *row, const char *place, enum register_answer answer)
{
    row->sources = xrealloc(row->sources, (row->n_sources + 1) * sizeof *row->sources);
    row->sources[row->n_sources++] = (struct register_source){xstrdup(place), answer};
}

/* A new place as Quelle can hold it: "|" separates places, so one in a file name becomes "_". */
static void
add_new_source(struct register_row *row, const char *place, enum register_answer answer)
{
    add_source(row, place, answer);
    for (char *c = row->sources[row->n_sources - 1].place; *c; c++)
        if (*c == '|' || *c == '\r' || *c == '\n')
            *c = '_';
}

/* Copies the pupil's data into the row: the roster is the truth about names and classes. */
static void
row_take_pupil(struct register_row *row, const struct pupil *p)
{
    free(row->class_name);
    free(row->last_name);
    free(row->first_name);
    free(row->id);
    row->class_name = xstrdup(p->class_name);
    row->last_name = xstrdup(p->last_name);
    row->first_name = xstrdup(p->first_name);
    row->birth_date = p->birth_date;
    row->id = xstrdup(p->id ? p->id : "");
    row->pupil = p;
}

/* "scan1.pdf:3 (Ja) | manuell" into sources; a place without its answer in brackets said answer. */
static void
parse_sources(struct register_row *row, const char *text, enum register_answer answer)
{
    const char *s = text;
    while (*s) {
        const char *bar = strchr(s, '|');
        size_t      len = bar ? (size_t)(bar - s) : strlen(s);
        while (len > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len > 0) {
            char                *place = xstrndup(s, len);
            enum register_answer said = answer;
            char                *open = strrchr(place, '(');
            size_t               plen = strlen(place);
            if (open && open > place && open[-1] == ' ' && place[plen - 1] == ')') {
                place[plen - 1] = '\0';
                enum register_answer a;
                if (parse_answer(open + 1, &a) && a != REGISTER_ANSWER_NONE) {
                    said = a;
                    open[-1] = '\0';
                } else {
                    place[plen - 1] = ')';
                }
            }
            add_source(row, place, said);
            free(place);
        }
        s = bar ? bar + 1 : s + strlen(s);
    }
}

/* ---- reading ---- */

/* A field as a spreadsheet shows it: the apostrophe before a formula-like start is not part of it. */
static const char *
unguard(const char *s)
{
    if (s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@'))
        return s + 1;
    return s;
}

/* Header names compare ignoring ASCII case (and the umlaut of "Prüfen" in either case). */
static bool
is_column_name(const char *cell, const char *name)
{
    if (util_strcasecmp_ascii(cell, name) == 0)
        return true;
    return strcmp(name, "Prüfen") == 0 && util_strcasecmp_ascii(cell, "PRÜFEN") == 0;
}

/* Maps the header's cells to columns; false (and errors) if a column is missing, added or twice. */
static bool
read_header(const struct roster_table_row *h, const char *path, size_t col_of[N_COLUMNS], struct diags *d)
{
    bool ok = true;
    for (size_t c = 0; c < N_COLUMNS; c++)
        col_of[c] = SIZE_MAX;
    if (h->n_cells == 1 && (strchr(h->cells[0].text, ',') || strchr(h->cells[0].text, '\t'))) {
        diag_add(d, DIAG_ERROR, path, h->line, 0,
                 "the header line has no \";\"; the register's columns are separated by semicolons (in a "
                 "spreadsheet: save as \"CSV (Trennzeichen-getrennt)\")");
        return false;
    }
    for (size_t k = 0; k < h->n_cells; k++) {
        const struct roster_cell *cell = &h->cells[k];
        size_t                    c = 0;
        while (c < N_COLUMNS && !is_column_name(cell->text, COLUMN_NAMES[c]))
            c++;
        if (c == N_COLUMNS) {
            diag_add(d, DIAG_ERROR, path, cell->line, cell->col,
                     "\"%s\" is not a column of the register, and writing the register would drop it; move "
                     "it to a file of its own (the columns are %s)",
                     cell->text, REGISTER_HEADER);
            ok = false;
        } else if (col_of[c] != SIZE_MAX) {
            diag_add(d, DIAG_ERROR, path, cell->line, cell->col,
                     "the column \"%s\" is there twice; keep the one at character %u of this line",
                     cell->text, h->cells[col_of[c]].col);
            ok = false;
        } else {
            col_of[c] = k;
        }
    }
    for (size_t c = 0; c < N_COLUMNS; c++)
        if (col_of[c] == SIZE_MAX) {
            diag_add(d, DIAG_ERROR, path, h->line, 0,
                     "the register has no column \"%s\"; its header line must be %s", COLUMN_NAMES[c],
                     REGISTER_HEADER);
            ok = false;
        }
    return ok;
}

/* A date of the column Eingang: empty, yyyy-mm-dd or dd.mm.yyyy. */
static bool
read_received(const struct roster_cell *cell, const char *path, struct register_row *row, struct diags *d)
{
    if (!cell->text[0])
        return true;
    switch (date_parse(cell->text, &row->received)) {
    case DATE_OK:
        row->has_received = true;
        return true;
    case DATE_BAD_FORMAT:
        diag_add(d, DIAG_ERROR, path, cell->line, cell->col,
                 "Eingang \"%s\" is not a date; expected a date like 2026-12-01 or 01.12.2026", cell->text);
        return false;
    case DATE_NOT_REAL:
        diag_add(d, DIAG_ERROR, path, cell->line, cell->col, "Eingang \"%s\" is not a real date", cell->text);
        return false;
    }
    abort();
}

/* One data row into row; false (with errors) if a field cannot be read. */
static bool
read_row(const struct roster_table_row *tr, const size_t col_of[N_COLUMNS], size_t n_header, const char *path,
         struct register_row *row, struct diags *d)
{
    memset(row, 0, sizeof *row);
    row->line = tr->line;
    if (tr->n_cells != n_header) {
        diag_add(d, DIAG_ERROR, path, tr->line, 0,
                 "the row has %zu fields, but the header line has %zu; a \";\" is missing or one too many",
                 tr->n_cells, n_header);
        return false;
    }
    const struct roster_cell *cell[N_COLUMNS];
    for (size_t c = 0; c < N_COLUMNS; c++)
        cell[c] = &tr->cells[col_of[c]];
    row->class_name = xstrdup(unguard(cell[COL_CLASS]->text));
    row->last_name = xstrdup(unguard(cell[COL_LAST]->text));
    row->first_name = xstrdup(unguard(cell[COL_FIRST]->text));
    row->id = xstrdup(unguard(cell[COL_ID]->text));

    bool ok = true;
    if (!row->last_name[0] || !row->first_name[0]) {
        const struct roster_cell *empty = row->last_name[0] ? cell[COL_FIRST] : cell[COL_LAST];
        diag_add(d, DIAG_ERROR, path, empty->line, empty->col,
                 "the row has no Nachname or no Vorname; it needs both, as in the roster");
        ok = false;
    }
    /* A roster without birth dates (IServ) gives rows without one. */
    switch (cell[COL_BIRTH]->text[0] ? date_parse(cell[COL_BIRTH]->text, &row->birth_date) : DATE_OK) {
    case DATE_OK:
        break;
    case DATE_BAD_FORMAT:
        diag_add(d, DIAG_ERROR, path, cell[COL_BIRTH]->line, cell[COL_BIRTH]->col,
                 "birth date \"%s\" is not a date; expected a date like 30.01.2016 or 2016-01-30",
                 cell[COL_BIRTH]->text);
        ok = false;
        break;
    case DATE_NOT_REAL:
        diag_add(d, DIAG_ERROR, path, cell[COL_BIRTH]->line, cell[COL_BIRTH]->col,
                 "birth date \"%s\" is not a real date", cell[COL_BIRTH]->text);
        ok = false;
        break;
    }
    if (!parse_answer(cell[COL_ANSWER]->text, &row->answer)) {
        diag_add(
            d, DIAG_ERROR, path, cell[COL_ANSWER]->line, cell[COL_ANSWER]->col,
            "unknown answer \"%s\"; the column Antwort takes Ja, Nein, unklar, widerrufen or nothing (not "
            "back)",
            cell[COL_ANSWER]->text);
        ok = false;
    }
    if (!parse_signature(cell[COL_SIGNATURE]->text, &row->signature)) {
        diag_add(d, DIAG_ERROR, path, cell[COL_SIGNATURE]->line, cell[COL_SIGNATURE]->col,
                 "unknown word \"%s\" in the column Unterschrift; it takes ja, fehlt, unklar or nothing",
                 cell[COL_SIGNATURE]->text);
        ok = false;
    }
    ok &= read_received(cell[COL_RECEIVED], path, row, d);
    parse_sources(row, unguard(cell[COL_SOURCE]->text), row->answer);
    const char *review = cell[COL_REVIEW]->text;
    if (util_strcasecmp_ascii(review, "ja") == 0)
        row->needs_review = true;
    else if (review[0] && util_strcasecmp_ascii(review, "nein") != 0) {
        diag_add(d, DIAG_ERROR, path, cell[COL_REVIEW]->line, cell[COL_REVIEW]->col,
                 "unknown word \"%s\" in the column Prüfen; it takes ja or nothing", review);
        ok = false;
    }
    return ok;
}

/* ---- matching rows to the roster ---- */

/* IDs are equal as written, or as numbers when a spreadsheet dropped their leading zeros. */
static bool
same_id(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    bool digits = *a && *b;
    for (const char *s = a; digits && *s; s++)
        digits = *s >= '0' && *s <= '9';
    for (const char *s = b; digits && *s; s++)
        digits = *s >= '0' && *s <= '9';
    if (!digits)
        return false;
    while (*a == '0' && a[1])
        a++;
    while (*b == '0' && b[1])
        b++;
    return strcmp(a, b) == 0;
}

static bool
same_person(const struct pupil *a, const struct pupil *b)
{
    return strcmp(a->last_name, b->last_name) == 0 && strcmp(a->first_name, b->first_name) == 0 &&
           date_compare(a->birth_date, b->birth_date) == 0 &&
           strcmp(a->id ? a->id : "", b->id ? b->id : "") == 0;
}

/* The next code point of s folded for a loose comparison: base letters, ASCII lower case. */
static size_t
loose_unit(const char *s, int32_t out[static 4], size_t *n_out)
{
    int32_t cp;
    size_t  k = utf8_decode(s, strlen(s), &cp);
    if (k == 0) {
        cp = (unsigned char)*s;
        k = 1;
    }
    *n_out = utf8_decompose_base(cp, out, 4);
    if (*n_out == 0) {
        out[0] = cp;
        *n_out = 1;
    }
    for (size_t i = 0; i < *n_out; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] += 'a' - 'A';
    return k;
}

/*
 * Whether a name in the register is the roster's name after a spreadsheet
 * saved it as Windows-1252: letters the code page lacks became "?" (one per
 * letter) or their base letter ("Ş" -> "S"); case and accents aside, the rest
 * is equal.
 */
static bool
loose_name_equal(const char *reg, const char *ros)
{
    while (*reg && *ros) {
        int32_t a[4], b[4];
        size_t  na, nb;
        size_t  kb = loose_unit(ros, b, &nb);
        if (*reg == '?') {
            reg++;
            ros += kb;
            continue;
        }
        size_t ka = loose_unit(reg, a, &na);
        if (na != nb || memcmp(a, b, na * sizeof *a) != 0)
            return false;
        reg += ka;
        ros += kb;
    }
    return !*reg && !*ros;
}

/* The first pupil of the roster with the same data as pupil i: pupils listed twice share a row. */
static size_t *
first_of_each_person(const struct roster *r)
{
    size_t *first = xcalloc(r->n_pupils ? r->n_pupils : 1, sizeof *first);
    for (size_t i = 0; i < r->n_pupils; i++) {
        first[i] = i;
        for (size_t j = 0; j < i; j++)
            if (first[j] == j && same_person(&r->pupils[i], &r->pupils[j])) {
                first[i] = j;
                break;
            }
    }
    return first;
}

/* The pupil (first of its person) that row belongs to, or SIZE_MAX. */
static size_t
match_row(const struct register_row *row, const struct roster *r, const size_t *first, const size_t *row_of)
{
    bool has_ids = r->n_pupils > 0 && r->pupils[0].id;
    if (has_ids && row->id[0]) {
        for (size_t i = 0; i < r->n_pupils; i++)
            if (first[i] == i && same_id(r->pupils[i].id, row->id))
                return i;
        return SIZE_MAX; /* an ID is the pupil's: another name with it is a correction, no ID a leaver */
    }
    size_t exact = SIZE_MAX, loose = SIZE_MAX, n_loose = 0;
    for (size_t i = 0; i < r->n_pupils; i++) {
        const struct pupil *p = &r->pupils[i];
        if (first[i] != i || date_compare(p->birth_date, row->birth_date) != 0)
            continue;
        if (strcmp(p->last_name, row->last_name) == 0 && strcmp(p->first_name, row->first_name) == 0) {
            if (exact == SIZE_MAX || (row_of[exact] != SIZE_MAX && row_of[i] == SIZE_MAX))
                exact = i;
        } else if (row_of[i] == SIZE_MAX && loose_name_equal(row->last_name, p->last_name) &&
                   loose_name_equal(row->first_name, p->first_name)) {
            loose = i;
            n_loose++;
        }
    }
    if (exact != SIZE_MAX)
        return exact;
    return n_loose == 1 ? loose : SIZE_MAX;
}

/* Orders the rows: the roster's pupils in roster order (new rows for those without one), then the rest. */
static void
arrange(struct register_doc *reg, struct register_row *read, size_t n_read, const size_t *pupil_of_row,
        const size_t *first)
{
    const struct roster *r = reg->roster;
    size_t              *row_of = xmalloc((r->n_pupils ? r->n_pupils : 1) * sizeof *row_of);
    for (size_t i = 0; i < r->n_pupils; i++)
        row_of[i] = SIZE_MAX;
    for (size_t k = 0; k < n_read; k++)
        if (pupil_of_row[k] != SIZE_MAX)
            row_of[pupil_of_row[k]] = k;

    reg->rows = xcalloc(r->n_pupils + n_read + 1, sizeof *reg->rows);
    reg->row_of_pupil = xmalloc((r->n_pupils ? r->n_pupils : 1) * sizeof *reg->row_of_pupil);
    for (size_t i = 0; i < r->n_pupils; i++) {
        if (first[i] != i) {
            reg->row_of_pupil[i] = reg->row_of_pupil[first[i]];
            continue;
        }
        struct register_row *row = &reg->rows[reg->n_rows];
        if (row_of[i] != SIZE_MAX)
            *row = read[row_of[i]];
        row_take_pupil(row, &r->pupils[i]);
        reg->row_of_pupil[i] = reg->n_rows++;
    }
    for (size_t k = 0; k < n_read; k++)
        if (pupil_of_row[k] == SIZE_MAX)
            reg->rows[reg->n_rows++] = read[k];
    free(row_of);
}

struct register_doc *
register_new(const char *path, const struct roster *roster)
{
    struct register_doc *reg = xcalloc(1, sizeof *reg);
    reg->path = xstrdup(path);
    reg->roster = roster;
    size_t *first = first_of_each_person(roster);
    arrange(reg, NULL, 0, NULL, first);
    free(first);
    return reg;
}

struct register_doc *
register_parse(const char *data, size_t len, const char *path, const struct roster *roster, struct diags *d)
{
    struct roster_table t;
    bool                ok = roster_table_parse(data, len, path, ';', &t, d);
    if (t.n_rows == 0) {
        roster_table_fini(&t);
        if (!ok)
            return NULL;
        struct register_doc *reg = register_new(path, roster); /* an empty file: nothing to lose */
        reg->existed = true;
        return reg;
    }
    size_t col_of[N_COLUMNS];
    if (!read_header(&t.rows[0], path, col_of, d)) {
        roster_table_fini(&t);
        return NULL;
    }
    size_t               n_read = 0;
    struct register_row *read = xcalloc(t.n_rows, sizeof *read);
    for (size_t k = 1; k < t.n_rows; k++) {
        struct register_row row;
        if (read_row(&t.rows[k], col_of, t.rows[0].n_cells, path, &row, d))
            read[n_read++] = row;
        else
            row_fini(&row);
    }
    roster_table_fini(&t);

    size_t *first = first_of_each_person(roster);
    size_t *row_of = xmalloc((roster->n_pupils ? roster->n_pupils : 1) * sizeof *row_of);
    size_t *pupil_of_row = xmalloc((n_read ? n_read : 1) * sizeof *pupil_of_row);
    for (size_t i = 0; i < roster->n_pupils; i++)
        row_of[i] = SIZE_MAX;
    for (size_t k = 0; k < n_read; k++) {
        struct register_row *row = &read[k];
        char                 born[11];
        date_format_german(row->birth_date, born);
        size_t i = match_row(row, roster, first, row_of);
        pupil_of_row[k] = i;
        if (i == SIZE_MAX) {
            diag_add(
                d, DIAG_WARNING, path, row->line, 0,
                "\"%s, %s\" (Klasse %s, born %s) is not in the roster any more; the row is kept as it is",
                row->last_name, row->first_name, row->class_name, born);
        } else if (row_of[i] != SIZE_MAX) {
            diag_add(
                d, DIAG_ERROR, path, row->line, 0,
                "a second row for \"%s, %s\" (born %s), who has a row on line %u already; keep one of them",
                roster->pupils[i].last_name, roster->pupils[i].first_name, born, read[row_of[i]].line);
            pupil_of_row[k] = SIZE_MAX;
        } else {
            row_of[i] = k;
        }
    }
    struct register_doc *reg = xcalloc(1, sizeof *reg);
    reg->path = xstrdup(path);
    reg->roster = roster;
    reg->existed = true;
    arrange(reg, read, n_read, pupil_of_row, first);
    free(read);
    free(pupil_of_row);
    free(row_of);
    free(first);
    return reg;
}

struct register_doc *
register_load(const char *path, const struct roster *roster, struct diags *d)
{
    char  *data;
    size_t len;
    if (!util_read_file(path, REGISTER_MAX_FILE_BYTES, &data, &len)) {
        int err = errno;
        if (err == ENOENT)
            return register_new(path, roster);
        if (err == EFBIG)
            diag_add(d, DIAG_ERROR, path, 0, 0,
                     "the file is larger than 16 MiB, far too large for a consent register: is it the right "
                     "file?");
        else
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read the register \"%s\": %s", path, strerror(err));
        return NULL;
    }
    struct register_doc *reg = register_parse(data, len, path, roster, d);
    free(data);
    return reg;
}

void
register_free(struct register_doc *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n_rows; i++)
        row_fini(&reg->rows[i]);
    free(reg->rows);
    free(reg->row_of_pupil);
    free(reg->path);
    free(reg);
}

struct register_row *
register_row_of(const struct register_doc *reg, const struct pupil *p)
{
    size_t i = (size_t)(p - reg->roster->pupils);
    assert(i < reg->roster->n_pupils);
    return &reg->rows[reg->row_of_pupil[i]];
}

/* ---- merging ---- */

static const char MANUAL_PLACE[] = "manuell";

enum register_change
register_record(struct register_doc *reg, const struct pupil *p, const struct register_entry *e)
{
    struct register_row *row = register_row_of(reg, p);
    const char          *place = e->place ? e->place : MANUAL_PLACE;

    if (row->answer == REGISTER_ANSWER_NONE) {
        row->answer = e->answer;
        row->signature = e->place ? e->signature : REGISTER_SIGNATURE_YES;
        if (!e->place && e->answer == REGISTER_ANSWER_WITHDRAWN)
            row->signature = REGISTER_SIGNATURE_NONE;
        row->received = e->date;
        row->has_received = true;
        row->needs_review = e->place ? e->needs_review : false;
        add_new_source(row, place, e->answer);
        return REGISTER_RECORDED;
    }

    if (!e->place) {
        /* A person's decision: it is the answer now; what came before stays in Quelle. */
        if (row->answer == e->answer && !row->needs_review)
            return REGISTER_UNCHANGED;
        row->answer = e->answer;
        if (e->answer != REGISTER_ANSWER_WITHDRAWN)
            row->signature = REGISTER_SIGNATURE_YES;
        row->received = e->date;
        row->has_received = true;
        row->needs_review = false;
        add_new_source(row, place, e->answer);
        return REGISTER_RECORDED;
    }

    for (size_t i = 0; i < row->n_sources; i++) {
        if (strcmp(row->sources[i].place, place) != 0)
            continue;
        if (row->sources[i].answer == e->answer)
            return REGISTER_UNCHANGED; /* the same page scanned again */
        /* The same page read otherwise than before: the first reading stays, a person looks. */
        if (row->needs_review)
            return REGISTER_UNCHANGED;
        row->needs_review = true;
        return REGISTER_CONFLICT;
    }
    if (row->answer == e->answer) {
        /* Another slip with the same answer (both parents sent one): one more source. */
        add_new_source(row, place, e->answer);
        if (e->signature == REGISTER_SIGNATURE_YES)
            row->signature = REGISTER_SIGNATURE_YES;
        row->needs_review |= e->needs_review;
        return REGISTER_RECORDED;
    }
    add_new_source(row, place, e->answer);
    if (row->signature != e->signature)
        row->signature = REGISTER_SIGNATURE_UNCLEAR;
    row->answer = REGISTER_ANSWER_UNCLEAR;
    row->received = e->date;
    row->has_received = true;
    row->needs_review = true;
    return REGISTER_CONFLICT;
}

/* ---- writing ---- */

/* One field: quoted when it holds ';', '"' or a line break, after an apostrophe when it looks like a formula.
 */
static void
put_field(struct buf *b, const char *s, bool last)
{
    bool guard =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || (s[0] == '\'' && unguard(s) != s);
    bool quote = strpbrk(s, ";\"\r\n") != NULL || (s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' '));
    if (quote)
        buf_putc(b, '"');
    if (guard)
        buf_putc(b, '\'');
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            buf_putc(b, '"');
        buf_putc(b, *c);
    }
    if (quote)
        buf_putc(b, '"');
    buf_puts(b, last ? "\r\n" : ";");
}

static void
format_sources(const struct register_row *row, struct buf *b)
{
    /* Answers are named only where the places disagree with the row's answer. */
    bool annotate = false;
    for (size_t i = 0; i < row->n_sources; i++)
        annotate |= row->sources[i].answer != row->answer;
    buf_puts(b, "");
    for (size_t i = 0; i < row->n_sources; i++) {
        buf_printf(b, "%s%s", i ? " | " : "", row->sources[i].place);
        if (annotate)
            buf_printf(b, " (%s)", register_answer_word(row->sources[i].answer));
    }
}

void
register_format(const struct register_doc *reg, struct buf *out)
{
    buf_puts(out, "\xEF\xBB\xBF" REGISTER_HEADER "\r\n");
    struct buf sources;
    buf_init(&sources);
    for (size_t i = 0; i < reg->n_rows; i++) {
        const struct register_row *row = &reg->rows[i];
        char                       born[11], received[16] = "";
        date_format_german(row->birth_date, born);
        if (row->has_received)
            snprintf(received, sizeof received, "%04d-%02d-%02d", row->received.year, row->received.month,
                     row->received.day);
        buf_reset(&sources);
        format_sources(row, &sources);
        put_field(out, row->class_name, false);
        put_field(out, row->last_name, false);
        put_field(out, row->first_name, false);
        put_field(out, born, false);
        put_field(out, row->id, false);
        put_field(out, register_answer_word(row->answer), false);
        put_field(out, row->answer == REGISTER_ANSWER_NONE ? "" : SIGNATURE_WORDS[row->signature], false);
        put_field(out, received, false);
        put_field(out, sources.data, false);
        put_field(out, row->needs_review ? "ja" : "", true);
    }
    buf_fini(&sources);
}

bool
register_save(const struct register_doc *reg, const char *path, struct diags *d)
{
    struct buf bytes;
    buf_init(&bytes);
    register_format(reg, &bytes);
    const char *slash = util_last_path_separator(path);
    char       *dir = slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("");
    const char *name = slash ? slash + 1 : path;

    /* Interrupts wait until the register is either the old file or the new one. */
    struct sys_interrupts *in = sys_interrupts_begin();
    char                  *tmp = NULL, *final = NULL;
    bool                   ok = (!dir[0] || output_make_dir(dir, d)) &&
              output_stage_file(dir, name, bytes.data, bytes.len, &tmp, &final, d);
    /* Not published: the temp file's permissions (owner only) stay the register's. */
    if (ok && !(sys_sync_file(tmp) && sys_rename(tmp, final))) {
        int e = errno;
        sys_remove_file(tmp);
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write the register \"%s\": %s", path, strerror(e));
        ok = false;
    }
    if (ok)
        sys_sync_folder(dir[0] ? dir : ".");
    if (in)
        sys_interrupts_end(in, true);
    free(tmp);
    free(final);
    free(dir);
    buf_fini(&bytes);
    return ok;
}

void
register_count_row(const struct register_row *row, struct register_counts *c)
{
    c->n_forms++;
    switch (row->answer) {
    case REGISTER_ANSWER_NONE:
        c->n_missing++;
        break;
    case REGISTER_ANSWER_YES:
        c->n_yes++;
        break;
    case REGISTER_ANSWER_NO:
        c->n_no++;
        break;
    case REGISTER_ANSWER_UNCLEAR:
        c->n_unclear++;
        break;
    case REGISTER_ANSWER_WITHDRAWN:
        c->n_withdrawn++;
        break;
    }
    if (row->answer != REGISTER_ANSWER_NONE)
        c->n_back++;
    if (row->needs_review)
        c->n_review++;
}
