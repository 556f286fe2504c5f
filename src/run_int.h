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

#endif
