/*
 * consentgen: prints consent forms for a whole school.
 *
 * The data flow, all driven by cli.c:
 *   config_load()            the YAML config               (config.c)
 *   roster_load()            the pupil roster CSV          (roster.c)
 *   template_load()          the Markdown consent text     (template.c)
 *   pdf_fonts_load()         fonts via fontconfig          (pdf.c)
 *   form_layout()            one pupil -> laid-out pages   (form.c, layout.c)
 *   pdf_writer_*()           pages -> PDF                  (pdf.c)
 *   output_commit()          temp file + rename            (output.c)
 */
#include "consentgen/cli.h"

int
main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
