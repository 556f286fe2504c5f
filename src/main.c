/*
 * consentgen: prints consent forms for a whole school.
 *
 * The data flow: cli.c parses the command line and hands it to the run core.
 *   run_load()               loads and cross-checks the inputs once         (run.c)
 *     config_load()          the YAML config                                (config.c)
 *     roster_load()          the pupil roster CSV                           (roster.c)
 *     template_load()        the Markdown consent text                      (template.c)
 *     text_engine_load()     fonts via fontconfig, HarfBuzz, FriBidi        (text_font.c, text.c)
 *     pdf_fonts_load()       the same font files in libharu                 (pdf.c, pdf_hpdf.c)
 *   run_render()             worker processes render class by class         (run_render.c, sys_posix.c)
 *     form_layout_pupil()    one pupil -> shaped, laid-out pages            (form.c, layout.c, text.c)
 *     pdf_writer_*()         pages -> PDF                                   (pdf.c)
 *     output_stage()         a hidden temp file per PDF                     (output_dir.c)
 *   output_commit_all()      all temp files renamed into place, or none     (output_dir.c)
 */
#include "consentgen/cli.h"

int
main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
