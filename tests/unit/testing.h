/*  testing.h: the smallest test harness that reports well. CHECK counts and
    names every failure with its line; each test program ends with
    TESTS_DONE, which prints "N passed, N failed" and sets the exit code.   */
#ifndef TESTING_H_INCLUDED
#define TESTING_H_INCLUDED

#include "vedette.h"

static int s_passed, s_failed;

#define CHECK(cond) do { \
    if (cond) s_passed++; \
    else { s_failed++; fprintf (stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define TESTS_DONE() do { \
    printf ("%s: %d passed, %d failed\n", __FILE__, s_passed, s_failed); \
    return s_failed? 1: 0; \
} while (0)

//  A scratch directory for this test, made fresh
static inline char *
test_dir (const char *name)
{
    char *dir = zsys_sprintf ("%s/vedette-unit-%s-%d", getenv ("TMPDIR")? getenv ("TMPDIR"): "/tmp",
                              name, (int) getpid ());
    char *command = zsys_sprintf ("rm -rf '%s'", dir);
    if (system (command)) { }
    free (command);
    vd_mkdir_p (dir, 0700);
    return dir;
}

static inline void
test_dir_remove (char *dir)
{
    char *command = zsys_sprintf ("rm -rf '%s'", dir);
    if (system (command)) { }
    free (command);
    free (dir);
}

#endif
