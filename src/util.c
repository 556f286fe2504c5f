/*
 * util: the small pieces every module needs. Allocation aborts on
 * exhaustion (there is nothing sensible a form printer can do without
 * memory); everything else reports failure through errno and a false/NULL
 * return. UTF-8 work is delegated to utf8proc; dates are the proleptic
 * Gregorian calendar of German school rosters.
 */
#include "consentgen/util.h"

#include <ctype.h>
#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <utf8proc.h>

#define TEXT_DOMAIN "consentgen"

const char *
util_translate(const char *msgid)
{
    return dgettext(TEXT_DOMAIN, msgid);
}

const char *
util_translate_plural(const char *singular, const char *plural, unsigned long n)
{
    return dngettext(TEXT_DOMAIN, singular, plural, n);
}

/* The locale the environment asks for messages: LC_ALL, LC_MESSAGES, LANG, the first one set. */
static const char *
wanted_messages_locale(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return v;
    }
    return NULL;
}

/*
 * glibc's gettext ignores LANGUAGE while the messages locale is "C", and a
 * locale that is not generated on the machine (LANG=de_DE.UTF-8 on a server
 * with only C.UTF-8) leaves it "C". Then the messages locale becomes C.UTF-8,
 * which is always there, and the language comes from LANGUAGE, or from the
 * wanted locale's name when LANGUAGE is unset; so LANGUAGE=de alone and a
 * German desktop's LANG both give German. LC_ALL=C (or LANG=C) chosen on
 * purpose stays English, as in every GNU program.
 */
static void
messages_without_generated_locale(void)
{
#if defined(__GLIBC__)
    const char *now = setlocale(LC_MESSAGES, NULL);
    if (!now || (strcmp(now, "C") != 0 && strcmp(now, "POSIX") != 0))
        return;
    const char *want = wanted_messages_locale();
    const char *language = getenv("LANGUAGE");
    if (want && (strcmp(want, "C") == 0 || strcmp(want, "POSIX") == 0))
        return;
    if (!want && !(language && *language))
        return;
    if (!setlocale(LC_MESSAGES, "C.UTF-8"))
        return;
    if (want && !(language && *language))
        setenv("LANGUAGE", want, 1); /* glibc takes "de_DE.UTF-8" there as the language de_DE */
#else
    /* Other C libraries (Windows: libintl takes the user's language from Windows) need none of this. */
    (void)wanted_messages_locale;
#endif
}

void
util_i18n_init(const char *locale_dir)
{
    setlocale(LC_ALL, "");
    messages_without_generated_locale();
    /* Data (PDF coordinates, dates, counts in files) is written in the C format in every language. */
    setlocale(LC_NUMERIC, "C");
    bindtextdomain(TEXT_DOMAIN, locale_dir);
    bind_textdomain_codeset(TEXT_DOMAIN, "UTF-8");
}

static void
out_of_memory(size_t size)
{
    fprintf(stderr, "consentgen: error: out of memory (%zu bytes)\n", size);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *
xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory(size);
    return q;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t len)
{
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        out_of_memory(0);
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

/* ---- string buffer ---- */

void
buf_init(struct buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void
buf_fini(struct buf *b)
{
    free(b->data);
    buf_init(b);
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void
buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void
buf_append(struct buf *b, const char *s, size_t len)
{
    buf_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
    buf_append(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    buf_puts(b, s);
    free(s);
}

char *
buf_detach(struct buf *b)
{
    char *p = b->data ? b->data : xstrdup("");
    buf_init(b);
    return p;
}

/* ---- arena ---- */

/* Chunks are kept across arena_reset(), so a per-pupil loop reaches a steady state without malloc. */
struct arena_chunk {
    struct arena_chunk *next;
    size_t              cap, used;
    max_align_t         data[];
};

struct arena {
    struct arena_chunk *head; /* chunk being filled */
    struct arena_chunk *free; /* chunks emptied by arena_reset */
};

#define ARENA_CHUNK_SIZE (64 * 1024)

struct arena *
arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

static void
free_chunks(struct arena_chunk *c)
{
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

void
arena_free(struct arena *a)
{
    if (!a)
        return;
    free_chunks(a->head);
    free_chunks(a->free);
    free(a);
}

void
arena_reset(struct arena *a)
{
    while (a->head) {
        struct arena_chunk *c = a->head;
        a->head = c->next;
        if (c->cap == ARENA_CHUNK_SIZE) {
            c->used = 0;
            c->next = a->free;
            a->free = c;
        } else {
            free(c); /* oversized one-off chunk */
        }
    }
}

/* Memory from the arena, not zeroed: for what is copied over at once. */
static void *
arena_alloc_raw(struct arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    struct arena_chunk *c = a->head;
    if (!c || c->cap - c->used < size) {
        if (size <= ARENA_CHUNK_SIZE && a->free) {
            c = a->free;
            a->free = c->next;
        } else {
            size_t cap = size > ARENA_CHUNK_SIZE ? size : ARENA_CHUNK_SIZE;
            c = xmalloc(sizeof(*c) + cap);
            c->cap = cap;
            c->used = 0;
        }
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

void *
arena_alloc(struct arena *a, size_t size)
{
    void *p = arena_alloc_raw(a, size);
    memset(p, 0, size);
    return p;
}

void *
arena_memdup(struct arena *a, const void *p, size_t size)
{
    void *q = arena_alloc_raw(a, size ? size : 1);
    if (size)
        memcpy(q, p, size);
    return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
    char *p = arena_alloc_raw(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    char *p = arena_strdup(a, s);
    free(s);
    return p;
}

/* ---- files and paths ---- */

/* A folder is EISDIR; a pipe, device or socket ENODEV: reading one could block or never end. */
static bool
is_regular(const struct stat *st)
{
    if (S_ISREG(st->st_mode))
        return true;
    errno = S_ISDIR(st->st_mode) ? EISDIR : ENODEV;
    return false;
}

bool
util_check_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && is_regular(&st);
}

bool
util_read_file(const char *path, size_t max_len, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    /* stat first: opening a FIFO waits for a writer, forever; fstat then checks what was opened. */
    if (!util_check_regular_file(path))
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !is_regular(&st)) {
        int err = errno;
        fclose(f);
        errno = err;
        return false;
    }
    /* A regular file that is too large is refused before reading it: a 100 MB file costs no memory. */
    if (st.st_size > 0 && (unsigned long long)st.st_size > max_len) {
        fclose(f);
        errno = EFBIG;
        return false;
    }
    struct buf b;
    buf_init(&b);
    buf_reserve(&b, 0);
    char   chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_len) {
            buf_fini(&b);
            fclose(f);
            errno = EFBIG;
            return false;
        }
        buf_append(&b, chunk, n);
    }
    if (ferror(f)) {
        int err = errno;
        buf_fini(&b);
        fclose(f);
        errno = err ? err : EIO;
        return false;
    }
    fclose(f);
    *len = b.len;
    *data = buf_detach(&b);
    return true;
}

/* Whether needle occurs in the n bytes at s. */
static bool
contains(const char *s, size_t n, const char *needle, size_t needle_len)
{
    for (size_t i = 0; needle_len <= n && i <= n - needle_len; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, needle_len) == 0)
            return true;
    return false;
}

#define CONTAINS(s, n, lit) contains((s), (n), (lit), sizeof(lit) - 1)

enum util_file_kind
util_file_kind(const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return UTIL_FILE_UTF16LE;
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return UTIL_FILE_UTF16BE;
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
        return UTIL_FILE_PDF;
    if (len >= 5 && memcmp(data, "{\\rtf", 5) == 0)
        return UTIL_FILE_WORD;
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
        /* ZIP: OpenDocument names its type in the first entry, "mimetype"; Office Open XML by its folders.
         * Entry names are stored uncompressed, in each entry's header and in the directory at the end. */
        if (CONTAINS(data, len, "application/vnd.oasis.opendocument.spreadsheet"))
            return UTIL_FILE_ODS;
        if (CONTAINS(data, len, "application/vnd.oasis.opendocument.text"))
            return UTIL_FILE_WORD;
        if (CONTAINS(data, len, "xl/workbook") || CONTAINS(data, len, "xl/_rels"))
            return UTIL_FILE_XLSX;
        if (CONTAINS(data, len, "word/document") || CONTAINS(data, len, "word/_rels"))
            return UTIL_FILE_WORD;
        return UTIL_FILE_BINARY;
    }
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        /* OLE2 (Office 97-2003): the streams' names are UTF-16 in the directory. */
        if (CONTAINS(data, len, "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0"))
            return UTIL_FILE_WORD;
        return UTIL_FILE_XLS; /* "Workbook" or "Book"; anything else of Office 97 reads as Excel's too */
    }
    static const char *const images[] = {"\x89PNG", "\xFF\xD8\xFF", "GIF8", "BM"};
    for (size_t i = 0; i < sizeof images / sizeof images[0]; i++)
        if (len >= strlen(images[i]) && memcmp(data, images[i], strlen(images[i])) == 0 &&
            memchr(data, '\0', len < 64 ? len : 64))
            return UTIL_FILE_BINARY;
    /* Images, archives and programs have many NUL bytes early; a damaged text may have one or two. */
    size_t n_nul = 0;
    for (size_t i = 0; i < len && i < 8192; i++)
        n_nul += data[i] == '\0';
    return n_nul >= 4 ? UTIL_FILE_BINARY : UTIL_FILE_TEXT;
}

/* Set by the build for Windows (CMakeLists.txt), where paths such as C:\\Users\\Sekretariat\\schule.yaml are usual. */
#ifndef CONSENTGEN_BACKSLASH_PATHS
#define CONSENTGEN_BACKSLASH_PATHS 0
#endif

bool
util_is_path_separator(char c)
{
    return c == '/' || (CONSENTGEN_BACKSLASH_PATHS && c == '\\');
}

const char *
util_last_path_separator(const char *path)
{
    const char *last = NULL;
    for (const char *p = path; *p; p++)
        if (util_is_path_separator(*p))
            last = p;
    return last;
}

static bool
is_absolute_path(const char *p)
{
    if (util_is_path_separator(p[0]))
        return true;
    /* A drive letter: "C:\\..." (and "C:x", relative to that drive's folder, is no path of this folder either). */
    return CONSENTGEN_BACKSLASH_PATHS && isalpha((unsigned char)p[0]) && p[1] == ':';
}

char *
util_path_relative_to(const char *base_file, const char *rel)
{
    if (is_absolute_path(rel))
        return xstrdup(rel);
    const char *slash = util_last_path_separator(base_file);
    if (!slash)
        return xstrdup(rel);
    /* The base's own separator, so that a Windows path stays in one style. */
    return xasprintf("%.*s%c%s", (int)(slash - base_file), base_file, *slash, rel);
}

int
util_strcasecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

size_t
util_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 128 || lb > 128)
        return (size_t)-1;
    size_t row[129];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* ---- UTF-8 ---- */

size_t
utf8_decode(const char *s, size_t len, int32_t *cp)
{
    if (len == 0)
        return 0;
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &c);
    if (n <= 0)
        return 0;
    *cp = c;
    return (size_t)n;
}

bool
utf8_is_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

size_t
utf8_count_chars(const char *s, size_t len)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

static char *
utf8_map(const char *s, utf8proc_option_t options)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t  n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out, options | UTF8PROC_NULLTERM);
    if (n < 0) {
        errno = EILSEQ;
        return NULL;
    }
    return (char *)out;
}

char *
utf8_nfc(const char *s)
{
    return utf8_map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

char *
utf8_fold(const char *s)
{
    return utf8_map(s, UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

/* Letters that carry their "accent" in the base letter itself, so decomposition cannot strip it. */
static utf8proc_int32_t
map_din_base_letter(utf8proc_int32_t cp, void *data)
{
    (void)data;
    switch (cp) {
    case 0x0141: /* Ł */
    case 0x0142: /* ł */
        return 'l';
    case 0x00D8: /* Ø */
    case 0x00F8: /* ø */
        return 'o';
    case 0x0110: /* Đ */
    case 0x0111: /* đ */
        return 'd';
    case 0x0131: /* ı, dotless i */
        return 'i';
    case 0x0126: /* Ħ */
    case 0x0127: /* ħ */
        return 'h';
    default:
        return cp;
    }
}

/*
 * DIN 5007-1 sort key: umlauts as their base letter (ä = a), ß = ss (case
 * folding), other accents dropped, case ignored.
 */
char *
utf8_sort_key(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t  n = utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &out,
                                              UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                  UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
                                              map_din_base_letter, NULL);
    if (n < 0)
        return xstrdup(s);
    return (char *)out;
}

size_t
utf8_grapheme_len(const char *s, size_t len)
{
    /* ASCII before ASCII is a cluster of its own (but CR LF is one): most of a German form. */
    if (len > 0 && (unsigned char)s[0] < 0x80 && (len == 1 || ((unsigned char)s[1] < 0x80 && s[0] != '\r')))
        return 1;
    utf8proc_int32_t state = 0, prev = -1;
    size_t           i = 0;
    while (i < len) {
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) /* an invalid byte is a cluster of its own */
            return i ? i : 1;
        if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state))
            break;
        prev = cp;
        i += n;
    }
    return i;
}

bool
utf8_is_letter_or_mark(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return true;
    default:
        return false;
    }
}

size_t
utf8_decompose_base(int32_t cp, int32_t *out, size_t max)
{
    int              boundclass = UTF8PROC_BOUNDCLASS_START;
    utf8proc_ssize_t n =
        utf8proc_decompose_char(cp, out, (utf8proc_ssize_t)max,
                                UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &boundclass);
    return n > 0 && (size_t)n <= max ? (size_t)n : 0;
}

/* Shown escaped in messages: controls, invalid bytes, and characters that reorder or hide text. */
static bool
is_hidden(int32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

struct util_quoted
util_quote_len(const char *s, size_t len)
{
    struct util_quoted q;
    size_t             w = 0, n_chars = 0;
    for (size_t i = 0; s && i < len;) {
        if (n_chars == UTIL_QUOTE_MAX_CHARS) {
            memcpy(q.text + w, "\xE2\x80\xA6", 3); /* … */
            w += 3;
            break;
        }
        int32_t cp;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            w += (size_t)snprintf(q.text + w, sizeof q.text - w, "\\x%02X", (unsigned char)s[i]);
            n = 1;
        } else if (cp == '\t' || cp == '\n' || cp == '\r') {
            q.text[w++] = '\\';
            q.text[w++] = cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r';
        } else if (is_hidden(cp)) {
            w += (size_t)snprintf(q.text + w, sizeof q.text - w, cp < 0x80 ? "\\x%02X" : "\\u%04X",
                                  (unsigned)cp);
        } else {
            memcpy(q.text + w, s + i, n);
            w += n;
        }
        i += n;
        n_chars++;
    }
    q.text[w] = '\0';
    return q;
}

struct util_quoted
util_quote(const char *s)
{
    return util_quote_len(s, s ? strlen(s) : 0);
}

/* Characters trimmed from the ends of a field: every Unicode space (Zs), tab, zero-width space, BOM. */
static bool
is_trimmed_space(int32_t cp)
{
    return cp == '\t' || cp == 0x200B || cp == 0xFEFF || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

char *
utf8_trim(const char *s, size_t len)
{
    size_t start = 0, end = len;
    for (;;) {
        int32_t cp;
        size_t  n = utf8_decode(s + start, end - start, &cp);
        if (n == 0 || !is_trimmed_space(cp))
            break;
        start += n;
    }
    while (end > start) {
        size_t b = end - 1; /* the start of the last character */
        while (b > start && ((unsigned char)s[b] & 0xC0) == 0x80)
            b--;
        int32_t cp = 0; /* set by utf8_decode when it returns end - b */
        if (utf8_decode(s + b, end - b, &cp) != end - b || !is_trimmed_space(cp))
            break;
        end = b;
    }
    return xstrndup(s + start, end - start);
}

/* German spellings first (ä = ae, as file names spell it; the first three), then letters decomposition cannot
 * reduce. */
static const struct {
    int32_t     cp;
    const char *ascii;
} MATCH_SPELLINGS[] = {
    {0x00E4, "ae"}, {0x00F6, "oe"}, {0x00FC, "ue"}, {0x00DF, "ss"}, {0x1E9E, "ss"},
    {0x00E6, "ae"}, {0x0153, "oe"}, {0x0142, "l"},  {0x00F8, "o"},  {0x0111, "d"},
    {0x0131, "i"},  {0x00F0, "d"},  {0x00FE, "th"}, {0x0127, "h"},
};

/* utf8_match_key, with ä ö ü spelled out (ae oe ue) or, when !spells_umlauts, as their base letter. */
static char *
match_key(const char *s, bool spells_umlauts)
{
    char       *nfc = utf8_nfc(s ? s : "");
    const char *t = nfc ? nfc : "";
    size_t      len = strlen(t);
    struct buf  b;
    buf_init(&b);
    buf_append(&b, "", 0);
    bool gap = false; /* a separator is pending: written before the next letter, never at the ends */
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t  n = utf8_decode(t + i, len - i, &cp);
        if (n == 0)
            break;
        i += n;
        int32_t     lower = utf8proc_tolower(cp);
        const char *spelled = NULL;
        for (size_t k = spells_umlauts ? 0 : 3; k < sizeof MATCH_SPELLINGS / sizeof MATCH_SPELLINGS[0]; k++)
            if (MATCH_SPELLINGS[k].cp == lower)
                spelled = MATCH_SPELLINGS[k].ascii;
        int32_t parts[18];
        size_t  n_parts = 0;
        if (!spelled)
            n_parts = utf8_decompose_base(cp, parts, 18);
        if (!spelled && n_parts == 0) {
            int cat = utf8proc_category(cp);
            if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME)
                continue; /* a mark without its letter */
            parts[0] = cp;
            n_parts = 1;
        }
        for (size_t k = 0; spelled || k < n_parts; k++) {
            bool is_word = spelled || utf8_is_letter_or_mark(parts[k]) ||
                           utf8proc_category(parts[k]) == UTF8PROC_CATEGORY_ND;
            if (!is_word) {
                gap = b.len > 0;
                continue;
            }
            if (gap)
                buf_putc(&b, ' ');
            gap = false;
            if (spelled) {
                buf_puts(&b, spelled);
                break;
            }
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(parts[k]), enc);
            buf_append(&b, (const char *)enc, (size_t)m);
        }
    }
    free(nfc);
    return buf_detach(&b);
}

char *
utf8_match_key(const char *s)
{
    return match_key(s, true);
}

char *
utf8_match_key_plain(const char *s)
{
    return match_key(s, false);
}

/* ---- dates ---- */

static bool
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool
date_is_valid(struct date d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= days_in_month(d.year, d.month);
}

/* Reads 1..max digits; returns the number of digits read. */
static int
read_digits(const char **p, int max, int *value)
{
    int n = 0;
    *value = 0;
    while (n < max && isdigit((unsigned char)**p)) {
        *value = *value * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n;
}

enum date_parse_result
date_parse(const char *s, struct date *out)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    struct date d = {0, 0, 0};
    int         n1 = read_digits(&p, 4, &d.day);
    bool        is_iso = n1 == 4 && *p == '-';
    if (is_iso) { /* yyyy-mm-dd */
        d.year = d.day;
        p++;
        if (read_digits(&p, 2, &d.month) != 2 || *p++ != '-' || read_digits(&p, 2, &d.day) != 2)
            return DATE_BAD_FORMAT;
    } else if (n1 >= 1 && n1 <= 2 && *p == '.') { /* d.m.yyyy or dd.mm.yyyy */
        p++;
        int n2 = read_digits(&p, 2, &d.month);
        if (n2 < 1 || *p++ != '.' || read_digits(&p, 4, &d.year) != 4)
            return DATE_BAD_FORMAT;
    } else {
        return DATE_BAD_FORMAT;
    }
    /* Excel writes a date cell with a time of day as "19.07.2015 00:00:00"; the time is left out. */
    const char *after = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if ((*p == 'T' && p == after && is_iso) || (p > after && *p >= '0' && *p <= '9')) {
        int h, m, sec = 0;
        p += *p == 'T';
        if (read_digits(&p, 2, &h) < 1 || *p++ != ':' || read_digits(&p, 2, &m) != 2)
            return DATE_BAD_FORMAT;
        if (*p == ':' && (p++, read_digits(&p, 2, &sec) != 2))
            return DATE_BAD_FORMAT;
        if (*p == '.' || *p == ',') {
            int frac;
            p++;
            if (read_digits(&p, 9, &frac) < 1)
                return DATE_BAD_FORMAT;
        }
        if (h > 23 || m > 59 || sec > 59)
            return DATE_BAD_FORMAT;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    if (*p)
        return DATE_BAD_FORMAT;
    if (!date_is_valid(d))
        return DATE_NOT_REAL;
    *out = d;
    return DATE_OK;
}

int
date_compare(struct date a, struct date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

int
date_age_on(struct date birth, struct date on)
{
    int age = on.year - birth.year;
    /* Born on 29 February: in common years the birthday counts from 1 March (BGB § 188). */
    int bm = birth.month, bd = birth.day;
    if (bm == 2 && bd == 29 && !is_leap(on.year)) {
        bm = 3;
        bd = 1;
    }
    if (on.month < bm || (on.month == bm && on.day < bd))
        age--;
    return age;
}

struct date
date_today(void)
{
    time_t      now = time(NULL);
    struct tm   tm;
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char     *end;
        long long v = strtoll(epoch, &end, 10);
        if (*end == '\0' && v >= 0) {
            now = (time_t)v;
            gmtime_r(&now, &tm);
            return (struct date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
        }
    }
    localtime_r(&now, &tm);
    return (struct date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

void
date_format_german(struct date d, char out[static 11])
{
    if (d.year == 0 && d.month == 0 && d.day == 0) { /* no date: a roster without birth dates */
        out[0] = '\0';
        return;
    }
    snprintf(out, 11, "%02u.%02u.%04u", (unsigned)d.day % 100u, (unsigned)d.month % 100u,
             (unsigned)d.year % 10000u);
}
