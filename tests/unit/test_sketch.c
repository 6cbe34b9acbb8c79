/*  vd_sketch: quantiles within 1% of the exact ones, merges that equal the
    sketch of the union, encoded bytes that decode to the same sketch, and
    damaged bytes refused.                                                   */
#include "testing.h"

static int
s_compare (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y? -1: x > y;
}

static double s_values [100000];

//  The exact q-quantile (the same rank rule as the sketch's)
static double
s_exact (int count, double q)
{
    return s_values [(int) (q * (count - 1))];
}

//  Every quantile read from the sketch within alpha of the exact one
static bool
s_within (const vd_sketch_t *sketch, int count)
{
    static const double qs [] = { 0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1 };
    for (size_t i = 0; i < sizeof qs / sizeof qs [0]; i++) {
        double exact = s_exact (count, qs [i]), got = vd_sketch_quantile (sketch, qs [i]);
        if (fabs (got - exact) > VD_SKETCH_ALPHA * fabs (exact) + 1e-12) {
            printf ("# q %.3f: %.6f, exact %.6f\n", qs [i], got, exact);
            return false;
        }
    }
    return true;
}

int
main (void)
{
    CHECK (sodium_init () >= 0);
    vd_sketch_t *empty = vd_sketch_new ();
    CHECK (isnan (vd_sketch_quantile (empty, 0.5)) && vd_sketch_count (empty) == 0);

    //  latencies: a 20 ms base and a long exponential tail, in 288 sketches
    //  (a day of 5-minute rollups) merged into one
    int count = 100000;
    vd_sketch_t *whole = vd_sketch_new ();
    vd_sketch_t *day = vd_sketch_new ();
    vd_sketch_t *part = NULL;
    for (int i = 0; i < count; i++) {
        double u = (randombytes_uniform (1u << 30) + 1) / (double) (1u << 30);
        s_values [i] = 20 - 15 * log (u);
        if (i % 350 == 0) {
            if (part)
                vd_sketch_merge (day, part);
            vd_sketch_destroy (&part);
            part = vd_sketch_new ();
        }
        vd_sketch_add (part, s_values [i]);
        vd_sketch_add (whole, s_values [i]);
    }
    vd_sketch_merge (day, part);
    vd_sketch_destroy (&part);
    qsort (s_values, (size_t) count, sizeof (double), s_compare);
    CHECK (vd_sketch_count (whole) == (uint64_t) count && vd_sketch_count (day) == (uint64_t) count);
    CHECK (s_within (whole, count));
    CHECK (s_within (day, count));
    for (int q = 0; q <= 100; q++)
        CHECK (vd_sketch_quantile (whole, q / 100.0) == vd_sketch_quantile (day, q / 100.0));

    //  encoded and decoded: the same quantiles, in few bytes
    size_t size;
    byte *data = vd_sketch_encode (whole, &size);
    printf ("# 100,000 latencies: %zu bytes\n", size);
    CHECK (size < 2000);
    vd_sketch_t *decoded = vd_sketch_new ();
    CHECK (vd_sketch_merge_bytes (decoded, data, size) == 0);
    CHECK (vd_sketch_count (decoded) == (uint64_t) count);
    for (int q = 0; q <= 100; q++)
        CHECK (vd_sketch_quantile (decoded, q / 100.0) == vd_sketch_quantile (whole, q / 100.0));

    //  damaged bytes: refused, the sketch unchanged
    CHECK (vd_sketch_merge_bytes (decoded, data, size - 1) == -1);
    data [0] = 2;
    CHECK (vd_sketch_merge_bytes (decoded, data, size) == -1);
    CHECK (vd_sketch_merge_bytes (decoded, data, 0) == -1);
    const byte huge_key [] = { 1, 0, 0, 1, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 1 };
    CHECK (vd_sketch_merge_bytes (decoded, huge_key, sizeof huge_key) == -1);
    const byte falling [] = { 1, 0, 0, 2, 20, 1, 1, 1 };       //  keys 10 then 9
    CHECK (vd_sketch_merge_bytes (decoded, falling, sizeof falling) == -1);
    CHECK (vd_sketch_count (decoded) == (uint64_t) count);
    free (data);

    //  signs, zero, NaN and the infinities (not counted), a range wider
    //  than the buckets (the lowest collapse; the top quantiles stay exact)
    vd_sketch_t *mixed = vd_sketch_new ();
    double some [] = { -5, -1, 0, 0, 1, 5, NAN, INFINITY, -INFINITY };
    for (size_t i = 0; i < sizeof some / sizeof some [0]; i++)
        vd_sketch_add (mixed, some [i]);
    CHECK (vd_sketch_count (mixed) == 6);
    CHECK (fabs (vd_sketch_quantile (mixed, 0) + 5) <= 0.05);
    CHECK (vd_sketch_quantile (mixed, 0.4) == 0);
    CHECK (fabs (vd_sketch_quantile (mixed, 1) - 5) <= 0.05);
    vd_sketch_t *wide = vd_sketch_new ();
    for (int e = -9; e <= 300; e++)
        vd_sketch_add (wide, pow (10, e));
    CHECK (fabs (vd_sketch_quantile (wide, 1) - 1e300) <= 1e298);
    CHECK (vd_sketch_quantile (wide, 0) > 1e-9);     //  collapsed upwards
    data = vd_sketch_encode (wide, &size);
    vd_sketch_t *again = vd_sketch_new ();
    CHECK (vd_sketch_merge_bytes (again, data, size) == 0 && vd_sketch_count (again) == 310);
    free (data);

    vd_sketch_destroy (&again);
    vd_sketch_destroy (&wide);
    vd_sketch_destroy (&mixed);
    vd_sketch_destroy (&decoded);
    vd_sketch_destroy (&day);
    vd_sketch_destroy (&whole);
    vd_sketch_destroy (&empty);
    TESTS_DONE ();
}
