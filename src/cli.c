#include "consentgen/cli.h"

int
cli_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return CLI_EXIT_USAGE;
}
