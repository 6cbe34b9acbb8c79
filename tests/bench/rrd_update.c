/*  rrd_update: the RRDtool baseline (Smokeping, Cacti, LibreNMS). Creates
    SERIES rrd files (one GAUGE data source, step 1 s) and updates each in
    turn, one sample per call, COUNT updates in all. Prints updates, seconds,
    updates per second.  usage: rrd_update DIR COUNT SERIES                */
#include <rrd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/time.h>

static double
s_now (void)
{
    struct timeval tv;
    gettimeofday (&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

int
main (int argc, char *argv [])
{
    if (argc != 4)
        return 2;
    long count = atol (argv [2]), series = atol (argv [3]);
    time_t start_ts = time (NULL) - 10;
    const char *create_args [] = { "DS:v:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:86400" };
    char path [4096];
    for (long s = 0; s < series; s++) {
        snprintf (path, sizeof path, "%s/s%ld.rrd", argv [1], s);
        if (rrd_create_r (path, 1, start_ts, 2, create_args)) {
            fprintf (stderr, "rrd_create: %s\n", rrd_get_error ());
            return 1;
        }
    }
    double start = s_now ();
    for (long i = 0; i < count; i++) {
        long s = i % series;
        char value [64];
        snprintf (value, sizeof value, "%ld:%f", (long) start_ts + 1 + i / series, (i % 1000) / 10.0);
        const char *update [] = { value };
        snprintf (path, sizeof path, "%s/s%ld.rrd", argv [1], s);
        if (rrd_update_r (path, NULL, 1, update)) {
            fprintf (stderr, "rrd_update: %s\n", rrd_get_error ());
            return 1;
        }
    }
    double seconds = s_now () - start;
    printf ("%ld %.3f %.0f\n", count, seconds, count / seconds);
    return 0;
}
