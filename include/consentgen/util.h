/*
 * util: allocation that aborts on failure, an arena for per-pupil data, a
 * growable string buffer, reading whole files, UTF-8 helpers (utf8proc) and
 * calendar dates. Functions that can fail set errno and return false/NULL.
 */
#ifndef CONSENTGEN_UTIL_H
#define CONSENTGEN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation: abort() with a message when memory is exhausted. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Messages in the user's language (gettext; catalogue po/de.po). _() marks and
 * translates a message, N_() only marks it for xgettext; diag_add translates
 * its format itself. A message without a translation stays English.
 */
const char *util_translate(const char *msgid) __attribute__((format_arg(1)));
/* The singular or plural form for n, as the language counts ("1 Klasse", "2 Klassen"). */
const char *util_translate_plural(const char *singular, const char *plural, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));
#define _(msgid) util_translate(msgid)
#define N_(msgid) (msgid)
/*
 * Takes the language from the environment the usual way (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG) and finds the catalogues in locale_dir; numbers keep
 * the C format (LC_NUMERIC stays "C"), so data is written the same in every
 * language.
 */
void util_i18n_init(const char *locale_dir);

/* Growable byte buffer; data is always NUL-terminated once anything was added. */
struct buf {
    char  *data;
    size_t len;
    size_t cap;
};
void  buf_init(struct buf *b);
void  buf_fini(struct buf *b);
void  buf_reset(struct buf *b); /* len = 0, memory kept */
void  buf_append(struct buf *b, const char *s, size_t len);
void  buf_puts(struct buf *b, const char *s);
void  buf_putc(struct buf *b, char c);
void  buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *buf_detach(struct buf *b); /* caller frees; b is empty afterwards */

/*
 * Arena: many small allocations freed together. cli resets one after each
 * pupil, so per-pupil data cannot leak.
 */
struct arena;
struct arena *arena_new(void);
void          arena_free(struct arena *a);
void          arena_reset(struct arena *a);
void         *arena_alloc(struct arena *a, size_t size);                 /* zeroed, max-aligned */
void         *arena_memdup(struct arena *a, const void *p, size_t size); /* a copy, max-aligned */
char         *arena_strdup(struct arena *a, const char *s);
char         *arena_strndup(struct arena *a, const char *s, size_t len);
char         *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Reads a whole regular file into a NUL-terminated buffer (caller frees *data).
 * Fails with errno EFBIG when the file is larger than max_len bytes, EISDIR for
 * a folder and ENODEV for anything else that is not a plain file (a FIFO, a
 * device such as /dev/zero, a socket), which is never opened: it could block
 * or never end.
 */
bool util_read_file(const char *path, size_t max_len, char **data, size_t *len);
/* Whether path (links followed) is a regular file; false with errno ENOENT, EISDIR, ENODEV, ... */
bool util_check_regular_file(const char *path);

/* What the first bytes of a file say it is, so a wrong file gets a plain message instead of parse errors. */
enum util_file_kind {
    UTIL_FILE_TEXT,    /* no sign of anything else: UTF-8, Windows-1252 */
    UTIL_FILE_UTF16LE, /* text with the BOM FF FE (Excel's "Unicode-Text") */
    UTIL_FILE_UTF16BE, /* text with the BOM FE FF */
    UTIL_FILE_XLSX,    /* Excel workbook (Office Open XML, a ZIP) */
    UTIL_FILE_XLS,     /* Excel 97-2003 workbook (OLE2) */
    UTIL_FILE_ODS,     /* LibreOffice Calc spreadsheet (OpenDocument, a ZIP) */
    UTIL_FILE_WORD,    /* a word-processor document: .docx, .doc, .odt, .rtf */
    UTIL_FILE_PDF,
    UTIL_FILE_BINARY, /* NUL bytes near the start, or another ZIP: an image, an archive, a program */
};
enum util_file_kind util_file_kind(const char *data, size_t len);

/* Resolves rel against the folder of base_file; absolute rel is copied. Caller frees. */
char *util_path_relative_to(const char *base_file, const char *rel);
/*
 * Paths: '/' separates folders; in the Windows build '\' does too (the build
 * defines CONSENTGEN_BACKSLASH_PATHS), and "C:..." and "\\server" are absolute.
 */
bool        util_is_path_separator(char c);
const char *util_last_path_separator(const char *path); /* NULL if none */

/* Case-insensitive ASCII comparison (header names, keys). */
int util_strcasecmp_ascii(const char *a, const char *b);

/*
 * Levenshtein distance of two short strings in bytes, ASCII case ignored, for
 * "did you mean" hints; SIZE_MAX when one is longer than 128 bytes.
 */
size_t util_edit_distance(const char *a, const char *b);

/*
 * A value as a message may quote it: at most UTIL_QUOTE_MAX_CHARS characters,
 * then "…"; control characters, invalid bytes and characters that reorder or
 * hide text written as \t \n \r \x1B \u202E. The text lives in the returned
 * struct, so `util_quote(s).text` is valid until the end of the full expression
 * (C11 6.2.4p8): diag_add(d, ..., "\"%s\"", util_quote(name).text).
 */
#define UTIL_QUOTE_MAX_CHARS 80
struct util_quoted {
    char text[UTIL_QUOTE_MAX_CHARS * 6 + 8];
};
struct util_quoted util_quote(const char *s);
struct util_quoted util_quote_len(const char *s, size_t len);

/* UTF-8. */
bool utf8_is_valid(const char *s, size_t len);
/* Decodes one code point at s; returns bytes used, 0 if invalid or len == 0. */
size_t utf8_decode(const char *s, size_t len, int32_t *cp);
size_t utf8_count_chars(const char *s, size_t len); /* code points */
char  *utf8_nfc(const char *s);                     /* NFC copy, NULL if invalid UTF-8 */
/* Case- and normalisation-insensitive key (NFKC + case fold) for name matching; caller frees. */
char *utf8_fold(const char *s);
/*
 * Key for matching names as people type them: case, accents and marks
 * ignored, German spellings spelled out as file names spell them (ä = ae,
 * ß = ss, so "Mueller" = "Müller"), ı = i, ł = l; every run of other
 * characters (spaces, apostrophes ' ’, hyphens, commas) is one space, none at
 * the ends. "Şahin-Öztürk, İlayda" -> "sahin oeztuerk ilayda". Caller frees.
 */
char *utf8_match_key(const char *s);
/* The same with ä ö ü as a o u, as people type them without umlauts: "Muller" for Müller. Caller frees. */
char *utf8_match_key_plain(const char *s);
/* Copy of the len bytes at s without every Unicode space (Zs), tab, zero-width space and BOM at both ends. */
char *utf8_trim(const char *s, size_t len);
/* DIN 5007-1 sort key: ä sorts as a, ß as ss, other accents dropped, case ignored; caller frees. */
char *utf8_sort_key(const char *s);
/* Bytes of the extended grapheme cluster (UAX #29) at the start of s; invalid bytes count one each. */
size_t utf8_grapheme_len(const char *s, size_t len);
/* Whether cp is a letter or a combining mark (Unicode categories L* and M*). */
bool utf8_is_letter_or_mark(int32_t cp);
/* Compatibility decomposition of cp without marks (é -> e, ﬁ -> f i); returns the count, 0 if over max. */
size_t utf8_decompose_base(int32_t cp, int32_t *out, size_t max);

/* Calendar dates. */
struct date {
    int year;
    int month; /* 1..12 */
    int day;   /* 1..31 */
};
enum date_parse_result { DATE_OK, DATE_BAD_FORMAT, DATE_NOT_REAL };
/*
 * Parses "dd.mm.yyyy", "d.m.yyyy" or "yyyy-mm-dd" (surrounding spaces allowed),
 * also followed by a time of day that is ignored ("19.07.2015 00:00:00",
 * "2015-07-19T00:00"), as Excel and databases write date cells.
 */
enum date_parse_result date_parse(const char *s, struct date *out);
bool                   date_is_valid(struct date d);
int                    date_compare(struct date a, struct date b);
/* Whole years from birth to on (the day of the birthday counts; 29 Feb -> 1 Mar). */
int date_age_on(struct date birth, struct date on);
/* Today in local time, or the day of SOURCE_DATE_EPOCH (UTC) when that is set. */
struct date date_today(void);
/* "dd.mm.yyyy" into out (at least 11 bytes); "" for {0, 0, 0}, the date that is not there. */
void date_format_german(struct date d, char out[static 11]);

#endif
