/* Smoke test of poppler-glib with cairo (built with --with-pdf): opens a PDF, prints its page
 * count and the first page's text, renders the page at 72 dpi and counts its dark pixels, for
 * comparison with the same program built on Linux.
 *
 *   smoke_pdf FILE.pdf
 */
#include <cairo.h>
#include <glib.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: smoke_pdf FILE.pdf\n");
        return 2;
    }
    gchar  *contents = NULL;
    gsize   length = 0;
    GError *err = NULL;
    if (!g_file_get_contents(argv[1], &contents, &length, &err)) {
        fprintf(stderr, "cannot read %s: %s\n", argv[1], err->message);
        return 1;
    }
    GBytes          *bytes = g_bytes_new_take(contents, length);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    if (!doc) {
        fprintf(stderr, "poppler: %s\n", err->message);
        return 1;
    }
    PopplerPage *page = poppler_document_get_page(doc, 0);
    double       w, h;
    poppler_page_get_size(page, &w, &h);
    char *text = poppler_page_get_text(page);
    printf("poppler %s: %d pages, page 1 %.0f x %.0f pt, text \"%s\"\n", poppler_get_version(),
           poppler_document_get_n_pages(doc), w, h, text);
    g_free(text);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    cairo_t         *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    poppler_page_render_for_printing(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int                  stride = cairo_image_surface_get_stride(s), dark = 0;
    for (int y = 0; y < (int)h; y++)
        for (int x = 0; x < (int)w; x++) {
            const unsigned char *p = data + y * stride + x * 4;
            if (p[0] + p[1] + p[2] < 3 * 128)
                dark++;
        }
    printf("cairo %s: page 1 rendered, %d dark pixels\n", cairo_version_string(), dark);
    cairo_surface_destroy(s);
    g_object_unref(page);
    g_object_unref(doc);
    g_bytes_unref(bytes);
    return 0;
}
