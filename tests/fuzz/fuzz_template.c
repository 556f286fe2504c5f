/*
 * libFuzzer harness for the template parser and the layout engine: the input is a template (Markdown with
 * front matter). A parsed template has its placeholders checked against a small fixed config and roster
 * header list, is laid out as one pupil's form with fake metrics (tests/unit/fake_metrics.c) and a fixed
 * value lookup, and its title goes onto a class sheet; both layouts are dumped as text. The pupil's age
 * comes from the input's length, so every signature row audience is reached. The input is also compared as a
 * translation with a small German form, and that form as a translation of the input. Everything is freed,
 * nothing printed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "consentgen/config.h"
#include "consentgen/diag.h"
#include "consentgen/layout.h"
#include "consentgen/template.h"
#include "consentgen/util.h"
#include "fake_metrics.h"
#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct kv {
    const char *name, *value;
};

static const struct kv values[] = {
    {"school.name", "Städtisches Gymnasium Musterstadt"},
    {"school.address", "Schulstraße 1, 12345 Musterstadt"},
    {"form.date", "27.11.2026"},
    {"form.platform", "IServ"},
    {"form.return_by", "11.12.2026"},
    {"form.authority",
     "Landesbeauftragten für den Datenschutz und die Informationsfreiheit Nordrhein-Westfalen"},
    {"pupil.last_name", "Yılmaz-Schneider-Oberhausen-Wanne-Eickel-Castrop-Rauxel"},
    {"pupil.first_name", "Elif Şükran"},
    {"pupil.birth_date", "03.05.2013"},
    {"pupil.class", "7b"},
    {"pupil.age", "13"},
    {"pupil.id", "4711"},
    {"pupil.Klasse", "7b"},
    {NULL, NULL},
};

static const char *
lookup(void *ctx, const char *name)
{
    (void)ctx;
    for (const struct kv *k = values; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k->value;
    return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diags         d = {0};
    struct template_doc *doc = template_parse((const char *)data, size, "vorlage.md", &d);
    if (!doc) {
        test_format_and_free_diags(&d);
        return 0;
    }

    struct config_value config_values[] = {
        {"platform", "IServ", 5, 15},
        {"return_by", "11.12.2026", 6, 16},
        {"authority", "Landesbeauftragten", 7, 16},
    };
    struct config c = {0};
    c.path = "schule.yaml";
    c.school.name = "Städtisches Gymnasium Musterstadt";
    c.school.address = "Schulstraße 1, 12345 Musterstadt";
    c.form.date = (struct date){2026, 11, 27};
    c.form.has_date = true;
    c.form.values = config_values;
    c.form.n_values = sizeof config_values / sizeof config_values[0];
    static const char *const headers[] = {"Nachname", "Vorname", "Geburtsdatum", "Klasse", "Religion"};
    template_check_placeholders(doc, &c, headers, sizeof headers / sizeof headers[0], &d);
    static const char german_text[] =
        "---\ntitle: Einwilligung\n---\nMit {{form.platform}}.\n\n## Abschnitt\n\n"
        "- [ ] Ja\n- [ ] Nein\n\n```signature\n```\n\n```pupil\n```\n";
    struct template_doc *german = template_parse(german_text, sizeof german_text - 1, "de.md", &d);
    if (german) {
        template_check_translation(german, doc, &d);
        template_check_translation(doc, german, &d);
        template_free(german);
    }
    template_n_blocks(doc);
    template_path(doc);
    template_front_matter(doc);

    struct text_shaper             m = fake_metrics(NULL);
    struct layout_values              v = {NULL, lookup};
    struct layout_form_params         p = {0};
    struct arena                     *a = arena_new();
    struct layout_doc                 out = {0};
    struct buf                        dump;
    const struct config_front_matter *fm = template_front_matter(doc);

    p.setup.school = &c.school;
    p.setup.marks = size % 2 == 0;
    p.setup.logo_aspect = size % 3 == 0 ? 2.5 : 0;
    p.footer = "Yılmaz-Schneider, Elif Şükran · Klasse 7b";
    p.pupil_age = (int)(size % 24);
    p.pupil_signature_from_age = fm->pupil_signature_from_age;
    p.adult_age = fm->adult_age;
    p.form_date = "27.11.2026";
    p.slip_code = size % 5 ? "CG1-3HWZGMJPVEMK" : NULL;
    p.slip_token = "3HWZ-GMJP-VEMK";
    buf_init(&dump);
    layout_form(doc, &v, &p, &m, a, &out);
    layout_pad_to_even(&out, a);
    layout_dump(&out, &dump);
    /* The same text as a translation: for information only, and right to left on every other input. */
    p.is_information = true;
    p.direction = size % 2 ? TEXT_DIR_AUTO_RTL : TEXT_DIR_RTL;
    layout_form(doc, &v, &p, &m, a, &out);
    layout_dump(&out, &dump);

    static const struct layout_sheet_row rows[] = {
        {"Yılmaz", "Elif", "Ja", "Türkisch"},
        {"Müller", "Jonas", "widerrufen", NULL},
        {"Nguyễn", "An", NULL, "Vietnamesisch mit sehr langem Namen"},
        {"", "", "", ""},
    };
    struct layout_sheet_params sp = {0};
    struct layout_doc          sheet = {0};
    sp.setup = p.setup;
    sp.class_name = "7b";
    sp.form_title = template_title(doc);
    sp.form_date = "27.11.2026";
    sp.return_by = size % 2 == 0 ? "11.12.2026" : NULL;
    sp.rows = rows;
    sp.n_rows = sizeof rows / sizeof rows[0];
    layout_class_sheet(&sp, &m, a, &sheet);
    layout_dump(&sheet, &dump);

    buf_fini(&dump);
    arena_free(a);
    template_free(doc);
    test_format_and_free_diags(&d);
    return 0;
}
