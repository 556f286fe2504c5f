/* Smoke test of the libraries scripts/build-windows.sh cross-builds: calls each once and
 * prints what it got, so that the output of the Windows build (run under wine) can be
 * compared line by line with the same program built on Linux against Debian's libraries.
 * Writes a PDF with libharu: an embedded TrueType font, a PNG made with libpng, and a QR
 * code from libqrencode.
 *
 *   smoke LATIN.ttf ARABIC.ttf OUT.pdf LOCALEDIR
 */
#include <csv.h>
#include <fribidi.h>
#include <hb.h>
#include <hpdf.h>
#include <libintl.h>
#include <locale.h>
#include <md4c.h>
#include <png.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>
#include <yaml.h>
#include <zlib.h>

static void
shape(const char *font_file, const char *text, const char *dir)
{
    hb_blob_t   *blob = hb_blob_create_from_file(font_file);
    hb_face_t   *face = hb_face_create(blob, 0);
    hb_font_t   *font = hb_font_create(face);
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_set_direction(buf, hb_direction_from_string(dir, -1));
    hb_buffer_guess_segment_properties(buf);
    hb_shape(font, buf, NULL, 0);
    unsigned int         n = 0;
    hb_glyph_info_t     *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    char                 script[5] = {0};
    hb_tag_to_string(hb_script_to_iso15924_tag(hb_buffer_get_script(buf)), script);
    printf("harfbuzz %s %s: %u glyphs:", script, dir, n);
    for (unsigned int i = 0; i < n; i++)
        printf(" %u+%d", info[i].codepoint, pos[i].x_advance);
    printf("\n");
    hb_buffer_destroy(buf);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

static void
bidi(const char *text)
{
    FriBidiChar     logical[128], visual[128];
    FriBidiStrIndex len =
        fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text, (FriBidiStrIndex)strlen(text), logical);
    FriBidiParType base = FRIBIDI_PAR_ON;
    fribidi_log2vis(logical, len, &base, visual, NULL, NULL, NULL);
    char out[512];
    fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8, visual, len, out);
    printf("fribidi: base %s, visual \"%s\"\n", FRIBIDI_IS_RTL(base) ? "rtl" : "ltr", out);
}

static int
yaml_events(const char *text)
{
    yaml_parser_t parser;
    yaml_event_t  event;
    int           n = 0, done = 0;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    while (!done) {
        if (!yaml_parser_parse(&parser, &event))
            return -1;
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        n++;
    }
    yaml_parser_delete(&parser);
    return n;
}

static int md_count;
static int
md_enter(MD_BLOCKTYPE type, void *detail, void *user)
{
    (void)type, (void)detail, (void)user;
    md_count++;
    return 0;
}
static int
md_span(MD_SPANTYPE type, void *detail, void *user)
{
    (void)type, (void)detail, (void)user;
    md_count++;
    return 0;
}
static int
md_leave_block(MD_BLOCKTYPE type, void *detail, void *user)
{
    (void)type, (void)detail, (void)user;
    return 0;
}
static int
md_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
    (void)type, (void)detail, (void)user;
    return 0;
}
static int
md_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user)
{
    (void)type, (void)text, (void)size, (void)user;
    return 0;
}

static int csv_fields;
static void
csv_field(void *s, size_t len, void *data)
{
    (void)s, (void)len, (void)data;
    csv_fields++;
}

static int
write_png(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop   info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        fclose(f);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, 16, 16, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_byte row[16 * 3];
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
            row[x * 3] = (png_byte)(x * 16);
            row[x * 3 + 1] = (png_byte)(y * 16);
            row[x * 3 + 2] = 128;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return fclose(f);
}

static void
hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
    (void)data;
    fprintf(stderr, "libharu error 0x%04X (detail %u)\n", (unsigned)error, (unsigned)detail);
    exit(1);
}

int
main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: smoke LATIN.ttf ARABIC.ttf OUT.pdf LOCALEDIR\n");
        return 2;
    }
    const char *latin = argv[1], *arabic = argv[2], *out = argv[3];

    printf("versions: zlib %s, libpng %s, libharu %s, harfbuzz %s, fribidi %s, qrencode %s, xxhash %u\n",
           zlibVersion(), png_get_libpng_ver(NULL), HPDF_GetVersion(), hb_version_string(), FRIBIDI_VERSION,
           QRcode_APIVersionString(), XXH_versionNumber());
    printf("versions: libyaml %s, utf8proc %s\n", yaml_get_version_string(), utf8proc_version());

    setlocale(LC_ALL, "");
    bindtextdomain("smoke", argv[4]);
    bind_textdomain_codeset("smoke", "UTF-8");
    textdomain("smoke");
    printf("libintl: %s\n", gettext("the form is ready"));
    setlocale(LC_ALL, "C");

    shape(latin, "Schüler Größe office", "ltr");
    shape(arabic, "مرحبا بالعالم", "rtl");
    bidi("Klasse 5a: שלום עולם 123!");

    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)"Mu\xcc\x88ller");
    printf("utf8proc: NFC \"%s\" (%zu bytes)\n", (const char *)nfc, strlen((const char *)nfc));
    free(nfc);

    printf("xxhash: XXH3_64bits(\"consentgen\") = %016llx\n",
           (unsigned long long)XXH3_64bits("consentgen", strlen("consentgen")));
    printf("libyaml: %d events\n", yaml_events("school: Gymnasium\nclasses: [5a, 5b]\n"));

    MD_PARSER md = {0, MD_FLAG_TABLES, md_enter, md_leave_block, md_span, md_leave_span, md_text, NULL, NULL};
    const char *markdown = "# Einwilligung\n\nIch bin *einverstanden* mit **Fotos**.\n\n- ja\n- nein\n";
    md_parse(markdown, (MD_SIZE)strlen(markdown), &md, NULL);
    printf("md4c: %d blocks and spans\n", md_count);

    struct csv_parser csv;
    const char       *rows = "Name;Vorname;Klasse\nMüller;Jörg;5a\n\"Öztürk; Ayşe\";Zeynep;5b\n";
    csv_init(&csv, CSV_APPEND_NULL);
    csv_set_delim(&csv, ';');
    csv_parse(&csv, rows, strlen(rows), csv_field, NULL, NULL);
    csv_fini(&csv, csv_field, NULL, NULL);
    csv_free(&csv);
    printf("libcsv: %d fields\n", csv_fields);

    QRcode *qr = QRcode_encodeString("CG1-7Q2M-XK4P", 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    printf("qrencode: version %d, %d modules wide, XXH3 of the modules %016llx\n", qr->version, qr->width,
           (unsigned long long)XXH3_64bits(qr->data, (size_t)qr->width * (size_t)qr->width));

    char png_path[1024];
    snprintf(png_path, sizeof png_path, "%s.png", out);
    if (write_png(png_path) != 0) {
        fprintf(stderr, "cannot write %s\n", png_path);
        return 1;
    }

    HPDF_Doc pdf = HPDF_New(hpdf_error, NULL);
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(pdf);
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    const char *font_name = HPDF_LoadTTFontFromFile(pdf, latin, HPDF_TRUE);
    HPDF_Font   font = HPDF_GetFont(pdf, font_name, "UTF-8");
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, 16);
    HPDF_Page_TextOut(page, 60, 780, "Einwilligung der Schülerin Jörg Müller, Größe 5a");
    HPDF_Page_EndText(page);
    HPDF_Image image = HPDF_LoadPngImageFromFile(pdf, png_path);
    HPDF_Page_DrawImage(page, image, 60, 600, 64, 64);
    const double module = 3.0, x0 = 200, y0 = 600;
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1)
                HPDF_Page_Rectangle(page, (HPDF_REAL)(x0 + x * module),
                                    (HPDF_REAL)(y0 + (qr->width - 1 - y) * module), (HPDF_REAL)module,
                                    (HPDF_REAL)module);
    HPDF_Page_Fill(page);
    HPDF_SaveToFile(pdf, out);
    HPDF_Free(pdf);
    QRcode_free(qr);
    remove(png_path);
    printf("libharu: wrote the PDF\n");
    return 0;
}
