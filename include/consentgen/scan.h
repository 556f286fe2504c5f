/*
 * scan: scanned pages back to return slips. The image side: a scan file (PDF, PNG, JPEG, TIFF) becomes
 * 8-bit grey page images; QR codes are read from a page; a slip is registered from its corner marks
 * (page points to image pixels); check boxes and signature fields are measured through that fit.
 * Coordinates: page space in pt from the page's top-left corner, y down (as layout); image space in
 * pixels from the image's top-left corner, y down.
 */
#ifndef CONSENTGEN_SCAN_H
#define CONSENTGEN_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consentgen/diag.h"
#include "consentgen/layout.h"
#include "consentgen/register.h"
#include "consentgen/util.h"

/* Limits against hostile or broken files; scan_limits_default() gives the ones cli uses. */
struct scan_limits {
    size_t   max_file_bytes; /* whole file */
    size_t   max_pages;      /* pages per file */
    uint64_t max_pixels;     /* pixels per page image */
    double   render_dpi;     /* PDF pages without one full-page image are rendered at this resolution */
};
struct scan_limits scan_limits_default(void);

/* One page of a scan as an 8-bit grey image (paper light, ink dark). */
struct scan_page;
unsigned    scan_page_width(const struct scan_page *p);  /* pixels */
unsigned    scan_page_height(const struct scan_page *p); /* pixels */
double      scan_page_dpi(const struct scan_page *p);    /* from the file; 0 when unknown */
const char *scan_page_file(const struct scan_page *p);   /* the file's name as given */
unsigned    scan_page_number(const struct scan_page *p); /* 1-based */
void        scan_page_free(struct scan_page *p);

/*
 * An opened scan file. scan_doc_load reads path (name: the path as the user wrote it, for messages);
 * scan_doc_parse takes the file's bytes (copied). Anything but a PDF, PNG, JPEG or TIFF is refused
 * with one diag naming what the file seems to be; NULL then.
 */
struct scan_doc;
struct scan_doc *scan_doc_load(const char *path, const struct scan_limits *lim, struct diags *d);
struct scan_doc *scan_doc_parse(const void *data, size_t len, const char *name, const struct scan_limits *lim,
                                struct diags *d);
size_t           scan_doc_n_pages(const struct scan_doc *doc);
/*
 * Page index (0-based) as a grey image, caller frees. NULL and a diag at FILE:PAGE when the page cannot
 * be read (damaged, too large); the other pages stay readable. Pages are cheapest in order.
 */
struct scan_page *scan_doc_page(struct scan_doc *doc, size_t index, struct diags *d);
void              scan_doc_free(struct scan_doc *doc);

/* A point in image pixels or in page pt, as the function says. */
struct scan_point {
    double x, y;
};

/* One QR code found on a page. */
struct scan_code {
    char             *text;       /* UTF-8, NUL-terminated, owned */
    struct scan_point corners[4]; /* px: the symbol's own top-left, top-right, bottom-right, bottom-left */
};
struct scan_codes {
    struct scan_code *v;
    size_t            n;
};
/* Every QR code on the page, in any orientation; out is filled (caller: scan_codes_fini). */
void scan_read_codes(const struct scan_page *p, struct scan_codes *out);
void scan_codes_fini(struct scan_codes *c);

/*
 * Where things are on one printed slip, in page pt (from the page's top-left, y down), as layout
 * placed them for the token in its code. Marks are filled squares of side mark_pt around their centres.
 */
struct scan_rect {
    double x_pt, y_pt, w_pt, h_pt; /* top-left corner and size */
};
enum { SCAN_MAX_BOXES = 4, SCAN_MAX_SIGNATURES = 4 };
/* Who signs on a signature line. */
enum scan_signer { SCAN_SIGNER_ANY, SCAN_SIGNER_GUARDIAN, SCAN_SIGNER_PUPIL };
struct scan_signature_field {
    struct scan_rect area;      /* where a signature is expected (above the line) */
    double           line_y_pt; /* the printed signature line, ignored when measuring */
    enum scan_signer signer;
};
/* What ticking a check box means. */
enum scan_choice { SCAN_CHOICE_OTHER, SCAN_CHOICE_YES, SCAN_CHOICE_NO };
struct scan_slip_geometry {
    double                      mark_pt;  /* side of a corner mark */
    struct scan_point           marks[4]; /* pt, centres: top-left, top-right, bottom-right, bottom-left */
    struct scan_rect            code;     /* the QR symbol without its quiet zone */
    size_t                      n_boxes;
    struct scan_rect            boxes[SCAN_MAX_BOXES]; /* check boxes (Ja, Nein), outer edge of the frame */
    enum scan_choice            choices[SCAN_MAX_BOXES];
    size_t                      n_signatures;
    struct scan_signature_field signatures[SCAN_MAX_SIGNATURES];
    struct scan_rect            area; /* the whole slip, cut line to bottom marks (the review's picture) */
};

/* The geometry scan needs, from where layout put the slip (struct layout_slip, same units). */
void scan_geometry_from_slip(const struct layout_slip *s, struct scan_slip_geometry *g);

/* An affine map from page pt to image px: x_px = a*x + b*y + c, y_px = d*x + e*y + f. */
struct scan_fit {
    double   a, b, c, d, e, f;
    double   residual_mm;  /* largest distance of a mark from where the fit puts it */
    double   px_per_mm;    /* scale of the scan */
    unsigned n_marks;      /* marks the fit uses (3 or 4) */
    unsigned quarter_turns; /* 0..3: how far the slip is turned clockwise in the image */
};
struct scan_point scan_fit_apply(const struct scan_fit *fit, struct scan_point pt);

/* Least-squares affine fit from n >= 3 page points to image points; false if degenerate. */
bool scan_fit_affine(const struct scan_point *page_pt, const struct scan_point *image_px, size_t n,
                     struct scan_fit *fit);

/* Why a slip could not be registered. */
enum scan_register_result {
    SCAN_REGISTERED,
    SCAN_MARKS_MISSING,   /* fewer than three corner marks found */
    SCAN_MARKS_DISAGREE,  /* the marks found do not fit the slip's shape (residual above 1 mm) */
};
/*
 * A filled square of about side_px (within 25 %) nearest to want, within radius_px: its centre in
 * *found. False if there is none.
 */
bool scan_find_mark(const struct scan_page *p, struct scan_point want, double side_px, double radius_px,
                    struct scan_point *found);
/*
 * Registers the slip whose code is code: the code's corners give the orientation and a first estimate,
 * the corner marks of g the fit (fit->residual_mm at most 1 mm).
 */
enum scan_register_result scan_register_slip(const struct scan_page *p, const struct scan_code *code,
                                             const struct scan_slip_geometry *g, struct scan_fit *fit);

/* A check box as read. */
enum scan_box_state {
    SCAN_BOX_EMPTY,
    SCAN_BOX_MARKED,  /* ticked or crossed */
    SCAN_BOX_FILLED,  /* filled over: a correction */
    SCAN_BOX_UNSURE,  /* between the bands: a person must look */
};
struct scan_box_reading {
    enum scan_box_state state;
    double              dark_share; /* 0..1, inside the box shrunk to 75 % */
};
/* Reads the box at rect (pt) through fit. */
struct scan_box_reading scan_measure_box(const struct scan_page *p, const struct scan_fit *fit,
                                         const struct scan_rect *box);

/* A signature field as read. */
enum scan_ink_state { SCAN_INK_NONE, SCAN_INK_PRESENT, SCAN_INK_UNSURE };
struct scan_ink_reading {
    enum scan_ink_state state;
    double              extent_mm; /* horizontal extent of the inked 2 x 2 mm windows */
    size_t              n_windows; /* inked windows */
};
struct scan_ink_reading scan_measure_signature(const struct scan_page *p, const struct scan_fit *fit,
                                               const struct scan_signature_field *field);

/* ---- one slip read whole ---- */

/* Why a slip needs a person (bits of scan_slip_reading.reasons). */
enum scan_review_reason {
    SCAN_REVIEW_MARKS_MISSING = 1u << 0,     /* fewer than three corner marks: cut off or covered */
    SCAN_REVIEW_MARKS_DISAGREE = 1u << 1,    /* the marks do not fit the slip's shape */
    SCAN_REVIEW_BOTH_TICKED = 1u << 2,       /* Ja and Nein both ticked */
    SCAN_REVIEW_NONE_TICKED = 1u << 3,       /* neither ticked */
    SCAN_REVIEW_FILLED = 1u << 4,            /* a box filled over: a correction? */
    SCAN_REVIEW_BOX_UNSURE = 1u << 5,        /* a dot, a stray or very faint mark in a box */
    SCAN_REVIEW_SIGNATURE_MISSING = 1u << 6, /* a required signature line is empty */
    SCAN_REVIEW_SIGNATURE_UNSURE = 1u << 7,  /* a little ink on a signature line, too little to tell */
};

struct scan_slip_reading {
    enum scan_register_result registered;
    struct scan_fit           fit; /* from the marks when registered, else from the code alone (rougher) */
    struct scan_box_reading   boxes[SCAN_MAX_BOXES];
    struct scan_ink_reading   signatures[SCAN_MAX_SIGNATURES];
    enum register_answer      ticked;    /* what the boxes alone say: YES, NO or UNCLEAR */
    enum register_answer      answer;    /* YES or NO only when nothing is in doubt, else UNCLEAR */
    enum register_signature   signature; /* YES, MISSING or UNCLEAR */
    unsigned                  reasons;   /* enum scan_review_reason bits; 0: no person needed */
};

/*
 * Reads the slip of code with geometry g: registers it, decides each box and each signature line, and
 * derives the answer. A wrong Ja or Nein is worse than none: exactly one of Ja and Nein ticked, the
 * other empty, no box filled over or unsure and every signature line inked gives that answer; anything
 * else gives UNCLEAR with the reasons set.
 */
void scan_read_slip(const struct scan_page *p, const struct scan_code *code, const struct scan_slip_geometry *g,
                    struct scan_slip_reading *out);

/* A rough map from the code's four corners alone (code_pt: where the code is on the page); false if degenerate. */
bool scan_fit_from_code(const struct scan_code *code, const struct scan_rect *code_pt, struct scan_fit *fit);

/* ---- pictures for the review ---- */

/* A picture as JPEG bytes, for the review PDF. */
struct scan_picture {
    struct buf jpeg;
    unsigned   w_px, h_px;
};
void scan_picture_fini(struct scan_picture *pic);

/*
 * The page area `area` (pt) seen through fit, turned upright, at dpi, as a JPEG picture. False (and
 * pic empty) when the area is degenerate or encoding fails.
 */
bool scan_picture_of_area(const struct scan_page *p, const struct scan_fit *fit, const struct scan_rect *area,
                          double dpi, struct scan_picture *pic);
/* The whole page scaled to dpi (or to an A4 width when its resolution is unknown), as it lies. */
bool scan_picture_of_page(const struct scan_page *p, double dpi, struct scan_picture *pic);

/* ---- what else is on a page ---- */

/* The scan's resolution: from the file, else told from the page's size (A4 or a smaller piece of paper). */
double scan_page_px_per_mm(const struct scan_page *p);
/* Whether the page is blank paper (no ink worth a look: the back of a sheet). */
bool scan_page_is_blank(const struct scan_page *p);
/*
 * Centres (px) of every filled square on the page of about side_px (within 25 %), at most max of them
 * into out; returns how many there are. Corner marks of slips whose code was not read show up here.
 */
size_t scan_find_all_marks(const struct scan_page *p, double side_px, struct scan_point *out, size_t max);

#endif
