/*
 * libFuzzer harness for the config reader: the input is YAML text, read once as a whole config file and
 * once as a template's front matter. Paths in the config are only resolved as strings, so the harness
 * touches no files. Everything is freed, nothing printed.
 */
#include <stddef.h>
#include <stdint.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/util.h"

#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diags d = {0};

    struct config *c = config_parse((const char *)data, size, "fuzz/schule.yaml", &d);
    if (c) {
        config_value(c, "return_by");
        config_value(c, "platform");
        config_free(c);
    }
    test_format_and_free_diags(&d);

    struct config_front_matter fm = {0};
    diags_init(&d);
    config_parse_front_matter((const char *)data, size, "vorlage.md", 2, &fm, &d);
    config_front_matter_fini(&fm);
    test_format_and_free_diags(&d);
    return 0;
}
