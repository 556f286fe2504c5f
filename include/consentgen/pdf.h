/*
 * pdf: the libharu writer that turns laid-out pages into a PDF: glyph runs
 * drawn as glyph ids in embedded TrueType subsets with a ToUnicode map, so
 * text copies back as written; rules, boxes and the logo.
 */
#ifndef CONSENTGEN_PDF_H
#define CONSENTGEN_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/layout.h"
#include "consentgen/text.h"
#include "consentgen/util.h"

struct pdf_fonts; /* opaque: the text engine's font files, loaded into libharu once per run */

/*
 * Loads every font file of the text engine into libharu (font ids stay the
 * engine's). Keeps a reference to the engine's font bytes: text must outlive
 * the result. config_path names the config in messages. NULL and a diag if
 * libharu cannot use a file.
 */
struct pdf_fonts *pdf_fonts_load(const struct text_engine *text, const char *config_path, struct diags *d);
void              pdf_fonts_free(struct pdf_fonts *f);

/* Reads the size of a PNG or JPEG logo: aspect = width / height. False and a diag if unusable. */
bool pdf_logo_probe(const char *path, const char *config_path, double *aspect, struct diags *d);

struct pdf_meta {
    const char *title;
    const char *author;  /* the school */
    const char *subject; /* NULL: none */
};

struct pdf_writer; /* opaque: one PDF document being built */

/*
 * Starts a document; logo_path may be NULL. Keeps a reference to fonts. The
 * first writer open at a time borrows the fonts' libharu document (loaded once
 * per run); a second one open at the same time loads the font files again.
 */
struct pdf_writer *pdf_writer_new(const struct pdf_fonts *fonts, const char *logo_path,
                                  const struct pdf_meta *meta, struct diags *d);
/* Draws the pages of doc into the PDF at once (doc may be freed afterwards); false and a diag on failure. */
bool pdf_writer_add(struct pdf_writer *w, const struct layout_doc *doc, struct diags *d);
/* Writes the finished PDF into out. No timestamp unless SOURCE_DATE_EPOCH is set. */
bool pdf_writer_save(struct pdf_writer *w, struct buf *out, struct diags *d);
void pdf_writer_free(struct pdf_writer *w);

#endif
