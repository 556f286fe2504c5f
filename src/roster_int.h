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

/* A CSV file's text as UTF-8. */
struct roster_text {
    const char             *text; /* into the input, or into converted */
    size_t                  len;
    char                   *converted; /* owned; NULL when the input was used as it is */
    bool                    was_windows_1252;
    bool                    is_utf8; /* false: declared utf-8, but it is not */
    struct roster_bad_byte *bad;     /* Windows-1252 bytes without a character, now U+FFFD; owned */
    size_t                  n_bad;
};

/*
 * Drops a UTF-8 BOM and converts Windows-1252 to UTF-8 when enc says so, or
 * when enc is auto and the bytes are not valid UTF-8. False (errno set) if
 * iconv cannot convert at all. Free with roster_text_fini.
 */
bool roster_decode(const char *data, size_t len, enum config_encoding enc, struct roster_text *out);
void roster_text_fini(struct roster_text *t);

/* Trimmed (spaces and tabs, also inside quotes), NFC copy of a field. Caller frees. */
char *roster_clean_field(const char *s, size_t len);

#endif
