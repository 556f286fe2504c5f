/*
 * form: one pupil's values for the template placeholders, and the call into
 * layout for a pupil's form or a class's return list.
 */
#ifndef CONSENTGEN_FORM_H
#define CONSENTGEN_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/layout.h"
#include "consentgen/roster.h"
#include "consentgen/template.h"
#include "consentgen/text.h"

/* A translation of the template (templates/NAME.LL.md), printed after the German form for information. */
struct form_translation {
    char                       language[3]; /* ISO 639-1 */
    const struct template_doc *doc;
};

/* The objects of a run, shared by all pupils and all workers (the shaper's cache is each process's). */
struct form_run {
    const struct config           *config;
    const struct roster           *roster;
    const struct template_doc     *doc;
    const struct text_shaper      *shaper;       /* the text engine */
    const char                    *font_name;    /* for messages */
    double                         logo_aspect;  /* 0: no logo */
    const struct form_translation *translations; /* the languages the run prints; NULL: none */
    size_t                         n_translations;
    const char *language; /* render --language: every pupil's ("" German only); NULL: the roster's */
};

/* Value of placeholder name for pupil p (NULL if unknown); allocated in a when computed. */
const char *form_value(const struct form_run *run, const struct pupil *p, const char *name, struct arena *a);

/* "Nachname, Vorname", in a. */
const char *form_pupil_name(const struct pupil *p, struct arena *a);

/* Lays out pupil p's form into out (allocated in a). */
void form_layout_pupil(const struct form_run *run, const struct pupil *p, struct arena *a,
                       struct layout_doc *out);

/*
 * The translation pupil p gets (render --language, else the roster's language column), NULL if none:
 * German, no language given, or no translation into it.
 */
const struct form_translation *form_translation_of(const struct form_run *run, const struct pupil *p);

/*
 * Lays out the translation t for pupil p into out (allocated in a): the same letterhead and footer as
 * the German form (the footer names the language), the body in the language's direction, check boxes
 * shown but not for ticking, no signature lines and no slip.
 */
void form_layout_translation(const struct form_run *run, const struct form_translation *t,
                             const struct pupil *p, struct arena *a, struct layout_doc *out);

/*
 * Lays out the return list of one class; pupils in print order. answers (NULL:
 * none) gives per pupil the register's answer, ticked off as back (render --missing).
 */
void form_layout_class_sheet(const struct form_run *run, const char *class_name,
                             const struct pupil *const *pupils, const char *const *answers, size_t n_pupils,
                             struct arena *a, struct layout_doc *out);

/*
 * Where pupil p's return slip is (page, corner marks, code, check boxes,
 * signature lines), as the form is laid out; for scan. False if the template
 * has no slip block. The layout lives in a until it is reset.
 */
bool form_slip_geometry(const struct form_run *run, const struct pupil *p, struct arena *a,
                        struct layout_slip *out);

/*
 * Checks that the fonts can print every character of pupil p that the form
 * prints (names, class, every placeholder value the template uses): a
 * character prints when some font of its style shapes its whole grapheme
 * cluster without .notdef (the configured font, then the fallbacks). Each
 * missing character is an error at the pupil's roster line naming the pupil,
 * the character and its U+ code. Returns false if any was missing.
 */
bool form_check_glyphs(const struct form_run *run, const struct pupil *p, struct diags *d);

/*
 * Checks once per run what every form prints alike: school name and address
 * (at the config), the template's own text (at its line and column), the
 * form.KEY values the template uses (at the config value) and the marks
 * layout draws itself (bullets, "·", "…"). form_check_glyphs leaves these
 * out so that a school name is not reported once per pupil.
 */
bool form_check_glyphs_run(const struct form_run *run, struct diags *d);

/* ---- the code on a return slip ---- */

#define FORM_TOKEN_LEN 12           /* 11 data characters and 1 check character */
#define FORM_TOKEN_QR_PREFIX "CG1-" /* before the token in the QR code: the code's version */

/*
 * The code of pupil p's return slip in this form round, NUL-terminated: the
 * first 55 bits of XXH3-64 over the round (school name, form title, form date)
 * and the pupil (last name, first name, birth date, id; not the class, which
 * may change during the round) in Crockford's base-32 alphabet (0-9 A-Z
 * without I L O U), then a check character. The same input gives the same
 * code; nothing about the pupil can be read from it. run->doc must be set.
 */
void form_token(const struct form_run *run, const struct pupil *p, char out[static FORM_TOKEN_LEN + 1]);

/* The token as printed for people: "K7M2-9QXD-4TB5". */
void form_token_grouped(const char *token, char out[static FORM_TOKEN_LEN + 3]);

enum form_token_read {
    FORM_TOKEN_OK,
    FORM_TOKEN_MALFORMED, /* not 12 characters of the alphabet, or another code version */
    FORM_TOKEN_BAD_CHECK, /* the check character does not fit: misread or mistyped */
};
/*
 * Reads a token as printed ("k7m2-9qxd-4tb5") or as in the QR code ("CG1-"
 * and the 12 characters): case, hyphens and spaces do not matter, and I, L
 * count as 1, O as 0 (Crockford). On FORM_TOKEN_OK out holds the token.
 */
enum form_token_read form_token_read(const char *text, char out[static FORM_TOKEN_LEN + 1]);

/*
 * Checks that no two different pupils of the roster get the same code (an
 * error at the roster line of the second, naming the first). Pupils listed
 * twice with the same data share one code. Returns false on a collision.
 */
bool form_check_tokens(const struct form_run *run, struct diags *d);

#endif
