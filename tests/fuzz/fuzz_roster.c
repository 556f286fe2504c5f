/*
 * libFuzzer harness for the roster reader: the input is the bytes of a CSV file, read with delimiter and
 * encoding detection (as "delimiter: auto", "encoding: auto" in the config) and once more as declared
 * utf-8 with a fixed delimiter and configured column names; each roster is sorted, checked for implausible
 * birth dates and duplicates, and searched by name. Everything is freed, nothing printed, so
 * LeakSanitizer sees every leak and the fuzzer output stays readable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/roster.h"
#include "consentgen/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_and_use(const uint8_t *data, size_t size, const struct config_roster *opts)
{
    struct diags   d = {0};
    struct roster *r = roster_parse((const char *)data, size, "klassen.csv", opts, &d);
    if (r) {
        size_t idx[4];
        roster_sort(r);
        roster_check_plausible(r, (struct date){2026, 11, 27}, "s.yaml", (struct config_pos){6, 9}, &d);
        size_t sidx[3];
        roster_suggest_names(r, "Mueler, Ana", sidx, 3);
        roster_suggest_names(r, "Mueller", sidx, 3);
        /* Search for the first pupil by its own name, so matches happen, and for a fixed name. */
        if (r->n_pupils > 0) {
            const struct pupil *p = &r->pupils[0];
            char               *q =
                xasprintf("%s, %s", p->last_name ? p->last_name : "", p->first_name ? p->first_name : "");
            roster_find_by_name(r, q, idx, 4);
            free(q);
            roster_field(r, p, "Klasse");
        }
        roster_find_by_name(r, "yilmaz, elif", idx, 4);
        roster_find_by_name(r, "", idx, 4);
        for (size_t i = 0; i + 1 < r->n_pupils && i < 16; i++)
            roster_compare_class(r->pupils[i].class_name, r->pupils[i + 1].class_name);
        roster_free(r);
    }
    struct buf b;
    buf_init(&b);
    diags_sort(&d);
    diags_format(&d, &b);
    buf_fini(&b);
    diags_fini(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char    delimiters[] = {';', ',', '\t'};
    struct config_roster opts = {0};

    /* As the example config has it: everything detected. */
    opts.file = "klassen.csv";
    opts.file_as_written = "klassen.csv";
    opts.delimiter = 0;
    opts.encoding = CONFIG_ENCODING_AUTO;
    parse_and_use(data, size, &opts);

    /* Declared: utf-8 (invalid bytes are errors then), a fixed delimiter, configured column names. */
    opts.delimiter = delimiters[size % 3];
    opts.encoding = CONFIG_ENCODING_UTF8;
    opts.columns.last_name = "Nachname";
    opts.columns.first_name = "Vorname";
    opts.columns.birth_date = "Geburtsdatum";
    opts.columns.class_name = "Klasse";
    parse_and_use(data, size, &opts);
    return 0;
}
