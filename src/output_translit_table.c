/*
 * output transliteration from a table (the Windows build, which has no ICU):
 * each code point of another script is replaced by what ICU's "Any-Latin"
 * makes of it alone, a pair of letters by what ICU makes of the pair where
 * that gives another file name (Greek "ου" -> "ou"), and two Han ideographs
 * get a space between them, as ICU writes them (src/output_translit_table.h,
 * generated on Linux by scripts/translit/make_translit_table.c and checked
 * against ICU by the test translit_table_matches_icu). ICU's rules that look
 * further than one neighbour are not in the table.
 */
#include "consentgen/output.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/util.h"
#include "output_int.h"

struct translit_entry {
    uint32_t cp;
    uint32_t offset; /* into TRANSLIT_POOL */
};
struct translit_pair {
    uint32_t a, b;
    uint32_t offset;
};
struct translit_range {
    uint32_t first, last;
};

/* One string of all the transliterations, longer than C's 4095-character minimum; GCC and Clang take it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
#include "output_translit_table.h"
#pragma GCC diagnostic pop

struct output_translit {
    char unused;
};

void
output_translit_free(struct output_translit *t)
{
    free(t);
}

void
output_translit_cleanup(void)
{
}

static const char *
lookup(int32_t cp)
{
    size_t lo = 0, hi = sizeof TRANSLIT_TABLE / sizeof TRANSLIT_TABLE[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (TRANSLIT_TABLE[mid].cp == (uint32_t)cp)
            return TRANSLIT_POOL + TRANSLIT_TABLE[mid].offset;
        if (TRANSLIT_TABLE[mid].cp < (uint32_t)cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char *
lookup_pair(int32_t a, int32_t b)
{
    size_t lo = 0, hi = sizeof TRANSLIT_PAIRS / sizeof TRANSLIT_PAIRS[0];
    while (lo < hi) {
        size_t                      mid = lo + (hi - lo) / 2;
        const struct translit_pair *p = &TRANSLIT_PAIRS[mid];
        if (p->a == (uint32_t)a && p->b == (uint32_t)b)
            return TRANSLIT_POOL + p->offset;
        if (p->a < (uint32_t)a || (p->a == (uint32_t)a && p->b < (uint32_t)b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool
is_han(int32_t cp)
{
    size_t lo = 0, hi = sizeof TRANSLIT_HAN / sizeof TRANSLIT_HAN[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uint32_t)cp < TRANSLIT_HAN[mid].first)
            hi = mid;
        else if ((uint32_t)cp > TRANSLIT_HAN[mid].last)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

char *
output_translit_latin(struct output_translit **t, const char *s)
{
    (void)t;
    struct buf b;
    buf_init(&b);
    size_t len = strlen(s);
    bool   after_han = false;
    for (size_t i = 0; i < len;) {
        int32_t cp, next = -1;
        size_t  n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) { /* not UTF-8: ICU's conversion would refuse it too */
            buf_fini(&b);
            return NULL;
        }
        size_t      n2 = i + n < len ? utf8_decode(s + i + n, len - i - n, &next) : 0;
        const char *pair = n2 ? lookup_pair(cp, next) : NULL;
        if (pair) {
            buf_append(&b, pair, strlen(pair));
            after_han = false;
            i += n + n2;
            continue;
        }
        bool han = is_han(cp);
        if (han && after_han)
            buf_append(&b, " ", 1);
        after_han = han;
        const char *latin = lookup(cp);
        if (latin)
            buf_append(&b, latin, strlen(latin));
        else
            buf_append(&b, s + i, n);
        i += n;
    }
    return b.data ? buf_detach(&b) : xstrdup("");
}
