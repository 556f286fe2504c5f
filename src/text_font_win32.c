/*
 * text font finder for Windows, which has no fontconfig: the .ttf files in the
 * fonts folder shipped beside the program (share\consentgen\fonts next to its
 * bin folder, or fonts next to the program), then in the Windows Fonts folder
 * and the user's own (%LOCALAPPDATA%\Microsoft\Windows\Fonts). Each file's
 * family comes from its name table (typographic family, else family), its
 * style from OS/2 through HarfBuzz. A style is matched as fontconfig does for
 * consentgen: the face of the family nearest in slant, then in weight; a
 * family with one face gives it for every style. The shipped folder is read
 * first, the system's only when a family is not found there.
 */
#include "consentgen/text.h"

#include <stdlib.h>
#include <string.h>

#include <hb-ot.h>
#include <windows.h>

#include "text_int.h"

struct face_entry {
    char *path;
    char *family[2]; /* typographic family, family (either may be NULL) */
    int   weight;    /* 100 .. 900 */
    bool  is_italic;
};

struct text_finder {
    struct face_entry *faces;
    size_t             n_faces;
    bool               read_system; /* the Windows folders have been read */
};

/* UTF-16 -> UTF-8 (caller frees); NULL if it cannot be converted. */
static char *
narrow(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return NULL;
    char *s = xmalloc((size_t)n);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

static char *
name_of(hb_face_t *face, hb_ot_name_id_t id)
{
    char         buf[256];
    unsigned int len = sizeof buf;
    if (hb_ot_name_get_utf8(face, id, hb_language_from_string("en", -1), &len, buf) == 0)
        return NULL;
    return xstrdup(buf);
}

/* Adds the face of one .ttf file; files HarfBuzz cannot read are passed over. */
static void
add_file(struct text_finder *f, const char *path)
{
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    hb_face_t *face = blob ? hb_face_create(blob, 0) : NULL;
    if (face && hb_face_get_glyph_count(face) > 0) {
        hb_font_t        *font = hb_font_create(face);
        struct face_entry e = {xstrdup(path),
                               {name_of(face, HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY),
                                name_of(face, HB_OT_NAME_ID_FONT_FAMILY)},
                               (int)(hb_style_get_value(font, HB_STYLE_TAG_WEIGHT) + 0.5f),
                               hb_style_get_value(font, HB_STYLE_TAG_ITALIC) > 0.5f ||
                                   hb_style_get_value(font, HB_STYLE_TAG_SLANT_ANGLE) != 0.0f};
        hb_font_destroy(font);
        if (e.family[0] || e.family[1]) {
            f->faces = xrealloc(f->faces, (f->n_faces + 1) * sizeof *f->faces);
            f->faces[f->n_faces++] = e;
        } else {
            free(e.path);
        }
    }
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every .ttf file of folder (UTF-16), in name order so that the choice between equal faces is stable. */
static void
add_folder(struct text_finder *f, const wchar_t *folder)
{
    size_t   n = wcslen(folder);
    wchar_t *pattern = xmalloc((n + 8) * sizeof *pattern);
    wcscpy(pattern, folder);
    wcscat(pattern, L"\\*.ttf");
    WIN32_FIND_DATAW fd;
    HANDLE           h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return;
    char  *dir = narrow(folder);
    char **paths = NULL;
    size_t n_paths = 0;
    do {
        char *name = narrow(fd.cFileName);
        if (dir && name && !(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
            paths = xrealloc(paths, (n_paths + 1) * sizeof *paths);
            paths[n_paths++] = xasprintf("%s\\%s", dir, name);
        }
        free(name);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    if (n_paths > 0)
        qsort(paths, n_paths, sizeof *paths, compare_names);
    for (size_t i = 0; i < n_paths; i++) {
        add_file(f, paths[i]);
        free(paths[i]);
    }
    free(paths);
    free(dir);
}

struct text_finder *
text_finder_new(void)
{
    struct text_finder *f = xcalloc(1, sizeof *f);
    wchar_t             exe[32768];
    DWORD               n = GetModuleFileNameW(NULL, exe, sizeof exe / sizeof exe[0] - 64);
    wchar_t            *slash = n > 0 && n < sizeof exe / sizeof exe[0] - 64 ? wcsrchr(exe, L'\\') : NULL;
    if (slash) {
        *slash = L'\0';
        size_t   len = wcslen(exe);
        wchar_t *shipped = xmalloc((len + 64) * sizeof *shipped);
        wcscpy(shipped, exe);
        wcscat(shipped, L"\\..\\share\\consentgen\\fonts");
        add_folder(f, shipped);
        wcscpy(shipped, exe);
        wcscat(shipped, L"\\fonts");
        add_folder(f, shipped);
        free(shipped);
    }
    return f;
}

/* The Windows Fonts folder and the user's, read when a family is not among the shipped fonts. */
static void
read_system_fonts(struct text_finder *f)
{
    if (f->read_system)
        return;
    f->read_system = true;
    wchar_t win[MAX_PATH + 16];
    UINT    n = GetWindowsDirectoryW(win, MAX_PATH);
    if (n > 0 && n < MAX_PATH) {
        wcscat(win, L"\\Fonts");
        add_folder(f, win);
    }
    wchar_t local[MAX_PATH + 64];
    DWORD   m = GetEnvironmentVariableW(L"LOCALAPPDATA", local, MAX_PATH);
    if (m > 0 && m < MAX_PATH) {
        wcscat(local, L"\\Microsoft\\Windows\\Fonts");
        add_folder(f, local);
    }
}

void
text_finder_free(struct text_finder *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_faces; i++) {
        free(f->faces[i].path);
        free(f->faces[i].family[0]);
        free(f->faces[i].family[1]);
    }
    free(f->faces);
    free(f);
}

static bool
is_of_family(const struct face_entry *e, const char *family)
{
    for (int k = 0; k < 2; k++)
        if (e->family[k] && util_strcasecmp_ascii(e->family[k], family) == 0)
            return true;
    return false;
}

/* The nearest face of family among the faces read so far, or NULL. */
static const struct face_entry *
nearest(const struct text_finder *f, const char *family, enum text_style style)
{
    int                      want_weight = style == TEXT_STYLE_BOLD ? 700 : 400;
    bool                     want_italic = style == TEXT_STYLE_ITALIC;
    const struct face_entry *best = NULL;
    int                      best_score = 0;
    for (size_t i = 0; i < f->n_faces; i++) {
        const struct face_entry *e = &f->faces[i];
        if (!is_of_family(e, family))
            continue;
        int score = (e->is_italic != want_italic) * 10000 + abs(e->weight - want_weight);
        if (!best || score < best_score) {
            best = e;
            best_score = score;
        }
    }
    return best;
}

char *
text_finder_match(struct text_finder *f, const char *family, enum text_style style)
{
    const struct face_entry *e = nearest(f, family, style);
    if (!e) {
        read_system_fonts(f);
        e = nearest(f, family, style);
    }
    return e ? xstrdup(e->path) : NULL;
}

void
text_finder_each_family(struct text_finder *f, void (*fn)(void *ctx, const char *family), void *ctx)
{
    read_system_fonts(f);
    for (size_t i = 0; i < f->n_faces; i++)
        for (int k = 0; k < 2; k++)
            if (f->faces[i].family[k])
                fn(ctx, f->faces[i].family[k]);
}
