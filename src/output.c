/*
 * output: portable file names and atomic writes.
 *
 * Names (DESIGN.md "File names are portable"): ASCII letters, digits, '-' and
 * '_'; German umlauts and ß are spelled out (ä -> ae, ß -> ss), other letters
 * lose their accents (NFKD without marks, via utf8proc; a few letters without
 * a decomposition, such as ł and ø, from a table), other scripts (Cyrillic,
 * Greek, Arabic, CJK) are first transliterated to Latin with ICU's "Any-Latin"
 * (Олена -> Olena; on Windows from a table made from ICU, output_translit_table.c),
 * and every other run of characters becomes one '_'. So a
 * name can never contain '/' or be "." or "..".
 * Writes: temp file in the target folder, fsync, rename (mandoc mandocdb.c).
 * The output folder of a whole run, written all or nothing, is output_dir.c.
 */
#include "consentgen/output.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/sys.h"
#include "output_int.h"

/* Longer names are cut: a file name must stay below 255 bytes with ".pdf" and "_2" added. */
#define MAX_NAME_LEN 120

struct spelling {
    int32_t     cp;
    const char *ascii;
};

/* German spelling first; then letters NFKD cannot reduce to ASCII. */
static const struct spelling SPELLINGS[] = {
    {0x00E4, "ae"}, {0x00F6, "oe"}, {0x00FC, "ue"}, {0x00C4, "Ae"}, {0x00D6, "Oe"},
    {0x00DC, "Ue"}, {0x00DF, "ss"}, {0x1E9E, "SS"}, {0x0142, "l"},  {0x0141, "L"},
    {0x00F8, "o"},  {0x00D8, "O"},  {0x0111, "d"},  {0x0110, "D"},  {0x00E6, "ae"},
    {0x00C6, "Ae"}, {0x0153, "oe"}, {0x0152, "Oe"}, {0x0131, "i"},  {0x00F0, "d"},
    {0x00D0, "D"},  {0x00FE, "th"}, {0x00DE, "Th"}, {0x0127, "h"},  {0x0126, "H"},
};

static bool
is_ascii_alnum(int32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

enum spell { SPELL_SEPARATOR, SPELL_DROP, SPELL_TEXT };

/* How one code point appears in a file name; SPELL_TEXT fills out (at most 18 bytes + NUL). */
static enum spell
spell(int32_t cp, char out[static 19])
{
    if (is_ascii_alnum(cp) || cp == '-') {
        out[0] = (char)cp;
        out[1] = '\0';
        return SPELL_TEXT;
    }
    if (cp < 0x80)
        return SPELL_SEPARATOR;
    for (size_t i = 0; i < sizeof SPELLINGS / sizeof SPELLINGS[0]; i++) {
        if (SPELLINGS[i].cp == cp) {
            strcpy(out, SPELLINGS[i].ascii);
            return SPELL_TEXT;
        }
    }
    int32_t parts[18];
    size_t  n = utf8_decompose_base(cp, parts, 18);
    size_t  len = 0;
    bool    ascii = n > 0;
    for (size_t i = 0; ascii && i < n; i++) {
        ascii = is_ascii_alnum(parts[i]);
        out[len++] = (char)parts[i];
    }
    out[len] = '\0';
    if (ascii && len > 0)
        return SPELL_TEXT;
    return utf8_is_letter_or_mark(cp) ? SPELL_DROP : SPELL_SEPARATOR;
}

/* True if text has a letter that spell() can only drop: one of another script. */
static bool
needs_transliteration(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int32_t cp;
        char    part[19];
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return false;
        if (cp >= 0x80 && spell(cp, part) == SPELL_DROP)
            return true;
        i += n;
    }
    return false;
}

struct output_namer {
    struct output_translit *translit; /* opened on first use: ICU's costs about 8 ms */
};

struct output_namer *
output_namer_new(void)
{
    return xcalloc(1, sizeof(struct output_namer));
}

void
output_namer_free(struct output_namer *nm)
{
    if (!nm)
        return;
    output_translit_free(nm->translit);
    free(nm);
}

void
output_cleanup(void)
{
    output_translit_cleanup();
}

char *
output_namer_safe_name(struct output_namer *nm, const char *text)
{
    /* Roster names are NFC already; normalising here also covers other callers. */
    char       *nfc = utf8_nfc(text);
    const char *s = nfc ? nfc : text;
    char       *latin = NULL;
    if (needs_transliteration(s, strlen(s)) && (latin = output_translit_latin(&nm->translit, s)) != NULL) {
        char *latin_nfc = utf8_nfc(latin);
        free(latin);
        latin = latin_nfc;
        if (latin)
            s = latin;
    }
    size_t     len = strlen(s);
    struct buf b;
    bool       pending_sep = false;

    buf_init(&b);
    for (size_t i = 0; i < len;) {
        int32_t    cp;
        size_t     n = utf8_decode(s + i, len - i, &cp);
        char       part[19];
        enum spell sp = SPELL_SEPARATOR;
        if (n == 0) /* invalid UTF-8 byte */
            n = 1;
        else
            sp = spell(cp, part);
        i += n;
        if (sp == SPELL_SEPARATOR) {
            pending_sep = true;
        } else if (sp == SPELL_TEXT) {
            size_t plen = strlen(part);
            if (b.len + plen + (pending_sep ? 1 : 0) > MAX_NAME_LEN)
                break;
            /* No leading '_': a separator is written only between two pieces of text. */
            if (pending_sep && b.len > 0)
                buf_putc(&b, '_');
            pending_sep = false;
            /* A leading '-' would read as an option to rm, lpr and friends. */
            if (b.len == 0 && part[0] == '-')
                continue;
            buf_append(&b, part, plen);
        }
    }
    free(nfc);
    free(latin);
    if (b.len == 0) {
        buf_fini(&b);
        return xstrdup("unbenannt");
    }
    return buf_detach(&b);
}

/* ---- unique names ----------------------------------------------------------------------------- */

struct output_names {
    char **v;
    size_t n, cap;
};

struct output_names *
output_names_new(void)
{
    return xcalloc(1, sizeof(struct output_names));
}

void
output_names_free(struct output_names *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i]);
    free(n->v);
    free(n);
}

/* The index of a name equal to name ignoring case, or SIZE_MAX. */
static size_t
name_taken(const struct output_names *n, const char *name)
{
    /* Ignoring case: "Mueller_Anna.pdf" and "mueller_anna.pdf" are one file on macOS and Windows. */
    for (size_t i = 0; i < n->n; i++)
        if (util_strcasecmp_ascii(n->v[i], name) == 0)
            return i;
    return SIZE_MAX;
}

const char *
output_names_unique(struct output_names *n, const char *base, size_t *clash)
{
    char  *name = xstrdup(base);
    size_t first = name_taken(n, name);
    for (unsigned k = 2; name_taken(n, name) != SIZE_MAX; k++) {
        free(name);
        name = xasprintf("%s_%u", base, k);
    }
    if (clash)
        *clash = first;
    if (n->n == n->cap) {
        n->cap = n->cap ? 2 * n->cap : 16;
        n->v = xrealloc(n->v, n->cap * sizeof *n->v);
    }
    n->v[n->n++] = name;
    return name;
}

/* ---- folders and single files ------------------------------------------------------------------ */

/* mkdir one level; an existing folder is fine. *made: it was created here. */
static bool
make_one_dir(const struct output_fs *fs, const char *path, const char *shown, bool *made, struct diags *d)
{
    *made = false;
    if (fs->make_folder(path)) {
        *made = true;
        return true;
    }
    int e = errno;
    if (e == EEXIST || e == EISDIR || e == EROFS || e == EACCES) {
        /* An existing folder is fine even where mkdir is not allowed (read-only parents). */
        if (sys_is_folder(path))
            return true;
        if (sys_path_kind(path) != SYS_PATH_NONE) {
            diag_add(d, DIAG_ERROR, NULL, 0, 0,
                     "cannot create folder \"%s\": a file with that name is in the way", shown);
            return false;
        }
    }
    diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create folder \"%s\": %s", shown, strerror(e));
    return false;
}

/* mkdir -p; each folder made is appended to *made (n_made of them). */
bool
output_make_dirs(const struct output_fs *fs, const char *dir, char ***made, size_t *n_made, struct diags *d)
{
    if (!*dir) /* the current folder */
        return true;
    char *path = xstrdup(dir);
    bool  ok = true;
    /* Each parent first, as mkdir -p does; "a//b" and a trailing '/' are fine. */
    for (char *p = path + 1; ok; p++) {
        bool end = !*p;
        if (!end && (!util_is_path_separator(*p) || util_is_path_separator(p[-1])))
            continue;
        char saved = *p;
        *p = '\0';
        bool was_made;
        ok = make_one_dir(fs, path, dir, &was_made, d);
        if (ok && was_made && made) {
            *made = xrealloc(*made, (*n_made + 1) * sizeof(**made));
            (*made)[(*n_made)++] = xstrdup(path);
        }
        *p = saved;
        if (end)
            break;
    }
    free(path);
    return ok;
}

bool
output_make_dir(const char *dir, struct diags *d)
{
    return output_make_dirs(output_fs_system(), dir, NULL, NULL, d);
}

bool
output_is_plain_name(const char *name)
{
    return *name && !util_last_path_separator(name) && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* dir/name, or name alone for the current folder. */
char *
output_join(const char *dir, const char *name)
{
    size_t dlen = strlen(dir);
    if (!dlen)
        return xstrdup(name);
    if (util_is_path_separator(dir[dlen - 1]))
        return xasprintf("%s%s", dir, name);
    /* In the style of dir: C:\\Schule\\out\\5a.pdf on Windows. */
    const char *sep = util_last_path_separator(dir);
    return xasprintf("%s%c%s", dir, sep ? *sep : '/', name);
}

void
output_report_write_error(const char *shown, int e, bool folder_there, struct diags *d)
{
    if (e == EISDIR || (e == EEXIST && folder_there))
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": a folder with that name is in the way",
                 shown);
    else
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": %s", shown, strerror(e));
}

/* Whether name is one plain file name (no folder part); if not, an error about shown. */
static bool
is_plain_name_or_report(const char *name, const char *shown, struct diags *d)
{
    if (output_is_plain_name(name))
        return true;
    diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot write \"%s\": not a plain file name", shown);
    return false;
}

bool
output_stage_file(const char *dir, const char *name, const void *data, size_t len, char **tmp_path,
                  char **final_path, struct diags *d)
{
    const struct output_fs *fs = output_fs_system();
    char                   *shown = output_join(dir, name);
    *tmp_path = *final_path = NULL;
    if (!is_plain_name_or_report(name, shown, d)) {
        free(shown);
        return false;
    }
    struct sys_folder *f = fs->folder_open(dir);
    char              *tmp = xasprintf(".%s.XXXXXX", name);
    if (!f || !fs->write_new_file_in(f, tmp, data, len)) {
        int e = errno;
        output_report_write_error(shown, e, f && fs->entry_kind(f, name) == SYS_PATH_FOLDER, d);
        if (f)
            fs->folder_close(f);
        free(tmp);
        free(shown);
        return false;
    }
    fs->folder_close(f);
    *tmp_path = output_join(dir, tmp);
    *final_path = shown;
    free(tmp);
    return true;
}

bool
output_write_atomic(const char *dir, const char *name, const void *data, size_t len, struct diags *d)
{
    const struct output_fs *fs = output_fs_system();
    char                   *shown = output_join(dir, name);
    if (!is_plain_name_or_report(name, shown, d)) {
        free(shown);
        return false;
    }
    /* Held back, not ignored: an interrupt that arrives meanwhile ends the program once the file is complete
     * or gone. */
    struct sys_interrupts *in = sys_interrupts_begin();
    struct sys_folder     *f = fs->folder_open(dir);
    char                  *tmp = xasprintf(".%s.XXXXXX", name);
    bool                   ok = f && fs->write_new_file_in(f, tmp, data, len);
    bool                   staged = ok;
    ok = ok && fs->sync_file_in(f, tmp) && fs->publish_in(f, tmp) && fs->rename_in(f, tmp, f, name);
    if (!ok) {
        int e = errno;
        if (staged)
            fs->remove_in(f, tmp);
        output_report_write_error(shown, e, f && fs->entry_kind(f, name) == SYS_PATH_FOLDER, d);
    } else {
        /* The rename itself reaches the disk only with the folder. */
        fs->sync_entries(f);
    }
    if (f)
        fs->folder_close(f);
    if (in)
        sys_interrupts_end(in, true);
    free(tmp);
    free(shown);
    return ok;
}
