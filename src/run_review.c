/*
 * run_review: the review file of a scan (REGISTER-pruefen.pdf), in German for the secretary: for each
 * slip a person must look at, the pupil, where the slip is in the scans, why it needs a person, its
 * picture and the lines that record the decision with set; then the register's rows still marked
 * Prüfen from earlier scans. The words are form data (German, like "Seite"), not messages, so they do
 * not go through gettext. Laid out by layout_review_sheet, written by the pdf module, so names in every
 * script print as on the forms.
 */
#include "consentgen/run.h"

#include <stdlib.h>
#include <string.h>

#include "consentgen/layout.h"
#include "consentgen/pdf.h"
#include "consentgen/util.h"

#include "run_int.h"

/* Strings and arrays of one entry, in the arena. */
struct texts {
    const char **v;
    size_t       n, cap;
};

static void
texts_add(struct arena *a, struct texts *t, const char *s)
{
    if (t->n == t->cap) {
        size_t       cap = t->cap ? 2 * t->cap : 8;
        const char **v = arena_alloc(a, cap * sizeof *v);
        if (t->n)
            memcpy(v, t->v, t->n * sizeof *v);
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = s;
}

/* A word for a shell: as it is when it is plain, else in double quotes (bash and cmd.exe read both). */
static const char *
shell_word(struct arena *a, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                strchr("._/-+:,", *c);
    if (plain)
        return s;
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '"');
    for (const char *c = s; *c; c++) {
        if (strchr("\"\\$`", *c))
            buf_putc(&b, '\\');
        buf_putc(&b, *c);
    }
    buf_putc(&b, '"');
    const char *out = arena_strdup(a, b.data);
    buf_fini(&b);
    return out;
}

/* How set names pupil p: by id if the roster has one, else by name (and class when the name repeats). */
static const char *
pupil_option(const struct run *r, const struct pupil *p, struct arena *a)
{
    if (p->id && *p->id)
        return arena_printf(a, "--id %s", shell_word(a, p->id));
    const char *name = arena_printf(a, "%s, %s", p->last_name, p->first_name);
    size_t      idx[4];
    size_t      n = roster_find_by_name(r->roster, name, idx, 4);
    if (n > 1)
        return arena_printf(a, "--pupil %s --class %s", shell_word(a, name), shell_word(a, p->class_name));
    return arena_printf(a, "--pupil %s", shell_word(a, name));
}

static void
add_commands(struct arena *a, struct texts *cmds, const char *config_arg, const char *who)
{
    texts_add(a, cmds, arena_printf(a, "consentgen set %s %s --answer ja", shell_word(a, config_arg), who));
    texts_add(a, cmds, arena_printf(a, "consentgen set %s %s --answer nein", shell_word(a, config_arg), who));
}

/* The register's places and answers of a row: "scan1.pdf:3 (Ja) | scan2.pdf:1 (Nein)". */
static const char *
sources_text(const struct register_row *row, struct arena *a)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < row->n_sources; i++)
        buf_printf(&b, "%s%s (%s)", i ? " | " : "", row->sources[i].place,
                   register_answer_word(row->sources[i].answer));
    const char *s = arena_strdup(a, b.data ? b.data : "");
    buf_fini(&b);
    return s;
}

static const char *
signer_missing(enum scan_signer s)
{
    switch (s) {
    case SCAN_SIGNER_GUARDIAN:
        return "Unterschrift der Erziehungsberechtigten fehlt";
    case SCAN_SIGNER_PUPIL:
        return "Unterschrift der Schülerin / des Schülers fehlt";
    case SCAN_SIGNER_ANY:
        break;
    }
    return "Unterschrift fehlt";
}

/* Why the slip of a roster pupil needs a person, one sentence each. */
static void
pupil_reasons(const struct run_slip *s, const struct register_row *row, struct arena *a, struct texts *t)
{
    unsigned why = s->reading.reasons;
    if (why & SCAN_REVIEW_MARKS_MISSING)
        texts_add(a, t, "Ecken des Zettels nicht gefunden (abgeschnitten oder verdeckt?): Kästchen nicht gelesen");
    if (why & SCAN_REVIEW_MARKS_DISAGREE)
        texts_add(a, t, "Zettel verzerrt oder falsch zugeordnet: Kästchen nicht gelesen");
    if (why & SCAN_REVIEW_BOTH_TICKED)
        texts_add(a, t, "Ja und Nein angekreuzt");
    if (why & SCAN_REVIEW_NONE_TICKED)
        texts_add(a, t, "kein Kästchen angekreuzt");
    if (why & SCAN_REVIEW_FILLED)
        texts_add(a, t, "Kästchen ausgefüllt (Korrektur?)");
    if (why & SCAN_REVIEW_BOX_UNSURE)
        texts_add(a, t, "Kästchen nicht eindeutig (Punkt, Strich oder sehr schwache Markierung)");
    for (size_t i = 0; i < s->n_signatures; i++)
        if (s->reading.signatures[i].state == SCAN_INK_NONE && (why & SCAN_REVIEW_SIGNATURE_MISSING))
            texts_add(a, t, signer_missing(s->signers[i]));
    if (why & SCAN_REVIEW_SIGNATURE_UNSURE)
        texts_add(a, t, "Unterschrift nicht sicher erkannt (wenig Tinte)");
    if (why && (s->reading.ticked == REGISTER_ANSWER_YES || s->reading.ticked == REGISTER_ANSWER_NO))
        texts_add(a, t, arena_printf(a, "Angekreuzt ist %s.", register_answer_word(s->reading.ticked)));
    /* What the register has beyond this slip: another slip, an earlier decision. */
    bool differ = false;
    for (size_t i = 1; i < row->n_sources; i++)
        differ |= row->sources[i].answer != row->sources[0].answer;
    if (differ)
        texts_add(a, t, arena_printf(a, "Verschiedene Antworten für dieses Kind: %s", sources_text(row, a)));
    else if (!why)
        texts_add(a, t, arena_printf(a, "Im Register zur Prüfung markiert: %s", sources_text(row, a)));
}

static const char *
place_text(const char *const *files, const struct run_slip *s, struct arena *a)
{
    return arena_printf(a, "%s, Seite %u", files[s->file], s->page);
}

static void
set_picture(struct layout_review_entry *e, const struct run_slip *s)
{
    if (!s->picture.jpeg.len || !s->picture.h_px)
        return;
    e->jpeg = (const unsigned char *)s->picture.jpeg.data;
    e->jpeg_len = s->picture.jpeg.len;
    e->aspect = (double)s->picture.w_px / s->picture.h_px;
}

static void
slip_entry(const struct run *r, const struct run_slip *s, const char *const *files, const char *config_arg,
           struct arena *a, struct layout_review_entry *e)
{
    struct texts reasons = {0}, cmds = {0};
    memset(e, 0, sizeof *e);
    e->place = place_text(files, s, a);
    set_picture(e, s);
    const char *by_name = "--pupil \"NACHNAME, VORNAME\"";
    char        grouped[FORM_TOKEN_LEN + 3];
    form_token_grouped(s->token, grouped);
    switch (s->kind) {
    case RUN_SLIP_PUPIL: {
        const struct pupil *p = &r->roster->pupils[s->index];
        e->heading = arena_printf(a, "%s, %s · Klasse %s", p->last_name, p->first_name, p->class_name);
        pupil_reasons(s, register_row_of(r->reg, p), a, &reasons);
        e->decide = "Entscheidung eintragen (eine der beiden Zeilen):";
        add_commands(a, &cmds, config_arg, pupil_option(r, p, a));
        break;
    }
    case RUN_SLIP_LEFT: {
        const struct register_row *row = &r->reg->rows[s->index];
        e->heading = arena_printf(a, "%s, %s · Klasse %s", row->last_name, row->first_name, row->class_name);
        texts_add(a, &reasons,
                  "Dieses Kind ist nicht mehr in der Schülerliste. Der Zettel wurde nicht eingetragen; das Register "
                  "behält die Zeile mit ihrer bisherigen Antwort.");
        break;
    }
    case RUN_SLIP_FOREIGN:
        e->heading = "Zettel eines anderen Formulars";
        texts_add(a, &reasons,
                  arena_printf(a,
                               "Der Code %s gehört zu keinem Kind dieses Formulars (andere Schule, anderes Formular "
                               "oder andere Formularrunde). Der Zettel wurde nicht eingetragen: bitte aussortieren.",
                               grouped));
        break;
    case RUN_SLIP_DAMAGED:
        e->heading = "Zettel mit beschädigtem Code";
        texts_add(a, &reasons, "Code nicht lesbar: er passt zu keinem Kind. Bitte den Namen auf dem Zettel ablesen.");
        e->decide = "Entscheidung eintragen, mit dem Namen vom Zettel:";
        add_commands(a, &cmds, config_arg, by_name);
        break;
    case RUN_SLIP_UNREAD:
        e->heading = "Zettel ohne lesbaren Code";
        texts_add(a, &reasons,
                  "Code nicht lesbar: auf dieser Seite ist ein Rücklaufzettel, dessen Code nicht gelesen werden "
                  "konnte (verdeckt, verschmiert oder abgeschnitten?). Bitte den Namen auf dem Zettel ablesen.");
        e->decide = "Entscheidung eintragen, mit dem Namen vom Zettel:";
        add_commands(a, &cmds, config_arg, by_name);
        break;
    }
    e->reasons = reasons.v;
    e->n_reasons = reasons.n;
    e->commands = cmds.v;
    e->n_commands = cmds.n;
}

/* A row still marked Prüfen that no slip of this scan showed: from an earlier scan. */
static void
open_entry(const struct run *r, const struct register_row *row, const char *config_arg, struct arena *a,
           struct layout_review_entry *e)
{
    struct texts reasons = {0}, cmds = {0};
    memset(e, 0, sizeof *e);
    e->heading = arena_printf(a, "%s, %s · Klasse %s", row->last_name, row->first_name, row->class_name);
    texts_add(a, &reasons,
              arena_printf(a, "Antwort im Register: %s. Zettel: %s", register_answer_word(row->answer),
                           sources_text(row, a)));
    e->decide = "Entscheidung eintragen (eine der beiden Zeilen):";
    add_commands(a, &cmds, config_arg, pupil_option(r, row->pupil, a));
    e->reasons = reasons.v;
    e->n_reasons = reasons.n;
    e->commands = cmds.v;
    e->n_commands = cmds.n;
}

bool
run_review_pdf(const struct run *r, const struct run_slip *slips, size_t n_slips, const char *const *scan_files,
               const char *config_arg, size_t n_slips_read, struct buf *out, size_t *n_entries, struct diags *d)
{
    struct arena *a = arena_new();
    size_t        cap = n_slips + r->reg->n_rows + 1;
    struct layout_review_entry *entries = xcalloc(cap, sizeof *entries);
    bool                       *shown = xcalloc(r->reg->n_rows + 1, sizeof *shown);
    size_t                      n = 0;
    for (size_t i = 0; i < n_slips; i++) {
        if (!slips[i].in_review)
            continue;
        slip_entry(r, &slips[i], scan_files, config_arg, a, &entries[n++]);
        if (slips[i].kind == RUN_SLIP_PUPIL)
            shown[register_row_of(r->reg, &r->roster->pupils[slips[i].index]) - r->reg->rows] = true;
    }
    size_t open_from = n;
    for (size_t i = 0; i < r->reg->n_rows; i++) {
        const struct register_row *row = &r->reg->rows[i];
        if (row->needs_review && row->pupil && !shown[i])
            open_entry(r, row, config_arg, a, &entries[n++]);
    }
    *n_entries = n;

    char today[11], form_date[11];
    date_format_german(date_today(), today);
    date_format_german(r->config->form.date, form_date);
    const char  *title = template_title(r->doc);
    struct texts intro = {0};
    texts_add(a, &intro, arena_printf(a, "%s vom %s · %s", title, form_date, r->config->school.name));
    texts_add(a, &intro,
              arena_printf(a, "Scan vom %s: %zu Rücklaufzettel eingelesen. Zu prüfen: %zu.", today, n_slips_read,
                           open_from));
    if (n == 0)
        texts_add(a, &intro, "Alle gelesenen Rücklaufzettel sind eindeutig: es gibt nichts zu prüfen.");
    else
        texts_add(a, &intro,
                  "Jeden Zettel ansehen, dann eine der beiden Zeilen darunter eingeben (im Ordner der "
                  "Einstellungsdatei). Bis dahin steht im Register „unklar“.");
    struct layout_review_params pr = {
        "Rückläufe prüfen",
        intro.v,
        intro.n,
        entries,
        n,
        open_from,
        open_from < n ? "Aus früheren Scans noch offen" : NULL,
        arena_printf(a, "Rückläufe prüfen · %s", title),
    };
    struct layout_doc doc;
    layout_review_sheet(&pr, r->form.shaper, a, &doc);

    struct pdf_meta    meta = {arena_printf(a, "Rückläufe prüfen – %s", title), r->config->school.name, title};
    struct pdf_writer *w = pdf_writer_new(r->fonts, NULL, &meta, d);
    bool               ok = w && pdf_writer_add(w, &doc, d) && pdf_writer_save(w, out, d);
    pdf_writer_free(w);
    free(shown);
    free(entries);
    arena_free(a);
    return ok;
}
