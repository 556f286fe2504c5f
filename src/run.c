/*
 * run: loads and cross-checks the inputs of a run once (placeholders against
 * roster columns, glyphs against fonts), reporting every problem at once,
 * then groups the sorted roster into classes and applies --class, --pupil and
 * --id. Rendering is in run_render.c.
 */
#include "consentgen/run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/sys.h"
#include "consentgen/util.h"

#include "run_int.h"

#ifndef CONSENTGEN_TEMPLATESDIR
#define CONSENTGEN_TEMPLATESDIR "/usr/share/consentgen/templates"
#endif

void
run_fini(struct run *r)
{
    for (size_t i = 0; i < r->n_classes; i++) {
        for (size_t k = 0; r->classes[i].pupil_files && k < r->classes[i].n_pupils; k++)
            free(r->classes[i].pupil_files[k]);
        free(r->classes[i].pupil_files);
        free(r->classes[i].file_base);
        free(r->classes[i].pupils);
        free(r->classes[i].selected);
    }
    run_fini_register(r);
    for (size_t i = 0; i < r->n_translations; i++)
        template_free(r->translation_docs[i]);
    free(r->translation_docs);
    free(r->translations);
    free(r->classes);
    pdf_fonts_free(r->fonts);
    text_engine_free(r->text);
    template_free(r->doc);
    roster_free(r->roster);
    config_free(r->config);
}

static bool
class_selected(const struct run_request *o, const char *name)
{
    if (!o->n_classes)
        return true;
    for (size_t i = 0; i < o->n_classes; i++)
        if (util_strcasecmp_ascii(o->classes[i], name) == 0)
            return true;
    return false;
}

bool
run_class_is_chosen(const struct run *r, const char *name)
{
    return class_selected(r->req, name);
}

/* Classes of the sorted roster, each with all its pupils. */
static void
group_classes(struct run *r)
{
    const struct roster *ro = r->roster;
    for (size_t i = 0; i < ro->n_pupils;) {
        size_t j = i;
        while (j < ro->n_pupils && strcmp(ro->pupils[j].class_name, ro->pupils[i].class_name) == 0)
            j++;
        r->classes = xrealloc(r->classes, (r->n_classes + 1) * sizeof(*r->classes));
        struct run_class *cls = &r->classes[r->n_classes++];
        cls->name = ro->pupils[i].class_name;
        cls->n_pupils = j - i;
        cls->pupils = xmalloc(cls->n_pupils * sizeof(*cls->pupils));
        cls->selected = xcalloc(cls->n_pupils, sizeof(*cls->selected));
        for (size_t k = i; k < j; k++)
            cls->pupils[k - i] = &ro->pupils[k];
        cls->write_class_file = false;
        cls->answers = NULL;
        cls->file_base = NULL;
        cls->pupil_files = NULL;
        i = j;
    }
}

#define RUN_MAX_MATCHES 16 /* pupils of one name that are listed */

/* One candidate of an ambiguous --pupil, as a note at its roster line: class, birth date, id. */
static void
note_candidate(const struct run *r, const struct pupil *p, struct diags *d)
{
    char               born[11];
    struct util_quoted last = util_quote(p->last_name), first = util_quote(p->first_name);
    struct util_quoted cls = util_quote(p->class_name), id = util_quote(p->id);
    date_format_german(p->birth_date, born);
    if (roster_has_birth_date(p) && p->id)
        diag_add(d, DIAG_NOTE, r->roster->path, p->line, 0, "%s, %s, Klasse %s, born %s, id %s", last.text,
                 first.text, cls.text, born, id.text);
    else if (roster_has_birth_date(p))
        diag_add(d, DIAG_NOTE, r->roster->path, p->line, 0, "%s, %s, Klasse %s, born %s", last.text,
                 first.text, cls.text, born);
    else if (p->id)
        diag_add(d, DIAG_NOTE, r->roster->path, p->line, 0, "%s, %s, Klasse %s, id %s", last.text, first.text,
                 cls.text, id.text);
    else
        diag_add(d, DIAG_NOTE, r->roster->path, p->line, 0, "%s, %s, Klasse %s", last.text, first.text,
                 cls.text);
}

/* No pupil of that name: say so, and name up to three pupils whose names are close. */
static void
report_no_pupil(const struct run *r, const char *query, struct diags *d)
{
    const struct run_request *o = r->req;
    struct util_quoted        q = util_quote(query);
    if (o->n_classes)
        diag_add(d, DIAG_ERROR, r->roster->path, 0, 0, "no pupil \"%s\" in the named classes", q.text);
    else
        diag_add(d, DIAG_ERROR, r->roster->path, 0, 0, "no pupil \"%s\" in the roster", q.text);
    size_t idx[3];
    size_t n = roster_suggest_names(r->roster, query, idx, 3);
    for (size_t k = 0; k < n; k++) {
        const struct pupil *p = &r->roster->pupils[idx[k]];
        char                born[11];
        struct util_quoted  last = util_quote(p->last_name), first = util_quote(p->first_name);
        struct util_quoted  cls = util_quote(p->class_name);
        date_format_german(p->birth_date, born);
        if (roster_has_birth_date(p))
            diag_add(d, DIAG_NOTE, r->roster->path, p->line, 0,
                     "did you mean \"%s, %s\" (Klasse %s, born %s)?", last.text, first.text, cls.text, born);
        else
            diag_add(d, DIAG_NOTE, r->roster->path, p->line, 0, "did you mean \"%s, %s\" (Klasse %s)?",
                     last.text, first.text, cls.text);
    }
    if (n == 0 && !strchr(query, ','))
        diag_add(
            d, DIAG_NOTE, NULL, 0, 0,
            "write the name as \"Nachname, Vorname\"; case, accents and spellings such as ue for ü do not "
            "matter");
}

/*
 * More than one pupil of that name. --class helps only when each of them is
 * alone in their class; otherwise only --id can choose, so the notes show the
 * ids (or say that the roster has none).
 */
static void
report_ambiguous(const struct run *r, const char *query, const struct pupil *const *hit, size_t n,
                 struct diags *d)
{
    bool has_ids = true, class_helps = true;
    for (size_t k = 0; k < n; k++) {
        has_ids &= hit[k]->id != NULL && *hit[k]->id;
        for (size_t m = 0; m < k; m++)
            if (strcmp(hit[k]->class_name, hit[m]->class_name) == 0)
                class_helps = false;
    }
    struct util_quoted q = util_quote(query);
    const char        *path = r->roster->path;
    if (class_helps && has_ids)
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "\"%s\" matches %zu pupils; add --class or use --id to choose one", q.text, n);
    else if (class_helps)
        diag_add(d, DIAG_ERROR, path, 0, 0, "\"%s\" matches %zu pupils; add --class to choose one", q.text,
                 n);
    else if (has_ids)
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "\"%s\" matches %zu pupils of the same name and class; use --id with one of the ids below",
                 q.text, n);
    else
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "\"%s\" matches %zu pupils of the same name and class, and the roster has no id column to "
                 "tell them apart: print their class with --class and --split pupil",
                 q.text, n);
    for (size_t k = 0; k < n; k++)
        note_candidate(r, hit[k], d);
}

/* Applies --class, --pupil, --id; problems (no such class, ambiguous pupil) go to d. */
static void
select_pupils(struct run *r, struct diags *d)
{
    const struct run_request *o = r->req;
    const char               *roster_path = r->roster->path;
    bool                      by_pupil = o->n_pupils || o->n_ids;

    for (size_t c = 0; c < o->n_classes; c++) {
        bool found = false;
        for (size_t j = 0; j < r->n_classes && !found; j++)
            found = util_strcasecmp_ascii(o->classes[c], r->classes[j].name) == 0;
        if (!found) {
            struct buf names;
            buf_init(&names);
            for (size_t j = 0; j < r->n_classes; j++)
                buf_printf(&names, "%s%s", j ? ", " : "", r->classes[j].name);
            diag_add(d, DIAG_ERROR, roster_path, 0, 0, "no class \"%s\" in the roster; its classes are: %s",
                     util_quote(o->classes[c]).text, names.data ? names.data : "");
            buf_fini(&names);
        }
    }

    for (size_t j = 0; j < r->n_classes; j++) {
        struct run_class *cls = &r->classes[j];
        bool              in_class = class_selected(o, cls->name);
        if (!by_pupil) {
            cls->write_class_file = in_class && r->split != CONFIG_SPLIT_PUPIL;
            for (size_t k = 0; k < cls->n_pupils; k++)
                cls->selected[k] = in_class && r->split != CONFIG_SPLIT_CLASS;
        }
    }
    if (!by_pupil)
        return;

    for (size_t q = 0; q < o->n_pupils; q++) {
        size_t              idx[RUN_MAX_MATCHES];
        size_t              n = roster_find_by_name(r->roster, o->pupils[q], idx, RUN_MAX_MATCHES);
        size_t              n_in = 0;
        const struct pupil *hit[RUN_MAX_MATCHES];
        for (size_t k = 0; k < n; k++)
            if (class_selected(o, r->roster->pupils[idx[k]].class_name))
                hit[n_in++] = &r->roster->pupils[idx[k]];
        if (n_in == 0) {
            report_no_pupil(r, o->pupils[q], d);
            continue;
        }
        if (n_in > 1) {
            report_ambiguous(r, o->pupils[q], hit, n_in, d);
            continue;
        }
        for (size_t j = 0; j < r->n_classes; j++)
            for (size_t k = 0; k < r->classes[j].n_pupils; k++)
                if (r->classes[j].pupils[k] == hit[0])
                    r->classes[j].selected[k] = true;
    }
    for (size_t q = 0; q < o->n_ids; q++) {
        bool found = false;
        for (size_t j = 0; j < r->n_classes; j++)
            for (size_t k = 0; k < r->classes[j].n_pupils; k++) {
                const struct pupil *p = r->classes[j].pupils[k];
                if (p->id && strcmp(p->id, o->ids[q]) == 0 && class_selected(o, p->class_name)) {
                    r->classes[j].selected[k] = true;
                    found = true;
                }
            }
        if (!found && r->roster->pupils && r->roster->n_pupils && !r->roster->pupils[0].id)
            diag_add(d, DIAG_ERROR, roster_path, 0, 0,
                     "no pupil with id \"%s\" in the roster (the roster has no id column)",
                     util_quote(o->ids[q]).text);
        else if (!found)
            diag_add(d, DIAG_ERROR, roster_path, 0, 0, "no pupil with id \"%s\" in the roster",
                     util_quote(o->ids[q]).text);
    }
}

/*
 * A file the config names that cannot be read ("cannot read roster ...") gets
 * no position from its loader; point such problems, added to d from index
 * `from` on, at the config line that names the file, so an editor jumps there.
 */
static void
point_at_config(struct diags *d, size_t from, const struct config *c, struct config_pos at)
{
    for (size_t i = from; at.line && i < d->n; i++) {
        struct diag *g = &d->v[i];
        if (g->line != 0 || (g->file && strcmp(g->file, c->path) != 0))
            continue;
        free(g->file);
        g->file = xstrdup(c->path);
        g->line = at.line;
        g->col = at.col;
    }
}

/*
 * A logo or font that is a FIFO or a device would block the reader that
 * opens it (forever, for a FIFO without a writer): refused before, by stat.
 */
static bool
is_device_or_pipe(const char *path, bool is_logo, struct diags *d)
{
    if (util_check_regular_file(path) || errno != ENODEV)
        return false;
    if (is_logo)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read logo \"%s\": it is a device or a pipe, not a file",
                 util_quote(path).text);
    else
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "cannot read font file \"%s\": it is a device or a pipe, not a file", util_quote(path).text);
    return true;
}

char *
run_shipped_templates_folder(void)
{
    char *dir = sys_program_folder();
    char *beside = dir ? xasprintf("%s/../share/consentgen/templates", dir) : NULL;
    free(dir);
    if (beside && sys_is_folder(beside))
        return beside;
    free(beside);
    return sys_is_folder(CONSENTGEN_TEMPLATESDIR) ? xstrdup(CONSENTGEN_TEMPLATESDIR) : NULL;
}

struct name_list {
    char **v;
    size_t n;
};

/* NAME.md, not NAME.tr.md (a translation) nor .hidden.md. */
static void
add_template_name(void *ctx, const char *entry)
{
    struct name_list *l = ctx;
    size_t            len = strlen(entry);
    if (len > 3 && strcmp(entry + len - 3, ".md") == 0 && !memchr(entry, '.', len - 3)) {
        l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
        l->v[l->n++] = xstrndup(entry, len - 3);
    }
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
run_template_names(const char *folder, size_t *n)
{
    struct name_list   l = {xmalloc(sizeof(char *)), 0};
    struct sys_folder *f = sys_folder_open(folder);
    bool               ok = f && sys_folder_list(f, add_template_name, &l);
    sys_folder_close(f);
    if (!ok) {
        run_template_names_free(l.v, l.n);
        *n = 0;
        return NULL;
    }
    qsort(l.v, l.n, sizeof(*l.v), compare_names);
    *n = l.n;
    return l.v;
}

void
run_template_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/*
 * form.template names a shipped template ("videokonferenz-iserv"): its file
 * is NAME.md in the folder of shipped templates. Otherwise an error at the
 * config's line that lists the names there are.
 */
static void
find_shipped_template(struct config *c, const char *templates_folder, struct diags *d)
{
    char              *folder = templates_folder ? xstrdup(templates_folder) : run_shipped_templates_folder();
    struct util_quoted name = util_quote(c->form.template_name);
    if (!folder) {
        diag_add(d, DIAG_ERROR, c->path, c->template_at.line, c->template_at.col,
                 "form.template \"%s\" names a shipped template, but the shipped templates are not "
                 "installed: name the template's file with its ending (.md) instead",
                 name.text);
        return;
    }
    char *path = xasprintf("%s/%s.md", folder, c->form.template_name);
    if (util_check_regular_file(path)) {
        c->form.template_path = path;
        free(folder);
        return;
    }
    free(path);
    size_t n;
    char **names = run_template_names(folder, &n);
    struct buf list;
    buf_init(&list);
    for (size_t i = 0; i < n; i++)
        buf_printf(&list, "%s\"%s\"", i ? ", " : "", names[i]);
    diag_add(d, DIAG_ERROR, c->path, c->template_at.line, c->template_at.col,
             "there is no shipped template \"%s\"; the shipped templates are: %s", name.text,
             list.data ? list.data : "");
    diag_add(d, DIAG_NOTE, c->path, c->template_at.line, c->template_at.col,
             "a template file of your own is named with its ending, such as \"template: %s.md\"", name.text);
    buf_fini(&list);
    run_template_names_free(names, n);
    free(folder);
}

/* ---- translations ---- */

/* The last folder separator of path ('/', or '\\' as Windows paths have it); NULL if none. */
static const char *
last_separator(const char *path)
{
    const char *slash = strrchr(path, '/'), *back = strrchr(path, '\\');
    return back && (!slash || back > slash) ? back : slash;
}

/* The file of the translation into language: templates/NAME.md -> templates/NAME.LL.md. Caller frees. */
static char *
translation_path(const char *template_path, const char *language)
{
    const char *slash = last_separator(template_path);
    const char *dot = strrchr(template_path, '.');
    if (!dot || (slash && dot < slash))
        return xasprintf("%s.%s.md", template_path, language);
    return xasprintf("%.*s.%s%s", (int)(dot - template_path), template_path, language, dot);
}

/* The file name of path, without its folder: messages name the missing translation beside the template. */
static const char *
file_name(const char *path)
{
    const char *slash = last_separator(path);
    return slash ? slash + 1 : path;
}

static bool
is_printed(const struct run_class *cls, size_t k)
{
    return cls->selected[k] || cls->write_class_file;
}

/*
 * Loads the translation into language, if there is one: parsed, its language: line and its structure
 * compared with the German template, its placeholders checked. Returns false when there is no file.
 */
static bool
load_translation(struct run *r, const char *language, struct diags *d)
{
    const struct config *c = r->config;
    char                *path = translation_path(c->form.template_path, language);
    if (!util_check_regular_file(path) && errno == ENOENT) {
        free(path);
        return false;
    }
    struct template_doc *doc = template_load(path, d);
    if (doc) {
        const struct config_front_matter *fm = template_front_matter(doc);
        if (strcmp(fm->language, language) != 0)
            diag_add(d, DIAG_ERROR, path, 0, 0,
                     "the translation says \"language: %s\" but its file name says \"%s\"", fm->language,
                     language);
        template_check_translation(r->doc, doc, d);
        if (r->roster)
            template_check_placeholders(doc, c, (const char *const *)r->roster->headers, r->roster->n_headers,
                                        d);
        size_t n = r->n_translations++;
        r->translations = xrealloc(r->translations, r->n_translations * sizeof *r->translations);
        r->translation_docs = xrealloc(r->translation_docs, r->n_translations * sizeof *r->translation_docs);
        memcpy(r->translations[n].language, language, 3);
        r->translations[n].doc = doc;
        r->translation_docs[n] = doc;
    }
    free(path);
    return true;
}

/* A language looked for already, and whether it has a translation file. */
struct language_seen {
    char language[3];
    bool found;
};

/*
 * Loads the translations the printed pupils need (or the one --language names) and warns, at the
 * roster cell, about each pupil whose language has none: that pupil gets the German form only.
 */
static void
load_translations(struct run *r, struct diags *d)
{
    const char *template_path = r->config->form.template_path;
    if (r->req->language) {
        if (!*r->req->language)
            return;
        if (!load_translation(r, r->req->language, d)) {
            char *path = translation_path(template_path, r->req->language);
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "--language %s: there is no translation into %s (\"%s\" is missing)", r->req->language,
                     roster_language_name(r->req->language), util_quote(file_name(path)).text);
            free(path);
        }
        return;
    }
    struct language_seen *seen = NULL;
    size_t                n_seen = 0;
    for (size_t j = 0; j < r->n_classes; j++) {
        const struct run_class *cls = &r->classes[j];
        for (size_t k = 0; k < cls->n_pupils; k++) {
            const struct pupil *p = cls->pupils[k];
            if (!*p->language || !is_printed(cls, k))
                continue;
            size_t i = 0;
            while (i < n_seen && strcmp(seen[i].language, p->language) != 0)
                i++;
            if (i == n_seen) {
                seen = xrealloc(seen, (n_seen + 1) * sizeof *seen);
                memcpy(seen[n_seen].language, p->language, 3);
                seen[n_seen++].found = load_translation(r, p->language, d);
            }
            if (seen[i].found)
                continue;
            char *path = translation_path(template_path, p->language);
            diag_add(d, DIAG_WARNING, r->roster->path, p->line, p->language_col,
                     "there is no translation into %s (\"%s\" is missing); %s, %s gets the German form only",
                     roster_language_name(p->language), util_quote(file_name(path)).text,
                     util_quote(p->last_name).text, util_quote(p->first_name).text);
            free(path);
        }
    }
    free(seen);
}

/*
 * Loads and cross-checks every input. Returns false with all problems in d
 * when the run must not write anything.
 */
bool
run_load(struct run *r, const struct run_request *req, struct diags *d)
{
    r->req = req;
    r->config = config_load(req->config_path, d);
    if (!r->config)
        return false;
    struct config *c = r->config;

    /* A config with errors still names the other inputs where it can: their problems are reported too. */
    size_t from = d->n;
    if (c->roster.file)
        r->roster = roster_load(c->roster.file, &c->roster, d);
    point_at_config(d, from, c, c->roster_at);
    if (req->need_fonts) {
        from = d->n;
        if (c->form.template_name)
            find_shipped_template(c, req->templates_folder, d);
        if (c->form.template_path)
            r->doc = template_load(c->form.template_path, d);
        point_at_config(d, from, c, c->template_at);
        from = d->n;
        if (!c->page.font_is_path || !is_device_or_pipe(c->page.font, false, d)) {
            r->text = text_engine_load(&c->page, c->path, d);
            if (r->text)
                r->fonts = pdf_fonts_load(r->text, c->path, d);
        }
        point_at_config(d, from, c, c->font_at);
        from = d->n;
        if (c->school.logo && !is_device_or_pipe(c->school.logo, true, d))
            pdf_logo_probe(c->school.logo, c->path, &r->logo_aspect, d);
        point_at_config(d, from, c, c->logo_at);
    }
    if (r->roster) {
        roster_check_plausible(r->roster, c->form.date, c->path, c->date_at, d);
        roster_sort(r->roster);
    }
    if (r->doc && r->roster)
        template_check_placeholders(r->doc, c, (const char *const *)r->roster->headers, r->roster->n_headers,
                                    d);

    r->form = (struct form_run){c,
                                r->roster,
                                r->doc,
                                r->text ? text_engine_shaper(r->text) : NULL,
                                r->text ? text_engine_name(r->text) : c->page.font,
                                r->logo_aspect,
                                NULL,
                                0,
                                req->language};
    r->split = r->req->has_split ? r->req->split : c->output.split;
    if (r->req->n_pupils || r->req->n_ids)
        r->split = CONFIG_SPLIT_PUPIL;
    r->out_dir = r->req->out_dir ? r->req->out_dir : c->output.dir;
    if (r->roster) {
        group_classes(r);
        select_pupils(r, d);
    }
    if (r->roster && req->need_register) {
        from = d->n;
        run_load_register(r, d);
        point_at_config(d, from, c, c->register_at);
    }
    /* After --missing has chosen: name collisions matter only among the files written. */
    if (r->roster && req->need_fonts)
        run_plan_files(r, d);
    if (r->roster && r->doc && req->need_fonts) {
        load_translations(r, d);
        r->form.translations = r->translations;
        r->form.n_translations = r->n_translations;
    }
    if (r->roster && r->doc)
        form_check_tokens(&r->form, d);
    if (r->roster && r->doc && r->fonts && d->n_errors == 0) {
        form_check_glyphs_run(&r->form, d);
        for (size_t j = 0; j < r->n_classes; j++) {
            const struct run_class *cls = &r->classes[j];
            for (size_t k = 0; k < cls->n_pupils; k++)
                if (cls->selected[k] || cls->write_class_file)
                    form_check_glyphs(&r->form, cls->pupils[k], d);
        }
    }
    return d->n_errors == 0 && (!r->req->strict || d->n_warnings == 0);
}
