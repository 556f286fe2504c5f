/*
 * scan: scan files to 8-bit grey page images. Accepted input, told apart by the file's first bytes,
 * never by its name:
 *   PDF  (poppler-glib): a page that holds exactly one image covering it (what a copier writes) gives
 *        that image at its own resolution; any other page is rendered with cairo at render_dpi.
 *   PNG (libpng's simplified API), JPEG (libjpeg): one page. TIFF (leptonica on libtiff): every page,
 *        CCITT G3/G4 included.
 * Colour becomes luminance, transparency is laid on white, and an image whose "paper" is mostly black
 * is inverted: CCITT and JPEG images in PDFs sometimes come with their polarity the wrong way round.
 * Anything else is refused with one message saying what the file seems to be (a Word or Excel file,
 * a photo format); sizes are checked before decoding where the format tells them (pixel count per
 * page, pages per file). poppler, leptonica and libtiff are kept quiet, and PNG and JPEG are decoded
 * here rather than by leptonica because libpng's and libjpeg's default handlers print on stderr: only
 * our diags reach the user.
 */
#include "consentgen/scan.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib.h>
#include <jpeglib.h>
#include <leptonica/allheaders.h>
#include <png.h>
#include <poppler.h>
#include <tiffio.h>

#include "consentgen/util.h"
#include "scan_int.h"

/* An image that covers this share of the page is the page's scan. */
#define FULL_PAGE_SHARE 0.85
/* Rendering below this resolution would lose the codes: such a page is too large. */
#define MIN_RENDER_DPI 100.0
/* cairo's image surfaces are limited to this many pixels per side. */
#define CAIRO_MAX_SIDE 32767

struct scan_page {
    PIX     *pix;
    char    *file;
    unsigned number;
    double   dpi;
};

enum doc_kind { DOC_PDF, DOC_PNG, DOC_JPEG, DOC_TIFF };

struct scan_doc {
    enum doc_kind      kind;
    char              *name;
    struct scan_limits lim;
    uint8_t           *data; /* the file's bytes (PNG, JPEG, TIFF) */
    size_t             len;
    GBytes            *bytes; /* the same for poppler */
    PopplerDocument   *pdf;
    size_t             n_pages;
};

struct scan_limits
scan_limits_default(void)
{
    return (struct scan_limits){
        .max_file_bytes = (size_t)1 << 30,
        .max_pages = 2000,
        .max_pixels = 72000000, /* A3 at 600 dpi */
        .render_dpi = 200,
    };
}

unsigned
scan_page_width(const struct scan_page *p)
{
    return (unsigned)pixGetWidth(p->pix);
}

unsigned
scan_page_height(const struct scan_page *p)
{
    return (unsigned)pixGetHeight(p->pix);
}

double
scan_page_dpi(const struct scan_page *p)
{
    return p->dpi;
}

const char *
scan_page_file(const struct scan_page *p)
{
    return p->file;
}

unsigned
scan_page_number(const struct scan_page *p)
{
    return p->number;
}

PIX *
scan_page_pix(const struct scan_page *p)
{
    return p->pix;
}

struct scan_page *
scan_page_from_pix(PIX *pix, const char *name, unsigned number, double dpi)
{
    struct scan_page *p = xcalloc(1, sizeof *p);
    p->pix = pix;
    p->file = xstrdup(name);
    p->number = number;
    p->dpi = dpi;
    return p;
}

void
scan_page_free(struct scan_page *p)
{
    if (!p)
        return;
    pixDestroy(&p->pix);
    free(p->file);
    free(p);
}

double
scan_page_sample(const struct scan_page *p, double x, double y)
{
    int w = pixGetWidth(p->pix), h = pixGetHeight(p->pix), wpl = pixGetWpl(p->pix);
    /* Pixel centres sit at +0.5. */
    x -= 0.5, y -= 0.5;
    if (!(x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1))
        return 255;
    int       x0 = (int)x, y0 = (int)y;
    int       x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    double    fx = x - x0, fy = y - y0;
    l_uint32 *data = pixGetData(p->pix), *r0 = data + (size_t)y0 * wpl, *r1 = data + (size_t)y1 * wpl;
    double    top = GET_DATA_BYTE(r0, x0) * (1 - fx) + GET_DATA_BYTE(r0, x1) * fx;
    double    bottom = GET_DATA_BYTE(r1, x0) * (1 - fx) + GET_DATA_BYTE(r1, x1) * fx;
    return top * (1 - fy) + bottom * fy;
}

static void
ignore_glib_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
    (void)domain, (void)level, (void)message, (void)data;
}

void
scan_quiet_libraries(void)
{
    /*
     * leptonica reports every failed decode on stderr and poppler-glib its syntax errors through the
     * glib log; both failures come back to us as return values, which become diags.
     */
    setMsgSeverity(L_SEVERITY_NONE);
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION, ignore_glib_log, NULL);
}

/* memmem for a short needle anywhere in the first max bytes. */
static bool
contains(const uint8_t *data, size_t len, const char *needle, size_t nlen)
{
    if (nlen == 0 || len < nlen)
        return false;
    for (size_t i = 0; i + nlen <= len; i++)
        if (data[i] == (uint8_t)needle[0] && memcmp(data + i, needle, nlen) == 0)
            return true;
    return false;
}
#define CONTAINS(d, l, lit) contains((d), (l), (lit), sizeof(lit) - 1)

static bool
starts(const uint8_t *data, size_t len, const char *magic, size_t mlen)
{
    return len >= mlen && memcmp(data, magic, mlen) == 0;
}
#define STARTS(d, l, lit) starts((d), (l), (lit), sizeof(lit) - 1)

/* One whole-file message for what the file is, when it is not a scan we read. */
static void
refuse(const uint8_t *data, size_t len, const char *name, struct diags *d)
{
    if (len == 0) {
        diag_add(d, DIAG_ERROR, name, 0, 0, "the file is empty: expected a scan as PDF, PNG, JPEG or TIFF");
    } else if (STARTS(data, len, "PK\x03\x04")) {
        /* Office files are ZIP archives; the names of their parts tell them apart. */
        if (CONTAINS(data, len, "word/"))
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is a Word document, not a scan: expected a scan as PDF, PNG, JPEG or TIFF");
        else if (CONTAINS(data, len, "xl/"))
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is an Excel workbook, not a scan: expected a scan as PDF, PNG, JPEG or TIFF");
        else if (CONTAINS(data, len, "ppt/"))
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is a PowerPoint presentation, not a scan: expected a scan as PDF, PNG, JPEG or TIFF");
        else if (CONTAINS(data, len, "application/vnd.oasis.opendocument"))
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is a LibreOffice or OpenOffice document, not a scan: expected a scan as PDF, PNG, "
                     "JPEG or TIFF");
        else
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is a ZIP archive, not a scan: unpack it and give the scans inside (PDF, PNG, JPEG "
                     "or TIFF)");
    } else if (STARTS(data, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
        /* The old binary Office formats name their main stream in UTF-16. */
        if (CONTAINS(data, len, "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t"))
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is a Word document, not a scan: expected a scan as PDF, PNG, JPEG or TIFF");
        else if (CONTAINS(data, len, "W\0o\0r\0k\0b\0o\0o\0k") || CONTAINS(data, len, "B\0o\0o\0k"))
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is an Excel workbook, not a scan: expected a scan as PDF, PNG, JPEG or TIFF");
        else
            diag_add(d, DIAG_ERROR, name, 0, 0,
                     "this is a Microsoft Office file, not a scan: expected a scan as PDF, PNG, JPEG or TIFF");
    } else if (STARTS(data, len, "GIF8") || STARTS(data, len, "BM") ||
               (len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0)) {
        diag_add(d, DIAG_ERROR, name, 0, 0,
                 "this is a GIF, BMP or WebP image: save the scan as PDF, PNG, JPEG or TIFF instead");
    } else if (len >= 12 && memcmp(data + 4, "ftyp", 4) == 0) {
        diag_add(d, DIAG_ERROR, name, 0, 0,
                 "this is a HEIC photo or a video: save the scan as PDF, PNG, JPEG or TIFF instead");
    } else if (utf8_is_valid((const char *)data, len < 4096 ? len : 4096) && !memchr(data, 0, len < 4096 ? len : 4096)) {
        diag_add(d, DIAG_ERROR, name, 0, 0,
                 "this is a text file, not a scan: expected a scan as PDF, PNG, JPEG or TIFF");
    } else {
        diag_add(d, DIAG_ERROR, name, 0, 0,
                 "this file is not a scan in a format consentgen reads: expected PDF, PNG, JPEG or TIFF");
    }
}

static bool
open_pdf(struct scan_doc *doc, struct diags *d)
{
    GError *err = NULL;
    doc->bytes = g_bytes_new(doc->data, doc->len);
    doc->pdf = poppler_document_new_from_bytes(doc->bytes, NULL, &err);
    if (!doc->pdf) {
        if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
            diag_add(d, DIAG_ERROR, doc->name, 0, 0,
                     "the PDF file is protected by a password: save the scan again without one");
        else
            diag_add(d, DIAG_ERROR, doc->name, 0, 0, "the PDF file is damaged or cut off and cannot be read");
        if (err)
            g_error_free(err);
        return false;
    }
    int n = poppler_document_get_n_pages(doc->pdf);
    doc->n_pages = n > 0 ? (size_t)n : 0;
    if (doc->n_pages == 0) {
        diag_add(d, DIAG_ERROR, doc->name, 0, 0, "the PDF file has no pages");
        return false;
    }
    return true;
}

static bool
open_tiff(struct scan_doc *doc, struct diags *d)
{
    FILE   *fp = fopenReadFromMemory(doc->data, doc->len);
    l_int32 n = 0;
    bool    ok = fp && tiffGetCount(fp, &n) == 0 && n > 0;
    if (fp)
        fclose(fp);
    if (!ok) {
        diag_add(d, DIAG_ERROR, doc->name, 0, 0, "the TIFF file is damaged or cut off and cannot be read");
        return false;
    }
    doc->n_pages = (size_t)n;
    return true;
}

struct scan_doc *
scan_doc_parse(const void *data, size_t len, const char *name, const struct scan_limits *lim, struct diags *d)
{
    const uint8_t *b = data;
    enum doc_kind  kind;
    scan_quiet_libraries();
    /* A PDF may have bytes before its header; readers accept it within the first kilobyte. */
    if (contains(b, len < 1024 ? len : 1024, "%PDF-", 5))
        kind = DOC_PDF;
    else if (STARTS(b, len, "\x89PNG\r\n\x1a\n"))
        kind = DOC_PNG;
    else if (STARTS(b, len, "\xFF\xD8\xFF"))
        kind = DOC_JPEG;
    else if (STARTS(b, len, "II*\0") || STARTS(b, len, "MM\0*"))
        kind = DOC_TIFF;
    else {
        refuse(b, len, name, d);
        return NULL;
    }
    if (len > lim->max_file_bytes) {
        diag_add(d, DIAG_ERROR, name, 0, 0, "the file is larger than %zu MB: split the scan into several files",
                 lim->max_file_bytes >> 20);
        return NULL;
    }
    struct scan_doc *doc = xcalloc(1, sizeof *doc);
    doc->kind = kind;
    doc->name = xstrdup(name);
    doc->lim = *lim;
    doc->data = xmalloc(len ? len : 1);
    memcpy(doc->data, data, len);
    doc->len = len;
    bool ok = true;
    switch (kind) {
    case DOC_PDF: ok = open_pdf(doc, d); break;
    case DOC_TIFF: ok = open_tiff(doc, d); break;
    case DOC_PNG:
    case DOC_JPEG: doc->n_pages = 1; break;
    }
    if (ok && doc->n_pages > lim->max_pages) {
        diag_add(d, DIAG_ERROR, name, 0, 0,
                 "the file has %zu pages, more than the %zu one scan file may have: split it into several files",
                 doc->n_pages, lim->max_pages);
        ok = false;
    }
    if (!ok) {
        scan_doc_free(doc);
        return NULL;
    }
    return doc;
}

struct scan_doc *
scan_doc_load(const char *path, const struct scan_limits *lim, struct diags *d)
{
    char  *data = NULL;
    size_t len = 0;
    if (!util_read_file(path, lim->max_file_bytes, &data, &len)) {
        if (errno == EFBIG)
            diag_add(d, DIAG_ERROR, path, 0, 0, "the file is larger than %zu MB: split the scan into several files",
                     lim->max_file_bytes >> 20);
        else
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read scan \"%s\": %s", path, strerror(errno));
        return NULL;
    }
    struct scan_doc *doc = scan_doc_parse(data, len, path, lim, d);
    free(data);
    return doc;
}

size_t
scan_doc_n_pages(const struct scan_doc *doc)
{
    return doc->n_pages;
}

void
scan_doc_free(struct scan_doc *doc)
{
    if (!doc)
        return;
    if (doc->pdf)
        g_object_unref(doc->pdf);
    if (doc->bytes)
        g_bytes_unref(doc->bytes);
    free(doc->data);
    free(doc->name);
    free(doc);
}

/* Inverts pix in place when most of it is dark: a page is mostly paper. */
static void
fix_polarity(PIX *pix)
{
    NUMA *hist = pixGetGrayHistogram(pix, 4);
    if (!hist)
        return;
    l_float32 dark = 0, total = 0;
    for (int i = 0; i < 256; i++) {
        l_float32 v = 0;
        numaGetFValue(hist, i, &v);
        total += v;
        if (i < 128)
            dark += v;
    }
    numaDestroy(&hist);
    if (total > 0 && dark > 0.6f * total)
        pixInvert(pix, pix);
}

/* Any leptonica image to 8 bpp grey, transparency laid on white; NULL if it cannot be converted. */
static PIX *
to_grey(PIX *pix)
{
    PIX *flat = pixGetSpp(pix) == 4 ? pixAlphaBlendUniform(pix, 0xffffff00) : pixClone(pix);
    PIX *grey = flat ? pixConvertTo8(flat, 0) : NULL;
    pixDestroy(&flat);
    return grey;
}

static bool
too_many_pixels(const struct scan_doc *doc, uint64_t w, uint64_t h, size_t page, struct diags *d)
{
    if (w * h <= doc->lim.max_pixels)
        return false;
    diag_add(d, DIAG_ERROR, doc->name, (unsigned)(page + 1), 0,
             "this page is %zu x %zu pixels, more than the %zu million pixels a page may have", (size_t)w, (size_t)h,
             (size_t)(doc->lim.max_pixels / 1000000));
    return true;
}

/* A cairo image surface (premultiplied ARGB32 or RGB24) to grey on white. */
static PIX *
surface_to_pix(cairo_surface_t *s)
{
    cairo_surface_flush(s);
    cairo_format_t fmt = cairo_image_surface_get_format(s);
    int            w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int            stride = cairo_image_surface_get_stride(s);
    unsigned char *src = cairo_image_surface_get_data(s);
    if (!src || w <= 0 || h <= 0 || (fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24))
        return NULL;
    PIX *pix = pixCreateNoInit(w, h, 8);
    if (!pix)
        return NULL;
    l_uint32 *data = pixGetData(pix);
    int       wpl = pixGetWpl(pix);
    /* An opaque surface (a scan's image) has alpha 255 in RGB24 too: its top byte is not read then. */
    uint32_t alpha = fmt == CAIRO_FORMAT_ARGB32 ? 0 : 0xff000000u;
    uint8_t *grey = xmalloc((size_t)wpl * 4);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(src + (size_t)y * stride);
        /* Rec. 601 luminance of the premultiplied colour, plus the white showing through; a plain loop the
         * compiler turns into vector code. */
        for (int x = 0; x < w; x++) {
            uint32_t v = row[x] | alpha;
            uint32_t lum = (((v >> 16) & 255) * 77 + ((v >> 8) & 255) * 150 + (v & 255) * 29) >> 8;
            uint32_t g = lum + (255 - (v >> 24));
            grey[x] = (uint8_t)(g > 255 ? 255 : g);
        }
        for (int x = w; x < wpl * 4; x++)
            grey[x] = 255;
        /* Four pixels to a word, the first in its high byte: leptonica's order for 8 bpp. */
        l_uint32 *out = data + (size_t)y * wpl;
        for (int i = 0; i < wpl; i++)
            out[i] = (l_uint32)grey[4 * i] << 24 | (l_uint32)grey[4 * i + 1] << 16 | (l_uint32)grey[4 * i + 2] << 8 |
                     grey[4 * i + 3];
    }
    free(grey);
    return pix;
}

/* The one image covering the page, at its own resolution; NULL if the page is not like that. */
static PIX *
pdf_full_page_image(struct scan_doc *doc, PopplerPage *page, double pw, double ph, double *dpi)
{
    GList *map = poppler_page_get_image_mapping(page);
    PIX   *pix = NULL;
    if (map && !map->next) {
        const PopplerImageMapping *m = map->data;
        double aw = fabs(m->area.x2 - m->area.x1), ah = fabs(m->area.y2 - m->area.y1);
        if (aw * ah >= FULL_PAGE_SHARE * pw * ph) {
            cairo_surface_t *s = poppler_page_get_image(page, m->image_id);
            if (s && cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
                double w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
                /* The same resolution across and down, the image placed upright or turned. */
                double dx = w / (aw / 72), dy = h / (ah / 72), tx = w / (ah / 72), ty = h / (aw / 72);
                bool   square = fabs(dx / dy - 1) < 0.03, turned = fabs(tx / ty - 1) < 0.03;
                if ((square || turned) && (uint64_t)w * (uint64_t)h <= doc->lim.max_pixels) {
                    pix = surface_to_pix(s);
                    *dpi = square ? (dx + dy) / 2 : (tx + ty) / 2;
                    if (pix)
                        fix_polarity(pix);
                }
            }
            if (s)
                cairo_surface_destroy(s);
        }
    }
    poppler_page_free_image_mapping(map);
    return pix;
}

static struct scan_page *
pdf_page(struct scan_doc *doc, size_t index, struct diags *d)
{
    PopplerPage *page = poppler_document_get_page(doc->pdf, (int)index);
    if (!page) {
        diag_add(d, DIAG_ERROR, doc->name, (unsigned)(index + 1), 0,
                 "this page cannot be read: the PDF file is damaged here");
        return NULL;
    }
    double pw = 0, ph = 0, dpi = 0;
    poppler_page_get_size(page, &pw, &ph);
    if (!(pw >= 1 && ph >= 1 && pw <= 14400 && ph <= 14400)) {
        diag_add(d, DIAG_ERROR, doc->name, (unsigned)(index + 1), 0,
                 "this page has no usable size: the PDF file is damaged here");
        g_object_unref(page);
        return NULL;
    }
    PIX *pix = pdf_full_page_image(doc, page, pw, ph, &dpi);
    if (!pix) {
        /* Rendered; a page too large for the pixel limit at render_dpi gets a lower resolution. */
        dpi = doc->lim.render_dpi;
        double fit = sqrt((double)doc->lim.max_pixels / (pw * ph / (72.0 * 72.0)));
        if (fit < dpi)
            dpi = fit;
        int w = (int)ceil(pw * dpi / 72), h = (int)ceil(ph * dpi / 72);
        if (dpi < MIN_RENDER_DPI || w > CAIRO_MAX_SIDE || h > CAIRO_MAX_SIDE) {
            too_many_pixels(doc, (uint64_t)ceil(pw * doc->lim.render_dpi / 72),
                            (uint64_t)ceil(ph * doc->lim.render_dpi / 72), index, d);
            g_object_unref(page);
            return NULL;
        }
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
            cairo_t *cr = cairo_create(s);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_paint(cr);
            cairo_scale(cr, dpi / 72, dpi / 72);
            poppler_page_render(page, cr);
            cairo_destroy(cr);
            pix = surface_to_pix(s);
        }
        cairo_surface_destroy(s);
    }
    g_object_unref(page);
    if (!pix) {
        diag_add(d, DIAG_ERROR, doc->name, (unsigned)(index + 1), 0,
                 "this page cannot be read: the PDF file is damaged here");
        return NULL;
    }
    return scan_page_from_pix(pix, doc->name, (unsigned)(index + 1), dpi);
}

/* PNG to grey on white with libpng's simplified API, which keeps its messages in the image struct. */
static PIX *
decode_png(const struct scan_doc *doc, bool *too_large, struct diags *d)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, doc->data, doc->len))
        return NULL;
    if (too_many_pixels(doc, img.width, img.height, 0, d)) {
        png_image_free(&img);
        *too_large = true;
        return NULL;
    }
    img.format = PNG_FORMAT_GRAY;
    PIX *pix = pixCreate((l_int32)img.width, (l_int32)img.height, 8);
    if (!pix) {
        png_image_free(&img);
        return NULL;
    }
    uint8_t        *rows = xmalloc((size_t)img.width * img.height);
    const png_color white = {255, 255, 255};
    bool            ok = png_image_finish_read(&img, &white, rows, (png_int_32)img.width, NULL) != 0;
    if (ok) {
        l_uint32 *data = pixGetData(pix);
        int       wpl = pixGetWpl(pix);
        for (png_uint_32 y = 0; y < img.height; y++)
            for (png_uint_32 x = 0; x < img.width; x++)
                SET_DATA_BYTE(data + (size_t)y * wpl, x, rows[(size_t)y * img.width + x]);
    } else {
        pixDestroy(&pix);
    }
    free(rows);
    png_image_free(&img);
    return pix;
}

struct jpeg_trap {
    struct jpeg_error_mgr mgr;
    jmp_buf               jump;
    int                   n_warnings;
};

static void
jpeg_fail(j_common_ptr cinfo)
{
    longjmp(((struct jpeg_trap *)cinfo->err)->jump, 1);
}

static void
jpeg_note(j_common_ptr cinfo, int level)
{
    /* Level -1 is a warning (damaged data); higher levels are trace output. */
    if (level < 0)
        ((struct jpeg_trap *)cinfo->err)->n_warnings++;
}

/* JPEG to grey with libjpeg, its messages counted instead of printed; *warnings: the data was damaged. */
static PIX *
decode_jpeg(const struct scan_doc *doc, bool *too_large, bool *warnings, struct diags *d)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_trap              trap;
    PIX *volatile pix = NULL;
    cinfo.err = jpeg_std_error(&trap.mgr);
    trap.mgr.error_exit = jpeg_fail;
    trap.mgr.emit_message = jpeg_note;
    trap.n_warnings = 0;
    if (setjmp(trap.jump)) {
        jpeg_destroy_decompress(&cinfo);
        pixDestroy((PIX **)&pix);
        return NULL;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, doc->data, (unsigned long)doc->len);
    jpeg_read_header(&cinfo, TRUE);
    if (too_many_pixels(doc, cinfo.image_width, cinfo.image_height, 0, d)) {
        jpeg_destroy_decompress(&cinfo);
        *too_large = true;
        return NULL;
    }
    /* libjpeg converts YCbCr to grey itself; CMYK and YCCK scans it cannot: those are refused. */
    cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&cinfo);
    pix = pixCreate((l_int32)cinfo.output_width, (l_int32)cinfo.output_height, 8);
    if (!pix || cinfo.output_components != 1)
        longjmp(trap.jump, 1);
    JSAMPLE  *row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE, cinfo.output_width, 1)[0];
    l_uint32 *data = pixGetData(pix);
    int       wpl = pixGetWpl(pix);
    while (cinfo.output_scanline < cinfo.output_height) {
        JDIMENSION y = cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
        for (JDIMENSION x = 0; x < cinfo.output_width; x++)
            SET_DATA_BYTE(data + (size_t)y * wpl, x, row[x]);
    }
    jpeg_finish_decompress(&cinfo);
    if (cinfo.X_density > 0 && cinfo.density_unit == 1)
        pixSetResolution(pix, cinfo.X_density, cinfo.Y_density);
    else if (cinfo.X_density > 0 && cinfo.density_unit == 2)
        pixSetResolution(pix, (l_int32)lround(cinfo.X_density * 2.54), (l_int32)lround(cinfo.Y_density * 2.54));
    jpeg_destroy_decompress(&cinfo);
    *warnings = trap.n_warnings > 0;
    return pix;
}

static PIX *
decode_tiff(const struct scan_doc *doc, size_t index, bool *too_large, struct diags *d)
{
    l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, format = 0;
    if (readHeaderMemTiff(doc->data, doc->len, (l_int32)index, &w, &h, &bps, &spp, &res, &cmap, &format) != 0 ||
        w <= 0 || h <= 0)
        return NULL;
    if (too_many_pixels(doc, (uint64_t)w, (uint64_t)h, index, d)) {
        *too_large = true;
        return NULL;
    }
    PIX *raw = pixReadMemTiff(doc->data, doc->len, (l_int32)index);
    PIX *pix = raw ? to_grey(raw) : NULL;
    pixDestroy(&raw);
    return pix;
}

static struct scan_page *
image_page(struct scan_doc *doc, size_t index, struct diags *d)
{
    bool too_large = false, warnings = false;
    PIX *pix = doc->kind == DOC_TIFF   ? decode_tiff(doc, index, &too_large, d)
               : doc->kind == DOC_JPEG ? decode_jpeg(doc, &too_large, &warnings, d)
                                       : decode_png(doc, &too_large, d);
    if (too_large)
        return NULL;
    if (!pix) {
        if (doc->kind == DOC_TIFF)
            diag_add(d, DIAG_ERROR, doc->name, (unsigned)(index + 1), 0,
                     "this page cannot be read: the TIFF file is damaged or cut off here");
        else if (doc->kind == DOC_JPEG)
            diag_add(d, DIAG_ERROR, doc->name, 0, 0, "the JPEG image is damaged or cut off and cannot be read");
        else
            diag_add(d, DIAG_ERROR, doc->name, 0, 0, "the PNG image is damaged or cut off and cannot be read");
        return NULL;
    }
    if (warnings)
        diag_add(d, DIAG_WARNING, doc->name, 0, 0,
                 "the JPEG image is damaged or cut off: only the part that could be read is used");
    fix_polarity(pix);
    double dpi = pixGetXRes(pix);
    if (dpi < 50 || dpi > 2400)
        dpi = 0;
    return scan_page_from_pix(pix, doc->name, (unsigned)(index + 1), dpi);
}

struct scan_page *
scan_doc_page(struct scan_doc *doc, size_t index, struct diags *d)
{
    if (index >= doc->n_pages)
        return NULL;
    return doc->kind == DOC_PDF ? pdf_page(doc, index, d) : image_page(doc, index, d);
}
