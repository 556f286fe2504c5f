/*
 * layout: turns a template tree plus values into positioned glyph runs, rules
 * and boxes on A4 pages (DIN 5008 geometry, line breaking, bidi reordering of
 * each line, pagination with keep-together rules, footers). It knows nothing
 * of PDF or fonts: text is shaped through struct text_shaper, so tests run
 * with a fake engine.
 */
#ifndef CONSENTGEN_LAYOUT_H
#define CONSENTGEN_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consentgen/config.h"
#include "consentgen/template.h"
#include "consentgen/text.h"
#include "consentgen/util.h"

#define LAYOUT_PAGE_WIDTH_PT 595.276  /* A4, 210 mm */
#define LAYOUT_PAGE_HEIGHT_PT 841.890 /* A4, 297 mm */
#define LAYOUT_PT_PER_MM (72.0 / 25.4)

enum layout_item_kind {
    LAYOUT_ITEM_TEXT,   /* text at baseline (x, y) */
    LAYOUT_ITEM_LINE,   /* from (x, y) to (x + w, y + h) */
    LAYOUT_ITEM_BOX,    /* rectangle outline, top-left (x, y), size w x h */
    LAYOUT_ITEM_LOGO,   /* the school logo scaled into top-left (x, y), w x h */
    LAYOUT_ITEM_RECT,   /* filled rectangle, top-left (x, y), size w x h (QR modules, corner marks) */
    LAYOUT_ITEM_DASH,   /* dashed line from (x, y) to (x + w, y + h), dashes and gaps of dash_pt */
    LAYOUT_ITEM_CIRCLE, /* circle outline around (x, y), radius w */
    LAYOUT_ITEM_IMAGE,  /* a JPEG picture (image, image_len) scaled into top-left (x, y), w x h */
};

/* What an item is for the scan of a return slip (set on check boxes and signature lines of a slip). */
enum layout_role {
    LAYOUT_ROLE_NONE,
    LAYOUT_ROLE_BOX_YES,       /* the check box "Ja" */
    LAYOUT_ROLE_BOX_NO,        /* the check box "Nein" */
    LAYOUT_ROLE_BOX_OTHER,     /* a check box with another label */
    LAYOUT_ROLE_SIGN_GUARDIAN, /* the line the parents sign on */
    LAYOUT_ROLE_SIGN_PUPIL,    /* the line the pupil signs on */
    LAYOUT_ROLE_SIGN_ANY,      /* a signature line for whoever signs */
};

/*
 * A text item is one glyph run: one font, one style, one direction. Its glyphs
 * are in visual order from (x, y) on the baseline; their clusters and
 * characters (uni_start) are byte offsets into text, the run's characters in
 * logical order.
 */
struct layout_item {
    enum layout_item_kind    kind;
    double                   x_pt, y_pt; /* from the page's top-left corner */
    double                   w_pt, h_pt; /* text: w_pt is the run's advance */
    int                      font;       /* text: the engine's font id */
    enum text_style          style;      /* text */
    bool                     is_rtl;     /* text: a right-to-left run */
    double                   size_pt;    /* text */
    const char              *text;       /* text, UTF-8, in the arena */
    const struct text_glyph *glyphs;     /* text, in the arena */
    size_t                   n_glyphs;
    double                   line_width_pt; /* line, box, dash, circle */
    double                   gray;          /* 0 = black .. 1 = white; text, line, box; rect: its fill */
    double                   dash_pt;       /* dash */
    enum layout_role         role;          /* box, line */
    const unsigned char     *image;         /* image: the JPEG file's bytes, in the arena */
    size_t                   image_len;
};

struct layout_page {
    struct layout_item *items; /* in the arena */
    size_t              n_items, cap;
    bool                is_blank; /* duplex padding: nothing printed, no footer */
};

/* A rectangle in pt from the page's top-left corner, y down. */
struct layout_rect {
    double x_pt, y_pt, w_pt, h_pt;
};

#define LAYOUT_SLIP_MAX_BOXES 4
#define LAYOUT_SLIP_MAX_SIGNATURES 4

/* A check box of the slip: the outer edge of its frame, and what ticking it means. */
struct layout_slip_box {
    struct layout_rect rect;
    enum layout_role   choice; /* LAYOUT_ROLE_BOX_YES, _NO or _OTHER */
};

/* A signature field of the slip: where the signature goes (above the line) and who signs. */
struct layout_slip_signature {
    struct layout_rect area;
    double             line_y_pt; /* the printed line */
    enum layout_role   signer;    /* LAYOUT_ROLE_SIGN_GUARDIAN, _PUPIL or _ANY */
};

/*
 * Where the return slip of a form is, for reading it back from a scan
 * (docs/scanning.md): everything in pt from the top-left corner of the page
 * `page` (0-based), y down, as layout placed it.
 */
struct layout_slip {
    size_t             page;
    double             cut_y_pt; /* the dashed cut line */
    struct layout_rect rect;     /* the slip below the cut line, to the page's bottom edge */
    double             mark_pt;  /* side of the filled square corner marks */
    double             marks_x_pt[4], marks_y_pt[4]; /* centres: top-left, top-right, bottom-right,
                                                        bottom-left */
    struct layout_rect           code;               /* the QR symbol without its quiet zone */
    double                       module_pt;          /* side of one QR module */
    size_t                       n_boxes;
    struct layout_slip_box       boxes[LAYOUT_SLIP_MAX_BOXES];
    size_t                       n_signatures;
    struct layout_slip_signature signatures[LAYOUT_SLIP_MAX_SIGNATURES];
};

/* Pages of one form or one class sheet; everything lives in the arena given to the layout call. */
struct layout_doc {
    struct layout_page *pages;
    size_t              n_pages, cap;
    bool                has_slip; /* the template has a slip block: slip says where it went */
    struct layout_slip  slip;
};

/* Placeholder values: returns the text for a name such as "pupil.first_name", NULL if unknown. */
struct layout_values {
    void *ctx;
    const char *(*lookup)(void *ctx, const char *name);
};

/* What every page of a run shares. */
struct layout_page_setup {
    const struct config_school *school;
    bool                        marks;       /* fold marks 105/210 mm, hole mark 148.5 mm */
    bool                        is_duplex;   /* marks on front pages (1, 3, ...) only */
    double                      logo_aspect; /* logo width / height; 0: no logo */
};

struct layout_form_params {
    struct layout_page_setup setup;
    const char              *footer;    /* "Yılmaz, Elif · Klasse 7b"; " · Seite X von Y" is appended */
    int                      pupil_age; /* on the form date, selects signature rows */
    int                      pupil_signature_from_age;
    int                      adult_age;
    const char              *form_title; /* the slip repeats it */
    const char              *form_date;  /* dd.mm.yyyy: at the top of page 1 and on the slip; NULL: none */
    const char              *slip_code;  /* the QR code's text ("CG1-..."); NULL: no code */
    const char              *slip_token; /* printed beside the code ("K7M2-9QXD-4TB5") */
    bool                     is_age_unknown; /* no birth date: the rows below instead of pupil_age's */
    bool                     guardian_signs_without_age, pupil_signs_without_age;
    /*
     * A translation printed after the German form: its check boxes are drawn gray and are no slip's, its
     * signature block shows the captions without lines. direction: the body's (letterhead and footer
     * stay left to right).
     */
    bool                is_information;
    enum text_direction direction;
    const char         *pupil_block_title; /* above the pupil block; NULL: the German one */
};

/*
 * Lays out one pupil's form. Text, rules and boxes are allocated in a; the
 * result is valid until a is reset. Placeholders are looked up in values;
 * an unknown one prints as its name in braces (template_check_placeholders
 * has already rejected those).
 */
void layout_form(const struct template_doc *doc, const struct layout_values *values,
                 const struct layout_form_params *params, const struct text_shaper *sh, struct arena *a,
                 struct layout_doc *out);

struct layout_sheet_row {
    const char *last_name;
    const char *first_name;
    const char *answer; /* the register's answer ("Ja", "unklar"): ticked as back; NULL: not back */
    const char *language; /* the translation the pupil gets ("Türkisch"); NULL: none. The column is
                             printed when a row has one */
};

struct layout_sheet_params {
    struct layout_page_setup       setup;
    const char                    *class_name;
    const char                    *form_title;
    const char                    *form_date; /* dd.mm.yyyy */
    const char                    *return_by; /* NULL: not set */
    const struct layout_sheet_row *rows;
    size_t                         n_rows;
};

/* Lays out a class's return list: one row per pupil with boxes "zurück", "Ja", "Nein". */
void layout_class_sheet(const struct layout_sheet_params *params, const struct text_shaper *sh,
                        struct arena *a, struct layout_doc *out);

/* One slip a person must look at, in the review file of a scan. */
struct layout_review_entry {
    const char          *heading;    /* "Şahin, Ayşe · Klasse 5a" */
    const char          *place;      /* "scan1.pdf, Seite 3", at the right */
    const char *const   *reasons;    /* one paragraph each */
    size_t               n_reasons;
    const char          *decide;     /* the line above the commands ("Entscheidung eintragen:"); NULL: none */
    const char *const   *commands;   /* what to type, one paragraph each */
    size_t               n_commands;
    const unsigned char *jpeg;       /* the slip as scanned, upright; NULL: no picture */
    size_t               jpeg_len;
    double               aspect;     /* the picture's width / height */
};

struct layout_review_params {
    const char                       *title;  /* at the top of the first page */
    const char *const                *intro;  /* paragraphs below the title */
    size_t                            n_intro;
    const struct layout_review_entry *entries;
    size_t                            n_entries;
    size_t                            open_from;    /* entries from here on get open_heading above them */
    const char                       *open_heading; /* NULL: none */
    const char                       *footer;       /* " · Seite X von Y" is appended */
};

/*
 * Lays out the review file of a scan: the title and its paragraphs, then each entry kept whole on one
 * page (a rule, heading and place, reasons, the picture scaled to the text width, the commands).
 */
void layout_review_sheet(const struct layout_review_params *params, const struct text_shaper *sh,
                         struct arena *a, struct layout_doc *out);

/* Duplex: appends a blank page if the doc has an odd number of pages. */
void layout_pad_to_even(struct layout_doc *doc, struct arena *a);

/* A stable text form of pages and items, for tests. */
void layout_dump(const struct layout_doc *doc, struct buf *out);

#endif
