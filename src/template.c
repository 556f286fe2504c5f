/*
 * template: reads a consent text written in Markdown into a flat list of
 * blocks. Accepted: optional YAML front matter between "---" lines at the very
 * top (handed to config); CommonMark as md4c parses it with task lists on and
 * raw HTML and indented code off, so "<b>" and indented lines print as written:
 * "#" headings, paragraphs, "**bold**", "*italic*", "-" bullets (nested),
 * "- [ ]" check boxes, "---" rules; block quotes, code spans and links print as
 * plain text. Fenced blocks ```pupil and ```signature are the form blocks (rows
 * of fields split by "|"); ```slip marks where the return slip begins, its
 * body is the return note (text with placeholders, its lines joined). Placeholders are "{{name}}" on one
 * line; a name has letters, digits, ".", "_", "-" and spaces. md4c reports no positions, so each
 * "{{" is first found in the raw text and matched, in order, to what md4c hands on.
 */
#include "consentgen/template.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#define TEMPLATE_MAX_FILE_LEN ((size_t)1 << 20)
#define TEMPLATE_DEFAULT_TITLE "Einwilligung"
/* Markers in the collected text of a block; the input never holds them (control characters are rejected). */
#define MARK_BREAK '\x01' /* hard line break */
#define MARK_SOFT '\n'    /* soft line break: printed as a space, and a placeholder cannot span it */
#define NOT_FOUND ((size_t)-1)

struct template_doc {
    char                      *path;
    struct config_front_matter fm;
    struct template_block     *blocks;
    size_t                     n_blocks, cap_blocks;
    char                      *title;
};

/* A "{{name}}" found in the raw text, where the secretary wrote it. */
struct raw_placeholder {
    char    *name; /* trimmed, as written */
    unsigned line, col;
};

/* A raw placeholder in the name-sorted index, so matching by name is a binary search. */
struct ph_ref {
    const char *name;
    size_t      i; /* into parser.ph */
};

struct list_level {
    unsigned group;
    bool     is_ordered;
    bool     has_reported; /* numbered list: reported once, at its first item */
};

struct span_vec {
    struct template_span *v;
    size_t                n, cap;
};

/* State of one parse: the source, what was pre-scanned, and the block being collected. */
struct parser {
    const char          *text; /* the whole template after a BOM; md4c pointers into it give lines */
    size_t               len;
    const char          *path;
    struct diags        *d;
    struct template_doc *doc;

    size_t                 *line_starts; /* byte offset of each line */
    size_t                  n_lines;
    size_t                  col_off; /* col_of's last offset and its column, to count on from there */
    unsigned                col_chars;
    struct raw_placeholder *ph;
    size_t                  n_ph, next_ph;
    struct ph_ref          *ph_by_name;  /* ph sorted by name, then by position */
    unsigned               *fence_lines; /* line of each fence opener, in order */
    size_t                  n_fences, next_fence;

    /* the inline block being collected (heading, paragraph, list item) */
    bool                     has_block;
    enum template_block_kind kind;
    unsigned                 level, group, line;
    bool                     is_checked, is_ordered_item, has_image;
    struct buf               inl;
    unsigned                *styles; /* style of each byte of inl */
    size_t                   cap_styles;
    unsigned                 n_bold, n_italic, n_image;

    struct list_level *lists;
    size_t             n_lists, cap_lists;
    unsigned           n_groups;

    /* the fenced block being collected */
    bool       in_code;
    struct buf code;
    char      *info;
    unsigned   code_line, code_col;

    unsigned last_line; /* line of the last block, for blocks md4c gives no text to place */
};

/* ---- positions ---- */

static void
index_lines(struct parser *p)
{
    size_t cap = 64;
    p->line_starts = xmalloc(cap * sizeof *p->line_starts);
    p->line_starts[0] = 0;
    p->n_lines = 1;
    for (size_t i = 0; i < p->len; i++) {
        if (p->text[i] != '\n')
            continue;
        if (p->n_lines == cap) {
            cap *= 2;
            p->line_starts = xrealloc(p->line_starts, cap * sizeof *p->line_starts);
        }
        p->line_starts[p->n_lines++] = i + 1;
    }
}

/* 1-based line of byte offset off. */
static unsigned
line_of(const struct parser *p, size_t off)
{
    size_t lo = 0, hi = p->n_lines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)(lo + 1);
}

/*
 * Column in characters, 1-based, of byte offset off on its line. Offsets mostly come in text order, often
 * many on one long line: counting on from the previous one keeps that linear, not quadratic.
 */
static unsigned
col_of(struct parser *p, size_t off)
{
    size_t start = p->line_starts[line_of(p, off) - 1];
    if (p->col_off < start || p->col_off > off) {
        p->col_off = start;
        p->col_chars = 0;
    }
    p->col_chars += (unsigned)utf8_count_chars(p->text + p->col_off, off - p->col_off);
    p->col_off = off;
    return p->col_chars + 1;
}

/* Offset of s in the source, or NOT_FOUND: md4c hands on pointers into the text for most of it. */
static size_t
offset_of(const struct parser *p, const char *s)
{
    uintptr_t a = (uintptr_t)s, base = (uintptr_t)p->text;
    if (!s || a < base || a >= base + p->len)
        return NOT_FOUND;
    return (size_t)(a - base);
}

static size_t
line_end(const char *t, size_t len, size_t i)
{
    const char *nl = memchr(t + i, '\n', len - i);
    return nl ? (size_t)(nl - t) : len;
}

/* ---- small text helpers ---- */

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static char *
trimmed_copy(const char *s, size_t len)
{
    while (len > 0 && is_blank(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    return xstrndup(s, len);
}

static void
put_code_point(struct buf *b, int32_t cp)
{
    char   out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, out, n);
}

/*
 * Letters (also ä, é, ş ...), digits and ". _ - space". Without utf8proc
 * (util's) the non-ASCII test excludes the punctuation blocks a template
 * could plausibly hold instead: Latin-1 signs, quotes and dashes.
 */
static bool
is_name_char(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '.' || cp == '_' || cp == '-' || cp == ' ';
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return false;
    if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE00 && cp <= 0xFE6F) ||
        cp == 0xFEFF || cp == 0xFFFD)
        return false;
    return true;
}

static bool
is_valid_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0)
        return false;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t  n = utf8_decode(name + i, len - i, &cp);
        if (n == 0 || !is_name_char(cp))
            return false;
        i += n;
    }
    return true;
}

/*
 * Index of the "}}" closing a placeholder whose name starts at from, or
 * NOT_FOUND when the line (or a hard break, or another "{{") comes first.
 */
static size_t
find_close(const char *t, size_t len, size_t from)
{
    for (size_t j = from; j < len; j++) {
        if (t[j] == '\n' || t[j] == '\r' || t[j] == MARK_BREAK)
            return NOT_FOUND;
        if (j + 1 < len && t[j] == '}' && t[j + 1] == '}')
            return j;
        if (j + 1 < len && t[j] == '{' && t[j + 1] == '{')
            return NOT_FOUND;
    }
    return NOT_FOUND;
}

/* ---- pre-scans of the raw text ---- */

static int
compare_ph_ref(const void *a, const void *b)
{
    const struct ph_ref *x = a, *y = b;
    int                  c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Finds every "{{...}}" with its position; reports unterminated ones and bad names. */
static void
scan_placeholders(struct parser *p, size_t from)
{
    size_t cap = 0;
    for (size_t i = from; i + 1 < p->len;) {
        if (p->text[i] != '{' || p->text[i + 1] != '{') {
            i++;
            continue;
        }
        unsigned line = line_of(p, i), col = col_of(p, i);
        size_t   close = find_close(p->text, p->len, i + 2);
        if (close == NOT_FOUND) {
            diag_add(p->d, DIAG_ERROR, p->path, line, col,
                     "unterminated placeholder: \"{{\" has no closing \"}}\"");
            i += 2;
            continue;
        }
        char *name = trimmed_copy(p->text + i + 2, close - (i + 2));
        if (!*name)
            diag_add(p->d, DIAG_ERROR, p->path, line, col,
                     "empty placeholder \"{{}}\": write a name between the braces, such as "
                     "\"{{pupil.first_name}}\"");
        else if (!is_valid_name(name))
            diag_add(
                p->d, DIAG_ERROR, p->path, line, col,
                "placeholder name \"%s\" may contain only letters, digits, \".\", \"_\", \"-\" and spaces",
                util_quote(name).text);
        if (p->n_ph == cap) {
            cap = cap ? 2 * cap : 16;
            p->ph = xrealloc(p->ph, cap * sizeof *p->ph);
        }
        p->ph[p->n_ph++] = (struct raw_placeholder){name, line, col};
        i = close + 2;
    }
    p->ph_by_name = xmalloc((p->n_ph ? p->n_ph : 1) * sizeof *p->ph_by_name);
    for (size_t k = 0; k < p->n_ph; k++)
        p->ph_by_name[k] = (struct ph_ref){p->ph[k].name, k};
    qsort(p->ph_by_name, p->n_ph, sizeof *p->ph_by_name, compare_ph_ref);
}

/* Skips block-quote marks, and a list marker when allowed, at the start of a line. */
static size_t
skip_container_marks(const char *t, size_t i, size_t end, bool with_list_marker)
{
    for (;;) {
        while (i < end && (t[i] == ' ' || t[i] == '\t'))
            i++;
        if (i < end && t[i] == '>') {
            i++;
            continue;
        }
        break;
    }
    if (!with_list_marker)
        return i;
    size_t j = i;
    if (j < end && (t[j] == '-' || t[j] == '*' || t[j] == '+'))
        j++;
    else {
        while (j < end && j - i < 9 && t[j] >= '0' && t[j] <= '9')
            j++;
        if (j == i || j >= end || (t[j] != '.' && t[j] != ')'))
            return i;
        j++;
    }
    if (j < end && (t[j] == ' ' || t[j] == '\t')) {
        while (j < end && (t[j] == ' ' || t[j] == '\t'))
            j++;
        return j;
    }
    return i;
}

/*
 * Lines of the fence openers in order: md4c (indented code off) reports every
 * code block as fenced, so the n-th code block opens on the n-th of these.
 */
static void
scan_fences(struct parser *p, size_t from)
{
    char   fence_char = 0;
    size_t fence_len = 0, cap = 0;
    for (size_t i = from; i < p->len;) {
        size_t end = line_end(p->text, p->len, i);
        size_t s = skip_container_marks(p->text, i, end, fence_char == 0);
        size_t run = 0;
        while (s + run < end && (p->text[s + run] == '`' || p->text[s + run] == '~') &&
               p->text[s + run] == p->text[s])
            run++;
        if (run >= 3) {
            const char *rest = p->text + s + run;
            size_t      rest_len = end - (s + run);
            if (!fence_char) {
                /* "```x```" at a line start is a code span, not a fence */
                if (p->text[s] != '`' || !memchr(rest, '`', rest_len)) {
                    fence_char = p->text[s];
                    fence_len = run;
                    if (p->n_fences == cap) {
                        cap = cap ? 2 * cap : 8;
                        p->fence_lines = xrealloc(p->fence_lines, cap * sizeof *p->fence_lines);
                    }
                    p->fence_lines[p->n_fences++] = line_of(p, i);
                }
            } else if (p->text[s] == fence_char && run >= fence_len) {
                size_t k = 0;
                while (k < rest_len && is_blank(rest[k]))
                    k++;
                if (k == rest_len)
                    fence_char = 0;
            }
        }
        i = end + 1;
    }
}

/* A "---", "***" or "___" line (spaces allowed): where a rule md4c reports without text most likely is. */
static bool
is_rule_line(const char *t, size_t i, size_t end)
{
    i = skip_container_marks(t, i, end, false);
    char   c = i < end ? t[i] : 0;
    size_t n = 0;
    if (c != '-' && c != '*' && c != '_')
        return false;
    for (; i < end; i++) {
        if (t[i] == c)
            n++;
        else if (!is_blank(t[i]))
            return false;
    }
    return n >= 3;
}

static unsigned
find_rule_line(const struct parser *p)
{
    for (size_t l = p->last_line; l < p->n_lines; l++) {
        size_t start = p->line_starts[l], end = line_end(p->text, p->len, start);
        bool after_text = l > 0 && line_end(p->text, p->len, p->line_starts[l - 1]) > p->line_starts[l - 1] &&
                          !is_rule_line(p->text, p->line_starts[l - 1], p->line_starts[l] - 1);
        /* "Text" over "---" is a heading underline, not a rule */
        if (is_rule_line(p->text, start, end) && !(after_text && p->text[start] == '-'))
            return (unsigned)l + 1;
    }
    return p->last_line;
}

/*
 * The placeholder md4c handed on that matches name: the next raw one with
 * that name, else the next raw one at all (escapes and entities can change
 * how a name reads). NULL when the raw text has none left.
 */
static const struct raw_placeholder *
match_placeholder(struct parser *p, const char *name)
{
    /* The first index entry not before (name, next_ph): a scan of all the rest would be quadratic. */
    size_t lo = 0, hi = p->n_ph;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int    c = strcmp(p->ph_by_name[mid].name, name);
        if (c < 0 || (c == 0 && p->ph_by_name[mid].i < p->next_ph))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < p->n_ph && strcmp(p->ph_by_name[lo].name, name) == 0) {
        p->next_ph = p->ph_by_name[lo].i + 1;
        return &p->ph[p->ph_by_name[lo].i];
    }
    return p->next_ph < p->n_ph ? &p->ph[p->next_ph++] : NULL;
}

/* ---- spans ---- */

static struct template_span *
push_span(struct span_vec *v, enum template_span_kind kind, unsigned style, char *text, unsigned line,
          unsigned col)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 4;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    struct template_span *s = &v->v[v->n++];
    *s = (struct template_span){kind, style, text, line, col};
    return s;
}

/* Literal text; soft breaks and tabs print as spaces; joins the previous span when it has the same style. */
static void
emit_text(struct span_vec *v, const char *t, size_t len, unsigned style, unsigned line)
{
    if (len == 0)
        return;
    struct buf b;
    buf_init(&b);
    struct template_span *last = v->n ? &v->v[v->n - 1] : NULL;
    if (last && last->kind == TEMPLATE_SPAN_TEXT && last->style == style) {
        buf_puts(&b, last->text);
        free(last->text);
        v->n--;
    }
    for (size_t i = 0; i < len; i++)
        buf_putc(&b, t[i] == MARK_SOFT || t[i] == '\t' ? ' ' : t[i]);
    push_span(v, TEMPLATE_SPAN_TEXT, style, buf_detach(&b), line, 0);
}

static bool
is_uniform(const unsigned *styles, size_t from, size_t to)
{
    for (size_t i = from; styles && i < to; i++)
        if (styles[i] != styles[from])
            return false;
    return true;
}

/*
 * Splits collected text into text, placeholder and break spans. styles gives
 * each byte's style (NULL: all plain). A placeholder must have one style, as
 * layout prints it in one font. Unmatched placeholders are placed at line.
 */
static void
split_spans(struct parser *p, const char *t, size_t n, const unsigned *styles, unsigned line,
            struct span_vec *v)
{
    size_t seg = 0, literal_until = 0;
    for (size_t i = 0; i < n;) {
        unsigned style = styles ? styles[i] : 0;
        if (t[i] == MARK_BREAK) {
            emit_text(v, t + seg, i - seg, styles ? styles[seg] : 0, line);
            push_span(v, TEMPLATE_SPAN_BREAK, 0, NULL, line, 0);
            seg = ++i;
            continue;
        }
        if (i >= literal_until && t[i] == '{' && i + 1 < n && t[i + 1] == '{') {
            size_t close = find_close(t, n, i + 2);
            if (close != NOT_FOUND) {
                char *name = trimmed_copy(t + i + 2, close - (i + 2));
                if (is_valid_name(name)) {
                    const struct raw_placeholder *at = match_placeholder(p, name);
                    unsigned                      ph_line = at ? at->line : line, ph_col = at ? at->col : 0;
                    if (is_uniform(styles, i, close + 2)) {
                        emit_text(v, t + seg, i - seg, styles ? styles[seg] : 0, line);
                        push_span(v, TEMPLATE_SPAN_PLACEHOLDER, style, name, ph_line, ph_col);
                        seg = i = close + 2;
                        continue;
                    }
                    diag_add(p->d, DIAG_ERROR, p->path, ph_line, ph_col,
                             "placeholder \"{{%s}}\" is only partly bold or italic: put the \"**\" or \"*\" "
                             "around the whole placeholder",
                             util_quote(name).text);
                }
                free(name);
                literal_until = close + 2;
            }
        }
        if (i > seg && styles && styles[i] != styles[seg]) {
            emit_text(v, t + seg, i - seg, styles[seg], line);
            seg = i;
        }
        i++;
    }
    emit_text(v, t + seg, n - seg, styles && seg < n ? styles[seg] : 0, line);
}

/* ---- blocks ---- */

static struct template_block *
push_block(struct template_doc *doc, enum template_block_kind kind, unsigned line)
{
    if (doc->n_blocks == doc->cap_blocks) {
        doc->cap_blocks = doc->cap_blocks ? 2 * doc->cap_blocks : 16;
        doc->blocks = xrealloc(doc->blocks, doc->cap_blocks * sizeof *doc->blocks);
    }
    struct template_block *b = &doc->blocks[doc->n_blocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->line = line;
    return b;
}

static void
start_block(struct parser *p, enum template_block_kind kind, unsigned level)
{
    p->has_block = true;
    p->kind = kind;
    p->level = level;
    p->group = 0;
    p->line = 0;
    p->is_checked = p->is_ordered_item = p->has_image = false;
    buf_reset(&p->inl);
}

/* Ends the inline block being collected and appends it to the document. */
static void
finish_block(struct parser *p)
{
    if (!p->has_block)
        return;
    p->has_block = false;
    unsigned        line = p->line ? p->line : p->last_line;
    struct span_vec v = {0};
    split_spans(p, p->inl.data ? p->inl.data : "", p->inl.len, p->styles, line, &v);
    if (!p->line) { /* md4c gave no pointer into the text: the first placeholder knows better */
        for (size_t i = 0; i < v.n && !p->line; i++)
            if (v.v[i].kind == TEMPLATE_SPAN_PLACEHOLDER && v.v[i].col)
                line = v.v[i].line;
    }
    if (p->has_image)
        diag_add(p->d, DIAG_ERROR, p->path, line, 0,
                 "images cannot be printed from the template: the school logo comes from the config "
                 "(school.logo)");
    if (p->is_ordered_item && p->n_lists && !p->lists[p->n_lists - 1].has_reported) {
        p->lists[p->n_lists - 1].has_reported = true;
        diag_add(
            p->d, DIAG_ERROR, p->path, line, 0,
            "numbered lists are not supported: write \"- \" bullets, or \"1\\.\" to keep a number as text");
    }
    bool is_item = p->kind == TEMPLATE_BLOCK_BULLET || p->kind == TEMPLATE_BLOCK_CHECKBOX;
    if (v.n == 0 && !is_item) {
        free(v.v);
        return;
    }
    struct template_block *b = push_block(p->doc, p->kind, line);
    b->level = p->level;
    b->group = p->group;
    b->is_checked = p->is_checked;
    b->spans = v.v;
    b->n_spans = v.n;
    p->last_line = line;
}

static void
add_text(struct parser *p, const char *s, size_t len)
{
    if (p->n_image || len == 0)
        return;
    unsigned style = (p->n_bold ? TEMPLATE_STYLE_BOLD : 0) | (p->n_italic ? TEMPLATE_STYLE_ITALIC : 0);
    size_t   from = p->inl.len;
    buf_append(&p->inl, s, len);
    if (p->inl.len > p->cap_styles) {
        p->cap_styles = p->inl.len * 2;
        p->styles = xrealloc(p->styles, p->cap_styles * sizeof *p->styles);
    }
    for (size_t i = from; i < p->inl.len; i++)
        p->styles[i] = style;
}

/* ---- entities: md4c hands "&amp;" on as written ---- */

struct entity {
    const char *name;
    const char *text;
};

static const struct entity entities[] = {
    {"amp", "&"},    {"lt", "<"},     {"gt", ">"},     {"quot", "\""},    {"apos", "'"},   {"nbsp", "\u00A0"},
    {"auml", "ä"},   {"ouml", "ö"},   {"uuml", "ü"},   {"Auml", "Ä"},     {"Ouml", "Ö"},   {"Uuml", "Ü"},
    {"szlig", "ß"},  {"euro", "€"},   {"ndash", "–"},  {"mdash", "—"},    {"hellip", "…"}, {"bdquo", "„"},
    {"ldquo", "“"},  {"rdquo", "”"},  {"sbquo", "‚"},  {"lsquo", "‘"},    {"rsquo", "’"},  {"laquo", "«"},
    {"raquo", "»"},  {"sect", "§"},   {"para", "¶"},   {"copy", "©"},     {"reg", "®"},    {"deg", "°"},
    {"middot", "·"}, {"bull", "•"},   {"times", "×"},  {"shy", "\u00AD"}, {"eacute", "é"}, {"egrave", "è"},
    {"agrave", "à"}, {"aacute", "á"}, {"ccedil", "ç"}, {"Eacute", "É"},
};

static void
add_entity(struct parser *p, const char *s, size_t len)
{
    struct buf b;
    buf_init(&b);
    if (len >= 4 && s[1] == '#') {
        bool  is_hex = s[2] == 'x' || s[2] == 'X';
        char *digits = xstrndup(s + (is_hex ? 3 : 2), len - (is_hex ? 4 : 3));
        char *end;
        long  cp = strtol(digits, &end, is_hex ? 16 : 10);
        /* CommonMark: invalid code points become U+FFFD; control characters would clash with the markers */
        if (*end || cp <= 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0x20 || cp == 0x7F)
            cp = 0xFFFD;
        put_code_point(&b, (int32_t)cp);
        free(digits);
    } else {
        const char *text = NULL;
        for (size_t i = 0; i < sizeof entities / sizeof entities[0] && !text; i++)
            if (strlen(entities[i].name) == len - 2 && memcmp(entities[i].name, s + 1, len - 2) == 0)
                text = entities[i].text;
        if (text)
            buf_puts(&b, text);
        else /* an entity we do not know prints as written */
            buf_append(&b, s, len);
    }
    add_text(p, b.data, b.len);
    buf_fini(&b);
}

/* ---- form blocks ---- */

static void
push_row(struct template_row **rows, size_t *n, size_t *cap, struct template_row row)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 4;
        *rows = xrealloc(*rows, *cap * sizeof **rows);
    }
    (*rows)[(*n)++] = row;
}

static struct template_field
default_pupil_field(const char *caption, const char *name, unsigned line)
{
    struct template_field f = {xstrdup(caption), xcalloc(1, sizeof(struct template_span)), 1};
    f.value[0] = (struct template_span){TEMPLATE_SPAN_PLACEHOLDER, 0, xstrdup(name), line, 0};
    return f;
}

static void
add_default_rows(struct template_block *b)
{
    size_t cap = 0;
    if (b->kind == TEMPLATE_BLOCK_PUPIL) {
        struct template_field *r1 = xcalloc(2, sizeof *r1), *r2 = xcalloc(2, sizeof *r2);
        r1[0] = default_pupil_field("Name", "pupil.last_name", b->line);
        r1[1] = default_pupil_field("Vorname", "pupil.first_name", b->line);
        r2[0] = default_pupil_field("Geburtsdatum", "pupil.birth_date", b->line);
        r2[1] = default_pupil_field("Klasse", "pupil.class", b->line);
        push_row(&b->rows, &b->n_rows, &cap, (struct template_row){TEMPLATE_ROW_ALWAYS, r1, 2, b->line});
        push_row(&b->rows, &b->n_rows, &cap, (struct template_row){TEMPLATE_ROW_ALWAYS, r2, 2, b->line});
        return;
    }
    static const char *const second[] = {"Unterschrift der Erziehungsberechtigten",
                                         "Unterschrift der Schülerin / des Schülers"};
    for (int i = 0; i < 2; i++) {
        struct template_field *f = xcalloc(2, sizeof *f);
        f[0].caption = xstrdup("Ort, Datum");
        f[1].caption = xstrdup(second[i]);
        push_row(&b->rows, &b->n_rows, &cap,
                 (struct template_row){i == 0 ? TEMPLATE_ROW_GUARDIAN : TEMPLATE_ROW_PUPIL, f, 2, b->line});
    }
}

/* Column (1-based, characters) where the body line s of length len starts in source line `line`. */
static unsigned
body_col(const struct parser *p, unsigned line, const char *s, size_t len)
{
    if (line == 0 || line > p->n_lines)
        return 0;
    size_t start = p->line_starts[line - 1], end = line_end(p->text, p->len, start);
    if (end > start && p->text[end - 1] == '\r')
        end--;
    /* md4c strips the fence's indentation (and quote marks) from body lines: the body is a suffix */
    if (end - start < len || memcmp(p->text + end - len, s, len) != 0)
        return 0;
    return (unsigned)utf8_count_chars(p->text + start, end - len - start) + 1;
}

/* Reports placeholders in a caption, where layout has no place for a value. */
static void
check_caption(struct parser *p, const char *caption, unsigned line, unsigned col)
{
    struct span_vec v = {0};
    split_spans(p, caption, strlen(caption), NULL, line, &v);
    for (size_t i = 0; i < v.n; i++) {
        if (v.v[i].kind == TEMPLATE_SPAN_PLACEHOLDER)
            diag_add(p->d, DIAG_ERROR, p->path, v.v[i].line, v.v[i].col ? v.v[i].col : col,
                     "placeholder \"{{%s}}\" cannot be part of a caption: write it after the \":\" of a "
                     "pupil field",
                     v.v[i].text);
        free(v.v[i].text);
    }
    free(v.v);
}

/* One field: "Caption" (signature) or "Caption: value with {{placeholders}}" (pupil). */
static bool
parse_field(struct parser *p, const struct template_block *b, const char *s, size_t len, unsigned line,
            unsigned col, struct template_field *out)
{
    memset(out, 0, sizeof *out);
    const char *colon = b->kind == TEMPLATE_BLOCK_PUPIL ? memchr(s, ':', len) : NULL;
    size_t      caption_len = colon ? (size_t)(colon - s) : len;
    out->caption = trimmed_copy(s, caption_len);
    if (!*out->caption) {
        diag_add(p->d, DIAG_ERROR, p->path, line, col,
                 "empty field: expected a caption between the \"|\" signs");
        free(out->caption);
        out->caption = NULL;
        return false;
    }
    check_caption(p, out->caption, line, col);
    if (colon) {
        char           *value = trimmed_copy(colon + 1, len - caption_len - 1);
        struct span_vec v = {0};
        split_spans(p, value, strlen(value), NULL, line, &v);
        out->value = v.v;
        out->n_value = v.n;
        free(value);
    }
    return true;
}

static void
free_fields(struct template_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].caption);
        for (size_t j = 0; j < f[i].n_value; j++)
            free(f[i].value[j].text);
        free(f[i].value);
    }
    free(f);
}

/* Where the columns of a body line stand: it starts at base_col (0: unknown); s[0, done) has chars. */
struct row_cols {
    unsigned base_col;
    size_t   done;
    unsigned chars;
};

/* Column of byte k of the body line, 0 if unknown. k only grows, so a row of many fields stays linear. */
static unsigned
col_in_row(struct row_cols *rc, const char *s, size_t k)
{
    rc->chars += (unsigned)utf8_count_chars(s + rc->done, k - rc->done);
    rc->done = k;
    return rc->base_col ? rc->base_col + rc->chars : 0;
}

#define TEMPLATE_MAX_ROW_FIELDS 4

/* One body line of a form block: "[guardian] a | b". */
static void
parse_row(struct parser *p, struct template_block *b, size_t *cap_rows, const char *s, size_t len,
          unsigned line)
{
    struct row_cols            cols = {body_col(p, line, s, len), 0, 0};
    size_t                     i = 0;
    enum template_row_audience audience = TEMPLATE_ROW_ALWAYS;
    while (i < len && is_blank(s[i]))
        i++;
    if (i < len && s[i] == '[') {
        const char *close = memchr(s + i, ']', len - i);
        char       *mark = close ? xstrndup(s + i + 1, (size_t)(close - (s + i + 1))) : NULL;
        if (b->kind == TEMPLATE_BLOCK_SIGNATURE && mark && util_strcasecmp_ascii(mark, "guardian") == 0)
            audience = TEMPLATE_ROW_GUARDIAN;
        else if (b->kind == TEMPLATE_BLOCK_SIGNATURE && mark && util_strcasecmp_ascii(mark, "pupil") == 0)
            audience = TEMPLATE_ROW_PUPIL;
        else if (b->kind == TEMPLATE_BLOCK_PUPIL)
            diag_add(p->d, DIAG_ERROR, p->path, line, col_in_row(&cols, s, i),
                     "row marks such as \"[guardian]\" belong in a signature block, not in the pupil block");
        else
            diag_add(p->d, DIAG_ERROR, p->path, line, col_in_row(&cols, s, i),
                     "unknown row mark \"[%s]\": expected \"[guardian]\" or \"[pupil]\"", mark ? mark : "");
        if (close)
            i = (size_t)(close - s) + 1;
        free(mark);
    }
    while (i < len && is_blank(s[i]))
        i++;
    if (i == len) {
        diag_add(p->d, DIAG_ERROR, p->path, line, 0,
                 "row has no caption: expected a caption after the row mark");
        return;
    }
    struct template_row row = {audience, NULL, 0, line};
    size_t              cap_fields = 0;
    bool                is_ok = true;
    for (;;) {
        const char *bar = memchr(s + i, '|', len - i);
        size_t      end = bar ? (size_t)(bar - s) : len;
        size_t      k = i;
        while (k < end && is_blank(s[k]))
            k++;
        if (row.n_fields == cap_fields) {
            cap_fields = cap_fields ? 2 * cap_fields : 2;
            row.fields = xrealloc(row.fields, cap_fields * sizeof *row.fields);
        }
        if (parse_field(p, b, s + i, end - i, line, col_in_row(&cols, s, k), &row.fields[row.n_fields]))
            row.n_fields++;
        else
            is_ok = false;
        if (!bar)
            break;
        i = end + 1;
    }
    /* An A4 line has room for a few fields side by side; more would run past the margin. */
    if (is_ok && row.n_fields > TEMPLATE_MAX_ROW_FIELDS) {
        diag_add(p->d, DIAG_ERROR, p->path, line, 0,
                 "row has %zu fields side by side; at most %d fit on a line: put the others on a new line",
                 row.n_fields, TEMPLATE_MAX_ROW_FIELDS);
        is_ok = false;
    }
    if (is_ok)
        push_row(&b->rows, &b->n_rows, cap_rows, row);
    else
        free_fields(row.fields, row.n_fields);
}

/*
 * The slip block: its lines are the return note, joined by spaces, placeholders allowed; empty, it is the
 * usual note. Only one slip: everything after it is the slip.
 */
static void
finish_slip(struct parser *p)
{
    for (size_t i = 0; i + 1 < p->doc->n_blocks; i++)
        if (p->doc->blocks[i].kind == TEMPLATE_BLOCK_SLIP) {
            diag_add(p->d, DIAG_ERROR, p->path, p->code_line, p->code_col,
                     "a second slip block; the first, on line %u, already starts the return slip",
                     p->doc->blocks[i].line);
            return;
        }
    struct template_block *b = &p->doc->blocks[p->doc->n_blocks - 1];
    struct span_vec        v = {0};
    const char            *body = p->code.data ? p->code.data : "";
    unsigned               line = p->code_line ? p->code_line + 1 : 0;
    for (size_t i = 0; i < p->code.len; line += line ? 1 : 0) {
        size_t end = line_end(body, p->code.len, i), n = end - i;
        if (n > 0 && body[i + n - 1] == '\r')
            n--;
        char *text = trimmed_copy(body + i, n);
        if (*text) {
            if (v.n)
                push_span(&v, TEMPLATE_SPAN_TEXT, 0, xstrdup(" "), line, 0);
            split_spans(p, text, strlen(text), NULL, line, &v);
        }
        free(text);
        i = end + 1;
    }
    if (v.n == 0)
        push_span(&v, TEMPLATE_SPAN_TEXT, 0, xstrdup(TEMPLATE_SLIP_NOTE), b->line, 0);
    b->spans = v.v;
    b->n_spans = v.n;
}

/* A fenced block has ended: a form block, or an error for anything else. */
static void
finish_code(struct parser *p)
{
    p->in_code = false;
    const char              *info = p->info ? p->info : "";
    enum template_block_kind kind;
    if (util_strcasecmp_ascii(info, "pupil") == 0)
        kind = TEMPLATE_BLOCK_PUPIL;
    else if (util_strcasecmp_ascii(info, "signature") == 0)
        kind = TEMPLATE_BLOCK_SIGNATURE;
    else if (util_strcasecmp_ascii(info, "slip") == 0)
        kind = TEMPLATE_BLOCK_SLIP;
    else {
        if (*info)
            diag_add(p->d, DIAG_ERROR, p->path, p->code_line, p->code_col,
                     "unknown form block \"%s\": expected \"pupil\", \"signature\" or \"slip\"", info);
        else
            diag_add(p->d, DIAG_ERROR, p->path, p->code_line, p->code_col,
                     "form block without a name: expected \"pupil\", \"signature\" or \"slip\" after the "
                     "\"```\"");
        p->last_line = p->code_line;
        return;
    }
    if (kind == TEMPLATE_BLOCK_SLIP) {
        push_block(p->doc, kind, p->code_line);
        finish_slip(p);
        if (p->doc->blocks[p->doc->n_blocks - 1].n_spans == 0) /* the second slip: dropped */
            p->doc->n_blocks--;
        p->last_line = p->code_line;
        return;
    }
    struct template_block *b = push_block(p->doc, kind, p->code_line);
    size_t                 cap_rows = 0;
    const char            *body = p->code.data ? p->code.data : "";
    unsigned               line = p->code_line ? p->code_line + 1 : 0;
    for (size_t i = 0; i < p->code.len; line += line ? 1 : 0) {
        size_t end = line_end(body, p->code.len, i), n = end - i;
        if (n > 0 && body[i + n - 1] == '\r')
            n--;
        size_t k = 0;
        while (k < n && is_blank(body[i + k]))
            k++;
        if (k < n)
            parse_row(p, b, &cap_rows, body + i, n, line);
        i = end + 1;
    }
    if (b->n_rows == 0) /* an empty block means the usual fields */
        add_default_rows(b);
    p->last_line = p->code_line;
}

/* ---- md4c callbacks ---- */

static void
push_list(struct parser *p, bool is_ordered)
{
    if (p->n_lists == p->cap_lists) {
        p->cap_lists = p->cap_lists ? 2 * p->cap_lists : 4;
        p->lists = xrealloc(p->lists, p->cap_lists * sizeof *p->lists);
    }
    p->lists[p->n_lists++] = (struct list_level){++p->n_groups, is_ordered, false};
}

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct parser *p = userdata;
    switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        finish_block(p); /* the text of an item before its nested list */
        push_list(p, type == MD_BLOCK_OL);
        break;
    case MD_BLOCK_LI: {
        const MD_BLOCK_LI_DETAIL *li = detail;
        finish_block(p);
        start_block(p, li->is_task ? TEMPLATE_BLOCK_CHECKBOX : TEMPLATE_BLOCK_BULLET, (unsigned)p->n_lists);
        p->group = p->n_lists ? p->lists[p->n_lists - 1].group : 0;
        p->is_ordered_item = p->n_lists && p->lists[p->n_lists - 1].is_ordered;
        p->is_checked = li->is_task && (li->task_mark == 'x' || li->task_mark == 'X');
        break;
    }
    case MD_BLOCK_P:
        /* an item's further paragraphs join it after a line break */
        if (p->has_block && (p->kind == TEMPLATE_BLOCK_BULLET || p->kind == TEMPLATE_BLOCK_CHECKBOX)) {
            if (p->inl.len)
                add_text(p, (const char[]){MARK_BREAK}, 1);
            break;
        }
        finish_block(p);
        start_block(p, TEMPLATE_BLOCK_PARAGRAPH, 0);
        break;
    case MD_BLOCK_H:
        finish_block(p);
        start_block(p, TEMPLATE_BLOCK_HEADING, ((const MD_BLOCK_H_DETAIL *)detail)->level);
        break;
    case MD_BLOCK_HR:
        finish_block(p);
        p->last_line = find_rule_line(p);
        push_block(p->doc, TEMPLATE_BLOCK_RULE, p->last_line);
        break;
    case MD_BLOCK_CODE: {
        const MD_BLOCK_CODE_DETAIL *code = detail;
        finish_block(p);
        p->in_code = true;
        buf_reset(&p->code);
        free(p->info);
        p->info = trimmed_copy(code->info.text ? code->info.text : "", code->info.size);
        unsigned fence_line = p->next_fence < p->n_fences ? p->fence_lines[p->next_fence++] : 0;
        size_t   off = offset_of(p, code->info.text);
        p->code_line = off != NOT_FOUND ? line_of(p, off) : fence_line ? fence_line : p->last_line;
        p->code_col = off != NOT_FOUND ? col_of(p, off) : 0;
        break;
    }
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_HTML: /* off (MD_FLAG_NOHTML): raw HTML arrives as text */
    default:
        finish_block(p);
        break;
    }
    return 0;
}

static int
leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct parser *p = userdata;
    (void)detail;
    switch (type) {
    case MD_BLOCK_P:
        if (p->has_block && p->kind == TEMPLATE_BLOCK_PARAGRAPH)
            finish_block(p);
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        finish_block(p);
        p->n_lists--;
        break;
    case MD_BLOCK_CODE:
        finish_code(p);
        break;
    default:
        finish_block(p);
        break;
    }
    return 0;
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct parser *p = userdata;
    (void)detail;
    if (type == MD_SPAN_EM)
        p->n_italic++;
    else if (type == MD_SPAN_STRONG)
        p->n_bold++;
    else if (type == MD_SPAN_IMG) {
        p->n_image++;
        p->has_image = true;
    }
    return 0;
}

static int
leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct parser *p = userdata;
    (void)detail;
    if (type == MD_SPAN_EM)
        p->n_italic--;
    else if (type == MD_SPAN_STRONG)
        p->n_bold--;
    else if (type == MD_SPAN_IMG)
        p->n_image--;
    return 0;
}

static int
on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    struct parser *p = userdata;
    if (p->in_code) {
        buf_append(&p->code, text, size);
        return 0;
    }
    if (!p->has_block)
        start_block(p, TEMPLATE_BLOCK_PARAGRAPH, 0);
    size_t off = offset_of(p, text);
    if (!p->line && off != NOT_FOUND && type != MD_TEXT_BR && type != MD_TEXT_SOFTBR)
        p->line = line_of(p, off);
    switch (type) {
    case MD_TEXT_BR:
        add_text(p, (const char[]){MARK_BREAK}, 1);
        break;
    case MD_TEXT_SOFTBR:
        add_text(p, (const char[]){MARK_SOFT}, 1);
        break;
    case MD_TEXT_ENTITY:
        add_entity(p, text, size);
        break;
    case MD_TEXT_NULLCHAR:
        add_text(p, "\xEF\xBF\xBD", 3);
        break;
    default: /* normal text, code spans, and raw HTML as the text it is */
        add_text(p, text, size);
        break;
    }
    return 0;
}

/* ---- checks of the raw text ---- */

/* Invalid UTF-8 and control characters, the first of each line; they would print as boxes or garbage. */
static bool
check_encoding(struct parser *p)
{
    size_t errors_before = p->d->n_errors;
    for (size_t i = 0; i < p->len;) {
        int32_t cp = 0;
        size_t  n = utf8_decode(p->text + i, p->len - i, &cp);
        if (n == 0 || cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) {
            if (n == 0)
                diag_add(p->d, DIAG_ERROR, p->path, line_of(p, i), col_of(p, i),
                         "the template is not valid UTF-8 here: save it as UTF-8 in the editor");
            else
                diag_add(p->d, DIAG_ERROR, p->path, line_of(p, i), col_of(p, i),
                         "the template holds an invisible control character (U+%04X) here: delete it",
                         (unsigned)cp);
            i = line_end(p->text, p->len, i) + 1;
            continue;
        }
        i += n;
    }
    return p->d->n_errors == errors_before;
}

static bool
is_marker_line(const char *t, size_t start, size_t end, const char *marker)
{
    while (end > start && is_blank(t[end - 1]))
        end--;
    return end - start == strlen(marker) && memcmp(t + start, marker, end - start) == 0;
}

/*
 * Front matter: "---" as the first line, YAML, then "---" or "...". Sets
 * *body to where the Markdown starts. False if it is not closed.
 */
static bool
read_front_matter(struct parser *p, size_t *body)
{
    *body = 0;
    p->doc->fm = (struct config_front_matter){NULL, CONFIG_PUPIL_SIGNATURE_AGE, CONFIG_ADULT_AGE, "de"};
    size_t end = line_end(p->text, p->len, 0);
    if (!is_marker_line(p->text, 0, end, "---"))
        return true;
    size_t yaml = end < p->len ? end + 1 : p->len;
    for (size_t i = yaml; i < p->len;) {
        size_t e = line_end(p->text, p->len, i);
        if (is_marker_line(p->text, i, e, "---") || is_marker_line(p->text, i, e, "...")) {
            config_parse_front_matter(p->text + yaml, i - yaml, p->path, 2, &p->doc->fm, p->d);
            *body = e < p->len ? e + 1 : p->len;
            return true;
        }
        i = e + 1;
    }
    diag_add(p->d, DIAG_ERROR, p->path, 1, 1,
             "front matter is not closed: \"---\" on line 1 has no closing \"---\"");
    return false;
}

/* ---- title ---- */

static char *
make_title(const struct template_doc *doc)
{
    if (doc->fm.title && *doc->fm.title)
        return xstrdup(doc->fm.title);
    for (size_t i = 0; i < doc->n_blocks; i++) {
        const struct template_block *b = &doc->blocks[i];
        if (b->kind != TEMPLATE_BLOCK_HEADING)
            continue;
        struct buf t;
        buf_init(&t);
        for (size_t k = 0; k < b->n_spans; k++) {
            const struct template_span *s = &b->spans[k];
            if (s->kind == TEMPLATE_SPAN_TEXT)
                buf_puts(&t, s->text);
            else if (s->kind == TEMPLATE_SPAN_PLACEHOLDER)
                buf_printf(&t, "{{%s}}", s->text);
            else
                buf_putc(&t, ' ');
        }
        char *title = trimmed_copy(t.data ? t.data : "", t.len);
        buf_fini(&t);
        if (*title)
            return title;
        free(title);
    }
    return xstrdup(TEMPLATE_DEFAULT_TITLE);
}

/* ---- public ---- */

/* A file that is not a Markdown text gets one plain sentence instead of Markdown errors. False if so. */
static bool
check_kind(const char *text, size_t len, const char *path, struct diags *d)
{
    switch (util_file_kind(text, len)) {
    case UTIL_FILE_TEXT:
        return true;
    case UTIL_FILE_UTF16LE:
    case UTIL_FILE_UTF16BE:
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "the template is saved as UTF-16 (\"Unicode\"); save it as UTF-8 in the editor");
        break;
    case UTIL_FILE_XLSX:
    case UTIL_FILE_XLS:
    case UTIL_FILE_ODS:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is a spreadsheet (Excel or LibreOffice Calc), not a form text: form.template must name a "
            "Markdown text file (.md)");
        break;
    case UTIL_FILE_WORD:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is a text document (Word or LibreOffice Writer), not a Markdown text: copy the text into "
            "a plain text editor (Windows: Editor) and save it as a .md file (see docs/template.md)");
        break;
    case UTIL_FILE_PDF:
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "this is a PDF file, not a Markdown text: form.template must name a .md file such as "
                 "templates/videokonferenz-iserv.md");
        break;
    case UTIL_FILE_BINARY:
        diag_add(
            d, DIAG_ERROR, path, 0, 0,
            "this is not a text file (perhaps an image or an archive): form.template must name a Markdown "
            "text file (.md)");
        break;
    }
    return false;
}

struct template_doc *
template_parse(const char *text, size_t len, const char *path, struct diags *d)
{
    if (!check_kind(text, len, path, d))
        return NULL;
    struct template_doc *doc = xcalloc(1, sizeof *doc);
    doc->path = xstrdup(path ? path : "");
    struct parser p = {0};
    p.d = d;
    p.path = path;
    p.doc = doc;
    /* a BOM is invisible in editors: columns count from after it */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    /*
     * md4c 0.4.8 reads past the end of a document that ends inside a link
     * ("[a](b") unless a line end follows: it gets a copy that ends in "\n".
     */
    char *copy = xmalloc(len + 2);
    memcpy(copy, text, len);
    size_t copy_len = len;
    if (len == 0 || text[len - 1] != '\n')
        copy[copy_len++] = '\n';
    copy[copy_len] = '\0';
    p.text = copy;
    p.len = len;
    buf_init(&p.inl);
    buf_init(&p.code);
    index_lines(&p);

    size_t body = 0;
    bool   is_usable = check_encoding(&p) && read_front_matter(&p, &body);
    if (is_usable) {
        scan_placeholders(&p, body);
        scan_fences(&p, body);
        p.last_line = line_of(&p, body);
        MD_PARSER md = {0};
        md.flags = MD_DIALECT_COMMONMARK | MD_FLAG_TASKLISTS | MD_FLAG_NOHTML | MD_FLAG_NOINDENTEDCODEBLOCKS;
        md.enter_block = enter_block;
        md.leave_block = leave_block;
        md.enter_span = enter_span;
        md.leave_span = leave_span;
        md.text = on_text;
        if (md_parse(copy + body, (MD_SIZE)(copy_len - body), &md, &p) != 0) {
            diag_add(d, DIAG_ERROR, path, 0, 0, "the template could not be read as Markdown");
            is_usable = false;
        }
        finish_block(&p);
    }
    size_t n_text = 0;
    for (size_t i = 0; i < doc->n_blocks; i++)
        n_text += doc->blocks[i].kind != TEMPLATE_BLOCK_RULE;
    if (is_usable && n_text == 0) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "the template has no text");
        is_usable = false;
    }

    for (size_t i = 0; i < p.n_ph; i++)
        free(p.ph[i].name);
    free(p.ph);
    free(p.ph_by_name);
    free(p.fence_lines);
    free(p.line_starts);
    free(p.styles);
    free(p.lists);
    free(p.info);
    buf_fini(&p.inl);
    buf_fini(&p.code);
    free(copy);
    if (!is_usable) {
        template_free(doc);
        return NULL;
    }
    doc->title = make_title(doc);
    return doc;
}

struct template_doc *
template_load(const char *path, struct diags *d)
{
    char  *data;
    size_t len;
    if (!util_read_file(path, TEMPLATE_MAX_FILE_LEN, &data, &len)) {
        int err = errno;
        if (err == EFBIG)
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "cannot read template \"%s\": it is larger than 1 MiB, too large for a template",
                     util_quote(path).text);
        else if (err == ENODEV)
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "cannot read template \"%s\": it is a device or a pipe, not a file",
                     util_quote(path).text);
        else
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read template \"%s\": %s", util_quote(path).text,
                     strerror(err));
        return NULL;
    }
    struct template_doc *doc = template_parse(data, len, path, d);
    free(data);
    return doc;
}

static void
free_spans(struct template_span *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].text);
    free(s);
}

void
template_free(struct template_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n_blocks; i++) {
        struct template_block *b = &doc->blocks[i];
        free_spans(b->spans, b->n_spans);
        for (size_t r = 0; r < b->n_rows; r++)
            free_fields(b->rows[r].fields, b->rows[r].n_fields);
        free(b->rows);
    }
    free(doc->blocks);
    config_front_matter_fini(&doc->fm);
    free(doc->title);
    free(doc->path);
    free(doc);
}

size_t
template_n_blocks(const struct template_doc *doc)
{
    return doc->n_blocks;
}

const struct template_block *
template_block(const struct template_doc *doc, size_t i)
{
    return i < doc->n_blocks ? &doc->blocks[i] : NULL;
}

const struct config_front_matter *
template_front_matter(const struct template_doc *doc)
{
    return &doc->fm;
}

const char *
template_path(const struct template_doc *doc)
{
    return doc->path;
}

const char *
template_title(const struct template_doc *doc)
{
    return doc->title ? doc->title : TEMPLATE_DEFAULT_TITLE;
}

/* ---- placeholder names ---- */

static const char *const fixed_names[] = {
    "school.name",     "school.address",   "school.data_protection", "form.date",
    "pupil.last_name", "pupil.first_name", "pupil.birth_date",       "pupil.class",
    "pupil.age",       "pupil.id",
};

static bool
is_known(const char *name, const struct config *c, const char *const *headers, size_t n_headers)
{
    for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++)
        if (strcmp(name, fixed_names[i]) == 0)
            return true;
    if (strncmp(name, "form.", 5) == 0 && c) {
        for (size_t i = 0; i < c->form.n_values; i++)
            if (strcmp(name + 5, c->form.values[i].key) == 0)
                return true;
    }
    if (strncmp(name, "pupil.", 6) == 0) {
        for (size_t i = 0; i < n_headers; i++)
            if (headers[i] && util_strcasecmp_ascii(name + 6, headers[i]) == 0)
                return true;
    }
    return false;
}

static void
consider(const char *name, const char *candidate, size_t *best, char **hint)
{
    size_t dist = util_edit_distance(name, candidate);
    if (dist <= 3 && dist < *best) {
        *best = dist;
        free(*hint);
        *hint = xstrdup(candidate);
    }
}

/* The known name closest to name (edit distance 3 at most), or NULL. Caller frees. */
static char *
suggest(const char *name, const struct config *c, const char *const *headers, size_t n_headers)
{
    size_t best = (size_t)-1;
    char  *hint = NULL;
    for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++)
        consider(name, fixed_names[i], &best, &hint);
    for (size_t i = 0; c && i < c->form.n_values; i++) {
        char *full = xasprintf("form.%s", c->form.values[i].key);
        consider(name, full, &best, &hint);
        free(full);
    }
    for (size_t i = 0; i < n_headers; i++) {
        if (!headers[i])
            continue;
        char *full = xasprintf("pupil.%s", headers[i]);
        consider(name, full, &best, &hint);
        free(full);
    }
    return hint;
}

static void
check_spans(const struct template_doc *doc, const struct template_span *s, size_t n, const struct config *c,
            const char *const *headers, size_t n_headers, struct diags *d)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i].kind != TEMPLATE_SPAN_PLACEHOLDER)
            continue;
        /* The contact for data protection is the law's (Art. 13 GDPR): a form must not print it empty. */
        if (strcmp(s[i].text, "school.data_protection") == 0 && c && !c->school.data_protection) {
            diag_add(
                d, DIAG_ERROR, doc->path, s[i].line, s[i].col,
                "the template prints {{school.data_protection}}, but the config has no "
                "school.data_protection: add the school's contact for data protection under \"school:\"");
            continue;
        }
        if (is_known(s[i].text, c, headers, n_headers))
            continue;
        char              *hint = suggest(s[i].text, c, headers, n_headers);
        struct util_quoted name = util_quote(s[i].text);
        if (hint)
            diag_add(d, DIAG_ERROR, doc->path, s[i].line, s[i].col,
                     "unknown placeholder \"{{%s}}\"; did you mean \"{{%s}}\"?", name.text, hint);
        else
            diag_add(
                d, DIAG_ERROR, doc->path, s[i].line, s[i].col,
                "unknown placeholder \"{{%s}}\": expected school.name, school.address, "
                "school.data_protection, "
                "form.date, form.KEY "
                "for a key of the config's form.values, pupil.last_name, pupil.first_name, pupil.birth_date, "
                "pupil.class, pupil.age, pupil.id, or pupil.COLUMN for a roster column",
                name.text);
        /* A form value that is not a typo is added in the config: say where, so an editor jumps there. */
        if (!hint && c && strncmp(s[i].text, "form.", 5) == 0 && s[i].text[5]) {
            struct config_pos  at = c->values_at.line ? c->values_at : c->form_at;
            struct util_quoted key = util_quote(s[i].text + 5);
            diag_add(d, DIAG_NOTE, c->path, at.line, at.col,
                     "{{form.%s}} takes its text from the config: add a line \"%s: ...\" under form.values",
                     key.text, key.text);
        }
        free(hint);
    }
}

bool
template_check_placeholders(const struct template_doc *doc, const struct config *c,
                            const char *const *roster_headers, size_t n_headers, struct diags *d)
{
    size_t errors_before = d->n_errors;
    for (size_t i = 0; i < doc->n_blocks; i++) {
        const struct template_block *b = &doc->blocks[i];
        check_spans(doc, b->spans, b->n_spans, c, roster_headers, n_headers, d);
        for (size_t r = 0; r < b->n_rows; r++)
            for (size_t f = 0; f < b->rows[r].n_fields; f++)
                check_spans(doc, b->rows[r].fields[f].value, b->rows[r].fields[f].n_value, c, roster_headers,
                            n_headers, d);
    }
    return d->n_errors == errors_before;
}

/* ---- structure of a translation ---- */

/* A placeholder where a template uses it; section counts the headings before it. */
struct ph_use {
    const char *name;
    unsigned    line, col;
    size_t      section, order;
};

static int
compare_ph_use(const void *a, const void *b)
{
    const struct ph_use *x = a, *y = b;
    int                  c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void
push_uses(struct ph_use **v, size_t *n, size_t *cap, const struct template_span *s, size_t n_spans,
          size_t section)
{
    for (size_t i = 0; i < n_spans; i++) {
        if (s[i].kind != TEMPLATE_SPAN_PLACEHOLDER)
            continue;
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            *v = xrealloc(*v, *cap * sizeof **v);
        }
        (*v)[*n] = (struct ph_use){s[i].text, s[i].line, s[i].col, section, *n};
        (*n)++;
    }
}

/* Every placeholder of doc (text and form fields), sorted by name, then in the order of the text. */
static struct ph_use *
collect_uses(const struct template_doc *doc, size_t *n)
{
    struct ph_use *v = NULL;
    size_t         cap = 0, section = 0;
    *n = 0;
    for (size_t i = 0; i < doc->n_blocks; i++) {
        const struct template_block *b = &doc->blocks[i];
        section += b->kind == TEMPLATE_BLOCK_HEADING;
        push_uses(&v, n, &cap, b->spans, b->n_spans, section);
        for (size_t r = 0; r < b->n_rows; r++)
            for (size_t f = 0; f < b->rows[r].n_fields; f++)
                push_uses(&v, n, &cap, b->rows[r].fields[f].value, b->rows[r].fields[f].n_value, section);
    }
    if (*n)
        qsort(v, *n, sizeof *v, compare_ph_use);
    return v;
}

/* Line where section s of doc starts: its heading, or for s == 0 the first block; 0 if doc has no such. */
static unsigned
section_line(const struct template_doc *doc, size_t s)
{
    size_t seen = 0;
    if (s == 0)
        return doc->n_blocks ? doc->blocks[0].line : 0;
    for (size_t i = 0; i < doc->n_blocks; i++)
        if (doc->blocks[i].kind == TEMPLATE_BLOCK_HEADING && ++seen == s)
            return doc->blocks[i].line;
    return 0;
}

/*
 * One error per placeholder name used a different number of times. A missing one is reported where its
 * section starts in the translation: headings are compared too, so sections correspond.
 */
static void
compare_placeholders(const struct template_doc *g, const struct template_doc *t, struct diags *d)
{
    size_t         n_g, n_t;
    struct ph_use *ug = collect_uses(g, &n_g), *ut = collect_uses(t, &n_t);
    size_t         i = 0, j = 0;
    while (i < n_g || j < n_t) {
        int    c = i == n_g ? 1 : j == n_t ? -1 : strcmp(ug[i].name, ut[j].name);
        size_t i0 = i, j0 = j;
        if (c <= 0)
            while (i < n_g && strcmp(ug[i].name, ug[i0].name) == 0)
                i++;
        if (c >= 0)
            while (j < n_t && strcmp(ut[j].name, ut[j0].name) == 0)
                j++;
        size_t k_g = i - i0, k_t = j - j0;
        if (k_g == k_t)
            continue;
        if (k_g == 0)
            diag_add(d, DIAG_ERROR, t->path, ut[j0].line, ut[j0].col,
                     "placeholder \"{{%s}}\" is not in the German template \"%s\"", ut[j0].name, g->path);
        else if (k_t == 0)
            diag_add(d, DIAG_ERROR, t->path, section_line(t, ug[i0].section), 0,
                     "placeholder \"{{%s}}\" of the German template (line %u) is missing in the translation",
                     ug[i0].name, ug[i0].line);
        else if (k_t > k_g) /* at the first use the German template has no counterpart for */
            diag_add(d, DIAG_ERROR, t->path, ut[j0 + k_g].line, ut[j0 + k_g].col,
                     "the number of uses of placeholder \"{{%s}}\" differs: %zu here, %zu in the German "
                     "template \"%s\"",
                     ut[j0].name, k_t, k_g, g->path);
        else
            diag_add(d, DIAG_ERROR, t->path, section_line(t, ug[i0 + k_t].section), 0,
                     "the number of uses of placeholder \"{{%s}}\" differs: %zu here, %zu in the German "
                     "template \"%s\"",
                     ut[j0].name, k_t, k_g, g->path);
    }
    free(ug);
    free(ut);
}

/* The blocks of doc of one kind (kind_b too, if not -1), in order. Caller frees. */
static const struct template_block **
blocks_of(const struct template_doc *doc, int kind_a, int kind_b, size_t *n)
{
    const struct template_block **v = xmalloc((doc->n_blocks ? doc->n_blocks : 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < doc->n_blocks; i++)
        if ((int)doc->blocks[i].kind == kind_a || (int)doc->blocks[i].kind == kind_b)
            v[(*n)++] = &doc->blocks[i];
    return v;
}

static const char *
form_block_name(const struct template_block *b)
{
    return b->kind == TEMPLATE_BLOCK_PUPIL ? "pupil" : "signature";
}

static const char *
audience_mark(enum template_row_audience a)
{
    return a == TEMPLATE_ROW_GUARDIAN ? "[guardian]" : a == TEMPLATE_ROW_PUPIL ? "[pupil]" : "";
}

/* Rows of two form blocks of the same kind: as many, each with as many fields and the same mark. */
static void
compare_rows(const struct template_block *bg, const struct template_block *bt, const char *path,
             struct diags *d)
{
    const char *name = form_block_name(bt);
    if (bg->n_rows != bt->n_rows)
        diag_add(
            d, DIAG_ERROR, path, bt->line, 0,
            "the %s block has a different number of rows: %zu here, %zu in the German template (line %u)",
            name, bt->n_rows, bg->n_rows, bg->line);
    for (size_t r = 0; r < bg->n_rows && r < bt->n_rows; r++) {
        const struct template_row *rg = &bg->rows[r], *rt = &bt->rows[r];
        if (rg->n_fields != rt->n_fields)
            diag_add(d, DIAG_ERROR, path, rt->line, 0,
                     "row %zu of the %s block has a different number of fields: %zu here, %zu in the German "
                     "template (line %u)",
                     r + 1, name, rt->n_fields, rg->n_fields, rg->line);
        if (rg->audience == rt->audience)
            continue;
        if (rt->audience == TEMPLATE_ROW_ALWAYS)
            diag_add(
                d, DIAG_ERROR, path, rt->line, 0,
                "row %zu of the %s block has no row mark here but \"%s\" in the German template (line %u)",
                r + 1, name, audience_mark(rg->audience), rg->line);
        else if (rg->audience == TEMPLATE_ROW_ALWAYS)
            diag_add(d, DIAG_ERROR, path, rt->line, 0,
                     "row %zu of the %s block has the row mark \"%s\" here but none in the German template "
                     "(line %u)",
                     r + 1, name, audience_mark(rt->audience), rg->line);
        else
            diag_add(d, DIAG_ERROR, path, rt->line, 0,
                     "row %zu of the %s block has the row mark \"%s\" here but \"%s\" in the German template "
                     "(line %u)",
                     r + 1, name, audience_mark(rt->audience), audience_mark(rg->audience), rg->line);
    }
}

static void
compare_form_blocks(const struct template_doc *g, const struct template_doc *t, struct diags *d)
{
    size_t                        n_g, n_t;
    const struct template_block **fg = blocks_of(g, TEMPLATE_BLOCK_PUPIL, TEMPLATE_BLOCK_SIGNATURE, &n_g);
    const struct template_block **ft = blocks_of(t, TEMPLATE_BLOCK_PUPIL, TEMPLATE_BLOCK_SIGNATURE, &n_t);
    for (size_t i = 0; i < n_g || i < n_t; i++) {
        if (i >= n_t)
            diag_add(d, DIAG_ERROR, t->path, 0, 0,
                     "the %s block of the German template (line %u) is missing in the translation",
                     form_block_name(fg[i]), fg[i]->line);
        else if (i >= n_g)
            diag_add(d, DIAG_ERROR, t->path, ft[i]->line, 0,
                     "form block %zu (%s) has no counterpart in the German template \"%s\"", i + 1,
                     form_block_name(ft[i]), g->path);
        else if (fg[i]->kind != ft[i]->kind)
            diag_add(d, DIAG_ERROR, t->path, ft[i]->line, 0,
                     "form block %zu is a %s block here but a %s block in the German template (line %u)",
                     i + 1, form_block_name(ft[i]), form_block_name(fg[i]), fg[i]->line);
        else
            compare_rows(fg[i], ft[i], t->path, d);
    }
    free(fg);
    free(ft);
}

static void
compare_headings(const struct template_doc *g, const struct template_doc *t, struct diags *d)
{
    size_t                        n_g, n_t;
    const struct template_block **hg = blocks_of(g, TEMPLATE_BLOCK_HEADING, -1, &n_g);
    const struct template_block **ht = blocks_of(t, TEMPLATE_BLOCK_HEADING, -1, &n_t);
    for (size_t i = 0; i < n_g || i < n_t; i++) {
        if (i >= n_t)
            diag_add(d, DIAG_ERROR, t->path, 0, 0,
                     "heading %zu of the German template (line %u, level %u) is missing in the translation",
                     i + 1, hg[i]->line, hg[i]->level);
        else if (i >= n_g)
            diag_add(d, DIAG_ERROR, t->path, ht[i]->line, 0,
                     "heading %zu has no counterpart in the German template \"%s\"", i + 1, g->path);
        else if (hg[i]->level != ht[i]->level)
            diag_add(d, DIAG_ERROR, t->path, ht[i]->line, 0,
                     "heading %zu has level %u here but level %u in the German template (line %u)", i + 1,
                     ht[i]->level, hg[i]->level, hg[i]->line);
    }
    free(hg);
    free(ht);
}

static void
compare_checkboxes(const struct template_doc *g, const struct template_doc *t, struct diags *d)
{
    size_t                        n_g, n_t;
    const struct template_block **cg = blocks_of(g, TEMPLATE_BLOCK_CHECKBOX, -1, &n_g);
    const struct template_block **ct = blocks_of(t, TEMPLATE_BLOCK_CHECKBOX, -1, &n_t);
    if (n_g != n_t)
        diag_add(d, DIAG_ERROR, t->path, n_t ? ct[0]->line : 0, 0,
                 "the number of check boxes differs: %zu here, %zu in the German template \"%s\"", n_t, n_g,
                 g->path);
    free(cg);
    free(ct);
}

bool
template_check_translation(const struct template_doc *german, const struct template_doc *translation,
                           struct diags *d)
{
    size_t errors_before = d->n_errors;
    compare_placeholders(german, translation, d);
    compare_form_blocks(german, translation, d);
    compare_headings(german, translation, d);
    compare_checkboxes(german, translation, d);
    return d->n_errors == errors_before;
}
