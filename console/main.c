/*  vedette: the CLI; with no command on a terminal, the full-screen console.  */
#include "console.h"

int
main (int argc, char *argv [])
{
    vd_log_init ("vedette", true, false);
    if (sodium_init () < 0)
        return EXIT_FAILED;
    return cli_main (argc, argv);
}
