/*
 * run_int.h: what run.c shares with run_register.c (the consent register's
 * part of a run).
 */
#ifndef CONSENTGEN_RUN_INT_H
#define CONSENTGEN_RUN_INT_H

#include "consentgen/diag.h"
#include "consentgen/run.h"

/*
 * Reads the register (register.file) and matches it to the roster; for
 * render --missing leaves out the pupils whose answer is back. Problems go
 * to d, an unreadable file at the config line that names it.
 */
void run_load_register(struct run *r, struct diags *d);
/* Frees what run_load_register made. */
void run_fini_register(struct run *r);

/* ---- scan (run_scan.c reads and merges, run_review.c lays out the review file) ---- */

#ifdef CONSENTGEN_HAVE_SCAN
#include "consentgen/scan.h"

enum run_slip_kind {
    RUN_SLIP_PUPIL,   /* a slip of a roster pupil: read and merged */
    RUN_SLIP_LEFT,    /* a slip of a pupil who is in the register but no longer in the roster */
    RUN_SLIP_FOREIGN, /* a code of another form round or school */
    RUN_SLIP_DAMAGED, /* a code of ours whose check character does not fit */
    RUN_SLIP_UNREAD,  /* a page with corner marks of a slip whose code was not read */
};

/* One slip (or one page with an unreadable slip) as a worker read it, and what merging it did. */
struct run_slip {
    size_t                    file;  /* index into the scan files */
    unsigned                  page;  /* 1-based */
    unsigned                  seq;   /* order on the page, top to bottom */
    enum run_slip_kind        kind;
    size_t                    index; /* PUPIL: roster pupil; LEFT: register row */
    char                      token[FORM_TOKEN_LEN + 1];
    struct scan_slip_reading  reading;
    size_t                    n_signatures;
    enum scan_signer          signers[SCAN_MAX_SIGNATURES];
    struct scan_rect          area; /* the slip on its printed page, pt */
    struct scan_picture       picture; /* for the review; empty when the slip needs nobody */
    /* Set when merged (PUPIL only). */
    enum register_change      change;
    bool                      in_review;
};

/*
 * The review file of a scan as PDF bytes into out: the slips with in_review set (in the order given),
 * then the register's rows still marked Prüfen that no slip of this scan showed. scan_files: the files
 * as named on the command line; config_arg: the config as named there, for the commands shown.
 */
bool run_review_pdf(const struct run *r, const struct run_slip *slips, size_t n_slips,
                    const char *const *scan_files, const char *config_arg, size_t n_slips_read, struct buf *out,
                    size_t *n_entries, struct diags *d);
#endif

#endif
