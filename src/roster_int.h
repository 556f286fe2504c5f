/*
 * roster_int.h: what the two files of the roster module share: the decoding
 * of a CSV file's bytes to UTF-8 (roster.c), used by the roster itself and by
 * the table reader (roster_table.c) that the consent register is read with.
 */
#ifndef CONSENTGEN_ROSTER_INT_H
#define CONSENTGEN_ROSTER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/config.h"

/* A byte of a Windows-1252 file that has no character (0x81 0x8D 0x8F 0x90 0x9D). */
struct roster_bad_byte {
    unsigned      line, col;
    unsigned char byte;
};

/*
 * The conversions, one file per system (roster_iconv.c, roster_win32.c).
 * Windows-1252 -> UTF-8: the bytes 0x81 0x8D 0x8F 0x90 0x9D, which have no
 * character, become U+FFFD and are listed in *bad (owned by the caller).
 * UTF-16 after its BOM -> UTF-8: NULL when the text is broken (an odd byte at
 * the end, half a surrogate pair), with *bad_line the line of the problem, or
 * when the conversion cannot start (*bad_line 0, errno set). The results are
 * NUL-terminated; caller frees.
 */
char *roster_convert_windows_1252(const char *in, size_t len, size_t *out_len, struct roster_bad_byte **bad,
                                  size_t *n_bad);
char *roster_convert_utf16(const char *in, size_t len, bool is_big_endian, size_t *out_len, unsigned *bad_line);

/* A CSV file's text as UTF-8. */
struct roster_text {
    const char *text; /* into the input, or into converted */
    size_t      len;
    char       *converted; /* owned; NULL when the input was used as it is */
    bool        was_windows_1252;
    bool        is_utf8;         /* false: declared utf-8 (or, for the roster, mostly utf-8), but it is not */
    bool        is_mixed;        /* the roster only: UTF-8 with lines in another encoding */
    unsigned    utf16_bad_line;  /* UTF-16 that could not be converted: the line of the problem */
    struct roster_bad_byte *bad; /* Windows-1252 bytes without a character, now U+FFFD; owned */
    size_t                  n_bad;
};

/*
 * Converts UTF-16 with a BOM (Excel's "Unicode-Text") to UTF-8 whatever enc
 * says; else drops a UTF-8 BOM and converts Windows-1252 to UTF-8 when enc
 * says so, or when enc is auto and the bytes are not valid UTF-8. False
 * (errno set; utf16_bad_line for broken UTF-16) if iconv cannot convert.
 * Free with roster_text_fini, also after false.
 */
bool roster_decode(const char *data, size_t len, enum config_encoding enc, struct roster_text *out);
void roster_text_fini(struct roster_text *t);

struct csv_parser;
/* The growth step of a CSV parser's field buffer; a field of 64 KB or less needs one allocation. */
#define ROSTER_CSV_BLOCK ((size_t)64 * 1024)
/* libcsv set up as the roster and the register read: strict, NUL-terminated fields, xrealloc. */
void roster_csv_init(struct csv_parser *csv, char delim);

/* Trimmed (every Unicode space and tab, also inside quotes), NFC copy of a field. Caller frees. */
char *roster_clean_field(const char *s, size_t len);

#endif
