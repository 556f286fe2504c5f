/*
 * floor: the benchmark's yardstick, a minimal libharu program as the libharu
 * demos write one. It draws the text of a consent template (front matter and
 * Markdown marks dropped, placeholders filled in, one source line per printed
 * line, no layout) with two embedded TrueType fonts, regular and bold, as
 * UTF-8: one new libharu document per PDF, fonts loaded into each, saved with
 * HPDF_SaveToFile. Like consentgen it pads every form to two pages and opens a
 * class file with a list of its pupils.
 *
 * usage: floor class|pupil|one ROSTER.csv TEMPLATE.md REGULAR.ttf BOLD.ttf OUT_DIR ["NACHNAME, VORNAME"]
 *   class: OUT_DIR/<class>.pdf; pupil: OUT_DIR/<class>/<n>.pdf; one: only the named pupil.
 * The roster is the benchmark's: UTF-8, ";", columns ID;Nachname;Vorname;Klasse;Geburtsdatum.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hpdf.h>

#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define LEFT 70.87f
#define TOP 60.0f
#define BOTTOM 70.0f

struct pupil {
    char  *last, *first, *class_name, *born;
    size_t row;
};

struct fonts {
    const char *regular_path, *bold_path;
};

struct doc {
    HPDF_Doc  pdf;
    HPDF_Font regular, bold;
    HPDF_Page page;
    float     y;
    int       n_pages;
};

static void
on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    (void)user_data;
    fprintf(stderr, "floor: libharu error 0x%04X, detail %u\n", (unsigned)error_no, (unsigned)detail_no);
    exit(1);
}

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "floor: cannot read %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 1 << 16, len = 0;
    char  *s = malloc(cap);
    size_t n;
    while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            s = realloc(s, cap *= 2);
    }
    fclose(f);
    if (!s)
        exit(1);
    s[len] = '\0';
    return s;
}

/* The form text: template lines after the front matter, with the fenced blocks' content dropped. */
static char **
template_lines(const char *path, size_t *n)
{
    char  *text = read_file(path);
    char  *body = text;
    char **lines = NULL;
    *n = 0;
    if (strncmp(body, "---\n", 4) == 0) {
        char *end = strstr(body + 4, "\n---\n");
        body = end ? end + 5 : body;
    }
    int in_fence = 0;
    for (char *line = strtok(body, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "```", 3) == 0) {
            in_fence = !in_fence;
            continue;
        }
        if (in_fence)
            continue;
        lines = realloc(lines, (*n + 1) * sizeof *lines);
        lines[(*n)++] = strdup(line);
    }
    free(text);
    return lines;
}

static int
by_class(const void *a, const void *b)
{
    const struct pupil *x = a, *y = b;
    int                 c = strcmp(x->class_name, y->class_name);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

static struct pupil *
read_roster(const char *path, size_t *n)
{
    char         *text = read_file(path);
    struct pupil *v = NULL;
    *n = 0;
    char *save = NULL;
    int   header = 1;
    for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        if (header) {
            header = 0;
            continue;
        }
        char *f[5] = {0};
        char *p = line;
        for (int i = 0; i < 5 && p; i++) {
            f[i] = p;
            p = strchr(p, ';');
            if (p)
                *p++ = '\0';
        }
        if (!f[4])
            continue;
        v = realloc(v, (*n + 1) * sizeof *v);
        v[*n] = (struct pupil){strdup(f[1]), strdup(f[2]), strdup(f[3]), strdup(f[4]), *n};
        (*n)++;
    }
    free(text);
    /* One file per class, pupils in roster order within it. */
    qsort(v, *n, sizeof *v, by_class);
    return v;
}

/* Fills {{...}} placeholders: the example school's values, the pupil's data; others become empty. */
static void
fill(char *out, size_t cap, const char *line, const struct pupil *p)
{
    size_t o = 0;
    for (const char *s = line; *s && o + 1 < cap;) {
        if (s[0] == '{' && s[1] == '{') {
            const char *end = strstr(s, "}}");
            if (!end)
                break;
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)(end - s - 2), s + 2);
            const char *v = "";
            if (strcmp(key, "form.platform") == 0)
                v = "IServ";
            else if (strcmp(key, "form.authority") == 0)
                v = "Landesbeauftragten für den Datenschutz und die Informationsfreiheit Nordrhein-Westfalen";
            else if (strcmp(key, "form.return_by") == 0)
                v = "11.12.2026";
            else if (strcmp(key, "school.data_protection") == 0)
                v = "Datenschutzbeauftragte Frau M. Beispiel, datenschutz@schule.example";
            else if (strcmp(key, "pupil.last_name") == 0)
                v = p->last;
            else if (strcmp(key, "pupil.first_name") == 0)
                v = p->first;
            size_t len = strlen(v);
            if (o + len + 1 >= cap)
                break;
            memcpy(out + o, v, len);
            o += len;
            s = end + 2;
            continue;
        }
        out[o++] = *s++;
    }
    out[o] = '\0';
}

static void
new_page(struct doc *d)
{
    d->page = HPDF_AddPage(d->pdf);
    HPDF_Page_SetWidth(d->page, PAGE_W);
    HPDF_Page_SetHeight(d->page, PAGE_H);
    d->y = PAGE_H - TOP;
    d->n_pages++;
}

static void
text_at(struct doc *d, HPDF_Font font, float size, float x, float y, const char *s)
{
    HPDF_Page_BeginText(d->page);
    HPDF_Page_SetFontAndSize(d->page, font, size);
    HPDF_Page_TextOut(d->page, x, y, s);
    HPDF_Page_EndText(d->page);
}

static void
line_out(struct doc *d, HPDF_Font font, float size, const char *s)
{
    if (d->y < BOTTOM)
        new_page(d);
    text_at(d, font, size, LEFT, d->y, s);
    d->y -= size * 1.35f;
}

static void
doc_start(struct doc *d, const struct fonts *f)
{
    memset(d, 0, sizeof *d);
    d->pdf = HPDF_New(on_error, NULL);
    HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(d->pdf);
    d->regular = HPDF_GetFont(d->pdf, HPDF_LoadTTFontFromFile(d->pdf, f->regular_path, HPDF_TRUE), "UTF-8");
    d->bold = HPDF_GetFont(d->pdf, HPDF_LoadTTFontFromFile(d->pdf, f->bold_path, HPDF_TRUE), "UTF-8");
}

static void
doc_save(struct doc *d, const char *path)
{
    HPDF_SaveToFile(d->pdf, path);
    HPDF_Free(d->pdf);
}

static void
draw_form(struct doc *d, char **lines, size_t n_lines, const struct pupil *p)
{
    char buf[1024];
    int  first_page = d->n_pages + 1;
    new_page(d);
    line_out(d, d->bold, 14, "Städtisches Gymnasium Musterstadt");
    line_out(d, d->regular, 10.5f, "Schulstraße 1, 12345 Musterstadt");
    d->y -= 40;
    line_out(d, d->bold, 14, "Einwilligung in die Teilnahme an Videokonferenzen");
    for (size_t i = 0; i < n_lines; i++) {
        const char *s = lines[i];
        HPDF_Font   font = d->regular;
        if (strncmp(s, "## ", 3) == 0) {
            s += 3;
            font = d->bold;
        } else if (strncmp(s, "- [ ] ", 6) == 0) {
            s += 6;
        } else if (strncmp(s, "- ", 2) == 0) {
            snprintf(buf, sizeof buf, "• %s", s + 2);
            s = buf;
        }
        char filled[1024];
        fill(filled, sizeof filled, s, p);
        line_out(d, font, 10.5f, filled);
    }
    snprintf(buf, sizeof buf, "%s    %s    %s    %s", p->last, p->first, p->born, p->class_name);
    line_out(d, d->bold, 10.5f, buf);
    line_out(d, d->regular, 8, "Name    Vorname    Geburtsdatum    Klasse");
    while ((d->n_pages - first_page + 1) % 2)
        new_page(d);
    for (int k = first_page; k <= d->n_pages; k++) {
        snprintf(buf, sizeof buf, "%s, %s · Klasse %s · Seite %d von %d", p->last, p->first, p->class_name,
                 k - first_page + 1, d->n_pages - first_page + 1);
        HPDF_Page page = HPDF_GetPageByIndex(d->pdf, (HPDF_UINT)(k - 1));
        HPDF_Page_BeginText(page);
        HPDF_Page_SetFontAndSize(page, d->regular, 8);
        HPDF_Page_TextOut(page, LEFT, 40, buf);
        HPDF_Page_EndText(page);
    }
}

static void
make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "floor: cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

int
main(int argc, char **argv)
{
    if (argc < 7 || argc > 8) {
        fprintf(stderr,
                "usage: floor class|pupil|one ROSTER.csv TEMPLATE.md REGULAR.ttf BOLD.ttf OUT_DIR [NAME]\n");
        return 2;
    }
    const char   *mode = argv[1], *out_dir = argv[6], *only = argc > 7 ? argv[7] : NULL;
    struct fonts  f = {argv[4], argv[5]};
    size_t        n_lines, n_pupils;
    char        **lines = template_lines(argv[3], &n_lines);
    struct pupil *pupils = read_roster(argv[2], &n_pupils);
    char          path[4096], buf[512];
    make_dir(out_dir);

    for (size_t i = 0; i < n_pupils;) {
        size_t j = i;
        while (j < n_pupils && strcmp(pupils[j].class_name, pupils[i].class_name) == 0)
            j++;
        if (strcmp(mode, "class") == 0) {
            struct doc d;
            doc_start(&d, &f);
            new_page(&d);
            snprintf(buf, sizeof buf, "Rücklaufliste Klasse %s", pupils[i].class_name);
            line_out(&d, d.bold, 14, buf);
            for (size_t k = i; k < j; k++) {
                snprintf(buf, sizeof buf, "%s, %s    %s    [ ] Ja  [ ] Nein", pupils[k].last, pupils[k].first,
                         pupils[k].born);
                line_out(&d, d.regular, 10.5f, buf);
            }
            new_page(&d);
            for (size_t k = i; k < j; k++)
                draw_form(&d, lines, n_lines, &pupils[k]);
            snprintf(path, sizeof path, "%s/%s.pdf", out_dir, pupils[i].class_name);
            doc_save(&d, path);
        } else {
            snprintf(path, sizeof path, "%s/%s", out_dir, pupils[i].class_name);
            for (size_t k = i; k < j; k++) {
                snprintf(buf, sizeof buf, "%s, %s", pupils[k].last, pupils[k].first);
                if (only && strcmp(buf, only) != 0)
                    continue;
                make_dir(path);
                struct doc d;
                doc_start(&d, &f);
                draw_form(&d, lines, n_lines, &pupils[k]);
                char file[4200];
                snprintf(file, sizeof file, "%s/%zu.pdf", path, k - i + 1);
                doc_save(&d, file);
            }
        }
        i = j;
    }
    return 0;
}
