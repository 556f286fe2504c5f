/*
 * run_register: the consent register's part of a run. Loads it for set,
 * status and render --missing (the reminder round: forms only for pupils
 * whose answer is not back), and records a manual answer (set).
 */
#include "consentgen/run.h"

#include <stdlib.h>
#include <string.h>

#include "consentgen/register.h"
#include "consentgen/util.h"

#include "run_int.h"

/* Render --missing: per-pupil files and class forms only for pupils without an answer. */
static void
leave_out_answered(struct run *r)
{
    for (size_t j = 0; j < r->n_classes; j++) {
        struct run_class *cls = &r->classes[j];
        bool              any_missing = false;
        cls->answers = xcalloc(cls->n_pupils ? cls->n_pupils : 1, sizeof *cls->answers);
        for (size_t k = 0; k < cls->n_pupils; k++) {
            const struct register_row *row = register_row_of(r->reg, cls->pupils[k]);
            if (row->answer == REGISTER_ANSWER_NONE) {
                any_missing = true;
                continue;
            }
            cls->answers[k] = register_answer_word(row->answer);
            cls->selected[k] = false;
        }
        /* A class whose answers are all back needs no reminder. */
        if (!any_missing)
            cls->write_class_file = false;
    }
}

void
run_load_register(struct run *r, struct diags *d)
{
    r->reg = register_load(r->config->reg.file, r->roster, d);
    if (r->reg && r->req->missing)
        leave_out_answered(r);
}

void
run_fini_register(struct run *r)
{
    for (size_t j = 0; j < r->n_classes; j++)
        free(r->classes[j].answers);
    register_free(r->reg);
    r->reg = NULL;
}

bool
run_set(struct run *r, enum register_answer answer, struct date date, struct run_set_result *res,
        struct diags *d)
{
    memset(res, 0, sizeof *res);
    /* run_load has chosen the pupil (--pupil or --id, within --class); a reused id can choose more. */
    size_t n = 0;
    for (size_t j = 0; j < r->n_classes; j++)
        for (size_t k = 0; k < r->classes[j].n_pupils; k++)
            if (r->classes[j].selected[k]) {
                if (!res->pupil)
                    res->pupil = r->classes[j].pupils[k];
                n++;
            }
    if (n != 1) {
        diag_add(d, DIAG_ERROR, r->roster->path, 0, 0,
                 "the id \"%s\" belongs to %zu pupils in the roster; set records one pupil's answer",
                 r->req->n_ids ? r->req->ids[0] : "", n);
        res->pupil = NULL;
        return false;
    }
    struct register_entry e = {answer, REGISTER_SIGNATURE_NONE, date, NULL, false};
    res->change = register_record(r->reg, res->pupil, &e);
    if (res->change == REGISTER_UNCHANGED)
        return true;
    if (!register_save(r->reg, r->config->reg.file, d)) {
        diag_add(d, DIAG_NOTE, NULL, 0, 0, "the register \"%s\" was left as it was", r->config->reg.file);
        res->write_failed = true;
        return false;
    }
    return true;
}
