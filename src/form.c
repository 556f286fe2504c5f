/*
 * form: one pupil's values for the template placeholders, the calls into layout for a pupil's form and a
 * class's return list, and the glyph check that turns a character the font cannot print into an input
 * error instead of a blank box. Placeholder names accepted: school.name, school.address,
 * school.data_protection, form.date,
 * form.KEY (config form.values), pupil.last_name, pupil.first_name, pupil.birth_date, pupil.class,
 * pupil.age, pupil.id and pupil.HEADER (any roster column).
 */
#include "consentgen/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *
or_empty(const char *s)
{
    return s ? s : "";
}

static const char *
date_text(struct date d, struct arena *a)
{
    char s[11];
    date_format_german(d, s);
    return arena_strdup(a, s);
}

const char *
form_value(const struct form_run *run, const struct pupil *p, const char *name, struct arena *a)
{
    const struct config *c = run->config;
    if (strcmp(name, "school.name") == 0)
        return or_empty(c->school.name);
    if (strcmp(name, "school.address") == 0)
        return or_empty(c->school.address);
    if (strcmp(name, "school.data_protection") == 0)
        return or_empty(c->school.data_protection);
    if (strcmp(name, "form.date") == 0)
        return date_text(c->form.date, a);
    if (strncmp(name, "form.", 5) == 0)
        return config_value(c, name + 5);
    if (strncmp(name, "pupil.", 6) != 0 || !p)
        return NULL;
    const char *key = name + 6;
    if (strcmp(key, "last_name") == 0)
        return or_empty(p->last_name);
    if (strcmp(key, "first_name") == 0)
        return or_empty(p->first_name);
    if (strcmp(key, "birth_date") == 0) /* none: the field stays blank for the parents */
        return roster_has_birth_date(p) ? date_text(p->birth_date, a) : "";
    if (strcmp(key, "class") == 0)
        return or_empty(p->class_name);
    if (strcmp(key, "age") == 0)
        return roster_has_birth_date(p) ? arena_printf(a, "%d", date_age_on(p->birth_date, c->form.date))
                                        : "";
    if (strcmp(key, "id") == 0)
        return or_empty(p->id);
    return run->roster ? roster_field(run->roster, p, key) : NULL;
}

const char *
form_pupil_name(const struct pupil *p, struct arena *a)
{
    return arena_printf(a, "%s, %s", or_empty(p->last_name), or_empty(p->first_name));
}

struct lookup_ctx {
    const struct form_run *run;
    const struct pupil    *p;
    struct arena          *a;
};

static const char *
lookup(void *ctx, const char *name)
{
    const struct lookup_ctx *l = ctx;
    return form_value(l->run, l->p, name, l->a);
}

static struct layout_page_setup
page_setup(const struct form_run *run)
{
    struct layout_page_setup s = {0};
    s.school = &run->config->school;
    s.marks = run->config->page.marks;
    s.is_duplex = run->config->output.duplex;
    s.logo_aspect = run->logo_aspect;
    return s;
}

/* The parameters of pupil p's form; the German template's ages count for its translations too. */
static void
form_params(const struct form_run *run, const struct pupil *p, struct arena *a,
            struct layout_form_params *out)
{
    struct layout_form_params         pr = {0};
    const struct config_front_matter *fm = template_front_matter(run->doc);

    pr.setup = page_setup(run);
    pr.footer = arena_printf(a, "%s · Klasse %s", form_pupil_name(p, a), or_empty(p->class_name));
    pr.pupil_age = date_age_on(p->birth_date, run->config->form.date);
    pr.pupil_signature_from_age = fm->pupil_signature_from_age;
    pr.adult_age = fm->adult_age;
    pr.form_title = template_title(run->doc);
    pr.form_date = date_text(run->config->form.date, a);
    char token[FORM_TOKEN_LEN + 1], grouped[FORM_TOKEN_LEN + 3];
    form_token(run, p, token);
    form_token_grouped(token, grouped);
    pr.slip_code = arena_printf(a, "%s%s", FORM_TOKEN_QR_PREFIX, token);
    pr.slip_token = arena_strdup(a, grouped);
    /* Without a birth date the age is unknown: form.signatures_without_birth_date says who signs. */
    enum config_signers signers = run->config->form.signers_without_birth_date;
    pr.is_age_unknown = !roster_has_birth_date(p);
    pr.guardian_signs_without_age = signers != CONFIG_SIGNERS_PUPIL;
    pr.pupil_signs_without_age = signers != CONFIG_SIGNERS_GUARDIAN;
    *out = pr;
}

void
form_layout_pupil(const struct form_run *run, const struct pupil *p, struct arena *a, struct layout_doc *out)
{
    struct lookup_ctx        *l = arena_alloc(a, sizeof *l);
    struct layout_values      v = {l, lookup};
    struct layout_form_params pr;
    l->run = run;
    l->p = p;
    l->a = a;
    form_params(run, p, a, &pr);
    layout_form(run->doc, &v, &pr, run->shaper, a, out);
}

/*
 * The pupil block's title on a translation: in the language, with the German title in brackets, as the
 * translations give their captions. A language not listed here keeps the German title.
 */
static const char *
pupil_block_title(const char *language)
{
    static const char *const titles[][2] = {
        {"ar", "بيانات التلميذة / التلميذ (Angaben zur Schülerin / zum Schüler)"},
        {"en", "Details of the pupil (Angaben zur Schülerin / zum Schüler)"},
        {"fa", "مشخصات دانش‌آموز (Angaben zur Schülerin / zum Schüler)"},
        {"ru", "Сведения об ученице / ученике (Angaben zur Schülerin / zum Schüler)"},
        {"tr", "Öğrenciye ilişkin bilgiler (Angaben zur Schülerin / zum Schüler)"},
        {"uk", "Відомості про ученицю / учня (Angaben zur Schülerin / zum Schüler)"},
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (strcmp(titles[i][0], language) == 0)
            return titles[i][1];
    return NULL;
}

const struct form_translation *
form_translation_of(const struct form_run *run, const struct pupil *p)
{
    const char *language = run->language ? run->language : p->language;
    for (size_t i = 0; *language && i < run->n_translations; i++)
        if (strcmp(run->translations[i].language, language) == 0)
            return &run->translations[i];
    return NULL;
}

void
form_layout_translation(const struct form_run *run, const struct form_translation *t, const struct pupil *p,
                        struct arena *a, struct layout_doc *out)
{
    struct lookup_ctx        *l = arena_alloc(a, sizeof *l);
    struct layout_values      v = {l, lookup};
    struct layout_form_params pr;
    l->run = run;
    l->p = p;
    l->a = a;
    form_params(run, p, a, &pr);
    /* Its pages are numbered on their own: the footer says which paper they belong to. */
    pr.footer = arena_printf(a, "%s · Übersetzung %s · Klasse %s", form_pupil_name(p, a),
                             roster_language_name(t->language), or_empty(p->class_name));
    pr.slip_code = NULL;
    pr.slip_token = NULL;
    pr.is_information = true;
    pr.pupil_block_title = pupil_block_title(t->language);
    pr.direction = roster_language_is_rtl(t->language) ? TEXT_DIR_AUTO_RTL : TEXT_DIR_LTR;
    layout_form(t->doc, &v, &pr, run->shaper, a, out);
}

bool
form_slip_geometry(const struct form_run *run, const struct pupil *p, struct arena *a,
                   struct layout_slip *out)
{
    struct layout_doc doc;
    form_layout_pupil(run, p, a, &doc);
    memset(out, 0, sizeof *out);
    if (!doc.has_slip)
        return false;
    *out = doc.slip;
    return true;
}

/* A pupil's name as a match key, with the pupil's place in the class list. */
struct name_ref {
    char  *key;
    size_t i;
};

static int
compare_name_refs(const void *pa, const void *pb)
{
    const struct name_ref *a = pa, *b = pb;
    return strcmp(a->key, b->key);
}

void
form_layout_class_sheet(const struct form_run *run, const char *class_name, const struct pupil *const *pupils,
                        const char *const *answers, size_t n_pupils, struct arena *a, struct layout_doc *out)
{
    struct layout_sheet_row   *rows = arena_alloc(a, (n_pupils ? n_pupils : 1) * sizeof *rows);
    struct layout_sheet_params pr = {0};
    /* Two pupils of one name: the teacher ticks off the right one by the birth date (or the id). */
    struct name_ref *refs = xcalloc(n_pupils ? n_pupils : 1, sizeof *refs);
    bool            *is_shared = xcalloc(n_pupils ? n_pupils : 1, sizeof *is_shared);
    for (size_t i = 0; i < n_pupils; i++) {
        char *last = utf8_match_key(pupils[i]->last_name), *first = utf8_match_key(pupils[i]->first_name);
        refs[i] = (struct name_ref){xasprintf("%s,%s", last, first), i};
        free(last);
        free(first);
    }
    qsort(refs, n_pupils, sizeof *refs, compare_name_refs); /* sorted, so a big class costs no n² */
    for (size_t i = 1; i < n_pupils; i++)
        if (strcmp(refs[i].key, refs[i - 1].key) == 0)
            is_shared[refs[i].i] = is_shared[refs[i - 1].i] = true;
    for (size_t i = 0; i < n_pupils; i++) {
        rows[i].last_name = pupils[i]->last_name;
        rows[i].first_name = pupils[i]->first_name;
        rows[i].answer = answers ? answers[i] : NULL;
        const struct form_translation *t = form_translation_of(run, pupils[i]);
        rows[i].language = t ? roster_language_name(t->language) : NULL;
        if (is_shared[i] && roster_has_birth_date(pupils[i]))
            rows[i].first_name =
                arena_printf(a, "%s (geb. %s)", pupils[i]->first_name, date_text(pupils[i]->birth_date, a));
        else if (is_shared[i] && pupils[i]->id)
            rows[i].first_name = arena_printf(a, "%s (ID %s)", pupils[i]->first_name, pupils[i]->id);
    }
    for (size_t i = 0; i < n_pupils; i++)
        free(refs[i].key);
    free(refs);
    free(is_shared);
    pr.setup = page_setup(run);
    pr.class_name = class_name;
    pr.form_title = template_title(run->doc);
    pr.form_date = date_text(run->config->form.date, a);
    pr.return_by = config_value(run->config, "return_by");
    pr.rows = rows;
    pr.n_rows = n_pupils;
    layout_class_sheet(&pr, run->shaper, a, out);
}

/* ---- glyph check ---- */

/* Characters reported already for one pupil (or one run), so each is named once. */
struct seen {
    int32_t *v;
    size_t   n, cap;
};

static bool
seen_add(struct seen *s, int32_t cp)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == cp)
            return false;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = cp;
    return true;
}

/* Spaces and controls print nothing, so no font needs a glyph for them. */
static bool
is_invisible(int32_t cp)
{
    return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || (cp >= 0x2000 && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF;
}


/* Where and how a missing character is reported. */
struct glyph_report {
    const struct form_run *run;
    struct seen           *seen;
    struct diags          *d;
    const char            *file;
    unsigned               line, col;
    const char *context; /* after the quoted string: " (Klasse 5a)", " (Nguyễn, An, Klasse 5a)" */
    enum { IN_VALUE, IN_TEMPLATE, IN_LAYOUT } where; /* IN_VALUE: the quoted string and context */
    bool        ok;
};

/* One whole sentence for each style and place, so that it translates. */
static void
report_glyph(const struct glyph_report *r, enum text_style font, const char *s, const char *ch, int k, int32_t cp)
{
    const char *f = or_empty(r->run->font_name);
    unsigned    u = (unsigned)cp;
    struct diags *d = r->d;
    bool is_bold = font == TEXT_STYLE_BOLD, is_italic = font == TEXT_STYLE_ITALIC;
    switch (r->where) {
    case IN_VALUE:
        if (is_bold)
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" (bold) cannot print \"%.*s\" (U+%04X) in \"%s\"%s", f, k, ch, u,
                     util_quote(s).text, r->context);
        else if (is_italic)
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" (italic) cannot print \"%.*s\" (U+%04X) in \"%s\"%s", f, k, ch, u,
                     util_quote(s).text, r->context);
        else
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" cannot print \"%.*s\" (U+%04X) in \"%s\"%s", f, k, ch, u, util_quote(s).text,
                     r->context);
        return;
    case IN_TEMPLATE:
        if (is_bold)
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" (bold) cannot print \"%.*s\" (U+%04X) in the template's text", f, k, ch, u);
        else if (is_italic)
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" (italic) cannot print \"%.*s\" (U+%04X) in the template's text", f, k, ch, u);
        else
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" cannot print \"%.*s\" (U+%04X) in the template's text", f, k, ch, u);
        return;
    case IN_LAYOUT: /* layout prints nothing in italic */
        if (is_bold)
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" (bold) cannot print \"%.*s\" (U+%04X) that forms need for bullets, footers "
                     "and the class sheet",
                     f, k, ch, u);
        else
            diag_add(d, DIAG_ERROR, r->file, r->line, r->col,
                     "the font \"%s\" cannot print \"%.*s\" (U+%04X) that forms need for bullets, footers and the "
                     "class sheet",
                     f, k, ch, u);
        return;
    }
    abort();
}

static void
check_text(struct glyph_report *r, const char *s, enum text_style font)
{
    const struct text_shaper *sh = r->run->shaper;
    size_t                    len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        size_t k;
        i = sh->next_unprintable(sh->ctx, font, s, len, i, &k);
        if (i >= len || k == 0)
            break;
        int32_t cp;
        if (!utf8_decode(s + i, k, &cp)) {
            i += k;
            continue;
        }
        if (!is_invisible(cp) && seen_add(r->seen, cp)) {
            report_glyph(r, font, s, s + i, (int)k, cp);
            r->ok = false;
        }
        i += k;
    }
}

static enum text_style
span_font(unsigned style)
{
    if (style & TEMPLATE_STYLE_BOLD)
        return TEXT_STYLE_BOLD;
    return style & TEMPLATE_STYLE_ITALIC ? TEXT_STYLE_ITALIC : TEXT_STYLE_REGULAR;
}

/* Calls fn for every span of the template, with the style it prints in (headings are bold). */
static void
walk_spans(const struct template_doc *doc,
           void (*fn)(void *ctx, const struct template_span *sp, unsigned style), void *ctx)
{
    for (size_t i = 0; i < template_n_blocks(doc); i++) {
        const struct template_block *b = template_block(doc, i);
        unsigned                     extra = b->kind == TEMPLATE_BLOCK_HEADING ? TEMPLATE_STYLE_BOLD : 0;
        for (size_t k = 0; k < b->n_spans; k++)
            fn(ctx, &b->spans[k], b->spans[k].style | extra);
        for (size_t r = 0; r < b->n_rows; r++)
            for (size_t f = 0; f < b->rows[r].n_fields; f++)
                for (size_t k = 0; k < b->rows[r].fields[f].n_value; k++)
                    fn(ctx, &b->rows[r].fields[f].value[k], b->rows[r].fields[f].value[k].style);
    }
}

struct pupil_walk {
    struct glyph_report *r;
    const struct pupil  *p;
    struct arena        *a;
};

static void
check_pupil_span(void *ctx, const struct template_span *sp, unsigned style)
{
    struct pupil_walk *w = ctx;
    if (sp->kind != TEMPLATE_SPAN_PLACEHOLDER || !sp->text || strncmp(sp->text, "pupil.", 6) != 0)
        return;
    check_text(w->r, form_value(w->r->run, w->p, sp->text, w->a), span_font(style));
}

bool
form_check_glyphs(const struct form_run *run, const struct pupil *p, struct diags *d)
{
    struct arena       *a = arena_new();
    struct seen         seen = {0};
    const char         *name = form_pupil_name(p, a);
    struct glyph_report r = {0};
    r.run = run;
    r.seen = &seen;
    r.d = d;
    r.file = run->roster ? run->roster->path : NULL;
    r.line = p->line;
    r.ok = true;

    /* Names print in the pupil block, the footer and on the class sheet: regular and bold to be safe. */
    r.context = arena_printf(a, " (Klasse %s)", or_empty(p->class_name));
    for (enum text_style f = TEXT_STYLE_REGULAR; f <= TEXT_STYLE_BOLD; f++)
        check_text(&r, name, f);
    r.context = arena_printf(a, " (%s)", name);
    check_text(&r, p->class_name, TEXT_STYLE_REGULAR);

    /* School and form values are the same for every pupil: form_check_glyphs_run reports them once. */
    r.context = arena_printf(a, " (%s, Klasse %s)", name, or_empty(p->class_name));
    struct pupil_walk walk = {&r, p, a};
    walk_spans(run->doc, check_pupil_span, &walk);

    free(seen.v);
    arena_free(a);
    return r.ok;
}

struct run_walk {
    struct glyph_report       *r;
    struct arena              *a;
    const struct template_doc *doc; /* the German template or a translation */
};

static void
check_run_span(void *ctx, const struct template_span *sp, unsigned style)
{
    struct run_walk     *w = ctx;
    struct glyph_report *r = w->r;
    if (!sp->text)
        return;
    if (sp->kind == TEMPLATE_SPAN_TEXT) {
        r->file = template_path(w->doc);
        r->line = sp->line;
        r->col = sp->col;
        r->where = IN_TEMPLATE;
        check_text(r, sp->text, span_font(style));
        r->where = IN_VALUE;
        return;
    }
    if (sp->kind != TEMPLATE_SPAN_PLACEHOLDER || strncmp(sp->text, "form.", 5) != 0)
        return;
    /* A form value is reported where the config gives it. */
    const struct config *c = r->run->config;
    for (size_t i = 0; i < c->form.n_values; i++) {
        if (strcmp(c->form.values[i].key, sp->text + 5) == 0) {
            r->file = c->path;
            r->line = c->form.values[i].line;
            r->col = c->form.values[i].col;
            r->context = "";
            check_text(r, c->form.values[i].value, span_font(style));
        }
    }
}

bool
form_check_glyphs_run(const struct form_run *run, struct diags *d)
{
    struct arena       *a = arena_new();
    struct seen         seen = {0};
    struct glyph_report r = {0};
    r.run = run;
    r.seen = &seen;
    r.d = d;
    r.file = run->config->path;
    r.context = "";
    r.ok = true;

    /* The letterhead: the name in bold, the address in regular; both may be placeholders too. */
    check_text(&r, run->config->school.name, TEXT_STYLE_BOLD);
    check_text(&r, run->config->school.name, TEXT_STYLE_REGULAR);
    check_text(&r, run->config->school.address, TEXT_STYLE_REGULAR);
    for (enum text_style f = TEXT_STYLE_REGULAR; f < TEXT_N_STYLES; f++)
        check_text(&r, run->config->school.data_protection, f);
    struct run_walk walk = {&r, a, run->doc};
    walk_spans(run->doc, check_run_span, &walk);
    /* A translation's text is checked as the template's: it prints for every pupil of its language. */
    for (size_t i = 0; i < run->n_translations; i++) {
        walk.doc = run->translations[i].doc;
        walk_spans(walk.doc, check_run_span, &walk);
    }

    /* What layout itself prints: bullets, the footer's separator, cut names, the class sheet's and the
     * pupil block's titles. */
    r.file = NULL;
    r.line = 0;
    r.col = 0;
    r.where = IN_LAYOUT;
    check_text(&r, "•–·…", TEXT_STYLE_REGULAR);
    check_text(&r,
               "Rücklaufliste Nr. Nachname Vorname Übersetzung zurück Ja Nein Angaben zur Schülerin / zum "
               "Schüler",
               TEXT_STYLE_BOLD);
    for (size_t i = 0; i < run->n_translations; i++)
        check_text(&r, pupil_block_title(run->translations[i].language), TEXT_STYLE_BOLD);
    /* The return slip: its header and code, the answers a return list shows. */
    check_text(&r, "Rückmeldung zum Schreiben vom 0123456789.", TEXT_STYLE_REGULAR);
    check_text(&r, "Rücklauf-Code ABCDEFGHJKMNPQRSTVWXYZ-", TEXT_STYLE_REGULAR);
    check_text(&r, "unklar widerrufen", TEXT_STYLE_REGULAR);

    free(seen.v);
    arena_free(a);
    return r.ok;
}
