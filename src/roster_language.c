/*
 * roster_language: the family's language as a roster column or --language names it. Accepted: an ISO
 * 639-1 code ("tr", "TR", also with a region: "tr-TR", "pt_BR"), or the language's German name
 * ("Türkisch", "Arabisch", "Persisch", "Dari", "Farsi", ...), its English name, or its own name for the
 * languages schools meet most ("Türkçe", "Русский"); case does not matter. German ("Deutsch", "de") and an
 * empty value mean: no translation.
 */
#include "consentgen/roster.h"

#include <stdlib.h>
#include <string.h>

#include "consentgen/util.h"

struct language {
    const char *code;
    const char *german; /* the name on the return list and in list */
    const char *names;  /* further names, separated by "|", compared case-insensitively */
};

/* Languages with a German name, in the order of the German names. */
static const struct language languages[] = {
    {"sq", "Albanisch", "albanian|shqip"},
    {"am", "Amharisch", "amharic"},
    {"ar", "Arabisch", "arabic|العربية|عربي"},
    {"hy", "Armenisch", "armenian"},
    {"az", "Aserbaidschanisch", "azerbaijani|azeri"},
    {"bn", "Bengalisch", "bengali|bangla"},
    {"bs", "Bosnisch", "bosnian|bosanski"},
    {"bg", "Bulgarisch", "bulgarian|български"},
    {"zh", "Chinesisch", "chinese|中文"},
    {"da", "Dänisch", "danish"},
    {"de", "Deutsch", "german|deutsch (muttersprache)"},
    {"en", "Englisch", "english"},
    {"et", "Estnisch", "estonian"},
    {"fi", "Finnisch", "finnish"},
    {"fr", "Französisch", "french|français"},
    {"ka", "Georgisch", "georgian"},
    {"el", "Griechisch", "greek|ελληνικά"},
    {"he", "Hebräisch", "hebrew|עברית"},
    {"hi", "Hindi", ""},
    {"it", "Italienisch", "italian|italiano"},
    {"ja", "Japanisch", "japanese"},
    {"kk", "Kasachisch", "kazakh"},
    {"hr", "Kroatisch", "croatian|hrvatski"},
    {"ku", "Kurdisch", "kurdish|kurmancî|kurmanci|kurdî"},
    {"lv", "Lettisch", "latvian"},
    {"lt", "Litauisch", "lithuanian"},
    {"mk", "Mazedonisch", "macedonian"},
    {"nl", "Niederländisch", "holländisch|dutch"},
    {"no", "Norwegisch", "norwegian"},
    {"ps", "Paschtu", "paschto|pashto|pushto"},
    {"fa", "Persisch", "farsi|dari|persian|فارسی|دری"},
    {"pl", "Polnisch", "polish|polski"},
    {"pt", "Portugiesisch", "portuguese|português"},
    {"ro", "Rumänisch", "romanian|română"},
    {"ru", "Russisch", "russian|русский"},
    {"sv", "Schwedisch", "swedish"},
    {"sr", "Serbisch", "serbian|српски|srpski"},
    {"sk", "Slowakisch", "slovak"},
    {"sl", "Slowenisch", "slovenian"},
    {"so", "Somali", "somalisch"},
    {"es", "Spanisch", "spanish|español"},
    {"ta", "Tamil", "tamilisch"},
    {"ti", "Tigrinya", "tigrinisch"},
    {"th", "Thailändisch", "thai"},
    {"cs", "Tschechisch", "czech"},
    {"tr", "Türkisch", "turkish|türkçe"},
    {"uk", "Ukrainisch", "ukrainian|українська"},
    {"hu", "Ungarisch", "hungarian|magyar"},
    {"ur", "Urdu", ""},
    {"uz", "Usbekisch", "uzbek"},
    {"vi", "Vietnamesisch", "vietnamese|tiếng việt"},
};

/* Every code of ISO 639-1, each followed by a space: a language without a German name above is printed by
 * its code. */
static const char iso_639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de "
    "dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id "
    "ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu "
    "lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu "
    "rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr "
    "ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu ";

static size_t
n_languages(void)
{
    return sizeof languages / sizeof languages[0];
}

/* Equal as people type names: case and accents ignored, ü = ue ("Tuerkisch", "TÜRKISCH"). */
static bool
same_name(const char *key, const char *b, size_t b_len)
{
    char *nb = xstrndup(b, b_len), *kb = utf8_match_key(nb);
    bool  same = kb && strcmp(key, kb) == 0;
    free(nb);
    free(kb);
    return same;
}

static const struct language *
find_code(const char *code)
{
    for (size_t i = 0; i < n_languages(); i++)
        if (strcmp(languages[i].code, code) == 0)
            return &languages[i];
    return NULL;
}

static bool
is_iso_code(const char *code)
{
    for (size_t i = 0; iso_639_1[i]; i += 3)
        if (iso_639_1[i] == code[0] && iso_639_1[i + 1] == code[1])
            return true;
    return false;
}

bool
roster_language_code(const char *name, char out[static 3])
{
    out[0] = '\0';
    if (!name)
        return true;
    while (*name == ' ')
        name++;
    size_t len = strlen(name);
    while (len && name[len - 1] == ' ')
        len--;
    if (len == 0)
        return true;
    /* A code, maybe with a region ("tr-TR", "pt_BR"). */
    bool is_code = len == 2 || (len == 5 && (name[2] == '-' || name[2] == '_'));
    for (size_t i = 0; i < 2 && is_code; i++)
        is_code = (name[i] | 0x20) >= 'a' && (name[i] | 0x20) <= 'z';
    if (is_code) {
        char code[3] = {(char)(name[0] | 0x20), (char)(name[1] | 0x20), '\0'};
        if (is_iso_code(code)) {
            if (strcmp(code, "de") != 0)
                memcpy(out, code, 3);
            return true;
        }
    }
    char *given = xstrndup(name, len), *key = utf8_match_key(given);
    free(given);
    for (size_t i = 0; key && i < n_languages(); i++) {
        const struct language *l = &languages[i];
        bool                   hit = same_name(key, l->german, strlen(l->german));
        for (const char *s = l->names; !hit && *s;) {
            const char *bar = strchr(s, '|');
            size_t      n = bar ? (size_t)(bar - s) : strlen(s);
            hit = same_name(key, s, n);
            s += n + (bar != NULL);
        }
        if (hit) {
            if (strcmp(l->code, "de") != 0)
                memcpy(out, l->code, 3);
            free(key);
            return true;
        }
    }
    free(key);
    return false;
}

const char *
roster_language_name(const char *code)
{
    const struct language *l = code ? find_code(code) : NULL;
    return l ? l->german : code;
}

bool
roster_language_is_rtl(const char *code)
{
    static const char *const rtl[] = {"ar", "fa", "he", "ur", "ps", "yi", "dv", "sd", "ug"};
    for (size_t i = 0; code && i < sizeof rtl / sizeof rtl[0]; i++)
        if (strcmp(code, rtl[i]) == 0)
            return true;
    return false;
}
