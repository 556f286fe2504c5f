/*
 * form_token: the code on each return slip, so that scan can tell whose slip
 * a page is without any state kept between printing and scanning: it
 * recomputes every pupil's code from config and roster and looks the code up.
 *
 * Code = 55 bits of XXH3-64 over a length-prefixed list of the round's and the
 * pupil's fields, written in Crockford's base 32 (11 characters), and one check
 * character from the same alphabet. The check character is a weighted sum of the
 * 11 symbols in GF(32) (weights alpha^1 .. alpha^11, the check itself alpha^0,
 * alpha a root of x^5 + x^2 + 1): all twelve weights differ, so every single
 * wrong character and every swap of two characters is detected, and the code
 * stays within the 32 letters and digits that QR's alphanumeric mode holds, so
 * "CG1-" and the code fit a version 1 symbol at level Q.
 */
#include "consentgen/form.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

static const char ALPHABET[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The value 0..31 of a symbol, Crockford's readings of I, L and O included; -1 if none. */
static int
symbol_value(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'I' || c == 'L')
        return 1;
    if (c == 'O')
        return 0;
    const char *at = c ? strchr(ALPHABET, c) : NULL;
    return at ? (int)(at - ALPHABET) : -1;
}

/* Multiplication in GF(32) = GF(2)[x] / (x^5 + x^2 + 1). */
static unsigned
gf32_mul(unsigned a, unsigned b)
{
    unsigned r = 0;
    for (int i = 0; i < 5; i++) {
        if (b & 1u)
            r ^= a;
        b >>= 1;
        a <<= 1;
        if (a & 0x20u)
            a ^= 0x25u;
    }
    return r;
}

static unsigned
check_value(const int v[static FORM_TOKEN_LEN - 1])
{
    unsigned sum = 0, weight = 1;
    for (size_t i = 0; i < FORM_TOKEN_LEN - 1; i++) {
        weight = gf32_mul(weight, 2); /* alpha^(i+1) */
        sum ^= gf32_mul(weight, (unsigned)v[i]);
    }
    return sum;
}

/* Appends "LEN:" and the bytes, so that no two lists of fields give the same input. */
static void
put_field(struct buf *b, const char *s)
{
    s = s ? s : "";
    buf_printf(b, "%zu:", strlen(s));
    buf_puts(b, s);
}

static void
put_date(struct buf *b, struct date d)
{
    char s[16];
    snprintf(s, sizeof s, "%04d-%02d-%02d", d.year, d.month, d.day);
    put_field(b, s);
}

/* The bytes the code is the hash of. */
static void
token_input(const struct form_run *run, const struct pupil *p, struct buf *b)
{
    buf_puts(b, "consentgen return slip 1\n");
    put_field(b, run->config->school.name);
    put_field(b, template_title(run->doc));
    put_date(b, run->config->form.date);
    put_field(b, p->last_name);
    put_field(b, p->first_name);
    put_date(b, p->birth_date);
    put_field(b, p->id);
}

void
form_token(const struct form_run *run, const struct pupil *p, char out[static FORM_TOKEN_LEN + 1])
{
    struct buf b;
    buf_init(&b);
    token_input(run, p, &b);
    uint64_t bits = XXH3_64bits(b.data, b.len) >> 9; /* the first 55 of 64 */
    buf_fini(&b);
    int v[FORM_TOKEN_LEN - 1];
    for (size_t i = 0; i < FORM_TOKEN_LEN - 1; i++) {
        v[i] = (int)((bits >> (5 * (FORM_TOKEN_LEN - 2 - i))) & 31u);
        out[i] = ALPHABET[v[i]];
    }
    out[FORM_TOKEN_LEN - 1] = ALPHABET[check_value(v)];
    out[FORM_TOKEN_LEN] = '\0';
}

void
form_token_grouped(const char *token, char out[static FORM_TOKEN_LEN + 3])
{
    size_t n = 0;
    for (size_t i = 0; i < FORM_TOKEN_LEN && token[i]; i++) {
        if (i && i % 4 == 0)
            out[n++] = '-';
        out[n++] = token[i];
    }
    out[n] = '\0';
}

/* The symbols of s, hyphens and spaces left out; -1 when a character is none. */
static int
count_symbols(const char *s)
{
    int n = 0;
    for (; *s; s++) {
        if (*s == '-' || *s == ' ')
            continue;
        if (symbol_value(*s) < 0)
            return -1;
        n++;
    }
    return n;
}

enum form_token_read
form_token_read(const char *text, char out[static FORM_TOKEN_LEN + 1])
{
    out[0] = '\0';
    /*
     * The version prefix "CG<digits>-", in any case; a code of another version is not ours to guess.
     * A token may itself begin with C and G ("CG13-7553-7552"): the text has a prefix only when twelve
     * symbols follow it.
     */
    if ((text[0] == 'C' || text[0] == 'c') && (text[1] == 'G' || text[1] == 'g')) {
        const char *v = text + 2;
        while (*v >= '0' && *v <= '9')
            v++;
        if (v > text + 2 && *v == '-' && count_symbols(v + 1) == FORM_TOKEN_LEN) {
            if (strncmp(text + 2, &FORM_TOKEN_QR_PREFIX[2], strlen(FORM_TOKEN_QR_PREFIX) - 2) != 0)
                return FORM_TOKEN_MALFORMED;
            text = v + 1;
        }
    }
    int    v[FORM_TOKEN_LEN];
    size_t n = 0;
    for (const char *s = text; *s; s++) {
        if (*s == '-' || *s == ' ')
            continue;
        int x = symbol_value(*s);
        if (x < 0 || n == FORM_TOKEN_LEN)
            return FORM_TOKEN_MALFORMED;
        v[n++] = x;
    }
    if (n != FORM_TOKEN_LEN)
        return FORM_TOKEN_MALFORMED;
    if (check_value(v) != (unsigned)v[FORM_TOKEN_LEN - 1])
        return FORM_TOKEN_BAD_CHECK;
    for (size_t i = 0; i < FORM_TOKEN_LEN; i++)
        out[i] = ALPHABET[v[i]];
    out[FORM_TOKEN_LEN] = '\0';
    return FORM_TOKEN_OK;
}

/* One pupil's code and where it came from, for finding collisions. */
struct token_ref {
    char                token[FORM_TOKEN_LEN + 1];
    const struct pupil *p;
};

static int
compare_token_refs(const void *pa, const void *pb)
{
    const struct token_ref *a = pa, *b = pb;
    int                     c = strcmp(a->token, b->token);
    if (c == 0)
        c = a->p->line < b->p->line ? -1 : a->p->line > b->p->line;
    return c;
}

static bool
same_pupil(const struct pupil *a, const struct pupil *b)
{
    const char *ia = a->id ? a->id : "", *ib = b->id ? b->id : "";
    return strcmp(a->last_name, b->last_name) == 0 && strcmp(a->first_name, b->first_name) == 0 &&
           date_compare(a->birth_date, b->birth_date) == 0 && strcmp(ia, ib) == 0;
}

bool
form_check_tokens(const struct form_run *run, struct diags *d)
{
    const struct roster *r = run->roster;
    if (!r || r->n_pupils < 2)
        return true;
    struct token_ref *refs = xmalloc(r->n_pupils * sizeof *refs);
    for (size_t i = 0; i < r->n_pupils; i++) {
        form_token(run, &r->pupils[i], refs[i].token);
        refs[i].p = &r->pupils[i];
    }
    qsort(refs, r->n_pupils, sizeof *refs, compare_token_refs);
    bool ok = true;
    for (size_t i = 1; i < r->n_pupils; i++) {
        const struct pupil *a = refs[i - 1].p, *b = refs[i].p;
        if (strcmp(refs[i - 1].token, refs[i].token) != 0 || same_pupil(a, b))
            continue;
        diag_add(d, DIAG_ERROR, r->path, b->line, 0,
                 "\"%s, %s\" would get the same return-slip code as \"%s, %s\" on line %u; choose another "
                 "form.date to get other codes",
                 b->last_name, b->first_name, a->last_name, a->first_name, a->line);
        ok = false;
    }
    free(refs);
    return ok;
}
