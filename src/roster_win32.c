/*
 * roster text conversion for Windows: Windows-1252 and UTF-16 to UTF-8 with
 * the code-page API (MultiByteToWideChar, WideCharToMultiByte), as
 * roster_iconv.c does with iconv on Linux, with the same results: the five
 * bytes Windows-1252 leaves undefined are U+FFFD and listed, broken UTF-16
 * names its line.
 */
#include "consentgen/roster.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "consentgen/util.h"
#include "roster_int.h"

/* UTF-16 units -> UTF-8, NUL-terminated; NULL (errno) if Windows refuses. */
static char *
wide_to_utf8(const wchar_t *w, size_t n, size_t *out_len)
{
    if (n == 0) {
        *out_len = 0;
        return xstrdup("");
    }
    if (n > INT32_MAX) {
        errno = EFBIG;
        return NULL;
    }
    int len = WideCharToMultiByte(CP_UTF8, 0, w, (int)n, NULL, 0, NULL, NULL);
    if (len <= 0) {
        errno = EILSEQ;
        return NULL;
    }
    char *out = xmalloc((size_t)len + 1);
    WideCharToMultiByte(CP_UTF8, 0, w, (int)n, out, len, NULL, NULL);
    out[len] = '\0';
    *out_len = (size_t)len;
    return out;
}

char *
roster_convert_windows_1252(const char *in, size_t len, size_t *out_len, struct roster_bad_byte **bad,
                            size_t *n_bad)
{
    *bad = NULL;
    *n_bad = 0;
    if (len > INT32_MAX) {
        errno = EFBIG;
        return NULL;
    }
    wchar_t *w = xmalloc((len + 1) * sizeof *w);
    if (len > 0 && MultiByteToWideChar(1252, 0, in, (int)len, w, (int)len) != (int)len) {
        free(w);
        errno = EILSEQ;
        return NULL;
    }
    /* One byte is one character: the byte's position is the character's. */
    size_t   cap_bad = 0, line_start = 0;
    unsigned line = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D) {
            if (*n_bad == cap_bad) {
                cap_bad = cap_bad ? cap_bad * 2 : 8;
                *bad = xrealloc(*bad, cap_bad * sizeof(**bad));
            }
            (*bad)[(*n_bad)++] = (struct roster_bad_byte){line, (unsigned)(i - line_start + 1), c};
            w[i] = 0xFFFD;
        }
        bool is_lone_cr = c == '\r' && (i + 1 >= len || in[i + 1] != '\n');
        if (c == '\n' || is_lone_cr) {
            line++;
            line_start = i + 1;
        }
    }
    char *out = wide_to_utf8(w, len, out_len);
    free(w);
    if (!out) {
        free(*bad);
        *bad = NULL;
        *n_bad = 0;
    }
    return out;
}

char *
roster_convert_utf16(const char *in, size_t len, bool is_big_endian, size_t *out_len, unsigned *bad_line)
{
    *bad_line = 0;
    size_t   n = len / 2;
    wchar_t *w = xmalloc((n + 1) * sizeof *w);
    unsigned lines = 1;
    bool     ok = len % 2 == 0; /* an odd byte at the end is half a character */
    size_t   i = 0;
    for (; i < n; i++) {
        unsigned char a = (unsigned char)in[2 * i], b = (unsigned char)in[2 * i + 1];
        w[i] = (wchar_t)(is_big_endian ? (a << 8 | b) : (b << 8 | a));
    }
    /* Half a surrogate pair: broken where it stands. */
    for (i = 0; ok && i < n; i++) {
        if (w[i] >= 0xD800 && w[i] <= 0xDBFF) {
            if (i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF)
                i++;
            else
                ok = false;
        } else if (w[i] >= 0xDC00 && w[i] <= 0xDFFF) {
            ok = false;
        }
        if (ok && w[i] == '\n')
            lines++;
    }
    if (!ok) {
        if (len % 2 != 0)
            for (size_t k = 0; k < n; k++)
                lines += w[k] == '\n';
        *bad_line = lines;
        free(w);
        return NULL;
    }
    char *out = wide_to_utf8(w, n, out_len);
    free(w);
    return out;
}
