/*
 * output transliteration with ICU's "Any-Latin" (Олена -> Olena), the way the
 * Linux build names files. tools/make-translit-table.c turns the same
 * transliterator into the table the Windows build uses instead.
 */
#include "consentgen/output.h"

#include <stdlib.h>

#include <unicode/uclean.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "consentgen/util.h"
#include "output_int.h"

struct output_translit {
    UTransliterator *any_latin;
    bool             failed; /* ICU could not open it: other scripts are dropped */
};

void
output_translit_free(struct output_translit *t)
{
    if (!t)
        return;
    if (t->any_latin)
        utrans_close(t->any_latin);
    free(t);
}

void
output_translit_cleanup(void)
{
    u_cleanup();
}

char *
output_translit_latin(struct output_translit **tp, const char *s)
{
    UErrorCode st = U_ZERO_ERROR;
    if (!*tp) {
        struct output_translit *t = *tp = xcalloc(1, sizeof **tp);
        static const UChar      id[] = {'A', 'n', 'y', '-', 'L', 'a', 't', 'i', 'n', 0};
        t->any_latin = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
        t->failed = U_FAILURE(st);
        st = U_ZERO_ERROR;
    }
    struct output_translit *t = *tp;
    if (t->failed)
        return NULL;
    int32_t len16 = 0;
    u_strFromUTF8(NULL, 0, &len16, s, -1, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    /* Transliteration may lengthen the text (щ -> shch): room for four times as much. */
    int32_t cap = len16 * 4 + 16;
    UChar  *u = xmalloc((size_t)cap * sizeof(UChar));
    st = U_ZERO_ERROR;
    u_strFromUTF8(u, cap, &len16, s, -1, &st);
    int32_t limit = len16;
    if (U_SUCCESS(st))
        utrans_transUChars(t->any_latin, u, &len16, cap, 0, &limit, &st);
    char *out = NULL;
    if (U_SUCCESS(st)) {
        int32_t len8 = 0;
        u_strToUTF8(NULL, 0, &len8, u, len16, &st);
        st = U_ZERO_ERROR;
        out = xmalloc((size_t)len8 + 1);
        u_strToUTF8(out, len8 + 1, NULL, u, len16, &st);
        if (U_FAILURE(st)) {
            free(out);
            out = NULL;
        }
    }
    free(u);
    return out;
}
