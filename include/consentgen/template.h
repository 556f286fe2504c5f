/*
 * template: a consent text in Markdown (md4c, CommonMark with task lists)
 * with YAML front matter, parsed once into a flat list of blocks whose text
 * is a list of spans: literal text or a {{placeholder}}. Values are filled in
 * later, by layout, so a value can never become markup.
 */
#ifndef CONSENTGEN_TEMPLATE_H
#define CONSENTGEN_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/util.h"

enum template_style { TEMPLATE_STYLE_BOLD = 1u << 0, TEMPLATE_STYLE_ITALIC = 1u << 1 };

enum template_span_kind {
    TEMPLATE_SPAN_TEXT,        /* text: literal UTF-8 */
    TEMPLATE_SPAN_PLACEHOLDER, /* text: the name between the braces, trimmed, e.g. "pupil.first_name" */
    TEMPLATE_SPAN_BREAK,       /* a hard line break; text is NULL */
};

struct template_span {
    enum template_span_kind kind;
    unsigned                style; /* enum template_style bits */
    char                   *text;
    unsigned                line, col; /* of the span's start in the template, 1-based */
};

enum template_block_kind {
    TEMPLATE_BLOCK_HEADING, /* level 1..6 */
    TEMPLATE_BLOCK_PARAGRAPH,
    TEMPLATE_BLOCK_BULLET,    /* one list item; level = nesting depth, 1-based */
    TEMPLATE_BLOCK_CHECKBOX,  /* one task-list item "- [ ] Ja" */
    TEMPLATE_BLOCK_RULE,      /* thematic break "---" */
    TEMPLATE_BLOCK_PUPIL,     /* ```pupil: rows of caption + value spans */
    TEMPLATE_BLOCK_SIGNATURE, /* ```signature: rows of fields */
    TEMPLATE_BLOCK_SLIP,      /* ```slip: the return slip starts here; spans: its return note */
};

/* The return note of an empty slip block. */
#define TEMPLATE_SLIP_NOTE "Bitte abtrennen und an die Klassenleitung zurückgeben"

/* A field of a form block: a caption and, for the pupil block, its value. */
struct template_field {
    char                 *caption; /* "Unterschrift der Erziehungsberechtigten" */
    struct template_span *value;   /* pupil block only; NULL for signature fields */
    size_t                n_value;
};

enum template_row_audience {
    TEMPLATE_ROW_ALWAYS,
    TEMPLATE_ROW_GUARDIAN, /* "[guardian]": only while the pupil is under adult_age */
    TEMPLATE_ROW_PUPIL,    /* "[pupil]": only from pupil_signature_from_age on */
};

/* A row of a form block: fields side by side ("a | b" in the fenced block). */
struct template_row {
    enum template_row_audience audience;
    struct template_field     *fields;
    size_t                     n_fields;
    unsigned                   line;
};

struct template_block {
    enum template_block_kind kind;
    unsigned                 level;      /* heading level; bullet depth */
    unsigned                 group;      /* consecutive items of one list share a group number */
    bool                     is_checked; /* checkbox: "- [x]" */
    struct template_span    *spans;      /* inline content (not for form blocks) */
    size_t                   n_spans;
    struct template_row     *rows; /* form blocks */
    size_t                   n_rows;
    unsigned                 line; /* first line of the block in the template */
};

struct template_doc; /* opaque */

/*
 * Parses template text; path names the file in messages. Reports every
 * problem (front matter not closed, unterminated "{{", unknown form block,
 * no text) to d. Returns NULL if nothing usable was parsed. Caller frees.
 */
struct template_doc *template_parse(const char *text, size_t len, const char *path, struct diags *d);
struct template_doc *template_load(const char *path, struct diags *d);
void                 template_free(struct template_doc *doc);

size_t                            template_n_blocks(const struct template_doc *doc);
const struct template_block      *template_block(const struct template_doc *doc, size_t i);
const struct config_front_matter *template_front_matter(const struct template_doc *doc);
const char                       *template_path(const struct template_doc *doc);
/* Title for PDF metadata: front matter "title", else the first heading's plain text. Never NULL. */
const char *template_title(const struct template_doc *doc);

/*
 * Checks every placeholder name against what a run can fill: school.name,
 * school.address, form.date, form.KEY for each config value, pupil.last_name,
 * pupil.first_name, pupil.birth_date, pupil.class, pupil.age, pupil.id and
 * pupil.HEADER for each roster header. Unknown names are errors at their
 * template line and column, with a "did you mean" hint.
 */
bool template_check_placeholders(const struct template_doc *doc, const struct config *c,
                                 const char *const *roster_headers, size_t n_headers, struct diags *d);

/*
 * Compares a translation with the German template it translates: the placeholders (how often each is
 * used), the form blocks in order (kind, number of rows, fields per row, row marks), the headings in order
 * (how many, of which level) and the number of check boxes. Each difference is an error at the
 * translation's file and line. Returns true if there is none.
 */
bool template_check_translation(const struct template_doc *german, const struct template_doc *translation,
                                struct diags *d);

#endif
