/*
 * libFuzzer harness for the consent register reader: the input is the bytes of a register file, read
 * against a small fixed roster, then given a scan answer and a manual one for a pupil, written and read
 * back. What the register writes must read back to the same bytes (no field lost or changed by quoting,
 * the formula guard or the list of sources): otherwise the harness aborts. Nothing is printed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/diag.h"
#include "consentgen/register.h"
#include "consentgen/roster.h"
#include "consentgen/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ROSTER[] = "ID;Nachname;Vorname;Klasse;Geburtsdatum\n"
                             "0712;Şahin;İlayda;5a;11.11.2015\n"
                             "40123;Müller;Jonas;5a;19.07.2015\n"
                             "40123;Müller;Jonas;5a;19.07.2015\n"
                             "40200;=Formel;\"Eva; Maria\";5b;01.02.2015\n";

static char *
format(const struct register_doc *reg)
{
    struct buf b;
    buf_init(&b);
    register_format(reg, &b);
    return buf_detach(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diags   d = {0};
    struct roster *r = roster_parse(ROSTER, sizeof ROSTER - 1, "klassen.csv", NULL, &d);
    roster_sort(r);
    struct register_doc *reg = register_parse((const char *)data, size, "einwilligungen.csv", r, &d);
    /* A register with errors is never written: only a readable one must survive the round trip. */
    if (reg && d.n_errors == 0) {
        struct register_entry scan = {
            REGISTER_ANSWER_NO, REGISTER_SIGNATURE_UNCLEAR, {2026, 12, 3}, "Stapel (Ja) | 2.pdf:2", true};
        struct register_entry manual = {
            REGISTER_ANSWER_WITHDRAWN, REGISTER_SIGNATURE_NONE, {2026, 12, 4}, NULL, false};
        register_record(reg, &r->pupils[size % r->n_pupils], &scan);
        register_record(reg, &r->pupils[(size / 2) % r->n_pupils], &manual);
        char *once = format(reg);
        /* Rows that are no longer in the roster stay, so the second reading has the same rows. */
        struct diags         d2 = {0};
        struct register_doc *again = register_parse(once, strlen(once), "einwilligungen.csv", r, &d2);
        if (!again || d2.n_errors)
            abort();
        char *twice = format(again);
        if (strcmp(once, twice) != 0)
            abort();
        free(twice);
        free(once);
        register_free(again);
        diags_fini(&d2);
    }
    register_free(reg);
    struct buf b;
    buf_init(&b);
    diags_sort(&d);
    diags_format(&d, &b);
    buf_fini(&b);
    diags_fini(&d);
    roster_free(r);
    return 0;
}
