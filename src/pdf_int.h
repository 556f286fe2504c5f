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
    char       *path;
    bool        is_path; /* named by path in the config: messages say so plainly */
    const char *data;    /* the file's bytes, the text engine's (mapped once per run) */
    size_t      len;
};

/* A read position in a font file's bytes: libharu reads fonts through these (a callback stream). */
struct hpdf_font_reader {
    const unsigned char *data;
    size_t               len, pos;
};

/*
 * A libharu document with every font file loaded. libharu keeps loaded fonts
 * and encoders across HPDF_NewDoc (HPDF_FreeDoc frees only the objects of one
 * PDF and clears the glyphs-used marks), so one of these serves every PDF of
 * a run, one PDF at a time.
 */
struct hpdf_slot {
    HPDF_Doc                 doc;
    struct hpdf_error        err;
    size_t                   n_fonts;
    HPDF_FontDef            *def;       /* per font id */
    const char             **font_name; /* per font id, owned by doc */
    struct hpdf_font_reader *reader;    /* per font id: libharu's read position in the file */
    int *owner; /* per font id: the first id with the same libharu font (two files, one name) */
    /* Per font id and glyph id: the advance width in the PDF's W array (1/1000 em, rounded) and the
     * advance in text units that HarfBuzz starts from (the hmtx advance); glyph ids up to n_glyphs. */
    int16_t    **width;
    int32_t    **nominal;
    uint32_t    *n_glyphs;
    HPDF_Encoder encoder; /* owned by doc */
    bool         in_use;
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
 * The Type0 font of font id for one PDF, made when the PDF first prints in
 * it: Identity-H codes are glyph ids (CIDToGIDMap /Identity). NULL on a
 * libharu error (recorded in s->err).
 */
HPDF_Font hpdf_glyph_font_new(struct hpdf_slot *s, int font);
/*
 * Completes font f with the glyphs the PDF used (sorted by gid, without
 * repeats): their widths, a ToUnicode CMap of bfchar and bfrange entries (one
 * glyph to several characters for ligatures), and each glyph marked for
 * libharu's subset together with the parts of composite glyphs, at any depth.
 */
bool hpdf_glyph_font_finish(struct hpdf_slot *s, int font, HPDF_Font f, const struct pdf_glyph_use *used,
                            size_t n_used);

/*
 * Deflates the page contents of the slot's PDF and the font files of fonts[0 .. n) (its Type0 fonts,
 * NULL where none was made), after hpdf_glyph_font_finish, before the PDF is written.
 */
bool hpdf_deflate_streams(struct hpdf_slot *s, const HPDF_Font *fonts, size_t n_fonts);

/* Appends raw operators to a page's content stream (the text is written without libharu's text functions). */
void hpdf_page_write(HPDF_Page page, const char *s, size_t len);

#endif
