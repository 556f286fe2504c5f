/*
 * Writes src/output_translit_table.h for the Windows build, which has no ICU:
 * for every letter or mark of a script other than Latin, what ICU's
 * "Any-Latin" makes of it alone (Олена -> Olena letter by letter); the pairs
 * of letters of one script that ICU spells otherwise, where that gives another
 * file name (Greek "ου" -> "ou", not "oy"); and the Han ideographs, between
 * which ICU puts a space. Built on Linux with the ICU it describes
 * (tests/CMakeLists.txt); the test translit_table_matches_icu runs it and
 * compares its output with the checked-in file.
 *
 *   build/tests/make_translit_table > src/output_translit_table.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uclean.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

#include "consentgen/output.h"

struct entry {
    UChar32     cp;
    UScriptCode script;
    char        latin[64];
};

struct pair {
    UChar32 a, b;
    char    latin[64];
};

/* Any-Latin of the code points cps (n of them) into out (UTF-8); false if ICU fails. */
static int
translit(UTransliterator *tr, const UChar32 *cps, int n, char out[64])
{
    UErrorCode st = U_ZERO_ERROR;
    UChar      u[64];
    int32_t    len = 0;
    for (int i = 0; i < n; i++)
        U16_APPEND_UNSAFE(u, len, cps[i]);
    int32_t limit = len;
    utrans_transUChars(tr, u, &len, 64, 0, &limit, &st);
    int32_t len8 = 0;
    if (U_SUCCESS(st))
        u_strToUTF8(out, 64, &len8, u, len, &st);
    if (U_FAILURE(st) || len8 >= 64)
        return 0;
    out[len8] = '\0';
    return 1;
}

static const struct entry *sort_base;

static int
compare_script(const void *a, const void *b)
{
    const struct entry *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
    if (x->script != y->script)
        return x->script < y->script ? -1 : 1;
    return x->cp < y->cp ? -1 : x->cp > y->cp;
}

static int
compare_pairs(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

/* The offset of s in the pool, adding it the first time (a linear probe hash of the strings). */
#define HASH_SIZE (1u << 18)
static size_t
pool_add(char **pool, size_t *len, size_t *cap, size_t *hash, const char *s)
{
    unsigned h = 5381;
    for (const char *p = s; *p; p++)
        h = h * 33 + (unsigned char)*p;
    for (h &= HASH_SIZE - 1; hash[h] != (size_t)-1; h = (h + 1) & (HASH_SIZE - 1))
        if (strcmp(*pool + hash[h], s) == 0)
            return hash[h];
    size_t l = strlen(s) + 1;
    while (*len + l > *cap)
        *pool = realloc(*pool, *cap *= 2);
    memcpy(*pool + *len, s, l);
    hash[h] = *len;
    *len += l;
    return hash[h];
}

int
main(void)
{
    UErrorCode       st = U_ZERO_ERROR;
    static const UChar id[] = {'A', 'n', 'y', '-', 'L', 'a', 't', 'i', 'n', 0};
    UTransliterator *tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) {
        fprintf(stderr, "make_translit_table: cannot open Any-Latin: %s\n", u_errorName(st));
        return 1;
    }
    size_t        n = 0, cap = 1 << 16;
    struct entry *v = malloc(cap * sizeof *v);
    /* The strings, each once: many letters share one (the pinyin of CJK ideographs). */
    for (UChar32 cp = 0x80; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        if (!(U_GET_GC_MASK(cp) & (U_GC_L_MASK | U_GC_M_MASK)))
            continue;
        UScriptCode sc = uscript_getScript(cp, &st);
        if (U_FAILURE(st) || sc == USCRIPT_LATIN || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED) {
            st = U_ZERO_ERROR;
            continue;
        }
        char out[64], in[8];
        if (!translit(tr, &cp, 1, out))
            continue;
        int32_t in_len = 0;
        UBool   err = 0;
        U8_APPEND(in, in_len, 8, cp, err);
        (void)err;
        in[in_len] = '\0';
        if (strcmp(out, in) == 0) /* unchanged: nothing to look up */
            continue;
        if (n == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        v[n].cp = cp;
        v[n].script = sc;
        strcpy(v[n].latin, out);
        n++;
    }
    /*
     * Pairs of letters of one script that ICU spells otherwise than letter by
     * letter (Greek "ου" -> "ou", not "oy"). Not for Han, whose syllables ICU
     * only separates with a space (the table's user does that), nor Hangul,
     * whose syllables it spells one by one; both are too many for pairs.
     */
    struct output_namer *nm = output_namer_new();
    size_t       n_pairs = 0, cap_pairs = 1024;
    struct pair *pairs = malloc(cap_pairs * sizeof *pairs);
    size_t *by_script = malloc(n * sizeof *by_script);
    for (size_t i = 0; i < n; i++)
        by_script[i] = i;
    sort_base = v;
    qsort(by_script, n, sizeof *by_script, compare_script);
    for (size_t x = 0; x < n; x++) {
        size_t i = by_script[x];
        if (v[i].script == USCRIPT_HAN || v[i].script == USCRIPT_HANGUL)
            continue;
        size_t lo = x, hi = x;
        while (lo > 0 && v[by_script[lo - 1]].script == v[i].script)
            lo--;
        while (hi < n && v[by_script[hi]].script == v[i].script)
            hi++;
        for (size_t y = lo; y < hi; y++) {
            size_t  j = by_script[y];
            UChar32 ab[2] = {v[i].cp, v[j].cp};
            char    out[64], cat[130];
            if (!translit(tr, ab, 2, out))
                continue;
            snprintf(cat, sizeof cat, "%s%s", v[i].latin, v[j].latin);
            if (strcmp(out, cat) == 0)
                continue;
            /* Only where the file name differs (not where ICU only adds an accent or an apostrophe). */
            char *name_pair = output_namer_safe_name(nm, out), *name_cat = output_namer_safe_name(nm, cat);
            int   same = strcmp(name_pair, name_cat) == 0;
            free(name_pair);
            free(name_cat);
            if (same)
                continue;
            if (n_pairs == cap_pairs)
                pairs = realloc(pairs, (cap_pairs *= 2) * sizeof *pairs);
            pairs[n_pairs].a = v[i].cp;
            pairs[n_pairs].b = v[j].cp;
            strcpy(pairs[n_pairs].latin, out);
            n_pairs++;
        }
    }
    utrans_close(tr);
    output_namer_free(nm);
    free(by_script);
    qsort(pairs, n_pairs, sizeof *pairs, compare_pairs);

    UVersionInfo ver;
    char         vs[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(ver);
    u_versionToString(ver, vs);
    printf("/*\n * Generated by scripts/translit/make_translit_table.c from ICU %s's \"Any-Latin\": each\n"
           " * letter or mark of a script other than Latin that it changes, and what it\n"
           " * makes of it alone. Do not edit; the test translit_table_matches_icu checks it.\n */\n",
           vs);
    printf("/* clang-format off */\n");
    /* One string pool, each string once, and (code point, offset) pairs sorted by code point. */
    size_t  pool_len = 0, pool_cap = 1 << 20;
    char   *pool = malloc(pool_cap);
    size_t *hash = malloc(HASH_SIZE * sizeof *hash);
    memset(hash, 0xFF, HASH_SIZE * sizeof *hash);
    size_t *off = malloc(n * sizeof *off), *pair_off = malloc((n_pairs + 1) * sizeof *pair_off);
    for (size_t i = 0; i < n; i++)
        off[i] = pool_add(&pool, &pool_len, &pool_cap, hash, v[i].latin);
    for (size_t i = 0; i < n_pairs; i++)
        pair_off[i] = pool_add(&pool, &pool_len, &pool_cap, hash, pairs[i].latin);
    printf("static const char TRANSLIT_POOL[%zu] =", pool_len);
    for (size_t i = 0; i < pool_len;) {
        size_t l = strlen(pool + i);
        printf("%s\"", i % 8 == 0 && i ? "\n    " : (i == 0 ? "\n    " : " "));
        for (size_t j = 0; j < l; j++) {
            unsigned char c = (unsigned char)pool[i + j];
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F)
                printf("\\%03o", c);
            else
                putchar(c);
        }
        printf("\\0\"");
        i += l + 1;
    }
    printf(";\n\nstatic const struct translit_entry TRANSLIT_TABLE[%zu] = {\n", n);
    for (size_t i = 0; i < n; i++)
        printf("    {0x%04X, %zu},\n", (unsigned)v[i].cp, off[i]);
    printf("};\n\n/* Pairs ICU spells otherwise than letter by letter. */\n");
    printf("static const struct translit_pair TRANSLIT_PAIRS[%zu] = {\n", n_pairs);
    for (size_t i = 0; i < n_pairs; i++)
        printf("    {0x%04X, 0x%04X, %zu},\n", (unsigned)pairs[i].a, (unsigned)pairs[i].b, pair_off[i]);
    printf("};\n\n/* Han: ICU puts a space between the syllables of two ideographs. */\n");
    printf("static const struct translit_range TRANSLIT_HAN[] = {\n");
    for (size_t i = 0; i < n;) {
        if (v[i].script != USCRIPT_HAN) {
            i++;
            continue;
        }
        size_t k = i;
        while (k + 1 < n && v[k + 1].script == USCRIPT_HAN && v[k + 1].cp == v[k].cp + 1)
            k++;
        printf("    {0x%04X, 0x%04X},\n", (unsigned)v[i].cp, (unsigned)v[k].cp);
        i = k + 1;
    }
    printf("};\n/* clang-format on */\n");
    free(pair_off);
    free(hash);
    free(pairs);
    free(off);
    free(pool);
    free(v);
    u_cleanup();
    return 0;
}
