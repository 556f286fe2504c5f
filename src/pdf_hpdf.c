/*
 * pdf_hpdf: everything that reaches into libharu's internal structures,
 * written against libharu 2.3.0 (Debian's libhpdf-dev; CMake checks the
 * version and try-compiles each structure and field used here, so another
 * libharu fails at configure time).
 *
 * - Font files load into one document per run (as hpdf_doc.c
 *   LoadTTFontFromStream does) from the bytes the text engine has mapped,
 *   through a callback stream with a read position per document: libharu's
 *   file stream would keep the FILE open and seek it while embedding, and
 *   forked workers share that offset; its memory stream would copy each file.
 *   Subset tags follow the font id: HPDFAA+, HPDFAB+, ...
 * - Glyph ids are drawn as they come from HarfBuzz. libharu's Type0 font maps
 *   codes to glyphs through the font's cmap (CIDFontType2_New, hpdf_font_cid.c),
 *   so each PDF's font is made with libharu and then fixed up: no CIDToGIDMap
 *   stream (the default, Identity, written out), a W array of the glyphs used,
 *   a ToUnicode CMap of our own (libharu writes its encoding CMap there, with
 *   "begincidrange", which poppler warns about), and the glyphs-used marks
 *   set for the subset, following composite glyphs to any depth (2.3.0's
 *   CheckCompositGryph follows one level: accents of Vietnamese letters and
 *   the dots of Arabic letters were lost).
 * - Page text is written straight into the content stream (hpdf_pages.h).
 * - Page contents and font files are deflated here, at a faster level than
 *   libharu's, and handed to libharu unfiltered with their /Filter entry.
 */
#include "consentgen/pdf.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <zlib.h>

#include "pdf_int.h"

/* The encoder of the glyph fonts; libharu's own "UTF-8" encoder stays for the document info strings. */
#define TEXT_ENCODER "consentgen-Identity"
/* Composite glyphs nest a few levels in real fonts; a deeper chain is a broken font. */
#define MAX_COMPOSITE_DEPTH 16
/* A ToUnicode block holds at most 100 entries (Adobe CMap and CIDFont Files Specification, 5.1). */
#define MAX_CMAP_BLOCK 100
/*
 * libharu deflates every stream at zlib's default level 6 as it writes the
 * PDF (HPDF_Stream_WriteToStreamWithDeflate), which was half the time of a
 * class file. Level 2 takes a third less time for the whole class split and
 * makes the files 6 % larger (docs/performance.md).
 */
#define DEFLATE_LEVEL 2

void
hpdf_on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    struct hpdf_error *e = user_data;
    if (e->ignore_eof && error_no == HPDF_STREAM_EOF)
        return;
    if (e->error_no == 0) {
        e->error_no = error_no;
        e->detail_no = detail_no;
    }
}

/* ---- the encoder ---- */

/*
 * Only for libharu's own text functions, which the writer never calls: each
 * code is two bytes, a glyph id.
 */
static HPDF_ByteType
text_byte_type(HPDF_Encoder encoder, HPDF_ParseText_Rec *state)
{
    (void)encoder;
    return state->index++ % 2 == 0 ? HPDF_BYTE_TYPE_LEAD : HPDF_BYTE_TYPE_TRIAL;
}

static HPDF_UNICODE
text_to_unicode(HPDF_Encoder encoder, HPDF_UINT16 code)
{
    (void)encoder;
    return code;
}

static char *
text_encode(HPDF_Encoder encoder, const char *text, HPDF_UINT len, HPDF_UINT *out_len)
{
    (void)encoder;
    char *out = malloc(len + 1u); /* libharu frees the result with free() */
    if (!out)
        abort();
    memcpy(out, text, len);
    *out_len = len;
    return out;
}

/*
 * A CMap encoder as libharu builds its CJK ones (hpdf_encoder.h), ordered
 * "Identity-H" so that HPDF_Type0Font_New writes /Encoding /Identity-H. Its
 * cid_map holds one code while a font is made: CIDFontType2_New then looks up
 * one glyph instead of 65,536 (it takes that path only while to_unicode_fn is
 * libharu's HPDF_CMapEncoder_ToUnicode).
 */
static HPDF_STATUS
init_text_encoder(HPDF_Encoder encoder)
{
    /* A list ended by {0xFFFF, 0xFFFF}, as HPDF_CMapEncoder_AddCMap reads it. */
    static const HPDF_CidRange_Rec cid_range[] = {{0x0000, 0xFFFF, 0}, {0xFFFF, 0xFFFF, 0}};
    static const HPDF_CidRange_Rec space_range = {0x0000, 0xFFFF, 0};

    HPDF_STATUS ret = HPDF_CMapEncoder_InitAttr(encoder);
    if (ret != HPDF_OK)
        return ret;
    encoder->byte_type_fn = text_byte_type;
    encoder->encode_text_fn = text_encode;
    /* Not libharu's ToUnicode while adding the range, or AddCMap fills cid_map for all 65,536 codes. */
    encoder->to_unicode_fn = text_to_unicode;
    if (HPDF_CMapEncoder_AddCMap(encoder, cid_range) != HPDF_OK ||
        HPDF_CMapEncoder_AddCodeSpaceRange(encoder, space_range) != HPDF_OK)
        return encoder->error->error_no;
    HPDF_CMapEncoderAttr attr = encoder->attr;
    memset(attr->cid_map, 0, sizeof attr->cid_map);
    attr->is_lead_byte_fn = NULL;
    attr->is_trial_byte_fn = NULL;
    snprintf(attr->registry, sizeof attr->registry, "Adobe");
    snprintf(attr->ordering, sizeof attr->ordering, "Identity-H");
    attr->suppliment = 0;
    attr->writing_mode = HPDF_WMODE_HORIZONTAL;
    encoder->type = HPDF_ENCODER_TYPE_DOUBLE_BYTE;
    return HPDF_OK;
}

/* ---- the document and its fonts ---- */

/* The subset tag of a font id: HPDFAA, HPDFAB, ... as libharu counts in load order. */
static void
font_tag(size_t id, char tag[7])
{
    memcpy(tag, "HPDFAA", 7);
    tag[5] = (char)('A' + id % 26);
    tag[4] = (char)('A' + id / 26 % 26);
}

/* A callback stream over a font file's bytes, read and sought as libharu's memory stream is. */
static HPDF_STATUS
reader_read(HPDF_Stream stream, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    struct hpdf_font_reader *r = stream->attr;
    size_t                   n = r->len - r->pos < *siz ? r->len - r->pos : *siz;
    memcpy(ptr, r->data + r->pos, n);
    r->pos += n;
    bool is_short = n < *siz;
    *siz = (HPDF_UINT)n;
    return is_short ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS
reader_seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode)
{
    struct hpdf_font_reader *r = stream->attr;
    long long                at = mode == HPDF_SEEK_CUR   ? (long long)r->pos + pos
                                  : mode == HPDF_SEEK_END ? (long long)r->len - pos
                                                          : pos;
    if (at < 0 || at > (long long)r->len)
        return HPDF_SetError(stream->error, HPDF_STREAM_EOF, 0);
    r->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32
reader_tell(HPDF_Stream stream)
{
    return (HPDF_INT32)((struct hpdf_font_reader *)stream->attr)->pos;
}

static HPDF_UINT32
reader_size(HPDF_Stream stream)
{
    return (HPDF_UINT32)((struct hpdf_font_reader *)stream->attr)->len;
}

/*
 * Loads a TrueType font (embedded: libharu reads its bytes again for each
 * subset) from r, and returns its font name, or NULL.
 */
static const char *
load_ttf(HPDF_Doc doc, struct hpdf_font_reader *r, size_t id)
{
    if (!r->data || r->len == 0 || r->len > UINT_MAX)
        return NULL;
    HPDF_Stream stream =
        HPDF_CallbackReader_New(doc->mmgr, reader_read, reader_seek, reader_tell, reader_size, r);
    if (!stream)
        return NULL;
    HPDF_FontDef def = HPDF_TTFontDef_Load(doc->mmgr, stream, HPDF_TRUE); /* owns stream, even on failure */
    if (!def)
        return NULL;
    HPDF_FontDef same = HPDF_Doc_FindFontDef(doc, def->base_font);
    if (same) { /* two files, one font name: libharu keeps the first */
        HPDF_FontDef_Free(def);
        return same->base_font;
    }
    if (HPDF_List_Add(doc->fontdef_list, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        return NULL;
    }
    char tag[7];
    font_tag(id, tag);
    HPDF_TTFontDef_SetTagName(def, tag);
    return def->base_font;
}

void
hpdf_slot_free(struct hpdf_slot *s)
{
    if (!s)
        return;
    if (s->doc)
        HPDF_Free(s->doc);
    for (size_t i = 0; s->width && i < s->n_fonts; i++) {
        free(s->width[i]);
        free(s->nominal[i]);
    }
    free(s->width);
    free(s->nominal);
    free(s->n_glyphs);
    free(s->reader);
    free(s->owner);
    free(s->def);
    free(s->font_name);
    free(s);
}

/* The W array's width and HarfBuzz's unscaled advance of every glyph of font i, from the hmtx table. */
static void
set_widths(struct hpdf_slot *s, size_t i)
{
    HPDF_TTFontDefAttr attr = s->def[i]->attr;
    unsigned           upem = attr->header.units_per_em ? attr->header.units_per_em : 1000;
    s->n_glyphs[i] = attr->num_glyphs;
    s->width[i] = xcalloc(attr->num_glyphs + 1u, sizeof *s->width[i]);
    s->nominal[i] = xcalloc(attr->num_glyphs + 1u, sizeof *s->nominal[i]);
    for (unsigned g = 0; g < attr->num_glyphs; g++) {
        double adv = attr->h_metric[g].advance_width;
        s->width[i][g] = (int16_t)lround(adv * 1000.0 / upem);
        s->nominal[i][g] = (int32_t)lround(adv * TEXT_UNITS_PER_EM / upem);
    }
}

struct hpdf_slot *
hpdf_slot_new(const struct pdf_font_file *files, size_t n, const char *config_path, struct diags *d)
{
    struct hpdf_slot *s = xcalloc(1, sizeof *s);
    s->n_fonts = n;
    s->def = xcalloc(n ? n : 1, sizeof *s->def);
    s->font_name = xcalloc(n ? n : 1, sizeof *s->font_name);
    s->reader = xcalloc(n ? n : 1, sizeof *s->reader);
    s->owner = xcalloc(n ? n : 1, sizeof *s->owner);
    s->width = xcalloc(n ? n : 1, sizeof *s->width);
    s->nominal = xcalloc(n ? n : 1, sizeof *s->nominal);
    s->n_glyphs = xcalloc(n ? n : 1, sizeof *s->n_glyphs);
    s->doc = HPDF_New(hpdf_on_error, &s->err);
    HPDF_Encoder enc = NULL;
    if (s->doc && HPDF_UseUTFEncodings(s->doc) == HPDF_OK)
        enc = HPDF_CMapEncoder_New(s->doc->mmgr, (char *)TEXT_ENCODER, init_text_encoder);
    if (!enc || HPDF_Doc_RegisterEncoder(s->doc, enc) != HPDF_OK ||
        !(s->encoder = HPDF_GetEncoder(s->doc, TEXT_ENCODER))) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot start libharu (libharu error 0x%04X)",
                 (unsigned)s->err.error_no);
        hpdf_slot_free(s);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        s->reader[i] = (struct hpdf_font_reader){(const unsigned char *)files[i].data, files[i].len, 0};
        const char *name = load_ttf(s->doc, &s->reader[i], i);
        s->def[i] = name ? HPDF_GetFontDef(s->doc, name) : NULL;
        s->font_name[i] = name;
        if (!s->def[i]) {
            if (files[i].is_path) /* no fontconfig look-up came before: say it plainly */
                diag_add(d, DIAG_ERROR, config_path, 0, 0, "font file \"%s\" is not a usable TrueType font",
                         util_quote(files[i].path).text);
            else
                diag_add(d, DIAG_ERROR, config_path, 0, 0,
                         "font file \"%s\" cannot be used (libharu error 0x%04X, detail %u)",
                         util_quote(files[i].path).text, (unsigned)s->err.error_no,
                         (unsigned)s->err.detail_no);
            hpdf_slot_free(s);
            return NULL;
        }
        s->owner[i] = (int)i;
        for (size_t j = 0; j < i; j++)
            if (s->def[j] == s->def[i] && s->owner[i] == (int)i)
                s->owner[i] = (int)j;
        set_widths(s, i);
    }
    return s;
}

void
hpdf_slot_end_pdf(struct hpdf_slot *s)
{
    /* libharu made each font's descriptor in this PDF; the next PDF must make its own. */
    for (size_t i = 0; i < s->n_fonts; i++)
        s->def[i]->descriptor = NULL;
}

/* ---- glyph fonts ---- */

static unsigned
be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/*
 * Marks gid and, for a composite glyph, its components (glyf table, TrueType
 * reference manual: flags ARG_1_AND_2_ARE_WORDS 0x1, WE_HAVE_A_SCALE 0x8,
 * MORE_COMPONENTS 0x20, WE_HAVE_AN_X_AND_Y_SCALE 0x40, WE_HAVE_A_TWO_BY_TWO 0x80).
 */
static void
mark_glyph(HPDF_TTFontDefAttr attr, const unsigned char *data, size_t len, unsigned gid, int depth)
{
    if (gid >= attr->num_glyphs || attr->glyph_tbl.flgs[gid])
        return;
    attr->glyph_tbl.flgs[gid] = 1;
    if (depth >= MAX_COMPOSITE_DEPTH || !data)
        return;
    size_t scale = attr->header.index_to_loc_format == 0 ? 2 : 1;
    size_t start = (size_t)attr->glyph_tbl.base_offset + (size_t)attr->glyph_tbl.offsets[gid] * scale;
    size_t end = (size_t)attr->glyph_tbl.base_offset + (size_t)attr->glyph_tbl.offsets[gid + 1] * scale;
    if (end > len || start + 10 > end || (int16_t)be16(data + start) >= 0)
        return; /* empty, simple or outside the file */
    size_t   p = start + 10;
    unsigned flags;
    do {
        if (p + 4 > end)
            return;
        flags = be16(data + p);
        unsigned component = be16(data + p + 2);
        p += 4 + ((flags & 0x1) ? 4 : 2);
        p += (flags & 0x8) ? 2 : (flags & 0x40) ? 4 : (flags & 0x80) ? 8 : 0;
        mark_glyph(attr, data, len, component, depth + 1);
    } while (flags & 0x20);
}

static void
put_utf16_cp(struct buf *b, int32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        buf_printf(b, "%04X%04X", (unsigned)(0xD800 + (cp >> 10)), (unsigned)(0xDC00 + (cp & 0x3FF)));
    } else {
        buf_printf(b, "%04X", (unsigned)cp);
    }
}

/* UTF-16BE hex of text (len bytes), e.g. "00E4" or "D83DDE00"; is_reversed: last character first. */
static void
put_utf16_hex(struct buf *b, const char *text, size_t len, bool is_reversed)
{
    int32_t cps[64];
    size_t  n = 0;
    for (size_t i = 0; i < len && n < 64;) {
        size_t k = utf8_decode(text + i, len - i, &cps[n]);
        if (k == 0) {
            cps[n] = 0xFFFD;
            k = 1;
        }
        n++;
        i += k;
    }
    for (size_t i = 0; i < n; i++)
        put_utf16_cp(b, cps[is_reversed ? n - 1 - i : i]);
}

/* The single BMP code point text stands for, or -1. */
static int32_t
single_bmp(const char *text, size_t len)
{
    int32_t cp;
    size_t  k = len ? utf8_decode(text, len, &cp) : 0;
    return k && k == len && cp < 0xFFFF ? cp : -1;
}

/* Glyphs from i on that form a bfrange: consecutive ids to consecutive characters within one byte row. */
static size_t
range_len(const struct pdf_glyph_use *u, size_t i, size_t n)
{
    int32_t cp = single_bmp(u[i].text, u[i].len);
    size_t  k = 1;
    if (cp < 0)
        return 1;
    while (i + k < n && u[i + k].gid == u[i].gid + k && (u[i + k].gid >> 8) == (u[i].gid >> 8) &&
           single_bmp(u[i + k].text, u[i + k].len) == cp + (int32_t)k && ((cp + (int32_t)k) & 0xFF) != 0)
        k++;
    return k;
}

/* The ToUnicode CMap (a CMapType 2 resource, "Adobe-Identity-UCS"), bfrange where it can, bfchar else. */
static void
write_to_unicode(struct buf *b, const struct pdf_glyph_use *u, size_t n)
{
    buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* Ranges first, then single glyphs; each in blocks of at most MAX_CMAP_BLOCK. */
    for (int pass = 0; pass < 2; pass++) {
        size_t     n_block = 0;
        struct buf block;
        buf_init(&block);
        for (size_t i = 0; i < n;) {
            size_t k = u[i].len ? range_len(u, i, n) : 1;
            bool   is_range = k > 1;
            if (u[i].len && is_range == (pass == 0)) {
                if (is_range)
                    buf_printf(&block, "<%04X> <%04X> <%04X>\n", (unsigned)u[i].gid,
                               (unsigned)(u[i].gid + k - 1), (unsigned)single_bmp(u[i].text, u[i].len));
                else {
                    buf_printf(&block, "<%04X> <", (unsigned)u[i].gid);
                    put_utf16_hex(&block, u[i].text, u[i].len, u[i].is_rtl);
                    buf_puts(&block, ">\n");
                }
                if (++n_block == MAX_CMAP_BLOCK) {
                    buf_printf(b, "%zu begin%s\n%send%s\n", n_block, pass == 0 ? "bfrange" : "bfchar",
                               block.data, pass == 0 ? "bfrange" : "bfchar");
                    buf_reset(&block);
                    n_block = 0;
                }
            }
            i += k;
        }
        if (n_block)
            buf_printf(b, "%zu begin%s\n%send%s\n", n_block, pass == 0 ? "bfrange" : "bfchar", block.data,
                       pass == 0 ? "bfrange" : "bfchar");
        buf_fini(&block);
    }
    buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

static HPDF_Dict
system_info(HPDF_MMgr mmgr, const char *ordering)
{
    HPDF_Dict info = HPDF_Dict_New(mmgr);
    if (!info)
        return NULL;
    if (HPDF_Dict_Add(info, "Registry", HPDF_String_New(mmgr, "Adobe", NULL)) != HPDF_OK ||
        HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mmgr, ordering, NULL)) != HPDF_OK ||
        HPDF_Dict_AddNumber(info, "Supplement", 0) != HPDF_OK)
        return NULL;
    return info;
}

HPDF_Font
hpdf_glyph_font_new(struct hpdf_slot *s, int font)
{
    HPDF_TTFontDefAttr   def_attr = s->def[font]->attr;
    HPDF_CMapEncoderAttr enc_attr = s->encoder->attr;

    /* libharu's font with one code, no CIDToGIDMap stream (embedding off while it is made). */
    enc_attr->cid_map[1][0] = 1;
    s->encoder->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
    HPDF_BOOL embedding = def_attr->embedding;
    def_attr->embedding = HPDF_FALSE;
    HPDF_Font f = HPDF_GetFont(s->doc, s->font_name[font], TEXT_ENCODER);
    def_attr->embedding = embedding;
    s->encoder->to_unicode_fn = text_to_unicode;
    enc_attr->cid_map[1][0] = 0;
    if (!f)
        return NULL;
    HPDF_FontAttr attr = f->attr;
    HPDF_MMgr     mmgr = s->doc->mmgr;
    if (HPDF_Dict_AddName(attr->descendant_font, "CIDToGIDMap", "Identity") != HPDF_OK ||
        HPDF_Dict_Add(attr->descendant_font, "CIDSystemInfo", system_info(mmgr, "Identity")) != HPDF_OK ||
        !attr->cmap_stream ||
        HPDF_Dict_AddName(attr->cmap_stream, "CMapName", "Adobe-Identity-UCS") != HPDF_OK ||
        HPDF_Dict_Add(attr->cmap_stream, "CIDSystemInfo", system_info(mmgr, "UCS")) != HPDF_OK)
        return NULL;
    return f;
}

bool
hpdf_glyph_font_finish(struct hpdf_slot *s, int font, HPDF_Font f, const struct pdf_glyph_use *used,
                       size_t n_used)
{
    HPDF_FontAttr attr = f->attr;
    HPDF_MMgr     mmgr = s->doc->mmgr;
    HPDF_Array    w = HPDF_Array_New(mmgr);
    if (!w || HPDF_Dict_Add(attr->descendant_font, "W", w) != HPDF_OK)
        return false;
    for (size_t i = 0; i < n_used;) {
        HPDF_Array run = HPDF_Array_New(mmgr);
        if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)used[i].gid) != HPDF_OK ||
            HPDF_Array_Add(w, run) != HPDF_OK)
            return false;
        size_t j = i;
        do {
            HPDF_INT32 width =
                used[j].gid < s->n_glyphs[font] ? s->width[font][used[j].gid] : s->def[font]->missing_width;
            if (HPDF_Array_AddNumber(run, width) != HPDF_OK)
                return false;
            j++;
        } while (j < n_used && used[j].gid == used[j - 1].gid + 1);
        i = j;
    }

    struct buf b;
    buf_init(&b);
    write_to_unicode(&b, used, n_used);
    HPDF_MemStream_FreeData(attr->cmap_stream->stream);
    HPDF_STATUS rc =
        HPDF_Stream_Write(attr->cmap_stream->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len);
    buf_fini(&b);
    if (rc != HPDF_OK)
        return false;

    /* The bytes of the file libharu loaded for this font name. */
    HPDF_TTFontDefAttr def_attr = s->def[font]->attr;
    int                owner = s->owner[font];
    for (size_t i = 0; i < n_used; i++)
        mark_glyph(def_attr, s->reader[owner].data, s->reader[owner].len, used[i].gid, 0);
    return true;
}

void
hpdf_page_write(HPDF_Page page, const char *s, size_t len)
{
    HPDF_PageAttr attr = page->attr;
    HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)s, (HPDF_UINT)len);
}

/* ---- deflating ---- */

static HPDF_STATUS
write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/*
 * Replaces the bytes of a stream libharu would deflate with their deflated
 * form, and tells libharu to write them as they are, with a /Filter entry of
 * our own (the dict's write_fn). An empty stream stays empty and unfiltered:
 * an empty Flate stream is not valid data.
 */
static bool
deflate_stream(HPDF_Dict dict)
{
    if (!dict || !dict->stream || !(dict->filter & HPDF_STREAM_FILTER_FLATE_DECODE) || dict->write_fn)
        return true; /* not one of ours to deflate, or done */
    HPDF_Stream        s = dict->stream;
    HPDF_MemStreamAttr m = s->attr;
    dict->filter = HPDF_STREAM_FILTER_NONE;
    if (s->type != HPDF_STREAM_MEMORY)
        return false;
    if (s->size == 0)
        return true;
    z_stream z = {0};
    if (deflateInit(&z, DEFLATE_LEVEL) != Z_OK)
        return false;
    uLong  bound = deflateBound(&z, s->size);
    Bytef *out = xmalloc(bound);
    z.next_out = out;
    z.avail_out = (uInt)bound;
    /* The memory stream's blocks: each full but the last, which holds w_pos bytes. */
    size_t seen = 0;
    int    rc = Z_OK;
    for (HPDF_UINT i = 0; i < m->buf->count && rc == Z_OK; i++) {
        bool is_last = i + 1 == m->buf->count;
        z.next_in = HPDF_List_ItemAt(m->buf, i);
        z.avail_in = is_last ? m->w_pos : m->buf_siz;
        seen += z.avail_in;
        rc = deflate(&z, is_last ? Z_FINISH : Z_NO_FLUSH);
    }
    bool   ok = rc == Z_STREAM_END && seen == s->size;
    size_t len = z.total_out;
    deflateEnd(&z);
    if (ok) {
        HPDF_MemStream_FreeData(s);
        ok = HPDF_Stream_Write(s, out, (HPDF_UINT)len) == HPDF_OK;
        dict->write_fn = write_flate_filter;
    }
    free(out);
    return ok;
}

/* A failed deflate is reported as libharu reports its own (zlib has only run out of memory here). */
static bool
deflate_failed(struct hpdf_slot *s)
{
    if (!s->err.error_no)
        s->err.error_no = HPDF_ZLIB_ERROR;
    return false;
}

bool
hpdf_deflate_streams(struct hpdf_slot *s, const HPDF_Font *fonts, size_t n_fonts)
{
    HPDF_List pages = s->doc->page_list;
    for (HPDF_UINT i = 0; i < pages->count; i++) {
        HPDF_Page     page = HPDF_List_ItemAt(pages, i);
        HPDF_PageAttr attr = page->attr;
        if (!deflate_stream(attr->contents))
            return deflate_failed(s);
    }
    for (size_t i = 0; i < n_fonts; i++) {
        if (!fonts[i])
            continue;
        /* libharu makes the font file as it writes the font (CIDFontType2_BeforeWrite_Func, once per
         * descriptor; again when the PDF is written, where it finds the descriptor made). */
        HPDF_FontAttr attr = fonts[i]->attr;
        if (fonts[i]->before_write_fn(fonts[i]) != HPDF_OK || !attr->fontdef->descriptor)
            return false;
        if (!deflate_stream(HPDF_Dict_GetItem(attr->fontdef->descriptor, "FontFile2", HPDF_OCLASS_DICT)))
            return deflate_failed(s);
    }
    return !s->err.error_no;
}
