/*
 * Private to the pdf module: what pdf.c (pages, drawing, public libharu API)
 * asks of pdf_hpdf.c, the one file that reaches into libharu's internal
 * structures (written for libharu 2.3.0; CMake checks the version and
 * try-compiles each structure used here).
 */
#ifndef CONSENTGEN_PDF_INT_H
#define CONSENTGEN_PDF_INT_H

#include "consentgen/pdf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>

/* The first libharu error of a document, recorded by its error handler (libharu demo/handler.c). */
struct hpdf_error {
    HPDF_STATUS error_no;
    HPDF_STATUS detail_no;
    bool        ignore_eof; /* reading the finished stream ends with HPDF_STREAM_EOF */
};

/* libharu's error handler for a document whose errors go to e (a struct hpdf_error). */
void hpdf_on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *e);

/* The font files of a run, as the text engine found them (font id = index). */
struct pdf_font_file {
    char *path;
    bool  is_path; /* named by path in the config: messages say so plainly */
};

/*
 * A libharu document with every font file loaded. libharu keeps loaded fonts
 * and encoders across HPDF_NewDoc (HPDF_FreeDoc frees only the objects of one
 * PDF and clears the glyphs-used marks), so one of these serves every PDF of
 * a run, one PDF at a time.
 */
struct hpdf_slot {
    HPDF_Doc          doc;
    struct hpdf_error err;
    size_t            n_fonts;
    HPDF_FontDef     *def;       /* per font id */
    const char      **font_name; /* per font id, owned by doc */
    char            **data;      /* per font id: the file's bytes, for the composite glyphs */
    size_t           *data_len;
    int              *owner; /* per font id: the first id with the same libharu font (two files, one name) */
    HPDF_Encoder      encoder; /* owned by doc */
    bool              in_use;
};

/* Loads files[0 .. n) into a new document; NULL and a diag naming the file if libharu cannot use one. */
struct hpdf_slot *hpdf_slot_new(const struct pdf_font_file *files, size_t n, const char *config_path,
                                struct diags *d);
void              hpdf_slot_free(struct hpdf_slot *s);
/* Before the next PDF in the same document: this PDF's font descriptors are gone with its objects. */
void hpdf_slot_end_pdf(struct hpdf_slot *s);

/*
 * A glyph a PDF prints and the characters it stands for (the first use wins;
 * len 0: none). In a right-to-left run, readers take the characters of a word
 * in drawing order and reverse them, so a glyph for several characters (a
 * ligature) lists them in drawing order too: is_rtl.
 */
struct pdf_glyph_use {
    uint32_t    gid;
    const char *text;
    size_t      len;
    bool        is_rtl;
};

/*
 * The Type0 font of font id for one PDF: Identity-H codes are glyph ids
 * (CIDToGIDMap /Identity), widths of the glyphs used, a ToUnicode CMap of
 * bfchar and bfrange entries (one glyph to several characters for ligatures),
 * and every used glyph marked for libharu's subset together with the parts of
 * composite glyphs, at any depth. used is sorted by gid, without repeats.
 * NULL on a libharu error (recorded in s->err).
 */
HPDF_Font hpdf_glyph_font(struct hpdf_slot *s, int font, const struct pdf_glyph_use *used, size_t n_used);

/* The advance width of a glyph in 1/1000 em, as the PDF's W array gives it. */
double hpdf_glyph_width(const struct hpdf_slot *s, int font, uint32_t gid);

/* Appends raw operators to a page's content stream (the text is written without libharu's text functions). */
void hpdf_page_write(HPDF_Page page, const char *s, size_t len);

#endif
