/*
 * The layout corpus: each folder under tests/layout/ is a form or a class sheet laid out with the fake
 * engine (tests/unit/fake_metrics.c), and expect.dump is its layout_dump. A change in pagination, line
 * breaking or placement shows up as a diff of readable text; scripts/update-golden.sh renews the dumps.
 *
 * A case folder holds:
 *   template.md   the template; or `template`, a file with the path of one, relative to the folder
 *   values        optional "name: value" lines ("\n" for a line break): placeholder values
 *                 (pupil.last_name, form.KEY, ...) and the settings age, footer, logo (width / height),
 *                 marks and duplex (yes/no), school, address, slip_code and slip_token (the return
 *                 slip's QR code), direction (ltr, rtl or auto-rtl: a translation's page) and
 *                 information (yes: a translation, boxes shown only, nothing to sign)
 *   sheet         instead of a template: a class sheet, one "Nachname;Vorname" per line, or
 *                 "Nachname;Vorname;Türkisch" for a pupil who gets a translation
 *   expect.dump   the golden output
 *
 * usage: layout_corpus DIR [--update]   (exit 1 when a dump differs; --update rewrites them)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/layout.h"
#include "consentgen/template.h"
#include "consentgen/util.h"
#include "fake_metrics.h"

#define MAX_VALUES 64
#define MAX_FILE_BYTES ((size_t)1 << 20)

struct kv {
    char *name, *value;
};

struct values {
    struct kv v[MAX_VALUES];
    size_t    n;
};

/* Defaults every case starts from; a values file overrides them. */
static const char *const defaults[][2] = {
    {"school", "Städtisches Gymnasium Musterstadt"},
    {"address", "Schulstraße 1, 12345 Musterstadt"},
    {"school.name", "Städtisches Gymnasium Musterstadt"},
    {"school.address", "Schulstraße 1, 12345 Musterstadt"},
    {"form.date", "27.11.2026"},
    {"form.platform", "IServ"},
    {"form.return_by", "11.12.2026"},
    {"form.authority",
     "Landesbeauftragten für den Datenschutz und die Informationsfreiheit Nordrhein-Westfalen"},
    {"pupil.last_name", "Yılmaz"},
    {"pupil.first_name", "Elif"},
    {"pupil.birth_date", "03.05.2013"},
    {"pupil.class", "7b"},
    {"age", "13"},
    {"slip_code", "CG1-K7M29QXD4TB5"},
    {"slip_token", "K7M2-9QXD-4TB5"},
    {"logo", "0"},
    {"marks", "no"},
    {"duplex", "yes"},
};

static void
set(struct values *v, const char *name, const char *value)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i].name, name) == 0) {
            free(v->v[i].value);
            v->v[i].value = xstrdup(value);
            return;
        }
    if (v->n < MAX_VALUES)
        v->v[v->n++] = (struct kv){xstrdup(name), xstrdup(value)};
}

static const char *
get(const struct values *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i].name, name) == 0)
            return v->v[i].value;
    return NULL;
}

static const char *
lookup(void *ctx, const char *name)
{
    return get(ctx, name);
}

static char *
read_text(const char *dir, const char *name)
{
    char  *path = xasprintf("%s/%s", dir, name);
    char  *data = NULL;
    size_t len;
    if (!util_read_file(path, MAX_FILE_BYTES, &data, &len))
        data = NULL;
    free(path);
    return data;
}

/* Reads "name: value" lines into v. */
static void
read_values(const char *text, struct values *v)
{
    for (const char *s = text; s && *s;) {
        const char *nl = strchr(s, '\n');
        size_t      n = nl ? (size_t)(nl - s) : strlen(s);
        char       *line = xstrndup(s, n);
        char       *colon = strstr(line, ": ");
        if (colon) {
            *colon = '\0';
            /* "\n" in a value is a line break (a multi-line address). */
            char *w = colon + 2;
            for (char *r = colon + 2; *r; r++, w++) {
                if (r[0] == '\\' && r[1] == 'n') {
                    *w = '\n';
                    r++;
                } else {
                    *w = *r;
                }
            }
            *w = '\0';
            set(v, line, colon + 2);
        }
        free(line);
        s += n + (nl != NULL);
    }
}

/* Lays out one case into out; false (and a message) when its files are unusable. */
static bool
lay_case(const char *dir, struct buf *out)
{
    struct values v = {0};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        set(&v, defaults[i][0], defaults[i][1]);
    char *values = read_text(dir, "values");
    read_values(values, &v);
    free(values);

    struct config_school school = {.name = (char *)get(&v, "school"), .address = (char *)get(&v, "address")};
    struct layout_page_setup setup = {.school = &school,
                                      .marks = strcmp(get(&v, "marks"), "yes") == 0,
                                      .is_duplex = strcmp(get(&v, "duplex"), "yes") == 0,
                                      .logo_aspect = atof(get(&v, "logo"))};
    struct text_shaper       sh = fake_metrics(NULL);
    struct arena            *a = arena_new();
    struct layout_doc        doc;
    bool                     ok = true;
    char                    *sheet = read_text(dir, "sheet");
    if (sheet) {
        struct layout_sheet_row rows[512];
        size_t                  n = 0;
        for (char *line = strtok(sheet, "\n"); line && n < 512; line = strtok(NULL, "\n")) {
            char *semi = strchr(line, ';');
            if (!semi)
                continue;
            *semi = '\0';
            char *lang = strchr(semi + 1, ';');
            if (lang)
                *lang++ = '\0';
            rows[n++] =
                (struct layout_sheet_row){.last_name = line, .first_name = semi + 1, .language = lang};
        }
        struct layout_sheet_params p = {setup,
                                        get(&v, "pupil.class"),
                                        "Einwilligung in die Teilnahme",
                                        get(&v, "form.date"),
                                        get(&v, "form.return_by"),
                                        rows,
                                        n};
        layout_class_sheet(&p, &sh, a, &doc);
        layout_dump(&doc, out);
        free(sheet);
    } else {
        char *md = read_text(dir, "template.md");
        char *where = NULL;
        if (!md) {
            char *ref = read_text(dir, "template");
            if (ref) {
                ref[strcspn(ref, "\n")] = '\0';
                where = xasprintf("%s/%s", dir, ref);
                char  *data = NULL;
                size_t len;
                if (util_read_file(where, MAX_FILE_BYTES, &data, &len))
                    md = data;
                free(ref);
            }
        }
        struct diags         d = {0};
        struct template_doc *t =
            md ? template_parse(md, strlen(md), where ? where : "template.md", &d) : NULL;
        if (!t) {
            fprintf(stderr, "layout_corpus: %s: no usable template\n", dir);
            ok = false;
        } else {
            struct layout_values      lv = {&v, lookup};
            struct layout_form_params p = {0};
            const char               *footer = get(&v, "footer");
            p.setup = setup;
            p.footer = footer ? footer
                              : arena_printf(a, "%s, %s · Klasse %s", get(&v, "pupil.last_name"),
                                             get(&v, "pupil.first_name"), get(&v, "pupil.class"));
            p.form_title = template_title(t);
            p.form_date = get(&v, "form.date");
            p.slip_code = get(&v, "slip_code");
            p.slip_token = get(&v, "slip_token");
            p.pupil_age = atoi(get(&v, "age"));
            p.pupil_signature_from_age = template_front_matter(t)->pupil_signature_from_age;
            p.adult_age = template_front_matter(t)->adult_age;
            const char *dir_name = get(&v, "direction") ? get(&v, "direction") : "ltr";
            p.direction = strcmp(dir_name, "rtl") == 0        ? TEXT_DIR_RTL
                          : strcmp(dir_name, "auto-rtl") == 0 ? TEXT_DIR_AUTO_RTL
                                                              : TEXT_DIR_LTR;
            p.is_information = get(&v, "information") && strcmp(get(&v, "information"), "yes") == 0;
            layout_form(t, &lv, &p, &sh, a, &doc);
            layout_pad_to_even(&doc, a);
            layout_dump(&doc, out);
        }
        template_free(t);
        diags_fini(&d);
        free(where);
        free(md);
    }
    arena_free(a);
    for (size_t i = 0; i < v.n; i++) {
        free(v.v[i].name);
        free(v.v[i].value);
    }
    return ok;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    if (argc < 2 || (argc == 3 && strcmp(argv[2], "--update") != 0) || argc > 3) {
        fprintf(stderr, "usage: layout_corpus DIR [--update]\n");
        return 2;
    }
    bool   update = argc == 3;
    DIR   *dp = opendir(argv[1]);
    char  *names[256];
    size_t n = 0;
    if (!dp) {
        perror(argv[1]);
        return 2;
    }
    for (struct dirent *e; (e = readdir(dp)) && n < 256;)
        if (e->d_name[0] != '.')
            names[n++] = xstrdup(e->d_name);
    closedir(dp);
    qsort(names, n, sizeof *names, compare_names);
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        char      *dir = xasprintf("%s/%s", argv[1], names[i]);
        struct buf out;
        buf_init(&out);
        buf_puts(&out, "");
        if (!lay_case(dir, &out)) {
            status = 1;
        } else if (update) {
            char *path = xasprintf("%s/expect.dump", dir);
            FILE *fp = fopen(path, "w");
            if (!fp || fwrite(out.data, 1, out.len, fp) != out.len || fclose(fp) != 0) {
                perror(path);
                status = 1;
            }
            free(path);
        } else {
            char *want = read_text(dir, "expect.dump");
            if (!want || strcmp(want, out.data) != 0) {
                fprintf(stderr, "layout_corpus: %s: the layout differs from expect.dump%s\n", names[i],
                        want ? "" : " (missing)");
                char *path = xasprintf("%s/expect.dump", dir);
                char *tmp = xasprintf("/tmp/layout_corpus.%s.dump", names[i]);
                FILE *fp = fopen(tmp, "w");
                if (fp) {
                    fwrite(out.data, 1, out.len, fp);
                    fclose(fp);
                    char *cmd = xasprintf("diff -u '%s' '%s' >&2", path, tmp);
                    if (system(cmd) < 0)
                        perror("diff");
                    free(cmd);
                    remove(tmp);
                }
                free(path);
                free(tmp);
                status = 1;
            }
            free(want);
        }
        buf_fini(&out);
        free(dir);
        free(names[i]);
    }
    if (status == 0)
        printf("layout_corpus: %zu cases %s\n", n, update ? "written" : "ok");
    return status;
}
