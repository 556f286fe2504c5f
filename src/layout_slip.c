/*
 * layout_slip: the return slip, the part of a form that comes back to school.
 *
 * From the template's slip block to its end, laid out as one piece that is never split:
 *   the return note ("Bitte abtrennen und ... zurückgeben"), then a dashed cut line across the
 *   sheet with a pair of scissors drawn at its left end;
 *   four filled square corner marks (4.5 mm) for registering a scan (docs/scanning.md);
 *   a header: school, form title, the form's date, and at the right the QR code (libqrencode,
 *   level Q, modules of MODULE_MM drawn as filled rectangles, one per run of dark modules in a
 *   row, with a 4-module quiet zone) with its code printed beside it;
 *   then the blocks after the slip block as layout.c lays out any block (pupil block, the
 *   question and its check boxes, the signature rows), at the full text width below the code.
 * layout.c puts the piece at the foot of the last page. The check boxes and signature lines
 * carry roles, so the geometry scan needs is read off the laid-out items.
 */
#include "consentgen/layout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "layout_int.h"

#define NOTE_PT 9.0
#define MARK_MM 4.5 /* side of a corner mark; scan looks for squares of this size */
/* Centres of the left and right marks: clear of the hole and fold marks (up to 10 mm from the edge). */
#define MARK_X1_PT (15.0 * MM)
#define MARK_X2_PT (PAGE_W_PT - 15.0 * MM)
#define CODE_RIGHT_PT (RIGHT_PT - 3.0 * MM) /* the quiet zone stays clear of the right marks */
#define MARK_BELOW_PT (4.0 * MM)            /* bottom marks: centre below the slip's last line */
#define MODULE_MM 0.9                       /* at least 0.8 mm: read at 150 dpi (docs/scanning.md) */
#define QUIET_MODULES 4
#define CUT_GRAY 0.3
#define SIGN_AREA_PT (11.0 * MM) /* where a signature is looked for, above its line */

/* The QR code of text: rectangles for its dark modules, symbol top-right at (right, y); its side in pt. */
static double
add_code(struct ctx *c, struct frag *f, const char *text, double right_pt, double y_pt)
{
    /* Level Q: a quarter of the code may be smudged or torn. "CG1-" and 12 symbols fit version 1. */
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
    if (!qr)
        abort(); /* only when memory is exhausted: the text is short and ASCII */
    double m = MODULE_MM * MM;
    int    n = qr->width;
    double x_pt = right_pt - n * m;
    for (int row = 0; row < n; row++) {
        for (int col = 0; col < n;) {
            if (!(qr->data[row * n + col] & 1)) {
                col++;
                continue;
            }
            int end = col;
            while (end < n && (qr->data[row * n + end] & 1))
                end++;
            frag_shape(c, f, LAYOUT_ITEM_RECT, x_pt + col * m, y_pt + row * m, (end - col) * m, m, 0.0, 0.0);
            col = end;
        }
    }
    QRcode_free(qr);
    return n * m;
}

/* A pair of open scissors pointing along the cut line, about 7 mm long, centred on (x, y). */
static void
add_scissors(struct ctx *c, struct frag *f, double x_pt, double y_pt)
{
    double r = 1.1 * MM, w = 0.6;
    /* The two finger rings on the left, the blades crossing at the pivot and opening to the right. */
    frag_shape(c, f, LAYOUT_ITEM_CIRCLE, x_pt - 2.2 * MM, y_pt - 1.5 * MM, r, 0.0, w, CUT_GRAY);
    frag_shape(c, f, LAYOUT_ITEM_CIRCLE, x_pt - 2.2 * MM, y_pt + 1.5 * MM, r, 0.0, w, CUT_GRAY);
    frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt - 1.3 * MM, y_pt - 0.9 * MM, 5.0 * MM, 2.2 * MM, 0.8, CUT_GRAY);
    frag_shape(c, f, LAYOUT_ITEM_LINE, x_pt - 1.3 * MM, y_pt + 0.9 * MM, 5.0 * MM, -2.2 * MM, 0.8, CUT_GRAY);
}

static void
add_mark(struct ctx *c, struct frag *f, double cx_pt, double cy_pt)
{
    double s = MARK_MM * MM;
    frag_shape(c, f, LAYOUT_ITEM_RECT, cx_pt - s / 2, cy_pt - s / 2, s, s, 0.0, 0.0);
}

/* Lines of text at size_pt, left at x, first baseline at y; returns the last baseline. */
static double
add_lines(struct ctx *c, struct frag *f, struct segs *sg, double x_pt, double y_pt, double size_pt,
          double width_pt, double gray)
{
    struct tlines tl = {0};
    break_text(c, sg, size_pt, width_pt, &tl);
    for (size_t k = 0; k < tl.n; k++)
        frag_tline(c, f, &tl.v[k], x_pt, y_pt + k * size_pt * 1.2, size_pt, gray);
    return tl.n ? y_pt + (tl.n - 1) * size_pt * 1.2 : y_pt - size_pt * 1.2;
}

static void
copy_frag(struct ctx *c, struct frag *to, const struct frag *from, double dy_pt)
{
    for (size_t i = 0; i < from->n_items; i++) {
        struct layout_item *it = PUSH(c->a, to->items, to->n_items, to->cap);
        *it = from->items[i];
        it->y_pt += dy_pt;
    }
}

/* The check boxes and signature lines of the slip, from the roles layout.c gave them. */
static void
collect_geometry(const struct frag *f, struct layout_slip *g)
{
    for (size_t i = 0; i < f->n_items; i++) {
        const struct layout_item *it = &f->items[i];
        switch (it->role) {
        case LAYOUT_ROLE_BOX_YES:
        case LAYOUT_ROLE_BOX_NO:
        case LAYOUT_ROLE_BOX_OTHER:
            if (it->kind == LAYOUT_ITEM_BOX && g->n_boxes < LAYOUT_SLIP_MAX_BOXES)
                g->boxes[g->n_boxes++] =
                    (struct layout_slip_box){{it->x_pt, it->y_pt, it->w_pt, it->h_pt}, it->role};
            break;
        case LAYOUT_ROLE_SIGN_GUARDIAN:
        case LAYOUT_ROLE_SIGN_PUPIL:
        case LAYOUT_ROLE_SIGN_ANY:
            if (it->kind == LAYOUT_ITEM_LINE && g->n_signatures < LAYOUT_SLIP_MAX_SIGNATURES)
                g->signatures[g->n_signatures++] = (struct layout_slip_signature){
                    {it->x_pt, it->y_pt - SIGN_AREA_PT, it->w_pt, SIGN_AREA_PT}, it->y_pt, it->role};
            break;
        case LAYOUT_ROLE_NONE:
            break;
        }
    }
}

void
slip_build(struct ctx *c, const struct template_doc *doc, size_t slip_index,
           const struct layout_form_params *pr, struct slip *out)
{
    memset(out, 0, sizeof *out);
    struct frag        *f = &out->frag;
    struct layout_slip *g = &out->geometry;

    /* The return note, then the cut line: the note stays with the parents as the reminder. */
    const struct template_block *b = template_block(doc, slip_index);
    struct segs                  note = {0};
    segs_from_spans(c, &note, b->spans, b->n_spans, 0);
    double note_y = add_lines(c, f, &note, LEFT_PT, 0.8 * NOTE_PT, NOTE_PT, TEXT_W_PT, 0.25);
    double cut_y = note_y + 3.0 * MM;
    add_scissors(c, f, 13.0 * MM, cut_y);
    frag_shape(c, f, LAYOUT_ITEM_DASH, 17.5 * MM, cut_y, PAGE_W_PT - 25.5 * MM, 0.0, 0.6, CUT_GRAY);
    f->items[f->n_items - 1].dash_pt = 3.0;
    out->cut_y_pt = cut_y;

    /* The code at the right, level with the top marks; the token beside it, left of the quiet zone. */
    double module = MODULE_MM * MM, quiet = QUIET_MODULES * module;
    double code_y = cut_y + 6.0 * MM;
    double header_w = TEXT_W_PT;
    double body_top = cut_y + 8.0 * MM;
    if (pr->slip_code && *pr->slip_code) {
        double side = add_code(c, f, pr->slip_code, CODE_RIGHT_PT, code_y);
        double code_x = CODE_RIGHT_PT - side;
        g->code = (struct layout_rect){code_x, code_y, side, side};
        g->module_pt = module;
        const char *token = pr->slip_token ? pr->slip_token : "";
        double      tw = str_w(c, TEXT_STYLE_REGULAR, token, 9.5);
        double      tx = code_x - quiet - tw;
        frag_text(c, f, tx, code_y + side - 1.0, TEXT_STYLE_REGULAR, 9.5, 0.15, token);
        frag_text(c, f, tx, code_y + side - 1.0 - 9.5 * 1.3, TEXT_STYLE_REGULAR, 7.0, CAPTION_GRAY,
                  "Rücklauf-Code");
        header_w = tx - 4.0 * MM - LEFT_PT;
        body_top = code_y + side + quiet;
    }

    /* The header repeats who asks and what: the slip is read apart from the information part. */
    struct segs school = {0}, title = {0}, date = {0};
    double      y = cut_y + 9.0 * MM;
    segs_add(c, &school, pr->setup.school && pr->setup.school->name ? pr->setup.school->name : "",
             TEXT_STYLE_BOLD);
    y = add_lines(c, f, &school, LEFT_PT, y, 9.5, header_w, 0.0) + 12.0 * 1.25;
    segs_add(c, &title, pr->form_title ? pr->form_title : template_title(doc), TEXT_STYLE_BOLD);
    y = add_lines(c, f, &title, LEFT_PT, y, 12.0, header_w, 0.0);
    if (pr->form_date && *pr->form_date) {
        segs_add(c, &date, arena_printf(c->a, "Rückmeldung zum Schreiben vom %s", pr->form_date),
                 TEXT_STYLE_REGULAR);
        y = add_lines(c, f, &date, LEFT_PT, y + 9.5 * 1.4, 9.5, header_w, 0.3);
    }
    if (y + 2.0 * MM > body_top)
        body_top = y + 2.0 * MM;

    /* The slip's blocks, one under the other; the first one's space above is dropped. */
    struct flow fl = {0};
    build_blocks(c, doc, slip_index + 1, template_n_blocks(doc), pr, &fl);
    apply_heading_space(&fl);
    y = body_top;
    for (size_t i = 0; i < fl.n; i++) {
        const struct unit *u = &fl.v[i];
        if (i > 0)
            y += u->space_before_pt;
        for (size_t k = 0; k < u->n_frags; k++) {
            copy_frag(c, f, &u->frags[k], y);
            y += u->frags[k].h_pt;
        }
    }
    f->h_pt = y + 1.0 * MM;

    /* Corner marks around everything scan reads: below the cut line and below the last line. */
    double top_y = cut_y + 6.0 * MM, bottom_y = f->h_pt + MARK_BELOW_PT;
    add_mark(c, f, MARK_X1_PT, top_y);
    add_mark(c, f, MARK_X2_PT, top_y);
    add_mark(c, f, MARK_X2_PT, bottom_y);
    add_mark(c, f, MARK_X1_PT, bottom_y);
    g->mark_pt = MARK_MM * MM;
    double xs[4] = {MARK_X1_PT, MARK_X2_PT, MARK_X2_PT, MARK_X1_PT},
           ys[4] = {top_y, top_y, bottom_y, bottom_y};
    for (int k = 0; k < 4; k++) {
        g->marks_x_pt[k] = xs[k];
        g->marks_y_pt[k] = ys[k];
    }
    g->cut_y_pt = cut_y;
    g->rect = (struct layout_rect){0.0, cut_y, PAGE_W_PT, PAGE_H_PT - cut_y};
    collect_geometry(f, g);
}

void
slip_place(const struct slip *s, size_t page, double y_pt, struct layout_slip *out)
{
    *out = s->geometry;
    out->page = page;
    out->cut_y_pt += y_pt;
    out->rect.y_pt += y_pt;
    out->rect.h_pt = PAGE_H_PT - out->rect.y_pt;
    out->code.y_pt += y_pt;
    for (int k = 0; k < 4; k++)
        out->marks_y_pt[k] += y_pt;
    for (size_t i = 0; i < out->n_boxes; i++)
        out->boxes[i].rect.y_pt += y_pt;
    for (size_t i = 0; i < out->n_signatures; i++) {
        out->signatures[i].area.y_pt += y_pt;
        out->signatures[i].line_y_pt += y_pt;
    }
}
