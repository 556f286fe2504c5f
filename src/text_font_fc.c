/*
 * text font finder for Linux: fontconfig. A private config per finder, so no
 * fontconfig state outlives loading. A match counts only when the face fontconfig
 * picks lists the family asked for (it substitutes silently otherwise).
 */
#include "consentgen/text.h"

#include <stdlib.h>

#include <fontconfig/fontconfig.h>

#include "text_int.h"

struct text_finder {
    FcConfig *cfg;
};

struct text_finder *
text_finder_new(void)
{
    FcConfig *cfg = FcInitLoadConfigAndFonts();
    if (!cfg)
        return NULL;
    struct text_finder *f = xcalloc(1, sizeof *f);
    f->cfg = cfg;
    return f;
}

void
text_finder_free(struct text_finder *f)
{
    if (!f)
        return;
    FcConfigDestroy(f->cfg);
    free(f);
}

static bool
pattern_has_family(FcPattern *p, const char *family)
{
    FcChar8 *s;
    for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &s) == FcResultMatch; i++)
        if (FcStrCmpIgnoreCase(s, (const FcChar8 *)family) == 0)
            return true;
    return false;
}

char *
text_finder_match(struct text_finder *f, const char *family, enum text_style style)
{
    static const int weight[TEXT_N_STYLES] = {FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD, FC_WEIGHT_REGULAR};
    static const int slant[TEXT_N_STYLES] = {FC_SLANT_ROMAN, FC_SLANT_ROMAN, FC_SLANT_ITALIC};
    FcPattern       *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT, weight[style]);
    FcPatternAddInteger(pat, FC_SLANT, slant[style]);
    /* Prefer a TrueType file where a family ships several formats. */
    FcPatternAddString(pat, FC_FONTFORMAT, (const FcChar8 *)"TrueType");
    FcConfigSubstitute(f->cfg, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult   result;
    FcPattern *m = FcFontMatch(f->cfg, pat, &result);
    FcPatternDestroy(pat);
    char    *path = NULL;
    FcChar8 *file;
    if (m && pattern_has_family(m, family) && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch)
        path = xstrdup((const char *)file);
    if (m)
        FcPatternDestroy(m);
    return path;
}

void
text_finder_each_family(struct text_finder *f, void (*fn)(void *ctx, const char *family), void *ctx)
{
    FcPattern   *pat = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
    FcFontSet   *set = FcFontList(f->cfg, pat, os);
    for (int i = 0; set && i < set->nfont; i++) {
        FcChar8 *s;
        if (FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &s) == FcResultMatch)
            fn(ctx, (const char *)s);
    }
    if (set)
        FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
}
