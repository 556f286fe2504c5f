/*
 * roster_table: a CSV file as rows of fields that know where they start, for
 * files that consentgen also writes (the consent register) and a person may
 * have edited in a spreadsheet since. Decoding is the roster's (roster_decode);
 * quoting is libcsv's, in strict mode. libcsv tells no positions, so the text
 * is fed one byte at a time: a callback then always belongs to the byte just
 * fed, and the line and column of every field are known.
 */
#include "consentgen/roster.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "roster_int.h"

struct table_parser {
    const char          *path;
    struct diags        *d;
    struct roster_table *t;
    bool                 ok;
    /* Position of the next byte: line, and characters before it on that line. */
    unsigned            line, col_chars;
    bool                at_field_start; /* the next byte begins a field */
    unsigned            field_line, field_col;
    bool                row_has_bad_byte;
    struct roster_cell *cells; /* of the row being read */
    size_t              n_cells, cap_cells;
    size_t              cap_rows;
};

static void
clear_cells(struct table_parser *tp)
{
    for (size_t i = 0; i < tp->n_cells; i++)
        free(tp->cells[i].text);
    tp->n_cells = 0;
}

/* The first control character (C0 but tab, CR and LF; DEL; C1) in s, or -1. */
static int32_t
find_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return -1;
        i += n;
        if (cp == '\t' || cp == '\r' || cp == '\n')
            continue;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return cp;
    }
    return -1;
}

static void
on_field(void *s, size_t len, void *data)
{
    struct table_parser *tp = data;
    int32_t              ctl = s ? find_control(s, len) : -1;
    if (ctl >= 0) {
        /* NFC would cut the text at a NUL byte: such a field cannot be kept as it is. */
        diag_add(tp->d, DIAG_ERROR, tp->path, tp->field_line, tp->field_col,
                 "the field contains the control character U+%04X; remove it", (unsigned)ctl);
        tp->ok = false;
        tp->row_has_bad_byte = true;
    }
    if (tp->n_cells == tp->cap_cells) {
        tp->cap_cells = tp->cap_cells ? 2 * tp->cap_cells : 16;
        tp->cells = xrealloc(tp->cells, tp->cap_cells * sizeof *tp->cells);
    }
    struct roster_cell *c = &tp->cells[tp->n_cells++];
    c->text = roster_clean_field(s ? s : "", s ? len : 0);
    c->line = tp->field_line;
    c->col = tp->field_col;
    if (strstr(c->text, "\xEF\xBF\xBD"))
        tp->row_has_bad_byte = true;
    tp->at_field_start = true;
}

static void
on_row(int c, void *data)
{
    (void)c;
    struct table_parser *tp = data;
    bool                 empty = true;
    for (size_t i = 0; i < tp->n_cells && empty; i++)
        empty = tp->cells[i].text[0] == '\0';
    /* A row with a byte that is no character is reported with the byte and left out. */
    if (empty || tp->row_has_bad_byte) {
        clear_cells(tp);
        tp->row_has_bad_byte = false;
        return;
    }
    struct roster_table *t = tp->t;
    if (t->n_rows == tp->cap_rows) {
        tp->cap_rows = tp->cap_rows ? 2 * tp->cap_rows : 64;
        t->rows = xrealloc(t->rows, tp->cap_rows * sizeof *t->rows);
    }
    struct roster_table_row *row = &t->rows[t->n_rows++];
    row->cells = xmalloc(tp->n_cells * sizeof *row->cells);
    memcpy(row->cells, tp->cells, tp->n_cells * sizeof *row->cells);
    row->n_cells = tp->n_cells;
    row->line = tp->cells[0].line;
    tp->n_cells = 0;
}

bool
roster_table_parse(const char *data, size_t len, const char *path, char delimiter, struct roster_table *out,
                   struct diags *d)
{
    memset(out, 0, sizeof *out);
    struct roster_text text;
    if (!roster_decode(data, len, CONFIG_ENCODING_AUTO, &text)) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot convert from Windows-1252: %s", strerror(errno));
        return false;
    }
    out->was_windows_1252 = text.was_windows_1252;
    struct table_parser tp = {path, d, out, true, 1, 0, true, 1, 1, false, NULL, 0, 0, 0};
    for (size_t k = 0; k < text.n_bad; k++) {
        diag_add(d, DIAG_ERROR, path, text.bad[k].line, text.bad[k].col,
                 "byte 0x%02X is not a character in Windows-1252 (and the file is not UTF-8 either)",
                 text.bad[k].byte);
        tp.ok = false;
    }

    struct csv_parser csv;
    roster_csv_init(&csv, delimiter);
    bool skip_to_eol = false;
    for (size_t i = 0; i < text.len; i++) {
        unsigned char c = (unsigned char)text.text[i];
        bool          is_eol = c == '\n' || (c == '\r' && (i + 1 >= text.len || text.text[i + 1] != '\n'));
        if (!skip_to_eol) {
            if (tp.at_field_start) {
                tp.field_line = tp.line;
                tp.field_col = tp.col_chars + 1;
                tp.at_field_start = c == '\r' || c == '\n'; /* a line end starts no field */
            }
            if (csv_parse(&csv, text.text + i, 1, on_field, on_row, &tp) != 1) {
                if (csv.quoted)
                    diag_add(d, DIAG_ERROR, path, tp.line, tp.col_chars + 1,
                             "text after the closing quote of a field; a quote inside a quoted field is "
                             "written twice (\"\")");
                else
                    diag_add(d, DIAG_ERROR, path, tp.line, tp.col_chars + 1,
                             "quote (\") inside a field that does not start with one; put the whole field in "
                             "quotes and write the quote twice (\"\")");
                tp.ok = false;
                clear_cells(&tp);
                csv_free(&csv);
                roster_csv_init(&csv, delimiter);
                skip_to_eol = !is_eol;
                tp.at_field_start = true;
            }
        } else if (is_eol) {
            skip_to_eol = false;
        }
        if (is_eol) {
            tp.line++;
            tp.col_chars = 0;
        } else if ((c & 0xC0) != 0x80 && c != '\n') {
            tp.col_chars++;
        }
    }
    if (!skip_to_eol && csv_fini(&csv, on_field, on_row, &tp) != 0) {
        diag_add(d, DIAG_ERROR, path, tp.field_line, tp.field_col,
                 "the quote (\") that opens this field is never closed");
        tp.ok = false;
    }
    csv_free(&csv);
    clear_cells(&tp);
    free(tp.cells);
    roster_text_fini(&text);
    return tp.ok;
}

void
roster_table_fini(struct roster_table *t)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        for (size_t k = 0; k < t->rows[i].n_cells; k++)
            free(t->rows[i].cells[k].text);
        free(t->rows[i].cells);
    }
    free(t->rows);
    memset(t, 0, sizeof *t);
}
