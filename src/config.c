/*
 * config: reads the YAML config (and a template's YAML front matter) with
 * libyaml's event parser into plain structs. Accepted input: one YAML document
 * whose top level is a mapping of the sections school, form, roster, output, register and
 * page (DESIGN.md "Config"); values are scalars read as text, nothing is typed
 * implicitly. Not accepted, on purpose: anchors and aliases (so "billion laughs"
 * cannot expand), nesting deeper than CONFIG_MAX_DEPTH, more than one document,
 * files over 1 MiB. The events are first built into a small tree with positions,
 * then each section is checked against its list of allowed keys.
 */
#include "consentgen/config.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define CONFIG_MAX_DEPTH 16
#define CONFIG_MAX_FILE_LEN ((size_t)1 << 20)
#define CONFIG_DEFAULT_FONT "Liberation Sans"
#define FRONT_MATTER "front matter" /* the "section" of a template's front matter, named in its own words */

/* ---- the tree built from libyaml's events ---- */

enum node_kind { NODE_SCALAR, NODE_MAPPING, NODE_SEQUENCE };

struct node {
    enum node_kind kind;
    unsigned       line, col;  /* 1-based, in the file */
    char          *text;       /* scalar: NUL-terminated value */
    char          *lines;      /* plain scalar over several lines: its lines as written, joined by \n */
    bool           is_null;    /* scalar: plain "", "~" or "null", i.e. nothing written */
    bool           is_invalid; /* already reported (alias, NUL byte): checks skip it silently */
    struct node  **kids;       /* mapping: key, value, key, value, ...; sequence: items */
    size_t         n_kids, cap_kids;
};

/* State of one parse: the text, where its positions point and where problems go. */
struct yctx {
    yaml_parser_t parser;
    const char   *text;
    size_t        len;
    const char   *file;
    unsigned      line_offset; /* front matter: lines of the template before the YAML */
    struct diags *d;
    bool          has_reported_alias;
};

struct pos {
    unsigned line, col;
};

/* A key found in a mapping, with its value; key NULL: not given. */
struct pair {
    const struct node *key;
    const struct node *value;
};

static void
node_free(struct node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->lines);
    free(n);
}

/* libyaml marks are 0-based; every position in a diag goes through here. */
static struct pos
pos_of(const struct yctx *y, yaml_mark_t m)
{
    struct pos p = {(unsigned)m.line + 1 + y->line_offset, (unsigned)m.column + 1};
    return p;
}

/* The 0-based mark of a byte offset; libyaml's reader errors give only the offset. */
static yaml_mark_t
mark_of_offset(const char *text, size_t len, size_t offset)
{
    yaml_mark_t m = {0, 0, 0};
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            m.line++;
            m.column = 0;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            m.column++; /* count characters, not UTF-8 continuation bytes */
        }
    }
    m.index = offset;
    return m;
}

/* Byte offset of the first invalid UTF-8 sequence in text, or len. */
static size_t
first_invalid_utf8(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        size_t  n = utf8_decode(text + i, len - i, &cp);
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

/* The byte at a 0-based line and character column, or 0 if there is none. */
static char
char_at(const char *text, size_t len, yaml_mark_t m)
{
    size_t i = 0, line = 0;
    while (i < len && line < m.line) {
        if (text[i++] == '\n')
            line++;
    }
    for (size_t col = 0; i < len && text[i] != '\n'; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (col++ == m.column)
            return text[i];
    }
    return 0;
}

/* The byte offset of a 0-based line and character column (len when past the end). */
static size_t
offset_of_mark(const char *text, size_t len, yaml_mark_t m)
{
    size_t i = 0, line = 0;
    while (i < len && line < m.line) {
        if (text[i++] == '\n')
            line++;
    }
    for (size_t col = 0; i < len && col < m.column; col++) {
        i++;
        while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
            i++; /* the rest of a UTF-8 character */
    }
    return i;
}

/* True if the line of m has ": " before m's column, i.e. m is not the colon of the line's own key. */
static bool
has_colon_before(const char *text, size_t len, yaml_mark_t m)
{
    size_t i = 0, line = 0;
    while (i < len && line < m.line) {
        if (text[i++] == '\n')
            line++;
    }
    for (size_t col = 0; i + 1 < len && text[i] != '\n' && col < m.column; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (text[i] == ':' && (text[i + 1] == ' ' || text[i + 1] == '\t'))
            return true;
        col++;
    }
    return false;
}

/*
 * libyaml's problems and contexts (libyaml 0.2.5, src/scanner.c, parser.c, reader.c), listed so
 * that xgettext finds them: the message is in the user's language like every other one.
 */
static const char *const yaml_messages[] = {
    N_("the text cannot be read as YAML"), /* ours, when libyaml gives no problem */
    N_("block sequence entries are not allowed in this context"),
    N_("control characters are not allowed"),
    N_("could not find expected ':'"),
    N_("could not find expected directive name"),
    N_("did not find URI escaped octet"),
    N_("did not find expected '!'"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected <document start>"),
    N_("did not find expected <stream-start>"),
    N_("did not find expected alphabetic or numeric character"),
    N_("did not find expected comment or line break"),
    N_("did not find expected digit or '.' character"),
    N_("did not find expected hexdecimal number"),
    N_("did not find expected key"),
    N_("did not find expected node content"),
    N_("did not find expected tag URI"),
    N_("did not find expected version number"),
    N_("did not find expected whitespace"),
    N_("did not find expected whitespace or line break"),
    N_("did not find the expected '>'"),
    N_("expected low surrogate area"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("found an incorrect leading UTF-8 octet"),
    N_("found an incorrect trailing UTF-8 octet"),
    N_("found an indentation indicator equal to 0"),
    N_("found character that cannot start any token"),
    /* xgettext:no-c-format */
    N_("found duplicate %TAG directive"),
    /* xgettext:no-c-format */
    N_("found duplicate %YAML directive"),
    N_("found extremely long version number"),
    N_("found incompatible YAML document"),
    N_("found invalid Unicode character escape code"),
    N_("found undefined tag handle"),
    N_("found unexpected ':'"),
    N_("found unexpected document indicator"),
    N_("found unexpected end of stream"),
    N_("found unexpected non-alphabetical character"),
    N_("found unknown directive name"),
    N_("found unknown escape character"),
    N_("incomplete UTF-16 character"),
    N_("incomplete UTF-16 surrogate pair"),
    N_("incomplete UTF-8 octet sequence"),
    N_("input error"),
    N_("input is too long"),
    N_("invalid Unicode character"),
    N_("invalid leading UTF-8 octet"),
    N_("invalid length of a UTF-8 sequence"),
    N_("invalid trailing UTF-8 octet"),
    N_("mapping keys are not allowed in this context"),
    N_("mapping values are not allowed in this context"),
    N_("unexpected low surrogate area"),
    /* xgettext:no-c-format */
    N_("while parsing a %TAG directive"),
    N_("while parsing a block collection"),
    N_("while parsing a block mapping"),
    N_("while parsing a block node"),
    N_("while parsing a flow mapping"),
    N_("while parsing a flow node"),
    N_("while parsing a flow sequence"),
    N_("while parsing a node"),
    N_("while parsing a quoted scalar"),
    N_("while parsing a tag"),
    N_("while parsing a tag directive"),
    /* xgettext:no-c-format */
    N_("while scanning a %TAG directive"),
    /* xgettext:no-c-format */
    N_("while scanning a %YAML directive"),
    N_("while scanning a block scalar"),
    N_("while scanning a directive"),
    N_("while scanning a plain scalar"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a simple key"),
    N_("while scanning a tag"),
    N_("while scanning a tag directive"),
    N_("while scanning an alias"),
    N_("while scanning an anchor"),
    N_("while scanning for the next token"),
};

/* libyaml's text in the user's language; a text the table does not know stays as libyaml wrote it. */
static const char *
yaml_message(const char *text)
{
    for (size_t i = 0; i < sizeof yaml_messages / sizeof yaml_messages[0]; i++)
        if (strcmp(text, yaml_messages[i]) == 0)
            return _(yaml_messages[i]);
    return text;
}

static void
report_syntax_error(struct yctx *y)
{
    yaml_parser_t *p = &y->parser;
    const char    *problem = p->problem ? p->problem : "the text cannot be read as YAML";
    yaml_mark_t    at = p->problem_mark;

    if (p->error == YAML_READER_ERROR) {
        /* libyaml points into the bad sequence; the start of it is where an editor should jump. */
        size_t offset = p->problem_offset;
        bool   is_utf8 = utf8_is_valid(y->text, y->len);
        if (!is_utf8)
            offset = first_invalid_utf8(y->text, y->len);
        struct pos ps = pos_of(y, mark_of_offset(y->text, y->len, offset));
        if (!is_utf8)
            diag_add(y->d, DIAG_ERROR, y->file, ps.line, ps.col,
                     "the text is not UTF-8 (perhaps saved as Windows-1252 or ANSI); save the file with the "
                     "encoding UTF-8");
        else
            diag_add(y->d, DIAG_ERROR, y->file, ps.line, ps.col, "%s", yaml_message(problem));
        return;
    }
    if (p->error == YAML_MEMORY_ERROR)
        abort(); /* like xmalloc: out of memory is not an input problem */

    struct pos ps = pos_of(y, at);
    diag_add(y->d, DIAG_ERROR, y->file, ps.line, ps.col, "%s", yaml_message(problem));
    if (p->context) {
        struct pos pc = pos_of(y, p->context_mark);
        diag_add(y->d, DIAG_NOTE, y->file, pc.line, pc.col, "%s", yaml_message(p->context));
        /* libyaml reports an unclosed quote only at the end of the file; say where it opened and why. */
        char q = char_at(y->text, y->len, p->context_mark);
        if (strstr(p->context, "quoted scalar") && strstr(problem, "end of stream") &&
            (q == '"' || q == '\''))
            diag_add(y->d, DIAG_NOTE, y->file, pc.line, pc.col,
                     "the quote (%c) that starts here is never closed; end the text with the same quote", q);
    }
    /* The usual mistakes of hand-written YAML get a plain hint. */
    char c = char_at(y->text, y->len, at);
    if (strstr(problem, "unknown escape character") || strstr(problem, "expected hexdecimal number"))
        diag_add(y->d, DIAG_NOTE, y->file, ps.line, ps.col,
                 "in double quotes a backslash starts an escape such as \\n; write a Windows path in single "
                 "quotes ('C:\\Users\\Sekretariat\\video.md') or with / instead of \\");
    else if (c == '\t')
        diag_add(y->d, DIAG_NOTE, y->file, ps.line, ps.col, "indent with spaces, not tabs");
    else if (c == ':' && has_colon_before(y->text, y->len, at))
        diag_add(y->d, DIAG_NOTE, y->file, ps.line, ps.col, "put text that contains \": \" in double quotes");
    else if (c == ':') /* "key: value" read as the continuation of the line above */
        diag_add(y->d, DIAG_NOTE, y->file, ps.line, ps.col,
                 "check the indentation: keys of one section must start in the same column");
    else if (c && strchr(",[]{}#&*!|>'\"%@`", c))
        diag_add(y->d, DIAG_NOTE, y->file, ps.line, ps.col,
                 "put text that starts with \"%c\" in double quotes", c);
}

/* Next event, or false after reporting the syntax error (libyaml then stays in its error state). */
static bool
next_event(struct yctx *y, yaml_event_t *ev)
{
    if (yaml_parser_parse(&y->parser, ev))
        return true;
    report_syntax_error(y);
    return false;
}

static void
add_kid(struct node *parent, struct node *kid)
{
    if (parent->n_kids == parent->cap_kids) {
        parent->cap_kids = parent->cap_kids ? 2 * parent->cap_kids : 8;
        parent->kids = xrealloc(parent->kids, parent->cap_kids * sizeof *parent->kids);
    }
    parent->kids[parent->n_kids++] = kid;
}

static bool
is_null_text(const char *s, size_t len)
{
    return len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

/*
 * The lines of a plain scalar as written between two marks, each trimmed:
 * YAML folds "Schulstraße 1" and "12345 Musterstadt" on two lines into one,
 * but an address keeps them apart. NULL if the marks do not fit the text.
 */
static char *
source_lines(const struct yctx *y, yaml_mark_t start, yaml_mark_t end)
{
    /* libyaml's index counts characters, not bytes: the offsets come from line and column. */
    size_t from = offset_of_mark(y->text, y->len, start), to = offset_of_mark(y->text, y->len, end);
    if (from > to)
        return NULL;
    struct buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    const char *s = y->text + from, *e = y->text + to;
    while (s < e) {
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        const char *line_end = nl ? nl : e;
        const char *a = s, *z = line_end;
        while (a < z && (*a == ' ' || *a == '\t'))
            a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '\t' || z[-1] == '\r'))
            z--;
        if (z > a) {
            if (b.len)
                buf_putc(&b, '\n');
            buf_append(&b, a, (size_t)(z - a));
        }
        s = nl ? nl + 1 : e;
    }
    return buf_detach(&b);
}

static void
report_alias(struct yctx *y, struct pos p, struct node *n)
{
    n->is_invalid = true;
    /* One message is enough: a "billion laughs" file has hundreds of them. */
    if (y->has_reported_alias)
        return;
    y->has_reported_alias = true;
    diag_add(y->d, DIAG_ERROR, y->file, p.line, p.col,
             "anchors and aliases (\"&name\", \"*name\") are not supported; write the value out in full");
}

/*
 * Builds the node that starts with ev (a scalar, alias or collection start)
 * into *out. depth counts the collections around it. False on a problem that
 * stops the parse; *out may then hold a partial node for the caller to free.
 */
static bool
build_node(struct yctx *y, yaml_event_t *ev, unsigned depth, struct node **out)
{
    struct node *n = xcalloc(1, sizeof *n);
    struct pos   p = pos_of(y, ev->start_mark);
    n->line = p.line;
    n->col = p.col;
    *out = n;

    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        n->kind = NODE_SCALAR;
        n->is_null = true;
        report_alias(y, p, n);
        return true;
    case YAML_SCALAR_EVENT: {
        const char *v = (const char *)ev->data.scalar.value;
        size_t      len = ev->data.scalar.length;
        n->kind = NODE_SCALAR;
        n->text = xstrndup(v, len);
        n->is_null = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && is_null_text(n->text, len);
        if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && ev->end_mark.line > ev->start_mark.line)
            n->lines = source_lines(y, ev->start_mark, ev->end_mark);
        if (ev->data.scalar.anchor)
            report_alias(y, p, n);
        if (memchr(v, '\0', len)) { /* a "\0" escape: our strings end at NUL */
            n->is_invalid = true;
            diag_add(y->d, DIAG_ERROR, y->file, p.line, p.col,
                     "text must not contain a NUL character (\"\\0\")");
        }
        return true;
    }
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        break;
    default:
        abort(); /* the caller passes only node events */
    }

    bool              is_map = ev->type == YAML_MAPPING_START_EVENT;
    yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
    n->kind = is_map ? NODE_MAPPING : NODE_SEQUENCE;
    if ((is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor) != NULL)
        report_alias(y, p, n);
    /* Refuse deep nesting before reading it: it is never a config, only an attack or an accident. */
    if (depth + 1 > CONFIG_MAX_DEPTH) {
        diag_add(y->d, DIAG_ERROR, y->file, p.line, p.col, "nesting deeper than %d levels is not supported",
                 CONFIG_MAX_DEPTH);
        return false;
    }
    for (;;) {
        yaml_event_t kid_ev;
        if (!next_event(y, &kid_ev))
            return false;
        if (kid_ev.type == end) {
            yaml_event_delete(&kid_ev);
            return true;
        }
        struct node *kid = NULL;
        bool         ok = build_node(y, &kid_ev, depth + 1, &kid);
        yaml_event_delete(&kid_ev);
        if (kid)
            add_kid(n, kid);
        if (!ok)
            return false;
    }
}

/*
 * Parses text into a tree. *root is NULL for an empty document. Returns false
 * on a syntax error or nesting too deep, with the problem in y->d.
 */
static bool
build_tree(struct yctx *y, struct node **root)
{
    *root = NULL;
    bool ok = true, is_done = false;
    int  n_documents = 0;

    yaml_parser_set_input_string(&y->parser, (const unsigned char *)y->text, y->len);
    while (ok && !is_done) {
        yaml_event_t ev;
        if (!next_event(y, &ev)) {
            ok = false;
            break;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++n_documents == 2) {
                struct pos p = pos_of(y, ev.start_mark);
                diag_add(y->d, DIAG_ERROR, y->file, p.line, p.col,
                         "only one YAML document is allowed; remove this \"---\" line and what follows");
                is_done = true;
            }
            break;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            ok = build_node(y, &ev, 0, root);
            break;
        case YAML_STREAM_END_EVENT:
            is_done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    if (!ok) {
        node_free(*root);
        *root = NULL;
    }
    return ok;
}

/* Runs build_tree with a fresh libyaml parser. */
static bool
parse_yaml(const char *text, size_t len, const char *file, unsigned line_offset, struct diags *d,
           struct node **root)
{
    struct yctx y;
    memset(&y, 0, sizeof y);
    y.text = text;
    y.len = len;
    y.file = file;
    y.line_offset = line_offset;
    y.d = d;
    if (!yaml_parser_initialize(&y.parser))
        abort(); /* only fails when out of memory */
    bool ok = build_tree(&y, root);
    yaml_parser_delete(&y.parser);
    return ok;
}

/* ---- checking the tree against the allowed keys ---- */

/* Where problems go while walking the tree. */
struct walk {
    const char   *file;
    struct diags *d;
};

/* Lower-case ASCII copy, for comparing with a table of lower-case words. Caller frees. */
static char *
lower_ascii(const char *s)
{
    char *l = xstrdup(s);
    for (char *p = l; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return l;
}

/* The allowed key closest to key, or NULL if none is close enough to be a typo. */
static const char *
closest_key(const char *key, const char *const *allowed, size_t n_allowed)
{
    const char *best = NULL;
    size_t      best_dist = (size_t)-1;
    for (size_t i = 0; i < n_allowed; i++) {
        size_t dist = util_edit_distance(key, allowed[i]); /* ignores case: "Name" finds "name" */
        if (dist < best_dist) {
            best_dist = dist;
            best = allowed[i];
        }
    }
    /* Beyond a third of the word a hint misleads more than it helps; short words allow one slip. */
    size_t len = strlen(key), limit = len / 3;
    if (limit < 2)
        limit = len <= 4 ? 1 : 2;
    return best_dist <= limit ? best : NULL;
}

/* Roster column keys are often written in German, as the headers of the file are. */
static const char *
german_column_hint(const char *key)
{
    static const char *const map[][2] = {
        {"nachname", "last_name"}, {"familienname", "last_name"},  {"vorname", "first_name"},
        {"rufname", "first_name"}, {"geburtsdatum", "birth_date"}, {"klasse", "class"},
        {"class_name", "class"},   {"sprache", "language"},        {"familiensprache", "language"},
    };
    char       *lower = lower_ascii(key);
    const char *hint = NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(lower, map[i][0]) == 0)
            hint = map[i][1];
    }
    free(lower);
    return hint;
}

/* The section a key of the second level belongs to, or NULL. */
static const char *
section_of_key(const char *key)
{
    static const char *const map[][2] = {
        {"name", "school"},
        {"address", "school"},
        {"logo", "school"},
        {"template", "form"},
        {"data_protection", "school"},
        {"date", "form"},
        {"values", "form"},
        {"signatures_without_birth_date", "form"},
        {"file", "roster"},
        {"delimiter", "roster"},
        {"encoding", "roster"},
        {"columns", "roster"},
        {"dir", "output"},
        {"split", "output"},
        {"duplex", "output"},
        {"class_sheet", "output"},
        {"font", "page"},
        {"marks", "page"},
        {"fallback_fonts", "page"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(key, map[i][0]) == 0)
            return map[i][1];
    }
    return NULL;
}

static void
report_unknown_key(const struct walk *w, const struct node *key, const char *section,
                   const char *const *allowed, size_t n_allowed)
{
    const char *hint = NULL;
    if (section && strcmp(section, "roster.columns") == 0)
        hint = german_column_hint(key->text);
    const char *owner = section ? NULL : section_of_key(key->text);
    if (owner) { /* "name:" written without its indentation under "school:" */
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                 "unknown key \"%s\" at the top level; it belongs under \"%s:\", indented by two spaces",
                 util_quote(key->text).text, owner);
        return;
    }
    if (!hint)
        hint = closest_key(key->text, allowed, n_allowed);

    /* One whole sentence for each case: with a hint or the allowed keys; at the top, in a section, in a
     * template's front matter. */
    struct util_quoted q = util_quote(key->text);
    if (hint) {
        if (!section)
            diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col, "unknown key \"%s\"; did you mean \"%s\"?",
                     q.text, hint);
        else if (strcmp(section, FRONT_MATTER) == 0)
            diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                     "unknown key \"%s\" in the front matter; did you mean \"%s\"?", q.text, hint);
        else
            diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                     "unknown key \"%s\" in \"%s\"; did you mean \"%s\"?", q.text, section, hint);
        return;
    }
    struct buf keys;
    buf_init(&keys);
    for (size_t i = 0; i < n_allowed; i++)
        buf_printf(&keys, "%s%s", i == 0 ? "" : ", ", allowed[i]);
    /* TRANSLATORS: the last %s is the list of allowed keys, such as "name, address, logo". */
    if (!section)
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col, "unknown key \"%s\"; allowed keys are %s", q.text,
                 keys.data);
    else if (strcmp(section, FRONT_MATTER) == 0)
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                 "unknown key \"%s\" in the front matter; allowed keys are %s", q.text, keys.data);
    else
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col, "unknown key \"%s\" in \"%s\"; allowed keys are %s",
                 q.text, section, keys.data);
    buf_fini(&keys);
}

/*
 * A key must be plain text. Reports other keys and returns false, so the
 * caller skips the pair.
 */
static bool
check_key_node(const struct walk *w, const struct node *key)
{
    if (key->is_invalid)
        return false;
    if (key->kind != NODE_SCALAR || key->is_null) {
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                 "a key must be a single word followed by \":\"");
        return false;
    }
    return true;
}

/* A key of a mapping and the number of its pair, for sorting. */
struct key_ref {
    const struct node *key;
    size_t             pair;
};

static int
compare_key_refs(const void *pa, const void *pb)
{
    const struct key_ref *a = pa, *b = pb;
    int                   c = strcmp(a->key->text, b->key->text);
    if (c)
        return c;
    return a->pair < b->pair ? -1 : a->pair > b->pair;
}

/*
 * For each pair i of mapping map, first[i] is the earlier key with the same
 * text, or NULL. Sorting keeps this O(n log n): a hostile file may hold
 * 100,000 keys in one mapping. Keys that are not text are left out. Caller frees.
 */
static const struct node **
find_duplicates(const struct node *map)
{
    size_t              n_pairs = map->n_kids / 2, n = 0;
    const struct node **first = xcalloc(n_pairs + 1, sizeof *first);
    struct key_ref     *refs = xmalloc((n_pairs + 1) * sizeof *refs);
    for (size_t i = 0; i < n_pairs; i++) {
        const struct node *key = map->kids[2 * i];
        if (key->kind == NODE_SCALAR && !key->is_invalid && !key->is_null)
            refs[n++] = (struct key_ref){key, i};
    }
    qsort(refs, n, sizeof *refs, compare_key_refs);
    for (size_t i = 1, run = 0; i < n; i++) {
        if (strcmp(refs[i].key->text, refs[run].key->text) == 0)
            first[refs[i].pair] = refs[run].key;
        else
            run = i;
    }
    free(refs);
    return first;
}

/* Reports key as given twice when first (from find_duplicates) is set; true if so. */
static bool
check_duplicate(const struct walk *w, const struct node *key, const struct node *first, const char *section)
{
    if (!first)
        return false;
    if (section && strcmp(section, FRONT_MATTER) == 0)
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                 "duplicate key \"%s\" in the front matter; it was first given at line %u",
                 util_quote(key->text).text, first->line);
    else if (section)
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                 "duplicate key \"%s\" in \"%s\"; it was first given at line %u", util_quote(key->text).text,
                 section, first->line);
    else
        diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                 "duplicate key \"%s\"; it was first given at line %u", util_quote(key->text).text,
                 first->line);
    return true;
}

/*
 * Matches the keys of mapping map against allowed; found[i] gets the pair of
 * allowed[i]. Unknown and duplicate keys are reported (the first of two wins).
 * section names map in messages; NULL: the top level.
 */
static void
match_keys(const struct walk *w, const struct node *map, const char *section, const char *const *allowed,
           size_t n_allowed, struct pair *found)
{
    for (size_t i = 0; i < n_allowed; i++)
        found[i] = (struct pair){NULL, NULL};
    const struct node **first = find_duplicates(map);
    for (size_t k = 0; k + 1 < map->n_kids; k += 2) {
        const struct node *key = map->kids[k];
        if (!check_key_node(w, key) || check_duplicate(w, key, first[k / 2], section))
            continue;
        size_t i = 0;
        while (i < n_allowed && strcmp(key->text, allowed[i]) != 0)
            i++;
        if (i == n_allowed) {
            report_unknown_key(w, key, section, allowed, n_allowed);
            continue;
        }
        found[i].key = key;
        found[i].value = map->kids[k + 1];
    }
    free(first);
}

/* What a single value must be, for the message about a list or a section given instead. */
enum expect { EXPECT_TEXT, EXPECT_BOOL, EXPECT_WORD, EXPECT_FONT_LIST };

/* A list or a section where a single value belongs; name is the dotted key ("school.name"). */
static void
report_type(const struct walk *w, const struct node *v, const char *name, enum expect e)
{
    bool is_list = v->kind == NODE_SEQUENCE;
    assert(v->kind != NODE_SCALAR);
    switch (e) {
    case EXPECT_TEXT:
        if (is_list)
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be text, not a list", name);
        else
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be text, not a section of keys", name);
        return;
    case EXPECT_BOOL:
        if (is_list)
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be true or false, not a list", name);
        else
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be true or false, not a section of keys",
                     name);
        return;
    case EXPECT_WORD:
        if (is_list)
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be a single word, not a list", name);
        else
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be a single word, not a section of keys",
                     name);
        return;
    case EXPECT_FONT_LIST:
        if (is_list)
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col,
                     "%s must be a list of font names or .ttf files, not a list", name);
        else
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col,
                     "%s must be a list of font names or .ttf files, not a section of keys", name);
        return;
    }
    abort();
}

/*
 * Reads a text value into *out (replacing it). A missing or empty ("~", nothing
 * after the colon) value leaves *out unchanged and returns false without a message;
 * a list or section is reported.
 */
static bool
get_text(const struct walk *w, struct pair p, const char *name, char **out)
{
    const struct node *v = p.value;
    if (!v || v->is_invalid)
        return false;
    if (v->kind != NODE_SCALAR) {
        report_type(w, v, name, EXPECT_TEXT);
        return false;
    }
    if (v->is_null)
        return false;
    free(*out);
    *out = xstrdup(v->text);
    return true;
}

/*
 * Reports a required key that is missing, or empty ("name:" with nothing
 * after it, or ""). section_key is the key of the section holding it, NULL
 * when the whole section is missing. True if there is a value to read.
 */
static bool
check_required(const struct walk *w, struct pair p, const struct node *section_key, const char *name)
{
    if (!p.value) {
        if (section_key)
            diag_add(w->d, DIAG_ERROR, w->file, section_key->line, section_key->col,
                     "missing required key \"%s\"", name);
        else
            diag_add(w->d, DIAG_ERROR, w->file, 0, 0, "missing required key \"%s\"", name);
        return false;
    }
    if (!p.value->is_invalid && p.value->kind == NODE_SCALAR &&
        (p.value->is_null || p.value->text[0] == '\0')) {
        diag_add(w->d, DIAG_ERROR, w->file, p.key->line, p.key->col, "%s is empty; write it after \"%s:\"",
                 name, p.key->text);
        return false;
    }
    return true;
}

/* A yes/no value; case does not matter. Leaves *out unchanged when missing or wrong. */
static void
get_bool(const struct walk *w, struct pair p, const char *name, bool *out)
{
    const struct node *v = p.value;
    if (!v || v->is_invalid)
        return;
    if (v->kind != NODE_SCALAR) {
        report_type(w, v, name, EXPECT_BOOL);
        return;
    }
    if (v->is_null)
        return;
    /* German configs say ja and nein. */
    static const char *const yes[] = {"true", "yes", "ja"}, *const no[] = {"false", "no", "nein"};
    for (size_t i = 0; i < 3; i++) {
        if (util_strcasecmp_ascii(v->text, yes[i]) == 0 || util_strcasecmp_ascii(v->text, no[i]) == 0) {
            *out = util_strcasecmp_ascii(v->text, yes[i]) == 0;
            return;
        }
    }
    diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be true or false (ja or nein), not \"%s\"",
             name, util_quote(v->text).text);
}

/*
 * A value from a fixed list: words[i] (case-insensitive) gives values[i].
 * Returns 1 and sets *out when it is one of them; 0 when missing, or a list or
 * section (reported); -1 for another word, which the caller reports with the
 * list of its words, in one sentence (leaving *out unchanged).
 */
static int
get_choice(const struct walk *w, struct pair p, const char *name, const char *const *words, const int *values,
           size_t n, int *out)
{
    const struct node *v = p.value;
    if (!v || v->is_invalid)
        return 0;
    if (v->kind != NODE_SCALAR) {
        report_type(w, v, name, EXPECT_WORD);
        return 0;
    }
    if (v->is_null)
        return 0;
    for (size_t i = 0; i < n; i++) {
        /* An exact match first: the tab is a one-character word that no case folding touches. */
        if (strcmp(v->text, words[i]) == 0 || util_strcasecmp_ascii(v->text, words[i]) == 0) {
            *out = values[i];
            return 1;
        }
    }
    return -1;
}

/* A section's value must be a mapping; a missing or empty one is fine (its keys are then missing). */
static const struct node *
get_section(const struct walk *w, struct pair p, const char *name, const char *keys)
{
    const struct node *v = p.value;
    if (!v || v->is_invalid || (v->kind == NODE_SCALAR && v->is_null))
        return NULL;
    if (v->kind != NODE_MAPPING) {
        /* TRANSLATORS: the first %s is a section ("school"), the second its keys ("name, address, logo"). */
        if (v->kind == NODE_SEQUENCE)
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col,
                     "%s must be a section with the keys %s, each on its own indented line, not a list", name, keys);
        else
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col,
                     "%s must be a section with the keys %s, each on its own indented line, not text", name, keys);
        return NULL;
    }
    return v;
}

/* Reads a path value: keeps it as written in *as_written (if given) and resolved against the config. */
static void
get_path(const struct walk *w, struct pair p, const char *name, char **resolved, char **as_written)
{
    char *text = NULL;
    if (!get_text(w, p, name, &text))
        return;
    if (text[0] == '\0') {
        diag_add(w->d, DIAG_ERROR, w->file, p.value->line, p.value->col, "%s is empty; expected a file name",
                 name);
        free(text);
        return;
    }
    free(*resolved);
    *resolved = util_path_relative_to(w->file, text);
    if (as_written) {
        free(*as_written);
        *as_written = text;
    } else {
        free(text);
    }
}

/*
 * school.address, printed line by line in the letterhead: one line of text;
 * or several, as a list, a "|" block, or plain lines one below the other.
 */
static void
read_address(const struct walk *w, struct pair p, char **out)
{
    const struct node *v = p.value;
    if (v && !v->is_invalid && v->kind == NODE_SCALAR && v->lines) {
        free(*out);
        *out = xstrdup(v->lines);
        return;
    }
    if (!v || v->is_invalid || v->kind != NODE_SEQUENCE) {
        get_text(w, p, "school.address", out);
        return;
    }
    struct buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    for (size_t i = 0; i < v->n_kids; i++) {
        const struct node *line = v->kids[i];
        if (line->is_invalid || (line->kind == NODE_SCALAR && line->is_null))
            continue;
        if (line->kind == NODE_SEQUENCE) {
            diag_add(w->d, DIAG_ERROR, w->file, line->line, line->col,
                     "each line of school.address must be text, not a list");
            continue;
        }
        if (line->kind == NODE_MAPPING) {
            diag_add(w->d, DIAG_ERROR, w->file, line->line, line->col,
                     "each line of school.address must be text, not a section of keys");
            continue;
        }
        if (b.len)
            buf_putc(&b, '\n');
        buf_puts(&b, line->text);
    }
    free(*out);
    *out = buf_detach(&b);
}

/*
 * A text in square brackets ("[Name der Schule]") is a placeholder that
 * consentgen init wrote and nobody filled in: the forms would print it.
 */
static void
warn_placeholder(const struct walk *w, struct pair p, const char *name, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    if (p.value && n >= 2 && text[0] == '[' && strchr(text, ']') == text + n - 1)
        diag_add(w->d, DIAG_WARNING, w->file, p.value->line, p.value->col,
                 "%s still holds the placeholder \"%s\"; write the real text there before printing", name,
                 util_quote(text).text);
}

static void
read_school(const struct walk *w, struct pair sp, struct config_school *s)
{
    static const char *const keys[] = {"name", "address", "logo", "data_protection"};
    const struct node       *map = get_section(w, sp, "school", "name, address, logo, data_protection");
    struct pair              f[4] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}};

    if (map)
        match_keys(w, map, "school", keys, 4, f);
    else if (sp.value && !(sp.value->kind == NODE_SCALAR && sp.value->is_null))
        return; /* wrong type, reported */
    if (check_required(w, f[0], sp.key, "school.name"))
        get_text(w, f[0], "school.name", &s->name);
    warn_placeholder(w, f[0], "school.name", s->name);
    read_address(w, f[1], &s->address);
    warn_placeholder(w, f[1], "school.address", s->address);
    if (s->address && s->address[0] == '\0') {
        free(s->address);
        s->address = NULL;
    }
    get_path(w, f[2], "school.logo", &s->logo, NULL);
    get_text(w, f[3], "school.data_protection", &s->data_protection);
    warn_placeholder(w, f[3], "school.data_protection", s->data_protection);
    if (s->data_protection && s->data_protection[0] == '\0') {
        free(s->data_protection);
        s->data_protection = NULL;
    }
}

/* form.values: free text values for {{form.KEY}}; only single values, no lists or sections. */
static void
read_values(const struct walk *w, struct pair vp, struct config_form *form)
{
    const struct node *map = vp.value;
    if (!map || map->is_invalid || (map->kind == NODE_SCALAR && map->is_null))
        return;
    if (map->kind == NODE_SEQUENCE) {
        diag_add(w->d, DIAG_ERROR, w->file, map->line, map->col,
                 "form.values must be a section with keys of your choice (platform, return_by, ...), each on its "
                 "own indented line, not a list");
        return;
    }
    if (map->kind != NODE_MAPPING) {
        diag_add(w->d, DIAG_ERROR, w->file, map->line, map->col,
                 "form.values must be a section with keys of your choice (platform, return_by, ...), each on its "
                 "own indented line, not text");
        return;
    }
    const struct node **first = find_duplicates(map);
    if (map->n_kids >= 2)
        form->values = xcalloc(map->n_kids / 2, sizeof *form->values);
    for (size_t k = 0; k + 1 < map->n_kids; k += 2) {
        const struct node *key = map->kids[k], *v = map->kids[k + 1];
        if (!check_key_node(w, key) || check_duplicate(w, key, first[k / 2], "form.values"))
            continue;
        if (strcmp(key->text, "date") == 0) { /* {{form.date}} is the form date */
            diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                     "\"date\" cannot be a value name: {{form.date}} is form.date; choose another name");
            continue;
        }
        if (v->is_invalid)
            continue;
        if (v->kind != NODE_SCALAR) {
            if (v->kind == NODE_SEQUENCE)
                diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "form.values.%s must be text, not a list",
                         util_quote(key->text).text);
            else
                diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col,
                         "form.values.%s must be text, not a section of keys", util_quote(key->text).text);
            continue;
        }
        if (v->is_null) {
            diag_add(w->d, DIAG_ERROR, w->file, key->line, key->col,
                     "form.values.%s is empty; write the text after \"%s:\" (or \"\" for no text)",
                     util_quote(key->text).text, util_quote(key->text).text);
            continue;
        }
        char *name = xasprintf("form.values.%s", util_quote(key->text).text);
        warn_placeholder(w, (struct pair){key, v}, name, v->text);
        free(name);
        form->values[form->n_values++] = (struct config_value){
            .key = xstrdup(key->text), .value = xstrdup(v->text), .line = v->line, .col = v->col};
    }
    free(first);
}

static void
read_form(const struct walk *w, struct pair sp, struct config_form *form)
{
    static const char *const keys[] = {"template", "date", "values", "signatures_without_birth_date"};
    static const char *const signer_words[] = {"both", "guardian", "pupil"};
    static const int   signer_values[] = {CONFIG_SIGNERS_BOTH, CONFIG_SIGNERS_GUARDIAN, CONFIG_SIGNERS_PUPIL};
    const struct node *map =
        get_section(w, sp, "form", "template, date, values, signatures_without_birth_date");
    struct pair f[4] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}};

    if (map)
        match_keys(w, map, "form", keys, 4, f);
    else if (sp.value && !(sp.value->kind == NODE_SCALAR && sp.value->is_null))
        return;
    if (check_required(w, f[0], sp.key, "form.template")) {
        get_path(w, f[0], "form.template", &form->template_path, &form->template_path_as_written);
        /* A shipped template by its name: found by run in the installed folder, not beside the config. */
        if (form->template_path_as_written && config_is_template_name(form->template_path_as_written)) {
            free(form->template_path);
            form->template_path = NULL;
            form->template_name = xstrdup(form->template_path_as_written);
        }
    }

    char *date_text = NULL;
    if (get_text(w, f[1], "form.date", &date_text)) {
        struct date date;
        switch (date_parse(date_text, &date)) {
        case DATE_OK:
            form->date = date;
            form->has_date = true;
            break;
        case DATE_NOT_REAL:
            diag_add(w->d, DIAG_ERROR, w->file, f[1].value->line, f[1].value->col,
                     "form.date \"%s\" is not a real date", util_quote(date_text).text);
            break;
        case DATE_BAD_FORMAT:
            diag_add(w->d, DIAG_ERROR, w->file, f[1].value->line, f[1].value->col,
                     "form.date \"%s\" is not a date; expected a date like 27.11.2026 or 2026-11-27",
                     util_quote(date_text).text);
            break;
        }
        free(date_text);
    }
    read_values(w, f[2], form);
    int value, rc = get_choice(w, f[3], "form.signatures_without_birth_date", signer_words, signer_values, 3, &value);
    if (rc > 0)
        form->signers_without_birth_date = (enum config_signers)value;
    else if (rc < 0)
        diag_add(w->d, DIAG_ERROR, w->file, f[3].value->line, f[3].value->col,
                 "form.signatures_without_birth_date must be both, guardian or pupil, not \"%s\"",
                 util_quote(f[3].value->text).text);
}

static void
read_columns(const struct walk *w, struct pair cp, struct config_columns *cols)
{
    static const char *const keys[] = {"last_name", "first_name", "birth_date", "class", "id", "language"};
    static const char *const names[] = {"roster.columns.last_name",  "roster.columns.first_name",
                                        "roster.columns.birth_date", "roster.columns.class",
                                        "roster.columns.id",         "roster.columns.language"};
    char                   **fields[] = {&cols->last_name,  &cols->first_name, &cols->birth_date,
                                         &cols->class_name, &cols->id,         &cols->language};
    const struct node       *map =
        get_section(w, cp, "roster.columns", "last_name, first_name, birth_date, class, id, language");
    struct pair f[6];

    if (!map)
        return;
    match_keys(w, map, "roster.columns", keys, 6, f);
    for (size_t i = 0; i < 6; i++) {
        get_text(w, f[i], names[i], fields[i]);
        if (*fields[i] && (*fields[i])[0] == '\0') { /* "" means: look for the usual headers */
            free(*fields[i]);
            *fields[i] = NULL;
        }
    }
}

static void
read_roster(const struct walk *w, struct pair sp, struct config_roster *r)
{
    static const char *const keys[] = {"file", "delimiter", "encoding", "columns"};
    /* The words a secretary may write for the separator of the columns. */
    static const char *const delim_words[] = {"auto", ";", ",", "\t", "\\t", "semicolon", "comma", "tab"};
    static const int         delim_values[] = {0, ';', ',', '\t', '\t', ';', ',', '\t'};
    static const char *const enc_words[] = {"auto", "utf-8", "utf8", "windows-1252", "cp1252"};
    static const int         enc_values[] = {CONFIG_ENCODING_AUTO, CONFIG_ENCODING_UTF8, CONFIG_ENCODING_UTF8,
                                             CONFIG_ENCODING_WINDOWS_1252, CONFIG_ENCODING_WINDOWS_1252};
    const struct node       *map = get_section(w, sp, "roster", "file, delimiter, encoding, columns");
    struct pair              f[4] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}};

    if (map)
        match_keys(w, map, "roster", keys, 4, f);
    else if (sp.value && !(sp.value->kind == NODE_SCALAR && sp.value->is_null))
        return;
    if (check_required(w, f[0], sp.key, "roster.file"))
        get_path(w, f[0], "roster.file", &r->file, &r->file_as_written);
    int value, rc = get_choice(w, f[1], "roster.delimiter", delim_words, delim_values, 8, &value);
    if (rc > 0)
        r->delimiter = (char)value;
    else if (rc < 0)
        diag_add(w->d, DIAG_ERROR, w->file, f[1].value->line, f[1].value->col,
                 "roster.delimiter must be auto, \";\", \",\" or \"\\t\" (or the words semicolon, comma, tab), not "
                 "\"%s\"",
                 util_quote(f[1].value->text).text);
    rc = get_choice(w, f[2], "roster.encoding", enc_words, enc_values, 5, &value);
    if (rc > 0)
        r->encoding = (enum config_encoding)value;
    else if (rc < 0)
        diag_add(w->d, DIAG_ERROR, w->file, f[2].value->line, f[2].value->col,
                 "roster.encoding must be auto, utf-8 or windows-1252, not \"%s\"", util_quote(f[2].value->text).text);
    read_columns(w, f[3], &r->columns);
}

static void
read_output(const struct walk *w, struct pair sp, struct config_output *o)
{
    static const char *const keys[] = {"dir", "split", "duplex", "class_sheet"};
    static const char *const split_words[] = {"class", "pupil", "both"};
    static const int         split_values[] = {CONFIG_SPLIT_CLASS, CONFIG_SPLIT_PUPIL, CONFIG_SPLIT_BOTH};
    const struct node       *map = get_section(w, sp, "output", "dir, split, duplex, class_sheet");
    struct pair              f[4];

    if (!map)
        return;
    match_keys(w, map, "output", keys, 4, f);
    get_path(w, f[0], "output.dir", &o->dir, NULL);
    int value, rc = get_choice(w, f[1], "output.split", split_words, split_values, 3, &value);
    if (rc > 0)
        o->split = (enum config_split)value;
    else if (rc < 0)
        diag_add(w->d, DIAG_ERROR, w->file, f[1].value->line, f[1].value->col,
                 "output.split must be class, pupil or both, not \"%s\"", util_quote(f[1].value->text).text);
    get_bool(w, f[2], "output.duplex", &o->duplex);
    get_bool(w, f[3], "output.class_sheet", &o->class_sheet);
}

static void
read_register(const struct walk *w, struct pair sp, struct config_register *reg)
{
    static const char *const keys[] = {"file"};
    const struct node       *map = get_section(w, sp, "register", "file");
    struct pair              f[1];

    if (!map)
        return;
    match_keys(w, map, "register", keys, 1, f);
    get_path(w, f[0], "register.file", &reg->file, &reg->file_as_written);
}

static bool
ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && util_strcasecmp_ascii(s + n - m, suffix) == 0;
}

/* A family name has no slash and no font file extension; anything else is a file, resolved here. */
static bool
font_is_path(const char *font)
{
    return util_last_path_separator(font) || ends_with_ci(font, ".ttf") || ends_with_ci(font, ".otf");
}

static void
free_fallbacks(struct config_page *pg)
{
    for (size_t i = 0; i < pg->n_fallbacks; i++)
        free(pg->fallbacks[i].name);
    free(pg->fallbacks);
    pg->fallbacks = NULL;
    pg->n_fallbacks = 0;
}

/* page.fallback_fonts: a list of families or .ttf files (one name alone counts as a list of one). */
static void
read_fallbacks(const struct walk *w, struct pair p, struct config_page *pg)
{
    const struct node *v = p.value;
    if (!v || v->is_invalid || (v->kind == NODE_SCALAR && v->is_null))
        return;
    if (v->kind == NODE_MAPPING) {
        report_type(w, v, "page.fallback_fonts", EXPECT_FONT_LIST);
        return;
    }
    const struct node *const *items = v->kind == NODE_SEQUENCE ? (const struct node *const *)v->kids : &v;
    size_t                    n = v->kind == NODE_SEQUENCE ? v->n_kids : 1;
    free_fallbacks(pg);
    pg->fallbacks_are_default = false;
    pg->fallbacks = xcalloc(n ? n : 1, sizeof *pg->fallbacks);
    for (size_t i = 0; i < n; i++) {
        const struct node *it = items[i];
        if (it->is_invalid)
            continue;
        if (it->kind != NODE_SCALAR) {
            report_type(w, it, "page.fallback_fonts", EXPECT_FONT_LIST);
            continue;
        }
        if (it->is_null || it->text[0] == '\0')
            continue;
        struct config_font *f = &pg->fallbacks[pg->n_fallbacks++];
        f->is_path = font_is_path(it->text);
        f->name = f->is_path ? util_path_relative_to(w->file, it->text) : xstrdup(it->text);
        f->line = it->line;
        f->col = it->col;
    }
}

static void
read_page(const struct walk *w, struct pair sp, struct config_page *pg)
{
    static const char *const keys[] = {"font", "marks", "fallback_fonts"};
    const struct node       *map = get_section(w, sp, "page", "font, fallback_fonts, marks");
    struct pair              f[3];

    if (!map)
        return;
    match_keys(w, map, "page", keys, 3, f);
    char *font = NULL;
    if (get_text(w, f[0], "page.font", &font)) {
        if (font[0] == '\0') {
            diag_add(w->d, DIAG_ERROR, w->file, f[0].value->line, f[0].value->col,
                     "page.font is empty; expected a font name such as \"Liberation Sans\" or a .ttf file");
            free(font);
        } else if (font_is_path(font)) {
            free(pg->font);
            pg->font = util_path_relative_to(w->file, font);
            pg->font_is_path = true;
            free(font);
        } else {
            free(pg->font);
            pg->font = font;
            pg->font_is_path = false;
        }
    }
    get_bool(w, f[1], "page.marks", &pg->marks);
    read_fallbacks(w, f[2], pg);
}

/* Position of the value of key in section (a mapping node), or line 0 when it is not there. */
static struct config_pos
value_pos(const struct node *section, const char *key)
{
    struct config_pos at = {0, 0};
    for (size_t k = 0; section && section->kind == NODE_MAPPING && k + 1 < section->n_kids; k += 2) {
        const struct node *kn = section->kids[k];
        if (kn->kind == NODE_SCALAR && kn->text && strcmp(kn->text, key) == 0) {
            at = (struct config_pos){section->kids[k + 1]->line, section->kids[k + 1]->col};
            break; /* the first of two wins, as in match_keys */
        }
    }
    return at;
}

/* Position of key itself in section, or line 0. */
static struct config_pos
key_pos(const struct node *section, const char *key)
{
    for (size_t k = 0; section && section->kind == NODE_MAPPING && k + 1 < section->n_kids; k += 2) {
        const struct node *kn = section->kids[k];
        if (kn->kind == NODE_SCALAR && kn->text && strcmp(kn->text, key) == 0)
            return (struct config_pos){kn->line, kn->col};
    }
    return (struct config_pos){0, 0};
}

static void
set_defaults(struct config *c, const char *path)
{
    c->path = xstrdup(path);
    c->form.date = date_today();
    c->form.has_date = false;
    c->roster.delimiter = 0;
    c->roster.encoding = CONFIG_ENCODING_AUTO;
    c->output.dir = util_path_relative_to(path, "out");
    c->output.split = CONFIG_SPLIT_CLASS;
    c->output.duplex = true;
    c->output.class_sheet = true;
    c->reg.file = util_path_relative_to(path, CONFIG_DEFAULT_REGISTER);
    c->reg.file_as_written = xstrdup(CONFIG_DEFAULT_REGISTER);
    c->page.font = xstrdup(CONFIG_DEFAULT_FONT);
    c->page.font_is_path = false;
    c->page.marks = false;
    static const char *const fallbacks[] = {CONFIG_DEFAULT_FALLBACK_FONTS};
    c->page.n_fallbacks = sizeof fallbacks / sizeof fallbacks[0];
    c->page.fallbacks = xcalloc(c->page.n_fallbacks, sizeof *c->page.fallbacks);
    for (size_t i = 0; i < c->page.n_fallbacks; i++)
        c->page.fallbacks[i].name = xstrdup(fallbacks[i]);
    c->page.fallbacks_are_default = true;
}

/* A file that is no text at all gets one plain sentence instead of YAML errors. False if so. */
static bool
check_kind(const char *data, size_t len, const char *path, struct diags *d)
{
    switch (util_file_kind(data, len)) {
    case UTIL_FILE_TEXT:
    case UTIL_FILE_UTF16LE: /* libyaml reads UTF-16 with a BOM */
    case UTIL_FILE_UTF16BE:
        return true;
    case UTIL_FILE_XLSX:
    case UTIL_FILE_XLS:
    case UTIL_FILE_ODS:
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "this is a spreadsheet (Excel or LibreOffice Calc), not a config: the config is a text file "
                 "like examples/schule.yaml, and the pupil list is named in it under roster.file");
        break;
    case UTIL_FILE_WORD:
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "this is a text document (Word or LibreOffice Writer), not a config: write the config in a "
                 "plain text editor (Windows: Editor) and save it as schule.yaml, like examples/schule.yaml");
        break;
    case UTIL_FILE_PDF:
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "this is a PDF file, not a config: the config is a text file like examples/schule.yaml");
        break;
    case UTIL_FILE_BINARY:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is not a text file (perhaps an image or an archive), not a config: the config is a text "
            "file like examples/schule.yaml");
        break;
    }
    return false;
}

struct config *
config_parse(const char *yaml, size_t len, const char *path, struct diags *d)
{
    static const char *const sections[] = {"school", "form", "roster", "output", "page", "register"};
    struct node             *root = NULL;

    if (!check_kind(yaml, len, path, d))
        return NULL;
    if (!parse_yaml(yaml, len, path, 0, d, &root))
        return NULL;
    if (!root || (root->kind == NODE_SCALAR && root->is_null)) {
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "the config is empty; expected the sections school, form and roster");
        node_free(root);
        return NULL;
    }
    if (root->kind != NODE_MAPPING) {
        if (!root->is_invalid && root->kind == NODE_SEQUENCE)
            diag_add(d, DIAG_ERROR, path, root->line, root->col,
                     "the config must consist of the sections school, form, roster, output, register and "
                     "page, not a list");
        else if (!root->is_invalid)
            diag_add(d, DIAG_ERROR, path, root->line, root->col,
                     "the config must consist of the sections school, form, roster, output, register and "
                     "page, not text");
        node_free(root);
        return NULL;
    }

    struct config *c = xcalloc(1, sizeof *c);
    set_defaults(c, path);
    struct walk w = {path, d};
    struct pair f[6];
    match_keys(&w, root, NULL, sections, 6, f);
    read_school(&w, f[0], &c->school);
    read_form(&w, f[1], &c->form);
    read_roster(&w, f[2], &c->roster);
    read_output(&w, f[3], &c->output);
    read_page(&w, f[4], &c->page);
    read_register(&w, f[5], &c->reg);
    c->template_at = value_pos(f[1].value, "template");
    c->roster_at = value_pos(f[2].value, "file");
    c->logo_at = value_pos(f[0].value, "logo");
    c->font_at = value_pos(f[4].value, "font");
    c->register_at = value_pos(f[5].value, "file");
    c->date_at = value_pos(f[1].value, "date");
    c->values_at = key_pos(f[1].value, "values");
    if (f[1].key)
        c->form_at = (struct config_pos){f[1].key->line, f[1].key->col};
    node_free(root);
    return c;
}

struct config *
config_load(const char *path, struct diags *d)
{
    char  *data = NULL;
    size_t len = 0;
    if (!util_read_file(path, CONFIG_MAX_FILE_LEN, &data, &len)) {
        int err = errno;
        if (err == EFBIG)
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "cannot read config \"%s\": it is larger than 1 MiB, too large for a config",
                     util_quote(path).text);
        else if (err == ENODEV)
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "cannot read config \"%s\": it is a device or a pipe, not a file",
                     util_quote(path).text);
        else
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read config \"%s\": %s", util_quote(path).text,
                     strerror(err));
        return NULL;
    }
    struct config *c = config_parse(data, len, path, d);
    free(data);
    return c;
}

void
config_free(struct config *c)
{
    if (!c)
        return;
    free(c->path);
    free(c->school.name);
    free(c->school.address);
    free(c->school.logo);
    free(c->school.data_protection);
    free(c->form.template_path);
    free(c->form.template_path_as_written);
    free(c->form.template_name);
    for (size_t i = 0; i < c->form.n_values; i++) {
        free(c->form.values[i].key);
        free(c->form.values[i].value);
    }
    free(c->form.values);
    free(c->roster.file);
    free(c->roster.file_as_written);
    free(c->roster.columns.last_name);
    free(c->roster.columns.first_name);
    free(c->roster.columns.birth_date);
    free(c->roster.columns.class_name);
    free(c->roster.columns.id);
    free(c->roster.columns.language);
    free(c->output.dir);
    free(c->reg.file);
    free(c->reg.file_as_written);
    free(c->page.font);
    free_fallbacks(&c->page);
    free(c);
}

bool
config_is_template_name(const char *s)
{
    return s[0] != '\0' && !strpbrk(s, "/\\.");
}

const char *
config_value(const struct config *c, const char *key)
{
    for (size_t i = 0; c && i < c->form.n_values; i++) {
        if (strcmp(c->form.values[i].key, key) == 0)
            return c->form.values[i].value;
    }
    return NULL;
}

/* ---- template front matter ---- */

/* A whole number from lo to hi into *out; leaves *out unchanged when missing or wrong. */
static bool
get_int(const struct walk *w, struct pair p, const char *name, int lo, int hi, int *out)
{
    const struct node *v = p.value;
    if (!v || v->is_invalid)
        return false;
    if (v->kind != NODE_SCALAR) {
        if (v->kind == NODE_SEQUENCE)
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col, "%s must be a whole number from %d to %d, not a list",
                     name, lo, hi);
        else
            diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col,
                     "%s must be a whole number from %d to %d, not a section of keys", name, lo, hi);
        return false;
    }
    if (v->is_null)
        return false;
    const char *s = v->text;
    char       *end = NULL;
    errno = 0;
    long n = (*s >= '0' && *s <= '9') ? strtol(s, &end, 10) : -1;
    if (!end || *end != '\0' || errno != 0 || n < lo || n > hi) {
        diag_add(w->d, DIAG_ERROR, w->file, v->line, v->col,
                 "%s must be a whole number from %d to %d, not \"%s\"", name, lo, hi, s);
        return false;
    }
    *out = (int)n;
    return true;
}

bool
config_parse_front_matter(const char *yaml, size_t len, const char *path, unsigned first_line,
                          struct config_front_matter *out, struct diags *d)
{
    static const char *const keys[] = {"title", "pupil_signature_from_age", "adult_age", "language"};
    size_t                   errors_before = d->n_errors;
    struct node             *root = NULL;

    out->title = NULL;
    out->pupil_signature_from_age = CONFIG_PUPIL_SIGNATURE_AGE;
    out->adult_age = CONFIG_ADULT_AGE;
    memcpy(out->language, "de", 3);
    if (!parse_yaml(yaml, len, path, first_line > 0 ? first_line - 1 : 0, d, &root))
        return false;
    if (!root || (root->kind == NODE_SCALAR && root->is_null)) {
        node_free(root);
        return d->n_errors == errors_before;
    }

    struct walk w = {path, d};
    if (root->kind != NODE_MAPPING) {
        if (!root->is_invalid && root->kind == NODE_SEQUENCE)
            diag_add(d, DIAG_ERROR, path, root->line, root->col,
                     "the front matter must consist of the keys title, pupil_signature_from_age, adult_age "
                     "and language, not a list");
        else if (!root->is_invalid)
            diag_add(d, DIAG_ERROR, path, root->line, root->col,
                     "the front matter must consist of the keys title, pupil_signature_from_age, adult_age "
                     "and language, not text");
        node_free(root);
        return false;
    }
    struct pair f[4];
    match_keys(&w, root, FRONT_MATTER, keys, 4, f);
    get_text(&w, f[0], "title", &out->title);
    get_int(&w, f[1], "pupil_signature_from_age", 0, 99, &out->pupil_signature_from_age);
    get_int(&w, f[2], "adult_age", 0, 99, &out->adult_age);
    char *language = NULL;
    if (get_text(&w, f[3], "language", &language)) {
        /* ISO 639-1, as in the file names of translations ("videokonferenz-iserv.tr.md") */
        if (strlen(language) == 2 && language[0] >= 'a' && language[0] <= 'z' && language[1] >= 'a' &&
            language[1] <= 'z')
            memcpy(out->language, language, 3);
        else
            diag_add(d, DIAG_ERROR, path, f[3].value->line, f[3].value->col,
                     "language must be a two-letter language code (ISO 639-1) in lower case, such as \"de\" "
                     "or \"tr\", not \"%s\"",
                     language);
    }
    free(language);
    if (out->pupil_signature_from_age > out->adult_age) {
        const struct node *at = f[1].value ? f[1].value : f[2].value;
        diag_add(d, DIAG_ERROR, path, at->line, at->col,
                 "pupil_signature_from_age (%d) must not be above adult_age (%d)",
                 out->pupil_signature_from_age, out->adult_age);
    }
    node_free(root);
    return d->n_errors == errors_before;
}

void
config_front_matter_fini(struct config_front_matter *fm)
{
    if (!fm)
        return;
    free(fm->title);
    fm->title = NULL;
}
