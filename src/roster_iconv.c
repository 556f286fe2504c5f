/*
 * roster text conversion with iconv (Linux): Windows-1252 and UTF-16 to UTF-8.
 * src/roster_win32.c does the same with the Windows code-page API.
 */
#include "consentgen/roster.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/util.h"
#include "roster_int.h"

/*
 * Windows-1252 → UTF-8 with iconv. glibc leaves 0x81 0x8D 0x8F 0x90 0x9D
 * undefined: they become U+FFFD and are remembered with their position, so the
 * row can be reported and left out. Returns NULL if iconv is unavailable.
 */
char *
roster_convert_windows_1252(const char *in, size_t len, size_t *out_len, struct roster_bad_byte **bad, size_t *n_bad)
{
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len + len / 2 + 64, used = 0, cap_bad = 0;
    char  *out = xmalloc(cap);
    char  *src = (char *)in;
    size_t left = len;
    /* Line and column of the scan, for positions of undefined bytes (one byte = one character). */
    size_t   scanned = 0, line_start = 0;
    unsigned line = 1;
    *bad = NULL;
    *n_bad = 0;
    for (;;) {
        char  *dst = out + used;
        size_t room = cap - used - 1;
        size_t rc = iconv(cd, &src, &left, &dst, &room);
        used = (size_t)(dst - out);
        if (rc != (size_t)-1)
            break;
        if (errno == E2BIG) {
            cap *= 2;
            out = xrealloc(out, cap);
            continue;
        }
        /* EILSEQ (or EINVAL, impossible for a single-byte code): one undefined byte. */
        size_t off = (size_t)(src - in);
        for (; scanned < off; scanned++) {
            bool is_lone_cr = in[scanned] == '\r' && (scanned + 1 >= len || in[scanned + 1] != '\n');
            if (in[scanned] == '\n' || is_lone_cr) {
                line++;
                line_start = scanned + 1;
            }
        }
        if (*n_bad == cap_bad) {
            cap_bad = cap_bad ? cap_bad * 2 : 8;
            *bad = xrealloc(*bad, cap_bad * sizeof(**bad));
        }
        (*bad)[(*n_bad)++] =
            (struct roster_bad_byte){line, (unsigned)(off - line_start + 1), (unsigned char)*src};
        if (cap - used < 8) {
            cap *= 2;
            out = xrealloc(out, cap);
        }
        memcpy(out + used, "\xEF\xBF\xBD", 3);
        used += 3;
        src++;
        left--;
    }
    iconv_close(cd);
    out[used] = '\0';
    *out_len = used;
    return out;
}

/*
 * UTF-16 (after its BOM) -> UTF-8 with iconv. NULL when iconv is unavailable
 * or the text is broken (an odd byte at the end, half a surrogate pair): then
 * *bad_line is the line of the problem (0 when iconv cannot start).
 */
char *
roster_convert_utf16(const char *in, size_t len, bool is_big_endian, size_t *out_len, unsigned *bad_line)
{
    *bad_line = 0;
    iconv_t cd = iconv_open("UTF-8", is_big_endian ? "UTF-16BE" : "UTF-16LE");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len + len / 2 + 64, used = 0;
    char  *out = xmalloc(cap);
    char  *src = (char *)in;
    size_t left = len;
    bool   ok = true;
    while (left > 0) {
        char  *dst = out + used;
        size_t room = cap - used - 1;
        size_t rc = iconv(cd, &src, &left, &dst, &room);
        used = (size_t)(dst - out);
        if (rc != (size_t)-1)
            break;
        if (errno != E2BIG) { /* EILSEQ, EINVAL: broken at the line converted so far */
            ok = false;
            break;
        }
        cap *= 2;
        out = xrealloc(out, cap);
    }
    iconv_close(cd);
    if (!ok) {
        *bad_line = 1;
        for (size_t i = 0; i < used; i++)
            *bad_line += out[i] == '\n';
        free(out);
        return NULL;
    }
    out[used] = '\0';
    *out_len = used;
    return out;
}
