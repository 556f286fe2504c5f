/*
 * run_init.c: consentgen init, a new school's starting point. Writes a
 * commented German schule.yaml and a copy of the shipped form text into a
 * folder, both or neither, and never over an existing file. Given the
 * school's roster, reads it with the roster module as check will (guessing
 * columns whose headers are not the usual ones) and writes what it found
 * into roster: file (relative to the new config), delimiter, encoding and
 * columns, so that check passes on the new config at once.
 */
#include "consentgen/run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/output.h"
#include "consentgen/sys.h"
#include "consentgen/util.h"

#define INIT_MAX_TEMPLATE_BYTES ((size_t)1024 * 1024)

void
run_init_result_fini(struct run_init_result *res)
{
    for (size_t i = 0; i < res->n_written; i++)
        free(res->written[i]);
    free(res->written);
    free(res->config_path);
    free(res->roster_file);
    for (size_t i = 0; i < RUN_INIT_N_FIELDS; i++)
        free(res->columns[i]);
    memset(res, 0, sizeof(*res));
}

/* A YAML double-quoted scalar: any text, Windows paths and header names with ": " or "#" included. */
static void
put_yaml_string(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p == '\t')
            buf_puts(b, "\\t");
        else if (*p < 0x20 || *p == 0x7F)
            buf_printf(b, "\\x%02X", *p);
        else
            buf_putc(b, (char)*p);
    }
    buf_putc(b, '"');
}

/* "dir/name", or name when dir is "" (the current folder). Caller frees. */
static char *
path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    return n == 0 ? xstrdup(name) : xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

/*
 * The path of file relative to folder, both absolute and resolved
 * (sys_real_path): "klassen.csv" beside it, "../Export/klassen.csv" elsewhere.
 */
static char *
relative_path(const char *folder, const char *file)
{
    /* The leading folders both share, compared whole: /a/b is not a prefix of /a/bc. */
    size_t common = 0, i = 0;
    while (folder[i] && folder[i] == file[i])
        if (folder[i++] == '/')
            common = i;
    bool is_inside = folder[i] == '\0' && file[i] == '/';
    if (is_inside)
        common = i + 1;
    if (common == 0) /* nothing shared, not even the root: another drive on Windows */
        return xstrdup(file);
    struct buf b;
    buf_init(&b);
    if (!is_inside && folder[common] != '\0') {
        buf_puts(&b, "../");
        for (const char *p = folder + common; *p; p++)
            if (*p == '/')
                buf_puts(&b, "../");
    }
    buf_puts(&b, file + common);
    return buf_detach(&b);
}

static const char *
delimiter_word(char delim)
{
    switch (delim) {
    case ';':
        return "Semikolon";
    case ',':
        return "Komma";
    case '\t':
        return "Tabulator";
    default:
        return NULL;
    }
}

/* The roster: section, from what the roster module found in the file. */
static void
put_roster_found(struct buf *b, const struct roster *r, const char *file)
{
    buf_puts(b, "roster:\n"
                "  # Die Schülerliste als CSV-Datei, aus SchILD-NRW, IServ oder Excel exportiert (Pflicht).\n"
                "  # Gilt ab dem Ordner dieser Datei. Für eine neue Liste die Datei einfach ersetzen.\n"
                "  file: ");
    put_yaml_string(b, file);
    buf_printf(b,
               "\n"
               "  # Trennzeichen zwischen den Spalten: auto (erkennen), \";\" \",\" oder \"\\t\" (Tabulator).\n"
               "  # In der Liste gefunden: %s.\n"
               "  delimiter: %s\n",
               delimiter_word(r->delimiter) ? delimiter_word(r->delimiter) : "?",
               r->delimiter == '\t' ? "\"\\t\"" : r->delimiter == ',' ? "\",\"" : "\";\"");
    buf_puts(b, "  # Zeichensatz der Datei: auto (erkennen), utf-8 oder windows-1252.\n");
    if (r->was_utf16)
        buf_puts(b, "  # In der Liste gefunden: UTF-16 (Excel \"Unicode-Text\"); auto erkennt es am Dateianfang.\n"
                    "  encoding: auto\n");
    else if (r->was_windows_1252)
        buf_puts(b, "  # In der Liste gefunden: windows-1252 (so speichern SchILD-NRW und Excel \"CSV\").\n"
                    "  encoding: windows-1252\n");
    else
        buf_puts(b, "  # In der Liste gefunden: utf-8.\n"
                    "  encoding: utf-8\n");
    buf_puts(b, "  # Die Überschriften der Spalten in der Liste, so wie \"consentgen init\" sie gefunden hat.\n"
                "  # Heißt eine Spalte bei einem neuen Export anders, hier die neue Überschrift eintragen.\n"
                "  columns:\n");
    static const char *const keys[] = {"last_name", "first_name", "birth_date", "class", "id"};
    static const char *const what[] = {"Nachname des Kindes", "Vorname (Rufname) des Kindes", "Geburtsdatum",
                                       "Klasse", "Nummer des Kindes in der Schulverwaltung"};
    size_t                   cols[] = {r->columns.last_name, r->columns.first_name, r->columns.birth_date,
                                       r->columns.class_name, r->columns.id};
    for (size_t i = 0; i < 5; i++) {
        if (cols[i] == ROSTER_NO_COLUMN) {
            if (i == 2)
                buf_puts(b, "    # birth_date: keine Spalte gefunden; die Formulare lassen das Geburtsdatum "
                            "zum Ausfüllen frei.\n");
            else
                buf_printf(b, "    # %s: keine Spalte gefunden (kann fehlen).\n", keys[i]);
            continue;
        }
        buf_printf(b, "    %s: ", keys[i]);
        put_yaml_string(b, r->headers[cols[i]]);
        buf_printf(b, "  # %s\n", what[i]);
    }
}

static void
put_roster_default(struct buf *b)
{
    buf_puts(b, "roster:\n"
                "  # Die Schülerliste als CSV-Datei, aus SchILD-NRW, IServ oder Excel exportiert (Pflicht).\n"
                "  # Die Liste unter diesem Namen in den Ordner dieser Datei legen, oder hier ihren Namen\n"
                "  # eintragen (\"consentgen init --roster LISTE.csv\" trägt alles selbst ein).\n"
                "  file: klassen.csv\n"
                "  # Trennzeichen zwischen den Spalten: auto (erkennen), \";\" \",\" oder \"\\t\" (Tabulator).\n"
                "  delimiter: auto\n"
                "  # Zeichensatz der Datei: auto (erkennen), utf-8 oder windows-1252.\n"
                "  encoding: auto\n"
                "  # Ohne \"columns\" werden die üblichen Überschriften gesucht (Nachname, Familienname,\n"
                "  # Vorname, Rufname, Geburtsdatum, Klasse, ...). Heißen die Spalten anders: die \"#\"\n"
                "  # vor den folgenden Zeilen löschen und die Überschriften der Liste eintragen.\n"
                "  # columns:\n"
                "  #   last_name: Nachname\n"
                "  #   first_name: Vorname\n"
                "  #   birth_date: Geburtsdatum\n"
                "  #   class: Klasse\n");
}

/* The whole schule.yaml: German comments for the office, a bracketed placeholder where only the school knows. */
static char *
config_text(const char *template_file, const struct roster *r, const char *roster_file)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b,
             "# Einstellungen für consentgen: welche Schule, welches Formular, welche Schülerliste.\n"
             "# Angelegt von \"consentgen init\". Alle Angaben in [eckigen Klammern] durch die richtigen\n"
             "# ersetzen (die eckigen Klammern mit), dann prüfen: consentgen check schule.yaml\n"
             "# Alles nach einem \"#\" ist ein Kommentar und wird nicht gelesen.\n"
             "# Einrücken immer mit Leerzeichen, nie mit der Tabulatortaste.\n"
             "# Dateinamen (logo, template, file, dir) gelten ab dem Ordner dieser Datei.\n"
             "\n"
             "school:\n"
             "  # Name der Schule, so wie er im Briefkopf stehen soll (Pflicht).\n"
             "  name: \"[Name der Schule]\"\n"
             "  # Anschrift, erscheint im Briefkopf unter dem Namen (kann fehlen: dann die Zeile löschen).\n"
             "  address: \"[Straße Hausnummer, PLZ Ort]\"\n"
             "  # Schullogo als PNG- oder JPEG-Datei (kann fehlen). Zum Einschalten das \"#\" vor logo löschen.\n"
             "  # logo: logo.png\n"
             "  # Ansprechperson für den Datenschutz, mit E-Mail-Adresse (das Formular nennt sie, Art. 13 "
             "DSGVO).\n"
             "  data_protection: \"[Datenschutzbeauftragte Person, E-Mail-Adresse]\"\n"
             "\n"
             "form:\n"
             "  # Der Text des Formulars (Pflicht): die Kopie in diesem Ordner, die angepasst werden darf.\n"
             "  # Ohne die Endung .md (template: videokonferenz-iserv) gilt der mitgelieferte Text.\n"
             "  template: ");
    put_yaml_string(&b, template_file);
    buf_puts(&b,
             "\n"
             "  # Datum auf dem Formular; danach wird auch das Alter der Kinder berechnet.\n"
             "  # Ohne diese Zeile gilt der Tag des Drucks. Schreibweise 2026-11-27 oder 27.11.2026.\n"
             "  # date: 2026-11-27\n"
             "  # Eigene Angaben, die der Text als {{form.NAME}} einsetzt.\n"
             "  values:\n"
             "    # Name der Videokonferenz-Plattform.\n"
             "    platform: IServ\n"
             "    # Datenschutz-Aufsichtsbehörde des Landes. Der Text setzt \"bei der\" davor, daher diese "
             "Form.\n"
             "    # Außerhalb von Nordrhein-Westfalen die Behörde des eigenen Landes eintragen.\n"
             "    authority: \"Landesbeauftragten für den Datenschutz und die Informationsfreiheit "
             "Nordrhein-Westfalen\"\n"
             "    # Bis wann die Formulare zurückgegeben werden sollen, z. B. 11.12.2026.\n"
             "    return_by: \"[TT.MM.JJJJ]\"\n"
             "\n");
    if (r)
        put_roster_found(&b, r, roster_file);
    else
        put_roster_default(&b);
    buf_puts(&b, "\n"
                 "output:\n"
                 "  # Ordner für die fertigen PDF-Dateien.\n"
                 "  dir: out\n"
                 "  # class: eine Datei je Klasse; pupil: eine Datei je Kind; both: beides.\n"
                 "  split: class\n"
                 "  # true: jedes Formular beginnt auf einem neuen Blatt (für beidseitigen Druck).\n"
                 "  duplex: true\n"
                 "  # true: jede Klassendatei beginnt mit einer Rücklaufliste der Klasse.\n"
                 "  class_sheet: true\n"
                 "\n"
                 "page:\n"
                 "  # Schriftart: ein installierter Schriftname oder eine .ttf-Datei.\n"
                 "  font: Liberation Sans\n"
                 "  # true: Falzmarken und Lochmarke am linken Rand drucken.\n"
                 "  marks: false\n"
                 "\n"
                 "register:\n"
                 "  # Die Liste der Antworten, die zurückgekommen sind (für \"scan\", \"set\", \"status\" und\n"
                 "  # \"render --missing\"). Sie öffnet sich mit Doppelklick in Excel. Für jede neue\n"
                 "  # Formularrunde eine neue Datei.\n"
                 "  file: einwilligungen.csv\n");
    return buf_detach(&b);
}

static void
report_exists(const char *path, struct diags *d)
{
    diag_add(d, DIAG_ERROR, path, 0, 0,
             "this file exists already, and init never replaces a file: move it away, or give init another "
             "folder (consentgen init FOLDER)");
}

/* An error for each file init would write that is there already: init never replaces one. */
static bool
check_free(const char *path, struct diags *d)
{
    if (sys_path_kind(path) == SYS_PATH_NONE && errno == ENOENT)
        return true;
    report_exists(path, d);
    return false;
}

/* roster.file: the roster's path relative to the new config's folder (which exists by now). */
static char *
roster_file_for(const char *roster_path, const char *folder)
{
    char *real_roster = sys_real_path(roster_path);
    char *real_folder = sys_real_path(*folder ? folder : ".");
    char *rel = real_roster && real_folder ? relative_path(real_folder, real_roster) : xstrdup(roster_path);
    free(real_roster);
    free(real_folder);
    return rel;
}

static size_t
count_classes(const struct roster *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_pupils; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(r->pupils[k].class_name, r->pupils[i].class_name) == 0;
        n += !seen;
    }
    return n;
}

/* A file init writes: its name in FOLDER and its bytes. */
struct init_file {
    char  *name;
    char  *data;
    size_t len;
};

/*
 * Writes all n files into the open folder or none (output_commit_all); an
 * interrupt meanwhile waits until that is so. False: d says why.
 */
static bool
write_all(struct output_dir *od, const char *folder, const struct init_file *want, size_t n,
          struct run_init_result *res, struct diags *d)
{
    struct sys_interrupts *in = sys_interrupts_begin();
    struct output_file    *files = xcalloc(n, sizeof(*files));
    size_t                 n_staged = 0;
    bool                   ok = true;
    for (size_t i = 0; i < n; i++)
        files[i] = (struct output_file){"", NULL, want[i].name};
    for (size_t i = 0; i < n && ok; i++) {
        files[i].tmp = output_stage(od, "", files[i].name, want[i].data, want[i].len, d);
        ok = files[i].tmp != NULL;
        n_staged += ok;
    }
    /* A last look, as the commit would replace a file that appeared meanwhile. */
    bool is_free = true;
    for (size_t i = 0; i < n && ok; i++)
        if (output_dir_kind(od, "", files[i].name) != SYS_PATH_NONE) {
            char *path = path_in(folder, files[i].name);
            report_exists(path, d);
            free(path);
            is_free = false;
        }
    if (ok && is_free) {
        ok = output_commit_all(od, n, files, d); /* on failure it has put everything back */
    } else {
        output_roll_back(od, n_staged, files, d);
        ok = false;
    }
    res->write_failed = is_free && !ok;
    if (ok) {
        res->written = xcalloc(n, sizeof(*res->written));
        for (size_t i = 0; i < n; i++)
            res->written[res->n_written++] = path_in(folder, files[i].name);
    }
    if (in)
        sys_interrupts_end(in, true);
    for (size_t i = 0; i < n; i++)
        free((char *)files[i].tmp);
    free(files);
    return ok;
}

/*
 * The shipped translations of the form text for the languages the roster
 * names (NAME.LL.md, as render finds them beside the template), appended to
 * files; a language without a shipped translation is left to check's warning.
 */
static void
add_translations(const struct roster *r, const char *shipped_folder, const char *folder, struct init_file *files,
                 size_t *n, struct diags *d)
{
    char seen[64][3];
    size_t n_seen = 0;
    for (size_t i = 0; r && i < r->n_pupils && n_seen < 64; i++) {
        const char *code = r->pupils[i].language;
        bool        known = !*code;
        for (size_t k = 0; k < n_seen && !known; k++)
            known = strcmp(seen[k], code) == 0;
        if (known)
            continue;
        memcpy(seen[n_seen++], code, 3);
        char *name = xasprintf("%s.%s.md", RUN_INIT_TEMPLATE, code);
        char *shipped = path_in(shipped_folder, name);
        char *text = NULL;
        size_t len = 0;
        if (util_read_file(shipped, INIT_MAX_TEMPLATE_BYTES, &text, &len)) {
            char *target = path_in(folder, name);
            check_free(target, d);
            free(target);
            files[(*n)++] = (struct init_file){name, text, len};
        } else {
            free(name);
        }
        free(shipped);
    }
}

bool
run_init(const struct run_init_request *req, struct run_init_result *res, struct diags *d)
{
    memset(res, 0, sizeof(*res));
    /* The current folder is "", so the paths shown are "schule.yaml", not "./schule.yaml". */
    const char *folder = req->folder && strcmp(req->folder, ".") != 0 ? req->folder : "";
    char       *template_name = xasprintf("%s.md", RUN_INIT_TEMPLATE);
    char       *template_path = path_in(folder, template_name);
    res->config_path = path_in(folder, RUN_INIT_CONFIG);
    res->template_file = RUN_INIT_TEMPLATE ".md";

    bool folder_exists = !*folder || sys_path_kind(folder) != SYS_PATH_NONE;
    if (*folder && folder_exists && !sys_is_folder(folder)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create folder \"%s\": a file with that name is in the way",
                 util_quote(folder).text);
    } else if (folder_exists) {
        check_free(res->config_path, d);
        check_free(template_path, d);
    }

    /* The shipped form text, copied so the school can adapt it. */
    char  *shipped_folder = req->templates_folder ? xstrdup(req->templates_folder) : run_shipped_templates_folder();
    char  *shipped = shipped_folder ? path_in(shipped_folder, template_name) : NULL;
    char  *text = NULL;
    size_t text_len = 0;
    if (!shipped)
        diag_add(d, DIAG_ERROR, NULL, 0, 0,
                 "the shipped templates are not installed (share/consentgen/templates); is consentgen installed "
                 "completely?");
    else if (!util_read_file(shipped, INIT_MAX_TEMPLATE_BYTES, &text, &text_len))
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read the shipped form text \"%s\": %s",
                 util_quote(shipped).text, strerror(errno));

    struct roster *r = NULL;
    if (req->roster_path) {
        size_t               before = d->n_errors;
        bool                 readable = util_check_regular_file(req->roster_path);
        struct config_roster opts = {.guess_columns = true}; /* as check reads it, once init named the columns */
        r = roster_load(req->roster_path, &opts, d);
        if (r) {
            res->n_pupils = r->n_pupils;
            res->n_classes = count_classes(r);
            size_t cols[] = {r->columns.last_name, r->columns.first_name, r->columns.birth_date,
                             r->columns.class_name, r->columns.id};
            for (size_t i = 0; i < RUN_INIT_N_FIELDS; i++)
                res->columns[i] = cols[i] == ROSTER_NO_COLUMN ? NULL : xstrdup(r->headers[cols[i]]);
        }
        if (readable && d->n_errors > before)
            diag_add(d, DIAG_NOTE, NULL, 0, 0,
                     "init writes nothing while the list has errors: correct the list (or export it again) and "
                     "run init again, or run init without --roster and fill in roster.columns by hand");
    }

    bool ok = d->n_errors == 0;
    if (ok) {
        /* Makes FOLDER (and its parents) if missing, and removes what it made if the files are not written. */
        struct output_dir *od = output_dir_open(*folder ? folder : ".", NULL, d);
        if (od) {
            if (r)
                res->roster_file = roster_file_for(req->roster_path, folder);
            struct init_file files[2 + 64] = {
                {xstrdup(RUN_INIT_CONFIG), config_text(res->template_file, r, res->roster_file), 0},
                {xstrdup(template_name), text, text_len},
            };
            files[0].len = strlen(files[0].data);
            text = NULL; /* owned by files[1] now */
            size_t n = 2;
            add_translations(r, shipped_folder, folder, files, &n, d);
            ok = d->n_errors == 0 && write_all(od, folder, files, n, res, d);
            for (size_t i = 0; i < n; i++) {
                free(files[i].name);
                free(files[i].data);
            }
            output_dir_free(od);
        } else {
            ok = false;
            res->write_failed = true;
        }
    }
    roster_free(r);
    free(text);
    free(shipped);
    free(shipped_folder);
    free(template_path);
    free(template_name);
    return ok;
}
