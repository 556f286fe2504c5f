/*
 * layout_review: the review file of a scan, the pages a person reads to decide the slips the program
 * was not sure about. A title and its paragraphs, then one entry per slip, each kept whole on a page:
 * a thin rule, the pupil (bold) with the scan's file and page at the right, the reasons, the slip's
 * picture scaled to the text width (slips at most PICTURE_MAX_H_MM high, so two fit on a page; a whole
 * scanned page may take a page of its own) inside a thin frame, and the commands that record the
 * decision. Entries from open_from on are introduced by open_heading. Footer with "Seite X von Y".
 * The words are the caller's; this file only places them.
 */
#include "consentgen/layout.h"

#include <string.h>

#include "layout_int.h"

#define TITLE_PT 15.0
#define TEXT_PT 10.0
#define HEADING_PT 11.0
#define PLACE_PT 9.0
#define COMMAND_PT 9.5
#define PICTURE_MAX_H_MM 74.0       /* a slip: two entries to a page, the first page too */
#define PAGE_PICTURE_MAX_H_MM 200.0 /* a whole page, upright: one to a page, large enough to read names */
/* The review's pages have no letterhead or slip: the body reaches nearer to the footer. */
#define REVIEW_BOTTOM_PT (PAGE_H_PT - 17.0 * MM)

struct pager_r {
    struct ctx        *c;
    struct layout_doc *out;
    double             y_pt;
};

static void
new_page(struct pager_r *p)
{
    PUSH(p->c->a, p->out->pages, p->out->n_pages, p->out->cap);
    p->y_pt = TOP_PT;
}

/* Puts f at the current position, on a new page if it does not fit below what is there. */
static void
put(struct pager_r *p, const struct frag *f)
{
    if (p->out->n_pages == 0 || (p->y_pt + f->h_pt > REVIEW_BOTTOM_PT + EPS_PT && p->y_pt > TOP_PT + EPS_PT))
        new_page(p);
    struct layout_page *pg = &p->out->pages[p->out->n_pages - 1];
    for (size_t i = 0; i < f->n_items; i++) {
        struct layout_item *it = PUSH(p->c->a, pg->items, pg->n_items, pg->cap);
        *it = f->items[i];
        it->y_pt += p->y_pt;
    }
    p->y_pt += f->h_pt;
}

/* Wrapped lines of text at y in f (y: top of the first line); returns the y below the last one. */
static double
add_para(struct ctx *c, struct frag *f, const char *text, enum text_style style, double size_pt, double x_pt,
         double width_pt, double y_pt, double gray)
{
    struct segs sg = {0};
    segs_add(c, &sg, text, style);
    struct tlines tl = {0};
    break_text(c, &sg, size_pt, width_pt, &tl);
    double lh = size_pt * LEADING;
    for (size_t k = 0; k < tl.n; k++)
        frag_tline(c, f, &tl.v[k], x_pt, y_pt + k * lh + baseline_in(lh, size_pt), size_pt, gray);
    return y_pt + tl.n * lh;
}

static void
add_entry(struct pager_r *p, const struct layout_review_entry *e)
{
    struct ctx *c = p->c;
    struct frag f = {0};
    double      y = 2.0 * MM;
    frag_shape(c, &f, LAYOUT_ITEM_LINE, LEFT_PT, 0.0, TEXT_W_PT, 0.0, 0.4, 0.6);
    double place_w = e->place ? str_w(c, TEXT_STYLE_REGULAR, e->place, PLACE_PT) : 0.0;
    if (e->place)
        frag_text(c, &f, RIGHT_PT - place_w, y + baseline_in(HEADING_PT * LEADING, HEADING_PT),
                  TEXT_STYLE_REGULAR, PLACE_PT, 0.35, e->place);
    y = add_para(c, &f, e->heading ? e->heading : "", TEXT_STYLE_BOLD, HEADING_PT, LEFT_PT,
                 TEXT_W_PT - place_w - 4.0 * MM, y, 0.0);
    for (size_t i = 0; i < e->n_reasons; i++)
        y = add_para(c, &f, e->reasons[i], TEXT_STYLE_REGULAR, TEXT_PT, LEFT_PT, TEXT_W_PT, y, 0.0);
    if (e->jpeg && e->jpeg_len && e->aspect > 0) {
        double max_h = (e->aspect < 1 ? PAGE_PICTURE_MAX_H_MM : PICTURE_MAX_H_MM) * MM;
        double w = TEXT_W_PT, h = w / e->aspect;
        if (h > max_h)
            h = max_h, w = h * e->aspect;
        y += 1.5 * MM;
        frag_shape(c, &f, LAYOUT_ITEM_IMAGE, LEFT_PT, y, w, h, 0.0, 0.0);
        f.items[f.n_items - 1].image = e->jpeg;
        f.items[f.n_items - 1].image_len = e->jpeg_len;
        frag_shape(c, &f, LAYOUT_ITEM_BOX, LEFT_PT, y, w, h, 0.3, 0.5);
        y += h + 1.5 * MM;
    }
    if (e->decide)
        y = add_para(c, &f, e->decide, TEXT_STYLE_REGULAR, TEXT_PT, LEFT_PT, TEXT_W_PT, y, 0.0);
    for (size_t i = 0; i < e->n_commands; i++)
        y = add_para(c, &f, e->commands[i], TEXT_STYLE_BOLD, COMMAND_PT, LEFT_PT + 4.0 * MM,
                     TEXT_W_PT - 4.0 * MM, y, 0.0);
    f.h_pt = y + 3.0 * MM;
    put(p, &f);
}

void
layout_review_sheet(const struct layout_review_params *pr, const struct text_shaper *sh, struct arena *a,
                    struct layout_doc *out)
{
    memset(out, 0, sizeof *out);
    struct ctx c = {.sh = sh, .a = a};
    buf_init(&c.text);
    struct pager_r p = {&c, out, TOP_PT};

    struct frag head = {0};
    double y = add_para(&c, &head, pr->title ? pr->title : "", TEXT_STYLE_BOLD, TITLE_PT, LEFT_PT, TEXT_W_PT,
                        0.0, 0.0);
    for (size_t i = 0; i < pr->n_intro; i++)
        y = add_para(&c, &head, pr->intro[i], TEXT_STYLE_REGULAR, TEXT_PT, LEFT_PT, TEXT_W_PT, y + 1.5 * MM,
                     0.0);
    head.h_pt = y + 5.0 * MM;
    put(&p, &head);

    for (size_t i = 0; i < pr->n_entries; i++) {
        if (i == pr->open_from && pr->open_heading) {
            struct frag oh = {0};
            oh.h_pt = add_para(&c, &oh, pr->open_heading, TEXT_STYLE_BOLD, HEADING_PT + 1, LEFT_PT, TEXT_W_PT,
                               4.0 * MM, 0.0) +
                      1.0 * MM;
            /* A heading alone at the bottom of a page: it goes with its first entry. */
            if (p.y_pt + oh.h_pt + 30.0 * MM > REVIEW_BOTTOM_PT)
                new_page(&p);
            put(&p, &oh);
        }
        add_entry(&p, &pr->entries[i]);
    }

    for (size_t i = 0; i < out->n_pages; i++) {
        struct layout_page *pg = &out->pages[i];
        const char         *pages = arena_printf(a, "Seite %zu von %zu", i + 1, out->n_pages);
        const char *text = pr->footer && *pr->footer ? arena_printf(a, "%s · %s", pr->footer, pages) : pages;
        /* Straight onto the page: a footer is never moved. */
        struct frag f = {pg->items, pg->n_items, pg->cap, 0.0};
        frag_text(&c, &f, LEFT_PT, FOOTER_Y_PT, TEXT_STYLE_REGULAR, 8.5, 0.4, text);
        pg->items = f.items;
        pg->n_items = f.n_items;
        pg->cap = f.cap;
    }
    buf_fini(&c.text);
}
